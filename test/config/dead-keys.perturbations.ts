/**
 * The perturbation of every config key the dead-key guard (dead-keys.test.ts) checks. The guard
 * simulates the default config (config/simulation_config.yaml) on a synthetic census from 2025 and
 * compares it with the same config changed as listed here: each key must change some result.
 *
 * An entry says what changes (`set`: dotted path → value; `tiers.0.x` indexes an array; undefined
 * removes the key), and when needed:
 * - `context`: settings of both runs, for a key that only acts under them (e.g. the voluntary
 *   enrollment rates act only where auto-enrollment does not reach); runs of one context share a
 *   baseline;
 * - `years`: how many years from 2025 the effect needs (default 1; a key that acts from the second
 *   year needs 2);
 * - `fails`: the key's effect is that the run stops, with an error containing this text (a refused
 *   value names its key; every guard run carries one error rule that always fires, ALWAYS_FAILING_RULE);
 * - `echo`: the key is a label; its value must reach this `table.column` (labels are not results);
 * - `outside`: the key is read after the runs, by the command whose test file this names, and must
 *   leave the config hash (so every run and job id) unchanged when perturbed.
 *
 * Probabilities go to 0 or 1, rates and multipliers up (far up where the events are rare), switches
 * flip, enums take another member, dates move. A key of a record or a list (`formulas.<key>`,
 * `tiers[]`) is perturbed on the entry the run uses: the active formula, or the tiered formula made
 * active by the context.
 */
import { DEFAULT_AGE_BANDS, DEFAULT_TENURE_BANDS } from '../../src/config/bands.js';
import { ALWAYS_FAILING_RULE, PERCENT_RATE_COLUMN } from '../support/config-perturbation.js';

/** Stands for a second census (same size, another seed) that the guard writes. */
export const OTHER_CENSUS = '<another census>';
/** Stands for the census with an owner holding most of the balances (writeTopHeavyCensus) that the guard writes. */
export const TOP_HEAVY_CENSUS = '<a top-heavy census>';

export interface Perturbation {
  set: Record<string, unknown>;
  context?: ContextName;
  years?: number;
  fails?: string;
  echo?: string;
  outside?: string;
}

/** Settings under which some keys act, shared by their baseline and perturbed runs. */
export const CONTEXTS = {
  /** The promotion increase drawn from a normal distribution (its spread is normal_std_dev). */
  promotionNormal: { 'compensation.promotion_compensation.distribution_type': 'normal' },
  // The shipped config's decimal keys would mask their percent aliases.
  noDecimalCompensation: { 'compensation.cola_rate': undefined, 'compensation.merit_budget': undefined },
  /**
   * No auto-enrollment, and a year's wait: the census employees hired in 2024 become eligible in
   * 2025 and enroll voluntarily (the voluntary rates and the deferral-rate matrix act on every age and
   * pay segment; new hires are 25-40 and paid above 50,000). A 4 % match cap puts the common 3 %
   * matrix rates within 1 % of the full-match rate, where match_optimization nudges them.
   */
  voluntary: {
    'enrollment.auto_enrollment.enabled': false,
    'plan_eligibility.waiting_period_days': 365,
    'employer_match.formulas.simple_match.max_match_percentage': 0.04,
  },
  /**
   * The voluntary context with the match magnet (its section present, so its 2026 defaults apply):
   * matrix rates below the 4 % ceiling snap up to it, those above 10 % are held at 10 %.
   */
  magnet: {
    'enrollment.auto_enrollment.enabled': false,
    'plan_eligibility.waiting_period_days': 365,
    'employer_match.formulas.simple_match.max_match_percentage': 0.04,
    'enrollment.match_magnet.enabled': true,
  },
  /**
   * The deferral match response switched on, everyone responding: census participants below the
   * formula's 6 % ceiling move up (60 % to it, the rest half way), those above move down (70 % to it).
   */
  matchResponse: {
    'deferral_match_response.enabled': true,
    'deferral_match_response.upward_participation_rate': 1,
    'deferral_match_response.downward_participation_rate': 1,
  },
  /**
   * The voluntary context under a job-levels table of seven levels (pay bands up to 900,000): the
   * bundled five levels never reach the executive level multiplier (levels 7 and up).
   */
  sevenLevels: {
    'enrollment.auto_enrollment.enabled': false,
    'plan_eligibility.waiting_period_days': 365,
    'setup.parameter_tables_dir': 'test/fixtures/parameter-tables/seven-levels',
  },
  /**
   * A year's wait: the census employees hired in 2024 (every age segment) become eligible in 2025,
   * and so are proactive-enrollment candidates (new hires are 25-40).
   */
  waiting: { 'plan_eligibility.waiting_period_days': 365 },
  /** Every eligible non-participant converts year over year (the conversion's rates by age act). */
  yearOverYear: {
    'enrollment.year_over_year_conversion.base_rates_by_age.young': 1,
    'enrollment.year_over_year_conversion.base_rates_by_age.mid_career': 1,
    'enrollment.year_over_year_conversion.base_rates_by_age.mature': 1,
    'enrollment.year_over_year_conversion.base_rates_by_age.senior': 1,
  },
  /**
   * Escalation from the first year (without it the first escalations come in the second), on July 1,
   * after the year's first enrollments.
   */
  escalation: { 'deferral_auto_escalation.first_escalation_delay_years': 0, 'deferral_auto_escalation.effective_day': '07-01' },
  /** A year of service required for the match and the core (so that the new-hire exception acts). */
  tenure: {
    'employer_match.eligibility.minimum_tenure_years': 1,
    'employer_core_contribution.eligibility.minimum_tenure_years': 1,
  },
  /** The tiered match formula active (so that its tiers act). */
  tiered: { 'employer_match.active_formula': 'tiered_match' },
  /** Leavers not excluded as such: the allow_* flags decide whether they are paid. */
  leaversByFlags: {
    'employer_match.eligibility.require_active_at_year_end': false,
    'employer_core_contribution.eligibility.require_active_at_year_end': false,
  },
  /** Every kind of leaver allowed: only require_active_at_year_end excludes them. */
  leaversAllowed: {
    'employer_match.eligibility.allow_terminated_new_hires': true,
    'employer_match.eligibility.allow_experienced_terminations': true,
    'employer_core_contribution.eligibility.allow_terminated_new_hires': true,
    'employer_core_contribution.eligibility.allow_experienced_terminations': true,
  },
  /** Census participants start at the fallback rate. */
  censusFallback: { 'deferral_rates.use_census_rates': false },
  /** Census rates read from the census's percent column. */
  percentRates: { 'deferral_rates.census_rate_field': PERCENT_RATE_COLUMN },
  /** IRS limits published to 2024 only: 2025 is a projected year. */
  irsProjected: { 'setup.parameter_tables_dir': 'test/fixtures/parameter-tables/irs-limits-to-2024' },
  /** Hires' ages and level 1's hire-pay band from the config (so that their list entries act). */
  newHireInputs: {
    'new_hire.age_distribution': [
      { age: 30, weight: 0.5 },
      { age: 50, weight: 0.5 },
    ],
    'new_hire.job_level_compensation': [{ level: 1, min_compensation: 50000, max_compensation: 70000 }],
  },
  /** Match modes, each with two bands (5 years of service, or 60 points) over the census's spread. */
  matchGraded: {
    'employer_match.employer_match_status': 'graded_by_service',
    'employer_match.graded_schedule': [
      { min_years: 0, max_years: 5, match_rate: 50, max_deferral_pct: 6 },
      { min_years: 5, max_years: null, match_rate: 100, max_deferral_pct: 6 },
    ],
  },
  matchTenureGraded: {
    'employer_match.employer_match_status': 'tenure_graded',
    'employer_match.tenure_graded_bands': [
      { min_years: 0, max_years: 5, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 0.5 }] },
      {
        min_years: 5,
        max_years: null,
        tiers: [
          { employee_min: 0, employee_max: 0.03, match_rate: 1 },
          { employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
        ],
      },
    ],
  },
  matchPoints: {
    'employer_match.employer_match_status': 'points_based',
    'employer_match.points_match_tiers': [
      { min_points: 0, max_points: 60, match_rate: 50, max_deferral_pct: 6 },
      { min_points: 60, max_points: null, match_rate: 100, max_deferral_pct: 6 },
    ],
  },
  matchLegacy: {
    'employer_match.employer_match_status': 'tenure_based',
    'employer_match.tenure_match_tiers': [
      { min_years: 0, max_years: 5, match_rate: 50, max_deferral_pct: 6 },
      { min_years: 5, max_years: null, match_rate: 100, max_deferral_pct: 6 },
    ],
  },
  /** A census of 300 whose every 4th row has eligibility_override = false (a census share of 25 %). */
  overrideCensus: { 'setup.census_parquet_path': 'test/fixtures/plan-design/census-eligibility-override.csv' },
  /** Core modes, each with two bands over the census's spread (5 years of service, 60 points, age 40). */
  coreGraded: {
    'employer_core_contribution.status': 'graded_by_service',
    'employer_core_contribution.graded_schedule': [
      { min_years: 0, max_years: 4, contribution_rate: 0.01 },
      { min_years: 5, contribution_rate: 0.03 },
    ],
  },
  corePoints: {
    'employer_core_contribution.status': 'points_based',
    'employer_core_contribution.points_schedule': [
      { min_points: 0, max_points: 59, contribution_rate: 0.01 },
      { min_points: 60, contribution_rate: 0.03 },
    ],
  },
  coreAge: {
    'employer_core_contribution.status': 'age_banded',
    'employer_core_contribution.age_schedule': [
      { min_age: 0, max_age: 40, contribution_rate: 0.01 },
      { min_age: 40, contribution_rate: 0.03 },
    ],
  },
  /** A 1 % disparity (the flat 1 % core's most) that integration switched on would pay. */
  coreDisparity: { 'employer_core_contribution.integration.disparity_rate': 0.01 },
  /** Integration at the wage base, 1 % above it. */
  coreIntegrated: {
    'employer_core_contribution.integration.enabled': true,
    'employer_core_contribution.integration.disparity_rate': 0.01,
  },
  /** Integration at a fixed $100,000. */
  coreFixedLevel: {
    'employer_core_contribution.integration.enabled': true,
    'employer_core_contribution.integration.disparity_rate': 0.01,
    'employer_core_contribution.integration.level_mode': 'fixed_dollar',
    'employer_core_contribution.integration.level_value': 100000,
  },
  /** The standard age and tenure bands given in the config (their labels keep the tables' promotion multipliers). */
  bands: { age_bands: [...DEFAULT_AGE_BANDS], tenure_bands: [...DEFAULT_TENURE_BANDS] },
  /** Promotion multipliers from the config, x20 on one age and one tenure band (the others from the tables). */
  promotionMultipliers: {
    'promotion_hazard.age_multipliers': [{ age_band: '25-34', multiplier: 20 }],
    'promotion_hazard.tenure_multipliers': [{ tenure_band: '2-4', multiplier: 20 }],
  },
  /** A graded 6-year match: vested below 100 % for anyone with under 6 years of service. */
  vestingGraded: { 'vesting.match': 'graded_6_year' },
  /** The qaca preset active: its match vests on a 2-year cliff unless a key says otherwise. */
  qaca: {
    'employer_match.active_formula': 'qaca_safe_harbor',
    'employer_match.formulas.qaca_safe_harbor': {
      type: 'qaca',
      tiers: [
        { tier: 1, employee_min: 0, employee_max: 0.01, match_rate: 1 },
        { tier: 2, employee_min: 0.01, employee_max: 0.06, match_rate: 0.5 },
      ],
      max_match_percentage: 0.035,
    },
  },
  /** A plan top-heavy from the first year: one owner holds most of the balances. */
  topHeavy: { 'setup.census_parquet_path': TOP_HEAVY_CENSUS },
  /** Half the hires part-time: the part_time_hire draw (a hiring stream) picks which. */
  partTimeHires: { 'workforce.part_time_new_hire_pct': 0.5 },
} as const satisfies Record<string, Record<string, unknown>>;

