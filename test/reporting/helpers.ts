import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { makeCensus, simulate, type SimulationRun } from '../support/engine.js';
import { parseCsv as parseRfc4180 } from '../../src/params/tables.js';

export const START_YEAR = 2025;
export const END_YEAR = 2027;
export const YEARS = [2025, 2026, 2027];

/**
 * One 600-employee, 2025-2027 simulation per test file (beforeAll), in a temp folder removed
 * afterwards. Tests must not write into it: `copyDatabase` gives a test its own copy.
 */
export function useSimulation(): () => SimulationRun {
  let dir = '';
  let run: SimulationRun | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-report-'));
    const census = await makeCensus(dir, 600);
    run = await simulate({ dir, census, years: [START_YEAR, END_YEAR] });
  }, 120_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (run === undefined) throw new Error('simulation not ready');
    return run;
  };
}

/** Copies a closed database file (and its WAL, if any) into `dir`. */
export function copyDatabase(database: string, dir: string, name = 'copy.duckdb'): string {
  const target = join(dir, name);
  copyFileSync(database, target);
  if (existsSync(`${database}.wal`)) copyFileSync(`${database}.wal`, `${target}.wal`);
  return target;
}

/** The rows of an exported CSV, read by the parameter tables' RFC 4180 reader (a malformed file throws). */
export function parseCsv(text: string): string[][] {
  const parsed = parseRfc4180(text);
  if ('error' in parsed) throw new Error(`not valid CSV: ${parsed.error}`);
  return parsed.rows;
}

/** Captures what a function writes to stdout and stderr. */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const result = await work();
    return { result, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
