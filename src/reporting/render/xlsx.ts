import ExcelJS from 'exceljs';
import type { Analysis } from '../analysis.js';
import type { ReportData } from '../collect.js';
import { formatYears } from '../inputs.js';
import type { YearAudit } from '../types.js';

/**
 * Excel workbooks of aggregates: the run report (Summary, Events summary, Workforce by year,
 * Validation, Metadata) and the `analyze` exports. Never employee-level rows: every sheet has at most
 * one row per year (and rule, or event type), or per metadata key.
 */

export const REPORT_SHEETS = ['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Metadata'] as const;

const FMT = {
  int: '#,##0',
  money: '#,##0.00',
  /** Values already ×100 (growth %, CAGR %). */
  pct100: '0.00',
  /** Fractions (participation and deferral rates) shown as percentages. */
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
const cents = (x: number): number => Math.round(x * 100) / 100;

export function buildReportWorkbook(report: ReportData): ExcelJS.Workbook {
  const { summary, audits, metadata } = report;
  const years = summary.workforceProgression;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';
  workbook.created = new Date(summary.generatedAt);

  const g = summary.growthAnalysis;
  addSheet(workbook, 'Summary', [{ header: 'Metric' }, { header: 'Value' }], [
    ['Run id', summary.runId],
    ['First year', summary.startYear],
    ['Last year', summary.endYear],
    ['Years simulated', summary.endYear - summary.startYear + 1],
    [`Start-of-year actives ${summary.startYear}`, { value: g.startingActives, numFmt: FMT.int }],
    [`Year-end actives ${summary.endYear}`, { value: g.endingActives, numFmt: FMT.int }],
    ['Net change', { value: g.endingActives - g.startingActives, numFmt: FMT.int }],
    ['Total growth %', { value: g.totalGrowthPct, numFmt: FMT.pct100 }],
    ['CAGR %', { value: g.cagrPct, numFmt: FMT.pct100 }],
    ['Total hires', { value: sum(years.map((y) => y.hires)), numFmt: FMT.int }],
    ['Total experienced terminations', { value: sum(years.map((y) => y.experiencedTerminations)), numFmt: FMT.int }],
    ['Total new-hire terminations', { value: sum(years.map((y) => y.newHireTerminations)), numFmt: FMT.int }],
    ['Total promotions', { value: sum(years.map((y) => y.promotions)), numFmt: FMT.int }],
    ['Total raises', { value: sum(years.map((y) => y.raises)), numFmt: FMT.int }],
    ['Total compensation', { value: cents(sum(years.map((y) => y.totalCompensation))), numFmt: FMT.money }],
    ['Total employee contributions', { value: cents(sum(years.map((y) => y.employeeContributions))), numFmt: FMT.money }],
    ['Total employer match', { value: cents(sum(years.map((y) => y.employerMatch))), numFmt: FMT.money }],
    ['Total employer core', { value: cents(sum(years.map((y) => y.employerCore))), numFmt: FMT.money }],
    ['Total employer cost', { value: summary.employerCost.total, numFmt: FMT.money }],
    ...Object.entries(summary.eventTotals).map(([type, n]) => [`Events: ${type}`, { value: n, numFmt: FMT.int }]),
  ]);

  const types = eventTypes(audits);
  addSheet(
    workbook,
    'Events summary',
    [{ header: 'Year' }, ...types.map((t) => ({ header: t, numFmt: FMT.int })), { header: 'Total', numFmt: FMT.int }],
    audits.map((a) => {
      const counts = types.map((t) => a.eventsByType.find((e) => e.eventType === t)?.count ?? 0);
      return [a.year, ...counts, sum(counts)];
    }),
  );

  const statuses = statusCodes(audits);
  const auditOf = new Map(audits.map((a) => [a.year, a]));
  addSheet(
    workbook,
    'Workforce by year',
    [
      { header: 'Year' },
      { header: 'Starting actives', numFmt: FMT.int },
      { header: 'Active headcount', numFmt: FMT.int },
      ...statuses.map((s) => ({ header: s, numFmt: FMT.int })),
      { header: 'Hires', numFmt: FMT.int },
      { header: 'Experienced terminations', numFmt: FMT.int },
      { header: 'New-hire terminations', numFmt: FMT.int },
      { header: 'Growth %', numFmt: FMT.pct100 },
      { header: 'Promotions', numFmt: FMT.int },
      { header: 'Raises', numFmt: FMT.int },
      { header: 'Total compensation', numFmt: FMT.money },
      { header: 'Average active pay', numFmt: FMT.money },
      { header: 'Participation rate', numFmt: FMT.rate },
      { header: 'Average deferral rate', numFmt: FMT.rate },
      { header: 'Employee contributions', numFmt: FMT.money },
      { header: 'Employer match', numFmt: FMT.money },
      { header: 'Employer core', numFmt: FMT.money },
      { header: 'Employer cost', numFmt: FMT.money },
    ],
    years.map((y) => {
      const byStatus = auditOf.get(y.year)?.workforceByStatus ?? [];
      return [
        y.year,
        y.startingActives,
        y.activeHeadcount,
        ...statuses.map((s) => byStatus.find((b) => b.status === s)?.count ?? 0),
        y.hires,
        y.experiencedTerminations,
        y.newHireTerminations,
        y.growthPct,
        y.promotions,
        y.raises,
        y.totalCompensation,
        y.averageActivePay,
        y.participationRate,
        y.averageDeferralRate,
        y.employeeContributions,
        y.employerMatch,
        y.employerCore,
        y.employerCost,
      ];
    }),
  );

  addSheet(
    workbook,
    'Validation',
    [{ header: 'Year' }, { header: 'Rule' }, { header: 'Severity' }, { header: 'Violations', numFmt: FMT.int }, { header: 'Description' }],
    audits.flatMap((a) => a.validation.map((v) => [a.year, v.rule, v.severity, v.violations, v.description])),
  );

  addSheet(workbook, 'Metadata', [{ header: 'Key' }, { header: 'Value' }], [
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
      [
        { header: 'Year' },
        { header: 'Total rows', numFmt: FMT.int },
        { header: 'Active', numFmt: FMT.int },
        { header: 'Terminated', numFmt: FMT.int },
        { header: 'Participating', numFmt: FMT.int },
        { header: 'Participation rate', numFmt: FMT.rate },
        { header: 'Previous actives', numFmt: FMT.int },
        { header: 'Growth %', numFmt: FMT.pct100 },
        { header: 'Average pay', numFmt: FMT.money },
      ],
      analysis.rows.map((r) => [
        r.year,
        r.totalRows,
        r.active,
        r.terminated,
        r.participating,
        r.participationRate,
        r.previousActives,
        r.growthPct,
        r.averagePay,
      ]),
    );
  } else {
    addSheet(
      workbook,
      'Events',
      [{ header: 'Year' }, { header: 'Event type' }, { header: 'Events', numFmt: FMT.int }, { header: 'Unique employees', numFmt: FMT.int }],
      analysis.totals.flatMap((t) => [
        ...analysis.rows.filter((r) => r.year === t.year).map((r) => [r.year, r.eventType, r.events, r.uniqueEmployees]),
        [t.year, 'all_events', t.events, t.uniqueEmployees],
      ]),
    );
  }
  return workbook;
}

export async function writeAnalysisWorkbook(path: string, analysis: Analysis): Promise<void> {
  await buildAnalysisWorkbook(analysis).xlsx.writeFile(path);
}
