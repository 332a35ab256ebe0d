import { join } from 'node:path';
import { DatabaseInUseError, ExitCode, InterruptedError, UsageError } from '../../errors.js';
import { parseMemoryLimit } from '../../db/database.js';
import { OrchestratorBuilder } from '../../factory.js';
import type { PipelineOrchestrator, RunResult } from '../../orchestrator/orchestrator.js';
import { complianceJson } from '../../reporting/compliance.js';
import { formatInputs } from '../../reporting/inputs.js';
import { describeIrsLimitProjection } from '../../params/irs-limits.js';
import { describePlan, planForConfig } from '../../orchestrator/plan.js';
import { DataValidator, loadRulesModule } from '../../validation/data-validator.js';
import { parseCensusIntake, parseGrowth, parseInteger, parseYears, type CensusIntakeFlags } from '../options.js';
import { complianceExitCode, complianceFindings, startRunSession, validationExitCode } from '../run-session.js';
import { formatProgression } from '../../reporting/render/console.js';
import { formatInteger, formatPct } from '../../reporting/render/text.js';
import {
  appliedOverrides,
  describeEffectiveInputs,
  effectiveInputs,
  environmentOverrideSources,
  type AppliedOverride,
  type OverrideSource,
} from '../../config/effective.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { describeIntake } from '../../census/index.js';
import type { SimulationConfig } from '../../config/schema.js';
import type { RunRecord } from '../../workspace/workspace.js';

export interface SimulateOptions extends CensusIntakeFlags {
  config: string;
  census?: string;
  database: string;
  seed?: string;
  threads?: string;
  memoryLimit?: string;
  growth?: string;
  /** --vary-counts: simulation.count_uncertainty terminations, unless the config says terminations_and_hires. */
  varyCounts?: true;
  rules?: string;
  resume?: true;
  forceRestart?: true;
  /** --fail-on-validation-error / --no-fail-on-validation-error; absent: setup.fail_on_validation_error. */
  failOnValidationError?: boolean;
  /** --fail-on-compliance: a failing compliance test is an error (exit 3), not a warning. */
  failOnCompliance?: true;
  dryRun?: true;
  json?: true;
  verbose?: true;
  quiet?: true;
  allowUnknownKeys?: true;
  report?: string;
  /** --report-errors: every census problem, as CSV. */
  reportErrors?: string;
  /** --seeds N / --seed-list: an ensemble (`planalign ensemble`), with its --threshold and --output-dir. */
  seeds?: string;
  seedList?: string;
  threshold?: string[];
  outputDir: string;
  /** --workspace DIR: the run is a new run of --scenario (default `default`) in the workspace. */
  workspace?: string;
  scenario?: string;
  /** The options among --config, --database and --output-dir given on the command line (not their defaults). */
  explicit?: string[];
}

/** Flags of one run that an ensemble (one database per job, under --output-dir) has no use for. */
const SINGLE_RUN_FLAGS: ReadonlyArray<[keyof SimulateOptions, string]> = [
  ['resume', '--resume'], ['forceRestart', '--force-restart'], ['dryRun', '--dry-run'], ['rules', '--rules'], ['report', '--report'],
  ['reportErrors', '--report-errors'], ['allowUnknownKeys', '--allow-unknown-keys'], ['failOnValidationError', '--fail-on-validation-error'],
  ['failOnCompliance', '--fail-on-compliance'], ['verbose', '--verbose'],
];

/** `simulate --seeds N | --seed-list ...`: hands over to `planalign ensemble` with the flags they share. */
async function simulateEnsemble(years: string | undefined, options: SimulateOptions): Promise<number> {
  const single = SINGLE_RUN_FLAGS.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
  if (single.length > 0) throw new UsageError(`${single.join(', ')} cannot be combined with --seeds or --seed-list (planalign ensemble runs them)`);
  const { ensembleCommand } = await import('./ensemble.js');
  const { config, census, seed, growth, varyCounts, threads, memoryLimit, json, quiet, seeds, seedList, threshold, outputDir } = options;
  const { separator, decimalComma, dateOrder, sheet, rateUnit } = options;
  const given = { config, census, seed, growth, varyCounts, threads, memoryLimit, json, quiet, seeds, seedList, threshold, outputDir, separator, decimalComma, dateOrder, sheet, rateUnit };
  return ensembleCommand(years, Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given);
}

