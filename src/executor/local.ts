/**
 * The local back-end: a pool of warm child processes (child.ts, forked with an IPC channel), each
 * running jobs one after another, the machine's cores and memory divided among them. A child that
 * dies fails its job (the executor retries it) and is replaced. Cancelling a running job asks its
 * child over IPC, then sends SIGINT (both roll the year in progress back), then kills it after a
 * grace period.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { defaultMemoryLimit, parseMemoryLimit } from '../db/database.js';
import { PlanAlignError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { readJobResult } from './job.js';
import { StderrTail } from './stderr-tail.js';
import type { JobOutcome, JobResult, JobSpec, RunExecutor, RunOptions } from './types.js';

/** Parent → child. */
export type ChildRequest =
  | { type: 'run'; outputDir: string; job: JobSpec; threads?: number | undefined; memoryLimit?: string | undefined }
  | { type: 'cancel' };

/** Child → parent. */
export type ChildReply =
  | { type: 'ready' }
  | { type: 'progress'; year: number; stage?: string }
  | { type: 'done'; result: JobResult; reused: boolean }
  | { type: 'failed'; error: string; retry: boolean; cancelled: boolean };

/** Why an attempt of a job did not finish: `retry` when running it again may succeed. */
export class JobAttemptError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly cancelled: boolean,
  ) {
    super(message);
    this.name = 'JobAttemptError';
  }
}

export interface JobRunOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((year: number, stage?: string) => void) | undefined;
  /** The job was handed to a child: `host:pid`. */
  onStart?: ((worker: string) => void) | undefined;
}

/** A cancelled job's child gets this long to roll back after the IPC request, then as long again after SIGINT. */
const CANCEL_GRACE_MS = 10_000;

interface Task {
  outputDir: string;
  job: JobSpec;
  options: JobRunOptions;
  resolve: (value: { result: JobResult; reused: boolean }) => void;
  reject: (error: JobAttemptError) => void;
  slot?: Slot;
  cancelled?: boolean;
}

interface Slot {
  child: ChildProcess;
  worker: string;
  task?: Task | undefined;
  stderr: StderrTail;
  timers: NodeJS.Timeout[];
}

export class LocalPool {
  readonly size: number;
  /** DuckDB threads and memory limit of each child's jobs. */
  readonly threads: number;
  readonly memoryLimit: string;
  private readonly module: string;
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private closed = false;

  /** `child`: the module each child runs (default the compiled dist/executor/child.js). */
  constructor(options: { size: number; threads?: number | undefined; memoryLimit?: string | undefined; child?: string }) {
    this.size = whole(options.size, '--parallel');
    // Children at once share the machine: unless told otherwise, each gets its share of the cores and
    // of the memory a run may take (N runs with every core would fight over them).
    this.threads = options.threads === undefined ? Math.max(1, Math.floor(availableParallelism() / this.size)) : whole(options.threads, '--threads');
    this.memoryLimit = options.memoryLimit === undefined ? defaultMemoryLimit(this.size) : parseMemoryLimit(options.memoryLimit);
    this.module = options.child ?? join(packageRoot, 'dist', 'executor', 'child.js');
    if (!existsSync(this.module)) {
      throw new PlanAlignError(`The compiled job runner ${this.module} is missing`, { file: this.module }, 'Run "npm run build" first: jobs run in child processes of it.');
    }
  }

