import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { planEnsemble, recordRequest, type EnsembleRequest } from '../../src/ensemble/request.js';
import { runEnsemble, type EnsembleRun } from '../../src/ensemble/run.js';
import { ensembleScenarios } from '../../src/ensemble/scenarios.js';
import { resolveThresholds } from '../../src/ensemble/thresholds.js';
import { jobDir, LocalExecutor, type ScenarioSource } from '../../src/executor/index.js';
import { makeCensus, writeConfigFile } from '../support/engine.js';
import { mean, percentile, sampleSd } from './helpers.js';

/**
 * One small ensemble (300 employees, 2025-2026, 3 seeds) run twice, one job at a time and two at a
 * time, into two folders, then re-submitted: the same outputs whatever the order the jobs finished
 * in, and nothing re-run.
 */
const dir = mkdtempSync(join(tmpdir(), 'planalign-ensemble-'));
let sources: ScenarioSource[];
const runs: Record<'one' | 'two', { request: EnsembleRequest; run: EnsembleRun }> = {} as never;

async function ensemble(
  outputDir: string,
  parallel: number,
  seeds = '3',
  force = false,
  discardDatabases = false,
): Promise<{ request: EnsembleRequest; run: EnsembleRun }> {
  const planned = await planEnsemble(
    outputDir,
    sources,
    { seeds },
    (span) => resolveThresholds([{ metric: 'active_headcount', value: 300 }], ['total_employer_plan_cost>=1e6@2026'], span),
    new Date('2026-01-02T03:04:05Z'),
  );
  const request = await recordRequest(outputDir, planned, force);
  const executor = new LocalExecutor({ parallel, threads: 1 });
  try {
    return { request, run: await runEnsemble(outputDir, request, executor, { discardDatabases }) };
  } finally {
    await executor.close();
  }
}

beforeAll(async () => {
  const census = await makeCensus(dir, 300);
  const config = writeConfigFile(dir, census);
  ({ sources } = ensembleScenarios({ config, censusIntake: {}, years: { startYear: 2025, endYear: 2026 }, env: {} }));
  runs.one = await ensemble(join(dir, 'one'), 1);
  runs.two = await ensemble(join(dir, 'two'), 2);
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planalign ensemble over the local executor', () => {
  it("runs scenarios × seeds, the seeds random_seed + 1001·k", () => {
    const { request, run } = runs.one;
    expect(request.scenarios.map((s) => [s.name, s.seeds])).toEqual([['default', [42, 1043, 2044]]]);
    expect(run.exitCode).toBe(0);
    expect(run.outcomes.map((o) => [o.status, o.reused])).toEqual(Array(3).fill(['completed', false]));
    expect([...new Set(run.tables.seedMetrics.map((r) => r.seed))]).toEqual([42, 1043, 2044]);
    // The seeds differ: a single-seed ensemble would have no spread.
    const cost = run.tables.bands.find((b) => b.simulation_year === 2026 && b.metric === 'total_employer_plan_cost');
    expect(cost?.seeds).toBe(3);
    expect(cost!.p95).toBeGreaterThan(cost!.p5);
  });

  it('writes bands that an independent computation over ensemble_seed_metrics confirms', async () => {
    const db = await Database.open(runs.one.run.files.database, { readOnly: true });
    const rows = await db.all<{ simulation_year: number; metric: string; value: number }>('SELECT simulation_year, metric, value FROM ensemble_seed_metrics');
    const bands = await db.all<Record<string, number | string | null>>('SELECT * FROM ensemble_bands');
    db.close();
    expect(bands.length).toBeGreaterThan(2 * 11);
    for (const band of bands) {
      const values = rows.filter((r) => r.simulation_year === band.simulation_year && r.metric === band.metric).map((r) => r.value);
      const close = (got: unknown, expected: number) => expect(Math.abs(Number(got) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      expect(band.seeds).toBe(3);
      close(band.mean, mean(values));
      close(band.sd, sampleSd(values));
      for (const p of [5, 25, 50, 75, 95]) close(band[`p${p}`], percentile(values, p / 100));
    }
  });

  it('gives identical outputs whether the jobs ran one or two at a time', () => {
    const text = (run: EnsembleRun) => readFileSync(run.files.json, 'utf8');
    expect(text(runs.two.run)).toBe(text(runs.one.run));
    expect(runs.two.run.tables).toEqual(runs.one.run.tables);
    expect(readFileSync(runs.two.run.files.workbook).equals(readFileSync(runs.one.run.files.workbook))).toBe(true);
  });

  it('reuses every finished job when the ensemble is submitted again, and writes the same outputs', async () => {
    const { request, run } = runs.one;
    const outputDir = join(dir, 'one');
    const resultTimes = request.jobs.map((j) => statSync(join(jobDir(outputDir, j.id), 'result.json')).mtimeMs);
    const json = readFileSync(run.files.json, 'utf8');
    const workbook = readFileSync(run.files.workbook);
    const again = await ensemble(outputDir, 2);
    expect(again.run.outcomes.map((o) => [o.status, o.reused])).toEqual(Array(3).fill(['completed', true]));
    expect(request.jobs.map((j) => statSync(join(jobDir(outputDir, j.id), 'result.json')).mtimeMs)).toEqual(resultTimes);
    expect(readFileSync(again.run.files.json, 'utf8')).toBe(json);
    expect(readFileSync(again.run.files.workbook).equals(workbook)).toBe(true);
    // Thresholds evaluated over the finished jobs: active headcount above 300 in no seed; cost ≥ $1M in 2026 only.
    expect(again.run.tables.thresholds.map((t) => [t.label, t.simulation_year, t.seeds])).toEqual([
      ['Active headcount > 300', 2025, 3],
      ['Active headcount > 300', 2026, 3],
      ['Total employer plan cost >= $1,000,000', 2026, 3],
    ]);
  });

  it('refuses another ensemble in the same folder unless forced, reusing the jobs they share', async () => {
    const outputDir = join(dir, 'two');
    await expect(ensemble(outputDir, 2, '2')).rejects.toThrow(/holds another ensemble \(default × 3 seed\(s\); this one: default × 2 seed\(s\)\)/);
    const forced = await ensemble(outputDir, 2, '2', true);
    expect(forced.run.outcomes.map((o) => [o.job.seed, o.reused])).toEqual([[42, true], [1043, true]]);
    expect(forced.run.tables.bands.every((b) => b.seeds === 2)).toBe(true);

    // --discard-databases: the same bands from the result files alone, no job database left, and a
    // re-submission reuses the jobs all the same.
    const lean = join(dir, 'lean');
    const discarded = await ensemble(lean, 2, '2', false, true);
    expect(discarded.run.tables.bands).toEqual(forced.run.tables.bands);
    for (const outcome of discarded.run.outcomes) {
      expect(existsSync(join(jobDir(lean, outcome.job.id), 'result.json'))).toBe(true);
      expect(existsSync(join(jobDir(lean, outcome.job.id), 'simulation.duckdb'))).toBe(false);
    }
    const again = await ensemble(lean, 2, '2', false, true);
    expect(again.run.outcomes.map((o) => o.reused)).toEqual([true, true]);
  });
});
