import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_NAME } from '../../src/executor/execute.js';
import { writeInputs, type PreparedInputs } from '../../src/executor/inputs.js';
import { jobDir, jobSpec } from '../../src/executor/job.js';
import { LocalExecutor } from '../../src/executor/local.js';
import { QueueExecutor } from '../../src/executor/queue.js';
import { parseRedisUrl } from '../../src/executor/redis.js';
import { takeLease } from '../../src/executor/worker.js';
import type { ExecutorEvent, JobOutcome, JobSpec } from '../../src/executor/types.js';
import { CLI, cleanEnv } from '../support/cli.js';
import { contentDigest, defaultConfigObject, makeCensus } from '../support/engine.js';
import { stopWorker, startWorker, workerReady as ready, type WorkerProcess } from '../../src/bench/queue-workers.js';
import { startRedis, type RedisServer } from '../../src/bench/redis-server.js';
import { writeEnsembleDatabase } from '../../src/ensemble/aggregate.js';
import { parseThreshold } from '../../src/ensemble/thresholds.js';

const startQueueWorker = (url: string, outputDir: string): WorkerProcess => startWorker(CLI, url, outputDir, { threads: 1, env: cleanEnv() });

/** Lines `started <id> …` a worker printed. */
const startedIds = (worker: WorkerProcess): string[] => [...worker.output().matchAll(/^started\s+(\S+)/gm)].map((m) => m[1]!);
/** How many attempts of the job ran to the end (its log's "job finished" lines). */
const finishedRuns = (dir: string, id: string): number => readFileSync(join(jobDir(dir, id), 'job.log'), 'utf8').split('"msg":"job finished"').length - 1;

const root = mkdtempSync(join(tmpdir(), 'executor-queue-'));
const localOut = join(root, 'local');
const queueOut = join(root, 'queue');
let redis: RedisServer;
let localInputs: PreparedInputs;
let queueInputs: PreparedInputs;
const workers: WorkerProcess[] = [];
const SEEDS = [42, 1043, 2044, 3045, 4046, 5047, 6048, 7049];

beforeAll(async () => {
  redis = await startRedis();
  const census = await makeCensus(root, 300);
  const config = defaultConfigObject();
  config.simulation.start_year = 2025;
  config.simulation.end_year = 2026;
  config.setup.census_parquet_path = census;
  localInputs = await writeInputs(localOut, { name: 'base', config, census });
  queueInputs = await writeInputs(queueOut, { name: 'base', config, census });
  workers.push(startQueueWorker(redis.url, queueOut), startQueueWorker(redis.url, queueOut));
  await Promise.all(workers.map(ready));
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await redis?.stop();
});

async function throughQueue(jobs: JobSpec[], events: ExecutorEvent[] = [], options: { onEvent?: (e: ExecutorEvent) => void; signal?: AbortSignal } = {}): Promise<JobOutcome[]> {
  const executor = new QueueExecutor({ url: redis.url });
  try {
    return await executor.run(queueOut, jobs, {
      signal: options.signal,
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    });
  } finally {
    await executor.close();
  }
}

