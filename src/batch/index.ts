/**
 * `planalign batch`: many scenarios, each the base config with one scenario file laid over it, each
 * run as its own `planalign simulate` child process into its own database, at most N at once; then a
 * JSON summary and a comparison workbook built from the scenario databases.
 *
 * Unlike the reference runner (serial, in-process, exit 0 whatever failed), every config is
 * validated before anything runs, scenarios run in parallel, and a failed scenario fails the batch.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { censusIntakeArgs, type CensusIntakeOptions } from '../census/intake.js';
import { defaultMemoryLimit, parseMemoryLimit } from '../db/database.js';
import { ExitCode, PlanAlignError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { writeAtomically, writeTextAtomically } from '../reporting/atomic.js';
import { runChild, type ChildOutcome } from './child.js';
import { chooseBaseline, compareScenarios, type ScenarioComparison } from '../reporting/scenario-compare.js';
import { readComparison, writeComparisonWorkbook } from './comparison.js';
import { discoverScenarios, selectScenarios } from './discover.js';
import { runPool } from './pool.js';
import { prepareScenarios, writeScenarioConfig, type PreparedScenario } from './prepare.js';

export { deepMerge, normalizeSections } from './merge.js';
export { discoverScenarios, selectScenarios, type ScenarioFile } from './discover.js';
export { prepareScenarios, type PreparedScenario } from './prepare.js';
export { runPool } from './pool.js';
export { comparisonCharts, comparisonHeaders, readComparison, writeComparisonWorkbook } from './comparison.js';

export const DEFAULT_BASE_CONFIG = 'config/simulation_config.yaml';
export const DEFAULT_OUTPUT_DIR = 'outputs';

export interface BatchOptions {
  /** Folder of scenario files (`*.yaml`, `*.yml`); each file's stem names its scenario. */
  scenariosDir: string;
  /** Base config (default config/simulation_config.yaml). */
  config?: string | undefined;
  /** Census for every scenario (default: each merged config's setup.census_parquet_path). */
  census?: string | undefined;
  /** The batch folder is created in here (default outputs). */
  outputDir?: string | undefined;
  /** Only these scenarios. */
  scenarios?: readonly string[] | undefined;
  /** At most this many runs at once (default 1). */
  parallel?: number | undefined;
  /** DuckDB threads of each run (default: the cores divided among the runs at once, at least 1). */
  threads?: number | undefined;
  /** DuckDB memory limit of each run (default: the default memory limit divided among the runs at once). */
  memoryLimit?: string | undefined;
  /** Seed of every scenario (default: each merged config's simulation.random_seed). */
  seed?: number | undefined;
  /** How every run reads the census (the intake flags; the census's sidecar applies to the rest). */
  censusIntake?: CensusIntakeOptions | undefined;
  /** The scenario the others are compared with (default: the one named `baseline`, else the first by name). */
  baseline?: string | undefined;
  /** Annual discount rate of the present value of employer cost, a fraction (default 0). */
  discountRate?: number | undefined;
  /** Each run with --fail-on-compliance: a failing compliance test fails the scenario. */
  failOnCompliance?: boolean | undefined;
  /** Source of PLANALIGN_/NAV_ overrides, applied here and written into each scenario config (default process.env). */
  env?: Record<string, string | undefined> | undefined;
  /** Aborting stops new runs and interrupts running ones (each rolls back its year in progress). */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: BatchEvent) => void) | undefined;
  /** The compiled CLI each run executes (default <packageRoot>/dist/cli/main.js). */
  cli?: string | undefined;
  clock?: (() => Date) | undefined;
}

export type BatchEvent =
  | { type: 'prepared'; batchDir: string; parallel: number; threads: number; memoryLimit: string; scenarios: readonly PreparedScenario[] }
  | { type: 'start'; scenario: string; index: number; total: number; pid: number | undefined }
  | { type: 'finish'; result: ScenarioResult; index: number; total: number };

/** Per-year figures of a run, as its `simulate --json` summary printed them. */
export type YearFigures = Record<string, unknown> & { year: number };

export interface ScenarioResult {
  name: string;
  status: 'completed' | 'failed';
  exitCode: number | null;
  /** Set when the child was killed by a signal. */
  signal?: string;
  pid: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  seed: number;
  startYear: number;
  endYear: number;
  census: string;
  configHash: string;
  /** The scenario file, and the merged config the run used. */
  scenarioFile: string;
  config: string;
  database: string;
  /** The run's captured stdout (its JSON summary) and stderr (progress, errors). */
  stdoutPath: string;
  stderrPath: string;
  /** Why it failed: the end of its stderr, or what else went wrong. */
  error?: string;
  runId?: string;
  years?: YearFigures[];
}

