import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Database } from '../../src/db/database.js';
import { defaultConfigObject, makeCensus } from '../support/engine.js';

export interface BatchFixture {
  dir: string;
  census: string;
  baseConfig: string;
  scenariosDir: string;
  outputDir: string;
}

/**
 * A temp folder with a 300-employee census, a base config for 2025-2026 whose census path is
 * relative to the config's own folder (the batch must resolve it), and
 * a scenarios folder holding `scenarios` (objects are written as YAML, strings verbatim).
 */
export async function batchFixture(dir: string, scenarios: Record<string, unknown>): Promise<BatchFixture> {
  const census = await makeCensus(dir, 300);
  const base = defaultConfigObject();
  base.simulation.start_year = 2025;
  base.simulation.end_year = 2026;
  base.setup.census_parquet_path = 'census_300_7.parquet';
  const baseConfig = join(dir, 'base.yaml');
  writeFileSync(baseConfig, stringify(base));
  const scenariosDir = join(dir, 'scenarios');
  mkdirSync(scenariosDir);
  for (const [file, content] of Object.entries(scenarios)) {
    writeFileSync(join(scenariosDir, file), typeof content === 'string' ? content : stringify(content));
  }
  return { dir, census, baseConfig, scenariosDir, outputDir: join(dir, 'out') };
}

/** The one batch folder created under `outputDir`. */
export function onlyBatchDir(outputDir: string): string {
  const dirs = readdirSync(outputDir).filter((d) => d.startsWith('batch_'));
  if (dirs.length !== 1) throw new Error(`expected one batch folder in ${outputDir}, found ${dirs.join(', ') || 'none'}`);
  return join(outputDir, dirs[0] as string);
}

/** Every *.duckdb file below `dir`. */
export function databasesBelow(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else if (entry.name.endsWith('.duckdb')) found.push(join(d, entry.name));
    }
  };
  walk(dir);
  return found;
}

/** DuckDB's threads and memory limit as a job applied them: from the "run started" line of its log. */
export function runSettings(log: string): { threads: number; memory_limit: string } {
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  const started = lines.find((l) => l.msg === 'run started');
  if (started === undefined) throw new Error(`${log} has no "run started" line`);
  return started.duckdb;
}

/** How DuckDB shows a memory limit once set (e.g. 1536MiB as "1.5 GiB"). */
export async function memoryLimitShown(limit: string): Promise<string> {
  const db = await Database.open(':memory:', { memoryLimit: limit });
  try {
    return (await db.one<{ m: string }>(`SELECT current_setting('memory_limit') AS m`))!.m;
  } finally {
    db.close();
  }
}

/** Captures what `body` writes to process.stdout and process.stderr. */
export async function captureOutput<T>(body: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const value = await body();
    return { value, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

/** Environment variables that would override config values, removed for the duration of a test file. */
export function withoutConfigOverrides(): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const name of Object.keys(process.env)) {
    if ((name.startsWith('PLANALIGN_') || name.startsWith('NAV_')) && name.includes('__')) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  }
  return () => Object.assign(process.env, saved);
}
