import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LineChartSpec, LineSeries } from '../charts/render.js';
import type { JobOutcome } from '../executor/types.js';
import { writeTextAtomically } from '../reporting/atomic.js';
import { formatMetric, HEADLINE_METRIC_IDS } from '../reporting/metrics.js';
import { ENGINE_VERSION } from '../version.js';
import { writeEnsembleDatabase, type BandRow, type EnsembleTables } from './aggregate.js';
import { ENSEMBLE_METRICS, type EnsembleMetric } from './metrics.js';
import type { EnsembleRequest } from './request.js';

/** A job as the outputs list it: no times nor workers, so a re-run that reuses every job writes the same files. */
export interface EnsembleJobRow {
  scenario: string;
  seed: number;
  id: string;
  status: JobOutcome['status'];
  error?: string | undefined;
}

export interface EnsembleFiles {
  database: string;
  json: string;
  workbook: string;
  /** The charts' folder; null when no job finished (nothing to draw). */
  charts: string | null;
}

export const jobRows = (outcomes: readonly JobOutcome[]): EnsembleJobRow[] =>
  outcomes.map((o) => ({ scenario: o.job.scenario, seed: o.job.seed, id: o.job.id, status: o.status, ...(o.error === undefined ? {} : { error: o.error }) }));

/** The metrics that have bands, in ENSEMBLE_METRICS order. */
function chartedMetrics(tables: EnsembleTables): EnsembleMetric[] {
  return ENSEMBLE_METRICS.filter((m) => tables.bands.some((b) => b.metric === m.id));
}

/**
 * A fan chart of a metric: per scenario its median by year with the P25–P75 and P5–P95 bands around
 * it, one colour per scenario. A compliance test's figure is 0 or 1 per seed: its chart shows the
 * pass rate (the mean) instead.
 */
export function fanChart(metric: EnsembleMetric, tables: EnsembleTables, scenarios: readonly string[]): LineChartSpec {
  const bands = tables.bands.filter((b) => b.metric === metric.id);
  const years = [...new Set(bands.map((b) => b.simulation_year))].sort((a, b) => a - b);
  const passRate = metric.id.startsWith('compliance_');
  const shown = scenarios.filter((s) => bands.some((b) => b.scenario === s));
  const seeds = Math.max(...bands.map((b) => b.seeds));
  const name = (scenario: string, what: string): string => (shown.length === 1 ? what : `${scenario} ${what}`);
  const series = shown.map((scenario): LineSeries => {
    const at = years.map((year) => bands.find((b) => b.scenario === scenario && b.simulation_year === year));
    const values = (pick: (b: BandRow) => number) => at.map((b) => (b === undefined ? null : pick(b)));
    if (passRate) return { name: name(scenario, 'pass rate'), values: values((b) => b.mean) };
    return {
      name: name(scenario, 'median'),
      values: values((b) => b.p50),
      bands: [
        { label: name(scenario, 'P5–P95'), lower: values((b) => b.p5), upper: values((b) => b.p95) },
        { label: name(scenario, 'P25–P75'), lower: values((b) => b.p25), upper: values((b) => b.p75) },
      ],
    };
  });
  return {
    kind: 'line',
    title: `${metric.label} over ${seeds} seed${seeds === 1 ? '' : 's'}`,
    subtitle: passRate ? 'Share of seeds passing the test in every group' : 'Median by year, with the P25–P75 and P5–P95 bands of the seeds',
    yLabel: metric.label,
    unit: metric.unit,
    categories: years,
    series,
  };
}

/**
 * Writes every output from the jobs that finished: ensemble.duckdb (rebuilt from their results),
 * ensemble.json, ensemble.xlsx and charts/<metric>.png and .svg. The workbook and charts modules are
 * loaded here only (exceljs and ECharts are slow to load).
 */
export async function writeEnsembleOutputs(outputDir: string, request: EnsembleRequest, outcomes: readonly JobOutcome[]): Promise<{ tables: EnsembleTables; files: EnsembleFiles }> {
  const scenarios = request.scenarios.map((s) => s.name);
  const results = outcomes.flatMap((o) => (o.result === undefined ? [] : [o.result]));
  const database = join(outputDir, 'ensemble.duckdb');
  const tables = await writeEnsembleDatabase(database, results, scenarios, request.thresholds);
  const jobs = jobRows(outcomes);

  const json = join(outputDir, 'ensemble.json');
  const metrics = chartedMetrics(tables);
  const report = {
    engineVersion: ENGINE_VERSION,
    scenarios: request.scenarios.map((s) => ({
      ...s,
      completed: jobs.filter((j) => j.scenario === s.name && j.status === 'completed').map((j) => j.seed),
    })),
    metrics,
    thresholds: request.thresholds,
    bands: tables.bands,
    threshold_shares: tables.thresholds,
    jobs,
  };
  await writeTextAtomically(json, `${JSON.stringify(report, null, 2)}\n`);

  const workbook = join(outputDir, 'ensemble.xlsx');
  const { writeEnsembleWorkbook } = await import('./workbook.js');
  await writeEnsembleWorkbook(workbook, tables, jobs, new Date(request.created));

  const charts = metrics.length === 0 ? null : join(outputDir, 'charts');
  if (charts !== null) {
    const { writeChart } = await import('../charts/render.js');
    await mkdir(charts, { recursive: true });
    for (const metric of metrics) {
      const spec = fanChart(metric, tables, scenarios);
      for (const format of ['png', 'svg'] as const) await writeChart(join(charts, `${metric.id}.${format}`), spec, format, { scale: 2 });
    }
  }
  return { tables, files: { database, json, workbook, charts } };
}

/** Per scenario: the headline metrics' P5, P50 and P95 in its last year, then each threshold's share of seeds. */
export function formatEnsembleTables(tables: EnsembleTables, scenarios: readonly string[]): string[] {
  const lines: string[] = [];
  for (const scenario of scenarios) {
    const bands = tables.bands.filter((b) => b.scenario === scenario);
    if (bands.length === 0) {
      lines.push('', `Scenario ${scenario}: no seed finished`);
      continue;
    }
    const year = Math.max(...bands.map((b) => b.simulation_year));
    const rows = HEADLINE_METRIC_IDS.flatMap((id) => {
      const b = bands.find((x) => x.metric === id && x.simulation_year === year);
      const metric = ENSEMBLE_METRICS.find((m) => m.id === id) as EnsembleMetric;
      return b === undefined ? [] : [[metric.label, ...[b.p5, b.p50, b.p95].map((v) => formatMetric(metric.unit, v))]];
    });
    const seeds = Math.max(...bands.map((b) => b.seeds));
    lines.push('', `Scenario ${scenario}, ${year}, over ${seeds} seed${seeds === 1 ? '' : 's'}:`, ...table(['Metric', 'P5', 'P50', 'P95'], rows));
    const shares = tables.thresholds.filter((t) => t.scenario === scenario);
    if (shares.length > 0) {
      lines.push(
        '',
        ...table(
          ['Threshold', 'Year', 'Share of seeds'],
          shares.map((t) => [t.label, String(t.simulation_year), t.share === null ? '-' : formatMetric('fraction', t.share)]),
        ),
      );
    }
  }
  return lines;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [`  ${line(header)}`, `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...rows.map((r) => `  ${line(r)}`)];
}