export type ContextName = keyof typeof CONTEXTS;

const AE = 'enrollment.auto_enrollment';
const CENSUS_RATES = 'deferral_rates';
const PROACTIVE = 'enrollment.proactive_enrollment';
const VOLUNTARY = 'enrollment.voluntary_enrollment';
const MATRIX = `${VOLUNTARY}.deferral_rates.demographic_base_rates`;
const YOY = 'enrollment.year_over_year_conversion';
const MATCH = 'employer_match';
const CORE = 'employer_core_contribution';
const ESCALATION = 'deferral_auto_escalation';
const PROMOTION = 'compensation.promotion_compensation';
const TIERS = `${MATCH}.formulas.tiered_match.tiers`;
const DC = 'dc_plan';

/** One cell of the voluntary deferral-rate matrix, doubled. */
const matrixCell = (cell: string, rate: number): Perturbation => ({ set: { [`${MATRIX}.${cell}`]: rate * 2 }, context: 'voluntary' });

/** Employer eligibility keys, the same for the match and the core. */
const eligibility = (section: string): Record<string, Perturbation> => ({
  [`${section}.eligibility.minimum_tenure_years`]: { set: { [`${section}.eligibility.minimum_tenure_years`]: 5 } },
  [`${section}.eligibility.require_active_at_year_end`]: {
    set: { [`${section}.eligibility.require_active_at_year_end`]: false },
    context: 'leaversAllowed',
  },
  [`${section}.eligibility.minimum_hours_annual`]: { set: { [`${section}.eligibility.minimum_hours_annual`]: 2000 } },
  [`${section}.eligibility.allow_new_hires`]: { set: { [`${section}.eligibility.allow_new_hires`]: false }, context: 'tenure' },
  [`${section}.eligibility.allow_terminated_new_hires`]: {
    set: { [`${section}.eligibility.allow_terminated_new_hires`]: true },
    context: 'leaversByFlags',
  },
  [`${section}.eligibility.allow_experienced_terminations`]: {
    set: { [`${section}.eligibility.allow_experienced_terminations`]: true },
    context: 'leaversByFlags',
  },
  // Census employees under 60 and the year's hires (a year's wait) lose the money.
  [`${section}.eligibility.minimum_age`]: { set: { [`${section}.eligibility.minimum_age`]: 60 } },
  [`${section}.eligibility.waiting_period_days`]: { set: { [`${section}.eligibility.waiting_period_days`]: 365 } },
});

/**
 * The keys of a list of whole-percent bands (graded_schedule, points_match_tiers, tenure_match_tiers)
 * in the context that uses it, whose two bands split at 5 years or 60 points.
 */
