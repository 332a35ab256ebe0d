import { ExitCode, UsageError } from '../../errors.js';
import { comparisonJson, compareDatabases, formatComparison, validateMigration, type ComparisonReport } from '../../migration/compare.js';
import { parseInteger, parseYears } from '../options.js';

export interface CompareCommandOptions {
  years?: string;
  tolerance?: string;
  json?: boolean;
  /** How many differing employees to list (default 20). */
  limit?: string;
  /** With one database: where the re-run's database is kept (default: a temporary folder, removed). */
  workDir?: string;
}

/**
 * `planalign compare A [B]`: the side-by-side validation of two databases; with one database, its
 * latest run is re-run by this engine and compared with it. Exit 0 when nothing is `different`,
 * 3 when something is, 2 on usage errors.
 */
export async function compareCommand(a: string, b: string | undefined, options: CompareCommandOptions = {}): Promise<number> {
  const compareOptions: { years?: [number, number]; tolerance?: number; employeeLimit?: number } = {};
  if (options.years !== undefined) {
    const { startYear, endYear } = parseYears(options.years);
    compareOptions.years = [startYear, endYear];
  }
  if (options.tolerance !== undefined) compareOptions.tolerance = parseTolerance(options.tolerance);
  if (options.limit !== undefined) {
    const limit = parseInteger(options.limit, '--limit');
    if (limit < 0) throw new UsageError('--limit must be 0 or more');
    compareOptions.employeeLimit = limit;
  }
  const report: ComparisonReport =
    b === undefined
      ? await validateMigration(a, { ...compareOptions, ...(options.workDir === undefined ? {} : { workDir: options.workDir }) })
      : await compareDatabases(a, b, compareOptions);
  process.stdout.write(options.json ? comparisonJson(report) : formatComparison(report));
  return report.verdict === 'different' ? ExitCode.ValidationFailure : ExitCode.Success;
}

/** `0.01` or `1%`: a relative tolerance as a fraction, ≥ 0. */
export function parseTolerance(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (!match) throw new UsageError(`--tolerance must be a rate ≥ 0 such as 0.01 or 1%, got "${text}"`);
  const value = Number(match[1]);
  return match[2] === '%' ? value / 100 : value;
}
