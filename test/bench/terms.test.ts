import { describe, expect, it } from 'vitest';
import { PROFILES, selectCases, TERMS, type Profile } from '../../src/bench/cases.js';
import { compareResults, formatComparison } from '../../src/bench/compare.js';
import { deriveMetrics, startupMetric, termsMetrics, type TermFit } from '../../src/bench/derive.js';
import { caseResult } from '../../src/bench/harness.js';
import { fitLine } from '../../src/bench/stats.js';
import type { BenchResults, CaseResult, DerivedMetric, MachineFacts, Sample } from '../../src/bench/types.js';

describe('fitLine: ordinary least squares', () => {
  it('recovers an exact line, R² 1', () => {
    const fit = fitLine([
      [1000, 0.5],
      [10000, 0.68],
      [60000, 1.68],
    ]);
    expect(fit.intercept).toBeCloseTo(0.48, 12);
    expect(fit.slope).toBeCloseTo(2e-5, 15);
    expect(fit.r2).toBeCloseTo(1, 12);
  });

  it('fits scattered points: (0,1) (1,3) (2,2) give y = 1.5 + 0.5x, R² = 1 − 1.5/2', () => {
    // x̄ = 1, ȳ = 2, Sxx = 2, Sxy = 1; residuals −0.5, 1, −0.5.
    const fit = fitLine([
      [0, 1],
      [1, 3],
      [2, 2],
    ]);
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.intercept).toBeCloseTo(1.5, 12);
    expect(fit.r2).toBeCloseTo(0.25, 12);
  });

  it('is exact (R² 1) on a flat series, and refuses a single x', () => {
    expect(fitLine([[1, 4], [2, 4], [3, 4]])).toEqual({ intercept: 4, slope: 0, r2: 1 });
    expect(() => fitLine([[5, 1], [5, 2]])).toThrow(/two different x/);
  });
});

/** A two-year sample: the years' seconds, and each stage's seconds summed over both years. */
function sample(yearSeconds: number[], stages: Record<string, number>, startupSeconds?: number): Sample {
  return { wallSeconds: 9, peakRssMiB: 100, yearSeconds, stages, ...(startupSeconds === undefined ? {} : { startupSeconds }) };
}

function simulateCase(employees: number, samples: Sample[], years = 2, census = 'parquet'): CaseResult {
  const name = `simulate_${employees}x${years}${census === 'csv' ? '_csv' : ''}`;
  return caseResult(name, 'simulate', { employees, years, startYear: 2025, census }, samples, 'process');
}

/*
 * Per simulated year: the year costs 0.2 s + 100 µs per employee; FOUNDATION a flat 0.05 s;
 * STATE_ACCUMULATION 0.1 s + 80 µs per employee; the rest (outside the stages) 0.05 s + 20 µs.
 * Sizes 1000/2000/3000 (x̄ = 2000, Sxx = 2·10⁶). The 1000 case has two more samples, 0.03 s slower
 * and 0.01 s faster per year, all of it in STATE_ACCUMULATION: a change dy of the 1000 point moves
 * the slope by −1000/Sxx·dy = −500·dy µs and the intercept by dy/3 + 2000·1000/Sxx·dy = 4/3·dy.
 */
const cases = [
  simulateCase(1000, [sample([0.35, 0.25], { FOUNDATION: 0.1, STATE_ACCUMULATION: 0.36 }), sample([0.36, 0.3], { FOUNDATION: 0.1, STATE_ACCUMULATION: 0.42 }), sample([0.3, 0.28], { FOUNDATION: 0.1, STATE_ACCUMULATION: 0.34 })]),
  simulateCase(2000, [sample([0.4, 0.4], { FOUNDATION: 0.1, STATE_ACCUMULATION: 0.52 })]),
  simulateCase(3000, [sample([0.5, 0.5], { FOUNDATION: 0.1, STATE_ACCUMULATION: 0.68 })]),
];

