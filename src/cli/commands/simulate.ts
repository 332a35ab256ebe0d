import { ExitCode, UsageError } from '../../errors.js';
import { parseMemoryLimit } from '../../db/database.js';
import { OrchestratorBuilder } from '../../factory.js';
import type { PipelineOrchestrator, RunResult } from '../../orchestrator/orchestrator.js';
import { createFileReporter, REPORT_FORMATS } from '../../reporting/file-reporter.js';
import { formatInputs } from '../../reporting/inputs.js';
import { describePlan, planForConfig } from '../../orchestrator/plan.js';
import { DataValidator, loadRulesModule } from '../../validation/data-validator.js';
import { parseGrowth, parseInteger, parseYears } from '../options.js';
import { startRunSession, validationExitCode } from '../run-session.js';
import { formatProgression } from '../../reporting/render/console.js';

export interface SimulateOptions {
  config: string;
  census?: string;
  database: string;
  seed?: string;
  threads?: string;
  memoryLimit?: string;
  growth?: string;
  rules?: string;
  resume?: true;
  forceRestart?: true;
  /** --fail-on-validation-error / --no-fail-on-validation-error; absent: setup.fail_on_validation_error. */
  failOnValidationError?: boolean;
  dryRun?: true;
  json?: true;
  verbose?: true;
  quiet?: true;
  allowUnknownKeys?: true;
  report?: string;
}

export async function simulate(years: string | undefined, options: SimulateOptions): Promise<number> {
  if (options.resume && options.forceRestart) throw new UsageError('--resume and --force-restart cannot be combined');
  const builder = new OrchestratorBuilder()
    .withConfig(options.config, { allowUnknownKeys: options.allowUnknownKeys === true })
    .withDatabase(options.database);
  if (years !== undefined) {
    const { startYear, endYear } = parseYears(years);
    builder.withYears(startYear, endYear);
  }
  if (options.seed !== undefined) builder.withSeed(parseInteger(options.seed, '--seed'));
  if (options.growth !== undefined) builder.withOverride('simulation.target_growth_rate', parseGrowth(options.growth));
  if (options.threads !== undefined) {
    const threads = parseInteger(options.threads, '--threads');
    if (threads < 1) throw new UsageError('--threads must be at least 1');
    builder.withThreads(threads);
  }
  if (options.memoryLimit !== undefined) builder.withMemoryLimit(parseMemoryLimit(options.memoryLimit));
  if (options.census !== undefined) builder.withCensus(options.census);
  const userRules = options.rules === undefined ? [] : await loadRulesModule(options.rules);
  builder.withCustomValidator(...userRules);

  const { config, censusPath } = builder.resolveConfig();
  if (options.dryRun) {
    // The plan needs no database: it comes from the validated config alone.
    const validator = new DataValidator();
    for (const rule of userRules) validator.registerRule(rule);
    const plan = planForConfig(config, censusPath, options.database, validator.rules);
    process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : `${describePlan(plan).join('\n')}\n`);
    return ExitCode.Success;
  }

  for (const warning of config.warnings) process.stderr.write(`Warning: ${warning}\n`);
  if (config.ignored.length > 0 && !options.quiet) {
    process.stderr.write(`Note: ${config.ignored.length} config key(s) accepted but ignored (see planalign validate)\n`);
  }

  const session = startRunSession(options.database, { verbose: options.verbose, quiet: options.quiet, json: options.json });
  let orchestrator: PipelineOrchestrator | undefined = undefined;
  if (options.report !== undefined) {
    builder.withCustomReporter(createFileReporter(options.report, REPORT_FORMATS, { database: () => orchestrator?.database }));
  }
  try {
    orchestrator = await builder.withLogger(session.logger).withProgress(session.progress).build();
    const result = await orchestrator.executeMultiYearSimulation({
      resume: options.resume === true,
      forceRestart: options.forceRestart === true,
      failOnValidationError: options.failOnValidationError,
      signal: session.signal,
    });
    if (options.json) process.stdout.write(`${JSON.stringify({ event: 'summary', ...jsonResult(result) })}\n`);
    else process.stdout.write(formatRun(result, options.database));
    return validationExitCode(result);
  } catch (error) {
    session.fail(error);
    throw error;
  } finally {
    session.end();
    orchestrator?.close();
  }
}

function formatRun(result: RunResult, database: string): string {
  const lines = [
    '',
    formatProgression(result.workforceProgression),
    '',
    `Run ${result.runId} written to ${database}`,
    ...formatInputs(result.inputs, { config: result.configHash, census: result.censusHash, parameters: result.parametersHash }),
    `  census ${result.census.activeRows} active of ${result.census.rows} rows`,
    `  growth ${result.growthAnalysis.totalGrowthPct.toFixed(2)} % over the run, CAGR ${result.growthAnalysis.cagrPct.toFixed(2)} %`,
  ];
  const failing = result.years.flatMap((y) =>
    y.validation.filter((r) => r.violations > 0).map((r) => `  ${y.year} ${r.severity} ${r.rule}: ${r.violations} row(s)`),
  );
  lines.push(failing.length > 0 ? `Validation findings:\n${failing.join('\n')}` : '  all validation rules passed');
  return `${lines.join('\n')}\n`;
}

function jsonResult(result: RunResult): Record<string, unknown> {
  const { census: _census, years, ...summary } = result;
  return {
    ...summary,
    validation: years.map((y) => ({
      year: y.year,
      results: y.validation.map(({ rule, severity, violations }) => ({ rule, severity, violations })),
    })),
  };
}