export interface BatchResult {
  batchDir: string;
  summaryPath: string;
  workbookPath: string | undefined;
  parallel: number;
  /** DuckDB threads and memory limit each run was given. */
  threads: number;
  memoryLimit: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  interrupted: boolean;
  /** 0 all completed, 1 some failed, 130 interrupted. */
  exitCode: number;
  scenarios: ScenarioResult[];
  /** The completed scenarios compared with the baseline; null when none could be read. */
  comparison: ScenarioComparison | null;
  warnings: string[];
}

export async function runBatch(options: BatchOptions): Promise<BatchResult> {
  const clock = options.clock ?? (() => new Date());
  const t0 = process.hrtime.bigint();
  const startedAt = clock();
  const parallel = positive(options.parallel ?? 1, '--parallel');
  const threads = options.threads === undefined ? undefined : positive(options.threads, '--threads');
  const memoryLimit = options.memoryLimit === undefined ? undefined : parseMemoryLimit(options.memoryLimit);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new UsageError(`--seed must be a whole number, got ${options.seed}`);
  const cli = resolve(options.cli ?? join(packageRoot, 'dist', 'cli', 'main.js'));
  if (!existsSync(cli)) {
    throw new PlanAlignError(`The compiled CLI ${cli} is missing`, { file: cli }, 'Run "npm run build" first: each scenario runs it as a child process.');
  }
  const env = options.env ?? process.env;
  const baseConfig = resolve(options.config ?? DEFAULT_BASE_CONFIG);

  // 1. Everything that can be wrong is found before anything runs or is written.
  const files = selectScenarios(discoverScenarios(options.scenariosDir), options.scenarios);
  const prepared = prepareScenarios({ baseConfig, scenarios: files, census: options.census, seed: options.seed, env });
  const baseline = chooseBaseline(
    prepared.map((p) => p.name),
    options.baseline,
  );
  const discountRate = options.discountRate ?? 0;
  if (!(discountRate >= 0 && discountRate < 1)) throw new UsageError(`--discount-rate must be a rate from 0 to below 1, got ${discountRate}`);

  // 2. The batch folder, and each scenario's config written for its child (and for a rerun by hand).
  const batchDir = createBatchDir(resolve(options.outputDir ?? DEFAULT_OUTPUT_DIR), startedAt);
  const results: ScenarioResult[] = prepared.map((scenario) => {
    const dir = join(batchDir, scenario.name);
    mkdirSync(dir);
    const config = join(dir, 'simulation_config.yaml');
    writeScenarioConfig(config, scenario, baseConfig);
    return {
      name: scenario.name,
      status: 'failed',
      exitCode: null,
      pid: null,
      startedAt: null,
      finishedAt: null,
      seconds: null,
      seed: scenario.seed,
      startYear: scenario.startYear,
      endYear: scenario.endYear,
      census: scenario.census,
      configHash: scenario.configHash,
      scenarioFile: scenario.file,
      config,
      database: join(batchDir, `${scenario.name}.duckdb`),
      stdoutPath: join(dir, 'stdout.json'),
      stderrPath: join(dir, 'stderr.log'),
      error: 'not started: the batch was interrupted',
    };
  });

  // Runs at once share the machine: unless told otherwise, each gets its share of the cores and of the
  // 80 % of memory a run may take, up to one run's 3 GiB (N runs with every core would fight over them).
  const atOnce = Math.max(1, Math.min(parallel, results.length));
  const childThreads = threads ?? Math.max(1, Math.floor(availableParallelism() / atOnce));
  const childMemory = memoryLimit ?? defaultMemoryLimit(atOnce);
  options.onEvent?.({ type: 'prepared', batchDir, parallel, threads: childThreads, memoryLimit: childMemory, scenarios: prepared });

  // 3. The runs, at most `parallel` at once.
  const childEnv = childEnvironment(process.env);
  const runWarnings: string[] = [];
  const total = results.length;
  await runPool(
    results,
    parallel,
    async (result, index) => {
      const args = [cli, 'simulate', '--config', result.config, '--database', result.database, '--json'];
      if (options.census !== undefined) args.push('--census', result.census);
      args.push('--threads', String(childThreads), '--memory-limit', childMemory);
      if (options.seed !== undefined) args.push('--seed', String(options.seed));
      if (options.failOnCompliance === true) args.push('--fail-on-compliance');
      args.push(...censusIntakeArgs(options.censusIntake ?? {}));
      const outcome = await runChild({
        args,
        cwd: process.cwd(),
        env: childEnv,
        stdoutPath: result.stdoutPath,
        stderrPath: result.stderrPath,
        signal: options.signal,
        onSpawn: (pid) => options.onEvent?.({ type: 'start', scenario: result.name, index, total, pid }),
      });
      recordOutcome(result, outcome, runWarnings);
      options.onEvent?.({ type: 'finish', result, index, total });
    },
    () => options.signal?.aborted === true,
  );
  const interrupted = options.signal?.aborted === true;

  // 4. The comparison, from the databases of the completed runs.
  const warnings = [...new Set(prepared.flatMap((p) => p.warnings)), ...runWarnings];
  const completed = results.filter((r) => r.status === 'completed');
  let comparison: ScenarioComparison | null = null;
  let workbookPath: string | undefined = join(batchDir, 'comparison.xlsx');
  try {
    const read = await readComparison(completed.map((r) => ({ name: r.name, database: r.database })));
    for (const e of read.errors) warnings.push(`comparison: cannot read the database of scenario ${e.scenario}: ${e.error}`);
    if (read.scenarios.length > 0) {
      const names = read.scenarios.map((s) => s.name);
      // Without the baseline's figures, the others are compared with the default choice among those read.
      const against = names.includes(baseline) ? baseline : chooseBaseline(names);
      if (against !== baseline) warnings.push(`comparison: the baseline ${baseline} has no figures; differences are against ${against}`);
      comparison = compareScenarios(read.scenarios, { baseline: against, discountRate });
    }
    const compared = comparison;
    await writeAtomically(workbookPath, (temp) => writeComparisonWorkbook(temp, compared, results, startedAt));
  } catch (error) {
    warnings.push(`comparison workbook not written: ${(error as Error).message}`);
    workbookPath = undefined;
  }

  // 5. The summary, whatever happened.
  const finishedAt = clock();
  const failed = results.filter((r) => r.status === 'failed').length;
  const exitCode = interrupted ? ExitCode.Interrupted : failed > 0 ? ExitCode.RunFailure : ExitCode.Success;
  const result: BatchResult = {
    batchDir,
    summaryPath: join(batchDir, 'batch_summary.json'),
    workbookPath,
    parallel,
    threads: childThreads,
    memoryLimit: childMemory,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: Number((process.hrtime.bigint() - t0) / 1_000_000n) / 1000,
    interrupted,
    exitCode,
    scenarios: results,
    comparison,
    warnings,
  };
  await writeTextAtomically(result.summaryPath, `${JSON.stringify(summaryJson(result, baseConfig, options), null, 2)}\n`);
  return result;
}

