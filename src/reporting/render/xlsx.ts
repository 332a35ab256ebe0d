import ExcelJS from 'exceljs';
import type { Analysis } from '../analysis.js';
import type { ReportData } from '../collect.js';
import { formatYears } from '../inputs.js';
import {
  EVENTS_ANALYSIS_COLUMNS,
  fileValue,
  pctToFraction,
  WORKFORCE_ANALYSIS_COLUMNS,
  YEARLY_AGGREGATE_COLUMNS,
  type ColumnDoc,
  type ColumnUnit,
} from '../columns.js';
import { cents, metricDefinition, type HeadlineMetricId } from '../metrics.js';
import type { YearAudit } from '../types.js';
import { yearSummaryMetric } from '../year-summary.js';

/**
 * Excel workbooks of aggregates: the run report (Summary, Events summary, Workforce by year,
 * Validation, Metadata) and the `analyze` exports. Never employee-level rows: every sheet has at most
 * one row per year (and rule, or event type), or per metadata key.
 */

export const REPORT_SHEETS = ['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Metadata'] as const;

const FMT = {
  int: '#,##0',
  money: '#,##0.00',
  /** Fractions (rates, growth) shown as percentages; the cell holds the fraction. */
  rate: '0.00%',
} as const;

type Fmt = (typeof FMT)[keyof typeof FMT];
type CellValue = string | number | boolean | null;

interface Column {
  header: string;
  numFmt?: Fmt;
}

interface Cell {
  value: CellValue;
  numFmt?: Fmt;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };
const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

/** Adds a sheet: a styled, frozen header row, then the rows; column widths fit the content. */
function addSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly Column[],
  rows: readonly (readonly (CellValue | Cell)[])[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  const header = sheet.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.font = HEADER_FONT;
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF000000' } } };
  });
  const widths = columns.map((c) => c.header.length);
  for (const values of rows) {
    const row = sheet.addRow(values.map((v) => (isCell(v) ? v.value : v)));
    values.forEach((v, i) => {
      const numFmt = isCell(v) ? v.numFmt : columns[i]?.numFmt;
      const cell = row.getCell(i + 1);
      if (numFmt !== undefined && typeof cell.value === 'number') cell.numFmt = numFmt;
      widths[i] = Math.max(widths[i] ?? 0, displayLength(isCell(v) ? v.value : v, numFmt));
    });
  }
  widths.forEach((w, i) => {
    sheet.getColumn(i + 1).width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w + 2));
  });
  return sheet;
}

function isCell(value: CellValue | Cell): value is Cell {
  return value !== null && typeof value === 'object';
}

/** Roughly the characters Excel shows for a value under its format (thousands separators, decimals). */
function displayLength(value: CellValue, numFmt: Fmt | undefined): number {
  if (value === null) return 0;
  if (typeof value !== 'number') return String(value).length;
  const whole = Math.trunc(Math.abs(value * (numFmt === FMT.rate ? 100 : 1))).toString().length;
  const separators = numFmt === FMT.int || numFmt === FMT.money ? Math.floor((whole - 1) / 3) : 0;
  const decimals = numFmt === FMT.int ? 0 : numFmt === undefined ? String(value).length - whole : 3;
  return whole + separators + decimals + (value < 0 ? 1 : 0) + (numFmt === FMT.rate ? 1 : 0);
}

/** The event types of the audits, sorted. */
function eventTypes(audits: readonly YearAudit[]): string[] {
  return [...new Set(audits.flatMap((a) => a.eventsByType.map((e) => e.eventType)))].sort();
}

