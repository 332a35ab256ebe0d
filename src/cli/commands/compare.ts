import { ExitCode, UsageError } from '../../errors.js';
import { comparisonJson, compareDatabases, formatComparison, validateMigration, type ComparisonReport } from '../../migration/compare.js';
import { formatScenarioComparison, scenarioComparisonJson } from '../../reporting/scenario-compare.js';
import { compareRuns } from '../../services/compare.js';
import { parseDiscountRate, parseInteger, parseRate, parseYears } from '../options.js';

export interface CompareCommandOptions {
  /** The identity report (verdicts, tolerance, exit 3) instead of the scenario comparison. */
  identical?: boolean;
  years?: string;
  /** Scenario comparison: the annual discount rate of the present value (default 0). */
  discountRate?: string;
  /** --identical: relative tolerance (default 0.01). */
  tolerance?: string;
  json?: boolean;
  /** --identical: how many differing employees to list (default 20). */
  limit?: string;
  /** One database: where the re-run's database is kept (default: a temporary folder, removed). */
  workDir?: string;
}

/**
 * `planalign compare A B`: the scenario comparison of B (the alternative) against A (the baseline),
 * exit 0 once compared. `planalign compare --identical A [B]`: the side-by-side validation of two
 * databases, or with one database (which implies --identical) its latest run re-run by this engine
 * and compared with it; exit 3 when something is `different`. Exit 2 on usage errors.
 */
export async function compareCommand(a: string, b: string | undefined, options: CompareCommandOptions = {}): Promise<number> {
  const years = options.years === undefined ? undefined : parseYears(options.years);
  const range: [number, number] | undefined = years === undefined ? undefined : [years.startYear, years.endYear];
  if (b === undefined || options.identical) return identityCommand(a, b, range, options);

  for (const [value, option] of [
    [options.tolerance, '--tolerance'],
    [options.limit, '--limit'],
    [options.workDir, '--work-dir'],
  ] as const) {
    if (value !== undefined) throw new UsageError(`${option} belongs to the identity check: add --identical (compare --identical A B)`);
  }
  const discountRate = options.discountRate === undefined ? 0 : parseDiscountRate(options.discountRate);
  const sources = [
    { label: 'A', database: a },
    { label: 'B', database: b },
  ];
  const { comparison } = await compareRuns(sources, { baseline: 'A', discountRate, years: range, configDiff: false });
  process.stdout.write(options.json ? scenarioComparisonJson(comparison) : formatScenarioComparison(comparison));
  return ExitCode.Success;
}

async function identityCommand(a: string, b: string | undefined, years: [number, number] | undefined, options: CompareCommandOptions): Promise<number> {
  if (options.discountRate !== undefined) throw new UsageError('--discount-rate belongs to the scenario comparison (compare A B without --identical)');
  const compareOptions: { years?: [number, number]; tolerance?: number; employeeLimit?: number } = {};
  if (years !== undefined) compareOptions.years = years;
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
  return parseRate(text, '--tolerance must be a rate ≥ 0 such as 0.01 or 1%');
}
