/**
 * A scenario's resolved inputs, written once to `<outputDir>/inputs/<inputs hash>/`: the config (as
 * inputs.json's `config`), a copy of the census (and its intake sidecar) and of the parameter tables
 * the config uses. Jobs carry the hash only; whoever runs one reads everything from that folder,
 * wherever it is mounted, after checking it still hashes to its name.
 *
 * The stored config names the census and the tables by paths relative to the folder
 * (`census.<ext>`, `parameters`), and the job runs it with the folder as its base: so the config hash,
 * and the inputs hash and job ids made from it, do not depend on where the output folder is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { CensusIntakeOptions } from '../census/intake.js';
import { hashCensus } from '../census/ingest.js';
import { readingOptions, sidecarPath } from '../census/sidecar.js';
import { parseConfig } from '../config/index.js';
import { CensusError, PlanAlignError } from '../errors.js';
import { loadParameterTables } from '../params/tables.js';
import { ENGINE_VERSION } from '../version.js';
import type { JobInputsRef } from './types.js';

export interface ScenarioSource {
  /** The scenario's name. */
  name: string;
  /** The resolved config object (scenario merged, environment and command-line overrides applied). */
  config: Record<string, unknown>;
  /** The census path as the user gave it (relative: to the working folder). */
  census: string;
  /** The command line's intake flags (the census's sidecar applies to the rest). */
  censusIntake?: CensusIntakeOptions;
}

export interface PreparedInputs extends JobInputsRef {
  startYear: number;
  endYear: number;
  randomSeed: number;
  /** The inputs folder. */
  dir: string;
}

/** `inputs.json`. */
export interface InputsFile {
  configHash: string;
  censusHash: string;
  parametersHash: string;
  /** The engine that wrote the folder (informative: a job's own engine version is what is checked). */
  engineVersion: string;
  startYear: number;
  endYear: number;
  randomSeed: number;
  /** The census copy's name in the folder. */
  census: string;
  censusIntake: CensusIntakeOptions;
  config: Record<string, unknown>;
}

/** An inputs folder that hashes to its name: what a job runs from. */
export interface LoadedInputs extends PreparedInputs {
  file: InputsFile;
}

export const INPUTS_FILE = 'inputs.json';
const TABLES_FOLDER = 'parameters';

/** sha256 hex of `planalign-inputs-1|<configHash>|<censusHash>|<parametersHash>`. */
export function inputsHash(configHash: string, censusHash: string, parametersHash: string): string {
  return createHash('sha256').update(`planalign-inputs-1|${configHash}|${censusHash}|${parametersHash}`, 'utf8').digest('hex');
}

export function inputsDir(outputDir: string, hash: string): string {
  return join(outputDir, 'inputs', hash);
}

/**
 * Writes the scenario's inputs folder (or verifies the one already there) and returns its hashes.
 * Throws, writing nothing, when the config, the census or the tables cannot be read.
 */
