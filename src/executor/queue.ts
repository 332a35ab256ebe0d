/**
 * The queue back-end: jobs go to a BullMQ queue on Redis, `planalign worker` processes on any number
 * of machines run them into the shared output folder. Redis holds only work in flight; the folder is
 * the truth: a job with a result file is done (found before enqueuing, or polled for), and a job that
 * Redis lost (a restart without persistence) is enqueued again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { UsageError } from '../errors.js';
import { readJobResult } from './job.js';
import { parseRedisUrl, redisOptions, unreachable, UNREACHABLE_AFTER_MS, type RedisTarget } from './redis.js';
import type { ExecutorEvent, JobOutcome, JobResult, JobSpec, RunExecutor, RunOptions } from './types.js';

export const QUEUE_NAME = 'planalign-jobs';
/** Redis key prefix of the queue (several teams can share one Redis with prefixes of their own). */
export const QUEUE_PREFIX = 'planalign';
/** Workers watch this channel for `{prefix, ids}`: the jobs to stop (cancelled by their coordinator). */
export const CANCEL_CHANNEL = 'planalign:cancel';
/** Finished BullMQ jobs are kept this long (s): a job completed without a result file is then explained. */
const KEEP_FINISHED_SECONDS = 24 * 3600;

export interface QueueExecutorOptions {
  /** `redis://[user:pass@]host:port/db` or `rediss://…`. */
  url: string;
  prefix?: string;
  /** How often the coordinator looks at result files and job states (ms). */
  pollMs?: number;
  /** How long a lost Redis is waited for before the run fails (ms). */
  unreachableAfterMs?: number;
  /** After a cancellation, how long running jobs get to roll back before they are reported cancelled (ms). */
  cancelGraceMs?: number;
}

/** What the coordinator knows of one job (one entry per distinct id, whatever the number of submissions). */
interface Tracked {
  job: JobSpec;
  outcome?: JobOutcome;
  /** BullMQ's attemptsStarted / attemptsMade last seen, to report each start and failure once. */
  starts: number;
  failures: number;
  progress?: string;
}

/** The progress a worker publishes with job.updateProgress. */
export interface QueueProgress {
  year: number;
  stage?: string;
}

/** What a worker's processor returns. */
export interface QueueJobReturn {
  reused: boolean;
  seconds: number;
}

export class QueueExecutor implements RunExecutor {
  readonly kind = 'queue';
  readonly target: RedisTarget;
  private readonly prefix: string;
  private readonly pollMs: number;
  private readonly unreachableAfterMs: number;
  private readonly cancelGraceMs: number;
  private readonly queue: Queue<JobSpec, QueueJobReturn>;
  private publisher: Redis | undefined;
  private lastError: unknown;

  constructor(options: QueueExecutorOptions) {
    this.target = parseRedisUrl(options.url);
    this.prefix = options.prefix ?? QUEUE_PREFIX;
    this.pollMs = options.pollMs ?? 500;
    this.unreachableAfterMs = options.unreachableAfterMs ?? UNREACHABLE_AFTER_MS;
    this.cancelGraceMs = options.cancelGraceMs ?? 30_000;
    this.queue = new Queue<JobSpec, QueueJobReturn>(QUEUE_NAME, {
      connection: redisOptions(this.target, this.unreachableAfterMs),
      prefix: this.prefix,
    });
    this.queue.on('error', (error) => (this.lastError = error));
  }

  /** Resolves once Redis answers; fails with "Redis at host:port unreachable" after the retry window. */
  async connect(): Promise<void> {
    try {
      await this.queue.waitUntilReady();
    } catch (error) {
      throw unreachable(this.target, this.lastError ?? error);
    }
  }

  async run(outputDir: string, jobs: readonly JobSpec[], options: RunOptions = {}): Promise<JobOutcome[]> {
    const attempts = options.attempts ?? 2;
    if (!Number.isSafeInteger(attempts) || attempts < 1) throw new UsageError(`--attempts must be a whole number of at least 1, got ${attempts}`);
    await this.connect();
    const emit = (event: ExecutorEvent): void => options.onEvent?.(event);
    const tracked = new Map<string, Tracked>();
    for (const job of jobs) if (!tracked.has(job.id)) tracked.set(job.id, { job, starts: 0, failures: 0 });

    const finish = (entry: Tracked, outcome: Omit<JobOutcome, 'job' | 'attempts'>): void => {
      const ran = outcome.status === 'cancelled' ? entry.starts : outcome.reused === true ? 0 : Math.max(entry.starts, entry.failures, 1);
      entry.outcome = { job: entry.job, attempts: ran, ...outcome };
      if (outcome.status === 'completed') emit({ type: 'finished', job: entry.job, result: outcome.result!, reused: outcome.reused === true });
    };
    for (const entry of tracked.values()) {
      const result = readJobResult(outputDir, entry.job.id);
      if (result) finish(entry, { status: 'completed', result, reused: true });
    }
    const pending = (): Tracked[] => [...tracked.values()].filter((entry) => entry.outcome === undefined);
    await this.guard(() => Promise.all(pending().map((entry) => this.enqueue(entry.job, attempts))));

    const aborted = (): boolean => options.signal?.aborted === true;
    let lastOk = Date.now();
    while (pending().length > 0 && !aborted()) {
      await sleep(this.pollMs, undefined, { signal: options.signal }).catch(() => undefined);
      if (aborted()) break;
      try {
        await Promise.all(pending().map((entry) => this.poll(outputDir, entry, attempts, emit, finish)));
        lastOk = Date.now();
      } catch (error) {
        if (Date.now() - lastOk > this.unreachableAfterMs) throw unreachable(this.target, error);
      }
    }
    if (pending().length > 0) await this.cancel(outputDir, pending(), finish);
    // Two specs of one id are one job (one result file): run once, reported for both.
    return jobs.map((job) => ({ ...tracked.get(job.id)!.outcome!, job }));
  }