function bandedRows(list: string, unit: 'years' | 'points', context: ContextName, what: string): Record<string, Perturbation> {
  const [min, max, edge] = unit === 'years' ? ['min_years', 'max_years', 5] : ['min_points', 'max_points', 60];
  return {
    [list]: { set: { [list]: [{ [min]: 0, [max]: null, match_rate: 25, max_deferral_pct: 6 }] }, context },
    // Bands are contiguous from 0: a band's min is the previous band's max, so a min moved alone is refused.
    [`${list}[].${min}`]: {
      set: { [`${list}.1.${min}`]: edge - 1 },
      context,
      fails: `${list}[1].${min}: must be ${edge}, where the previous ${what} ends`,
    },
    [`${list}[].${max}`]: { set: { [`${list}.0.${max}`]: edge - 2, [`${list}.1.${min}`]: edge - 2 }, context },
    [`${list}[].match_rate`]: { set: { [`${list}.1.match_rate`]: 200 }, context },
    [`${list}[].max_deferral_pct`]: { set: { [`${list}.1.max_deferral_pct`]: 3 }, context },
  };
}

/**
 * The keys of age_bands or tenure_bands (in the context giving the standard bands; the second starts at
 * `edge`) and of promotion_hazard's multipliers of that kind (in the context giving ×20 on `boosted`, the
 * second standard band, whose table multiplier is `boostedMultiplier`).
 */
function bandKeys(kind: 'age' | 'tenure', boosted: string, other: string, edge: number, first: string, boostedMultiplier: number): Record<string, Perturbation> {
  const [bands, list, key] = [`${kind}_bands`, `promotion_hazard.${kind}_multipliers`, `${kind}_band`];
  return {
    [bands]: { set: { [bands]: [{ band_label: first, min_value: 0, max_value: edge + 10 }, { band_label: boosted, min_value: edge + 10, max_value: 999 }] } },
    // The second band renamed, with its table's multiplier under the new name: only the label changes
    // (the census has nobody under 25).
    [`${bands}[].band_label`]: {
      set: { [`${bands}.1.band_label`]: 'renamed', [list]: [{ [key]: 'renamed', multiplier: boostedMultiplier }] },
      context: 'bands',
    },
    [`${bands}[].min_value`]: { set: { [`${bands}.0.max_value`]: edge + 1, [`${bands}.1.min_value`]: edge + 1 }, context: 'bands' },
    [`${bands}[].max_value`]: {
      set: { [`${bands}.0.max_value`]: edge + 1 },
      context: 'bands',
      fails: `${bands}[1].min_value: must be ${edge + 1}, where the previous band ends`,
    },
    [list]: { set: { [list]: [{ [key]: boosted, multiplier: 20 }] } },
    [`${list}[].${key}`]: { set: { [`${list}.0.${key}`]: other }, context: 'promotionMultipliers' },
    [`${list}[].multiplier`]: { set: { [`${list}.0.multiplier`]: 0 }, context: 'promotionMultipliers' },
  };
}

/**
 * The keys of a core rate schedule in the context that uses it, whose two rows split at `edge`
 * (rows run from their min to the next row's min; a max only has to agree with that).
 */
function coreSchedule(list: string, min: string, max: string, edge: number, context: ContextName): Record<string, Perturbation> {
  const path = `${CORE}.${list}`;
  return {
    [path]: { set: { [path]: [{ [min]: 0, contribution_rate: 0.02 }] }, context },
    [`${path}[].${min}`]: { set: { [`${path}.1.${min}`]: edge + 10, [`${path}.0.${max}`]: edge + 10 }, context },
    [`${path}[].${max}`]: { set: { [`${path}.0.${max}`]: edge - 3 }, context, fails: `${path}[0].${max}: leaves a gap before the next row` },
    [`${path}[].contribution_rate`]: { set: { [`${path}.1.contribution_rate`]: 0.05 }, context },
    [`${path}[].rate`]: { set: { [`${path}.1.contribution_rate`]: undefined, [`${path}.1.rate`]: 5 }, context },
  };
}

/** The dc_plan overlay's eligibility keys of the match or the core, perturbed as the YAML keys they set. */
const dcPlanEligibility = (prefix: 'match' | 'core'): Record<string, Perturbation> => ({
  [`${DC}.${prefix}_min_tenure_years`]: { set: { [`${DC}.${prefix}_min_tenure_years`]: 5 } },
  [`${DC}.${prefix}_require_year_end_active`]: { set: { [`${DC}.${prefix}_require_year_end_active`]: false }, context: 'leaversAllowed' },
  [`${DC}.${prefix}_min_hours_annual`]: { set: { [`${DC}.${prefix}_min_hours_annual`]: 2000 } },
  [`${DC}.${prefix}_allow_new_hires`]: { set: { [`${DC}.${prefix}_allow_new_hires`]: false }, context: 'tenure' },
  [`${DC}.${prefix}_allow_terminated_new_hires`]: { set: { [`${DC}.${prefix}_allow_terminated_new_hires`]: true }, context: 'leaversByFlags' },
  [`${DC}.${prefix}_allow_experienced_terminations`]: {
    set: { [`${DC}.${prefix}_allow_experienced_terminations`]: true },
    context: 'leaversByFlags',
  },
});

