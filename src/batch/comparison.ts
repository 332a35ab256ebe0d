/**
 * The cross-scenario comparison of a batch: each completed scenario's headline metrics (its database
 * opened read-only), compared against the baseline by the scenario comparison `planalign compare`
 * prints, and the workbook that lays it out with the scenarios as columns, plus its charts.
 */
import ExcelJS from 'exceljs';
import { renderPng, type LineChartSpec } from '../charts/render.js';
import type { MetricUnit } from '../reporting/metrics.js';
import { writeWorkbook } from '../reporting/render/xlsx.js';
import {
  COMPARED_METRICS,
  readScenarioMetrics,
  type ComparedFigure,
  type ComparedMetric,
  type ComparedComplianceTest,
  type ScenarioComparison,
  type ScenarioMetrics,
} from '../reporting/scenario-compare.js';

/**
 * Reads every scenario's headline metrics, opening each database read-only, so nothing can write to
 * a scenario's file. A database that cannot be read is reported, not fatal.
 */
export async function readComparison(
  scenarios: ReadonlyArray<{ name: string; database: string }>,
): Promise<{ scenarios: ScenarioMetrics[]; errors: Array<{ scenario: string; error: string }> }> {
  const read: ScenarioMetrics[] = [];
  const errors: Array<{ scenario: string; error: string }> = [];
  for (const scenario of scenarios) {
    try {
      read.push(await readScenarioMetrics(scenario.name, scenario.database));
    } catch (error) {
      errors.push({ scenario: scenario.name, error: (error as Error).message });
    }
  }
  return { scenarios: read, errors };
}

// ---------------------------------------------------------------------------------------------
// Charts

/** The metrics charted by year, one line per scenario. */
const CHARTED: ReadonlyArray<{ id: 'active_headcount' | 'total_employer_plan_cost' | 'participation_rate' | 'employer_cost_share_of_payroll'; yLabel: string }> = [
  { id: 'active_headcount', yLabel: 'Employees' },
  { id: 'total_employer_plan_cost', yLabel: 'Employer cost' },
  { id: 'participation_rate', yLabel: 'Participation' },
  { id: 'employer_cost_share_of_payroll', yLabel: 'Employer cost ÷ payroll' },
];

