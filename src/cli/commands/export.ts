import { relative } from 'node:path';
import { ExitCode, UsageError } from '../../errors.js';
import { EXPORT_FORMATS, exportDatabase, isExportFormat } from '../../reporting/export.js';
import { formatYears } from '../../reporting/inputs.js';
import { parseYears } from '../options.js';

export interface ExportCommandOptions {
  database: string;
  format: string;
  out: string;
  years?: string;
  perYear?: true;
}

/** `planalign export`: employee-level tables (csv, parquet) plus report files, or the report workbook (xlsx). */
export async function exportCommand(options: ExportCommandOptions): Promise<number> {
  const format = options.format.trim().toLowerCase();
  if (!isExportFormat(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${options.format}"`);
  }
  const span = options.years === undefined ? undefined : parseYears(options.years);
  const result = await exportDatabase({
    database: options.database,
    format,
    outDir: options.out,
    years: span === undefined ? undefined : { from: span.startYear, to: span.endYear },
    perYear: options.perYear === true,
  });
  const lines = [`Exported run ${result.runId} (${formatYears(result.years)}) from ${options.database} to ${result.outDir}:`];
  for (const file of result.files) {
    const name = relative(result.outDir, file.path);
    lines.push(file.rows === undefined ? `  ${name}` : `  ${name}  ${file.rows.toLocaleString('en-US')} rows`);
  }
  lines.push('Units: money in dollars to the cent, rates as fractions (0.062 = 6.2 %); README.txt and columns.csv say more.');
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
  return ExitCode.Success;
}
