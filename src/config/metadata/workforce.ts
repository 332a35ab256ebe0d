/**
 * Descriptions of the workforce keys: identifiers, simulation, workforce, compensation, raise timing,
 * setup, new-hire ages and pay, age and tenure bands, the promotion hazard and the ensemble settings.
 */
import type { KeyText } from './types.js';

const PROMOTION = 'compensation.promotion_compensation';

const BAND_TEXTS = (section: 'age_bands' | 'tenure_bands', measure: string, unit: 'age' | 'years', example: string): Record<string, KeyText> => ({
  [section]: [
    'list',
    `The bands of ${measure} that label every employee in the results and that promotion_hazard refers to, each [min_value, max_value), contiguous from 0; the last is open-ended. Absent: the standard bands.`,
  ],
  [`${section}[].band_label`]: ['text', `The band's name, shown in the results (e.g. "${example}") and named by promotion_hazard.`],
  [`${section}[].min_value`]: [unit, `The band's lowest ${measure} (included); the first band starts at 0 and each band starts where the previous ends.`],
  [`${section}[].max_value`]: [unit, `Where the band ends (${measure}, not included); ignored for the last band, which is open-ended.`],
});

export const WORKFORCE_TEXTS: Readonly<Record<string, KeyText>> = {
  scenario_id: ['text', "The scenario's id, stamped on every result row and event id; 'default' when absent."],
  plan_design_id: ['text', "The plan design's id, stamped on every result row; 'default' when absent."],

  'simulation.start_year': ['year', 'The first simulated plan year; the census describes the workforce on Dec 31 of the year before.'],
  'simulation.end_year': ['year', 'The last simulated plan year (at most 50 years after start_year).'],
  'simulation.random_seed': ['seed', 'Seed of every random draw (who leaves, is hired, promoted, enrolls, ...): the same seed and inputs give identical results.'],
  'simulation.target_growth_rate': ['fraction', "Yearly change of the active headcount the hiring solver aims at: 0.03 grows it 3 % a year; a negative value is a reduction in force."],
  'simulation.count_uncertainty': [
    'enum',
    "Whether the year's totals are exact quotas (none) or drawn around their rates: terminations draws the termination counts, terminations_and_hires also the target headcount.",
  ],

  'workforce.total_termination_rate': ['fraction', 'Share of experienced employees (hired before the year) who leave during each year.'],
  'workforce.new_hire_termination_rate': ['fraction', "Share of the year's hires who leave in their hire year; hiring is grossed up so the year still ends on the growth target."],
  'workforce.part_time_new_hire_pct': ['fraction', 'Share of simulated hires scheduled 20 hours a week (the others 40), which counts for the 1,000-hour eligibility and vesting rules.'],

  'compensation.cola_rate': ['fraction', 'Cost-of-living raise given to every employee each year, as a share of pay.'],
  'compensation.merit_budget': ['fraction', "The year's merit raises as a share of payroll: the level merit rates are scaled so that they cost this budget."],
  'compensation.cola_rate_percent': ['percent', 'compensation.cola_rate in whole percents (2.5 = 2.5 %), used when cola_rate is absent.'],
  'compensation.merit_budget_percent': ['percent', 'compensation.merit_budget in whole percents, used when merit_budget is absent.'],
  'compensation.promotion_increase': ['fraction', `The midpoint pay increase of a promotion (replaces ${PROMOTION}.base_increase_pct unless exactly 0.125, the reference's "not set").`],
  'compensation.promotion_increase_percent': ['percent', 'compensation.promotion_increase in whole percents, used when promotion_increase is absent.'],
  'compensation.promotion_distribution_range': [
    'fraction',
    `The spread of promotion increases around their midpoint (replaces ${PROMOTION}.distribution_range unless exactly 0.05, the reference's "not set").`,
  ],
  'compensation.promotion_distribution_range_percent': ['percent', 'compensation.promotion_distribution_range in whole percents, used when that key is absent.'],
  'compensation.promotion_rate_multiplier': ['multiplier', "Multiplies every employee's promotion probability (capped at 1); 0 turns promotions off."],
  [`${PROMOTION}.base_increase_pct`]: ['fraction', 'The midpoint pay increase a promotion gives (0.20 = 20 % of pay).'],
  [`${PROMOTION}.distribution_range`]: ['fraction', 'How far a promotion increase may fall either side of the midpoint (0.05: 15-25 % around a 20 % midpoint).'],
  [`${PROMOTION}.max_cap_pct`]: ['fraction', 'The largest promotion increase allowed, as a share of pay.'],
  [`${PROMOTION}.max_cap_amount`]: ['usd', 'The largest promotion increase allowed, in dollars of annual pay.'],
  [`${PROMOTION}.distribution_type`]: ['enum', 'How promotion increases vary around the midpoint: uniform over the range, normal (advanced.normal_std_dev) or deterministic (always the midpoint).'],
  [`${PROMOTION}.level_overrides`]: ['map', 'A midpoint promotion increase per job level (1-5) replacing base_increase_pct for promotions out of that level (fractions of pay).'],
  [`${PROMOTION}.advanced.normal_std_dev`]: ['fraction', 'Standard deviation of promotion increases around the midpoint when distribution_type is normal.'],

  'raise_timing.methodology': ['enum', 'When in the year raises take effect: realistic (a month drawn from the general_corporate profile) or legacy (every raise on July 15).'],

  'setup.census_parquet_path': ['path', 'The census file (CSV, XLSX or Parquet) the run starts from; a relative path is looked for in the working folder, then beside the config file and its parent. --census overrides it.'],
  'setup.parameter_tables_dir': ['path', 'A folder of CSV parameter tables replacing the bundled ones of data/seeds/ by name (job levels, pay bands, hazards, ...).'],
  'setup.irs_limit_indexing_rate': ['fraction', 'Yearly growth of the IRS limits (402(g), 415(c), 401(a)(17), wage base, ...) past the last published year; 0 keeps the last published values.'],
  'setup.plan_year_start_date': ['date', 'Start of the plan year before the first simulated year; must be a January 1 (plan years are calendar years).'],
  'setup.plan_year_end_date': ['date', 'End of that plan year (December 31): the enrollment date of census participants.'],
  'setup.fail_on_validation_error': ['boolean', 'Whether an error-level validation finding stops the run and rolls the year back (simulate\'s --fail-on-validation-error overrides it).'],

  'new_hire.age_distribution': ['list', 'The ages of simulated hires and their weights (summing to 1). Absent: the bundled hire-age table.'],
  'new_hire.age_distribution[].age': ['age', 'An age at which simulated hires join (each age given once).'],
  'new_hire.age_distribution[].weight': ['fraction', 'The share of hires hired at this age.'],
  'new_hire.job_level_compensation': ['list', 'Pay ranges of simulated hires by job level. Absent: the bundled pay bands.'],
  'new_hire.job_level_compensation[].level': ['level', 'The job level this range applies to.'],
  'new_hire.job_level_compensation[].min_compensation': ['usd', 'The lowest annual pay of a hire at this level.'],
  'new_hire.job_level_compensation[].max_compensation': ['usd', 'The highest annual pay of a hire at this level (above min_compensation).'],
  'new_hire.market_scenario': ['enum', 'Moves hire pay within the band: conservative -5 %, baseline 0, competitive +5 %, aggressive +10 % of the spread above the band minimum.'],

  ...BAND_TEXTS('age_bands', 'age', 'age', '25-34'),
  ...BAND_TEXTS('tenure_bands', 'years of service', 'years', '2-4'),

  'promotion_hazard.base_rate': ['fraction', 'The yearly promotion probability before the age, tenure and level factors (replaces the bundled base rate).'],
  'promotion_hazard.level_dampener_factor': ['fraction', 'How much lower the promotion probability is per job level above 1: factor 1 - dampener × (level - 1).'],
  'promotion_hazard.age_multipliers': ['list', 'Promotion-probability multipliers by age band, each replacing that band\'s row of the bundled table.'],
  'promotion_hazard.age_multipliers[].age_band': ['text', 'The band_label of an age band (age_bands, or the standard bands).'],
  'promotion_hazard.age_multipliers[].multiplier': ['multiplier', 'Multiplies the promotion probability of employees in this age band.'],
  'promotion_hazard.tenure_multipliers': ['list', 'Promotion-probability multipliers by tenure band, each replacing that band\'s row of the bundled table.'],
  'promotion_hazard.tenure_multipliers[].tenure_band': ['text', 'The band_label of a tenure band (tenure_bands, or the standard bands).'],
  'promotion_hazard.tenure_multipliers[].multiplier': ['multiplier', 'Multiplies the promotion probability of employees in this tenure band.'],

  'ensemble.thresholds': ['list', 'Risk thresholds `planalign ensemble` evaluates over its seeds: the share of seeds whose metric crosses each value (not part of the config hash).'],
  'ensemble.thresholds[].metric': ['text', 'The ensemble metric compared, e.g. total_employer_plan_cost.'],
  'ensemble.thresholds[].value': ['number', "The threshold, in the metric's own unit (dollars, heads or a fraction)."],
  'ensemble.thresholds[].label': ['text', 'A label for the threshold in the ensemble outputs.'],
  'ensemble.frozen_subsystem_seeds.termination': ['seed', 'Pins who leaves, when, and the drawn counts to this seed while simulation.random_seed varies across an ensemble.'],
  'ensemble.frozen_subsystem_seeds.hiring': ['seed', 'Pins the hiring draws (part-time hires, hire eligibility, the drawn growth) to this seed across an ensemble.'],
  'ensemble.frozen_subsystem_seeds.promotion': ['seed', 'Pins the promotion draws to this seed across an ensemble.'],
};
