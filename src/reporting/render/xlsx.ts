import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Analysis } from '../analysis.js';
import type { ReportData } from '../collect.js';
import { COMPLIANCE_COLUMNS, type ComplianceResult } from '../compliance.js';
import { pctToFraction } from '../../config/units.js';
import { formatYears } from '../inputs.js';
import {
  EVENTS_ANALYSIS_COLUMNS,
  fileValue,
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
 * Validation, Compliance, Metadata) and the `analyze` exports. Never employee-level rows: every sheet
 * has at most one row per year (and rule, event type, or compliance test and group), or per metadata key.
 */

export const REPORT_SHEETS = ['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Compliance', 'Metadata'] as const;

export const FMT = {
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
export function addSheet(
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

export const UNIT_FORMATS: Partial<Record<ColumnUnit, Fmt>> = { count: FMT.int, usd: FMT.money, fraction: FMT.rate };

/** A sheet column of a file column: its snake_case name as header, its unit's number format. */
function columnOf(column: ColumnDoc): Column {
  const numFmt = UNIT_FORMATS[column.unit];
  return numFmt === undefined ? { header: column.name } : { header: column.name, numFmt };
}

/** The 'Compliance' sheet: one row per year, test and group (COMPLIANCE_COLUMNS). */
export function addComplianceSheet(workbook: ExcelJS.Workbook, results: readonly ComplianceResult[], name = 'Compliance'): void {
  addSheet(
    workbook,
    name,
    COMPLIANCE_COLUMNS.map(columnOf),
    results.map((r) => COMPLIANCE_COLUMNS.map((c) => c.value(r))),
  );
}

export function buildReportWorkbook(report: ReportData): ExcelJS.Workbook {
  const { summary, audits, metadata } = report;
  const years = summary.workforceProgression;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';

  const g = summary.growthAnalysis;
  const total = (id: HeadlineMetricId): number => cents(sum(years.map((y) => yearSummaryMetric(y, id))));
  // Totals over the years: the money metrics are flows, summed; headcount and rates are not summed.
  const totals = (
    ['total_compensation', 'employee_contributions', 'employer_match_cost', 'employer_core_cost', 'total_employer_plan_cost', 'net_employer_plan_cost'] as const
  ).map(
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

  addComplianceSheet(workbook, audits.flatMap((a) => a.compliance));

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

/** The report workbook, stamped with the report's generated-at time: the same data and stamp give the same bytes. */
export async function writeReportWorkbook(path: string, report: ReportData): Promise<void> {
  await writeWorkbook(buildReportWorkbook(report), path, new Date(report.summary.generatedAt));
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
  } else if (analysis.target === 'compliance') {
    addComplianceSheet(workbook, analysis.rows);
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

/** The analysis workbook, stamped with `stamp` (the analysed run's end): the same database gives the same bytes. */
export async function writeAnalysisWorkbook(path: string, analysis: Analysis, stamp: Date): Promise<void> {
  await writeWorkbook(buildAnalysisWorkbook(analysis), path, stamp);
}

/**
 * Writes a workbook whose bytes depend on its content and `stamp` alone. exceljs would stamp the time
 * of writing twice over: in the document's created/modified dates and in every zip entry's time; both
 * become `stamp`, which callers take from the data (a run's end, a report's generated-at, a batch's
 * start), so identical inputs give byte-identical files.
 */
export async function writeWorkbook(workbook: ExcelJS.Workbook, path: string, stamp: Date): Promise<void> {
  await writeFile(path, await workbookBytes(workbook, stamp));
}

/** The workbook's bytes, every time in them set to `stamp` (see writeWorkbook). */
export async function workbookBytes(workbook: ExcelJS.Workbook, stamp: Date): Promise<Buffer> {
  workbook.created = stamp;
  workbook.modified = stamp;
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  stampZipEntries(bytes, stamp);
  return bytes;
}

const ZIP_END = 0x06054b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_LOCAL = 0x04034b50;

/**
 * Sets the modification time of every entry of a zip, in its local and its central header, to `stamp`
 * (MS-DOS format: UTC as jszip writes it, 2-second steps, years 1980–2107). The times are outside the
 * checksummed data, so the archive stays valid.
 */
function stampZipEntries(zip: Buffer, stamp: Date): void {
  const t = new Date(Math.min(Math.max(stamp.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2107, 11, 31, 23, 59, 58)));
  const time = (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | Math.floor(t.getUTCSeconds() / 2);
  const date = ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate();
  // jszip writes no archive comment: the end-of-central-directory record is the last 22 bytes.
  const end = zip.length - 22;
  if (end < 0 || zip.readUInt32LE(end) !== ZIP_END) throw new Error('Unexpected workbook archive: no end-of-central-directory record');
  let at = zip.readUInt32LE(end + 16);
  for (let entry = zip.readUInt16LE(end + 10); entry > 0; entry -= 1) {
    if (zip.readUInt32LE(at) !== ZIP_CENTRAL) throw new Error('Unexpected workbook archive: bad central directory');
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== ZIP_LOCAL) throw new Error('Unexpected workbook archive: bad local header');
    zip.writeUInt16LE(time, at + 12);
    zip.writeUInt16LE(date, at + 14);
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(date, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
}