describe('termsMetrics: the fixed and marginal cost of a year', () => {
  const { fixed, marginal } = termsMetrics(cases);
  const stages = (d: DerivedMetric) => d.details?.stages as Record<string, TermFit>;

  it('the year: intercept 200 ms and slope 100 µs through the medians; the range from the other samples', () => {
    expect(fixed).toMatchObject({ name: 'year_fixed_ms', value: 200, unit: 'ms per year', from: ['simulate_1000x2', 'simulate_2000x2', 'simulate_3000x2'] });
    expect(marginal).toMatchObject({ name: 'year_marginal_us', value: 100, unit: 'µs per employee-year' });
    // dy = +0.03: slope 100 − 15 = 85 µs, intercept 200 + 40 = 240 ms; dy = −0.01: 105 µs, 186.67 ms.
    expect(fixed.range).toEqual([186.67, 240]);
    expect(marginal.range).toEqual([85, 105]);
    expect(fixed.details).toMatchObject({ r2: 1, years: 2 });
    expect((fixed.details?.points as Array<{ yearMs: unknown }>).map((p) => p.yearMs)).toEqual([
      { median: 300, min: 290, max: 330 },
      { median: 400, min: 400, max: 400 },
      { median: 500, min: 500, max: 500 },
    ]);
  });

  it('each stage, and the time outside the stages, in the year, stages, rest order', () => {
    expect(Object.keys(stages(fixed))).toEqual(['YEAR', 'FOUNDATION', 'STATE_ACCUMULATION', 'OUTSIDE_STAGES']);
    expect(stages(fixed).STATE_ACCUMULATION).toEqual({ value: 100, range: [86.67, 140], r2: 1 });
    expect(stages(marginal).STATE_ACCUMULATION).toEqual({ value: 80, range: [65, 85], r2: 1 });
    const foundation = stages(fixed).FOUNDATION as TermFit;
    expect(foundation.value).toBeCloseTo(50, 6);
    expect(foundation.range[1] - foundation.range[0]).toBeCloseTo(0, 6);
    expect(stages(marginal).FOUNDATION?.value).toBeCloseTo(0, 6);
    // The rest is the year minus its stages: the same in every sample here.
    expect(stages(fixed).OUTSIDE_STAGES?.value).toBeCloseTo(50, 6);
    expect(stages(marginal).OUTSIDE_STAGES?.value).toBeCloseTo(20, 6);
    expect(stages(marginal).OUTSIDE_STAGES?.range[1]).toBeCloseTo(20, 6);
  });

  it('reports a poor fit in R²', () => {
    // Per-year medians 0.1, 0.3, 0.2 s at 1000/2000/3000: R² 0.25, as in the fitLine case above.
    const bent = termsMetrics([
      simulateCase(1000, [sample([0.1, 0.1], {})]),
      simulateCase(2000, [sample([0.3, 0.3], {})]),
      simulateCase(3000, [sample([0.2, 0.2], {})]),
    ]);
    expect(bent.fixed.details?.r2).toBeCloseTo(0.25, 4);
    expect(bent.marginal.value).toBeCloseTo(50, 6);
  });

  it('refuses cases of different year counts', () => {
    expect(() => termsMetrics([cases[0] as CaseResult, simulateCase(2000, [sample([0.4], {})], 1)])).toThrow(/one year count/);
  });
});

describe('startupMetric', () => {
  it('is the median and min–max of the samples’ spawn-to-first-year times, in ms', () => {
    const csv = simulateCase(10_000, [sample([1], {}, 0.31), sample([1], {}, 0.29), sample([1], {}, 0.35)], 1, 'csv');
    expect(startupMetric('startup_csv_ms', csv)).toMatchObject({ value: 310, range: [290, 350], unit: 'ms', from: ['simulate_10000x1_csv'] });
    expect(startupMetric('startup_csv_ms', simulateCase(10_000, [sample([1], {})], 1))).toBeUndefined();
  });
});

describe('--cases terms', () => {
  it('selects 1k/10k/60k × 5 years and 10k × 1 from Parquet and CSV, and the four metrics', () => {
    const picked = selectCases(PROFILES.quick, ['terms'], 1);
    expect(picked.cases.map((c) => c.name)).toEqual(['simulate_1000x5', 'simulate_10000x5', 'simulate_60000x5', 'simulate_10000x1', 'simulate_10000x1_csv']);
    expect(picked.derived).toEqual(TERMS);
    expect(picked.inputs.year_fixed_ms).toEqual(['simulate_1000x5', 'simulate_10000x5', 'simulate_60000x5']);
    expect(picked.inputs.startup_csv_ms).toEqual(['simulate_10000x1_csv']);
    // The quick profile computes them too.
    expect(selectCases(PROFILES.quick, undefined).derived).toEqual(expect.arrayContaining(TERMS));
  });

  it('follows the profile’s sizes, and derives the metrics from the selected inputs only', () => {
    const small: Profile = { ...PROFILES.quick, termsSizes: [1000, 2000, 3000], termsYears: 2, startupEmployees: 500 };
    const picked = selectCases(small, ['terms']);
    expect(picked.cases.map((c) => c.name)).toEqual(['simulate_1000x2', 'simulate_2000x2', 'simulate_3000x2', 'simulate_500x1', 'simulate_500x1_csv']);
    const byName = Object.fromEntries(cases.map((c) => [c.name, c]));
    const derived = deriveMetrics(picked.derived, picked.inputs, byName, {});
    // No start-up case was measured: only the two terms.
    expect(Object.keys(derived)).toEqual(['year_fixed_ms', 'year_marginal_us']);
    expect(derived.year_fixed_ms?.value).toBe(200);
  });
});