function statusCodes(audits: readonly YearAudit[]): string[] {
  return [...new Set(audits.flatMap((a) => a.workforceByStatus.map((s) => s.status)))].sort();
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const UNIT_FORMATS: Partial<Record<ColumnUnit, Fmt>> = { count: FMT.int, usd: FMT.money, fraction: FMT.rate };

/** A sheet column of a file column: its snake_case name as header, its unit's number format. */
function columnOf(column: ColumnDoc): Column {
  const numFmt = UNIT_FORMATS[column.unit];
  return numFmt === undefined ? { header: column.name } : { header: column.name, numFmt };
}

export function buildReportWorkbook(report: ReportData): ExcelJS.Workbook {
  const { summary, audits, metadata } = report;
  const years = summary.workforceProgression;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';
  workbook.created = new Date(summary.generatedAt);

  const g = summary.growthAnalysis;
  const total = (id: HeadlineMetricId): number => cents(sum(years.map((y) => yearSummaryMetric(y, id))));
  // Totals over the years: the money metrics are flows, summed; headcount and rates are not summed.
  const totals = (['total_compensation', 'employee_contributions', 'employer_match_cost', 'employer_core_cost', 'total_employer_plan_cost'] as const).map(
    (id) => [id, { value: total(id), numFmt: FMT.money }, `Σ over the years: ${metricDefinition(id).description}`],
  );
  addSheet(workbook, 'Summary', [{ header: 'metric' }, { header: 'value' }, { header: 'description' }], [
    ['run_id', summary.runId, 'The run whose years the database holds'],
    ['first_year', summary.startYear, ''],
    ['last_year', summary.endYear, ''],
    ['years_simulated', summary.endYear - summary.startYear + 1, ''],
    ['starting_actives', { value: g.startingActives, numFmt: FMT.int }, `Start-of-year population of ${summary.startYear}`],
    ['ending_actives', { value: g.endingActives, numFmt: FMT.int }, `Year-end actives of ${summary.endYear}`],
    ['net_change', { value: g.endingActives - g.startingActives, numFmt: FMT.int }, 'ending_actives − starting_actives'],
    ['total_growth_rate', { value: pctToFraction(g.totalGrowthPct), numFmt: FMT.rate }, 'net_change / starting_actives'],
    ['cagr', { value: pctToFraction(g.cagrPct), numFmt: FMT.rate }, 'Compound annual growth rate of the actives'],
    ['hires', { value: sum(years.map((y) => y.hires)), numFmt: FMT.int }, 'Σ over the years'],
    ['experienced_terminations', { value: sum(years.map((y) => y.experiencedTerminations)), numFmt: FMT.int }, 'Σ over the years'],
    ['new_hire_terminations', { value: sum(years.map((y) => y.newHireTerminations)), numFmt: FMT.int }, 'Σ over the years'],
    ['promotions', { value: sum(years.map((y) => y.promotions)), numFmt: FMT.int }, 'Σ over the years'],
    ['raises', { value: sum(years.map((y) => y.raises)), numFmt: FMT.int }, 'Σ over the years'],
    ...totals,
    ...Object.entries(summary.eventTotals).map(([type, n]) => [`events_${type}`, { value: n, numFmt: FMT.int }, 'Σ over the years']),
  ]);

  const types = eventTypes(audits);
  addSheet(
    workbook,
    'Events summary',
    [{ header: 'year' }, ...types.map((t) => ({ header: t, numFmt: FMT.int })), { header: 'all_events', numFmt: FMT.int }],
    audits.map((a) => {
      const counts = types.map((t) => a.eventsByType.find((e) => e.eventType === t)?.count ?? 0);
      return [a.year, ...counts, sum(counts)];
    }),
  );

  // The columns of yearly_aggregates.csv, with the head count by status after active_headcount.
  const statuses = statusCodes(audits);
  const auditOf = new Map(audits.map((a) => [a.year, a]));
  const at = YEARLY_AGGREGATE_COLUMNS.findIndex((c) => c.name === 'active_headcount') + 1;
  const before = YEARLY_AGGREGATE_COLUMNS.slice(0, at);
  const after = YEARLY_AGGREGATE_COLUMNS.slice(at);
  addSheet(
    workbook,
    'Workforce by year',
    [...before.map(columnOf), ...statuses.map((s) => ({ header: s, numFmt: FMT.int })), ...after.map(columnOf)],
    years.map((y) => {
      const byStatus = auditOf.get(y.year)?.workforceByStatus ?? [];
      return [
        ...before.map((c) => fileValue(c, y)),
        ...statuses.map((s) => byStatus.find((b) => b.status === s)?.count ?? 0),
        ...after.map((c) => fileValue(c, y)),
      ];
    }),
  );

  addSheet(
    workbook,
    'Validation',
    [{ header: 'year' }, { header: 'rule' }, { header: 'severity' }, { header: 'violations', numFmt: FMT.int }, { header: 'description' }],
    audits.flatMap((a) => a.validation.map((v) => [a.year, v.rule, v.severity, v.violations, v.description])),
  );

  addSheet(workbook, 'Metadata', [{ header: 'key' }, { header: 'value' }], [
    ['run_id', metadata.runId],
    ['status', metadata.status],
    ['config_path', metadata.configPath],
    ['census_path', metadata.censusPath],
    // The inputs of the years (from their checkpoints): one hash each, or 'mixed' and the years under each.
    ['config_hash', summary.configHash],
    ['census_hash', summary.censusHash],
    ['parameters_hash', summary.parametersHash],
    ...(['config', 'census', 'parameters'] as const).flatMap((input) =>
      summary.inputs[input].length > 1
        ? summary.inputs[input].map((g): [string, string] => [`${input}_hash ${formatYears(g.years)}`, g.hash])
        : [],
    ),
    ['seed', metadata.seed],
    ['scenario_id', metadata.scenarioId],
    ['plan_design_id', metadata.planDesignId],
    ['engine_version', metadata.engineVersion],
    ['rng_version', metadata.rngVersion],
    ['duckdb_version', metadata.duckdbVersion],
    ['start_year', summary.startYear],
    ['end_year', summary.endYear],
    ['run_started_at', metadata.startedAt],
    ['run_finished_at', metadata.finishedAt],
    ['generated_at', summary.generatedAt],
    ...metadata.parameters.map((p) => [p.key, p.value]),
  ]);
  return workbook;
}

export async function writeReportWorkbook(path: string, report: ReportData): Promise<void> {
  await buildReportWorkbook(report).xlsx.writeFile(path);
}

export function buildAnalysisWorkbook(analysis: Analysis): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';
  if (analysis.target === 'workforce') {
    addSheet(
      workbook,
      'Workforce',
      WORKFORCE_ANALYSIS_COLUMNS.map(columnOf),
      analysis.rows.map((r) => WORKFORCE_ANALYSIS_COLUMNS.map((c) => fileValue(c, r))),
    );
  } else {
    addSheet(
      workbook,
      'Events',
      EVENTS_ANALYSIS_COLUMNS.map(columnOf),
      analysis.totals.flatMap((t) => [
        ...analysis.rows.filter((r) => r.year === t.year).map((r) => [r.year, r.event_type, r.events, r.unique_employees]),
        [t.year, 'all_events', t.events, t.unique_employees],
      ]),
    );
  }
  return workbook;
}

export async function writeAnalysisWorkbook(path: string, analysis: Analysis): Promise<void> {
  await buildAnalysisWorkbook(analysis).xlsx.writeFile(path);
}
