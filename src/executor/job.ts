/**
 * Job identity and the job folder: `<outputDir>/jobs/<id>/` holds the job's database, its log and,
 * renamed into place last, result.json, whose presence alone says the job is done (both back-ends).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_VERSION } from '../version.js';
import type { JobInputsRef, JobResult, JobSpec } from './types.js';

export const RESULT_FILE = 'result.json';
export const JOB_DATABASE = 'simulation.duckdb';
export const JOB_LOG = 'job.log';

/** sha256 hex, first 32 digits, of `planalign-job-1|<engineVersion>|<inputs hash>|<seed>`. */
export function jobId(engineVersion: string, inputsHash: string, seed: number): string {
  return createHash('sha256').update(`planalign-job-1|${engineVersion}|${inputsHash}|${seed}`, 'utf8').digest('hex').slice(0, 32);
}

/** The job of `scenario` with `seed` over these inputs, for this engine version. */
export function jobSpec(inputs: JobInputsRef, scenario: string, seed: number): JobSpec {
  return { id: jobId(ENGINE_VERSION, inputs.hash, seed), scenario, seed, inputs: inputs.hash, engineVersion: ENGINE_VERSION };
}

export function jobDir(outputDir: string, id: string): string {
  return join(outputDir, 'jobs', id);
}

/**
 * The job's result, or undefined when it has none (not run, or a file that is unreadable or names
 * another job: the job is then run again, which rewrites it).
 */
export function readJobResult(outputDir: string, id: string): JobResult | undefined {
  let result: JobResult;
  try {
    result = JSON.parse(readFileSync(join(jobDir(outputDir, id), RESULT_FILE), 'utf8')) as JobResult;
  } catch {
    return undefined;
  }
  return result !== null && typeof result === 'object' && result.id === id && Array.isArray(result.years) ? result : undefined;
}