export async function writeInputs(outputDir: string, source: ScenarioSource): Promise<PreparedInputs> {
  const census = resolve(source.census);
  if (!existsSync(census)) {
    throw new CensusError(`Census file ${census} not found`, { file: census }, 'Pass --census FILE, or fix setup.census_parquet_path in the config.');
  }
  const given = parseConfig(source.config, { source: `scenario ${source.name}` }).config;
  const tablesDir = given.setup.parameter_tables_dir;
  const tables = loadParameterTables(tablesDir === undefined ? undefined : resolve(tablesDir));
  const censusName = `census${extname(census).toLowerCase()}`;
  const config = structuredClone(source.config);
  const setup = { ...(config.setup as Record<string, unknown> | undefined), census_parquet_path: censusName, parameter_tables_dir: TABLES_FOLDER };
  config.setup = setup;
  const parsed = parseConfig(config, { source: `scenario ${source.name}` });
  const censusIntake = readingOptions(source.censusIntake ?? {});
  const file: InputsFile = {
    configHash: parsed.hash,
    censusHash: await hashCensus(census, censusIntake, parsed.config.deferral_rates),
    parametersHash: tables.hash,
    engineVersion: ENGINE_VERSION,
    startYear: parsed.config.simulation.start_year,
    endYear: parsed.config.simulation.end_year,
    randomSeed: parsed.config.simulation.random_seed,
    census: censusName,
    censusIntake,
    config,
  };
  const hash = inputsHash(file.configHash, file.censusHash, file.parametersHash);
  const dir = inputsDir(resolve(outputDir), hash);
  if (!existsSync(join(dir, INPUTS_FILE))) {
    // Written in a temporary folder renamed into place: a folder under the hash is always complete.
    const temp = join(outputDir, 'inputs', `.${hash}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    try {
      await mkdir(join(temp, TABLES_FOLDER), { recursive: true });
      await copyFile(census, join(temp, censusName));
      if (existsSync(sidecarPath(census))) await copyFile(sidecarPath(census), sidecarPath(join(temp, censusName)));
      for (const table of Object.values(tables.tables)) await copyFile(table.path, join(temp, TABLES_FOLDER, table.file));
      await writeFile(join(temp, INPUTS_FILE), `${JSON.stringify(file, null, 2)}\n`, 'utf8');
      await rename(temp, dir).catch((error: NodeJS.ErrnoException) => {
        // Another coordinator wrote the same folder first: theirs is verified below.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  // Verified afresh, not through this process's memo: the folder may be another coordinator's.
  const { file: _file, ...prepared } = await verify(dir, hash);
  return prepared;
}

const verified = new Map<string, Promise<LoadedInputs>>();

/**
 * The inputs folder `hash`, its hashes recomputed from what it holds (the stored config, the census
 * copy with its intake, the tables copy): a folder edited, damaged or named wrongly is refused. A
 * process verifies a folder once (a warm worker runs many jobs of the same inputs).
 */
export function loadInputs(outputDir: string, hash: string): Promise<LoadedInputs> {
  const dir = inputsDir(resolve(outputDir), hash);
  let loading = verified.get(dir);
  if (loading === undefined) {
    loading = verify(dir, hash);
    verified.set(dir, loading);
    loading.catch(() => verified.delete(dir));
  }
  return loading;
}

async function verify(dir: string, hash: string): Promise<LoadedInputs> {
  const path = join(dir, INPUTS_FILE);
  let file: InputsFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as InputsFile;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PlanAlignError(
      missing ? `The job's inputs ${path} are missing` : `The job's inputs ${path} cannot be read: ${(error as Error).message}`,
      { file: path },
      'Workers must see the coordinator\'s output folder (--output-dir) at the same place in it.',
    );
  }
  const parsed = parseConfig(file.config, { source: path });
  const census = join(dir, file.census);
  const actual = {
    configHash: parsed.hash,
    censusHash: existsSync(census) ? await hashCensus(census, file.censusIntake, parsed.config.deferral_rates) : `missing ${census}`,
    parametersHash: loadParameterTables(join(dir, TABLES_FOLDER)).hash,
  };
  const wrong = (['configHash', 'censusHash', 'parametersHash'] as const).filter((k) => actual[k] !== file[k]).map((k) => `${k} ${actual[k]} (recorded ${file[k]})`);
  const computed = inputsHash(actual.configHash, actual.censusHash, actual.parametersHash);
  if (computed !== hash) wrong.push(`inputs hash ${computed}`);
  if (wrong.length > 0) {
    throw new PlanAlignError(`The job's inputs ${dir} do not verify: ${wrong.join('; ')}`, { file: path }, 'The folder was changed after it was written: delete it and submit the jobs again.');
  }
  return {
    hash,
    configHash: file.configHash,
    censusHash: file.censusHash,
    parametersHash: file.parametersHash,
    startYear: file.startYear,
    endYear: file.endYear,
    randomSeed: file.randomSeed,
    dir,
    file,
  };
}
