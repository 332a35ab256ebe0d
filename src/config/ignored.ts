/**
 * Keys of the reference's configuration that PlanAlign accepts but deliberately does not apply.
 *
 * This table is the one place that says which keys are ignored and why. The schema marks each of these
 * keys with `ignoredKey(path, looseSchema)`, which refuses paths missing from the table, and the loader
 * reports every ignored key present in a config (after env and CLI overrides) in `LoadedConfig.ignored`.
 * Ignored keys are dropped from the resolved config, so they never change its hash.
 */
import { z } from 'zod';
import { IGNORED_UNDER_TARGET } from './opt-out-target.js';

/**
 * Keys of the reference's 2026 sections not applied: `dc_plan` keys the overlay does not apply
 * (src/config/dc-plan-overlay.ts applies the others).
 */
const LATER_KEYS: Readonly<Record<string, string>> = {
  'dc_plan.auto_enroll_scope':
    "the Studio's auto-enrollment scope ('all_eligible' is all_eligible_employees), which would set enrollment.auto_enrollment.scope: ignored as that key is, both scopes reaching the same employees",
  'dc_plan.opt_out_rate_target': "the Studio's own field, from which it derives the eight opt_out_rate_* keys; read by nothing in the reference either",
  'dc_plan.match_percent': "a field of the Studio's plan templates, never exported; read by nothing in the reference either (the match is dc_plan.match_tiers)",
  'dc_plan.match_limit_percent': "a field of the Studio's plan templates, never exported; read by nothing in the reference either (the cap is dc_plan.match_cap_percent)",
};