/**
 * `--vary-counts` on a builder (simulate's, and the ensemble's for each scenario): draws the termination
 * counts (simulation.count_uncertainty terminations), or keeps terminations_and_hires when the config
 * (or the environment) says so. Returns the override's source for the run output.
 */
export function applyVaryCounts(builder: OrchestratorBuilder): OverrideSource {
  const configured = builder.resolveInputs().config.config.simulation.count_uncertainty;
  builder.withOverride('simulation.count_uncertainty', configured === 'terminations_and_hires' ? configured : 'terminations');
  return { key: 'simulation.count_uncertainty', source: '--vary-counts' };
}

export async function simulate(years: string | undefined, options: SimulateOptions): Promise<number> {
  if (options.workspace !== undefined) return simulateInWorkspace(years, options);
  if (options.scenario !== undefined) throw new UsageError('--scenario names a scenario of a workspace: give --workspace DIR too');
  if (options.seeds !== undefined || options.seedList !== undefined) return simulateEnsemble(years, options);
  return simulateRun(years, options);
}

/**
 * `simulate --workspace DIR [--scenario NAME]`: a new run of the scenario (or, with --resume, its
 * newest run without an outcome), its config the run's snapshot, its census the scenario's, its
 * database the run's own; the record gets the outcome. An interrupted run (Ctrl-C) keeps none, so
 * that --resume completes it.
 */
async function simulateInWorkspace(years: string | undefined, options: SimulateOptions): Promise<number> {
  const refused = [
    ...(options.explicit ?? []).filter((key) => key !== 'outputDir').map((key) => `--${key}`),
    ...(options.census === undefined ? [] : ['--census']),
    ...(options.seeds !== undefined || options.seedList !== undefined ? ['--seeds/--seed-list (use planalign ensemble --workspace)'] : []),
    ...(options.forceRestart ? ['--force-restart (a workspace run is never recomputed; simulate again for a new run)'] : []),
  ];
  if (refused.length > 0) throw new UsageError(`--workspace decides the run's config, census and database: drop ${refused.join(', ')}`);
  const { Workspace } = await import('../../workspace/workspace.js');
  const ws = Workspace.open(options.workspace as string, { create: true });
  const scenario = options.scenario ?? 'default';
  if (options.dryRun) {
    const database = join(ws.root, 'runs', scenario, '<run-id>.duckdb');
    const config = ws.existingScenarioFile(scenario);
    return simulateRun(years, { ...options, config, census: ws.scenarioCensus(scenario), database }, { root: ws.root, scenario });
  }
  let record: RunRecord;
  if (options.resume) {
    const unfinished = ws.runRecords(scenario).find((r) => r.outcome === undefined);
    if (unfinished === undefined) throw new UsageError(`Scenario ${scenario} has no unfinished run to resume in ${ws.root}`);
    record = unfinished;
  } else {
    // The years and seed the run will have (YEARS, --seed, the environment, the file), for its record and snapshot.
    const overrides: Record<string, unknown> = {};
    if (years !== undefined) {
      const { startYear, endYear } = parseYears(years);
      Object.assign(overrides, { 'simulation.start_year': startYear, 'simulation.end_year': endYear });
    }
    if (options.seed !== undefined) overrides['simulation.random_seed'] = parseInteger(options.seed, '--seed');
    const file = ws.existingScenarioFile(scenario);
    const { simulation } = loadConfig({ path: file, overrides, allowUnknownKeys: options.allowUnknownKeys === true }).config;
    record = ws.newRun(scenario, { origin: 'cli', startYear: simulation.start_year, endYear: simulation.end_year, seed: simulation.random_seed });
  }
  // The run's own census (the scenario's when it started), as its config is its own snapshot.
  const census = ws.inside(record.census, `the census of run ${record.runId}`);
  const run = { ...options, config: ws.runFile(record, 'config'), census, database: ws.runFile(record, 'database') };
  try {
    const code = await simulateRun(years, run, { root: ws.root, scenario });
    ws.finishRun(record, 'completed');
    return code;
  } catch (error) {
    // Interrupted: resumable. In use: another process runs it, whose record this is not to close.
    if (!(error instanceof InterruptedError || error instanceof DatabaseInUseError)) {
      ws.finishRun(record, 'failed', error instanceof Error ? error.message : String(error));
    }
    throw error;
  }
}

