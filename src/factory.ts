import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CensusIntakeOptions } from './census/intake.js';
import { loadConfig, parseConfig, type LoadedConfig } from './config/index.js';
import { Database } from './db/database.js';
import { CensusError, ConfigError } from './errors.js';
import { ModelRunner } from './models/runner.js';
import { CheckpointManager } from './orchestrator/checkpoints.js';
import { HookManager, type Hook } from './orchestrator/hooks.js';
import { PipelineOrchestrator } from './orchestrator/orchestrator.js';
import { loadParameterTables, type ParameterTables } from './params/tables.js';
import { silentProgress, type ProgressSink } from './orchestrator/progress.js';
import { RegistryManager } from './registries/registry-manager.js';
import type { Reporter } from './reporting/types.js';
import { DataValidator } from './validation/data-validator.js';
import { loadDefaultRules, type ValidationRule } from './validation/rules.js';

export const DEFAULT_CONFIG_PATH = 'config/simulation_config.yaml';
export const DEFAULT_DATABASE_PATH = 'simulation.duckdb';

/** What works on one database for the orchestrator: the models, the registries, the checkpoints, the rules. */
export interface EngineServices {
  runner: ModelRunner;
  registries: RegistryManager;
  checkpoints: CheckpointManager;
  validator: DataValidator;
}

/**
 * The one construction seam: the CLI, the tests and the benchmark all build the engine here, and any
 * service (validator rules, reporters, hooks, logger, progress sink, clock) can be swapped in.
 * Config values given to the builder (seed, years) are applied as overrides before validation, so
 * they are part of the config hash like any other value.
 */
export class OrchestratorBuilder {
  private configSource: { path: string } | { raw: unknown } | undefined;
  private allowUnknownKeys = false;
  private baseDir: string | undefined;
  private env: Record<string, string | undefined> = process.env;
  private readonly overrides: Record<string, unknown> = {};
  private databasePath = DEFAULT_DATABASE_PATH;
  private censusPath: string | undefined;
  private censusIntake: CensusIntakeOptions = {};
  private threads: number | undefined;
  private memoryLimit: string | undefined;
  private progress: ProgressSink = silentProgress;
  private clock: () => Date = () => new Date();
  private logger: Logger = pino({ level: 'silent' });
  private defaultRules = true;
  private readonly customRules: ValidationRule[] = [];
  private readonly reporters: Reporter[] = [];
  private readonly hooks: Hook[] = [];
  /** What resolveConfig found, until a setter changes what it depends on: build() after it reads nothing twice. */
  private resolved: { config: LoadedConfig; censusPath: string; parameterTables: ParameterTables } | undefined;

  /**
   * A YAML config file in the reference format, or an in-memory object of the same shape. `baseDir`:
   * the one folder its relative paths (census, parameter tables) are found in, so that the config, and
   * its hash, need not say where it sits (a job's inputs folder, mounted anywhere).
   */
  withConfig(source: string | object, options: { allowUnknownKeys?: boolean; baseDir?: string } = {}): this {
    this.configSource = typeof source === 'string' ? { path: source } : { raw: source };
    this.allowUnknownKeys = options.allowUnknownKeys ?? false;
    this.baseDir = options.baseDir;
    this.resolved = undefined;
    return this;
  }

  withEnvironment(env: Record<string, string | undefined>): this {
    this.env = env;
    this.resolved = undefined;
    return this;
  }

  withDatabase(path: string): this {
    this.databasePath = path;
    return this;
  }

  withCensus(path: string): this {
    this.censusPath = path;
    this.resolved = undefined;
    return this;
  }

  /** How the census is read (the command line's intake options; they win over its sidecar). */
  withCensusIntake(options: CensusIntakeOptions): this {
    this.censusIntake = options;
    return this;
  }

  withSeed(seed: number): this {
    return this.withOverride('simulation.random_seed', seed);
  }

  withYears(startYear: number, endYear: number): this {
    return this.withOverride('simulation.start_year', startYear).withOverride('simulation.end_year', endYear);
  }

  /** Any config value by dotted path (e.g. `simulation.target_growth_rate` for --growth). */
  withOverride(path: string, value: unknown): this {
    this.overrides[path] = value;
    this.resolved = undefined;
    return this;
  }

  /** DuckDB's memory limit, e.g. "3GB"; results never depend on it. */
  withMemoryLimit(limit: string): this {
    this.memoryLimit = limit;
    return this;
  }

  withThreads(threads: number): this {
    this.threads = threads;
    return this;
  }

  withProgress(progress: ProgressSink): this {
    this.progress = progress;
    return this;
  }

  withClock(clock: () => Date): this {
    this.clock = clock;
    return this;
  }

  withLogger(logger: Logger): this {
    this.logger = logger;
    return this;
  }

  /** Rules checked after each year in addition to the default rules folder. */
  withCustomValidator(...rules: ValidationRule[]): this {
    this.customRules.push(...rules);
    return this;
  }

  /**
   * Leaves the default rules folder out: only rules given to withCustomValidator are checked (none:
   * the VALIDATION stage does nothing). For throwaway runs whose findings nobody reads, such as the
   * dead-key guard's (test/config/dead-keys.test.ts).
   */
  withoutDefaultRules(): this {
    this.defaultRules = false;
    return this;
  }

  /** Reporters run after each year and at the end of the run, in registration order. */
  withCustomReporter(...reporters: Reporter[]): this {
    this.reporters.push(...reporters);
    return this;
  }

  /** Hooks fire in registration order at their point (before/after run, year, stage). */
  withHooks(...hooks: Hook[]): this {
    this.hooks.push(...hooks);
    return this;
  }

