import { resolve } from 'node:path';
import { discoverScenarios } from '../batch/discover.js';
import { normalizeSections } from '../batch/merge.js';
import { prepareScenarios, readYamlMapping } from '../batch/prepare.js';
import type { CensusIntakeOptions } from '../census/intake.js';
import { applyOverride, envOverrides } from '../config/env.js';
import { ConfigError } from '../errors.js';
import type { ScenarioSource } from '../executor/inputs.js';
import { OrchestratorBuilder } from '../factory.js';

/** The command line's say over every scenario of an ensemble (simulate's flags). */
export interface ScenarioOverrides {
  config: string;
  census?: string | undefined;
  censusIntake: CensusIntakeOptions;
  years?: { startYear: number; endYear: number } | undefined;
  /** simulation.random_seed: the base the seeds are derived from. */
  seed?: number | undefined;
  growth?: number | undefined;
  env: Record<string, string | undefined>;
}

/** The overrides of simulation keys, as dotted paths, in the order simulate applies them. */
function simulationOverrides(o: ScenarioOverrides): Array<[string[], unknown]> {
  const set: Array<[string[], unknown]> = [];
  if (o.years !== undefined) set.push([['simulation', 'start_year'], o.years.startYear], [['simulation', 'end_year'], o.years.endYear]);
  if (o.seed !== undefined) set.push([['simulation', 'random_seed'], o.seed]);
  if (o.growth !== undefined) set.push([['simulation', 'target_growth_rate'], o.growth]);
  return set;
}

/**
 * The scenarios of an ensemble. With a scenarios folder: one per file, merged into the config as
 * `batch` merges them (src/batch/prepare.ts). Without: one, `default`, the config as `simulate` reads
 * it (the census and tables found where simulate finds them). Each with the environment's and the
 * command line's overrides written into its config, so the inputs folder holds what runs.
 */
export function ensembleScenarios(o: ScenarioOverrides & { scenariosDir?: string | undefined }): { sources: ScenarioSource[]; warnings: string[] } {
  const overrides = simulationOverrides(o);
  if (o.scenariosDir !== undefined) {
    const prepared = prepareScenarios({ baseConfig: o.config, scenarios: discoverScenarios(o.scenariosDir), census: o.census, seed: o.seed, env: o.env });
    const sources = prepared.map((p): ScenarioSource => {
      for (const [path, value] of overrides) applyOverride(p.raw, path, value);
      return { name: p.name, config: p.raw, census: p.census, censusIntake: o.censusIntake };
    });
    return { sources, warnings: [...new Set(prepared.flatMap((p) => p.warnings))] };
  }
  // Validated (and the census and tables found) exactly as simulate does, before anything is written.
  const builder = new OrchestratorBuilder().withConfig(o.config).withEnvironment(o.env).withCensusIntake(o.censusIntake);
  for (const [path, value] of overrides) builder.withOverride(path.join('.'), value);
  if (o.census !== undefined) builder.withCensus(o.census);
  const { config, censusPath, parameterTables } = builder.resolveConfig();

  const path = resolve(o.config);
  const read = readYamlMapping(path);
  const sections = read.data === undefined ? undefined : normalizeSections(read.data, path);
  if (sections === undefined || sections.issues.length > 0) throw new ConfigError(`Cannot read the config ${path}:`, sections?.issues ?? read.issues, { file: path });
  const raw = sections.sections;
  for (const override of envOverrides(o.env).overrides) applyOverride(raw, override.path, override.value);
  for (const [key, value] of overrides) applyOverride(raw, key, value);
  applyOverride(raw, ['setup', 'census_parquet_path'], censusPath);
  if (parameterTables.dir !== undefined) applyOverride(raw, ['setup', 'parameter_tables_dir'], parameterTables.dir);
  return { sources: [{ name: 'default', config: raw, census: censusPath, censusIntake: o.censusIntake }], warnings: config.warnings };
}
