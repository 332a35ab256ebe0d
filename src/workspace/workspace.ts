/**
 * A workspace: one folder holding scenarios (config YAML in the CLI's format), census files, and the
 * runs of each scenario, each in its own immutable database with a snapshot of its config and a run
 * record. The CLI (`--workspace`) and the Studio services both go through this class, so the layout
 * and its rules (valid names, nothing outside the folder) are laid down once.
 */
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { SimulationConfig } from '../config/schema.js';
import { NotFoundError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';

export const DEFAULT_WORKSPACE_DIR = 'workspace';
export const WORKSPACE_FORMAT = 'planalign-workspace-1';

export interface RunRecord {
  runId: string;
  scenario: string;
  createdAt: string;
  origin: 'cli' | 'studio' | 'batch';
  startYear: number;
  endYear: number;
  seed: number;
  /** Workspace-relative: runs/<s>/<id>.yaml (the snapshot). */
  config: string;
  /** Workspace-relative census file. */
  census: string;
  /** Workspace-relative runs/<s>/<id>.duckdb. */
  database: string;
  /** Absent while running or when the process died. */
  outcome?: 'completed' | 'failed' | 'cancelled';
  finishedAt?: string;
  error?: string;
}

const SCENARIO_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CENSUS_FILE = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,120}\.(csv|xlsx|parquet)$/;
const RUN_ID = /^\d{8}T\d{9}Z-[0-9a-f]{4}$/;
const SEED_CENSUS = 'census_5000.parquet';

/** A run id: the UTC time to the millisecond and 4 random hex digits, so ids sort by time. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, ''); // 20261201T022711123Z
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function validateScenarioName(name: string): string {
  if (!SCENARIO_NAME.test(name)) {
    throw new UsageError(
      `Invalid scenario name ${JSON.stringify(name)}: use 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

export function validateCensusFileName(file: string): string {
  if (!CENSUS_FILE.test(file)) {
    throw new UsageError(
      `Invalid census file name ${JSON.stringify(file)}: a plain file name (letters, digits, '.', '_', '-', space; no folder) ending in .csv, .xlsx or .parquet`,
    );
  }
  return file;
}

function validateRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new UsageError(`Invalid run id ${JSON.stringify(runId)}: expected YYYYMMDDTHHMMSSmmmZ-xxxx`);
  return runId;
}

/** Writes through a temporary file renamed over `path`: readers see the old file or the whole new one. */
export function writeFileAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * The bundled config with its census in the workspace (census/census_5000.parquet): the seeded
 * `default` scenario and the base of the templates. The one line is changed in place, so the bundled
 * file's layout and comments stay as they are.
 */
export function defaultScenarioYaml(): string {
  const bundled = readFileSync(join(packageRoot, 'config', 'simulation_config.yaml'), 'utf8');
  const line = /^(\s+census_parquet_path:).*$/m;
  if (!line.test(bundled)) throw new Error('config/simulation_config.yaml has no setup.census_parquet_path line');
  return bundled.replace(line, `$1 "census/${SEED_CENSUS}"`);
}

export class Workspace {
  private constructor(readonly root: string) {}

  /**
   * The workspace in `dir`. With `create`, a missing or empty folder is made a workspace and seeded
   * with the `default` scenario and the bundled census; a folder with other files is never taken over.
   */
  static open(dir: string, options: { create?: boolean } = {}): Workspace {
    const path = resolve(dir);
    if (existsSync(join(path, 'workspace.json'))) return new Workspace(realpathSync(path));
    const empty = !existsSync(path) || (statSync(path).isDirectory() && readdirSync(path).length === 0);
    if (!options.create || !empty) {
      const hint = options.create ? 'Give an empty or new folder, or an existing workspace.' : undefined;
      throw new UsageError(`${path} is not a PlanAlign workspace (no workspace.json)`, { file: path }, hint);
    }
    mkdirSync(path, { recursive: true });
    const ws = new Workspace(realpathSync(path));
    ws.seed();
    return ws;
  }

  /** ./workspace, created and seeded when missing. */
  static openDefault(): Workspace {
    return Workspace.open(DEFAULT_WORKSPACE_DIR, { create: true });
  }