function positive(value: number, option: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${option} must be a whole number of at least 1, got ${value}`);
  return value;
}

/** `<outputDir>/batch_YYYYmmdd_HHMMSS`, or with `_2`, `_3`... when that folder exists already. */
export function createBatchDir(outputDir: string, at: Date): string {
  mkdirSync(outputDir, { recursive: true });
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}_${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  for (let n = 1; ; n++) {
    const dir = join(outputDir, n === 1 ? `batch_${stamp}` : `batch_${stamp}_${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The child's environment: config overrides were applied here and written into its config. */
function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    const override = (name.startsWith('PLANALIGN_') || name.startsWith('NAV_')) && name.includes('__');
    if (!override && name !== 'PLANALIGN_RESOURCE_REPORT') out[name] = value;
  }
  return out;
}

function recordOutcome(result: ScenarioResult, outcome: ChildOutcome, warnings: string[]): void {
  result.pid = outcome.pid ?? null;
  result.exitCode = outcome.exitCode;
  if (outcome.signal !== null) result.signal = outcome.signal;
  result.startedAt = outcome.startedAt.toISOString();
  result.finishedAt = outcome.finishedAt.toISOString();
  result.seconds = outcome.seconds;
  delete result.error;

  const summary = readRunSummary(result.stdoutPath);
  if (summary.ok) {
    result.runId = summary.runId;
    result.years = summary.years;
    if (summary.configHash !== undefined && summary.configHash !== result.configHash) {
      warnings.push(`scenario ${result.name}: the run reports config hash ${summary.configHash}, not the ${result.configHash} validated for it`);
    }
  }
  if (outcome.spawnError !== undefined) {
    result.error = `could not start: ${outcome.spawnError}`;
  } else if (outcome.exitCode !== 0) {
    const why =
      outcome.exitCode === ExitCode.ValidationFailure && summary.ok ? validationFindings(summary.validation, summary.complianceFailures) : stderrTail(result.stderrPath);
    const how = outcome.signal !== null ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`;
    result.error = why === '' ? how : `${how}: ${why}`;
  } else if (!summary.ok) {
    result.error = `exit code 0 but ${result.stdoutPath} is unreadable: ${summary.error}`;
  } else {
    result.status = 'completed';
  }
}

type Validation = Array<{ year: number; rule: string; severity: string; violations: number }>;
type RunSummary =
  | { ok: true; runId: string | undefined; configHash: string | undefined; years: YearFigures[]; validation: Validation; complianceFailures: string[] }
  | { ok: false; error: string };

/**
 * The run summary `simulate --json` printed: either one JSON document, or JSON lines (progress
 * events) whose last `{"event":"summary"}` line is the summary. Per-year figures are its
 * `workforceProgression` (or `years`), without their validation results.
 */
export function readRunSummary(path: string): RunSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  let summary: Record<string, unknown> | undefined;
  try {
    summary = JSON.parse(text) as Record<string, unknown>;
  } catch {
    for (const line of text.split('\n')) {
      try {
        const event = JSON.parse(line) as Record<string, unknown>;
        if (event !== null && event.event === 'summary') summary = event;
      } catch {
        // progress lines are not ours to judge
      }
    }
  }
  const figures = summary?.workforceProgression ?? summary?.years;
  if (summary === undefined || !Array.isArray(figures)) return { ok: false, error: 'it holds no run summary with per-year figures' };
  const validation: Validation = [];
  const add = (year: unknown, results: unknown) => {
    if (!Array.isArray(results)) return;
    for (const r of results as Array<{ rule: string; severity: string; violations: number }>) validation.push({ year: Number(year), ...r });
  };
  const years = (figures as Array<YearFigures & { validation?: unknown }>).map(({ validation: results, ...rest }) => {
    add(rest.year, results);
    return rest as YearFigures;
  });
  if (Array.isArray(summary.validation)) for (const v of summary.validation as Array<{ year: unknown; results: unknown }>) add(v.year, v.results);
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  // The failing compliance tests (simulate --json's `compliance`, complianceJson records).
  const complianceFailures = (Array.isArray(summary.compliance) ? (summary.compliance as Array<Record<string, unknown>>) : [])
    .filter((c) => c.passed === false)
    .map((c) => `${String(c.year)} ${String(c.test_name)} ${String(c.group_name)} failed`);
  return { ok: true, runId: str(summary.runId), configHash: str(summary.configHash), years, validation, complianceFailures };
}

/** For exit 3: the error-severity rules that found violations and the failing compliance tests, from the run's JSON summary. */
function validationFindings(validation: Validation, complianceFailures: readonly string[]): string {
  const findings = validation.filter((v) => v.severity === 'error' && v.violations > 0).map((v) => `${v.year} ${v.rule}: ${v.violations} row(s)`);
  if (findings.length > 0) return `validation failed: ${findings.join('; ')}`;
  return complianceFailures.length > 0 ? `compliance failed (--fail-on-compliance): ${complianceFailures.join('; ')}` : 'validation failed';
}

/** The error of a failed run: from its last "Error:" line on, else its last lines. */
function stderrTail(path: string): string {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l !== '');
  let from = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]?.startsWith('Error:')) {
      from = i;
      break;
    }
  }
  const tail = from >= 0 ? lines.slice(from, from + 10) : lines.slice(-5);
  const joined = tail.join('\n');
  return joined.length > 2000 ? `${joined.slice(0, 1997)}...` : joined;
}

function summaryJson(result: BatchResult, baseConfig: string, options: BatchOptions): unknown {
  const completed = result.scenarios.filter((s) => s.status === 'completed').map((s) => s.name);
  const failed = result.scenarios.filter((s) => s.status === 'failed').map((s) => s.name);
  return {
    batchDir: result.batchDir,
    baseConfig,
    scenariosDir: resolve(options.scenariosDir),
    census: options.census === undefined ? null : resolve(options.census),
    parallel: result.parallel,
    threads: result.threads,
    memoryLimit: result.memoryLimit,
    seed: options.seed ?? null,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    seconds: result.seconds,
    interrupted: result.interrupted,
    exitCode: result.exitCode,
    totalScenarios: result.scenarios.length,
    completed,
    failed,
    comparisonWorkbook: result.workbookPath ?? null,
    // Every figure of the workbook's Comparison sheet, with the differences from the baseline.
    comparison: result.comparison,
    warnings: result.warnings,
    scenarios: result.scenarios.map(({ years, ...scenario }) => ({ ...scenario, error: scenario.error ?? null, years: years ?? [] })),
  };
}
