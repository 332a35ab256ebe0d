import { ExitCode, UsageError } from '../../errors.js';
import { executeLegacyRun, prepareLegacyRun, type LegacyRunRequest } from '../../migration/compat.js';
import { describePlan, planForConfig } from '../../orchestrator/plan.js';
import { DataValidator } from '../../validation/data-validator.js';
import { parseInteger, parseYears } from '../options.js';
import { startRunSession, validationExitCode } from '../run-session.js';

/** The flags of the reference's `python -m planalign_orchestrator run`, plus --census. */
export interface LegacyRunOptions {
  config: string;
  census?: string;
  /** Default: env DATABASE_PATH, else simulation.duckdb. */
  database?: string;
  startYear?: string;
  endYear?: string;
  years?: string;
  resume?: true;
  forceRestart?: true;
  dryRun?: true;
  threads?: string;
  failOnValidationError?: true;
  verbose?: true;
}

/**
 * `planalign legacy run`: the reference CLI's `run`, on this engine. Prints the reference's result
 * dict as JSON on stdout (progress on stderr); `--dry-run` prints the plan and touches nothing.
 */
export async function legacyRunCommand(options: LegacyRunOptions): Promise<number> {
  const request: LegacyRunRequest = { configPath: options.config, kwargs: kwargsOf(options), ...yearsOf(options) };

  if (options.dryRun) {
    const { builder, database } = prepareLegacyRun(request);
    const { config, censusPath } = builder.resolveConfig();
    process.stdout.write(`${describePlan(planForConfig(config, censusPath, database, new DataValidator().rules)).join('\n')}\n`);
    return ExitCode.Success;
  }

  // Where the run writes is known before anything is opened: its log and status file sit beside it.
  const { database, builder } = prepareLegacyRun(request);
  const { config } = builder.resolveConfig();
  for (const warning of config.warnings) process.stderr.write(`Warning: ${warning}\n`);
  const session = startRunSession(database, { verbose: options.verbose });
  try {
    const { legacy, result } = await executeLegacyRun({
      ...request,
      logger: session.logger,
      signal: session.signal,
      progress: session.progress,
    });
    process.stdout.write(`${JSON.stringify(legacy)}\n`);
    for (const y of result.years) {
      for (const r of y.validation.filter((v) => v.severity === 'error' && v.violations > 0)) {
        process.stderr.write(`Validation: ${r.rule} found ${r.violations} row(s) in ${y.year}\n`);
      }
    }
    return validationExitCode(result);
  } catch (error) {
    session.fail(error);
    throw error;
  } finally {
    session.end();
  }
}

function yearsOf(options: LegacyRunOptions): { startYear?: number; endYear?: number } {
  if (options.years !== undefined) {
    if (options.startYear !== undefined || options.endYear !== undefined) {
      throw new UsageError('--years cannot be combined with --start-year or --end-year');
    }
    return parseYears(options.years);
  }
  const out: { startYear?: number; endYear?: number } = {};
  if (options.startYear !== undefined) out.startYear = parseInteger(options.startYear, '--start-year');
  if (options.endYear !== undefined) out.endYear = parseInteger(options.endYear, '--end-year');
  return out;
}

function kwargsOf(options: LegacyRunOptions): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  if (options.database !== undefined) kwargs.database_path = options.database;
  if (options.census !== undefined) kwargs.census_path = options.census;
  if (options.threads !== undefined) {
    const threads = parseInteger(options.threads, '--threads');
    if (threads < 1) throw new UsageError('--threads must be at least 1');
    kwargs.threads = threads;
  }
  if (options.resume) kwargs.resume = true;
  if (options.forceRestart) kwargs.force_restart = true;
  if (options.failOnValidationError) kwargs.fail_on_validation_error = true;
  return kwargs;
}
