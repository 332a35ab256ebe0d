/**
 * `planalign batch`: many scenarios, each the base config with one scenario file laid over it, each
 * one job (the scenario's inputs, its seed) of the executor: the local pool of warm children, or the
 * queue's workers with --queue. Jobs live under the output folder (`inputs/`, `jobs/`), so a rerun
 * with the same --output-dir finds the finished ones done; the JSON summary and the comparison
 * workbook, built from the job databases, go to the batch's own folder.
 *
 * Unlike the reference runner (serial, in-process, exit 0 whatever failed), every config is
 * validated before anything runs, scenarios run in parallel, and a failed scenario fails the batch.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CensusIntakeOptions } from '../census/intake.js';
import { parseMemoryLimit } from '../db/database.js';
import { ExitCode, UsageError } from '../errors.js';
import { createExecutor } from '../executor/index.js';
import { writeInputs } from '../executor/inputs.js';
import { JOB_DATABASE, JOB_LOG, jobDir, jobSpec } from '../executor/job.js';
import { LocalExecutor } from '../executor/local.js';
import type { ExecutorEvent, JobOutcome, JobSpec, JobYear } from '../executor/types.js';
import { writeAtomically, writeTextAtomically } from '../reporting/atomic.js';
import { chooseBaseline, compareScenarios, type ScenarioComparison } from '../reporting/scenario-compare.js';
import { readComparison, writeComparisonWorkbook } from './comparison.js';
import { discoverScenarios, selectScenarios } from './discover.js';
import { prepareScenarios, writeScenarioConfig, type PreparedScenario } from './prepare.js';

export { deepMerge, normalizeSections } from './merge.js';
export { discoverScenarios, selectScenarios, type ScenarioFile } from './discover.js';
export { prepareScenarios, type PreparedScenario } from './prepare.js';
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
  /** The batch folder, and the jobs (`inputs/`, `jobs/`), are created in here (default outputs). */
  outputDir?: string | undefined;
  /** Only these scenarios. */
  scenarios?: readonly string[] | undefined;
  /** At most this many local runs at once (default 1). */
  parallel?: number | undefined;
  /** DuckDB threads of each local run (default: the cores divided among the runs at once, at least 1). */
  threads?: number | undefined;
  /** DuckDB memory limit of each local run (default: the default memory limit divided among the runs at once). */
  memoryLimit?: string | undefined;
  /** Seed of every scenario (default: each merged config's simulation.random_seed). */
  seed?: number | undefined;
  /** How every run reads the census (the intake flags; the census's sidecar applies to the rest). */
  censusIntake?: CensusIntakeOptions | undefined;
  /** The scenario the others are compared with (default: the one named `baseline`, else the first by name). */
  baseline?: string | undefined;
  /** Annual discount rate of the present value of employer cost, a fraction (default 0). */
  discountRate?: number | undefined;
  /** A failing compliance test fails the scenario (as --fail-on-compliance fails simulate). */
  failOnCompliance?: boolean | undefined;
  /** Source of PLANALIGN_/NAV_ overrides, applied here and written into each scenario config (default process.env). */
  env?: Record<string, string | undefined> | undefined;
  /** A Redis URL: the jobs go to the queue's workers (`planalign worker`) instead of local children. */
  queue?: string | undefined;
  /** Runs of a job before its scenario fails (default 2). */
  attempts?: number | undefined;
  /** Aborting stops new runs and interrupts running ones (each rolls back its year in progress). */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: BatchEvent) => void) | undefined;
  clock?: (() => Date) | undefined;
}

export type BatchEvent =
  | {
      type: 'prepared';
      batchDir: string;
      executor: 'local' | 'queue';
      parallel: number;
      threads: number | null;
      memoryLimit: string | null;
      scenarios: readonly PreparedScenario[];
    }
  | { type: 'start'; scenario: string; index: number; total: number; worker: string; attempt: number }
  | { type: 'retry'; scenario: string; index: number; total: number; attempt: number; error: string }
  | { type: 'finish'; result: ScenarioResult; index: number; total: number };

