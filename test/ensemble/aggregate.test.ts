import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { readTables, writeEnsembleDatabase } from '../../src/ensemble/aggregate.js';
import { parseThreshold, resolveThresholds } from '../../src/ensemble/thresholds.js';
import { useTempDir } from '../support/tmp.js';
import { jobResult, mean, percentile, sampleSd } from './helpers.js';

const YEARS = [2025, 2026];
/** Uneven costs so that the percentiles interpolate: seed → 2026 employer cost. */
const COST_2026: Record<number, number> = { 11: 100, 12: 400, 13: 250, 14: 1000, 15: 175.5 };
const cost = (seed: number) => (year: number, metric: string) =>
  metric === 'total_employer_plan_cost' && year === 2026 ? COST_2026[seed] : undefined;

describe('ensemble.duckdb from result files', () => {
  const tempDir = useTempDir();

  it('bands match an independent computation over ensemble_seed_metrics (linear interpolation, n−1 SD)', async () => {
    const dir = tempDir();
    const results = [11, 12, 13, 14, 15].map((seed) =>
      jobResult('base', seed, YEARS, cost(seed), (year) => ({ adp: seed % 2 === 0 || year === 2025, acp: true })),
    );
    results.push(jobResult('solo', 7, YEARS));
    const tables = await writeEnsembleDatabase(join(dir, 'ensemble.duckdb'), results, ['base', 'solo'], []);

    const db = await Database.open(join(dir, 'ensemble.duckdb'), { readOnly: true });
    const seedRows = await db.all<{ scenario: string; simulation_year: number; metric: string; value: number }>(
      'SELECT scenario, simulation_year, metric, value FROM ensemble_seed_metrics',
    );
    db.close();
    expect(seedRows).toHaveLength(tables.seedMetrics.length);
    // 11 numeric metrics and 2 compliance tests, 2 years, 6 jobs.
    expect(seedRows).toHaveLength(6 * 2 * 13);
    expect(tables.bands).toHaveLength(2 * 2 * 13);
    for (const band of tables.bands) {
      const values = seedRows
        .filter((r) => r.scenario === band.scenario && r.simulation_year === band.simulation_year && r.metric === band.metric)
        .map((r) => r.value);
      expect(band.seeds).toBe(values.length);
      expect(band.mean).toBeCloseTo(mean(values), 9);
      if (values.length === 1) expect(band.sd).toBeNull();
      else expect(band.sd).toBeCloseTo(sampleSd(values), 9);
      [band.p5, band.p25, band.p50, band.p75, band.p95].forEach((got, i) => {
        const expected = percentile(values, [0.05, 0.25, 0.5, 0.75, 0.95][i]!);
        expect(Math.abs(got - expected), `${band.metric} ${band.simulation_year} P${i}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      });
    }
    // By hand: 2026 costs sorted 100, 175.5, 250, 400, 1000; P5 at rank 0.2: 100 + 0.2 × 75.5; P95 at 3.8: 400 + 0.8 × 600.
    const c = tables.bands.find((b) => b.scenario === 'base' && b.simulation_year === 2026 && b.metric === 'total_employer_plan_cost');
    expect(c).toMatchObject({ seeds: 5, mean: 385.1, p25: 175.5, p50: 250, p75: 400 });
    expect(c?.p5).toBeCloseTo(115.1, 9);
    expect(c?.p95).toBeCloseTo(880, 9);
    // ADP passes in 2026 for seeds 12 and 14 only: a pass rate of 2/5.
    const adp = tables.bands.find((b) => b.scenario === 'base' && b.simulation_year === 2026 && b.metric === 'compliance_adp_passed');
    expect(adp).toMatchObject({ seeds: 5, mean: 0.4, p5: 0, p95: 1 });
  });

  it('gives the same tables whatever order the results come in', async () => {
    const dir = tempDir();
    const results = [11, 12, 13, 14, 15].flatMap((seed) => [jobResult('a', seed, YEARS, cost(seed)), jobResult('b', seed, YEARS)]);
    const thresholds = [parseThreshold('total_employer_plan_cost>200')];
    const first = await writeEnsembleDatabase(join(dir, 'one.duckdb'), results, ['a', 'b'], thresholds);
    const second = await writeEnsembleDatabase(join(dir, 'two.duckdb'), [...results].reverse(), ['a', 'b'], thresholds);
    expect(second).toEqual(first);
    // Figures come back exactly as the result files hold them.
    const odd = jobResult('a', 1, [2025], (_, metric) => (metric === 'employer_core_cost' ? 0.1 + 0.2 : metric === 'forfeitures' ? 1234567.89 : undefined));
    const exact = await writeEnsembleDatabase(join(dir, 'exact.duckdb'), [odd], ['a'], []);
    expect(exact.seedMetrics.find((r) => r.metric === 'employer_core_cost')?.value).toBe(0.1 + 0.2);
    expect(exact.seedMetrics.find((r) => r.metric === 'forfeitures')?.value).toBe(1234567.89);
    // Rebuilding over an existing file replaces it.
    const again = await writeEnsembleDatabase(join(dir, 'one.duckdb'), results.slice(0, 2), ['a', 'b'], thresholds);
    expect(again.seedMetrics.map((r) => r.seed)).toEqual(expect.arrayContaining([11]));
    const db = await Database.open(join(dir, 'one.duckdb'), { readOnly: true });
    expect((await readTables(db)).bands.every((b) => b.seeds === 1)).toBe(true);
    db.close();
  });

  it('counts the share of seeds crossing each threshold, in its year or every year', async () => {
    const dir = tempDir();
    const results = [11, 12, 13, 14, 15].map((seed) => jobResult('base', seed, YEARS, cost(seed), () => ({ adp: seed !== 13 })));
    const thresholds = resolveThresholds(
      [{ metric: 'total_employer_plan_cost', value: 250, label: 'cost over 250' }],
      ['total_employer_plan_cost>=250@2026', 'total_employer_plan_cost<175.5@2026', 'total_employer_plan_cost<=175.5@2026', 'compliance_acp_passed<1'],
      { startYear: 2025, endYear: 2026 },
    );
    const tables = await writeEnsembleDatabase(join(dir, 'ensemble.duckdb'), results, ['base'], thresholds);
    const shares = tables.thresholds.map((t) => [t.label, t.simulation_year, t.operator, t.seeds, t.share]);
    // 2025 costs: employer cost is the 8th headline metric, 8000 + seed, all above 250.
    expect(shares).toEqual([
      ['cost over 250', 2025, '>', 5, 1],
      ['cost over 250', 2026, '>', 5, 2 / 5],
      ['Total employer plan cost >= $250', 2026, '>=', 5, 3 / 5],
      ['Total employer plan cost < $175.50', 2026, '<', 5, 1 / 5],
      ['Total employer plan cost <= $175.50', 2026, '<=', 5, 2 / 5],
      // No result ran the ACP test: no seeds, no share.
      ['ACP 401(m)(2) passed < 100.0 %', 2025, '<', 0, null],
      ['ACP 401(m)(2) passed < 100.0 %', 2026, '<', 0, null],
    ]);
  });
});
