/**
 * `ensemble.xlsx`: the bands, the threshold shares, every seed's figures and the jobs. Loaded only
 * when an ensemble writes its outputs (exceljs is slow to load).
 */
import ExcelJS from 'exceljs';
import { addSheet, FMT, writeWorkbook } from '../reporting/render/xlsx.js';
import type { MetricUnit } from '../reporting/metrics.js';
import type { EnsembleTables } from './aggregate.js';
import { ensembleMetric } from './metrics.js';
import type { EnsembleJobRow } from './outputs.js';

const UNIT_FORMAT: Record<MetricUnit, (typeof FMT)[keyof typeof FMT]> = { count: FMT.int, usd: FMT.money, fraction: FMT.rate };

/** A figure of a metric in its unit's number format (a count's mean and percentiles have decimals: money's format). */
function figure(metric: string, value: number | null, exact = false): { value: number | null; numFmt: (typeof FMT)[keyof typeof FMT] } {
  const unit = ensembleMetric(metric)?.unit ?? 'usd';
  return { value, numFmt: unit === 'count' && !exact ? FMT.money : UNIT_FORMAT[unit] };
}

const label = (metric: string): string => ensembleMetric(metric)?.label ?? metric;

/** Written with `stamp` (the ensemble request's creation) as its date: the same figures give the same bytes. */
export async function writeEnsembleWorkbook(path: string, tables: EnsembleTables, jobs: readonly EnsembleJobRow[], stamp: Date): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';
  addSheet(
    workbook,
    'Bands',
    ['Scenario', 'Year', 'Metric', 'Id', 'Seeds', 'Mean', 'SD (n−1)', 'P5', 'P25', 'P50', 'P75', 'P95'].map((header) => ({ header })),
    tables.bands.map((b) => [
      b.scenario, b.simulation_year, label(b.metric), b.metric, { value: b.seeds, numFmt: FMT.int },
      ...[b.mean, b.sd, b.p5, b.p25, b.p50, b.p75, b.p95].map((v) => figure(b.metric, v)),
    ]),
  );
  addSheet(
    workbook,
    'Thresholds',
    ['Scenario', 'Year', 'Threshold', 'Metric', 'Operator', 'Value', 'Seeds', 'Share of seeds'].map((header) => ({ header })),
    tables.thresholds.map((t) => [
      t.scenario, t.simulation_year, t.label, t.metric, t.operator, figure(t.metric, t.value, true), { value: t.seeds, numFmt: FMT.int },
      { value: t.share, numFmt: FMT.rate },
    ]),
  );
  addSheet(
    workbook,
    'Seed metrics',
    ['Scenario', 'Seed', 'Year', 'Metric', 'Value'].map((header) => ({ header })),
    tables.seedMetrics.map((r) => [r.scenario, r.seed, r.year, r.metric, figure(r.metric, r.value, true)]),
  );
  addSheet(
    workbook,
    'Jobs',
    ['Scenario', 'Seed', 'Job', 'Status', 'Error'].map((header) => ({ header })),
    jobs.map((j) => [j.scenario, j.seed, j.id, j.status, j.error ?? null]),
  );
  await writeWorkbook(workbook, path, stamp);
}
