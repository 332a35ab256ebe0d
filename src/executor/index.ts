/**
 * The executor (ARCHITECTURE "Growing the house"): batch and ensemble submit jobs to a RunExecutor,
 * the local pool of warm children, or the BullMQ queue when given a Redis URL (loaded only then).
 */
import { LocalExecutor } from './local.js';
import type { RunExecutor } from './types.js';

export type * from './types.js';
export { executeJob, JobRefusedError, WORKER_NAME } from './execute.js';
export { inputsDir, loadInputs, writeInputs, type LoadedInputs, type PreparedInputs, type ScenarioSource } from './inputs.js';
export { jobDir, jobId, jobSpec, readJobResult } from './job.js';
export { JobAttemptError, LocalExecutor, LocalPool } from './local.js';

export async function createExecutor(options: {
  queue?: string | undefined;
  parallel?: number | undefined;
  threads?: number | undefined;
  memoryLimit?: string | undefined;
}): Promise<RunExecutor> {
  if (options.queue !== undefined) {
    const { QueueExecutor } = await import('./queue.js');
    return new QueueExecutor({ url: options.queue });
  }
  return new LocalExecutor({ parallel: options.parallel, threads: options.threads, memoryLimit: options.memoryLimit });
}
