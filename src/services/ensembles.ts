/**
 * Ensembles of a workspace scenario: the scenario over several seeds on the local executor, in
 * ensembles/<scenario>/<run-id>/ (the folder `planalign ensemble --workspace` writes, with the same
 * files: ensemble_request.json, jobs/, inputs/, ensemble.duckdb/.json/.xlsx, charts/). Started in the
 * background; its state is read back from the folder, so the list survives a server restart.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTextAtomically } from '../reporting/atomic.js';
import { thresholdShares, type BandRow, type ThresholdRow } from '../ensemble/aggregate.js';
import type { EnsembleMetric } from '../ensemble/metrics.js';
import type { EnsembleJobRow } from '../ensemble/outputs.js';
import { planEnsemble, readRequest, recordRequest } from '../ensemble/request.js';
import { runEnsemble } from '../ensemble/run.js';
import { ensembleScenarios } from '../ensemble/scenarios.js';
import { resolveThresholds, type Threshold } from '../ensemble/thresholds.js';
import { Database } from '../db/database.js';
import { ConflictError, NotFoundError, UsageError } from '../errors.js';
import { createExecutor, type ExecutorEvent } from '../executor/index.js';
import { jobDir, RESULT_FILE } from '../executor/job.js';
import { newRunId, validateScenarioName, type Workspace } from '../workspace/workspace.js';

export const MAX_ENSEMBLE_SEEDS = 1000;

/**
 * running: in this process; completed: every job done; failed: some job failed, or the ensemble
 * stopped on an error (ensemble_error.json); cancelled: cancelled here; incomplete: no outputs and not
 * running here (interrupted, or running in another process: `planalign ensemble --resume` completes it).
 */
export type EnsembleState = 'running' | 'completed' | 'failed' | 'cancelled' | 'incomplete';

export interface EnsembleSummary {
  scenario: string;
  runId: string;
  seeds: number;
  jobs: number;
  /** Jobs with a result (the progress of a running ensemble). */
  done: number;
  state: EnsembleState;
  createdAt: string;
}

export interface EnsembleResults extends EnsembleSummary {
  /** The metrics with bands, their bands per year (mean, SD, P5-P95), the thresholds and the share of seeds crossing each. */
  metrics: EnsembleMetric[];
  bands: BandRow[];
  thresholds: Threshold[];
  thresholdShares: ThresholdRow[];
  /** Each job's scenario, seed, id and status (and error). */
  jobStatuses: EnsembleJobRow[];
}

const ERROR_FILE = 'ensemble_error.json';
const OUTPUT_FILE = 'ensemble.json';

/** The ensembles running in this process, by folder: how to cancel each, and whether it was. */
const running = new Map<string, { controller: AbortController; finished: Promise<EnsembleState> }>();

/**
 * Starts an ensemble of the scenario: the request (inputs folder, seeds, thresholds) is written before
 * this returns, so a bad scenario, census or threshold is refused here; the jobs then run in the
 * background. `finished` settles with the final state (it never rejects).
 */
export async function startEnsemble(
  ws: Workspace,
  scenario: string,
  options: { seeds: number; startYear?: number; endYear?: number; thresholds?: string[] },
  onEvent?: (event: ExecutorEvent) => void,
): Promise<{ runId: string; dir: string; finished: Promise<EnsembleState> }> {
  if (!Number.isInteger(options.seeds) || options.seeds < 1 || options.seeds > MAX_ENSEMBLE_SEEDS) {
    throw new UsageError(`seeds must be a whole number from 1 to ${MAX_ENSEMBLE_SEEDS}, not ${options.seeds}`);
  }
  const config = ws.existingScenarioFile(scenario);
  const simulation = ws.scenarioConfig(scenario).config;
  const years = {
    startYear: options.startYear ?? simulation.simulation.start_year,
    endYear: options.endYear ?? simulation.simulation.end_year,
  };
  if (years.endYear < years.startYear) throw new UsageError(`endYear ${years.endYear} is before startYear ${years.startYear}`);
  const { sources } = ensembleScenarios({ config, census: ws.scenarioCensus(scenario), censusIntake: {}, years, env: {} });
  for (const source of sources) source.name = scenario;
  const runId = newRunId();
  const dir = ws.ensembleDir(scenario, runId);
  const planned = await planEnsemble(
    dir,
    sources,
    { seeds: String(options.seeds) },
    (span) => resolveThresholds(simulation.ensemble?.thresholds, options.thresholds ?? [], span),
    new Date(),
  );
  const request = await recordRequest(dir, planned, false);

  const controller = new AbortController();
  const finished = (async (): Promise<EnsembleState> => {
    try {
      const executor = await createExecutor({});
      try {
        const run = await runEnsemble(dir, request, executor, { signal: controller.signal, ...(onEvent === undefined ? {} : { onEvent }) });
        return run.interrupted ? 'cancelled' : run.exitCode === 0 ? 'completed' : 'failed';
      } finally {
        await executor.close();
      }
    } catch (error) {
      await writeTextAtomically(join(dir, ERROR_FILE), `${JSON.stringify({ error: (error as Error).message, at: new Date().toISOString() })}\n`);
      return 'failed';
    } finally {
      running.delete(dir);
    }
  })();
  running.set(dir, { controller, finished });
  return { runId, dir, finished };
}