describe('the queue back-end: BullMQ on a Redis of its own, `planalign worker` children', () => {
  it('runs 8 seeds through 2 workers to the same results and databases as the local pool', async () => {
    expect(localInputs.hash).toBe(queueInputs.hash);
    const jobs = SEEDS.map((seed) => jobSpec(queueInputs, 'base', seed));
    const local = new LocalExecutor({ parallel: 2, threads: 1 });
    const localOutcomes = await local.run(localOut, jobs).finally(() => local.close());
    const events: ExecutorEvent[] = [];
    const queued = await throughQueue(jobs, events);

    expect(queued.map((o) => [o.status, o.reused])).toEqual(jobs.map(() => ['completed', false]));
    expect(localOutcomes.map((o) => o.status)).toEqual(jobs.map(() => 'completed'));
    for (const [i, job] of jobs.entries()) {
      expect(queued[i]!.job).toEqual(job);
      expect(queued[i]!.result!.years).toEqual(localOutcomes[i]!.result!.years);
      for (const [table, exclude] of [
        ['fct_workforce_snapshot', ['snapshot_created_at']],
        ['fct_yearly_events', ['created_at']],
      ] as const) {
        const database = (dir: string): string => join(jobDir(dir, job.id), 'simulation.duckdb');
        expect(await contentDigest(database(queueOut), table, [...exclude])).toBe(await contentDigest(database(localOut), table, [...exclude]));
      }
    }
    // Seeds matter: not every job has the same figures.
    expect(new Set(queued.map((o) => JSON.stringify(o.result!.years))).size).toBe(SEEDS.length);
    // The ensemble of either: the same tables, whichever back-end ran the jobs and in whatever order they came.
    const ensemble = (outcomes: JobOutcome[], dir: string) =>
      writeEnsembleDatabase(join(dir, 'ensemble.duckdb'), outcomes.map((o) => o.result!), ['base'], [parseThreshold('active_headcount>300')]);
    const fromLocal = await ensemble(localOutcomes, localOut);
    expect(fromLocal.bands.length).toBeGreaterThan(0);
    expect(await ensemble([...queued].reverse(), queueOut)).toEqual(fromLocal);
    // Both workers took jobs; each job ran once; the coordinator saw every start and its progress.
    expect(startedIds(workers[0]!).length).toBeGreaterThan(0);
    expect(startedIds(workers[1]!).length).toBeGreaterThan(0);
    expect([...startedIds(workers[0]!), ...startedIds(workers[1]!)].sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(events.filter((e) => e.type === 'finished').length).toBe(SEEDS.length);
    expect(events.some((e) => e.type === 'progress' && e.year === 2026)).toBe(true);
  });

  it('reuses every finished job on a re-submission: no worker runs anything', async () => {
    const jobs = SEEDS.map((seed) => jobSpec(queueInputs, 'base', seed));
    const before = workers.map((w) => startedIds(w).length);
    const events: ExecutorEvent[] = [];
    const outcomes = await throughQueue(jobs, events);
    expect(outcomes.map((o) => [o.status, o.reused, o.attempts])).toEqual(jobs.map(() => ['completed', true, 0]));
    expect(events.map((e) => e.type)).toEqual(jobs.map(() => 'finished'));
    expect(workers.map((w) => startedIds(w).length)).toEqual(before);
  });

  it('recovers the job of a SIGKILLed worker on another: every job finished once', async () => {
    const jobs = [11, 12, 13].map((seed) => jobSpec(queueInputs, 'base', seed));
    const victim = workers[0]!;
    let killed: string | undefined;
    const outcomes = await throughQueue(jobs, [], {
      onEvent: (event) => {
        // Kill the first worker as soon as it runs a job (its children follow it: IPC closes).
        if (killed === undefined && event.type === 'progress' && startedIds(victim).includes(event.job.id)) {
          killed = event.job.id;
          victim.child.kill('SIGKILL');
        }
      },
    });
    expect(killed).toBeDefined();
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    for (const job of jobs) expect(finishedRuns(queueOut, job.id)).toBe(1);
    // The survivor ran the killed job to the end.
    expect(workers[1]!.output()).toMatch(new RegExp(`^finished ${killed} `, 'm'));
    workers[0] = startQueueWorker(redis.url, queueOut);
    await ready(workers[0]);
  }, 180_000);

  it('re-enqueues the jobs Redis lost in a restart and finishes them, each run once to the end', async () => {
    const jobs = [21, 22, 23, 24].map((seed) => jobSpec(queueInputs, 'base', seed));
    let restarted: Promise<void> | undefined;
    const outcomes = await throughQueue(jobs, [], {
      onEvent: (event) => {
        if (restarted === undefined && event.type === 'progress') restarted = redis.restart();
      },
    });
    expect(restarted).toBeDefined();
    await restarted;
    expect(outcomes.map((o) => o.status)).toEqual(jobs.map(() => 'completed'));
    for (const job of jobs) expect(finishedRuns(queueOut, job.id)).toBe(1);
  }, 180_000);

  it('cancels: waiting jobs removed, the running one stopped on its worker; workers go on', async () => {
    const jobs = [31, 32, 33, 34].map((seed) => jobSpec(queueInputs, 'base', seed));
    const controller = new AbortController();
    const outcomes = await throughQueue(jobs, [], {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'progress') controller.abort();
      },
    });
    expect(outcomes.filter((o) => o.status === 'cancelled').length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(existsSync(join(jobDir(queueOut, outcome.job.id), 'result.json'))).toBe(outcome.status === 'completed');
    // Submitted again, they all run (nothing left behind in Redis blocks them).
    const again = await throughQueue(jobs);
    expect(again.map((o) => o.status)).toEqual(jobs.map(() => 'completed'));
  }, 180_000);

  it('refuses a job of another engine version without retrying it', async () => {
    const job = { ...jobSpec(queueInputs, 'base', 99), engineVersion: '0.0.0-other' };
    const events: ExecutorEvent[] = [];
    const [outcome] = await throughQueue([job], events);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect(outcome!.error).toMatch(/is for PlanAlign 0\.0\.0-other; this is/);
    expect(events.filter((e) => e.type === 'failed').map((e) => e.type === 'failed' && e.willRetry)).toEqual([false]);
  });

  it('stops a worker cleanly on SIGTERM', async () => {
    const worker = workers[1]!;
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/^worker stopped$/m);
  });
});

