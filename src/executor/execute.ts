/**
 * One job, in this process: what a warm child of the local pool and a queue worker both call. A job
 * found done (its result file) is not run again; else its inputs are verified, a partial database of
 * a dead attempt is removed, and the job is simulated through the OrchestratorBuilder exactly as
 * `simulate` runs (validation, audit, checkpoints), its figures read by the one definition of them
 * (readYearMetrics, readComplianceResults), and result.json renamed into place last.
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { PlanAlignError } from '../errors.js';
import { OrchestratorBuilder } from '../factory.js';
import type { PipelineOrchestrator } from '../orchestrator/orchestrator.js';
import { writeTextAtomically } from '../reporting/atomic.js';
import { readComplianceResults } from '../reporting/compliance.js';
import { readYearMetrics } from '../reporting/metrics.js';
import { ENGINE_VERSION } from '../version.js';
import { loadInputs } from './inputs.js';
import { JOB_DATABASE, JOB_LOG, RESULT_FILE, jobDir, jobId, readJobResult } from './job.js';
import type { JobResult, JobSpec, JobYear } from './types.js';

export interface ExecuteOptions {
  /** DuckDB threads and memory limit of the job (results never depend on them). */
  threads?: number;
  memoryLimit?: string;
  /** Aborting interrupts the job: the year in progress is rolled back, no result is written. */
  signal?: AbortSignal;
  onProgress?: (year: number, stage?: string) => void;
}

/** `host:pid`: who ran a job. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

/**
 * A job that cannot succeed however often it is run (another engine version, inputs that do not
 * verify, a job id that is not its inputs'): not retried.
 */
export class JobRefusedError extends PlanAlignError {}

export async function executeJob(outputDir: string, job: JobSpec, options: ExecuteOptions = {}): Promise<{ result: JobResult; reused: boolean }> {
  const found = readJobResult(outputDir, job.id);
  if (found !== undefined) return { result: found, reused: true };
  if (job.engineVersion !== ENGINE_VERSION) {
    throw new JobRefusedError(`Job ${job.id} (${job.scenario}, seed ${job.seed}) is for PlanAlign ${job.engineVersion}; this is ${ENGINE_VERSION}`, {}, 'Run the same PlanAlign version on the coordinator and every worker.');
  }
  const inputs = await loadInputs(outputDir, job.inputs).catch((error: unknown) => {
    throw error instanceof PlanAlignError && !(error instanceof JobRefusedError) ? new JobRefusedError(error.message, error.context, error.hint, { cause: error }) : error;
  });
  if (jobId(job.engineVersion, inputs.hash, job.seed) !== job.id) {
    throw new JobRefusedError(`Job ${job.id} is not the job of inputs ${inputs.hash} with seed ${job.seed}`);
  }

  const dir = jobDir(outputDir, job.id);
  mkdirSync(dir, { recursive: true });
  const database = join(dir, JOB_DATABASE);
  // What a dead attempt left: its database is never resumed (the job starts over, as if never run).
  for (const file of [database, `${database}.wal`]) rmSync(file, { force: true });
  const log = join(dir, JOB_LOG);
  const logger = pino({ level: 'info', base: { pid: process.pid, job: job.id } }, { write: (line: string) => appendFileSync(log, line) });
  logger.info({ scenario: job.scenario, seed: job.seed, inputs: job.inputs, worker: WORKER_NAME }, 'job started');

  const builder = new OrchestratorBuilder()
    .withConfig(inputs.file.config, { baseDir: inputs.dir })
    .withEnvironment({})
    .withSeed(job.seed)
    .withDatabase(database)
    .withCensusIntake(inputs.file.censusIntake)
    .withLogger(logger)
    .withProgress({
      emit: (event) => {
        if (event.kind === 'year_started') options.onProgress?.(event.year);
        else if (event.kind === 'stage_started') options.onProgress?.(event.year, event.stage);
      },
    });
  if (options.threads !== undefined) builder.withThreads(options.threads);
  if (options.memoryLimit !== undefined) builder.withMemoryLimit(options.memoryLimit);

  const t0 = process.hrtime.bigint();
  let orchestrator: PipelineOrchestrator | undefined;
  let result: JobResult;
  try {
    orchestrator = await builder.build();
    // An error-severity finding fails the job, as it fails `simulate` (exit 3): its figures are not kept.
    const run = await orchestrator.executeMultiYearSimulation({ failOnValidationError: true, signal: options.signal });
    result = {
      id: job.id,
      scenario: job.scenario,
      seed: job.seed,
      inputs: job.inputs,
      engineVersion: job.engineVersion,
      startYear: run.startYear,
      endYear: run.endYear,
      runId: run.runId,
      seconds: Number((process.hrtime.bigint() - t0) / 1_000_000n) / 1000,
      worker: WORKER_NAME,
      finishedAt: new Date().toISOString(),
      database: JOB_DATABASE,
      years: await jobYears(orchestrator),
    };
  } catch (error) {
    logger.error({ err: error }, 'job failed');
    throw error;
  } finally {
    orchestrator?.close();
  }
  await writeTextAtomically(join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
  logger.info({ seconds: result.seconds }, 'job finished');
  return { result, reused: false };
}

/** Each year's headline figures, and whether each compliance test passed in every group. */
async function jobYears(orchestrator: PipelineOrchestrator): Promise<JobYear[]> {
  const db = orchestrator.database;
  const compliance = await readComplianceResults(db);
  return (await readYearMetrics(db)).map((metrics) => {
    const passed: Record<string, boolean> = {};
    for (const r of compliance.filter((c) => c.year === metrics.year)) passed[r.test] = (passed[r.test] ?? true) && r.passed;
    return { ...metrics, compliance: passed };
  });
}