export const PERTURBATIONS: Record<string, Perturbation> = {
  scenario_id: { set: { scenario_id: 'guard_scenario' }, echo: 'fct_yearly_events.scenario_id' },
  plan_design_id: { set: { plan_design_id: 'guard_plan' }, echo: 'fct_yearly_events.plan_design_id' },

  'simulation.start_year': { set: { 'simulation.start_year': 2026, 'simulation.end_year': 2026 } },
  'simulation.end_year': { set: { 'simulation.end_year': 2026 } },
  'simulation.random_seed': { set: { 'simulation.random_seed': 7 } },
  'simulation.target_growth_rate': { set: { 'simulation.target_growth_rate': 0.1 } },
  // The experienced and new-hire termination totals are drawn instead of the exact quotas.
  'simulation.count_uncertainty': { set: { 'simulation.count_uncertainty': 'terminations' } },
  // A subsystem's frozen seed other than the run's (42) draws its streams anew.
  'ensemble.frozen_subsystem_seeds.termination': { set: { 'ensemble.frozen_subsystem_seeds.termination': 99 } },
  'ensemble.frozen_subsystem_seeds.promotion': { set: { 'ensemble.frozen_subsystem_seeds.promotion': 99 } },
  'ensemble.frozen_subsystem_seeds.hiring': { set: { 'ensemble.frozen_subsystem_seeds.hiring': 99 }, context: 'partTimeHires' },
  'workforce.total_termination_rate': { set: { 'workforce.total_termination_rate': 0.24 } },
  'workforce.new_hire_termination_rate': { set: { 'workforce.new_hire_termination_rate': 0.5 } },
  // Every hire at 20 h a week: those hired early in the year fall below 1,000 hours.
  'workforce.part_time_new_hire_pct': { set: { 'workforce.part_time_new_hire_pct': 1 } },

  'compensation.cola_rate': { set: { 'compensation.cola_rate': 0.02 } },
  'compensation.merit_budget': { set: { 'compensation.merit_budget': 0.04 } },
  'compensation.promotion_increase': { set: { 'compensation.promotion_increase': 0.1 } },
  'compensation.promotion_rate_multiplier': { set: { 'compensation.promotion_rate_multiplier': 5 } },
  'compensation.promotion_distribution_range': { set: { 'compensation.promotion_distribution_range': 0.3 } },
  // The percent aliases, each moved onto its decimal key (absent in the base config).
  'compensation.cola_rate_percent': { set: { 'compensation.cola_rate_percent': 2 }, context: 'noDecimalCompensation' },
  'compensation.merit_budget_percent': { set: { 'compensation.merit_budget_percent': 4 }, context: 'noDecimalCompensation' },
  'compensation.promotion_increase_percent': { set: { 'compensation.promotion_increase_percent': 10 } },
  'compensation.promotion_distribution_range_percent': { set: { 'compensation.promotion_distribution_range_percent': 30 } },
  [`${PROMOTION}.base_increase_pct`]: { set: { [`${PROMOTION}.base_increase_pct`]: 0.1 } },
  [`${PROMOTION}.distribution_range`]: { set: { [`${PROMOTION}.distribution_range`]: 0.1 } },
  [`${PROMOTION}.max_cap_pct`]: { set: { [`${PROMOTION}.max_cap_pct`]: 0.15 } },
  [`${PROMOTION}.max_cap_amount`]: { set: { [`${PROMOTION}.max_cap_amount`]: 1000 } },
  [`${PROMOTION}.distribution_type`]: { set: { [`${PROMOTION}.distribution_type`]: 'deterministic' } },
  [`${PROMOTION}.level_overrides`]: { set: { [`${PROMOTION}.level_overrides`]: { 1: 0.1, 2: 0.1, 3: 0.1, 4: 0.1, 5: 0.1 } } },
  [`${PROMOTION}.advanced.normal_std_dev`]: { set: { [`${PROMOTION}.advanced.normal_std_dev`]: 0.1 }, context: 'promotionNormal' },
  'raise_timing.methodology': { set: { 'raise_timing.methodology': 'legacy' } },

  'setup.census_parquet_path': { set: { 'setup.census_parquet_path': OTHER_CENSUS } },
  // A folder whose promotion hazard base rate is five times the bundled one (relative to the working folder).
  'setup.parameter_tables_dir': { set: { 'setup.parameter_tables_dir': 'test/fixtures/parameter-tables/promotion-base-x5' } },
  // Plan years are calendar years: another start is refused.
  'setup.plan_year_start_date': { set: { 'setup.plan_year_start_date': '2024-07-01' }, fails: 'setup.plan_year_start_date' },
  'setup.fail_on_validation_error': { set: { 'setup.fail_on_validation_error': true }, fails: ALWAYS_FAILING_RULE.name },
  // 2025 projected from 2024 at 20 % instead of 2.5 %: 402(g) 27,500 instead of 23,500, 401(a)(17) 410,000 instead of 350,000.
  'setup.irs_limit_indexing_rate': { set: { 'setup.irs_limit_indexing_rate': 0.2 }, context: 'irsProjected' },
  // The census participants' enrollment date; the start date moves with it to stay before it.
  'setup.plan_year_end_date': { set: { 'setup.plan_year_start_date': '2023-01-01', 'setup.plan_year_end_date': '2023-12-31' } },
  'eligibility.waiting_period_days': { set: { 'eligibility.waiting_period_days': 365 } },
  'plan_eligibility.waiting_period_days': { set: { 'plan_eligibility.waiting_period_days': 365 } },
  'plan_eligibility.minimum_age': { set: { 'plan_eligibility.minimum_age': 40 } },
  // The year's hires (hired through the year) enter on the next quarter's first day instead of at hire.
  'eligibility.entry_date_type': { set: { 'eligibility.entry_date_type': 'quarterly' } },
  'eligibility.new_hire_ineligible_pct': { set: { 'eligibility.new_hire_ineligible_pct': 0.5 } },
  // The census's 25 % of overrides, instead of new_hire_ineligible_pct's 0, excludes a quarter of the hires.
  'eligibility.new_hire_eligibility_match_census': { set: { 'eligibility.new_hire_eligibility_match_census': true }, context: 'overrideCensus' },

  [`${CENSUS_RATES}.use_census_rates`]: { set: { [`${CENSUS_RATES}.use_census_rates`]: false } },
  [`${CENSUS_RATES}.census_rate_field`]: { set: { [`${CENSUS_RATES}.census_rate_field`]: PERCENT_RATE_COLUMN } },
  [`${CENSUS_RATES}.pre_enrolled_fallback`]: { set: { [`${CENSUS_RATES}.pre_enrolled_fallback`]: 0.05 }, context: 'censusFallback' },
  [`${CENSUS_RATES}.plan_deferral_cap`]: { set: { [`${CENSUS_RATES}.plan_deferral_cap`]: 0.05 } },
  // Off, the percent column's values (above 1) are unusable: those participants start at the fallback.
  [`${CENSUS_RATES}.normalize_percentages`]: { set: { [`${CENSUS_RATES}.normalize_percentages`]: false }, context: 'percentRates' },

  [`${AE}.enabled`]: { set: { [`${AE}.enabled`]: false } },
  [`${AE}.window_days`]: { set: { [`${AE}.window_days`]: 90 } },
  [`${AE}.default_deferral_rate`]: { set: { [`${AE}.default_deferral_rate`]: 0.04 } },
  [`${AE}.opt_out_grace_period`]: { set: { [`${AE}.opt_out_grace_period`]: 90 } },
  [`${AE}.hire_date_cutoff`]: { set: { [`${AE}.hire_date_cutoff`]: null } },
  [`${AE}.opt_out_rates.by_age.young`]: { set: { [`${AE}.opt_out_rates.by_age.young`]: 1 } },
  [`${AE}.opt_out_rates.by_age.mid_career`]: { set: { [`${AE}.opt_out_rates.by_age.mid_career`]: 1 } },
  [`${AE}.opt_out_rates.by_age.mature`]: { set: { [`${AE}.opt_out_rates.by_age.mature`]: 1 } },
  [`${AE}.opt_out_rates.by_age.senior`]: { set: { [`${AE}.opt_out_rates.by_age.senior`]: 1 } },
  // Multipliers of the age rate (3-10 %): far up, so that the segment's auto-enrollees opt out.
  [`${AE}.opt_out_rates.by_income.low_income`]: { set: { [`${AE}.opt_out_rates.by_income.low_income`]: 30 } },
  [`${AE}.opt_out_rates.by_income.moderate`]: { set: { [`${AE}.opt_out_rates.by_income.moderate`]: 30 } },
  [`${AE}.opt_out_rates.by_income.high`]: { set: { [`${AE}.opt_out_rates.by_income.high`]: 30 } },
  [`${AE}.opt_out_rates.by_income.executive`]: { set: { [`${AE}.opt_out_rates.by_income.executive`]: 30 } },
  // The 2026 target: 0.5 makes the age rates 0.9 / 0.55 / 0.35 / 0.2 instead of the file's 3-10 %.
  [`${AE}.opt_out_rates.target`]: { set: { [`${AE}.opt_out_rates.target`]: 0.5 } },
  [`${AE}.voluntary_enrollment_rate`]: { set: { [`${AE}.voluntary_enrollment_rate`]: 0 }, context: 'voluntary' },

  [`${PROACTIVE}.enabled`]: { set: { [`${PROACTIVE}.enabled`]: false } },
  [`${PROACTIVE}.timing_window.min_days`]: { set: { [`${PROACTIVE}.timing_window.min_days`]: 0 } },
  [`${PROACTIVE}.timing_window.max_days`]: { set: { [`${PROACTIVE}.timing_window.max_days`]: 60 } },
  [`${PROACTIVE}.probability_by_demographics.young`]: { set: { [`${PROACTIVE}.probability_by_demographics.young`]: 1 } },
  [`${PROACTIVE}.probability_by_demographics.mid_career`]: { set: { [`${PROACTIVE}.probability_by_demographics.mid_career`]: 1 } },
  [`${PROACTIVE}.probability_by_demographics.mature`]: {
    set: { [`${PROACTIVE}.probability_by_demographics.mature`]: 0 },
    context: 'waiting',
  },
  [`${PROACTIVE}.probability_by_demographics.senior`]: {
    set: { [`${PROACTIVE}.probability_by_demographics.senior`]: 0 },
    context: 'waiting',
  },

  [`${VOLUNTARY}.enabled`]: { set: { [`${VOLUNTARY}.enabled`]: false }, context: 'voluntary' },
  [`${VOLUNTARY}.base_rates_by_age.young`]: { set: { [`${VOLUNTARY}.base_rates_by_age.young`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.base_rates_by_age.mid_career`]: { set: { [`${VOLUNTARY}.base_rates_by_age.mid_career`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.base_rates_by_age.mature`]: { set: { [`${VOLUNTARY}.base_rates_by_age.mature`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.base_rates_by_age.senior`]: { set: { [`${VOLUNTARY}.base_rates_by_age.senior`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.income_multipliers.low`]: { set: { [`${VOLUNTARY}.income_multipliers.low`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.income_multipliers.moderate`]: { set: { [`${VOLUNTARY}.income_multipliers.moderate`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.income_multipliers.high`]: { set: { [`${VOLUNTARY}.income_multipliers.high`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.income_multipliers.executive`]: { set: { [`${VOLUNTARY}.income_multipliers.executive`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.job_level_multipliers.individual`]: { set: { [`${VOLUNTARY}.job_level_multipliers.individual`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.job_level_multipliers.senior`]: { set: { [`${VOLUNTARY}.job_level_multipliers.senior`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.job_level_multipliers.manager`]: { set: { [`${VOLUNTARY}.job_level_multipliers.manager`]: 0 }, context: 'voluntary' },
  [`${VOLUNTARY}.job_level_multipliers.executive`]: { set: { [`${VOLUNTARY}.job_level_multipliers.executive`]: 0 }, context: 'sevenLevels' },
  [`${VOLUNTARY}.deferral_rates.match_optimization`]: {
    set: { [`${VOLUNTARY}.deferral_rates.match_optimization`]: false },
    context: 'voluntary',
  },
  'ensemble.thresholds': { set: { 'ensemble.thresholds': [{ metric: 'active_headcount', value: 1 }] }, outside: 'test/ensemble/thresholds.test.ts' },
  'ensemble.thresholds[].metric': { set: { 'ensemble.thresholds': [{ metric: 'forfeitures', value: 1 }] }, outside: 'test/ensemble/thresholds.test.ts' },
  'ensemble.thresholds[].value': { set: { 'ensemble.thresholds': [{ metric: 'active_headcount', value: 2 }] }, outside: 'test/ensemble/thresholds.test.ts' },
  'ensemble.thresholds[].label': {
    set: { 'ensemble.thresholds': [{ metric: 'active_headcount', value: 1, label: 'big' }] },
    outside: 'test/ensemble/thresholds.test.ts',
  },
  'enrollment.match_magnet.enabled': { set: { 'enrollment.match_magnet.enabled': false }, context: 'magnet' },
  'enrollment.match_magnet.snap_probability': { set: { 'enrollment.match_magnet.snap_probability': 1 }, context: 'magnet' },
  'enrollment.match_magnet.max_deferral_rate': { set: { 'enrollment.match_magnet.max_deferral_rate': 0.05 }, context: 'magnet' },
  'deferral_match_response.enabled': { set: { 'deferral_match_response.enabled': false }, context: 'matchResponse' },
  'deferral_match_response.upward_participation_rate': { set: { 'deferral_match_response.upward_participation_rate': 0 }, context: 'matchResponse' },
  'deferral_match_response.upward_maximize_rate': {
    set: { 'deferral_match_response.upward_maximize_rate': 1, 'deferral_match_response.upward_partial_increase_rate': 0 },
    context: 'matchResponse',
  },
  'deferral_match_response.upward_partial_increase_factor': { set: { 'deferral_match_response.upward_partial_increase_factor': 0.9 }, context: 'matchResponse' },
  'deferral_match_response.downward_enabled': { set: { 'deferral_match_response.downward_enabled': false }, context: 'matchResponse' },
  'deferral_match_response.downward_participation_rate': { set: { 'deferral_match_response.downward_participation_rate': 0 }, context: 'matchResponse' },
  'deferral_match_response.downward_reduce_to_max_rate': {
    set: { 'deferral_match_response.downward_reduce_to_max_rate': 0, 'deferral_match_response.downward_partial_decrease_rate': 1 },
    context: 'matchResponse',
  },
  'deferral_match_response.downward_partial_decrease_factor': { set: { 'deferral_match_response.downward_partial_decrease_factor': 0.9 }, context: 'matchResponse' },
  [`${MATRIX}.young_low`]: matrixCell('young_low', 0.03),
  [`${MATRIX}.young_moderate`]: matrixCell('young_moderate', 0.03),
  [`${MATRIX}.young_high`]: matrixCell('young_high', 0.04),
  [`${MATRIX}.young_executive`]: matrixCell('young_executive', 0.06),
  [`${MATRIX}.mid_career_low`]: matrixCell('mid_career_low', 0.04),
  [`${MATRIX}.mid_career_moderate`]: matrixCell('mid_career_moderate', 0.06),
  [`${MATRIX}.mid_career_high`]: matrixCell('mid_career_high', 0.08),
  [`${MATRIX}.mid_career_executive`]: matrixCell('mid_career_executive', 0.1),
  [`${MATRIX}.mature_low`]: matrixCell('mature_low', 0.05),
  [`${MATRIX}.mature_moderate`]: matrixCell('mature_moderate', 0.08),
  [`${MATRIX}.mature_high`]: matrixCell('mature_high', 0.1),
  [`${MATRIX}.mature_executive`]: matrixCell('mature_executive', 0.12),
  [`${MATRIX}.senior_low`]: matrixCell('senior_low', 0.06),
  [`${MATRIX}.senior_moderate`]: matrixCell('senior_moderate', 0.1),
  [`${MATRIX}.senior_high`]: matrixCell('senior_high', 0.12),
  [`${MATRIX}.senior_executive`]: matrixCell('senior_executive', 0.15),

  [`${YOY}.enabled`]: { set: { [`${YOY}.enabled`]: false } },
  [`${YOY}.base_rates_by_age.young`]: { set: { [`${YOY}.base_rates_by_age.young`]: 1 } },
  [`${YOY}.base_rates_by_age.mid_career`]: { set: { [`${YOY}.base_rates_by_age.mid_career`]: 1 } },
  [`${YOY}.base_rates_by_age.mature`]: { set: { [`${YOY}.base_rates_by_age.mature`]: 1 } },
  [`${YOY}.base_rates_by_age.senior`]: { set: { [`${YOY}.base_rates_by_age.senior`]: 1 } },
  // Multipliers of 3-8 % conversion rates: far up, so that the segment converts.
  [`${YOY}.income_multipliers.low_income`]: { set: { [`${YOY}.income_multipliers.low_income`]: 12 } },
  [`${YOY}.income_multipliers.moderate`]: { set: { [`${YOY}.income_multipliers.moderate`]: 12 } },
  [`${YOY}.income_multipliers.high`]: { set: { [`${YOY}.income_multipliers.high`]: 12 } },
  [`${YOY}.income_multipliers.executive`]: { set: { [`${YOY}.income_multipliers.executive`]: 12 } },
  [`${YOY}.tenure_multipliers.new_employee`]: { set: { [`${YOY}.tenure_multipliers.new_employee`]: 12 } },
  [`${YOY}.tenure_multipliers.established`]: { set: { [`${YOY}.tenure_multipliers.established`]: 12 } },
  [`${YOY}.tenure_multipliers.veteran`]: { set: { [`${YOY}.tenure_multipliers.veteran`]: 12 } },
  [`${YOY}.timing.enrollment_month`]: { set: { [`${YOY}.timing.enrollment_month`]: 3 } },
  [`${YOY}.timing.enrollment_day`]: { set: { [`${YOY}.timing.enrollment_day`]: 1 } },
  [`${YOY}.deferral_rates.young`]: { set: { [`${YOY}.deferral_rates.young`]: 0.06 }, context: 'yearOverYear' },
  [`${YOY}.deferral_rates.mid_career`]: { set: { [`${YOY}.deferral_rates.mid_career`]: 0.08 }, context: 'yearOverYear' },
  [`${YOY}.deferral_rates.mature`]: { set: { [`${YOY}.deferral_rates.mature`]: 0.1 }, context: 'yearOverYear' },
  [`${YOY}.deferral_rates.senior`]: { set: { [`${YOY}.deferral_rates.senior`]: 0.12 }, context: 'yearOverYear' },

  [`${MATCH}.active_formula`]: { set: { [`${MATCH}.active_formula`]: 'tiered_match' } },
  // Without it the match needs only year-end employment and the hours: tenure stops counting.
  [`${MATCH}.apply_eligibility`]: { set: { [`${MATCH}.apply_eligibility`]: false }, context: 'tenure' },
  ...eligibility(MATCH),
  // The record as a whole: the active formula replaced, the others gone.
  [`${MATCH}.formulas`]: {
    set: { [`${MATCH}.formulas`]: { simple_match: { type: 'simple', match_rate: 1, max_match_percentage: 0.06 } } },
  },
  // Labels: the name reaches the match table; a tier number orders the tiers, so one out of order is refused.
  [`${MATCH}.formulas.<key>.name`]: {
    set: { [`${MATCH}.formulas.simple_match.name`]: 'Guard Match' },
    echo: 'int_employee_match_calculations.formula_name',
  },
  // A simple formula is one tier; as a tiered formula with another band it must pay differently.
  [`${MATCH}.formulas.<key>.type`]: {
    set: {
      [`${MATCH}.formulas.simple_match.type`]: 'tiered',
      [`${MATCH}.formulas.simple_match.match_rate`]: undefined,
      [`${MATCH}.formulas.simple_match.tiers`]: [{ tier: 1, employee_min: 0, employee_max: 0.03, match_rate: 1 }],
    },
  },
  [`${MATCH}.formulas.<key>.match_rate`]: { set: { [`${MATCH}.formulas.simple_match.match_rate`]: 1 } },
  [`${MATCH}.formulas.<key>.max_match_percentage`]: { set: { [`${MATCH}.formulas.simple_match.max_match_percentage`]: 0.03 } },
  [`${MATCH}.formulas.<key>.tiers`]: {
    set: { [TIERS]: [{ tier: 1, employee_min: 0, employee_max: 0.06, match_rate: 1 }] },
    context: 'tiered',
  },
  [`${MATCH}.formulas.<key>.tiers[].tier`]: {
    set: { [`${TIERS}.0.tier`]: 3, [`${TIERS}.1.tier`]: 2 },
    context: 'tiered',
    fails: 'employer_match.formulas.tiered_match.tiers[1].tier: must be greater than the previous tier (3)',
  },
  [`${MATCH}.formulas.<key>.tiers[].employee_min`]: { set: { [`${TIERS}.1.employee_min`]: 0.04 }, context: 'tiered' },
  [`${MATCH}.formulas.<key>.tiers[].employee_max`]: { set: { [`${TIERS}.0.employee_max`]: 0.02 }, context: 'tiered' },
  [`${MATCH}.formulas.<key>.tiers[].match_rate`]: { set: { [`${TIERS}.0.match_rate`]: 0.5 }, context: 'tiered' },
  // Vesting (src/config/vesting.ts): each changes the vested percents of int_vesting_service.
  [`${MATCH}.formulas.<key>.vesting_schedule`]: { set: { [`${MATCH}.formulas.simple_match.vesting_schedule`]: 'graded_6_year' } },
  [`${MATCH}.formulas.<key>.immediate_vesting`]: { set: { [`${MATCH}.formulas.qaca_safe_harbor.immediate_vesting`]: true }, context: 'qaca' },
  'vesting.match': { set: { 'vesting.match': 'graded_6_year' } },
  'vesting.core': { set: { 'vesting.core': 'cliff_3_year' } },
  // The year's hires with 1,000 hours get a year of service (elapsed time: none yet).
  'vesting.service_method': { set: { 'vesting.service_method': 'hours' } },
  'vesting.normal_retirement_age': { set: { 'vesting.normal_retirement_age': 50 }, context: 'vestingGraded' },
  // Accounts (src/config/accounts.ts), in fct_account_balances: earnings; a 2025 leaver's deferrals paid
  // out; the unvested match of a 2026 leaver (matched in 2025) kept instead of forfeited.
  'accounts.annual_return': { set: { 'accounts.annual_return': 0.06 } },
  'accounts.distribute_on_termination': { set: { 'accounts.distribute_on_termination': true } },
  'forfeitures.timing': { set: { 'forfeitures.timing': 'after_five_breaks' }, context: 'vestingGraded', years: 2 },
  // The 2026 forfeitures are available in 2027: paying plan expenses instead of the match (fct_forfeiture_account).
  'forfeitures.policy': { set: { 'forfeitures.policy': 'pay_plan_expenses' }, context: 'vestingGraded', years: 3 },
  [`${DC}.vesting_schedule`]: { set: { [`${DC}.vesting_schedule`]: 'cliff_3_year' } },

  [`${MATCH}.enabled`]: { set: { [`${MATCH}.enabled`]: false } },
  // The per-period match: short of the annual formula for whoever deferred above the 6 % cap for part of the year (mid-year enrollees).
  [`${MATCH}.true_up`]: { set: { [`${MATCH}.true_up`]: false } },
  [`${MATCH}.employer_match_status`]: {
    set: {
      [`${MATCH}.employer_match_status`]: 'graded_by_service',
      [`${MATCH}.graded_schedule`]: [{ min_years: 0, max_years: null, match_rate: 100, max_deferral_pct: 6 }],
    },
  },
  ...bandedRows(`${MATCH}.graded_schedule`, 'years', 'matchGraded', 'row'),
  ...bandedRows(`${MATCH}.points_match_tiers`, 'points', 'matchPoints', 'tier'),
  ...bandedRows(`${MATCH}.tenure_match_tiers`, 'years', 'matchLegacy', 'tier'),
  [`${MATCH}.tenure_graded_bands`]: {
    set: { [`${MATCH}.tenure_graded_bands`]: [{ min_years: 0, max_years: null, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }] }] },
    context: 'matchTenureGraded',
  },
  // Bands are contiguous from 0: a band's min is the previous band's max, so a min moved alone is refused.
  [`${MATCH}.tenure_graded_bands[].min_years`]: {
    set: { [`${MATCH}.tenure_graded_bands.1.min_years`]: 4 },
    context: 'matchTenureGraded',
    fails: 'employer_match.tenure_graded_bands[1].min_years: must be 5, where the previous band ends',
  },
  [`${MATCH}.tenure_graded_bands[].max_years`]: {
    set: { [`${MATCH}.tenure_graded_bands.0.max_years`]: 3, [`${MATCH}.tenure_graded_bands.1.min_years`]: 3 },
    context: 'matchTenureGraded',
  },
  [`${MATCH}.tenure_graded_bands[].tiers`]: {
    set: { [`${MATCH}.tenure_graded_bands.1.tiers`]: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }] },
    context: 'matchTenureGraded',
  },
  // Tiers are contiguous from 0 as well.
  [`${MATCH}.tenure_graded_bands[].tiers[].employee_min`]: {
    set: { [`${MATCH}.tenure_graded_bands.1.tiers.1.employee_min`]: 0.02 },
    context: 'matchTenureGraded',
    fails: 'employer_match.tenure_graded_bands[1].tiers[1].employee_min: must be 0.03, where the previous tier ends',
  },
  [`${MATCH}.tenure_graded_bands[].tiers[].employee_max`]: {
    set: { [`${MATCH}.tenure_graded_bands.1.tiers.1.employee_max`]: 0.04 },
    context: 'matchTenureGraded',
  },
  [`${MATCH}.tenure_graded_bands[].tiers[].match_rate`]: {
    set: { [`${MATCH}.tenure_graded_bands.0.tiers.0.match_rate`]: 1 },
    context: 'matchTenureGraded',
  },

  [`${CORE}.enabled`]: { set: { [`${CORE}.enabled`]: false } },
  [`${CORE}.contribution_rate`]: { set: { [`${CORE}.contribution_rate`]: 0.02 } },
  [`${CORE}.status`]: { set: { [`${CORE}.status`]: 'none' } },
  ...coreSchedule('graded_schedule', 'min_years', 'max_years', 5, 'coreGraded'),
  ...coreSchedule('points_schedule', 'min_points', 'max_points', 60, 'corePoints'),
  ...coreSchedule('age_schedule', 'min_age', 'max_age', 40, 'coreAge'),
  [`${CORE}.integration.enabled`]: { set: { [`${CORE}.integration.enabled`]: true }, context: 'coreDisparity' },
  [`${CORE}.integration.disparity_rate`]: { set: { [`${CORE}.integration.disparity_rate`]: 0.005 }, context: 'coreIntegrated' },
  [`${CORE}.integration.level_mode`]: {
    set: { [`${CORE}.integration.level_mode`]: 'percent_of_ss_wage_base', [`${CORE}.integration.level_value`]: 50 },
    context: 'coreIntegrated',
  },
  [`${CORE}.integration.level_value`]: { set: { [`${CORE}.integration.level_value`]: 150000 }, context: 'coreFixedLevel' },
  ...eligibility(CORE),

  [`${ESCALATION}.enabled`]: { set: { [`${ESCALATION}.enabled`]: false }, context: 'escalation' },
  [`${ESCALATION}.effective_day`]: { set: { [`${ESCALATION}.effective_day`]: '03-01' }, context: 'escalation' },
  [`${ESCALATION}.increment_amount`]: { set: { [`${ESCALATION}.increment_amount`]: 0.02 }, context: 'escalation' },
  [`${ESCALATION}.maximum_rate`]: { set: { [`${ESCALATION}.maximum_rate`]: 0.05 }, context: 'escalation' },
  [`${ESCALATION}.hire_date_cutoff`]: { set: { [`${ESCALATION}.hire_date_cutoff`]: null }, context: 'escalation' },
  [`${ESCALATION}.require_active_enrollment`]: { set: { [`${ESCALATION}.require_active_enrollment`]: false }, context: 'escalation' },
  [`${ESCALATION}.first_escalation_delay_years`]: { set: { [`${ESCALATION}.first_escalation_delay_years`]: 0 } },
  // Census participants escalate already in the first year (delay 1 counted from setup.plan_year_end_date).
  [`${ESCALATION}.census_escalates_in_start_year`]: { set: { [`${ESCALATION}.census_escalates_in_start_year`]: true } },

  // The Studio overlay dc_plan (src/config/dc-plan-overlay.ts): each key acts through the YAML key it sets.
  [`${DC}.match_enabled`]: { set: { [`${DC}.match_enabled`]: false } },
  [`${DC}.auto_escalation`]: { set: { [`${DC}.auto_escalation`]: false }, context: 'escalation' },
  [`${DC}.escalation_rate_percent`]: { set: { [`${DC}.escalation_rate_percent`]: 2 }, context: 'escalation' },
  [`${DC}.escalation_cap_percent`]: { set: { [`${DC}.escalation_cap_percent`]: 5 }, context: 'escalation' },
  [`${DC}.escalation_effective_day`]: { set: { [`${DC}.escalation_effective_day`]: '03-01' }, context: 'escalation' },
  [`${DC}.escalation_delay_years`]: { set: { [`${DC}.escalation_delay_years`]: 0 } },
  // "" removes the default 2020-01-01 cutoff: the census employees hired before it escalate too.
  [`${DC}.escalation_hire_date_cutoff`]: { set: { [`${DC}.escalation_hire_date_cutoff`]: '' }, context: 'escalation' },
  // Without enabled: the Studio's default, true; every census participant below the match ceiling responds.
  [`${DC}.deferral_match_response`]: { set: { [`${DC}.deferral_match_response`]: { upward_participation_rate: 1 } } },
  [`${DC}.match_magnet_enabled`]: { set: { [`${DC}.match_magnet_enabled`]: false }, context: 'magnet' },
  [`${DC}.match_magnet_probability`]: { set: { [`${DC}.match_magnet_probability`]: 1 }, context: 'magnet' },
  [`${DC}.max_voluntary_deferral_percent`]: { set: { [`${DC}.max_voluntary_deferral_percent`]: 0.05 }, context: 'magnet' },
  [`${DC}.match_template`]: { set: { [`${DC}.match_template`]: 'tiered' } },
  // The active simple_match (50 % of 6 %) becomes a tiered 100 % of 6 %, capped at 4 % of pay.
  [`${DC}.match_tiers`]: { set: { [`${DC}.match_tiers`]: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }] } },
  [`${DC}.match_cap_percent`]: { set: { [`${DC}.match_cap_percent`]: 0.02 }, context: 'tiered' },
  [`${DC}.match_status`]: { set: { [`${DC}.match_status`]: 'deferral_based' }, context: 'matchGraded' },
  // Rates as decimals, read ×100 by the heuristic: 100 % of the first 3 % for everyone.
  [`${DC}.match_graded_schedule`]: {
    set: { [`${DC}.match_graded_schedule`]: [{ service_years_min: 0, match_rate: 1, max_deferral_pct: 0.03 }] },
    context: 'matchGraded',
  },
  [`${DC}.tenure_match_tiers`]: {
    set: { [`${DC}.tenure_match_tiers`]: [{ min_years: 0, max_years: null, match_rate: 0.25, max_deferral_pct: 0.06 }] },
    context: 'matchLegacy',
  },
  [`${DC}.points_match_tiers`]: {
    set: { [`${DC}.points_match_tiers`]: [{ min_points: 0, max_points: null, match_rate: 0.25, max_deferral_pct: 0.06 }] },
    context: 'matchPoints',
  },
  [`${DC}.tenure_graded_bands`]: {
    set: { [`${DC}.tenure_graded_bands`]: [{ min_years: 0, max_years: null, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }] }] },
    context: 'matchTenureGraded',
  },
  ...dcPlanEligibility('match'),
  [`${DC}.core_enabled`]: { set: { [`${DC}.core_enabled`]: false } },
  [`${DC}.core_contribution_rate_percent`]: { set: { [`${DC}.core_contribution_rate_percent`]: 2 } },
  [`${DC}.core_status`]: { set: { [`${DC}.core_status`]: 'none' } },
  [`${DC}.core_graded_schedule`]: { set: { [`${DC}.core_graded_schedule`]: [{ service_years_min: 0, contribution_rate: 0.02 }] }, context: 'coreGraded' },
  [`${DC}.core_points_schedule`]: { set: { [`${DC}.core_points_schedule`]: [{ min_points: 0, contribution_rate: 0.02 }] }, context: 'corePoints' },
  [`${DC}.core_age_schedule`]: { set: { [`${DC}.core_age_schedule`]: [{ min_age: 0, contribution_rate: 0.02 }] }, context: 'coreAge' },
  [`${DC}.core_integration_enabled`]: { set: { [`${DC}.core_integration_enabled`]: true }, context: 'coreDisparity' },
  [`${DC}.core_integration_level_mode`]: {
    set: { [`${DC}.core_integration_level_mode`]: 'percent_of_ss_wage_base', [`${DC}.core_integration_level_value`]: 50 },
    context: 'coreIntegrated',
  },
  [`${DC}.core_integration_level_value`]: { set: { [`${DC}.core_integration_level_value`]: 150000 }, context: 'coreFixedLevel' },
  [`${DC}.core_integration_disparity_rate`]: { set: { [`${DC}.core_integration_disparity_rate`]: 0.005 }, context: 'coreIntegrated' },
  [`${DC}.core_integration_disparity_rate_percent`]: { set: { [`${DC}.core_integration_disparity_rate_percent`]: 0.5 }, context: 'coreIntegrated' },
  ...dcPlanEligibility('core'),
  // The Studio's auto-enrollment keys, perturbed as the YAML keys they set.
  [`${DC}.auto_enroll`]: { set: { [`${DC}.auto_enroll`]: false } },
  [`${DC}.auto_enroll_hire_date_cutoff`]: { set: { [`${DC}.auto_enroll_hire_date_cutoff`]: '2025-07-01' } },
  [`${DC}.auto_enroll_window_days`]: { set: { [`${DC}.auto_enroll_window_days`]: 90 } },
  [`${DC}.auto_enroll_opt_out_grace_period`]: { set: { [`${DC}.auto_enroll_opt_out_grace_period`]: 90 } },
  [`${DC}.default_deferral_percent`]: { set: { [`${DC}.default_deferral_percent`]: 4 } },
  [`${DC}.opt_out_rate_young`]: { set: { [`${DC}.opt_out_rate_young`]: 1 } },
  [`${DC}.opt_out_rate_mid`]: { set: { [`${DC}.opt_out_rate_mid`]: 1 } },
  [`${DC}.opt_out_rate_mature`]: { set: { [`${DC}.opt_out_rate_mature`]: 1 } },
  [`${DC}.opt_out_rate_senior`]: { set: { [`${DC}.opt_out_rate_senior`]: 1 } },
  [`${DC}.opt_out_rate_low_income`]: { set: { [`${DC}.opt_out_rate_low_income`]: 30 } },
  [`${DC}.opt_out_rate_moderate`]: { set: { [`${DC}.opt_out_rate_moderate`]: 30 } },
  [`${DC}.opt_out_rate_high`]: { set: { [`${DC}.opt_out_rate_high`]: 30 } },
  [`${DC}.opt_out_rate_executive`]: { set: { [`${DC}.opt_out_rate_executive`]: 30 } },
  [`${DC}.voluntary_enrollment_rate`]: { set: { [`${DC}.voluntary_enrollment_rate`]: 0 }, context: 'voluntary' },
  // 12 months of 30 days: the year's hires wait 360 days.
  [`${DC}.eligibility_months`]: { set: { [`${DC}.eligibility_months`]: 12 } },
  // New-hire inputs: ages, the level 1 hire-pay band, the spread above the band minimum.
  'new_hire.age_distribution': { set: { 'new_hire.age_distribution': [{ age: 55, weight: 1 }] } },
  'new_hire.age_distribution[].age': { set: { 'new_hire.age_distribution.1.age': 60 }, context: 'newHireInputs' },
  'new_hire.age_distribution[].weight': {
    set: { 'new_hire.age_distribution.0.weight': 0.9, 'new_hire.age_distribution.1.weight': 0.1 },
    context: 'newHireInputs',
  },
  'new_hire.job_level_compensation': {
    set: { 'new_hire.job_level_compensation': [{ level: 1, min_compensation: 40000, max_compensation: 60000 }] },
  },
  'new_hire.job_level_compensation[].level': { set: { 'new_hire.job_level_compensation.0.level': 2 }, context: 'newHireInputs' },
  'new_hire.job_level_compensation[].min_compensation': {
    set: { 'new_hire.job_level_compensation.0.min_compensation': 45000 },
    context: 'newHireInputs',
  },
  'new_hire.job_level_compensation[].max_compensation': {
    set: { 'new_hire.job_level_compensation.0.max_compensation': 90000 },
    context: 'newHireInputs',
  },
  'new_hire.market_scenario': { set: { 'new_hire.market_scenario': 'conservative' } },
  // The bands and the promotion hazard (src/config/bands.ts). Bands are contiguous from 0: a band's
  // min_value is the previous band's max_value, so a max moved alone is refused.
  'promotion_hazard.base_rate': { set: { 'promotion_hazard.base_rate': 0.5 } },
  'promotion_hazard.level_dampener_factor': { set: { 'promotion_hazard.level_dampener_factor': 1 } },
  ...bandKeys('age', '25-34', '35-44', 25, '< 25', 1.4),
  ...bandKeys('tenure', '2-4', '5-9', 2, '< 2', 1.5),
  // The top-heavy minimum's shortfall paid as core (int_top_heavy_minimum, the core, the snapshot).
  'compliance.top_heavy_minimum': { set: { 'compliance.top_heavy_minimum': 'add_as_core' }, context: 'topHeavy' },
  // ADP/ACP against the NHCE averages of the year before (3 % in the first year): fct_compliance_tests.
  'compliance.testing_method': { set: { 'compliance.testing_method': 'prior_year' } },
  // The segmented census pays over a quarter above the HCE threshold: the top 20 % leaves some out (int_compliance_population).
  'compliance.top_paid_group_election': { set: { 'compliance.top_paid_group_election': true } },
};