  /** Runs the job in the next free child; rejects with a JobAttemptError when it does not finish. */
  runJob(outputDir: string, job: JobSpec, options: JobRunOptions = {}): Promise<{ result: JobResult; reused: boolean }> {
    if (this.closed) return Promise.reject(new JobAttemptError('the pool is closed', false, true));
    if (options.signal?.aborted) return Promise.reject(new JobAttemptError('cancelled before it started', false, true));
    return new Promise((resolve, reject) => {
      const task: Task = { outputDir, job, options, resolve, reject };
      const onAbort = (): void => this.cancel(task);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        options.signal?.removeEventListener('abort', onAbort);
        done(value);
      };
      task.resolve = settle(resolve);
      task.reject = settle(reject);
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Stops every child (a running job's child is killed: its job was cancelled or is abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new JobAttemptError('the pool was closed', false, true));
    await Promise.all(
      [...this.slots].map(
        (slot) =>
          new Promise<void>((done) => {
            if (slot.child.exitCode !== null || slot.child.signalCode !== null) return done();
            slot.child.once('exit', () => done());
            if (slot.task === undefined) slot.child.disconnect();
            else slot.child.kill('SIGKILL');
          }),
      ),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = [...this.slots].find((s) => s.task === undefined);
      if (slot === undefined) {
        if (this.slots.size >= this.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.stderr.clear();
      task.slot = slot;
      const request: ChildRequest = { type: 'run', outputDir: task.outputDir, job: task.job, threads: this.threads, memoryLimit: this.memoryLimit };
      slot.child.send(request);
      task.options.onStart?.(slot.worker);
    }
  }

  private spawn(): Slot {
    // Its own process group: a Ctrl-C at the terminal reaches the parent only, which decides.
    const child = fork(this.module, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true, serialization: 'json' });
    const slot: Slot = { child, worker: `${hostname()}:${child.pid ?? '?'}`, stderr: new StderrTail(child), timers: [] };
    this.slots.add(slot);
    child.on('message', (reply: ChildReply) => {
      const task = slot.task;
      if (task === undefined || reply.type === 'ready') return;
      if (reply.type === 'progress') {
        task.options.onProgress?.(reply.year, reply.stage);
        return;
      }
      this.release(slot);
      if (reply.type === 'done') task.resolve({ result: reply.result, reused: reply.reused });
      else task.reject(new JobAttemptError(reply.error, reply.retry && task.cancelled !== true, reply.cancelled || task.cancelled === true));
      this.dispatch();
    });
    child.on('error', () => undefined); // an exit follows; a send to a dead child must not crash the parent
    child.on('exit', (code, signal) => {
      this.slots.delete(slot);
      const task = slot.task;
      this.release(slot);
      if (task !== undefined) {
        const how = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
        const tail = slot.stderr.suffix();
        task.reject(new JobAttemptError(`its worker process ${slot.worker} died (${how})${tail}`, task.cancelled !== true, task.cancelled === true));
      }
      this.dispatch();
    });
    return slot;
  }

  private release(slot: Slot): void {
    for (const timer of slot.timers) clearTimeout(timer);
    slot.timers = [];
    if (slot.task !== undefined) slot.task.slot = undefined;
    slot.task = undefined;
  }

  private cancel(task: Task): void {
    task.cancelled = true;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(new JobAttemptError('cancelled before it started', false, true));
      return;
    }
    const slot = task.slot;
    if (slot === undefined) return;
    slot.child.send({ type: 'cancel' } satisfies ChildRequest);
    slot.timers.push(
      setTimeout(() => slot.child.kill('SIGINT'), CANCEL_GRACE_MS),
      setTimeout(() => slot.child.kill('SIGKILL'), 2 * CANCEL_GRACE_MS),
    );
  }
}

function whole(value: number, option: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} must be a whole number of at least 1, got ${value}`);
  return value;
}

/** Runs jobs in a LocalPool: found-done jobs are reused, each distinct job runs once, failed attempts are retried. */
export class LocalExecutor implements RunExecutor {
  readonly kind = 'local' as const;
  readonly pool: LocalPool;

  constructor(options: { parallel?: number | undefined; threads?: number | undefined; memoryLimit?: string | undefined; child?: string }) {
    this.pool = new LocalPool({ size: options.parallel ?? 1, threads: options.threads, memoryLimit: options.memoryLimit, ...(options.child === undefined ? {} : { child: options.child }) });
  }

  run(outputDir: string, jobs: readonly JobSpec[], options: RunOptions = {}): Promise<JobOutcome[]> {
    const attempts = whole(options.attempts ?? 2, '--attempts');
    // Two specs of one id are one job (its result file is one file): run once, reported for both.
    const runs = new Map<string, Promise<JobOutcome>>();
    return Promise.all(
      jobs.map(async (job) => {
        let run = runs.get(job.id);
        if (run === undefined) {
          run = this.runOne(outputDir, job, options, attempts);
          runs.set(job.id, run);
        }
        return { ...(await run), job };
      }),
    );
  }

  private async runOne(outputDir: string, job: JobSpec, options: RunOptions, attempts: number): Promise<JobOutcome> {
    const emit = options.onEvent ?? (() => undefined);
    const found = readJobResult(outputDir, job.id);
    if (found !== undefined) {
      emit({ type: 'finished', job, result: found, reused: true });
      return { job, status: 'completed', result: found, reused: true, attempts: 0 };
    }
    for (let attempt = 1; ; attempt++) {
      let started = false;
      try {
        const { result, reused } = await this.pool.runJob(outputDir, job, {
          signal: options.signal,
          onStart: (worker) => {
            started = true;
            emit({ type: 'started', job, worker, attempt });
          },
          onProgress: (year, stage) => emit({ type: 'progress', job, year, ...(stage === undefined ? {} : { stage }) }),
        });
        emit({ type: 'finished', job, result, reused });
        return { job, status: 'completed', result, reused, attempts: attempt };
      } catch (error) {
        const failure = error instanceof JobAttemptError ? error : new JobAttemptError(String(error), false, false);
        if (failure.cancelled) return { job, status: 'cancelled', error: failure.message, attempts: started ? attempt : attempt - 1 };
        const willRetry = failure.retry && attempt < attempts && options.signal?.aborted !== true;
        emit({ type: 'failed', job, error: failure.message, attempt, willRetry });
        if (!willRetry) return { job, status: 'failed', error: failure.message, attempts: attempt };
      }
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
