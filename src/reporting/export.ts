import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Database } from '../db/database.js';
import { DatabaseStateError, UsageError } from '../errors.js';
import { writeAtomically, writeTextAtomically } from './atomic.js';
import { collectReport } from './collect.js';
import { COMPLIANCE_COLUMNS } from './compliance.js';
import { unitOfDatabaseColumn, YEARLY_AGGREGATE_COLUMNS, type ColumnDoc } from './columns.js';
import { REPORT_FILES, writeReports, type ReportFormat } from './file-reporter.js';
import { formatYears } from './inputs.js';
import { ensureOutDir, outputPath } from './paths.js';
import { columnsCsv } from './render/csv.js';
import { openSimulationDatabase, requireSimulatedYears } from './source.js';

export const EXPORT_FORMATS = ['csv', 'parquet', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * The employee-level tables exported as files, with the order that makes every export identical for
 * identical data. Constants: no table name ever comes from the caller.
 */
export const EXPORT_TABLES = [
  { table: 'fct_yearly_events', orderBy: 'simulation_year, employee_id, event_sequence, event_type, event_id' },
  { table: 'fct_workforce_snapshot', orderBy: 'simulation_year, employee_id' },
  { table: 'fct_employer_match_events', orderBy: 'simulation_year, employee_id, event_id' },
  { table: 'int_employee_contributions', orderBy: 'simulation_year, employee_id' },
] as const;

/** DuckDB COPY options per file format (constants). */
const COPY_OPTIONS: Record<Exclude<ExportFormat, 'xlsx'>, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

/** The most rows a spreadsheet sheet holds (Excel, LibreOffice): the header row included. */
export const SPREADSHEET_MAX_ROWS = 1_048_576;

export interface ExportedFile {
  path: string;
  /** The table it holds (employee-level exports); absent for report files and the column notes. */
  table?: string;
  /** The year it holds (--per-year). */
  year?: number;
  /** Rows written (employee-level exports). */
  rows?: number;
}

export interface ExportResult {
  database: string;
  format: ExportFormat;
  outDir: string;
  runId: string;
  years: number[];
  files: ExportedFile[];
  /** CSV files too long for a spreadsheet, with what to do. */
  warnings: string[];
}

export interface ExportOptions {
  database: string;
  format: ExportFormat;
  outDir: string;
  /** Only these years (inclusive); every one must be simulated. Default: every simulated year. */
  years?: { from: number; to: number };
  /** One file per employee-level table and year: `<table>_<year>.<csv|parquet>`. */
  perYear?: boolean;
  /** The report's generated-at stamp (default now). */
  generatedAt?: Date;
  /** The row limit the CSV warning is about (default SPREADSHEET_MAX_ROWS; tests lower it). */
  spreadsheetMaxRows?: number;
}

/** The notes written beside every export: the unit convention and each column's unit and meaning. */
export const EXPORT_NOTES = ['README.txt', 'columns.csv'] as const;

/**
 * Exports a simulated database into `outDir` (created when missing):
 *   csv | parquet → each employee-level table of EXPORT_TABLES as `<table>.<csv|parquet>` (with
 *                   `perYear`, `<table>_<year>.<csv|parquet>`), plus the report files
 *                   `yearly_aggregates.csv`, `compliance_tests.csv`, `summary.json` and `year_audits.json`;
 *   xlsx          → only the report workbook `planalign_report.xlsx` (aggregates, never employees);
 * and README.txt and columns.csv beside them. Every file holds the years of `years` only, lands
 * inside `outDir`, and is written under a temporary name and renamed when complete (an export that
 * fails leaves no half-written file); paths and years are bound into COPY, never spliced into SQL.
 */
export async function exportDatabase(options: ExportOptions): Promise<ExportResult> {
  const { format } = options;
  if (!isExportFormat(format)) {
    throw new UsageError(`Unknown export format "${String(format)}": expected ${EXPORT_FORMATS.join(', ')}`);
  }
  if (options.perYear && format === 'xlsx') {
    throw new UsageError('--per-year applies to the employee-level tables of a csv or parquet export, not to the xlsx report workbook');
  }
  const db = await openSimulationDatabase(options.database);
  try {
    const years = selectYears(await requireSimulatedYears(db, options.database), options.years, options.database);
    const outDir = ensureOutDir(options.outDir);
    refuseEarlierExportFiles(outDir, exportFileNames(format, options.perYear ? years : undefined));
    const files: ExportedFile[] = [];
    const columns: Array<{ file: string; columns: readonly ColumnDoc[] }> = [];
    if (format !== 'xlsx') {
      for (const { table, orderBy } of EXPORT_TABLES) {
        const tableColumns = await databaseColumns(db, table);
        const slices = options.perYear ? years.map((year) => ({ from: year, to: year, year })) : [{ from: years[0] as number, to: years.at(-1) as number }];
        for (const slice of slices) {
          const file = await copyTable(db, table, orderBy, format, outDir, slice);
          files.push(file);
          columns.push({ file: basename(file.path), columns: tableColumns });
        }
      }
    }
    const report = await collectReport(db, { generatedAt: options.generatedAt, years });
    const reportFormats: ReportFormat[] = format === 'xlsx' ? ['xlsx'] : ['csv', 'json'];
    for (const path of await writeReports(outDir, reportFormats, report)) files.push({ path });
    columns.push(
      format === 'xlsx'
        ? { file: `${REPORT_FILES.xlsx[0]} (Workforce by year)`, columns: YEARLY_AGGREGATE_COLUMNS }
        : { file: REPORT_FILES.csv[0], columns: YEARLY_AGGREGATE_COLUMNS },
      format === 'xlsx'
        ? { file: `${REPORT_FILES.xlsx[0]} (Compliance)`, columns: COMPLIANCE_COLUMNS }
        : { file: REPORT_FILES.csv[1], columns: COMPLIANCE_COLUMNS },
    );
    const [readme, columnsFile] = EXPORT_NOTES;
    const readmePath = outputPath(outDir, readme);
    await writeTextAtomically(readmePath, exportReadme(options.database, report.summary.runId, years, files, outDir));
    const columnsPath = outputPath(outDir, columnsFile);
    await writeTextAtomically(columnsPath, columnsCsv(columns));
    files.push({ path: readmePath }, { path: columnsPath });
    const maxRows = options.spreadsheetMaxRows ?? SPREADSHEET_MAX_ROWS;
    const warnings = format === 'csv' ? tooLongWarnings(files, maxRows, options.perYear === true) : [];
    return { database: options.database, format, outDir, runId: report.summary.runId, years, files, warnings };
  } finally {
    db.close();
  }
}

/** The simulated years within `wanted`, refusing a wanted year the database does not hold. */
function selectYears(simulated: number[], wanted: { from: number; to: number } | undefined, database: string): number[] {
  if (wanted === undefined) return simulated;
  const missing: number[] = [];
  for (let year = wanted.from; year <= wanted.to; year += 1) if (!simulated.includes(year)) missing.push(year);
  if (missing.length > 0) {
    throw new UsageError(
      `Database ${database} holds no simulated year ${formatYears(missing)}: it holds ${formatYears(simulated)}`,
      { file: database },
      `Pass --years within ${formatYears(simulated)}.`,
    );
  }
  return simulated.filter((year) => year >= wanted.from && year <= wanted.to);
}

async function copyTable(
  db: Database,
  table: string,
  orderBy: string,
  format: Exclude<ExportFormat, 'xlsx'>,
  outDir: string,
  slice: { from: number; to: number; year?: number },
): Promise<ExportedFile> {
  const path = outputPath(outDir, slice.year === undefined ? `${table}.${format}` : `${table}_${slice.year}.${format}`);
  const where = 'WHERE simulation_year BETWEEN $from AND $to';
  await writeAtomically(path, (temp) =>
    db.run(`COPY (SELECT * FROM ${table} ${where} ORDER BY ${orderBy}) TO $path (${COPY_OPTIONS[format]})`, {
      path: temp,
      from: slice.from,
      to: slice.to,
    }),
  );
  const count = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table} ${where}`, { from: slice.from, to: slice.to });
  return { path, table, rows: count?.n ?? 0, ...(slice.year === undefined ? {} : { year: slice.year }) };
}

/** The columns of an exported table with their unit, from the database's types. */
async function databaseColumns(db: Database, table: string): Promise<ColumnDoc[]> {
  if (!(await db.tableExists(table))) {
    throw new DatabaseStateError(`Database ${db.path} has no table ${table} to export`, { file: db.path });
  }
  const rows = await db.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => ({ name: r.name, unit: unitOfDatabaseColumn(r.name, r.type), description: `DuckDB type ${r.type}` }));
}

function tooLongWarnings(files: readonly ExportedFile[], maxRows: number, perYear: boolean): string[] {
  return files
    .filter((f) => f.rows !== undefined && f.rows + 1 > maxRows)
    .map(
      (f) =>
        `${basename(f.path)} has ${(f.rows as number).toLocaleString('en-US')} rows: more than a spreadsheet opens ` +
        `(${maxRows.toLocaleString('en-US')} rows with the header); ` +
        (perYear ? 'export fewer years with --years, or read it with DuckDB or pandas' : 'export one file per year with --per-year, or fewer years with --years'),
    );
}

const README_TITLE = 'PlanAlign export of run';
const FILES_HEADING = 'Files:';

function exportReadme(database: string, runId: string, years: readonly number[], files: readonly ExportedFile[], outDir: string): string {
  return [
    `${README_TITLE} ${runId}, years ${formatYears(years)}, from ${database}.`,
    '',
    'Units, in every file:',
    '  counts        whole numbers',
    '  money         US dollars, rounded to the cent (at most 2 decimals)',
    '  rates         fractions: 0.062 = 6.2 % (participation, deferral, growth, termination rates)',
    '  dates         ISO, YYYY-MM-DD',
    'Column names are snake_case; the headline metrics carry the same ids in every file and command',
    '(active_headcount, total_compensation, participation_rate, avg_deferral_rate, employee_contributions,',
    'employer_match_cost, employer_core_cost, total_employer_plan_cost, net_employer_plan_cost).',
    'columns.csv lists every column of every file with its unit and meaning.',
    '',
    FILES_HEADING,
    ...files.map((f) => `  ${relative(outDir, f.path)}${f.rows === undefined ? '' : `  (${f.rows.toLocaleString('en-US')} rows)`}`),
    `  ${EXPORT_NOTES.join(', ')}`,
    '',
  ].join('\n');
}

/**
 * The file names an export of `format` writes: `<table>.<format>` for each table, or with `perYearOf`
 * (the years of a --per-year export) `<table>_<year>.<format>`; then the report files and the notes.
 */
export function exportFileNames(format: ExportFormat, perYearOf?: readonly number[]): string[] {
  if (format === 'xlsx') return [...REPORT_FILES.xlsx, ...EXPORT_NOTES];
  const tables = EXPORT_TABLES.flatMap(({ table }) =>
    perYearOf === undefined ? [`${table}.${format}`] : perYearOf.map((year) => `${table}_${year}.${format}`),
  );
  return [...tables, ...REPORT_FILES.csv, ...REPORT_FILES.json, ...EXPORT_NOTES];
}

/**
 * Refuses an export into a folder that holds files an earlier export wrote (as its README.txt lists
 * them) and this one would not: left there, they would sit beside this export's files — another
 * format, other years, whole-run files beside per-year ones — while the new README.txt and columns.csv
 * list only the new files. Nothing is deleted: only the earlier export's own listing is read, and the
 * user chooses what goes.
 */
function refuseEarlierExportFiles(outDir: string, writes: readonly string[]): void {
  const stale = earlierExportFiles(outDir).filter(
    (name) => basename(name) === name && !writes.includes(name) && existsSync(join(outDir, name)),
  );
  if (stale.length === 0) return;
  throw new UsageError(
    `${outDir} holds ${stale.length} file(s) of an earlier export that this export would not write: ${stale.join(', ')}`,
    { file: outDir },
    'Export into a new --out folder, or delete those files first (this export\'s README.txt and columns.csv would list only its own files).',
  );
}

/** The files an earlier export into `outDir` wrote, from the "Files:" list of its README.txt; [] without one. */
function earlierExportFiles(outDir: string): string[] {
  const readme = join(outDir, EXPORT_NOTES[0]);
  if (!existsSync(readme)) return [];
  const lines = readFileSync(readme, 'utf8').split('\n');
  const start = lines.indexOf(FILES_HEADING);
  if (!(lines[0] ?? '').startsWith(README_TITLE) || start < 0) return [];
  const files: string[] = [];
  for (const line of lines.slice(start + 1)) {
    // Each entry: "  <name>  (<rows> rows)", the notes as "  README.txt, columns.csv"; a blank line ends the list.
    if (!line.startsWith('  ')) break;
    files.push(...(line.trim().split(/\s{2,}/)[0] ?? '').split(', '));
  }
  return files;
}
