import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeJob, JobRefusedError } from '../../src/executor/execute.js';
import { inputsDir, writeInputs, type PreparedInputs } from '../../src/executor/inputs.js';
import { jobDir, jobSpec, readJobResult } from '../../src/executor/job.js';
import { LocalExecutor, LocalPool } from '../../src/executor/local.js';
import { createExecutor } from '../../src/executor/index.js';
import type { ExecutorEvent, JobResult } from '../../src/executor/types.js';
import { readYearMetrics } from '../../src/reporting/metrics.js';
import { Database } from '../../src/db/database.js';
import { ENGINE_VERSION } from '../../src/version.js';
import { contentDigest, defaultConfigObject, makeCensus, simulate } from '../support/engine.js';

/** The pool runs the compiled child (`npm run build`; `npm test` builds first). */
const CHILD = resolve('dist/executor/child.js');
beforeAll(() => {
  if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run "npm run build" first`);
});

const root = mkdtempSync(join(tmpdir(), 'executor-local-'));
let census: string;
let config: Record<string, any>;
let inputs: PreparedInputs;
/** The job of seed 42, run in this process. */
let inProcess: { result: JobResult; reused: boolean };
const out = join(root, 'out');

beforeAll(async () => {
  census = await makeCensus(root, 300);
  config = defaultConfigObject();
  config.simulation.start_year = 2025;
  config.simulation.end_year = 2026;
  config.setup.census_parquet_path = census;
  inputs = await writeInputs(out, { name: 'base', config, census });
  inProcess = await executeJob(out, jobSpec(inputs, 'base', 42), {});
});

describe('inputs and executeJob, in this process', () => {
  it('writes the inputs folder once, with hashes that do not depend on where the output folder is', async () => {
    const dir = inputsDir(out, inputs.hash);
    const file = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
    expect(file).toMatchObject({ engineVersion: ENGINE_VERSION, startYear: 2025, endYear: 2026, randomSeed: 42, census: 'census.parquet' });
    expect(file.config.setup).toMatchObject({ census_parquet_path: 'census.parquet', parameter_tables_dir: 'parameters' });
    expect(readFileSync(join(dir, 'census.parquet'))).toEqual(readFileSync(census));
    expect(existsSync(join(dir, 'parameters', 'config_job_levels.csv'))).toBe(true);
    // Elsewhere, the same inputs: the same hashes, the same job ids.
    const elsewhere = await writeInputs(join(root, 'elsewhere'), { name: 'other name', config, census });
    expect({ ...elsewhere, dir: '' }).toEqual({ ...inputs, dir: '' });
    expect(jobSpec(elsewhere, 'x', 42).id).toBe(jobSpec(inputs, 'base', 42).id);
    // Written again: verified, not rewritten.
    expect(await writeInputs(out, { name: 'base', config, census })).toEqual(inputs);
    // Another seed in the config is other inputs.
    const seed7 = await writeInputs(out, { name: 'base', config: { ...config, simulation: { ...config.simulation, random_seed: 7 } }, census });
    expect(seed7.hash).not.toBe(inputs.hash);
  });

  it('simulates the job as simulate does and writes its figures', async () => {
    const { result, reused } = inProcess;
    expect(reused).toBe(false);
    expect(result).toMatchObject({ scenario: 'base', seed: 42, inputs: inputs.hash, engineVersion: ENGINE_VERSION, startYear: 2025, endYear: 2026, database: 'simulation.duckdb' });
    // The same figures as a plain run of the config on the original census.
    const plain = await simulate({ dir: root, census, config, name: 'plain' });
    const db = await Database.open(plain.database, { readOnly: true });
    try {
      const metrics = await readYearMetrics(db);
      expect(result.years.map(({ compliance: _c, ...figures }) => figures)).toEqual(metrics);
    } finally {
      db.close();
    }
    const database = join(jobDir(out, result.id), 'simulation.duckdb');
    expect(await contentDigest(database, 'fct_workforce_snapshot', ['snapshot_created_at'])).toBe(await contentDigest(plain.database, 'fct_workforce_snapshot', ['snapshot_created_at']));
    expect(Object.keys(result.years[0]?.compliance ?? {}).length).toBeGreaterThan(0);
    expect(readJobResult(out, result.id)).toEqual(result);
    expect(readFileSync(join(jobDir(out, result.id), 'job.log'), 'utf8')).toMatch(/"msg":"job finished"/);
  });

  it('finds a finished job done and reruns one whose database a dead attempt left', async () => {
    const job = jobSpec(inputs, 'base', 42);
    expect(await executeJob(out, job)).toEqual({ result: inProcess.result, reused: true });
    const seed5 = jobSpec(inputs, 'base', 5);
    mkdirSync(jobDir(out, seed5.id), { recursive: true });
    writeFileSync(join(jobDir(out, seed5.id), 'simulation.duckdb'), 'half a database');
    writeFileSync(join(jobDir(out, seed5.id), 'result.json'), '{"id": "another job"}');
    expect(readJobResult(out, seed5.id)).toBeUndefined();
    const { result, reused } = await executeJob(out, seed5);
    expect([reused, result.seed, result.years.length]).toEqual([false, 5, 2]);
    expect(result.years).not.toEqual(inProcess.result.years);
  });

  it('refuses another engine version, inputs that do not verify, and a job id that is not its inputs\'', async () => {
    const job = jobSpec(inputs, 'base', 43);
    await expect(executeJob(out, { ...job, engineVersion: '0.0.1' })).rejects.toThrow(new RegExp(`is for PlanAlign 0\\.0\\.1; this is ${ENGINE_VERSION.replace(/\./g, '\\.')}`));
    await expect(executeJob(out, { ...job, seed: 44 })).rejects.toThrow(/is not the job of inputs .* with seed 44/);
    await expect(executeJob(out, { ...job, inputs: 'f'.repeat(64) })).rejects.toThrow(/inputs .*inputs\.json are missing/);
    // An edited census copy, in a folder no process has verified yet.
    const tampered = join(root, 'tampered');
    const copy = await writeInputs(tampered, { name: 'base', config, census });
    writeFileSync(join(copy.dir, 'census.parquet'), Buffer.concat([readFileSync(census), Buffer.from('x')]));
    const error = await executeJob(tampered, jobSpec(copy, 'base', 42)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobRefusedError);
    expect((error as Error).message).toMatch(/do not verify: censusHash [0-9a-f]{64} \(recorded [0-9a-f]{64}\)/);
    expect(existsSync(jobDir(tampered, jobSpec(copy, 'base', 42).id))).toBe(false);
  });

  it('copies the intake sidecar beside the census copy: the job reads the census as the sidecar says', async () => {
    const dir = join(root, 'sidecar');
    mkdirSync(dir);
    // Every date reads both ways (both parts ≤ 12): refused unless the sidecar gives the order.
    const rows = Array.from({ length: 40 }, (_, i) => `E${i + 1},${(i % 12) + 1}/${(i % 11) + 2}/1980,3/4/2015,${60000 + i * 1000},0.05`);
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, ['employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate', ...rows].join('\n'));
    writeFileSync(`${csv}.planalign.yaml`, 'date_order: day-first\n');
    const oneYear = { ...config, simulation: { ...config.simulation, end_year: 2025 } };
    const copied = await writeInputs(join(dir, 'out'), { name: 'csv', config: oneYear, census: csv });
    expect(readFileSync(join(copied.dir, 'census.csv.planalign.yaml'), 'utf8')).toBe('date_order: day-first\n');
    const { result } = await executeJob(join(dir, 'out'), jobSpec(copied, 'csv', 42));
    const db = await Database.open(join(jobDir(join(dir, 'out'), result.id), 'simulation.duckdb'), { readOnly: true });
    try {
      expect(await db.all(`SELECT employee_birth_date::VARCHAR AS birth FROM stg_census_data WHERE employee_id = 'E1'`)).toEqual([{ birth: '1980-02-01' }]);
    } finally {
      db.close();
    }
    // The sidecar is part of the census hash: without it, other inputs.
    const plain = await writeInputs(join(dir, 'out'), { name: 'csv', config: oneYear, census: csv, censusIntake: { dateOrder: 'us' } });
    expect(plain.censusHash).not.toBe(copied.censusHash);
  });

  it('refuses a census that is not there, writing nothing', async () => {
    const nowhere = join(root, 'nowhere');
    await expect(writeInputs(nowhere, { name: 'x', config, census: join(root, 'missing.parquet') })).rejects.toThrow(/Census file .*missing\.parquet not found/);
    expect(existsSync(nowhere)).toBe(false);
  });
});

describe('LocalExecutor: warm children', () => {
  let executor: LocalExecutor;
  afterAll(() => executor?.close());

  it('runs jobs in child processes, same figures as in this process, each distinct job once; a rerun reuses them', async () => {
    executor = new LocalExecutor({ parallel: 2, threads: 1 });
    const dir = join(root, 'pool');
    const local = await writeInputs(dir, { name: 'base', config, census });
    const jobs = [42, 1043, 2044].map((seed) => jobSpec(local, 'base', seed));
    const events: ExecutorEvent[] = [];
    const outcomes = await executor.run(dir, [...jobs, { ...jobs[0]!, scenario: 'twin' }], { onEvent: (e) => events.push(e) });
    expect(outcomes.map((o) => [o.job.seed, o.job.scenario, o.status, o.reused, o.attempts])).toEqual([
      [42, 'base', 'completed', false, 1],
      [1043, 'base', 'completed', false, 1],
      [2044, 'base', 'completed', false, 1],
      [42, 'twin', 'completed', false, 1],
    ]);
    expect(outcomes[0]?.result?.years).toEqual(inProcess.result.years);
    const started = events.filter((e) => e.type === 'started');
    expect(started).toHaveLength(3);
    const workers = new Set(started.map((e) => e.worker));
    // Two children, warm: three jobs, two processes, none of them this one.
    expect(workers.size).toBe(2);
    expect([...workers].every((w) => !w.endsWith(`:${process.pid}`))).toBe(true);
    expect(events.some((e) => e.type === 'progress' && e.year === 2026 && e.stage !== undefined)).toBe(true);

    const again: ExecutorEvent[] = [];
    const rerun = await executor.run(dir, jobs, { onEvent: (e) => again.push(e) });
    expect(rerun.map((o) => [o.status, o.reused, o.attempts])).toEqual(jobs.map(() => ['completed', true, 0]));
    expect(again.map((e) => e.type)).toEqual(['finished', 'finished', 'finished']);
  });

  it('retries the job of a child that died, in a new child; with one attempt, reports it failed', async () => {
    const pool = new LocalExecutor({ parallel: 1, threads: 1 });
    try {
      const dir = join(root, 'killed');
      const local = await writeInputs(dir, { name: 'base', config, census });
      const killFirst = (events: ExecutorEvent[]) => (e: ExecutorEvent) => {
        events.push(e);
        if (e.type === 'progress' && e.year === 2026 && events.filter((x) => x.type === 'started').length === 1) {
          const started = events.find((x) => x.type === 'started') as Extract<ExecutorEvent, { type: 'started' }>;
          process.kill(Number(started.worker.split(':')[1]), 'SIGKILL');
        }
      };
      const events: ExecutorEvent[] = [];
      const [outcome] = await pool.run(dir, [jobSpec(local, 'base', 42)], { onEvent: killFirst(events) });
      expect(outcome).toMatchObject({ status: 'completed', attempts: 2, reused: false });
      expect(events.find((e) => e.type === 'failed')).toMatchObject({ attempt: 1, willRetry: true, error: expect.stringMatching(/worker process .* died \(killed by SIGKILL\)/) });
      const workers = events.filter((e) => e.type === 'started').map((e) => (e as { worker: string }).worker);
      expect(new Set(workers).size).toBe(2);
      expect(outcome?.result?.years).toEqual(inProcess.result.years);

      const once: ExecutorEvent[] = [];
      const [failed] = await pool.run(dir, [jobSpec(local, 'base', 7)], { attempts: 1, onEvent: killFirst(once) });
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/died \(killed by SIGKILL\)/) });
      expect(once.find((e) => e.type === 'failed')).toMatchObject({ willRetry: false });
      expect(readJobResult(dir, jobSpec(local, 'base', 7).id)).toBeUndefined();
    } finally {
      await pool.close();
    }
  });

  it('cancels: the running job rolls back, queued ones never start, nothing is retried', async () => {
    const pool = new LocalExecutor({ parallel: 1, threads: 1 });
    try {
      const dir = join(root, 'cancel');
      const local = await writeInputs(dir, { name: 'base', config, census });
      const jobs = [11, 12].map((seed) => jobSpec(local, 'base', seed));
      const controller = new AbortController();
      const events: ExecutorEvent[] = [];
      const outcomes = await pool.run(dir, jobs, {
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'progress' && e.year === 2026) controller.abort();
        },
      });
      expect(outcomes.map((o) => [o.status, o.attempts])).toEqual([['cancelled', 1], ['cancelled', 0]]);
      expect(outcomes[0]?.error).toMatch(/Interrupted; the year in progress was rolled back/);
      expect(events.filter((e) => e.type === 'started')).toHaveLength(1);
      expect(events.some((e) => e.type === 'failed')).toBe(false);
      expect(jobs.map((j) => readJobResult(dir, j.id))).toEqual([undefined, undefined]);
      // The year in progress left nothing: 2025 is checkpointed, 2026 is not.
      const db = await Database.open(join(jobDir(dir, jobs[0]!.id), 'simulation.duckdb'));
      try {
        expect(await db.all('SELECT DISTINCT simulation_year::INTEGER AS y FROM fct_workforce_snapshot ORDER BY 1')).toEqual([{ y: 2025 }]);
      } finally {
        db.close();
      }
    } finally {
      await pool.close();
    }
  });

  it('says what is missing when the compiled child is absent, and checks its options', async () => {
    expect(() => new LocalPool({ size: 1, child: join(root, 'missing.js') })).toThrow(/compiled job runner .*missing\.js is missing/);
    expect(() => new LocalPool({ size: 0 })).toThrow(/--parallel must be a whole number of at least 1, got 0/);
    expect(() => new LocalPool({ size: 1, memoryLimit: 'lots' })).toThrow(/--memory-limit must be a size/);
    const local = await createExecutor({ parallel: 3 });
    expect(local.kind).toBe('local');
    expect((local as LocalExecutor).pool).toMatchObject({ size: 3 });
    await local.close();
    await expect(createExecutor({ queue: 'http://nope' })).rejects.toThrow(/unsupported scheme/);
  });
});
