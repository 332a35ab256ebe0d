import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeCensus } from '../../src/census/index.js';
import { Database } from '../../src/db/database.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import type { RunResult } from '../../src/orchestrator/orchestrator.js';

/** Our default config file as a plain object, to be tweaked per test. */
export function defaultConfigObject(): Record<string, any> {
  return parse(readFileSync('config/simulation_config.yaml', 'utf8')) as Record<string, any>;
}

/**
 * Our default config written to dir/config.yaml, with `census` as its census path when given and
 * then `changes` applied; returns the file's path.
 */
export function writeConfigFile(dir: string, census?: string, changes: (config: Record<string, any>) => void = () => undefined): string {
  const config = defaultConfigObject();
  if (census !== undefined) config.setup.census_parquet_path = census;
  changes(config);
  const path = join(dir, 'config.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

/** A synthetic census written by our generator into `dir`. */
export async function makeCensus(dir: string, employees: number, seed = 7): Promise<string> {
  const out = join(dir, `census_${employees}_${seed}.parquet`);
  await writeCensus({ employees, seed, out });
  return out;
}

export interface SimulationRun {
  result: RunResult;
  database: string;
}

/** Runs a simulation through the builder, exactly as the CLI does, into dir/<name>.duckdb. */
export async function simulate(options: {
  dir: string;
  census: string;
  name?: string;
  config?: Record<string, any>;
  seed?: number;
  years?: [number, number];
  threads?: number;
}): Promise<SimulationRun> {
  const database = join(options.dir, `${options.name ?? 'sim'}.duckdb`);
  const builder = new OrchestratorBuilder()
    .withConfig(options.config ?? defaultConfigObject())
    .withEnvironment({})
    .withCensus(options.census)
    .withDatabase(database);
  if (options.seed !== undefined) builder.withSeed(options.seed);
  if (options.years) builder.withYears(options.years[0], options.years[1]);
  if (options.threads !== undefined) builder.withThreads(options.threads);
  const orchestrator = await builder.build();
  try {
    return { result: await orchestrator.executeMultiYearSimulation(), database };
  } finally {
    orchestrator.close();
  }
}

/** Opens the database, hands it to `work`, and closes it whatever happens. */
export async function withDb<T>(path: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open(path);
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

export function query<T extends Record<string, unknown>>(database: string, sql: string): Promise<T[]> {
  return withDb(database, (db) => db.all<T>(sql));
}

/** A digest of a table's full content except the run-time stamp columns, independent of row order. */
export async function contentDigest(database: string, table: string, exclude: string[]): Promise<string> {
  const rows = await query<{ digest: string }>(
    database,
    `SELECT md5(string_agg(t::VARCHAR, '\n' ORDER BY t::VARCHAR)) AS digest
     FROM (SELECT * EXCLUDE (${exclude.join(', ')}) FROM ${table}) t`,
  );
  return rows[0]?.digest ?? '';
}
