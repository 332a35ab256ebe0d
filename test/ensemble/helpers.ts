import type { JobResult, JobYear } from '../../src/executor/types.js';
import { HEADLINE_METRIC_IDS } from '../../src/reporting/metrics.js';

/**
 * A hand-made result file: every figure of a year is `base(metric) + seed + year offset`, unless
 * `figures` gives it; `compliance` per year (every test passes unless it says otherwise).
 */
export function jobResult(
  scenario: string,
  seed: number,
  years: number[],
  figures: (year: number, metric: string) => number | undefined = () => undefined,
  compliance: (year: number) => Record<string, boolean> = () => ({ adp: true, acp: true }),
): JobResult {
  const jobYears = years.map((year): JobYear => {
    const y: Record<string, unknown> = { year, compliance: compliance(year) };
    [...HEADLINE_METRIC_IDS, 'forfeitures'].forEach((metric, i) => {
      y[metric] = figures(year, metric) ?? 1000 * (i + 1) + seed + (year - years[0]!) * 10;
    });
    return y as JobYear;
  });
  return {
    id: `${scenario}-${seed}`.padEnd(32, '0'),
    scenario,
    seed,
    inputs: 'f'.repeat(64),
    engineVersion: '0.0.0',
    startYear: years[0]!,
    endYear: years[years.length - 1]!,
    runId: `run-${scenario}-${seed}`,
    seconds: 1,
    worker: 'test:1',
    finishedAt: '2025-01-01T00:00:00.000Z',
    database: 'simulation.duckdb',
    years: jobYears,
  };
}

/** Percentile p (0–1) by linear interpolation between the closest ranks (DuckDB's quantile_cont). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n − 1). */
export function sampleSd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}
