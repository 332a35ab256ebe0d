import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../src/bench/types.js';
import { cleanEnv } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

describe('the benchmark harness on one tiny case', () => {
  const tempDir = useTempDir();

  it('runs simulate_300x1 and help_ms once each and writes results of the documented shape', () => {
    const harness = resolve('dist/bench/run.js');
    if (!existsSync(harness)) throw new Error(`${harness} is missing: run "npm run build"`);
    const out = join(tempDir(), 'latest.json');
    const run = spawnSync(process.execPath, [harness, '--cases', 'simulate_300x1,help_ms', '--repeats', '1', '--out', out], {
      encoding: 'utf8',
      env: cleanEnv(),
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('simulate_300x1');

    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(results).toMatchObject({ schema: 1, profile: expect.stringContaining('quick') });
    expect(results.machine).toMatchObject({ node: process.version, cpus: expect.any(Number), memoryGiB: expect.any(Number) });
    expect(results.machine.duckdb).toMatch(/^v?\d+\.\d+/);
    expect(Object.keys(results.cases)).toEqual(['simulate_300x1', 'help_ms']);

    const sim = results.cases.simulate_300x1!;
    expect(sim).toMatchObject({ kind: 'simulate', params: { employees: 300, years: 1, startYear: 2025 }, repeats: 1, rssMethod: 'process' });
    expect(sim.samples).toHaveLength(1);
    const sample = sim.samples[0]!;
    expect(sim.medianWallSeconds).toBe(sample.wallSeconds);
    expect(sim.minWallSeconds).toBe(sample.wallSeconds);
    expect(sim.maxWallSeconds).toBe(sample.wallSeconds);
    expect(sim.medianPeakRssMiB).toBe(sample.peakRssMiB);
    expect(sample.wallSeconds).toBeGreaterThan(0);
    expect(sample.peakRssMiB).toBeGreaterThan(20);
    expect(sample.yearSeconds).toHaveLength(1);
    // The CLI stamped its first year's start (resource report): it falls inside the run, before the year.
    expect(sample.startupSeconds).toBeGreaterThan(0);
    expect(sample.startupSeconds).toBeLessThan(sample.wallSeconds - (sample.yearSeconds?.[0] ?? 0));
    // Every stage of the year, from the NDJSON stage_completed events; their sum fits in the wall time.
    expect(Object.keys(sim.stages ?? {})).toEqual(['INITIALIZATION', 'FOUNDATION', 'EVENT_GENERATION', 'STATE_ACCUMULATION', 'VALIDATION', 'REPORTING', 'CLEANUP']);
    const stageSum = Object.values(sim.stages ?? {}).reduce((a, s) => a + s.median, 0);
    expect(stageSum).toBeGreaterThan(0);
    expect(stageSum).toBeLessThanOrEqual(sim.medianWallSeconds);
    expect(sim.microsPerEmployeeYear).toBeCloseTo((sim.medianWallSeconds / 300) * 1e6, 0);

    const help = results.cases.help_ms!;
    expect(help).toMatchObject({ kind: 'help', repeats: 1 });
    expect(help.medianMs).toBeCloseTo(help.medianWallSeconds * 1000, 0);
    expect(results.derived).toEqual({});
    expect(results.inProcess).toEqual({});
  });
});