/** Cancels an ensemble running in this process (queued jobs dropped, running ones roll back); resolves with its final state. */
export async function cancelEnsemble(ws: Workspace, scenario: string, runId: string): Promise<EnsembleState> {
  const dir = ws.ensembleDir(scenario, runId);
  const entry = running.get(dir);
  if (entry === undefined) throw new ConflictError(`Ensemble ${runId} of scenario ${scenario} is not running here`);
  entry.controller.abort();
  return entry.finished;
}

/** Cancels every ensemble running in this process and waits for them (server shutdown). */
export async function stopEnsembles(): Promise<void> {
  const entries = [...running.values()];
  for (const entry of entries) entry.controller.abort();
  await Promise.all(entries.map((e) => e.finished));
}

function summary(ws: Workspace, scenario: string, runId: string): EnsembleSummary | undefined {
  const dir = ws.ensembleDir(scenario, runId);
  const request = readRequest(dir);
  if (request === undefined) return undefined;
  const cancelled = running.get(dir)?.controller.signal.aborted === true;
  let state: EnsembleState;
  if (running.has(dir)) state = cancelled ? 'cancelled' : 'running';
  else if (existsSync(join(dir, ERROR_FILE))) state = 'failed';
  else if (existsSync(join(dir, OUTPUT_FILE))) {
    const jobs = (JSON.parse(readFileSync(join(dir, OUTPUT_FILE), 'utf8')) as { jobs: EnsembleJobRow[] }).jobs;
    state = jobs.every((j) => j.status === 'completed') ? 'completed' : jobs.some((j) => j.status === 'failed') ? 'failed' : 'cancelled';
  } else state = 'incomplete';
  return {
    scenario,
    runId,
    seeds: Math.max(...request.scenarios.map((s) => s.seeds.length)),
    jobs: request.jobs.length,
    done: request.jobs.filter((j) => existsSync(join(jobDir(dir, j.id), RESULT_FILE))).length,
    state,
    createdAt: request.created,
  };
}

/** The ensembles of a scenario (or of every scenario), newest first. */
export function listEnsembles(ws: Workspace, scenario?: string): EnsembleSummary[] {
  const root = join(ws.root, 'ensembles');
  const scenarios = scenario !== undefined ? [validateScenarioName(scenario)] : existsSync(root) ? readdirSync(root) : [];
  const found: EnsembleSummary[] = [];
  for (const s of scenarios) {
    const folder = join(root, s);
    if (!existsSync(folder)) continue;
    for (const runId of readdirSync(folder)) {
      try {
        const entry = summary(ws, s, runId);
        if (entry !== undefined) found.push(entry);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error; // a folder not named as a scenario or run id
      }
    }
  }
  return found.sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : a.scenario.localeCompare(b.scenario)));
}

/** The path of a finished ensemble's output `file`; not found, or a conflict while it has no outputs. */
function outputOf(ws: Workspace, scenario: string, runId: string, file: string): { entry: EnsembleSummary; path: string } {
  const entry = summary(ws, scenario, runId);
  if (entry === undefined) throw new NotFoundError(`Ensemble ${runId} of scenario ${scenario} not found`);
  const path = join(ws.ensembleDir(scenario, runId), file);
  if (entry.state === 'running' || !existsSync(path)) throw new ConflictError(`Ensemble ${runId} of scenario ${scenario} has no results yet (${entry.state})`);
  return { entry, path };
}

/** A finished ensemble's bands and threshold shares (its ensemble.json); a usage error while it has none. */
export async function readEnsemble(ws: Workspace, scenario: string, runId: string): Promise<EnsembleResults> {
  const { entry, path: file } = outputOf(ws, scenario, runId, OUTPUT_FILE);
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    metrics: EnsembleMetric[];
    thresholds: Threshold[];
    bands: BandRow[];
    threshold_shares: ThresholdRow[];
    jobs: EnsembleJobRow[];
  };
  return {
    ...entry,
    metrics: report.metrics,
    bands: report.bands,
    thresholds: report.thresholds,
    thresholdShares: report.threshold_shares,
    jobStatuses: report.jobs,
  };
}

/**
 * The share of seeds crossing thresholds asked after the ensemble ran ("METRIC>VALUE[@YEAR]", as
 * `planalign ensemble --threshold`), from its ensemble.duckdb: the same figures its own thresholds got.
 */
export async function ensembleThresholdShares(ws: Workspace, scenario: string, runId: string, texts: readonly string[]): Promise<ThresholdRow[]> {
  const { path } = outputOf(ws, scenario, runId, 'ensemble.duckdb');
  const request = readRequest(ws.ensembleDir(scenario, runId))!;
  const span = { startYear: Math.min(...request.scenarios.map((s) => s.startYear)), endYear: Math.max(...request.scenarios.map((s) => s.endYear)) };
  const thresholds = resolveThresholds(undefined, texts, span);
  const db = await Database.open(path, { readOnly: true });
  try {
    return await thresholdShares(db, thresholds, request.scenarios.map((s) => s.name));
  } finally {
    db.close();
  }
}
