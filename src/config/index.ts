/** Configuration: schema, loading with env/CLI overrides, hashing and a summary for `planalign validate`. */
export { loadConfig, parseConfig, type LoadConfigOptions, type LoadedConfig, type ParseConfigOptions } from './load.js';
export {
  simulationConfigSchema,
  isIsoDate,
  isMonthDay,
  KNOWN_SECTIONS,
  MATCH_FORMULA_PRESETS,
  MATCH_PRESET_NAMES,
  MAX_SIMULATION_YEARS,
  configJsonSchema,
  type SimulationConfig,
  type SimulationConfigInput,
  type EmployerEligibility,
  type MatchFormula,
  type MatchPresetName,
  type MatchTier,
} from './schema.js';
export { canonicalJson, configHash, configJson } from './hash.js';
export { coerceScalar, ENV_PREFIXES } from './env.js';
export { IGNORED_KEYS, ignoredReason } from './ignored.js';
export { summarizeConfig, describeIgnored, formatPercent } from './summary.js';
export { describeDesigns, describePlanDesign, type PlanDesigns } from './designs.js';
export { type DcPlanSource } from './dc-plan-overlay.js';
export { planDesignEras, type SectionEra } from './era.js';
