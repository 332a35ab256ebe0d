/**
 * `planalign worker`: takes jobs from the BullMQ queue and runs them in a pool of warm children (the
 * local back-end's), into the shared output folder. A SIGKILLed worker's job is found stalled by
 * another worker once its lock lapses (LOCK_MS) and run there; a lease file in the job's folder keeps
 * two workers from ever running one job at once (after Redis lost it and it was enqueued again).
 */
import { utimesSync, mkdirSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { WORKER_NAME } from './execute.js';
import { jobDir, readJobResult } from './job.js';
import { JobAttemptError, LocalPool } from './local.js';
import { CANCEL_CHANNEL, QUEUE_NAME, QUEUE_PREFIX, type QueueJobReturn } from './queue.js';
import { parseRedisUrl, redisOptions, unreachable, UNREACHABLE_AFTER_MS } from './redis.js';
import type { ExecutorEvent, JobSpec } from './types.js';

/** A job's BullMQ lock: renewed every LOCK_MS / 2 while it runs, lapsed LOCK_MS after its worker died. */
const LOCK_MS = 10_000;
const STALLED_CHECK_MS = 5_000;
/** The lease file is touched every LEASE_TOUCH_MS; untouched for LEASE_STALE_MS, its holder is dead. */
const LEASE_TOUCH_MS = 2_000;
const LEASE_STALE_MS = 15_000;
const LEASE_FILE = 'lease';

export interface WorkerOptions {
  url: string;
  /** Jobs at once (= warm children). */
  concurrency: number;
  outputDir: string;
  threads?: number;
  memoryLimit?: string;
  prefix?: string;
  /** Aborting stops the worker: running jobs roll back and go back to the queue for another worker. */
  signal?: AbortSignal;
  onEvent?: (event: ExecutorEvent) => void;
  /** Redis errors the worker lives through (a lost lock, a reconnection). */
  onWarning?: (message: string) => void;
  /** Connected: jobs are taken from now on. */
  onReady?: () => void;
  unreachableAfterMs?: number;
}

const CANCELLED = 'cancelled by its coordinator';
const SHUTDOWN = 'worker shutting down';

/** Runs until `signal` aborts (resolves) or Redis stays unreachable (rejects naming host:port). */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const target = parseRedisUrl(options.url);
  const prefix = options.prefix ?? QUEUE_PREFIX;
  const unreachableAfterMs = options.unreachableAfterMs ?? UNREACHABLE_AFTER_MS;
  const emit = (event: ExecutorEvent): void => options.onEvent?.(event);
  const warn = (error: unknown): void => options.onWarning?.(error instanceof Error ? error.message : String(error));
  const pool = new LocalPool({ size: options.concurrency, threads: options.threads, memoryLimit: options.memoryLimit });
  const running = new Set<string>();

  const processor = async (job: Job<JobSpec, QueueJobReturn>, token: string | undefined, signal?: AbortSignal): Promise<QueueJobReturn> => {
    const spec = job.data;
    emit({ type: 'started', job: spec, worker: WORKER_NAME, attempt: job.attemptsMade + 1 });
    running.add(spec.id);
    try {
      const lease = await takeLease(options.outputDir, spec.id, signal);
      try {
        const { result, reused } = await pool.runJob(options.outputDir, spec, {
          signal,
          onProgress: (year, stage) => {
            job.updateProgress({ year, ...(stage === undefined ? {} : { stage }) }).catch(warn);
            emit({ type: 'progress', job: spec, year, ...(stage === undefined ? {} : { stage }) });
          },
        });
        emit({ type: 'finished', job: spec, result, reused });
        return { reused, seconds: result.seconds };
      } finally {
        lease?.();
      }
    } catch (error) {
      if (signal?.aborted === true && signal.reason === SHUTDOWN && token !== undefined) {
        // Not a failure: back to the queue, attempts untouched, for another worker.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const message = signal?.aborted === true ? CANCELLED : error instanceof Error ? error.message : String(error);
      const retry = signal?.aborted !== true && isRetryable(error) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      emit({ type: 'failed', job: spec, error: message, attempt: job.attemptsMade + 1, willRetry: retry });
      throw retry ? error : new UnrecoverableError(message);
    } finally {
      running.delete(spec.id);
    }
  };

  const worker = new Worker<JobSpec, QueueJobReturn>(QUEUE_NAME, processor, {
    connection: redisOptions(target, unreachableAfterMs),
    prefix,
    concurrency: options.concurrency,
    name: WORKER_NAME,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_CHECK_MS,
    autorun: false,
  });
  worker.on('error', warn);

  const subscriber = new Redis(redisOptions(target, unreachableAfterMs));
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, text: string) => {
    const message = parseCancel(text);
    if (message?.prefix !== prefix) return;
    for (const id of message.ids) if (running.has(id)) worker.cancelJob(id, CANCELLED);
  });

  try {
    const lost = new Promise<never>((_, fail) => subscriber.once('end', () => fail(unreachable(target))));
    lost.catch(() => undefined);
    await Promise.race([subscriber.subscribe(CANCEL_CHANNEL), lost]);
    await Promise.race([worker.waitUntilReady(), lost]);
    const stopped = new Promise<void>((done) => {
      if (options.signal?.aborted === true) done();
      options.signal?.addEventListener('abort', () => done(), { once: true });
    });
    void worker.run().catch(warn);
    options.onReady?.();
    await Promise.race([stopped, lost]);
  } finally {
    worker.cancelAllJobs(SHUTDOWN);
    await worker.close().catch(warn);
    await pool.close();
    subscriber.disconnect();
  }
}

/** The pool says whether running the job again can help (a refused job, bad inputs: no). */
function isRetryable(error: unknown): boolean {
  return !(error instanceof JobAttemptError) || error.retry;
}

function parseCancel(text: string): { prefix: string; ids: string[] } | undefined {
  try {
    const message = JSON.parse(text) as { prefix?: unknown; ids?: unknown };
    if (typeof message.prefix === 'string' && Array.isArray(message.ids)) return { prefix: message.prefix, ids: message.ids.map(String) };
  } catch {
    // Not ours.
  }
  return undefined;
}

/**
 * Takes `jobs/<id>/lease` (created exclusively, touched while held), waiting while another worker
 * holds a fresh one. Resolves with its release, or undefined when the other holder finished the job
 * meanwhile (the pool then finds the result and reuses it).
 */
export async function takeLease(outputDir: string, id: string, signal?: AbortSignal): Promise<(() => void) | undefined> {
  const dir = jobDir(outputDir, id);
  const path = join(dir, LEASE_FILE);
  mkdirSync(dir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(path, `${WORKER_NAME}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = leaseAge(path);
    if (age !== undefined && age > LEASE_STALE_MS) {
      // Its holder died: move it aside (atomic, so two workers never both take it over) and retry.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        rmSync(`${path}.stale-${process.pid}`, { force: true });
      } catch {
        // Another worker moved it first.
      }
      continue;
    }
    await sleep(1000, undefined, { signal });
    if (readJobResult(outputDir, id)) return undefined;
  }
  const timer = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Removed by a worker that judged it stale: the next attempt of this job will see the result.
    }
  }, LEASE_TOUCH_MS);
  return () => {
    clearInterval(timer);
    rmSync(path, { force: true });
  };
}

function leaseAge(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}