  /** Validates the config and resolves the census without touching the database. */
  resolveConfig(): { config: LoadedConfig; censusPath: string; parameterTables: ParameterTables } {
    if (this.resolved === undefined) {
      const { config, parameterTables } = this.resolveInputs();
      this.resolved = { config, censusPath: this.resolveCensusPath(config), parameterTables };
    }
    return this.resolved;
  }

  /** Validates the config and its parameter tables (what `planalign validate` checks): no census, no database. */
  resolveInputs(): { config: LoadedConfig; parameterTables: ParameterTables } {
    const source = this.configSource;
    if (source === undefined) {
      throw new ConfigError('No configuration given: call withConfig(path or object) before build()');
    }
    const options = { allowUnknownKeys: this.allowUnknownKeys, env: this.env, overrides: this.overrides };
    const config: LoadedConfig =
      'path' in source ? loadConfig({ path: source.path, ...options }) : { path: '<in-memory>', ...parseConfig(source.raw, options) };
    const tablesDir = config.config.setup.parameter_tables_dir;
    return { config, parameterTables: loadParameterTables(tablesDir === undefined ? undefined : this.resolveTablesDir(tablesDir)) };
  }

  /**
   * The services build() hands the orchestrator, over an open database. The database migration uses
   * them too, so that it rebuilds, checkpoints and validates exactly as a simulation does.
   */
  services(db: Database): EngineServices {
    const validator = new DataValidator(this.defaultRules ? loadDefaultRules() : []);
    for (const rule of this.customRules) validator.registerRule(rule);
    const runner = new ModelRunner(db);
    return { runner, registries: new RegistryManager(db, runner), checkpoints: new CheckpointManager(db), validator };
  }

  async build(): Promise<PipelineOrchestrator> {
    const { config, censusPath, parameterTables } = this.resolveConfig();
    // The config resolved for this build is not kept: a later build() (the Studio, an API caller)
    // re-reads the files, which may have changed since.
    this.resolved = undefined;
    const hooks = new HookManager();
    for (const hook of this.hooks) hooks.register(hook);
    const dbCreated = this.databasePath !== ':memory:' && !existsSync(this.databasePath);
    const db = await Database.open(this.databasePath, { threads: this.threads, memoryLimit: this.memoryLimit });
    return new PipelineOrchestrator({
      ...this.services(db),
      db,
      dbCreated,
      config,
      censusPath,
      censusIntake: this.censusIntake,
      parameterTables,
      reporters: [...this.reporters],
      hooks,
      progress: this.progress,
      clock: this.clock,
      logger: this.logger,
    });
  }

  /**
   * `--census` wins; else `setup.census_parquet_path`, which (like the reference) may be relative:
   * tried against the working folder, then the config file's folder and its parent.
   */
  private resolveCensusPath(config: LoadedConfig): string {
    if (this.censusPath !== undefined) return resolve(this.censusPath);
    const configured = config.config.setup.census_parquet_path;
    const { found, candidates } = this.findConfigured(configured);
    if (found === undefined) {
      throw new CensusError(`Census file ${configured} not found (looked in ${candidates.join(', ')})`, {
        file: configured,
        configKey: 'setup.census_parquet_path',
      }, 'Pass --census FILE, or fix setup.census_parquet_path in the config.');
    }
    return found;
  }

  /** `setup.parameter_tables_dir`, found as the census path is. */
  private resolveTablesDir(configured: string): string {
    const { found, candidates } = this.findConfigured(configured);
    if (found === undefined) {
      throw new ConfigError(`Parameter tables folder ${configured} not found (looked in ${candidates.join(', ')})`, [], {
        file: configured,
        configKey: 'setup.parameter_tables_dir',
      }, 'Fix setup.parameter_tables_dir in the config.');
    }
    return found;
  }

  /**
   * A path of the config: as is when absolute (its reader says when it is missing), else in the
   * config's baseDir when given, else the first that exists of the working folder, the config file's
   * folder and its parent.
   */
  private findConfigured(configured: string): { found: string | undefined; candidates: string[] } {
    if (isAbsolute(configured)) return { found: configured, candidates: [configured] };
    if (this.baseDir !== undefined) {
      const inBase = resolve(this.baseDir, configured);
      return { found: existsSync(inBase) ? inBase : undefined, candidates: [inBase] };
    }
    const candidates = [resolve(configured)];
    if (this.configSource !== undefined && 'path' in this.configSource) {
      const folder = dirname(resolve(this.configSource.path));
      candidates.push(resolve(folder, configured), resolve(folder, '..', configured));
    }
    return { found: candidates.find((c) => existsSync(c)), candidates };
  }
}

/** The default orchestrator for a config file (the reference's `create_orchestrator`). */
export function createOrchestrator(
  configPath: string,
  options: { threads?: number; dbPath?: string } = {},
): Promise<PipelineOrchestrator> {
  const builder = new OrchestratorBuilder().withConfig(configPath);
  if (options.dbPath !== undefined) builder.withDatabase(options.dbPath);
  if (options.threads !== undefined) builder.withThreads(options.threads);
  return builder.build();
}

/** An orchestrator with extra validation rules and reporters (the reference's `create_custom_orchestrator`). */
export function createCustomOrchestrator(
  configPath: string,
  dbPath: string,
  validators: readonly ValidationRule[] = [],
  reporters: readonly Reporter[] = [],
): Promise<PipelineOrchestrator> {
  return new OrchestratorBuilder()
    .withConfig(configPath)
    .withDatabase(dbPath)
    .withCustomValidator(...validators)
    .withCustomReporter(...reporters)
    .build();
}
