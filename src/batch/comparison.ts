/**
 * The cross-scenario comparison: per scenario and year, headline figures read with SQL from each
 * scenario's database (attached read-only), and the workbook that lays them side by side.
 */
import ExcelJS from 'exceljs';
import { Database } from '../db/database.js';

/** One scenario × year. Rates are fractions (0.05 = 5 %); money in dollars. */
export interface ComparisonRow {
  scenario: string;
  year: number;
  /** Actives at the start of the year: everyone in the year's snapshot who was not hired in it. */
  startingHeadcount: number;
  activeHeadcount: number;
  hires: number;
  terminations: number;
  /** (active − starting) / starting. */
  growthRate: number;
  /** Σ prorated pay of everyone employed during the year. */
  totalCompensation: number;
  /** Participating actives / actives. */
  participationRate: number;
  /** Mean year-end deferral rate of participating actives. */
  averageDeferralRate: number;
  employeeContributions: number;
  employerMatch: number;
  employerCore: number;
  employerCost: number;
}

/** What the comparison reads, from `fct_workforce_snapshot` and `fct_yearly_events` of schema `alias`. */
export function comparisonSql(alias: string): string {
  return `
    WITH snap AS (
      SELECT simulation_year AS year,
             count(*) AS employed,
             count(*) FILTER (WHERE employment_status = 'active') AS active,
             count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating') AS participants,
             avg(current_deferral_rate) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating') AS avg_deferral,
             sum(prorated_annual_compensation) AS total_comp,
             sum(ytd_contributions) AS employee_contrib,
             sum(employer_match_amount) AS match,
             sum(employer_core_amount) AS core
      FROM ${alias}.fct_workforce_snapshot
      GROUP BY 1
    ),
    ev AS (
      SELECT simulation_year AS year,
             count(*) FILTER (WHERE event_type = 'hire') AS hires,
             count(*) FILTER (WHERE event_type = 'termination') AS terminations
      FROM ${alias}.fct_yearly_events
      GROUP BY 1
    )
    SELECT snap.year::INTEGER AS year,
           (snap.employed - coalesce(ev.hires, 0))::INTEGER AS starting,
           snap.active::INTEGER AS active,
           coalesce(ev.hires, 0)::INTEGER AS hires,
           coalesce(ev.terminations, 0)::INTEGER AS terminations,
           coalesce(snap.total_comp, 0)::DOUBLE AS total_comp,
           coalesce(snap.participants / nullif(snap.active, 0), 0)::DOUBLE AS participation,
           coalesce(snap.avg_deferral, 0)::DOUBLE AS avg_deferral,
           coalesce(snap.employee_contrib, 0)::DOUBLE AS employee_contrib,
           coalesce(snap.match, 0)::DOUBLE AS match,
           coalesce(snap.core, 0)::DOUBLE AS core
    FROM snap LEFT JOIN ev USING (year)
    ORDER BY year`;
}

interface SqlRow extends Record<string, unknown> {
  year: number;
  starting: number;
  active: number;
  hires: number;
  terminations: number;
  total_comp: number;
  participation: number;
  avg_deferral: number;
  employee_contrib: number;
  match: number;
  core: number;
}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Reads every scenario's figures. Each database is attached read-only to one in-memory database, so
 * nothing can write to a scenario's file. A database that cannot be read is reported, not fatal.
 */
export async function readComparison(
  scenarios: ReadonlyArray<{ name: string; database: string }>,
): Promise<{ rows: ComparisonRow[]; errors: Array<{ scenario: string; error: string }> }> {
  const rows: ComparisonRow[] = [];
  const errors: Array<{ scenario: string; error: string }> = [];
  if (scenarios.length === 0) return { rows, errors };
  const db = await Database.open(':memory:', { threads: 1 });
  try {
    for (const scenario of scenarios) {
      const alias = 'scenario_db';
      try {
        await db.run(`ATTACH ${sqlString(scenario.database)} AS ${alias} (READ_ONLY)`);
      } catch (error) {
        errors.push({ scenario: scenario.name, error: (error as Error).message });
        continue;
      }
      try {
        const found = await db.all<SqlRow>(comparisonSql(alias));
        rows.push(...found.map((r) => toRow(scenario.name, r)));
      } catch (error) {
        errors.push({ scenario: scenario.name, error: (error as Error).message });
      } finally {
        await db.run(`DETACH ${alias}`);
      }
    }
  } finally {
    db.close();
  }
  return { rows, errors };
}

function toRow(scenario: string, r: SqlRow): ComparisonRow {
  const starting = Number(r.starting);
  const active = Number(r.active);
  const match = Number(r.match);
  const core = Number(r.core);
  return {
    scenario,
    year: Number(r.year),
    startingHeadcount: starting,
    activeHeadcount: active,
    hires: Number(r.hires),
    terminations: Number(r.terminations),
    growthRate: starting === 0 ? 0 : (active - starting) / starting,
    totalCompensation: Number(r.total_comp),
    participationRate: Number(r.participation),
    averageDeferralRate: Number(r.avg_deferral),
    employeeContributions: Number(r.employee_contrib),
    employerMatch: match,
    employerCore: core,
    employerCost: match + core,
  };
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
  { header: 'Starting headcount', value: (r) => r.startingHeadcount, numFmt: COUNT },
  { header: 'Active headcount', value: (r) => r.activeHeadcount, numFmt: COUNT },
  { header: 'Hires', value: (r) => r.hires, numFmt: COUNT },
  { header: 'Terminations', value: (r) => r.terminations, numFmt: COUNT },
  { header: 'Growth %', value: (r) => r.growthRate, numFmt: PCT2 },
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
