import type { ExecutorEvent } from '../executor/types.js';

/**
 * The ensemble's progress on the console. On a terminal: one line rewritten in place (a bar, done,
 * running, failed, ETA). Elsewhere: a line per finished or failed job. With --json: an NDJSON event
 * per job start, progress, finish and failure on stdout (the command ends with a summary event).
 */
export class EnsembleProgress {
  private done = 0;
  private ran = 0;
  private failed = 0;
  private readonly running = new Set<string>();
  /** The year each running job is in. */
  private readonly years = new Map<string, number>();
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly mode: 'bar' | 'lines' | 'json' | 'quiet',
    private readonly stream: NodeJS.WritableStream,
  ) {}

  onEvent(event: ExecutorEvent): void {
    const job = { id: event.job.id, scenario: event.job.scenario, seed: event.job.seed };
    switch (event.type) {
      case 'started':
        this.running.add(event.job.id);
        this.emit({ event: 'job_started', ...job, worker: event.worker, attempt: event.attempt });
        break;
      case 'progress':
        // One event per job and year, not per stage: hundreds of jobs would flood the stream.
        if (this.years.get(event.job.id) === event.year) return;
        this.years.set(event.job.id, event.year);
        this.emit({ event: 'job_progress', ...job, year: event.year });
        break;
      case 'finished':
        this.running.delete(event.job.id);
        this.years.delete(event.job.id);
        this.done += 1;
        if (!event.reused) this.ran += 1;
        this.emit({ event: 'job_finished', ...job, reused: event.reused, seconds: event.result.seconds });
        this.line(`[${this.done + this.failed}/${this.total}] done ${describe(event.job)}${event.reused ? ' (reused)' : ` in ${event.result.seconds.toFixed(1)}s`}`);
        break;
      case 'failed':
        this.running.delete(event.job.id);
        this.years.delete(event.job.id);
        if (!event.willRetry) this.failed += 1;
        this.emit({ event: 'job_failed', ...job, error: event.error, attempt: event.attempt, will_retry: event.willRetry });
        this.line(`[${this.done + this.failed}/${this.total}] ${event.willRetry ? 'retrying' : 'FAILED'} ${describe(event.job)} (attempt ${event.attempt}): ${event.error.split('\n')[0]}`);
        break;
    }
    if (this.mode === 'bar') this.draw(event.type !== 'progress');
  }

  /** Ends the bar's line. */
  finish(): void {
    if (this.mode === 'bar') {
      this.draw(true);
      this.stream.write('\n');
    }
  }

  private emit(payload: Record<string, unknown>): void {
    if (this.mode === 'json') this.stream.write(`${JSON.stringify(payload)}\n`);
  }

  private line(text: string): void {
    if (this.mode === 'lines') this.stream.write(`${text}\n`);
  }

  /** At most ten redraws a second, unless a job changed state. */
  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const finished = this.done + this.failed;
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((finished / this.total) * width);
    const remaining = this.total - finished;
    // From the jobs run here (not the reused ones): the time per job at the pace so far.
    const eta = this.ran === 0 || remaining === 0 ? '' : `, ETA ${duration(((now - this.started) / this.ran) * remaining)}`;
    this.stream.write(
      `\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} done, ${this.running.size} running, ${this.failed} failed${eta}`,
    );
  }
}

const describe = (job: { scenario: string; seed: number }): string => `${job.scenario} seed ${job.seed}`;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
