import type { Database } from '../db/database.js';
import { DatabaseStateError, UsageError } from '../errors.js';
import { writeAtomically } from './atomic.js';
import { collectReport } from './collect.js';
import { REPORT_FILES, writeReports, type ReportFormat } from './file-reporter.js';
import { ensureOutDir, outputPath } from './paths.js';
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

export interface ExportedFile {
  path: string;
  /** The table it holds (employee-level exports); absent for report files. */
  table?: string;
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
}

export interface ExportOptions {
  database: string;
  format: ExportFormat;
  outDir: string;
  /** The report's generated-at stamp (default now). */
  generatedAt?: Date;
}

/**
 * Exports a simulated database into `outDir` (created when missing):
 *   csv | parquet → each employee-level table of EXPORT_TABLES as `<table>.<csv|parquet>`, plus the
 *                   report files `yearly_aggregates.csv`, `summary.json` and `year_audits.json`;
 *   xlsx          → only the report workbook `planalign_report.xlsx` (aggregates, never employees).
 * Every file lands inside `outDir`, written under a temporary name and renamed when complete (an
 * export that fails leaves no half-written file); paths are bound into COPY, never spliced into SQL.
 */
export async function exportDatabase(options: ExportOptions): Promise<ExportResult> {
  const { format } = options;
  if (!isExportFormat(format)) {
    throw new UsageError(`Unknown export format "${String(format)}": expected ${EXPORT_FORMATS.join(', ')}`);
  }
  const db = await openSimulationDatabase(options.database);
  try {
    const years = await requireSimulatedYears(db, options.database);
    const outDir = ensureOutDir(options.outDir);
    const files: ExportedFile[] = [];
    if (format !== 'xlsx') {
      for (const { table, orderBy } of EXPORT_TABLES) files.push(await copyTable(db, table, orderBy, format, outDir));
    }
    const report = await collectReport(db, { generatedAt: options.generatedAt });
    const reportFormats: ReportFormat[] = format === 'xlsx' ? ['xlsx'] : ['csv', 'json'];
    for (const path of await writeReports(outDir, reportFormats, report)) files.push({ path });
    return { database: options.database, format, outDir, runId: report.summary.runId, years, files };
  } finally {
    db.close();
  }
}

async function copyTable(
  db: Database,
  table: string,
  orderBy: string,
  format: Exclude<ExportFormat, 'xlsx'>,
  outDir: string,
): Promise<ExportedFile> {
  if (!(await db.tableExists(table))) {
    throw new DatabaseStateError(`Database ${db.path} has no table ${table} to export`, { file: db.path });
  }
  const path = outputPath(outDir, `${table}.${format}`);
  await writeAtomically(path, (temp) =>
    db.run(`COPY (SELECT * FROM ${table} ORDER BY ${orderBy}) TO $path (${COPY_OPTIONS[format]})`, { path: temp }),
  );
  const count = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return { path, table, rows: count?.n ?? 0 };
}

/** The file names an export of `format` writes (for help texts and tests). */
export function exportFileNames(format: ExportFormat): string[] {
  if (format === 'xlsx') return [...REPORT_FILES.xlsx];
  return [...EXPORT_TABLES.map((t) => `${t.table}.${format}`), ...REPORT_FILES.csv, ...REPORT_FILES.json];
}
