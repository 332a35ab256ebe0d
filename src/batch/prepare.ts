/**
 * Everything decided before the first scenario starts: each scenario's merged config, validated,
 * with the environment overrides, the seed and the census path resolved in this process and written
 * into the config itself, so that the child run, and a rerun by hand, see exactly the same values.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { loadConfig, parseConfig, type SimulationConfig } from '../config/index.js';
import { applyOverride, envOverrides } from '../config/env.js';
import { ConfigError, PlanAlignError } from '../errors.js';
import { loadParameterTables } from '../params/tables.js';
import type { ScenarioFile } from './discover.js';
import { cloneData, deepMerge, isMapping, normalizeSections, type Mapping } from './merge.js';

export interface PreparedScenario {
  name: string;
  /** The scenario YAML file. */
  file: string;
  /** Base config merged with the scenario, overrides applied: the mapping written for the child. */
  raw: Mapping;
  config: SimulationConfig;
  /** Hash of the resolved config: the child reports the same one. */
  configHash: string;
  seed: number;
  /** Absolute census path (it may not exist: the run then fails, not the batch). */
  census: string;
  startYear: number;
  endYear: number;
  warnings: string[];
}

export interface PrepareOptions {
  baseConfig: string;
  scenarios: readonly ScenarioFile[];
  census?: string | undefined;
  seed?: number | undefined;
  env: Record<string, string | undefined>;
}

interface YamlRead {
  data: Mapping | undefined;
  issues: string[];
  warnings: string[];
}

/** A YAML file as a mapping (empty file → empty mapping); problems are returned, not thrown. */
export function readYamlMapping(path: string): YamlRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { data: undefined, issues: [code === 'ENOENT' ? `${path}: file not found` : `${path}: ${(error as Error).message}`], warnings: [] };
  }
  // Parsed exactly as loadConfig parses (YAML 1.2 core: dates stay strings, yes/no are not booleans).
  const doc = parseDocument(text, { version: '1.2', schema: 'core', prettyErrors: true });
  const first = (message: string) => (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '').trim();
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return pos ? `${path}:${pos.line}:${pos.col}: ${first(e.message)}` : `${path}: ${first(e.message)}`;
    });
    return { data: undefined, issues, warnings: [] };
  }
  const warnings = doc.warnings.map((w) => `${path}: ${first(w.message)}`);
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { data: {}, issues: [], warnings };
  if (!isMapping(value)) return { data: undefined, issues: [`${path}: must be a mapping of config sections`], warnings };
  return { data: value, issues: [], warnings };
}

/**
 * Merges and validates every scenario. Throws one ConfigError naming every invalid scenario and
 * each of its problems, so that nothing runs unless all of them can.
 */
export function prepareScenarios(options: PrepareOptions): PreparedScenario[] {
  const basePath = resolve(options.baseConfig);
  const base = readYamlMapping(basePath);
  if (base.data === undefined) {
    throw new ConfigError(`Cannot read the base config ${basePath}:`, base.issues, { file: basePath }, 'Pass the base config with --config (default config/simulation_config.yaml).');
  }
  const baseSections = normalizeSections(base.data, basePath);
  if (baseSections.issues.length > 0) throw new ConfigError(`Invalid base config ${basePath}:`, baseSections.issues, { file: basePath });

  const prepared: PreparedScenario[] = [];
  const failures: string[] = [];
  const issues: string[] = [];
  for (const scenario of options.scenarios) {
    const problems: string[] = [];
    const result = prepareOne(scenario, basePath, baseSections.sections, base.warnings, options, problems);
    if (result !== undefined) prepared.push(result);
    else {
      failures.push(scenario.name);
      issues.push(...problems.map((p) => `${scenario.name}: ${p}`));
    }
  }
  if (failures.length > 0) {
    throw new ConfigError(
      `${failures.length} of ${options.scenarios.length} scenario config(s) invalid (${failures.join(', ')}); no scenario was run:`,
      issues,
      {},
      'Each scenario is the base config with the scenario file laid over it; fix the keys named above.',
    );
  }
  return prepared;
}

