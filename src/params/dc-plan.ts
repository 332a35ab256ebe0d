import type { EmployerEligibility, SimulationConfig } from '../config/index.js';
import { ENTRY_PERIOD_MONTHS, planWaitingPeriodDays } from '../config/plan-eligibility.js';
import type { Database } from '../db/database.js';
import { compileCoreParameters } from './core.js';
import { compileIrsLimits } from './irs-limits.js';
import { compileMatchParameters } from './match.js';
import type { ParameterTables } from './tables.js';

/**
 * DC-plan parameters: one row of plan settings (`param_dc_plan`), the match design as bands and tiers
 * (`param_match_design`, `param_match_bands`, match.ts), the voluntary deferral-rate matrix (`param_deferral_rate_matrix`) and the
 * IRS limits of every simulated year (`param_irs_limits`, irs-limits.ts) and the core design
 * (`param_core_schedule`, `param_core_integration`, core.ts). Values are bound, never spliced into SQL.
 */
export async function compileDcPlanParameters(
  db: Database,
  config: SimulationConfig,
  notices: string[],
  tables: ParameterTables,
): Promise<void> {
  const { enrollment, employer_match: match, employer_core_contribution: core } = config;
  const ae = enrollment.auto_enrollment;
  const proactive = enrollment.proactive_enrollment;
  const voluntary = enrollment.voluntary_enrollment;
  const yoy = enrollment.year_over_year_conversion;
  const magnet = enrollment.match_magnet;
  const escalation = config.deferral_auto_escalation;
  const response = config.deferral_match_response;
  const formula = match.formulas[match.active_formula];
  if (formula === undefined) throw new Error(`employer_match.formulas has no ${match.active_formula}`);
  const [escalationMonth, escalationDay] = escalation.effective_day.split('-').map(Number);

  const eligibility = (prefix: string, e: EmployerEligibility): Record<string, number | boolean | null> => ({
    [`${prefix}_min_tenure`]: e.minimum_tenure_years,
    [`${prefix}_require_active_eoy`]: e.require_active_at_year_end,
    [`${prefix}_min_hours`]: e.minimum_hours_annual,
    [`${prefix}_allow_new_hires`]: e.allow_new_hires,
    [`${prefix}_allow_nh_terminations`]: e.allow_terminated_new_hires,
    [`${prefix}_allow_exp_terminations`]: e.allow_experienced_terminations,
    [`${prefix}_min_age`]: e.minimum_age,
    [`${prefix}_waiting_days`]: e.waiting_period_days,
  });

  // Column name -> [SQL type, value]. Rates that enter exact arithmetic are DECIMAL.
  const columns: Record<string, [string, string | number | boolean | null]> = {
    census_enrollment_date: ['DATE', config.setup.plan_year_end_date],
    waiting_period_days: ['INTEGER', planWaitingPeriodDays(config)],
    minimum_age: ['INTEGER', config.plan_eligibility.minimum_age],
    // Entry: the first day of a period of this many months on or after the day eligibility is met (0: that day).
    entry_period_months: ['INTEGER', ENTRY_PERIOD_MONTHS[config.eligibility.entry_date_type]],
    new_hire_ineligible_pct: ['DOUBLE', config.eligibility.new_hire_ineligible_pct],
    new_hire_eligibility_match_census: ['BOOLEAN', config.eligibility.new_hire_eligibility_match_census],
    ae_enabled: ['BOOLEAN', ae.enabled],
    ae_hire_date_cutoff: ['DATE', ae.hire_date_cutoff],
    ae_window_days: ['INTEGER', ae.window_days],
    ae_default_rate: ['DECIMAL(7,5)', String(ae.default_deferral_rate)],
    opt_out_grace_days: ['INTEGER', ae.opt_out_grace_period],
    opt_out_young: ['DOUBLE', ae.opt_out_rates.by_age.young],
    opt_out_mid_career: ['DOUBLE', ae.opt_out_rates.by_age.mid_career],
    opt_out_mature: ['DOUBLE', ae.opt_out_rates.by_age.mature],
    opt_out_senior: ['DOUBLE', ae.opt_out_rates.by_age.senior],
    opt_out_income_low: ['DOUBLE', ae.opt_out_rates.by_income.low_income],
    opt_out_income_moderate: ['DOUBLE', ae.opt_out_rates.by_income.moderate],
    opt_out_income_high: ['DOUBLE', ae.opt_out_rates.by_income.high],
    opt_out_income_executive: ['DOUBLE', ae.opt_out_rates.by_income.executive],
    voluntary_enrollment_rate: ['DOUBLE', ae.voluntary_enrollment_rate ?? 1],
    proactive_enabled: ['BOOLEAN', proactive.enabled],
    enroll_min_days: ['INTEGER', proactive.timing_window.min_days],
    enroll_max_days: ['INTEGER', proactive.timing_window.max_days],
    proactive_young: ['DOUBLE', proactive.probability_by_demographics.young],
    proactive_mid_career: ['DOUBLE', proactive.probability_by_demographics.mid_career],
    proactive_mature: ['DOUBLE', proactive.probability_by_demographics.mature],
    proactive_senior: ['DOUBLE', proactive.probability_by_demographics.senior],
    voluntary_enabled: ['BOOLEAN', voluntary.enabled],
    voluntary_young: ['DOUBLE', voluntary.base_rates_by_age.young],
    voluntary_mid_career: ['DOUBLE', voluntary.base_rates_by_age.mid_career],
    voluntary_mature: ['DOUBLE', voluntary.base_rates_by_age.mature],
    voluntary_senior: ['DOUBLE', voluntary.base_rates_by_age.senior],
    voluntary_income_low: ['DOUBLE', voluntary.income_multipliers.low],
    voluntary_income_moderate: ['DOUBLE', voluntary.income_multipliers.moderate],
    voluntary_income_high: ['DOUBLE', voluntary.income_multipliers.high],
    voluntary_income_executive: ['DOUBLE', voluntary.income_multipliers.executive],
    voluntary_level_individual: ['DOUBLE', voluntary.job_level_multipliers.individual],
    voluntary_level_senior: ['DOUBLE', voluntary.job_level_multipliers.senior],
    voluntary_level_manager: ['DOUBLE', voluntary.job_level_multipliers.manager],
    voluntary_level_executive: ['DOUBLE', voluntary.job_level_multipliers.executive],
    match_optimization: ['BOOLEAN', voluntary.deferral_rates.match_optimization],
    // The match magnet, when enrollment.match_magnet is present (it then replaces match_optimization).
    magnet_present: ['BOOLEAN', magnet !== undefined],
    magnet_enabled: ['BOOLEAN', magnet?.enabled ?? false],
    magnet_snap_probability: ['DOUBLE', magnet?.snap_probability ?? 0],
    magnet_max_deferral_rate: ['DECIMAL(7,5)', magnet === undefined ? null : String(magnet.max_deferral_rate)],
    yoy_enabled: ['BOOLEAN', yoy.enabled],
    yoy_young: ['DOUBLE', yoy.base_rates_by_age.young],
    yoy_mid_career: ['DOUBLE', yoy.base_rates_by_age.mid_career],
    yoy_mature: ['DOUBLE', yoy.base_rates_by_age.mature],
    yoy_senior: ['DOUBLE', yoy.base_rates_by_age.senior],
    yoy_income_low: ['DOUBLE', yoy.income_multipliers.low_income],
    yoy_income_moderate: ['DOUBLE', yoy.income_multipliers.moderate],
    yoy_income_high: ['DOUBLE', yoy.income_multipliers.high],
    yoy_income_executive: ['DOUBLE', yoy.income_multipliers.executive],
    yoy_tenure_new: ['DOUBLE', yoy.tenure_multipliers.new_employee],
    yoy_tenure_established: ['DOUBLE', yoy.tenure_multipliers.established],
    yoy_tenure_veteran: ['DOUBLE', yoy.tenure_multipliers.veteran],
    yoy_month: ['INTEGER', yoy.timing.enrollment_month],
    yoy_day: ['INTEGER', yoy.timing.enrollment_day],
    yoy_rate_young: ['DECIMAL(7,5)', String(yoy.deferral_rates.young)],
    yoy_rate_mid_career: ['DECIMAL(7,5)', String(yoy.deferral_rates.mid_career)],
    yoy_rate_mature: ['DECIMAL(7,5)', String(yoy.deferral_rates.mature)],
    yoy_rate_senior: ['DECIMAL(7,5)', String(yoy.deferral_rates.senior)],
    escalation_enabled: ['BOOLEAN', escalation.enabled],
    escalation_month: ['INTEGER', escalationMonth ?? 1],
    escalation_day: ['INTEGER', escalationDay ?? 1],
    escalation_increment: ['DECIMAL(7,5)', String(escalation.increment_amount)],
    escalation_cap: ['DECIMAL(7,5)', String(escalation.maximum_rate)],
    escalation_hire_date_cutoff: ['DATE', escalation.hire_date_cutoff],
    escalation_delay_years: ['INTEGER', escalation.first_escalation_delay_years],
    escalation_require_enrollment: ['BOOLEAN', escalation.require_active_enrollment],
    escalation_census_in_start_year: ['BOOLEAN', escalation.census_escalates_in_start_year],
    // The first year's deferral match response, when deferral_match_response is present and enabled.
    response_enabled: ['BOOLEAN', response?.enabled ?? false],
    response_up_participation: ['DOUBLE', response?.upward_participation_rate ?? 0],
    response_up_maximize: ['DOUBLE', response?.upward_maximize_rate ?? 0],
    response_up_factor: ['DECIMAL(7,5)', String(response?.upward_partial_increase_factor ?? 0)],
    response_down_enabled: ['BOOLEAN', response?.downward_enabled ?? false],
    response_down_participation: ['DOUBLE', response?.downward_participation_rate ?? 0],
    response_down_reduce: ['DOUBLE', response?.downward_reduce_to_max_rate ?? 0],
    response_down_factor: ['DECIMAL(7,5)', String(response?.downward_partial_decrease_factor ?? 0)],
    match_formula: ['VARCHAR', match.active_formula],
    match_formula_type: ['VARCHAR', formula.type],
    match_formula_name: ['VARCHAR', formula.name],
    // The match is capped at max_match_percentage of pay, times match_rate for a simple formula.
    match_max_percentage: ['DECIMAL(7,5)', String(formula.max_match_percentage)],
    match_cap_rate: ['DECIMAL(9,5)', formula.type === 'simple' ? String(formula.match_rate) : '1'],
    match_apply_eligibility: ['BOOLEAN', match.apply_eligibility],
    ...mapValues(eligibility('match', match.eligibility), (v) => [typeof v === 'boolean' ? 'BOOLEAN' : 'INTEGER', v]),
    core_enabled: ['BOOLEAN', core.enabled],
    ...mapValues(eligibility('core', core.eligibility), (v) => [typeof v === 'boolean' ? 'BOOLEAN' : 'INTEGER', v]),
    // The share of simulated hires scheduled 20 hours a week (int_employer_eligibility.sql).
    part_time_new_hire_pct: ['DOUBLE', config.workforce.part_time_new_hire_pct],
  };
  const names = Object.keys(columns);
  const values = Object.fromEntries(names.map((name) => [name, columns[name]![1]]));
  // Column names and types are this file's constants; only the values are bound.
  await db.run(
    `CREATE OR REPLACE TABLE param_dc_plan AS SELECT ${names.map((n) => `$${n}::${columns[n]![0]} AS ${n}`).join(', ')}`,
    values,
  );


  await db.run(
    `CREATE OR REPLACE TABLE param_deferral_rate_matrix (age_segment VARCHAR, income_segment VARCHAR, deferral_rate DECIMAL(7,5))`,
  );
  const rates = Object.entries(voluntary.deferral_rates.demographic_base_rates);
  if (rates.length > 0) {
    await db.run(
      `INSERT INTO param_deferral_rate_matrix VALUES ${rates.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3}::DECIMAL(7,5))`).join(', ')}`,
      rates.flatMap(([key, rate]) => [key.slice(0, key.lastIndexOf('_')), key.slice(key.lastIndexOf('_') + 1), String(rate)]),
    );
  }

  await compileMatchParameters(db, config);
  await compileIrsLimits(db, config, notices, tables);
  // After the IRS limits: the integration level is computed from their wage base.
  await compileCoreParameters(db, config);
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}