export const IGNORED_KEYS: Readonly<Record<string, string>> = {
  // Whole top-level sections.
  new_hire_compensation: 'new-hire pay comes from the comp_levers parameter table (inert in the reference too)',
  plan_year: 'plan years are calendar years; setup.plan_year_end_date gives the census enrollment date',
  employee_id_generation: 'new-hire ids have one fixed format',
  optimization: 'performance tuning: DuckDB manages its own threads and memory (see --threads, --memory-limit); there is no Polars mode',
  orchestrator: 'dbt threading, parallelisation and resource management do not apply to DuckDB',
  multi_year: 'checkpointing, resume and retries are built into the orchestrator',
  deferral_baseline: "only the reference's default 'frozen' baseline is implemented",
  corporate_network: 'PlanAlign makes no network calls',
  ops: 'Dagster op configuration',
  production_safety: 'backups and log settings of the unused OrchestrationConfig',
  storage: "the reference's 2026 Studio run retention; PlanAlign keeps one database per run",
  'deferral_match_response.upward_partial_increase_rate':
    'validated (with upward_maximize_rate it must sum to 1) and read by nothing, as in the reference: the partial-increase share is 1 - upward_maximize_rate',
  'deferral_match_response.downward_partial_decrease_rate':
    'validated (with downward_reduce_to_max_rate it must sum to 1) and read by nothing, as in the reference: the partial-decrease share is 1 - downward_reduce_to_max_rate',
  'deferral_match_response.effective_timing':
    "its only value, first_year, is the only timing there is (the response applies in the first simulated year); any other value is an error, as in the reference",
  param_pack: "provenance stamped by the reference's 2026 --params; not a simulation input",
  advanced: "the reference's 2026 Studio form fields, read by nothing there either",
  data_sources: "the reference's 2026 Studio copy of setup.census_parquet_path, read by nothing there either",

  // Keys inside sections we use.
  'age_bands[].band_id': "an id of the Studio's band editor; bands are named by band_label and ordered by min_value (read by no simulation in the reference either)",
  'age_bands[].display_order': "the Studio's display order; bands are ordered by min_value (read by no simulation in the reference either)",
  'tenure_bands[].band_id': "an id of the Studio's band editor; bands are named by band_label and ordered by min_value (read by no simulation in the reference either)",
  'tenure_bands[].display_order': "the Studio's display order; bands are ordered by min_value (read by no simulation in the reference either)",
  'new_hire.level_market_adjustments': 'exported by the reference\'s 2026 Studio and read by nothing there (the market scenario is new_hire.market_scenario)',
  'new_hire.job_level_compensation[].name': 'a label of the Studio form; the level is new_hire.job_level_compensation[].level (read by nothing in the reference either)',
  'new_hire.strategy': "a field of the reference's 2026 Studio, never exported to its engine",
  'new_hire.target_percentile': 'never exported by the reference\'s 2026 Studio: the hire percentile is the HIRE compensation_percentile of comp_levers.csv',
  'new_hire.compensation_variance_percent': 'never exported by the reference\'s 2026 Studio: the spread of hire pay around the level centre is a fixed cycle (0.90 to 1.08)',
  'new_hire.level_distribution_mode': "never exported by the reference's 2026 Studio: hires are spread over levels by the levels' current headcount",
  'new_hire.level_distribution': "never exported by the reference's 2026 Studio: hires are spread over levels by the levels' current headcount",
  'setup.clear_tables': 'each year runs in one transaction; there are no tables to clear',
  'setup.clear_mode': 'each year runs in one transaction; there are no tables to clear',
  'setup.clear_table_patterns': 'each year runs in one transaction; there are no tables to clear',
  'setup.load_seeds': 'parameter tables are always loaded',
  'setup.run_staging_models': 'staging always runs',
  'setup.validate_results': 'we always validate after every year',
  'setup.enforce_contracts': 'table contracts are always enforced',
  'setup.eligibility_waiting_period_days':
    "in the reference it only labelled census rows eligible or pending in staging (hire date + days <= plan_year_end_date) and gated no enrollment; here one rule dates the eligibility of census employees and hires alike (eligibility.waiting_period_days or plan_eligibility.waiting_period_days, whichever is larger, and plan_eligibility.minimum_age)",
  'compensation.growth_target': 'calibration hint, not read by the simulation',
  'compensation.growth_tolerance': 'calibration hint, not read by the simulation',
  'compensation.calculation_methodology': 'compensation is always prorated to full-year equivalents',
  'compensation.promotion_budget': "a display value of the reference's 2026 Studio compensation solver, never exported to its engine",
  'compensation.promotion_budget_percent': "the percent alias of compensation.promotion_budget, a display value of the reference's 2026 Studio compensation solver, never exported to its engine",
  'compensation.target_compensation_growth_percent': "the target of the reference's 2026 Studio compensation solver, never exported to its engine",
  'simulation.name': "the reference's 2026 Studio display name of the scenario, read by nothing there (runs are labelled by scenario_id)",
  'compensation.promotion_compensation.advanced.market_adjustments': 'not applied by the promotion model',
  'raise_timing.distribution_profile':
    'raise months follow general_corporate, the one profile of the config_raise_timing_distribution table (any other value is refused)',
  'raise_timing.validation_tolerance': 'raise timing uses the config_raise_timing_distribution table',
  'raise_timing.deterministic_behavior': 'the simulation is always deterministic',
  'deferral_rates.generate_synthetic_events': 'no dates defined; inert in the reference too',
  'enrollment.timing': 'enrollment event dates follow fixed rules (inert in the reference too)',
  'enrollment.multi_year': 'enrollment state is always carried across years',
  'enrollment.performance': 'performance tuning does not apply to DuckDB',
  'enrollment.year_over_year_conversion.deferral_rates.conservative':
    'read by nothing in the reference either, which defines no other set of conversion rates; converters enroll at deferral_rates.<age band>',
  'enrollment.auto_enrollment.scope':
    'both scopes reach the same employees: every eligible non-participant hired on or after hire_date_cutoff is in auto-enrollment scope once, in the year they become eligible (census employees eligible earlier: the first year), and an opt-out is never auto-enrolled again (the reference\'s own rule R18), so in a run under one config nobody is left for a later sweep (sweeping people never offered auto-enrollment, e.g. after turning it on mid-run with --force-restart, is not modelled)',
  'enrollment.auto_enrollment.plan_overrides': 'per-plan overrides were never implemented',
  'enrollment.proactive_enrollment.timing_distribution':
    'no dates defined; inert in the reference too (proactive and voluntary dates use proactive_enrollment.timing_window)',
  'enrollment.voluntary_enrollment.annual_enrollment_probability':
    'voluntary enrollment uses base_rates_by_age and the multipliers',
  'enrollment.voluntary_enrollment.demographic_adjustments':
    'voluntary enrollment uses base_rates_by_age and the multipliers',
  'enrollment.voluntary_enrollment.timing_distribution':
    'no dates defined; inert in the reference too (proactive and voluntary dates use proactive_enrollment.timing_window)',
  ...LATER_KEYS,
};

/** Why a path listed in `LoadedConfig.ignored` is ignored. */
export function ignoredReason(path: string): string {
  return IGNORED_KEYS[path] ?? IGNORED_KEYS[recordPattern(path)] ?? IGNORED_UNDER_TARGET[path] ?? 'ignored';
}

/**
 * `employer_match.formulas.my_formula.vesting_schedule` → `employer_match.formulas.<key>.vesting_schedule`;
 * `new_hire.job_level_compensation[2].name` → `new_hire.job_level_compensation[].name`.
 */
const recordPattern = (path: string): string =>
  path.replace(/^employer_match\.formulas\.[^.]+\./, 'employer_match.formulas.<key>.').replace(/\[\d+\]/g, '[]');

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
