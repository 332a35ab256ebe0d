import { relative } from 'node:path';
import { ExitCode, UsageError } from '../../errors.js';
import { EXPORT_FORMATS, exportDatabase, isExportFormat } from '../../reporting/export.js';

export interface ExportCommandOptions {
  database: string;
  format: string;
  out: string;
}

/** `planalign export`: employee-level tables (csv, parquet) plus report files, or the report workbook (xlsx). */
export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  const format = options.format.trim().toLowerCase();
  if (!isExportFormat(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${options.format}"`);
  }
  const result = await exportDatabase({ database: options.database, format, outDir: options.out });
  const years = result.years;
  const span = years.length === 1 ? String(years[0]) : `${years[0]}-${years[years.length - 1]}`;
  const lines = [`Exported run ${result.runId} (${span}) from ${options.database} to ${result.outDir}:`];
  for (const file of result.files) {
    const name = relative(result.outDir, file.path);
    lines.push(file.table === undefined ? `  ${name}` : `  ${name}  ${file.rows} rows`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Success;
}