describe('Redis URLs and an unreachable Redis', () => {
  it('passes user, password, database and TLS through, and never prints the password', () => {
    expect(parseRedisUrl('rediss://alice:s%40cret@redis.example:6380/3')).toEqual({
      host: 'redis.example',
      port: 6380,
      db: 3,
      username: 'alice',
      password: 's@cret',
      tls: true,
      address: 'redis.example:6380',
    });
    expect(parseRedisUrl('redis://:pw@10.0.0.5')).toMatchObject({ host: '10.0.0.5', port: 6379, db: 0, password: 'pw', tls: false });
    expect(parseRedisUrl('redis://[::1]:7000/0')).toMatchObject({ host: '::1', port: 7000 });
    for (const [url, message] of [
      ['http://u:topsecret@host:6379/0', /unsupported scheme "http:"/],
      ['redis://u:topsecret@host:6379/zero', /database "zero" must be a whole number/],
      ['redis://u:topsecret@host:6379/0?tls=1', /query strings/],
      ['not a url topsecret', /is not a URL/],
    ] as const) {
      let error: Error | undefined;
      try {
        parseRedisUrl(url);
      } catch (caught) {
        error = caught as Error;
      }
      expect(error?.name).toBe('UsageError');
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain('topsecret');
    }
  });

  it('fails clearly, naming host:port, when Redis does not answer', async () => {
    const closed = await startRedis();
    await closed.stop();
    const executor = new QueueExecutor({ url: closed.url, unreachableAfterMs: 1000 });
    try {
      await expect(executor.run(queueOut, [jobSpec(queueInputs, 'base', 1)])).rejects.toThrow(`Redis at 127.0.0.1:${closed.port} unreachable`);
    } finally {
      await executor.close().catch(() => undefined);
    }
  });
});

describe('the job lease: one worker at a time runs a job', () => {
  it('waits while another worker holds a fresh lease, until its result appears', async () => {
    const dir = join(root, 'lease-fresh');
    const id = 'a'.repeat(32);
    mkdirSync(jobDir(dir, id), { recursive: true });
    writeFileSync(join(jobDir(dir, id), 'lease'), 'other:1\n');
    let settled = false;
    const taking = takeLease(dir, id).then((release) => {
      settled = true;
      return release;
    });
    await new Promise((done) => setTimeout(done, 1500));
    expect(settled).toBe(false);
    writeFileSync(join(jobDir(dir, id), 'result.json'), JSON.stringify({ id, years: [] }));
    expect(await taking).toBeUndefined();
  });

  it("takes over a lease whose holder stopped touching it, and releases it", async () => {
    const dir = join(root, 'lease-stale');
    const id = 'b'.repeat(32);
    const lease = join(jobDir(dir, id), 'lease');
    mkdirSync(jobDir(dir, id), { recursive: true });
    writeFileSync(lease, 'dead:1\n');
    const past = new Date(Date.now() - 60_000);
    utimesSync(lease, past, past);
    const release = await takeLease(dir, id);
    expect(release).toBeDefined();
    expect(readFileSync(lease, 'utf8')).toBe(`${WORKER_NAME}\n`);
    release!();
    expect(existsSync(lease)).toBe(false);
  });
});