/** The workbook's charts: a metric by year, one line per scenario (the baseline first). */
export function comparisonCharts(comparison: ScenarioComparison): Array<{ id: string; spec: LineChartSpec }> {
  const names = comparison.scenarios.map((s) => s.name);
  return CHARTED.map(({ id, yLabel }) => {
    const metric = COMPARED_METRICS.find((m) => m.id === id) as ComparedMetric;
    return {
      id,
      spec: {
        kind: 'line',
        title: `${metric.label} by year`,
        subtitle: `One line per scenario; baseline: ${comparison.baseline}`,
        yLabel,
        unit: metric.unit,
        categories: comparison.years.shown,
        series: names.map((name) => ({
          name,
          values: comparison.by_year.map((y) => y.metrics[id].values[name] ?? null),
        })),
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The workbook

export interface ScenarioSheetRow {
  name: string;
  status: string;
  attempts: number;
  reused: boolean;
  seconds: number | null;
  seed: number;
  startYear: number;
  endYear: number;
  startedAt: string | null;
  finishedAt: string | null;
  config: string;
  job: string | null;
  database: string | null;
  error?: string | undefined;
}

interface Column<T> {
  header: string;
  value: (row: T) => string | number | null;
  numFmt?: string;
}

/**
 * Number formats of a figure, and of its difference from the baseline (signed), by unit. A rate's
 * difference is in percentage points, as the console's `pt`: its cell holds the points (fraction × 100),
 * so it cannot be read as the relative "vs %" beside it.
 */
const FORMAT: Record<MetricUnit, { value: string; delta: string }> = {
  count: { value: '#,##0', delta: '+#,##0;-#,##0;0' },
  usd: { value: '"$"#,##0', delta: '+"$"#,##0;-"$"#,##0;"$"0' },
  fraction: { value: '0.00%', delta: '+0.00" pt";-0.00" pt";0.00" pt"' },
};

/** A difference as its cell holds it: a rate's in percentage points (without the binary tail of × 100). */
function deltaCell(unit: MetricUnit, delta: number | null): number | null {
  return delta === null || unit !== 'fraction' ? delta : Number((delta * 100).toPrecision(12));
}
const DELTA_PCT = '+0.0%;-0.0%;0.0%';
export const ALL_YEARS = 'All years';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } };
const BAND_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEEF3F8' } };

/** The Comparison sheet's headers: Metric, Year, each scenario, then per other scenario its difference and relative difference. */
export function comparisonHeaders(comparison: ScenarioComparison): string[] {
  const base = comparison.baseline;
  const names = comparison.scenarios.map((s) => s.name);
  return ['Metric', 'Year', ...names, ...names.filter((n) => n !== base).flatMap((o) => [`${o} − ${base}`, `${o} vs ${base} %`])];
}

const SCENARIO_COLUMNS: Array<Column<ScenarioSheetRow>> = [
  { header: 'Scenario', value: (r) => r.name },
  { header: 'Status', value: (r) => r.status },
  { header: 'Attempts', value: (r) => r.attempts },
  { header: 'Reused', value: (r) => (r.reused ? 'yes' : 'no') },
  { header: 'Seconds', value: (r) => r.seconds, numFmt: '0.0' },
  { header: 'Seed', value: (r) => r.seed },
  { header: 'Years', value: (r) => `${r.startYear}-${r.endYear}` },
  { header: 'Started', value: (r) => r.startedAt },
  { header: 'Finished', value: (r) => r.finishedAt },
  { header: 'Config', value: (r) => r.config },
  { header: 'Job', value: (r) => r.job },
  { header: 'Database', value: (r) => r.database },
  { header: 'Error', value: (r) => r.error ?? null },
];

/**
 * Compliance: per year, test and group, each scenario's result (pass / FAIL) and margin, in the test's
 * unit (a fraction of pay; 415c dollars), positive when passing by that much.
 */
function addComplianceSheet(workbook: ExcelJS.Workbook, comparison: ScenarioComparison): void {
  const names = comparison.scenarios.map((s) => s.name);
  const columns: Array<Column<ComparedComplianceTest>> = [
    { header: 'Year', value: (r) => r.year },
    { header: 'Test', value: (r) => r.test_name },
    { header: 'Group', value: (r) => r.group_name },
    ...names.flatMap((n): Array<Column<ComparedComplianceTest>> => [
      { header: `${n} result`, value: (r) => (r.scenarios[n] ? (r.scenarios[n].passed ? 'pass' : 'FAIL') : null) },
      { header: `${n} margin`, value: (r) => r.scenarios[n]?.margin ?? null },
    ]),
  ];
  addSheet(workbook, 'Compliance', columns, comparison.compliance);
}

/**
 * Comparison (rows = metric × year and all years, columns = scenarios and their differences from the
 * baseline), Charts, Compliance (each test's pass/fail and margin per scenario), Scenarios (every scenario's run) and Notes (the baseline, the discount rate and
 * each metric's definition). Without a comparison (no scenario completed), Scenarios alone. `stamp`
 * dates the file (the batch's start): the same figures, runs and stamp give the same bytes.
 */
export async function writeComparisonWorkbook(
  path: string,
  comparison: ScenarioComparison | null,
  scenarios: readonly ScenarioSheetRow[],
  stamp: Date,
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';
  if (comparison !== null) {
    addComparisonSheet(workbook, comparison);
    addChartsSheet(workbook, comparison);
  }
  if (comparison !== null && comparison.compliance.length > 0) addComplianceSheet(workbook, comparison);
  addSheet(workbook, 'Scenarios', SCENARIO_COLUMNS, scenarios);
  if (comparison !== null) addNotesSheet(workbook, comparison);
  await writeWorkbook(workbook, path, stamp);
}

function addComparisonSheet(workbook: ExcelJS.Workbook, comparison: ScenarioComparison): void {
  const sheet = workbook.addWorksheet('Comparison', { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  const headers = comparisonHeaders(comparison);
  const names = comparison.scenarios.map((s) => s.name);
  const others = names.filter((n) => n !== comparison.baseline);
  sheet.addRow(headers);
  styleHeader(sheet.getRow(1));

  const addFigure = (metric: ComparedMetric, year: number | string, f: ComparedFigure, band: boolean): void => {
    const row = sheet.addRow([
      metric.label,
      year,
      ...names.map((n) => f.values[n] ?? null),
      ...others.flatMap((o) => [deltaCell(metric.unit, f.delta[o] ?? null), f.delta_pct[o] ?? null]),
    ]);
    names.forEach((_, i) => (row.getCell(3 + i).numFmt = FORMAT[metric.unit].value));
    others.forEach((_, i) => {
      row.getCell(3 + names.length + 2 * i).numFmt = FORMAT[metric.unit].delta;
      row.getCell(4 + names.length + 2 * i).numFmt = DELTA_PCT;
    });
    if (year === ALL_YEARS) row.font = { bold: true };
    if (band) row.eachCell({ includeEmpty: true }, (cell) => (cell.fill = BAND_FILL));
  };
  COMPARED_METRICS.forEach((metric, i) => {
    const band = i % 2 === 1;
    if (metric.id !== 'present_value_employer_cost') {
      for (const y of comparison.by_year) addFigure(metric, y.year, y.metrics[metric.id], band);
    }
    // A headcount does not add up over years; everything else has an all-years figure.
    if (metric.id !== 'active_headcount' && comparison.total.years.length > 0) {
      addFigure(metric, ALL_YEARS, comparison.total.metrics[metric.id], band);
    }
  });

  sheet.getColumn(1).width = Math.max(...COMPARED_METRICS.map((m) => m.label.length)) + 2;
  sheet.getColumn(2).width = ALL_YEARS.length + 2;
  for (let c = 3; c <= headers.length; c++) sheet.getColumn(c).width = Math.min(Math.max((headers[c - 1] as string).length + 2, 16), 40);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
}

/** Chart images are drawn at twice their size in the sheet, so they stay sharp when zoomed. */
const CHART_WIDTH = 800;
const CHART_HEIGHT = 450;
const ROWS_PER_CHART = 25;

function addChartsSheet(workbook: ExcelJS.Workbook, comparison: ScenarioComparison): void {
  const sheet = workbook.addWorksheet('Charts');
  comparisonCharts(comparison).forEach(({ spec }, i) => {
    const png = renderPng({ ...spec, width: CHART_WIDTH, height: CHART_HEIGHT }, { scale: 2 });
    // As base64: exceljs types its `buffer` as an ArrayBuffer, which a Node Buffer is not.
    const image = workbook.addImage({ base64: png.toString('base64'), extension: 'png' });
    sheet.addImage(image, { tl: { col: 0.2, row: i * ROWS_PER_CHART + 0.5 }, ext: { width: CHART_WIDTH, height: CHART_HEIGHT } });
  });
}

function addNotesSheet(workbook: ExcelJS.Workbook, comparison: ScenarioComparison): void {
  const sheet = workbook.addWorksheet('Notes');
  const facts: Array<[string, string | number]> = [
    ['Baseline', comparison.baseline],
    ['Differences', `each scenario − ${comparison.baseline}, rates in percentage points (pt); relative (vs %): ÷ |${comparison.baseline}|`],
    ['Discount rate', comparison.discount_rate],
    ['Present value at', comparison.valuation_date ?? 'no year in every scenario'],
    ['All years', comparison.total.years.length === 0 ? 'no year in every scenario' : comparison.total.years.join(', ')],
    ...comparison.notes.map((n): [string, string] => ['Note', n]),
  ];
  for (const [what, value] of facts) {
    const row = sheet.addRow([what, value]);
    row.getCell(1).font = { bold: true };
    if (what === 'Discount rate') row.getCell(2).numFmt = '0.00%';
    row.getCell(2).alignment = { horizontal: 'left' };
  }
  sheet.addRow([]);
  const header = sheet.addRow(['Metric', 'Id', 'Unit', 'Definition', 'All years']);
  styleHeader(header);
  for (const m of COMPARED_METRICS) {
    const unit = m.unit === 'usd' ? 'dollars' : m.unit === 'fraction' ? '% (a fraction)' : 'count';
    sheet.addRow([m.label, m.id, unit, m.description, m.total]).alignment = { wrapText: true, vertical: 'top' };
  }
  [32, 32, 16, 70, 50].forEach((w, i) => (sheet.getColumn(i + 1).width = w));
}

function styleHeader(header: ExcelJS.Row): void {
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.eachCell((cell) => (cell.fill = HEADER_FILL));
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.height = 30;
}

function addSheet<T>(workbook: ExcelJS.Workbook, name: string, columns: Array<Column<T>>, rows: readonly T[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(columns.map((c) => c.header));
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row)));
  styleHeader(sheet.getRow(1));
  columns.forEach((column, i) => {
    const sheetColumn = sheet.getColumn(i + 1);
    if (column.numFmt !== undefined) sheetColumn.numFmt = column.numFmt;
    const longest = Math.max(column.header.length, ...rows.map((row) => String(column.value(row) ?? '').length));
    sheetColumn.width = Math.min(Math.max(longest + 2, 8), 60);
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}
