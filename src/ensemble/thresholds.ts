import { ConfigError, UsageError } from '../errors.js';
import { formatMetric } from '../reporting/metrics.js';
import { ENSEMBLE_METRICS, ensembleMetric, type EnsembleMetric } from './metrics.js';

export const THRESHOLD_OPERATORS = ['>', '>=', '<', '<='] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

/** A risk threshold: the share of seeds whose metric is `operator value`, in `year` or every year. */
export interface Threshold {
  metric: string;
  operator: ThresholdOperator;
  value: number;
  /** Undefined: every simulated year. */
  year?: number | undefined;
  label: string;
}

const THRESHOLD = /^\s*([A-Za-z0-9_]+)\s*(>=|<=|>|<)\s*([^@\s]+)\s*(?:@\s*(\S+))?\s*$/;
const FORM = "METRIC>VALUE[@YEAR] (operators > >= < <=), e.g. 'total_employer_plan_cost>15e6@2029'";

const knownMetrics = (): string => ENSEMBLE_METRICS.map((m) => m.id).join(', ');

/** "Total employer plan cost > $15,000,000": the metric's label and the value in its unit (the year has a column of its own). */
function defaultLabel(metric: EnsembleMetric, operator: ThresholdOperator, value: number): string {
  return `${metric.label} ${operator} ${formatMetric(metric.unit, value, { cents: !Number.isInteger(value) })}`;
}

/** `--threshold 'total_employer_plan_cost>15e6@2029'`: the metric must be an ensemble metric id. */
export function parseThreshold(text: string): Threshold {
  const match = THRESHOLD.exec(text);
  if (match === null) throw new UsageError(`--threshold "${text}" is not of the form ${FORM}`);
  const [, metric, operator, valueText, yearText] = match as unknown as [string, string, ThresholdOperator, string, string | undefined];
  const value = Number(valueText);
  if (!Number.isFinite(value)) throw new UsageError(`--threshold "${text}": "${valueText}" is not a number (write 15000000, 15e6 or 0.8)`);
  if (yearText !== undefined && !/^\d{4}$/.test(yearText)) throw new UsageError(`--threshold "${text}": "@${yearText}" is not a year (YYYY)`);
  const definition = ensembleMetric(metric);
  if (definition === undefined) {
    throw new UsageError(`--threshold "${text}": unknown metric "${metric}"; known metrics: ${knownMetrics()}`);
  }
  const year = yearText === undefined ? undefined : Number(yearText);
  return { metric, operator, value, year, label: defaultLabel(definition, operator, value) };
}

/**
 * The config's `ensemble.thresholds` (share of seeds with metric > value, every year; the reference's
 * meaning) followed by the `--threshold` options. An unknown metric fails here, before anything runs
 * (the reference reports it "not evaluable" after the runs); so does a year outside the simulation.
 */
export function resolveThresholds(
  configured: ReadonlyArray<{ metric: string; value: number; label?: string | undefined }> | undefined,
  options: readonly string[],
  years: { startYear: number; endYear: number },
): Threshold[] {
  const fromConfig = (configured ?? []).map((t, i): Threshold => {
    const metric = t.metric.trim();
    const definition = ensembleMetric(metric);
    if (definition === undefined) {
      throw new ConfigError(`ensemble.thresholds[${i}].metric: unknown metric "${metric}"; known metrics: ${knownMetrics()}`, [], {
        configKey: `ensemble.thresholds[${i}].metric`,
      });
    }
    return { metric, operator: '>', value: t.value, label: t.label ?? defaultLabel(definition, '>', t.value) };
  });
  const thresholds = [...fromConfig, ...options.map(parseThreshold)];
  for (const t of thresholds) {
    if (t.year !== undefined && (t.year < years.startYear || t.year > years.endYear)) {
      throw new UsageError(`Threshold "${t.metric}${t.operator}${t.value}@${t.year}": ${t.year} is not simulated (${years.startYear}-${years.endYear})`);
    }
  }
  return thresholds;
}
