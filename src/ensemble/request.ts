import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PlanAlignError, UsageError } from '../errors.js';
import { jobSpec, writeInputs, type ScenarioSource } from '../executor/index.js';
import type { JobSpec } from '../executor/types.js';
import { writeTextAtomically } from '../reporting/atomic.js';
import { ensembleSeeds } from './seeds.js';
import type { Threshold } from './thresholds.js';

/**
 * `DIR/ensemble_request.json`, written before any job runs: what the ensemble is (its scenarios'
 * inputs, seeds and jobs) and its thresholds. `--resume` runs it again; another command over the
 * same folder must ask for the same jobs (or pass --force).
 */
export interface EnsembleRequest {
  version: 1;
  /** When the ensemble was first requested: it dates the workbook, so re-runs write the same bytes. */
  created: string;
  scenarios: Array<{ name: string; inputs: string; startYear: number; endYear: number; randomSeed: number; seeds: number[] }>;
  thresholds: Threshold[];
  jobs: JobSpec[];
}

export const REQUEST_FILE = 'ensemble_request.json';

/**
 * Writes each scenario's inputs folder and lists the jobs: scenarios × seeds, the seeds derived from
 * each scenario's random_seed. `thresholds` gets the simulated years (a threshold's year is checked
 * against them).
 */
export async function planEnsemble(
  outputDir: string,
  sources: readonly ScenarioSource[],
  seeds: { seeds?: string | undefined; seedList?: string | undefined },
  thresholds: (years: { startYear: number; endYear: number }) => Threshold[],
  now: Date,
): Promise<EnsembleRequest> {
  await mkdir(outputDir, { recursive: true });
  const scenarios: EnsembleRequest['scenarios'] = [];
  const jobs: JobSpec[] = [];
  for (const source of sources) {
    const inputs = await writeInputs(outputDir, source);
    const list = ensembleSeeds(inputs.randomSeed, seeds);
    scenarios.push({ name: source.name, inputs: inputs.hash, startYear: inputs.startYear, endYear: inputs.endYear, randomSeed: inputs.randomSeed, seeds: list });
    jobs.push(...list.map((seed) => jobSpec(inputs, source.name, seed)));
  }
  const years = { startYear: Math.min(...scenarios.map((s) => s.startYear)), endYear: Math.max(...scenarios.map((s) => s.endYear)) };
  return { version: 1, created: now.toISOString(), scenarios, thresholds: thresholds(years), jobs };
}

export function readRequest(outputDir: string): EnsembleRequest | undefined {
  const path = join(outputDir, REQUEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const request = JSON.parse(readFileSync(path, 'utf8')) as EnsembleRequest;
    if (request.version !== 1 || !Array.isArray(request.jobs) || !Array.isArray(request.scenarios)) throw new Error('not an ensemble request of this version');
    return request;
  } catch (error) {
    throw new PlanAlignError(`Cannot read the ensemble request ${path}: ${(error as Error).message}`, { file: path });
  }
}

/** The jobs of a request, as one comparable text. */
const jobsKey = (request: EnsembleRequest): string => JSON.stringify(request.jobs.map((j) => [j.scenario, j.seed, j.id]));

/**
 * Records the request in the folder. The same jobs as the recorded request: kept, with its creation
 * date and the new thresholds (they only steer the aggregation). Other jobs: refused unless `force`.
 */
export async function recordRequest(outputDir: string, request: EnsembleRequest, force: boolean): Promise<EnsembleRequest> {
  const existing = readRequest(outputDir);
  let recorded = request;
  if (existing !== undefined && jobsKey(existing) === jobsKey(request)) recorded = { ...request, created: existing.created };
  else if (existing !== undefined && !force) {
    const describe = (r: EnsembleRequest) => r.scenarios.map((s) => `${s.name} × ${s.seeds.length} seed(s)`).join(', ');
    throw new UsageError(
      `${outputDir} holds another ensemble (${describe(existing)}; this one: ${describe(request)})`,
      { file: join(outputDir, REQUEST_FILE) },
      'Use another --output-dir, --resume to complete the recorded one, or --force to replace it (finished jobs are still reused).',
    );
  }
  await writeTextAtomically(join(outputDir, REQUEST_FILE), `${JSON.stringify(recorded, null, 2)}\n`);
  return recorded;
}
