/**
 * The backwards-compatibility layer: the reference engine's `run_multi_year_simulation(start_year,
 * end_year, config_path, **kwargs)` call shape and its result dict, on top of OrchestratorBuilder.
 * Callers written against the Python/dbt engine keep their call and read the same keys back.
 */
import type { Logger } from 'pino';
import { UsageError } from '../errors.js';
import { DEFAULT_CONFIG_PATH, DEFAULT_DATABASE_PATH, OrchestratorBuilder } from '../factory.js';
import type { MultiYearOptions, RunResult } from '../orchestrator/orchestrator.js';
import type { ProgressSink } from '../orchestrator/progress.js';
import { closestKey } from '../config/suggest.js';

/** The reference's result dict, with its snake_case keys. */
export interface LegacyResult {
  /** The years of the run, ascending (a resumed run lists its earlier years too). */
  years_completed: number[];
  /** Growth over the run in %: start-of-year actives of the first year → year-end actives of the last. */
  total_workforce_growth: number;
  /** Actives at the end of the last year. */
  final_workforce_size: number;
  /** Participating actives / actives at the end of the last year, as a fraction. */
  participation_rate: number;
  /** Wall time of the call in seconds. */
  execution_time: number;
}

type KwargKind = 'rate' | 'integer' | 'positiveInteger' | 'string' | 'boolean';

/** Every keyword argument the reference accepted, and what it sets here. */
const KWARGS: Record<string, { kind: KwargKind; override?: string }> = {
  target_growth_rate: { kind: 'rate', override: 'simulation.target_growth_rate' },
  random_seed: { kind: 'integer', override: 'simulation.random_seed' },
  total_termination_rate: { kind: 'rate', override: 'workforce.total_termination_rate' },
  new_hire_termination_rate: { kind: 'rate', override: 'workforce.new_hire_termination_rate' },
  database_path: { kind: 'string' },
  db_path: { kind: 'string' },
  census_path: { kind: 'string' },
  threads: { kind: 'positiveInteger' },
  resume: { kind: 'boolean' },
  force_restart: { kind: 'boolean' },
  fail_on_validation_error: { kind: 'boolean' },
};

export const LEGACY_KWARGS: readonly string[] = Object.keys(KWARGS);