  /**
   * Adds the job unless Redis holds it in flight already (an earlier submission, maybe another
   * coordinator's). A finished BullMQ job without a result file (failed, or its result removed) is
   * replaced: the folder, not Redis, says what is done.
   */
  private async enqueue(job: JobSpec, attempts: number): Promise<void> {
    const existing = await this.queue.getJob(job.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
      await existing.remove();
    }
    await this.queue.add(job.scenario, job, {
      jobId: job.id,
      attempts,
      removeOnComplete: { age: KEEP_FINISHED_SECONDS },
      removeOnFail: { age: KEEP_FINISHED_SECONDS },
    });
  }

  private async poll(
    outputDir: string,
    entry: Tracked,
    attempts: number,
    emit: (event: ExecutorEvent) => void,
    finish: (entry: Tracked, outcome: Omit<JobOutcome, 'job' | 'attempts'>) => void,
  ): Promise<void> {
    const id = entry.job.id;
    const found = (): JobResult | undefined => readJobResult(outputDir, id);
    let result = found();
    if (result) return finish(entry, { status: 'completed', result, reused: false });
    const job = await this.queue.getJob(id);
    if (!job) {
      // Finished and removed between the two looks, or lost by Redis (restarted without persistence).
      result = found();
      if (result) return finish(entry, { status: 'completed', result, reused: false });
      return this.enqueue(entry.job, attempts);
    }
    const state = await job.getState();
    this.report(entry, job, state, emit);
    if (state === 'failed') {
      finish(entry, { status: 'failed', error: job.failedReason });
    } else if (state === 'completed') {
      result = found();
      finish(
        entry,
        result
          ? { status: 'completed', result, reused: job.returnvalue?.reused === true }
          : { status: 'failed', error: `job ${id} completed on worker ${job.processedBy ?? '?'} but its result file is not in ${outputDir}: do the workers' --output-dir and this one name the same shared folder?` },
      );
    }
  }

  /** Started, progress and failed (retried or not) events, each once, from what Redis holds of the job. */
  private report(entry: Tracked, job: Job<JobSpec, QueueJobReturn>, state: string, emit: (event: ExecutorEvent) => void): void {
    if (job.attemptsMade > entry.failures) {
      entry.failures = job.attemptsMade;
      emit({ type: 'failed', job: entry.job, error: job.failedReason, attempt: job.attemptsMade, willRetry: state !== 'failed' });
    }
    if (state === 'active' && job.attemptsStarted > entry.starts) {
      entry.starts = job.attemptsStarted;
      emit({ type: 'started', job: entry.job, worker: job.processedBy ?? 'worker', attempt: job.attemptsMade + 1 });
    }
    const progress = job.progress as QueueProgress | number | undefined;
    if (state === 'active' && typeof progress === 'object' && progress !== null && typeof progress.year === 'number') {
      const key = `${progress.year}|${progress.stage ?? ''}`;
      if (key !== entry.progress) {
        entry.progress = key;
        emit({ type: 'progress', job: entry.job, year: progress.year, ...(progress.stage === undefined ? {} : { stage: progress.stage }) });
      }
    }
  }

  /**
   * Removes the waiting jobs, tells the workers to stop the running ones (they roll back their year in
   * progress), waits for them to leave, and reports every job without a result file cancelled.
   */
  private async cancel(outputDir: string, entries: Tracked[], finish: (entry: Tracked, outcome: Omit<JobOutcome, 'job' | 'attempts'>) => void): Promise<void> {
    const ids = entries.map((entry) => entry.job.id);
    const deadline = Date.now() + this.cancelGraceMs;
    let running = ids;
    while (running.length > 0 && Date.now() < deadline) {
      await this.guard(async () => {
        await Promise.all(running.map((id) => this.queue.remove(id)));
        await this.publish(JSON.stringify({ prefix: this.prefix, ids: running }));
        const states = await Promise.all(running.map((id) => this.queue.getJobState(id)));
        running = running.filter((_, i) => states[i] === 'active');
      });
      if (running.length > 0) await sleep(this.pollMs);
    }
    for (const entry of entries) {
      const result = readJobResult(outputDir, entry.job.id);
      if (result) finish(entry, { status: 'completed', result, reused: false });
      else finish(entry, { status: 'cancelled', error: running.includes(entry.job.id) ? 'cancelled (still running on its worker)' : 'cancelled' });
    }
    // Stopped jobs end failed in Redis; a later submission must find them absent, not failed.
    await this.guard(() => Promise.all(ids.map((id) => this.queue.remove(id))));
  }

  private async publish(message: string): Promise<void> {
    if (this.publisher === undefined) {
      this.publisher = new Redis(redisOptions(this.target, this.unreachableAfterMs));
      this.publisher.on('error', (error) => (this.lastError = error));
    }
    await this.publisher.publish(CANCEL_CHANNEL, message);
  }

  /** Runs a Redis operation; a failure becomes "Redis at host:port unreachable" naming the cause. */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw unreachable(this.target, error);
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.publisher?.quit().catch(() => undefined);
  }
}