export interface ScenarioResult {
  name: string;
  status: 'completed' | 'failed';
  /** The scenario's job (null when its inputs could not be prepared) and its inputs hash. */
  job: string | null;
  inputs: string | null;
  /** Found done under the output folder (an earlier batch ran it) rather than run. */
  reused: boolean;
  /** Runs of its job this batch started. */
  attempts: number;
  /** Who ran it (`host:pid`), when, and the simulation's seconds. */
  worker: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  seconds: number | null;
  seed: number;
  startYear: number;
  endYear: number;
  census: string;
  /** Hash of the validated config, as written to `config`. */
  configHash: string;
  /** The scenario file, and the merged config written for a rerun by hand. */
  scenarioFile: string;
  config: string;
  /** The job's database and log (null without a job). */
  database: string | null;
  log: string | null;
  /** Why it failed. */
  error?: string;
  runId?: string;
  years?: JobYear[];
}

export interface BatchResult {
  batchDir: string;
  summaryPath: string;
  workbookPath: string | undefined;
  executor: 'local' | 'queue';
  parallel: number;
  /** DuckDB threads and memory limit of each local run (null on the queue: its workers decide). */
  threads: number | null;
  memoryLimit: string | null;
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
  const attempts = positive(options.attempts ?? 2, '--attempts');
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new UsageError(`--seed must be a whole number, got ${options.seed}`);
  const env = options.env ?? process.env;
  const baseConfig = resolve(options.config ?? DEFAULT_BASE_CONFIG);
  const outputDir = resolve(options.outputDir ?? DEFAULT_OUTPUT_DIR);

