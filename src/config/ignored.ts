/**
 * Keys of the reference's configuration that PlanAlign accepts but deliberately does not apply.
 *
 * This table is the one place that says which keys are ignored and why. The schema marks each of these
 * keys with `ignoredKey(path, looseSchema)`, which refuses paths missing from the table, and the loader
 * reports every ignored key present in a config (after env and CLI overrides) in `LoadedConfig.ignored`.
 * Ignored keys are dropped from the resolved config, so they never change its hash.
 */
import { z } from 'zod';

export const UNKNOWN_SECTION_REASON = 'unknown section';

export const IGNORED_KEYS: Readonly<Record<string, string>> = {
  // Whole top-level sections.
  new_hire_compensation: 'new-hire pay comes from the comp_levers parameter table (inert in the reference too)',
  plan_year: 'plan-year dates are read from setup.plan_year_start_date/end_date',
  employee_id_generation: 'new-hire ids have one fixed format',
  optimization: 'performance tuning: DuckDB manages its own threads and memory (see --threads, --memory-limit); there is no Polars mode',
  orchestrator: 'dbt threading, parallelisation and resource management do not apply to DuckDB',
  multi_year: 'checkpointing, resume and retries are built into the orchestrator',
  deferral_baseline: "only the reference's default 'frozen' baseline is implemented",
  deferral_rates: 'census deferral-rate handling uses fixed rules (fallback 3%, cap 75%)',
  corporate_network: 'PlanAlign makes no network calls',
  ops: 'Dagster op configuration',
  production_safety: 'backups and log settings of the unused OrchestrationConfig',

  // Keys inside sections we use.
  'setup.clear_tables': 'each year runs in one transaction; there are no tables to clear',
  'setup.clear_mode': 'each year runs in one transaction; there are no tables to clear',
  'setup.clear_table_patterns': 'each year runs in one transaction; there are no tables to clear',
  'setup.load_seeds': 'parameter tables are always loaded',
  'setup.run_staging_models': 'staging always runs',
  'setup.validate_results': 'validation is configured on the command line',
  'setup.fail_on_validation_error': 'validation is configured on the command line',
  'setup.enforce_contracts': 'table contracts are always enforced',
  'compensation.growth_target': 'calibration hint, not read by the simulation',
  'compensation.growth_tolerance': 'calibration hint, not read by the simulation',
  'compensation.calculation_methodology': 'compensation is always prorated to full-year equivalents',
  'compensation.promotion_compensation.advanced.market_adjustments': 'not applied by the promotion model',
  'raise_timing.distribution_profile': 'raise timing uses the config_raise_timing_distribution table',
  'raise_timing.validation_tolerance': 'raise timing uses the config_raise_timing_distribution table',
  'raise_timing.deterministic_behavior': 'the simulation is always deterministic',
  'enrollment.timing': 'enrollment event dates follow fixed rules (inert in the reference too)',
  'enrollment.multi_year': 'enrollment state is always carried across years',
  'enrollment.performance': 'performance tuning does not apply to DuckDB',
  'enrollment.auto_enrollment.plan_overrides': 'per-plan overrides were never implemented',
  'enrollment.proactive_enrollment.timing_distribution': 'proactive enrollment dates use the timing window',
  'enrollment.voluntary_enrollment.annual_enrollment_probability':
    'voluntary enrollment uses base_rates_by_age and the multipliers',
  'enrollment.voluntary_enrollment.demographic_adjustments':
    'voluntary enrollment uses base_rates_by_age and the multipliers',
  'enrollment.voluntary_enrollment.timing_distribution': 'voluntary enrollment has one fixed date per year',
};

/** Why a path is ignored; unknown top-level sections get the generic reason. */
export function ignoredReason(path: string): string {
  return IGNORED_KEYS[path] ?? UNKNOWN_SECTION_REASON;
}

/** Marks schemas of ignored keys, so the walker can report them and skip their contents. */
export const ignoredRegistry = z.registry<{ path: string; reason: string }>();

/**
 * Wraps the loose schema of an ignored key: the value is type-checked, then dropped (output `undefined`),
 * so the typed config cannot read it by mistake and it cannot change the hash.
 */
export function ignoredKey<T extends z.ZodType>(path: string, schema: T) {
  const reason = IGNORED_KEYS[path];
  if (reason === undefined) throw new Error(`ignoredKey(${path}): add a reason to IGNORED_KEYS`);
  const wrapped = schema
    .transform((): undefined => undefined)
    .optional()
    .describe(`Accepted for compatibility with the reference and ignored: ${reason}.`);
  ignoredRegistry.add(wrapped, { path, reason });
  return wrapped;
}
