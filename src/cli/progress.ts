import { renameSync, writeFileSync } from 'node:fs';
import type { ProgressEvent, ProgressSink } from '../orchestrator/progress.js';
import { formatInteger } from '../reporting/render/text.js';

/**
 * Renders progress on stderr: on a terminal, one line per year rewritten as its stages advance;
 * otherwise (CI, pipes, files) plain lines. With `quiet`, only notices are printed.
 */
export function consoleProgress(stream: NodeJS.WriteStream, quiet: boolean): ProgressSink {
  const tty = stream.isTTY === true;
  return {
    emit(event: ProgressEvent): void {
      switch (event.kind) {
        case 'notice':
          stream.write(`Note: ${event.message}\n`);
          return;
        case 'run_started':
          if (!quiet) stream.write(`Simulating ${event.startYear}–${event.endYear} (run ${event.runId})\n`);
          return;
        case 'stage_started':
          if (!quiet && tty) stream.write(`\r\x1b[K  ${event.year}  ${event.stage.toLowerCase()}...`);
          return;
        case 'stage_completed':
          if (!quiet && !tty) stream.write(`  ${event.year}  ${event.stage.toLowerCase()} done in ${event.seconds.toFixed(2)}s\n`);
          return;
        case 'year_completed':
          if (!quiet) {
            const s = event.summary;
            stream.write(
              `${tty ? '\r\x1b[K' : ''}  ${event.year}  done in ${event.seconds.toFixed(2)}s: ${formatInteger(s.activeHeadcount)} active, ${formatInteger(s.hires)} hires, ${formatInteger(s.experiencedTerminations + s.newHireTerminations)} terminations\n`,
            );
          }
          return;
        default:
          return;
      }
    },
  };
}

/** One JSON object per line on stdout for every stage and year (`--json`): machine-readable progress. */
export function ndjsonProgress(stream: NodeJS.WritableStream): ProgressSink {
  return {
    emit(event: ProgressEvent): void {
      if (event.kind === 'stage_started' || event.kind === 'year_started') return;
      const { kind, ...rest } = event;
      const payload =
        kind === 'validation'
          ? { year: event.year, results: event.results.map(({ rule, severity, violations }) => ({ rule, severity, violations })) }
          : rest;
      stream.write(`${JSON.stringify({ event: kind, ...payload })}\n`);
    },
  };
}

export interface RunStatus {
  pid: number;
  database: string;
  state: 'starting' | 'running' | 'completed' | 'failed';
  runId?: string;
  startYear?: number;
  endYear?: number;
  currentYear?: number;
  currentStage?: string;
  yearsCompleted: number[];
  startedAt: string;
  updatedAt: string;
  error?: string;
}

/** The status file beside a database (`<db>.status.json`): how `planalign status` sees a run in progress. */
export function statusFilePath(database: string): string {
  return `${database}.status.json`;
}

/** Keeps the status file of a running simulation up to date, written atomically (temp file + rename). */
export class StatusFile implements ProgressSink {
  private readonly status: RunStatus;

  constructor(
    private readonly path: string,
    database: string,
  ) {
    const now = new Date().toISOString();
    this.status = { pid: process.pid, database, state: 'starting', yearsCompleted: [], startedAt: now, updatedAt: now };
  }

  emit(event: ProgressEvent): void {
    switch (event.kind) {
      case 'run_started':
        Object.assign(this.status, { state: 'running', runId: event.runId, startYear: event.startYear, endYear: event.endYear });
        break;
      case 'stage_started':
        Object.assign(this.status, { currentYear: event.year, currentStage: event.stage });
        break;
      case 'year_completed':
        this.status.yearsCompleted.push(event.year);
        break;
      case 'run_completed':
        Object.assign(this.status, { state: 'completed', currentStage: undefined });
        break;
      default:
        return;
    }
    this.write();
  }

  /** Records a failure, unless the run never started: then the file may be another process's. */
  fail(error: unknown): void {
    if (this.status.state === 'starting') return;
    Object.assign(this.status, { state: 'failed', error: error instanceof Error ? error.message : String(error) });
    this.write();
  }

  private write(): void {
    this.status.updatedAt = new Date().toISOString();
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.status, null, 2)}\n`);
    renameSync(temp, this.path);
  }
}
