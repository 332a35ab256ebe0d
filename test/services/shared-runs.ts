import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, type Params } from '../../src/db/database.js';
import { defaultConfigObject, makeCensus, simulate } from '../support/engine.js';

/**
 * The simulated runs the result-service tests read (never write: every reader opens them read-only),
 * each simulated once per test run whichever test file asks first, the others waiting for it: the
 * test files run in parallel processes, so the first to create the run's folder builds it and marks
 * it done (or failed). The folder is under the run's temp root (global set-up), removed at the end.
 */
const RUNS = {
  /** The default plan, a 300-employee census, 2025-2026. */
  base: (config: Record<string, any>) => config,
  /** The same with a 100 % match instead of 50 %. */
  richer: (config: Record<string, any>) => {
    config.employer_match.formulas.simple_match.match_rate = 1.0;
    return config;
  },
} as const;

export async function sharedRun(name: keyof typeof RUNS): Promise<string> {
  const dir = join(process.env.PLANALIGN_TEST_TMP_ROOT ?? tmpdir(), 'services-shared-runs', name);
  const database = join(dir, `${name}.duckdb`);
  const done = join(dir, 'done');
  const failed = join(dir, 'failed');
  mkdirSync(join(dir, '..'), { recursive: true });
  let builder = true;
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    builder = false;
  }
  if (builder) {
    try {
      const census = await makeCensus(dir, 300);
      await simulate({ dir, census, name, years: [2025, 2026], config: RUNS[name](defaultConfigObject()) });
      writeFileSync(done, '');
    } catch (error) {
      writeFileSync(failed, String(error));
      throw error;
    }
  }
  while (!existsSync(done)) {
    if (existsSync(failed)) throw new Error(`The shared run ${name} failed: ${readFileSync(failed, 'utf8')}`);
    await sleep(100);
  }
  return database;
}

/** Reads a shared run, read-only (a writer's lock would shut the other test files out). */
export async function readRun<T>(database: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open(database, { readOnly: true });
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

export function queryRun<T extends Record<string, unknown>>(database: string, sql: string, params?: Params): Promise<T[]> {
  return readRun(database, (db) => db.all<T>(sql, params));
}