/** One run into options.database; in a workspace, the config's relative paths are found in its root. */
async function simulateRun(years: string | undefined, options: SimulateOptions, workspace?: { root: string; scenario: string }): Promise<number> {
  if (options.resume && options.forceRestart) throw new UsageError('--resume and --force-restart cannot be combined');
  const builder = new OrchestratorBuilder()
    .withConfig(options.config, { allowUnknownKeys: options.allowUnknownKeys === true, ...(workspace === undefined ? {} : { baseDir: workspace.root }) })
    .withDatabase(options.database);
  // The command line's overrides with their source, for the run output (the environment's come first).
  const cliSources: OverrideSource[] = [];
  if (years !== undefined) {
    const { startYear, endYear } = parseYears(years);
    builder.withYears(startYear, endYear);
    const source = `the YEARS argument ${years}`;
    cliSources.push({ key: 'simulation.start_year', source }, { key: 'simulation.end_year', source });
  }
  if (options.seed !== undefined) {
    builder.withSeed(parseInteger(options.seed, '--seed'));
    cliSources.push({ key: 'simulation.random_seed', source: '--seed' });
  }
  if (options.growth !== undefined) {
    builder.withOverride('simulation.target_growth_rate', parseGrowth(options.growth));
    cliSources.push({ key: 'simulation.target_growth_rate', source: `--growth ${options.growth}` });
  }
  if (options.varyCounts) cliSources.push(applyVaryCounts(builder));
  if (options.threads !== undefined) {
    const threads = parseInteger(options.threads, '--threads');
    if (threads < 1) throw new UsageError('--threads must be at least 1');
    builder.withThreads(threads);
  }
  if (options.memoryLimit !== undefined) builder.withMemoryLimit(parseMemoryLimit(options.memoryLimit));
  if (options.census !== undefined) builder.withCensus(options.census);
  builder.withCensusIntake(parseCensusIntake(options, options.reportErrors));
  if (options.failOnValidationError !== undefined) {
    const flag = options.failOnValidationError ? '--fail-on-validation-error' : '--no-fail-on-validation-error';
    cliSources.push({ key: 'setup.fail_on_validation_error', source: flag, value: options.failOnValidationError });
  }
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

  if (options.census !== undefined) {
    const source = workspace === undefined ? '--census' : `workspace scenario ${workspace.scenario}`;
    cliSources.push({ key: 'setup.census_parquet_path', source, value: censusPath });
  }
  const inputs = runInputs(options, config, censusPath, cliSources);

  for (const warning of config.warnings) process.stderr.write(`Warning: ${warning}\n`);
  if (config.ignored.length > 0 && !options.quiet) {
    process.stderr.write(`Note: ${config.ignored.length} config key(s) accepted but ignored (see planalign validate)\n`);
  }

  const session = startRunSession(options.database, { verbose: options.verbose, quiet: options.quiet, json: options.json });
  let orchestrator: PipelineOrchestrator | undefined = undefined;
  if (options.report !== undefined) {
    // Loaded only when asked for: the report's workbook writer (exceljs) would slow every run's start.
    const { createFileReporter, REPORT_FORMATS } = await import('../../reporting/file-reporter.js');
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
    if (options.json) {
      const summary = { event: 'summary', ...jsonResult(result), effective_inputs: inputs.effective, overrides: inputs.overrides };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(formatRun(result, options, inputs));
    }
    const validation = validationExitCode(result);
    return validation !== ExitCode.Success ? validation : complianceExitCode(result, options.failOnCompliance === true);
  } catch (error) {
    session.fail(error);
    throw error;
  } finally {
    session.end();
    orchestrator?.close();
  }
}

interface RunInputs {
  config: SimulationConfig;
  /** The config file loaded without the overrides; undefined when there are none or it does not load so. */
  baseline: SimulationConfig | undefined;
  census: string;
  effective: Record<string, unknown>;
  overrides: AppliedOverride[];
}

/**
 * The effective inputs and every override with its source: the file's dc_plan overlay, the
 * environment's PLANALIGN_/NAV_ variables, then the command line's (which win). What the config file
 * alone says is read by loading its YAML sections again without them (null when it does not load so).
 */