  /** The bundled config as scenario `default` over a copy of the bundled census; workspace.json last, once all is in place. */
  private seed(): void {
    for (const folder of ['scenarios', 'census', 'runs', 'ensembles']) mkdirSync(join(this.root, folder), { recursive: true });
    copyFileSync(join(packageRoot, 'examples', SEED_CENSUS), join(this.root, 'census', SEED_CENSUS));
    writeFileAtomically(this.scenarioFile('default'), defaultScenarioYaml());
    writeFileAtomically(
      join(this.root, 'workspace.json'),
      `${JSON.stringify({ format: WORKSPACE_FORMAT, createdAt: new Date().toISOString() }, null, 2)}\n`,
    );
  }

  scenarioFile(name: string): string {
    return join(this.root, 'scenarios', `${validateScenarioName(name)}.yaml`);
  }

  scenarioNames(): string[] {
    const dir = join(this.root, 'scenarios');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') && SCENARIO_NAME.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort();
  }

  /** The scenario's file, which must exist. */
  existingScenarioFile(name: string): string {
    const file = this.scenarioFile(name);
    if (!existsSync(file)) throw new NotFoundError(`Scenario ${name} not found in ${this.root}`, { file });
    return file;
  }

  /** The scenario's config as a run would load it (no environment overrides): throws ConfigError naming the file. */
  scenarioConfig(name: string): LoadedConfig {
    return loadConfig({ path: this.existingScenarioFile(name), env: {} });
  }

  censusFile(file: string): string {
    return join(this.root, 'census', validateCensusFileName(file));
  }

  /** setup.census_parquet_path of the scenario, resolved against the workspace root (never outside it). */
  scenarioCensus(name: string): string {
    return this.configPaths(this.scenarioConfig(name).config, `scenario ${name}`).census;
  }

  /**
   * The paths a config names, resolved against the workspace root: its census and parameter tables
   * folder, each refused (UsageError naming the key) when it leads outside the workspace.
   */
  configPaths(config: SimulationConfig, label: string): { census: string; parameterTablesDir?: string } {
    const { census_parquet_path: census, parameter_tables_dir: tables } = config.setup;
    return {
      census: this.inside(census, `setup.census_parquet_path of ${label}`, 'setup.census_parquet_path'),
      ...(tables === undefined
        ? {}
        : { parameterTablesDir: this.inside(tables, `setup.parameter_tables_dir of ${label}`, 'setup.parameter_tables_dir') }),
    };
  }

  /**
   * A workspace-relative path made absolute. Refused: absolute paths, paths climbing out with '..',
   * and paths whose existing part leads out through a symbolic link.
   */
  inside(relativePath: string, what = 'path', configKey?: string): string {
    const refuse = (): never => {
      throw new UsageError(`${what} ${JSON.stringify(relativePath)} is outside the workspace ${this.root}`, {
        file: relativePath,
        ...(configKey === undefined ? {} : { configKey }),
      });
    };
    if (relativePath === '' || isAbsolute(relativePath) || /^[A-Za-z]:/.test(relativePath)) refuse();
    const target = resolve(this.root, relativePath);
    if (!within(this.root, target)) refuse();
    // The nearest part that exists, followed through symbolic links, must still be inside.
    let existing = target;
    while (!existsSync(existing)) existing = dirname(existing);
    if (!within(this.root, realpathSync(existing))) refuse();
    return target;
  }

  relative(absolute: string): string {
    const target = resolve(absolute);
    if (!within(this.root, target)) throw new UsageError(`${absolute} is outside the workspace ${this.root}`, { file: absolute });
    return relative(this.root, target).split(sep).join('/');
  }

  // ------------------------------------------------------------------------------------------
  // Runs