export interface LegacyRunRequest {
  /** Default: the config's simulation.start_year / end_year. */
  startYear?: number;
  endYear?: number;
  /** Default `config/simulation_config.yaml`. */
  configPath?: string;
  kwargs?: Record<string, unknown>;
  /** For `DATABASE_PATH` and the config's PLANALIGN_/NAV_ overrides; default process.env. */
  env?: Record<string, string | undefined>;
  progress?: ProgressSink;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface PreparedLegacyRun {
  builder: OrchestratorBuilder;
  /** The database the run writes: `database_path`/`db_path`, else env DATABASE_PATH, else simulation.duckdb. */
  database: string;
  runOptions: MultiYearOptions;
}

/** Checks the call and the kwargs (unknown or ill-typed → UsageError) and configures a builder. */
export function prepareLegacyRun(request: LegacyRunRequest): PreparedLegacyRun {
  const env = request.env ?? process.env;
  const kwargs = checkKwargs(request.kwargs ?? {});
  const { startYear, endYear } = request;
  for (const [name, value] of [
    ['start_year', startYear],
    ['end_year', endYear],
  ] as const) {
    if (value !== undefined && !Number.isInteger(value)) throw new UsageError(`${name} must be a whole year, got ${String(value)}`);
  }
  if (startYear !== undefined && endYear !== undefined && endYear < startYear) {
    throw new UsageError(`end_year ${endYear} is before start_year ${startYear}`);
  }
  const dbPaths = [kwargs.database_path, kwargs.db_path].filter((p): p is string => typeof p === 'string');
  if (dbPaths.length === 2 && dbPaths[0] !== dbPaths[1]) {
    throw new UsageError(`database_path (${dbPaths[0]}) and db_path (${dbPaths[1]}) name different databases: give one`);
  }
  if (kwargs.resume === true && kwargs.force_restart === true) throw new UsageError('resume and force_restart cannot be combined');
  const fromEnv = env.DATABASE_PATH !== undefined && env.DATABASE_PATH !== '' ? env.DATABASE_PATH : undefined;
  const database = dbPaths[0] ?? fromEnv ?? DEFAULT_DATABASE_PATH;

  const builder = new OrchestratorBuilder()
    .withConfig(request.configPath ?? DEFAULT_CONFIG_PATH)
    .withEnvironment(env)
    .withDatabase(database);
  if (startYear !== undefined) builder.withOverride('simulation.start_year', startYear);
  if (endYear !== undefined) builder.withOverride('simulation.end_year', endYear);
  for (const [name, spec] of Object.entries(KWARGS)) {
    if (spec.override !== undefined && kwargs[name] !== undefined) builder.withOverride(spec.override, kwargs[name]);
  }
  if (typeof kwargs.census_path === 'string') builder.withCensus(kwargs.census_path);
  if (typeof kwargs.threads === 'number') builder.withThreads(kwargs.threads);
  if (request.progress !== undefined) builder.withProgress(request.progress);
  if (request.logger !== undefined) builder.withLogger(request.logger);
  const runOptions: MultiYearOptions = {
    resume: kwargs.resume === true,
    forceRestart: kwargs.force_restart === true,
    failOnValidationError: kwargs.fail_on_validation_error === true,
  };
  if (request.signal !== undefined) runOptions.signal = request.signal;
  return { builder, database, runOptions };
}

/** Runs the simulation as the reference's call did and returns both its dict and our full result. */
export async function executeLegacyRun(request: LegacyRunRequest): Promise<{ legacy: LegacyResult; result: RunResult; database: string }> {
  const started = performance.now();
  const { builder, database, runOptions } = prepareLegacyRun(request);
  const orchestrator = await builder.build();
  let result: RunResult;
  try {
    result = await orchestrator.executeMultiYearSimulation(runOptions);
  } finally {
    orchestrator.close();
  }
  return { legacy: toLegacyResult(result, (performance.now() - started) / 1000), result, database };
}

/**
 * The reference's `run_multi_year_simulation(start_year, end_year, config_path, **kwargs)`.
 * `legacyKwargs` takes the reference's keyword arguments (snake_case); an unknown one is a UsageError.
 */
export async function runMultiYearSimulation(
  startYear: number,
  endYear: number,
  configPath: string = DEFAULT_CONFIG_PATH,
  legacyKwargs: Record<string, unknown> = {},
): Promise<LegacyResult> {
  return (await executeLegacyRun({ startYear, endYear, configPath, kwargs: legacyKwargs })).legacy;
}

export function toLegacyResult(result: RunResult, seconds: number): LegacyResult {
  const progression = result.workforceProgression;
  const last = progression[progression.length - 1];
  return {
    years_completed: progression.map((y) => y.year),
    total_workforce_growth: result.growthAnalysis.totalGrowthPct,
    final_workforce_size: last?.activeHeadcount ?? 0,
    participation_rate: last?.participationRate ?? 0,
    execution_time: Math.round(seconds * 1000) / 1000,
  };
}

/** Keyword arguments by name; a value of null/undefined (Python's None) counts as not given. */
function checkKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(kwargs)) {
    const spec = Object.hasOwn(KWARGS, name) ? KWARGS[name] : undefined;
    if (spec === undefined) {
      const suggestion = closestKey(name, LEGACY_KWARGS);
      throw new UsageError(
        `Unknown keyword argument "${name}" for run_multi_year_simulation${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
        {},
        `Accepted: ${LEGACY_KWARGS.join(', ')}`,
      );
    }
    if (value === undefined || value === null) continue;
    const fail = (what: string): never => {
      throw new UsageError(`Keyword argument ${name} must be ${what}, got ${JSON.stringify(value) ?? String(value)}`);
    };
    switch (spec.kind) {
      case 'rate':
        if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number (a rate such as 0.03)');
        break;
      case 'integer':
        if (!Number.isInteger(value)) fail('a whole number');
        break;
      case 'positiveInteger':
        if (!Number.isInteger(value) || (value as number) < 1) fail('a whole number ≥ 1');
        break;
      case 'string':
        if (typeof value !== 'string' || value === '') fail('a non-empty path');
        break;
      case 'boolean':
        if (typeof value !== 'boolean') fail('true or false');
        break;
    }
    out[name] = value;
  }
  return out;
}