function runInputs(options: SimulateOptions, loaded: LoadedConfig, census: string, cliSources: OverrideSource[]): RunInputs {
  const config = loaded.config;
  const sources = [...loaded.dcPlan, ...environmentOverrideSources(process.env), ...cliSources];
  let baseline: SimulationConfig | undefined;
  if (sources.length > 0) {
    try {
      baseline = loadConfig({ path: options.config, env: {}, allowUnknownKeys: options.allowUnknownKeys === true, withoutDcPlan: true }).config;
    } catch {
      baseline = undefined;
    }
  }
  return {
    config,
    baseline,
    census,
    effective: effectiveInputs(config, { census, database: options.database }),
    overrides: appliedOverrides(config, baseline, sources),
  };
}

/** A path as a shell word: quoted when it holds anything but plain characters. */
const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** Where to go next, with this run's database filled in. */
function nextSteps(options: SimulateOptions): string[] {
  if (options.database === ':memory:') return ['Next: this run was in memory; pass --database FILE to keep it for export and analyze.'];
  const db = shellWord(options.database);
  const steps: Array<[string, string]> = [
    [`planalign analyze workforce --database ${db}`, 'the headline figures per year (--json; --export csv|xlsx)'],
    [`planalign export --database ${db} --out exports`, 'employee rows and yearly aggregates as CSV (--format parquet|xlsx, --years, --per-year)'],
  ];
  if (options.report === undefined) steps.push(['planalign simulate ... --report DIR', 'also write the run report (text, JSON, CSV, XLSX) at the end of a run']);
  const width = Math.max(...steps.map(([command]) => command.length));
  return [
    'Next:',
    ...steps.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`),
    ...(options.report === undefined ? [] : [`  the run report is in ${options.report}`]),
  ];
}

/**
 * The text-mode run output: the inputs (with overrides), the per-year tables, the run, its inputs'
 * hashes and validation, and where to go next. --quiet leaves out the inputs and next steps.
 */
function formatRun(result: RunResult, options: SimulateOptions, inputs: RunInputs): string {
  const database = options.database;
  const lines = [
    '',
    ...(options.quiet
      ? []
      : [...describeEffectiveInputs(inputs.config, inputs.baseline, inputs.census, inputs.overrides, describeIntake(result.census)), '']),
    formatProgression(result.workforceProgression),
    '',
    `Run ${result.runId} written to ${database}`,
    ...formatInputs(result.inputs, { config: result.configHash, census: result.censusHash, parameters: result.parametersHash }),
    `  census ${formatInteger(result.census.activeRows)} active of ${formatInteger(result.census.rows)} rows`,
    ...(result.irsLimitProjection ? [`  ${describeIrsLimitProjection(result.irsLimitProjection)}`] : []),
    `  growth ${formatPct(result.growthAnalysis.totalGrowthPct)} over the run, CAGR ${formatPct(result.growthAnalysis.cagrPct)}`,
  ];
  const failing = result.years.flatMap((y) =>
    y.validation.filter((r) => r.violations > 0).map((r) => `  ${y.year} ${r.severity} ${r.rule}: ${r.violations} row(s)`),
  );
  lines.push(failing.length > 0 ? `Validation findings:\n${failing.join('\n')}` : '  all validation rules passed');
  lines.push(...complianceFindings(result, options.failOnCompliance === true));
  if (!options.quiet) lines.push('', ...nextSteps(options));
  return `${lines.join('\n')}\n`;
}

function jsonResult(result: RunResult): Record<string, unknown> {
  const { census, years, compliance, ...summary } = result;
  return {
    ...summary,
    compliance: compliance.map(complianceJson),
    // What was read and how: the warnings are also the run's notices.
    census: {
      path: census.path,
      format: census.format,
      hash: census.hash,
      rows: census.rows,
      activeRows: census.activeRows,
      terminatedRows: census.terminatedRows,
      sidecar: census.sidecar ?? null,
      mapping: census.mapping,
      warnings: census.warnings,
    },
    validation: years.map((y) => ({
      year: y.year,
      results: y.validation.map(({ rule, severity, violations }) => ({ rule, severity, violations })),
    })),
  };
}