describe('--compare on the terms', () => {
  const machine: MachineFacts = {
    node: 'v20.0.0', platform: 'linux', arch: 'x64', kernel: '6', cpuModel: 'Test CPU', cpus: 2, memoryGiB: 24,
    duckdb: 'v1.5.6', duckdbNodeApi: '1.5.6-r.1', engineVersion: '0.1.0', loadAverageStart: [0, 0, 0], loadAverageEnd: [0, 0, 0],
  };
  const fit = ['simulate_1000x5', 'simulate_10000x5', 'simulate_60000x5'];
  const metric = (name: string, value: number, range: [number, number], from = fit): DerivedMetric => ({ name, value, range, unit: 'ms per year', from, note: '' });
  const results = (...metrics: DerivedMetric[]): BenchResults => ({
    schema: 1, profile: 'quick', measuredAt: '', durationSeconds: 1, machine, cases: {}, inProcess: {},
    derived: Object.fromEntries(metrics.map((m) => [m.name, m])),
  });
  const baseline = results(metric('year_fixed_ms', 200, [190, 210]), metric('year_marginal_us', 20, [19, 21]), metric('scaling_100k_over_10k', 3, [2.9, 3.1]));

  it('flags a fixed cost 20 % higher outside both ranges, and exits 1', () => {
    const c = compareResults(baseline, results(metric('year_fixed_ms', 240, [225, 250]), metric('year_marginal_us', 20, [19, 21]), metric('scaling_100k_over_10k', 4, [3.9, 4.1])));
    expect(Object.fromEntries(c.derived.map((d) => [d.name, d.verdict]))).toEqual({ year_fixed_ms: 'REGRESSION', year_marginal_us: 'unchanged', scaling_100k_over_10k: undefined });
    expect(c.regressions).toEqual(['year_fixed_ms']);
    expect(c.exitCode).toBe(1);
    expect(formatComparison(c)).toContain('year_fixed_ms: 200 → 240 ms per year (+20.0 %)  REGRESSION');
  });

  it('leaves alone a change under 10 %, inside the ranges, or under the floor; mirrors improvements', () => {
    const judge = (base: DerivedMetric, now: DerivedMetric) => compareResults(results(base), results(now)).derived[0]?.verdict;
    expect(judge(metric('year_fixed_ms', 200, [190, 210]), metric('year_fixed_ms', 215, [211, 220]))).toBe('unchanged'); // +7.5 %
    expect(judge(metric('year_fixed_ms', 200, [190, 210]), metric('year_fixed_ms', 240, [205, 260]))).toBe('unchanged'); // ranges overlap
    expect(judge(metric('year_fixed_ms', 40, [39, 41]), metric('year_fixed_ms', 48, [47, 49]))).toBe('unchanged'); // +20 % but 8 ms < 10 ms
    expect(judge(metric('year_marginal_us', 8, [7.9, 8.1]), metric('year_marginal_us', 8.9, [8.8, 9]))).toBe('REGRESSION'); // +11 %, 0.9 µs > 0.5
    expect(judge(metric('startup_csv_ms', 600, [580, 620]), metric('startup_csv_ms', 300, [290, 310]))).toBe('IMPROVEMENT');
  });

  it('does not judge terms fitted over other sizes', () => {
    const c = compareResults(results(metric('year_fixed_ms', 200, [190, 210])), results(metric('year_fixed_ms', 400, [390, 410], ['simulate_1000x2', 'simulate_2000x2', 'simulate_5000x2'])));
    expect(c.derived[0]?.verdict).toBeUndefined();
    expect(c.derived[0]?.note).toMatch(/not judged/);
    expect(c.exitCode).toBe(0);
  });
});
