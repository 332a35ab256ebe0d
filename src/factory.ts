import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadConfig, parseConfig, type LoadedConfig } from './config/index.js';
import { Database } from './db/database.js';
import { CensusError } from './errors.js';
import { PipelineOrchestrator } from './orchestrator/orchestrator.js';
import { silentProgress, type ProgressSink } from './orchestrator/progress.js';
import { loadDefaultRules, type ValidationRule } from './validation/rules.js';

export const DEFAULT_CONFIG_PATH = 'config/simulation_config.yaml';
export const DEFAULT_DATABASE_PATH = 'simulation.duckdb';

/**
 * The one construction seam: the CLI, the tests and the benchmark all build the engine here.
 * Config values given to the builder (seed, years) are applied as overrides before validation, so
 * they are part of the config hash like any other value.
 */
export class OrchestratorBuilder {
  private configPath: string | undefined;
  private configObject: unknown;
  private allowUnknownKeys = false;
  private env: Record<string, string | undefined> = process.env;
  private readonly overrides: Record<string, unknown> = {};
  private databasePath = DEFAULT_DATABASE_PATH;
  private censusPath: string | undefined;
  private threads: number | undefined;
  private progress: ProgressSink = silentProgress;
  private clock: () => Date = () => new Date();
  private rules: readonly ValidationRule[] | undefined;

  /** A YAML config file in the reference format. */
  withConfigFile(path: string, options: { allowUnknownKeys?: boolean } = {}): this {
    this.configPath = path;
    this.allowUnknownKeys = options.allowUnknownKeys ?? false;
    return this;
  }

  /** An in-memory config with the YAML file's shape (tests, embedding). */
  withConfigObject(raw: unknown, options: { allowUnknownKeys?: boolean } = {}): this {
    this.configObject = raw;
    this.allowUnknownKeys = options.allowUnknownKeys ?? false;
    return this;
  }

  withEnvironment(env: Record<string, string | undefined>): this {
    this.env = env;
    return this;
  }

  withDatabase(path: string): this {
    this.databasePath = path;
    return this;
  }

  withCensus(path: string): this {
    this.censusPath = path;
    return this;
  }

  withSeed(seed: number): this {
    this.overrides['simulation.random_seed'] = seed;
    return this;
  }

  withYears(startYear: number, endYear: number): this {
    this.overrides['simulation.start_year'] = startYear;
    this.overrides['simulation.end_year'] = endYear;
    return this;
  }

  withOverride(path: string, value: unknown): this {
    this.overrides[path] = value;
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

  withRules(rules: readonly ValidationRule[]): this {
    this.rules = rules;
    return this;
  }

  /** Validates the config and resolves the census without touching the database. */
  resolveConfig(): { config: LoadedConfig; censusPath: string } {
    const config =
      this.configObject !== undefined
        ? { path: '<in-memory>', ...parseConfig(this.configObject, {
            allowUnknownKeys: this.allowUnknownKeys,
            env: this.env,
            overrides: this.overrides,
          }) }
        : loadConfig({
            path: this.configPath ?? DEFAULT_CONFIG_PATH,
            env: this.env,
            overrides: this.overrides,
            allowUnknownKeys: this.allowUnknownKeys,
          });
    return { config, censusPath: this.resolveCensusPath(config) };
  }

  async build(): Promise<PipelineOrchestrator> {
    const { config, censusPath } = this.resolveConfig();
    const dbCreated = this.databasePath !== ':memory:' && !existsSync(this.databasePath);
    const db = await Database.open(this.databasePath, { threads: this.threads });
    return new PipelineOrchestrator({
      db,
      dbCreated,
      config,
      censusPath,
      rules: this.rules ?? loadDefaultRules(),
      progress: this.progress,
      clock: this.clock,
    });
  }

  /**
   * `--census` wins; else `setup.census_parquet_path`, which (like the reference) may be relative:
   * tried against the working folder, then the config file's folder and its parent.
   */
  private resolveCensusPath(config: LoadedConfig): string {
    if (this.censusPath !== undefined) return resolve(this.censusPath);
    const configured = config.config.setup.census_parquet_path;
    if (configured === undefined) {
      throw new CensusError('No census given: pass --census or set setup.census_parquet_path in the config', {
        configKey: 'setup.census_parquet_path',
      });
    }
    if (isAbsolute(configured)) return configured;
    const candidates = [resolve(configured)];
    if (this.configPath !== undefined) {
      const folder = dirname(resolve(this.configPath));
      candidates.push(resolve(folder, configured), resolve(folder, '..', configured));
    }
    return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
  }
}