function prepareOne(
  scenario: ScenarioFile,
  basePath: string,
  base: Mapping,
  baseWarnings: readonly string[],
  options: PrepareOptions,
  problems: string[],
): PreparedScenario | undefined {
  const read = readYamlMapping(scenario.path);
  if (read.data === undefined) {
    problems.push(...read.issues);
    return undefined;
  }
  const overlay = normalizeSections(read.data, scenario.path);
  if (overlay.issues.length > 0) {
    problems.push(...overlay.issues);
    return undefined;
  }
  const merged = deepMerge(base, overlay.sections);
  const source = `scenario ${scenario.name} (${basePath} + ${scenario.path})`;

  // Validated as the child would validate it: with the environment and the --seed override.
  let validated: ReturnType<typeof parseConfig>;
  try {
    validated = parseConfig(merged, {
      source,
      env: options.env,
      overrides: options.seed === undefined ? {} : { 'simulation.random_seed': options.seed },
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...(error.issues.length > 0 ? error.issues : [error.message]));
    return undefined;
  }

  const seed = options.seed ?? validated.config.simulation.random_seed;
  const census = resolveCensus(options, validated.config, overlay.sections, scenario.path, basePath);

  // The values the child must see, written into the config it reads.
  const raw = cloneData(merged);
  for (const override of envOverrides(options.env).overrides) applyOverride(raw, override.path, override.value);
  applyOverride(raw, ['simulation', 'random_seed'], seed);
  applyOverride(raw, ['setup', 'census_parquet_path'], census);
  // The child reads its config from the batch folder: a relative tables folder is resolved here.
  const tablesDir = validated.config.setup.parameter_tables_dir;
  if (tablesDir !== undefined) {
    const resolvedDir = resolveConfigured(tablesDir, 'parameter_tables_dir', overlay.sections, scenario.path, basePath);
    applyOverride(raw, ['setup', 'parameter_tables_dir'], resolvedDir);
    // Checked before any run starts, as the configs are: a bad table would fail every run using it.
    try {
      loadParameterTables(resolvedDir);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.issues);
      return undefined;
    }
  }
  const resolved = parseConfig(raw, { source }); // cannot fail where the first pass succeeded

  return {
    name: scenario.name,
    file: scenario.path,
    raw,
    config: resolved.config,
    configHash: resolved.hash,
    seed,
    census,
    startYear: resolved.config.simulation.start_year,
    endYear: resolved.config.simulation.end_year,
    warnings: [...baseWarnings, ...read.warnings, ...validated.warnings],
  };
}

/**
 * `--census` wins. Else `setup.census_parquet_path`: a relative path is tried against the working
 * folder, then the folder of the file that set it (the scenario's, else the base config's) and its
 * parent, as `simulate` does for a config file. The first that exists is kept.
 */
function resolveCensus(options: PrepareOptions, config: SimulationConfig, overlay: Mapping, scenarioPath: string, basePath: string): string {
  if (options.census !== undefined) return resolve(options.census);
  return resolveConfigured(config.setup.census_parquet_path, 'census_parquet_path', overlay, scenarioPath, basePath);
}

/** A path of the `setup` section, found as described above for the census. */
function resolveConfigured(configured: string, key: string, overlay: Mapping, scenarioPath: string, basePath: string): string {
  if (isAbsolute(configured)) return configured;
  const setup = overlay.setup;
  const fromScenario = isMapping(setup) && Object.hasOwn(setup, key);
  const folder = dirname(fromScenario ? scenarioPath : basePath);
  const candidates = [resolve(configured), resolve(folder, configured), resolve(folder, '..', configured)];
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string);
}

/** Writes the scenario's config for the child (and for a rerun by hand), checking it reloads identically. */
export function writeScenarioConfig(path: string, scenario: PreparedScenario, basePath: string): void {
  const doc = new Document(scenario.raw, { version: '1.2' });
  doc.commentBefore = [
    ` Scenario ${scenario.name}, written by planalign batch:`,
    ` ${resolve(basePath)}`,
    ` merged with ${scenario.file}, environment overrides, seed and census path applied.`,
    ` Rerun: planalign simulate --config ${path} --database <file>`,
  ].join('\n');
  writeFileSync(path, doc.toString());
  const reloaded = loadConfig({ path, env: {} });
  if (reloaded.hash !== scenario.configHash) {
    throw new PlanAlignError(`Internal error: the config written to ${path} does not reload to the validated config of scenario ${scenario.name}`);
  }
}