  // 1. Everything that can be wrong is found before anything runs or is written.
  const files = selectScenarios(discoverScenarios(options.scenariosDir), options.scenarios);
  const prepared = prepareScenarios({ baseConfig, scenarios: files, census: options.census, seed: options.seed, env });
  const baseline = chooseBaseline(
    prepared.map((p) => p.name),
    options.baseline,
  );
  const discountRate = options.discountRate ?? 0;
  if (!(discountRate >= 0 && discountRate < 1)) throw new UsageError(`--discount-rate must be a rate from 0 to below 1, got ${discountRate}`);
  // Runs at once share the machine: the pool divides the cores and the memory among them.
  const executor = await createExecutor({ queue: options.queue, parallel: Math.min(parallel, prepared.length), threads, memoryLimit });
  try {
    // 2. The batch folder, and each scenario's config written for a rerun by hand.
    const batchDir = createBatchDir(outputDir, startedAt);
    const results: ScenarioResult[] = prepared.map((scenario) => {
      const dir = join(batchDir, scenario.name);
      mkdirSync(dir);
      const config = join(dir, 'simulation_config.yaml');
      writeScenarioConfig(config, scenario, baseConfig);
      return {
        name: scenario.name,
        status: 'failed',
        job: null,
        inputs: null,
        reused: false,
        attempts: 0,
        worker: null,
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
        database: null,
        log: null,
        error: 'not started: the batch was interrupted',
      };
    });

    // 3. Each scenario's inputs and job; a scenario whose census cannot be read fails alone.
    const jobs: Array<JobSpec | undefined> = [];
    for (const [index, scenario] of prepared.entries()) {
      const result = results[index] as ScenarioResult;
      try {
        const source = { name: scenario.name, config: scenario.raw, census: scenario.census, censusIntake: options.censusIntake ?? {} };
        const job = jobSpec(await writeInputs(outputDir, source), scenario.name, scenario.seed);
        jobs.push(job);
        const dir = jobDir(outputDir, job.id);
        Object.assign(result, { job: job.id, inputs: job.inputs, database: join(dir, JOB_DATABASE), log: join(dir, JOB_LOG) });
      } catch (error) {
        jobs.push(undefined);
        result.error = `its inputs cannot be prepared: ${(error as Error).message}`;
      }
    }
    const pool = executor instanceof LocalExecutor ? executor.pool : undefined;
    options.onEvent?.({ type: 'prepared', batchDir, executor: executor.kind, parallel, threads: pool?.threads ?? null, memoryLimit: pool?.memoryLimit ?? null, scenarios: prepared });
    const total = results.length;
    for (const [index, result] of results.entries()) {
      if (jobs[index] === undefined) options.onEvent?.({ type: 'finish', result, index, total });
    }

    // 4. The jobs. Scenarios of identical inputs and seed are one job: each of them hears of it.
    const indicesOf = (job: JobSpec): number[] => jobs.flatMap((j, i) => (j?.id === job.id ? [i] : []));
    const onJobEvent = (event: ExecutorEvent): void => {
      for (const index of indicesOf(event.job)) {
        const result = results[index] as ScenarioResult;
        if (event.type === 'started') {
          result.startedAt ??= clock().toISOString();
          options.onEvent?.({ type: 'start', scenario: result.name, index, total, worker: event.worker, attempt: event.attempt });
        } else if (event.type === 'failed' && event.willRetry) {
          options.onEvent?.({ type: 'retry', scenario: result.name, index, total, attempt: event.attempt, error: event.error });
        }
      }
    };
    const submitted = jobs.filter((j): j is JobSpec => j !== undefined);
    const outcomes = await executor.run(outputDir, submitted, { signal: options.signal, attempts, onEvent: onJobEvent });
    for (const outcome of outcomes) {
      for (const index of indicesOf(outcome.job)) {
        const result = results[index] as ScenarioResult;
        recordOutcome(result, outcome, clock(), options.failOnCompliance === true);
        options.onEvent?.({ type: 'finish', result, index, total });
      }
    }
    const interrupted = options.signal?.aborted === true;

    // 5. The comparison, from the databases of the completed runs.
    const warnings = [...new Set(prepared.flatMap((p) => p.warnings))];
    const completed = results.filter((r) => r.status === 'completed');
    let comparison: ScenarioComparison | null = null;
    let workbookPath: string | undefined = join(batchDir, 'comparison.xlsx');
    try {
      const read = await readComparison(completed.map((r) => ({ name: r.name, database: r.database as string })));
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

    // 6. The summary, whatever happened.
    const finishedAt = clock();
    const failed = results.filter((r) => r.status === 'failed').length;
    const exitCode = interrupted ? ExitCode.Interrupted : failed > 0 ? ExitCode.RunFailure : ExitCode.Success;
    const result: BatchResult = {
      batchDir,
      summaryPath: join(batchDir, 'batch_summary.json'),
      workbookPath,
      executor: executor.kind,
      parallel,
      threads: pool?.threads ?? null,
      memoryLimit: pool?.memoryLimit ?? null,
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
  } finally {
    await executor.close();
  }
}

/** What its job's outcome says of a scenario; with failOnCompliance, a failing compliance test fails it. */
function recordOutcome(result: ScenarioResult, outcome: JobOutcome, now: Date, failOnCompliance: boolean): void {
  result.attempts = outcome.attempts;
  result.reused = outcome.reused === true;
  delete result.error;
  const run = outcome.result;
  if (outcome.status === 'completed' && run !== undefined) {
    Object.assign(result, { worker: run.worker, finishedAt: run.finishedAt, seconds: run.seconds, runId: run.runId, years: run.years });
    const failures = run.years.flatMap((y) => Object.entries(y.compliance).filter(([, passed]) => !passed).map(([test]) => `${y.year} ${test} failed`));
    if (failOnCompliance && failures.length > 0) result.error = `compliance failed (--fail-on-compliance): ${failures.join('; ')}`;
    else result.status = 'completed';
  } else {
    result.finishedAt = result.startedAt === null ? null : now.toISOString();
    if (outcome.status !== 'cancelled') result.error = outcome.error ?? 'failed';
    else result.error = outcome.attempts === 0 ? 'not started: the batch was interrupted' : `interrupted: ${outcome.error ?? 'cancelled'}`;
  }
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

function summaryJson(result: BatchResult, baseConfig: string, options: BatchOptions): unknown {
  const completed = result.scenarios.filter((s) => s.status === 'completed').map((s) => s.name);
  const failed = result.scenarios.filter((s) => s.status === 'failed').map((s) => s.name);
  return {
    batchDir: result.batchDir,
    baseConfig,
    scenariosDir: resolve(options.scenariosDir),
    census: options.census === undefined ? null : resolve(options.census),
    executor: result.executor,
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