  /**
   * A new run of the scenario: its config snapshot (the scenario's YAML, with the years and seed
   * written into it when given, so the snapshot alone reproduces the run) and its record.
   */
  newRun(scenario: string, options: { origin: RunRecord['origin']; startYear?: number; endYear?: number; seed?: number }): RunRecord {
    const loaded = this.scenarioConfig(scenario);
    const census = this.relative(this.scenarioCensus(scenario));
    const snapshot = withSimulationValues(readFileSync(this.existingScenarioFile(scenario), 'utf8'), loaded, options);
    const dir = join(this.root, 'runs', scenario);
    mkdirSync(dir, { recursive: true });
    for (;;) {
      const runId = newRunId();
      const record: RunRecord = {
        runId,
        scenario,
        createdAt: new Date().toISOString(),
        origin: options.origin,
        startYear: options.startYear ?? loaded.config.simulation.start_year,
        endYear: options.endYear ?? loaded.config.simulation.end_year,
        seed: options.seed ?? loaded.config.simulation.random_seed,
        config: `runs/${scenario}/${runId}.yaml`,
        census,
        database: `runs/${scenario}/${runId}.duckdb`,
      };
      // The record is created exclusively: two runs started in the same millisecond never share an id.
      try {
        writeFileSync(this.runFile(record, 'record'), `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      writeFileSync(this.runFile(record, 'config'), snapshot);
      return record;
    }
  }

  runRecord(scenario: string, runId: string): RunRecord {
    validateScenarioName(scenario);
    validateRunId(runId);
    const file = join(this.root, 'runs', scenario, `${runId}.json`);
    if (!existsSync(file)) throw new NotFoundError(`Run ${runId} of scenario ${scenario} not found`, { file });
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  }

  /** Newest first. */
  runRecords(scenario?: string): RunRecord[] {
    const runs = join(this.root, 'runs');
    const scenarios = scenario !== undefined ? [validateScenarioName(scenario)] : existsSync(runs) ? readdirSync(runs) : [];
    const records: RunRecord[] = [];
    for (const s of scenarios) {
      const dir = join(runs, s);
      if (!SCENARIO_NAME.test(s) || !existsSync(dir)) continue;
      for (const f of readdirSync(dir)) {
        if (f.endsWith('.json') && RUN_ID.test(f.slice(0, -5))) records.push(this.runRecord(s, f.slice(0, -5)));
      }
    }
    return records.sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : a.scenario.localeCompare(b.scenario)));
  }

  /** Records the run's outcome; a completed run becomes the scenario's latest unless a newer one already is. */
  finishRun(record: RunRecord, outcome: 'completed' | 'failed' | 'cancelled', error?: string): RunRecord {
    const finished: RunRecord = { ...record, outcome, finishedAt: new Date().toISOString(), ...(error === undefined ? {} : { error }) };
    writeFileAtomically(this.runFile(record, 'record'), `${JSON.stringify(finished, null, 2)}\n`);
    if (outcome === 'completed') {
      const latest = this.latestRun(record.scenario);
      if (latest === undefined || latest < record.runId) {
        writeFileAtomically(join(this.root, 'runs', record.scenario, 'latest'), `${record.runId}\n`);
      }
    }
    return finished;
  }

  latestRun(scenario: string): string | undefined {
    const file = join(this.root, 'runs', validateScenarioName(scenario), 'latest');
    if (!existsSync(file)) return undefined;
    const id = readFileSync(file, 'utf8').trim();
    return RUN_ID.test(id) ? id : undefined;
  }

  runFile(record: Pick<RunRecord, 'scenario' | 'runId'>, kind: 'database' | 'config' | 'events' | 'record'): string {
    const suffix = { database: '.duckdb', config: '.yaml', events: '.events.ndjson', record: '.json' }[kind];
    return join(this.root, 'runs', validateScenarioName(record.scenario), `${validateRunId(record.runId)}${suffix}`);
  }

  ensembleDir(scenario: string, runId: string): string {
    return join(this.root, 'ensembles', validateScenarioName(scenario), validateRunId(runId));
  }

  /** Output folder of `batch --workspace`: batches/ (the batch makes its own batch_<time> folder in it). */
  batchesDir(): string {
    return join(this.root, 'batches');
  }
}

/** The YAML with the years and seed that differ from what it says written in (yaml Document API: comments kept). */
function withSimulationValues(text: string, loaded: LoadedConfig, values: { startYear?: number; endYear?: number; seed?: number }): string {
  const { start_year, end_year, random_seed } = loaded.config.simulation;
  const changes: Array<[string, number | undefined, number]> = [
    ['start_year', values.startYear, start_year],
    ['end_year', values.endYear, end_year],
    ['random_seed', values.seed, random_seed],
  ];
  const changed = changes.filter(([, value, current]) => value !== undefined && value !== current);
  if (changed.length === 0) return text;
  const doc = parseDocument(text);
  for (const [key, value] of changed) doc.setIn(['simulation', key], value);
  return doc.toString();
}

function within(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
