import type { JobResult } from '../executor/types.js';
import { PlanAlignError } from '../errors.js';
import { COMPLIANCE_TESTS } from '../reporting/compliance.js';
import { HEADLINE_METRICS, type MetricUnit } from '../reporting/metrics.js';

/**
 * What an ensemble measures per seed and year: the headline metrics, the forfeitures, and per
 * compliance test whether it passed in every group (1) or not (0), so its mean over the seeds is the
 * test's pass rate. Every figure is read from the jobs' result files (readYearMetrics' figures),
 * never from SQL of our own.
 */
export interface EnsembleMetric {
  id: string;
  label: string;
  unit: MetricUnit;
}

export const complianceMetricId = (test: string): string => `compliance_${test}_passed`;

export const ENSEMBLE_METRICS: readonly EnsembleMetric[] = [
  ...HEADLINE_METRICS.map(({ id, label, unit }) => ({ id, label, unit })),
  { id: 'forfeitures', label: 'Forfeitures', unit: 'usd' },
  ...COMPLIANCE_TESTS.map((t) => ({ id: complianceMetricId(t.name), label: `${t.label} passed`, unit: 'fraction' as const })),
];

/** The definition of an ensemble metric id, or undefined. */
export function ensembleMetric(id: string): EnsembleMetric | undefined {
  return ENSEMBLE_METRICS.find((m) => m.id === id);
}

export interface SeedMetricRow {
  scenario: string;
  seed: number;
  year: number;
  metric: string;
  value: number;
}

/** The numeric metrics every year of a result carries (the compliance ones only for the tests it ran). */
const NUMERIC_METRICS = ENSEMBLE_METRICS.filter((m) => !m.id.startsWith('compliance_')).map((m) => m.id);

/** A job's figures as rows, in the order of ENSEMBLE_METRICS; a figure missing from its result is an error. */
export function seedMetricRows(result: JobResult): SeedMetricRow[] {
  const rows: SeedMetricRow[] = [];
  const { scenario, seed } = result;
  for (const year of result.years) {
    for (const metric of NUMERIC_METRICS) {
      const value = year[metric];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new PlanAlignError(`The result of job ${result.id} (scenario ${scenario}, seed ${seed}) has no number ${metric} for ${year.year}`);
      }
      rows.push({ scenario, seed, year: year.year, metric, value });
    }
    for (const test of COMPLIANCE_TESTS) {
      const passed = year.compliance[test.name];
      if (passed !== undefined) rows.push({ scenario, seed, year: year.year, metric: complianceMetricId(test.name), value: passed ? 1 : 0 });
    }
  }
  return rows;
}
