/**
 * Config validation as a service: what `planalign validate` checks (the config, its parameter tables,
 * and their compilation as `simulate` compiles them), for the CLI and the Studio alike. The CLI throws
 * the error it finds (and prints it); the service returns it as problems, one per issue line of that
 * same error, so both say exactly the same thing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describeDesigns, describeIgnored, describePlanDesign, ignoredReason, summarizeConfig, type LoadedConfig } from '../config/index.js';
import { Database } from '../db/database.js';
import { CensusError, ConfigError, PlanAlignError } from '../errors.js';
import { OrchestratorBuilder } from '../factory.js';
import { compileParameters } from '../params/compile.js';
import type { ParameterTables } from '../params/tables.js';

export interface ConfigProblem {
  /** The dotted key the problem is about ('' for the file as a whole). */
  path: string;
  /** The line `planalign validate` prints for it (an issue starts with its dotted key). */
  message: string;
}

export interface ConfigValidation {
  valid: boolean;
  errors: ConfigProblem[];
  /** The config's warnings, then the parameter tables' notices (as `validate` lists them). */
  warnings: string[];
  ignored: Array<{ key: string; reason: string }>;
  /** When invalid: what `validate` prints under the error. */
  hint?: string;
  hash?: string;
  parametersHash?: string;
  designs?: unknown;
  /** When valid: the lines `planalign validate` prints. */
  summary?: string[];
}

/** A config that passed every check of `planalign validate`. */
export interface CheckedConfig {
  loaded: LoadedConfig;
  parameterTables: ParameterTables;
  /** The run identifiers the config leaves out (runs then use "default"). */
  missingIdentifiers: Array<'scenario_id' | 'plan_design_id'>;
}

export interface ConfigCheckOptions {
  allowUnknownKeys?: boolean;
  /** The one folder the config's relative paths (parameter tables) are found in (a workspace's root). */
  baseDir?: string;
  /** Environment overrides (PLANALIGN_/NAV_ variables); default process.env, as the CLI reads them. */
  env?: Record<string, string | undefined>;
}

/**
 * The checks of `planalign validate`, throwing the first error (a ConfigError listing every issue of
 * the config, or of its parameter tables).
 */
export async function checkConfig(path: string, options: ConfigCheckOptions = {}): Promise<CheckedConfig> {
  // The parameter tables are inputs too: a bad table fails here as it would fail `simulate`.
  const builder = new OrchestratorBuilder().withConfig(path, {
    allowUnknownKeys: options.allowUnknownKeys === true,
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
  });
  if (options.env !== undefined) builder.withEnvironment(options.env);
  const { config: loaded, parameterTables } = builder.resolveInputs();
  // Compiled as `simulate` compiles them, in memory: what needs each year's limits (the 401(l) permitted
  // disparity against the year's Social Security wage base) fails here too.
  const db = await Database.open(':memory:');
  try {
    await compileParameters(db, loaded.config, { scenarioId: 'validate', planDesignId: 'validate', startedAt: new Date() }, parameterTables);
  } finally {
    db.close();
  }
  const missingIdentifiers = (['scenario_id', 'plan_design_id'] as const).filter((key) => loaded.config[key] === undefined);
  return { loaded, parameterTables, missingIdentifiers };
}

/** What `planalign validate` prints for a valid config. */
export function describeCheckedConfig({ loaded, parameterTables, missingIdentifiers }: CheckedConfig): string[] {
  const lines = ['Configuration is valid', ...summarizeConfig(loaded).map((l) => `  ${l}`), ...describePlanDesign(loaded)];
  if (missingIdentifiers.length > 0) lines.push(`Note: no ${missingIdentifiers.join(' or ')}; runs use "default" (--enforce-identifiers makes this an error)`);
  if (parameterTables.dir !== undefined) {
    const overridden = Object.values(parameterTables.tables).filter((t) => t.source === 'override').map((t) => t.file);
    lines.push(`  parameter tables: ${parameterTables.dir} (${overridden.join(', ')}; the rest bundled)`);
  }
  const warnings = checkedWarnings({ loaded, parameterTables });
  if (warnings.length > 0) lines.push('Warnings:', ...warnings.map((w) => `  - ${w}`));
  if (loaded.ignored.length > 0) lines.push('Accepted but ignored:', ...describeIgnored(loaded).map((i) => `  - ${i}`));
  return lines;
}

function checkedWarnings({ loaded, parameterTables }: Pick<CheckedConfig, 'loaded' | 'parameterTables'>): string[] {
  return [...loaded.warnings, ...parameterTables.notices];
}

/**
 * Validates a config file as `planalign validate` does. With `census`, that file must exist too (a
 * scenario's census). Only unexpected failures throw.
 */
export async function validateConfigFile(path: string, options: ConfigCheckOptions & { census?: string } = {}): Promise<ConfigValidation> {
  try {
    const checked = await checkConfig(path, options);
    if (options.census !== undefined && !existsSync(resolve(options.census))) {
      throw new CensusError(`Census file not found: ${resolve(options.census)}`, { file: options.census, configKey: 'setup.census_parquet_path' });
    }
    return {
      valid: true,
      errors: [],
      warnings: checkedWarnings(checked),
      ignored: checked.loaded.ignored.map((key) => ({ key, reason: ignoredReason(key) })),
      hash: checked.loaded.hash,
      parametersHash: checked.parameterTables.hash,
      designs: describeDesigns(checked.loaded.config),
      summary: describeCheckedConfig(checked),
    };
  } catch (error) {
    if (!(error instanceof PlanAlignError)) throw error;
    return { valid: false, errors: configProblems(error), warnings: [], ignored: [], ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
}

/**
 * Validates YAML text (an editor's, not saved yet) as `planalign validate` would validate it saved as
 * `name` (default config.yaml): it is written to a temporary folder, removed after; its relative paths
 * are found in `baseDir`.
 */
export async function validateConfigText(
  yaml: string,
  options: ConfigCheckOptions & { baseDir: string; name?: string },
): Promise<ConfigValidation> {
  const dir = await mkdtemp(join(tmpdir(), 'planalign-config-'));
  try {
    const file = join(dir, basename(options.name ?? 'config.yaml'));
    await writeFile(file, yaml, 'utf8');
    const { name: _name, ...check } = options;
    return await validateConfigFile(file, check);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A dotted key at the start of an issue line: `employer_match.formulas.x.tiers[0].rate: ...`. */
const KEY_PREFIX = /^([A-Za-z_][\w<>-]*(?:\.[\w<>-]+|\[\d+\])*): /;

/**
 * The problems of an error, one per issue line it lists (each named by the key it starts with, else
 * by the error's key), or the error's message when it lists none.
 */
export function configProblems(error: PlanAlignError): ConfigProblem[] {
  const key = error.context.configKey ?? '';
  const issues = error instanceof ConfigError ? error.issues : [];
  if (issues.length === 0) return [{ path: key, message: error.message }];
  return issues.map((message) => ({ path: KEY_PREFIX.exec(message)?.[1] ?? key, message }));
}
