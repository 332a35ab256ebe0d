/**
 * The progress events of a Studio run, numbered and kept one JSON object per line in
 * `runs/<scenario>/<run-id>.events.ndjson`, so that a client that lost its connection (or a server
 * that restarted) replays them from the last id it saw.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { ProgressEvent } from '../orchestrator/progress.js';
import { PlanAlignError } from '../errors.js';

export type RunEventType =
  | 'run_started'
  | 'stage_started'
  | 'stage_completed'
  | 'year_completed'
  | 'validation'
  | 'notice'
  | 'run_completed'
  | 'run_failed'
  | 'run_cancelled'
  | 'run_interrupted';

export interface RunEvent {
  /** 1, 2, 3... per run, across its resumes. */
  id: number;
  runId: string;
  scenario: string;
  type: RunEventType;
  data: Record<string, unknown>;
}

/**
 * The last event a run sends. `run_interrupted` is never stored: it is told to a listener when the
 * run's process is gone without an outcome, with the id of the last stored event, so that the events
 * of a resume (stored after it) follow it.
 */
const TERMINAL: ReadonlySet<RunEventType> = new Set(['run_completed', 'run_failed', 'run_cancelled', 'run_interrupted']);

export function isTerminalEvent(event: Pick<RunEvent, 'type'>): boolean {
  return TERMINAL.has(event.type);
}

/**
 * An engine progress event as a run event: year_started is left out (stage_started follows it), and so
 * is run_completed, which the run's owner stores once the run's record says so; validation results
 * are reduced to their counts (their sample rows are in the database).
 */
export function runEventOf(event: ProgressEvent): { type: RunEventType; data: Record<string, unknown> } | undefined {
  switch (event.kind) {
    case 'year_started':
    case 'run_completed':
      return undefined;
    case 'validation':
      return { type: 'validation', data: { year: event.year, results: event.results.map(({ rule, severity, violations }) => ({ rule, severity, violations })) } };
    default: {
      const { kind, ...data } = event;
      return { type: kind, data };
    }
  }
}

/**
 * The stored events with an id above `afterId`. A last line without its newline is being written by
 * the run's owner (another process, maybe) and is left for the next read.
 */
export function readEvents(path: string, afterId = 0): RunEvent[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop(); // '' after the last newline, or the unfinished line
  return lines.flatMap((line, index) => {
    let event: RunEvent;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch (error) {
      throw new PlanAlignError(`Line ${index + 1} of the events file ${path} is not JSON`, { file: path, row: index + 1 }, undefined, { cause: error });
    }
    return event.id > afterId ? [event] : [];
  });
}

/** Appends a run's events, numbering them after those already stored. */
export class EventLog {
  private last: number;

  constructor(
    readonly path: string,
    private readonly scenario: string,
    private readonly runId: string,
  ) {
    this.last = readEvents(path).at(-1)?.id ?? 0;
  }

  get lastId(): number {
    return this.last;
  }

  append(type: RunEventType, data: Record<string, unknown>): RunEvent {
    const event: RunEvent = { id: this.last + 1, runId: this.runId, scenario: this.scenario, type, data };
    // One write per line: a reader sees whole lines, or an unfinished last one it skips.
    appendFileSync(this.path, `${JSON.stringify(event)}\n`);
    this.last = event.id;
    return event;
  }
}
