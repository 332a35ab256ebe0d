/**
 * The cross-scenario comparison: per scenario and year, the headline figures of each scenario's
 * database (opened read-only), and the workbook that lays them side by side.
 */
import ExcelJS from 'exceljs';
import { Database } from '../db/database.js';
import { summarizeYear, type YearSummary } from '../reporting/year-summary.js';

/** One scenario × year: that year's summary (as `planalign simulate` prints it) and the scenario. */
export type ComparisonRow = YearSummary & { scenario: string };

/**
 * Reads every scenario's figures, opening each database read-only, so nothing can write to a
 * scenario's file. A database that cannot be read is reported, not fatal.
 */
export async function readComparison(
  scenarios: ReadonlyArray<{ name: string; database: string }>,
): Promise<{ rows: ComparisonRow[]; errors: Array<{ scenario: string; error: string }> }> {
  const rows: ComparisonRow[] = [];
  const errors: Array<{ scenario: string; error: string }> = [];
  for (const scenario of scenarios) {
    let db: Database;
    try {
      db = await Database.open(scenario.database, { readOnly: true, threads: 1 });
    } catch (error) {
      errors.push({ scenario: scenario.name, error: (error as Error).message });
      continue;
    }
    try {
      // The same per-year figures as `planalign simulate` prints: one definition of each.
      const years = await db.all<{ y: number }>(`SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`);
      for (const { y } of years) rows.push({ scenario: scenario.name, ...(await summarizeYear(db, y)) });
    } catch (error) {
      errors.push({ scenario: scenario.name, error: (error as Error).message });
    } finally {
      db.close();
    }
  }
  return { rows, errors };
}


// ---------------------------------------------------------------------------------------------
// The workbook

export interface ScenarioSheetRow {
  name: string;
  status: string;
  exitCode: number | null;
  seconds: number | null;
  seed: number;
  startYear: number;
  endYear: number;
  startedAt: string | null;
  finishedAt: string | null;
  config: string;
  database: string;
  error?: string | undefined;
}

interface Column<T> {
  header: string;
  value: (row: T) => string | number | null;
  numFmt?: string;
}

const COUNT = '#,##0';
const MONEY = '#,##0';
const PCT1 = '0.0%';
const PCT2 = '0.00%';

const METRIC_COLUMNS: Array<Column<ComparisonRow>> = [
  { header: 'Scenario', value: (r) => r.scenario },
  { header: 'Year', value: (r) => r.year },
  { header: 'Starting headcount', value: (r) => r.startingActives, numFmt: COUNT },
  { header: 'Active headcount', value: (r) => r.activeHeadcount, numFmt: COUNT },
  { header: 'Hires', value: (r) => r.hires, numFmt: COUNT },
  { header: 'Terminations', value: (r) => r.experiencedTerminations + r.newHireTerminations, numFmt: COUNT },
  { header: 'Growth %', value: (r) => r.growthPct / 100, numFmt: PCT2 },
  { header: 'Total compensation', value: (r) => r.totalCompensation, numFmt: MONEY },
  { header: 'Participation rate', value: (r) => r.participationRate, numFmt: PCT1 },
  { header: 'Avg deferral rate', value: (r) => r.averageDeferralRate, numFmt: PCT2 },
  { header: 'Employee contributions', value: (r) => r.employeeContributions, numFmt: MONEY },
  { header: 'Employer match', value: (r) => r.employerMatch, numFmt: MONEY },
  { header: 'Employer core', value: (r) => r.employerCore, numFmt: MONEY },
  { header: 'Employer cost', value: (r) => r.employerCost, numFmt: MONEY },
];

/** The headers of the Comparison and Final year sheets, in column order (tests read cells by them). */
export const COMPARISON_HEADERS: readonly string[] = METRIC_COLUMNS.map((c) => c.header);

type FinalRow = ComparisonRow & { cumulativeEmployerCost: number };

const FINAL_COLUMNS: Array<Column<FinalRow>> = [
  ...(METRIC_COLUMNS as Array<Column<FinalRow>>),
  { header: 'Employer cost, all years', value: (r) => r.cumulativeEmployerCost, numFmt: MONEY },
];

const SCENARIO_COLUMNS: Array<Column<ScenarioSheetRow>> = [
  { header: 'Scenario', value: (r) => r.name },
  { header: 'Status', value: (r) => r.status },
  { header: 'Exit code', value: (r) => r.exitCode },
  { header: 'Seconds', value: (r) => r.seconds, numFmt: '0.0' },
  { header: 'Seed', value: (r) => r.seed },
  { header: 'Years', value: (r) => `${r.startYear}-${r.endYear}` },
  { header: 'Started', value: (r) => r.startedAt },
  { header: 'Finished', value: (r) => r.finishedAt },
  { header: 'Config', value: (r) => r.config },
  { header: 'Database', value: (r) => r.database },
  { header: 'Error', value: (r) => r.error ?? null },
];

/** The last year of each scenario, with its employer cost summed over all years. */
export function finalYearRows(rows: readonly ComparisonRow[]): FinalRow[] {
  const out = new Map<string, FinalRow>();
  for (const row of rows) {
    const previous = out.get(row.scenario);
    const cumulative = (previous?.cumulativeEmployerCost ?? 0) + row.employerCost;
    const latest = previous === undefined || row.year > previous.year ? row : previous;
    out.set(row.scenario, { ...latest, cumulativeEmployerCost: cumulative });
  }
  return [...out.values()];
}

export async function writeComparisonWorkbook(
  path: string,
  rows: readonly ComparisonRow[],
  scenarios: readonly ScenarioSheetRow[],
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'PlanAlign';
  workbook.created = new Date();
  addSheet(workbook, 'Comparison', METRIC_COLUMNS, rows);
  addSheet(workbook, 'Final year', FINAL_COLUMNS, finalYearRows(rows));
  addSheet(workbook, 'Scenarios', SCENARIO_COLUMNS, scenarios);
  await workbook.xlsx.writeFile(path);
}

function addSheet<T>(workbook: ExcelJS.Workbook, name: string, columns: Array<Column<T>>, rows: readonly T[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(columns.map((c) => c.header));
  for (const row of rows) sheet.addRow(columns.map((c) => c.value(row)));

  const header = sheet.getRow(1);
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.border = { bottom: { style: 'thin', color: { argb: 'FF000000' } } };
  header.height = 30;

  columns.forEach((column, i) => {
    const sheetColumn = sheet.getColumn(i + 1);
    if (column.numFmt !== undefined) sheetColumn.numFmt = column.numFmt;
    const longest = Math.max(
      column.header.length,
      ...rows.map((row) => displayLength(column.value(row), column.numFmt)),
    );
    sheetColumn.width = Math.min(Math.max(longest + 2, 8), 60);
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

/** Roughly how wide a value shows in its number format. */
function displayLength(value: string | number | null, numFmt: string | undefined): number {
  if (value === null) return 0;
  if (typeof value === 'string') return value.length;
  if (numFmt?.endsWith('%')) return (value * 100).toFixed(2).length + 1;
  return Math.round(value).toLocaleString('en-US').length + (numFmt === '0.0' ? 2 : 0);
}
