/**
 * Descriptions of the employer-money keys: the match (formulas and service, tenure and points designs),
 * the core contribution, their eligibility, vesting, accounts, forfeitures and compliance testing.
 */
import type { KeyText } from './types.js';

const MATCH = 'employer_match';
const CORE = 'employer_core_contribution';

/** The eligibility block each of the match and the core has. */
function eligibility(section: string, money: string): Record<string, KeyText> {
  const key = `${section}.eligibility`;
  return {
    [`${key}.minimum_tenure_years`]: ['years', `Years of service an employee needs to receive the ${money} (new hires may be exempt: allow_new_hires).`],
    [`${key}.require_active_at_year_end`]: ['boolean', `Whether only employees active on Dec 31 receive the ${money} (every leaver excluded, whatever the allow_* flags say).`],
    [`${key}.minimum_hours_annual`]: ['hours', `Hours worked in the year an employee needs to receive the ${money}.`],
    [`${key}.allow_new_hires`]: ['boolean', `Whether the year's hires receive the ${money} without the years of service.`],
    [`${key}.allow_terminated_new_hires`]: ['boolean', `Whether hires who leave in their hire year receive the ${money} (only when require_active_at_year_end is false).`],
    [`${key}.allow_experienced_terminations`]: ['boolean', `Whether experienced employees who leave during the year receive the ${money} (only when require_active_at_year_end is false).`],
    [`${key}.minimum_age`]: ['age', `The age, reached by Dec 31 or on leaving, an employee needs to receive the ${money}; null: none.`],
    [`${key}.waiting_period_days`]: ['days', `Days from hire before the ${money} is paid; 0: none.`],
  };
}

/** A service or points band of a whole-percent match design. */
function percentRows(key: string, measure: 'years' | 'points', what: string): Record<string, KeyText> {
  const [min, max] = measure === 'years' ? ['min_years', 'max_years'] : ['min_points', 'max_points'];
  const words = measure === 'years' ? 'years of service' : 'points (age + years of service)';
  return {
    [`${key}[].${min}`]: [measure, `The ${words} where this ${what} starts (the first starts at 0, each where the previous ends).`],
    [`${key}[].${max}`]: [measure, `Where this ${what} ends (${words}, not included); null on the last, which is open-ended.`],
    [`${key}[].match_rate`]: ['percent', `The match in this ${what}, in whole percents of the deferrals matched (50 = 50 cents a dollar).`],
    [`${key}[].max_deferral_pct`]: ['percent', `Deferrals are matched up to this percent of pay in this ${what}.`],
  };
}

/** A core schedule: rows by years of service, points or age. */
function coreSchedule(key: string, min: string, max: string, unit: 'years' | 'points' | 'age', words: string, status: string): Record<string, KeyText> {
  return {
    [key]: ['list', `The core rates by ${words}, read when status is ${status}: rows from 0, contiguous, the last open-ended.`],
    [`${key}[].${min}`]: [unit, `The ${words} where this row starts.`],
    [`${key}[].${max}`]: [unit, `Where this row ends (${words}; written as the next row's start or the last value included); absent or null on the last row.`],
    [`${key}[].contribution_rate`]: ['fraction', 'The core contribution in this row, as a share of pay (0.03 = 3 %); give this or rate.'],
    [`${key}[].rate`]: ['percent', 'The core contribution in this row in whole percents of pay (3 = 3 %); give this or contribution_rate.'],
  };
}

const FORMULA = `${MATCH}.formulas.<key>`;

export const EMPLOYER_TEXTS: Readonly<Record<string, KeyText>> = {
  [`${MATCH}.enabled`]: ['boolean', 'Whether the employer match is paid at all.'],
  [`${MATCH}.active_formula`]: ['text', 'The formula (a key of formulas, or a built-in preset) the match pays by when employer_match_status is deferral_based.'],
  [`${MATCH}.apply_eligibility`]: ['boolean', 'Whether the match follows its eligibility block; false: it needs only year-end employment and the minimum hours.'],
  [`${MATCH}.true_up`]: ['boolean', 'Whether the match is trued up at year end to the annual formula (the part above the per-period match paid as a true-up); false: the per-period match.'],
  [`${MATCH}.employer_match_status`]: [
    'enum',
    'How the match is designed: by deferrals (the active formula), graded by service (graded_schedule), by tenure bands (tenure_graded_bands) or by points (points_match_tiers); tenure_based is the legacy name of tenure_graded.',
  ],
  ...eligibility(MATCH, 'match'),
  [`${MATCH}.formulas`]: ['map', 'The match formulas by name; active_formula picks one. Absent: the built-in presets (simple_match, tiered_match, safe_harbor_basic, ...).'],
  [`${FORMULA}.name`]: ['text', "The formula's display name (default: its key)."],
  [`${FORMULA}.type`]: ['enum', 'simple (one rate on deferrals up to a share of pay) or tiered; safe_harbor and qaca are tiered formulas with the safe-harbor treatment (ADP exempt, vesting rules).'],
  [`${FORMULA}.match_rate`]: ['fraction', 'A simple formula\'s match per dollar deferred (0.5 = 50 cents a dollar).'],
  [`${FORMULA}.max_match_percentage`]: [
    'fraction',
    'Simple formula: deferrals are matched up to this share of pay; tiered formulas: the match is capped at this share of pay.',
  ],
  [`${FORMULA}.tiers`]: ['list', 'A tiered formula\'s tiers: bands of the deferral rate, ascending, each matched at its own rate.'],
  [`${FORMULA}.tiers[].tier`]: ['count', "The tier's number, ascending from 1."],
  [`${FORMULA}.tiers[].employee_min`]: ['fraction', 'Where the tier starts, as a deferral rate (share of pay).'],
  [`${FORMULA}.tiers[].employee_max`]: ['fraction', 'Where the tier ends, as a deferral rate (share of pay).'],
  [`${FORMULA}.tiers[].match_rate`]: ['fraction', 'The match per dollar deferred within the tier (1.0 = dollar for dollar).'],
  [`${FORMULA}.immediate_vesting`]: ['boolean', 'true: the match vests immediately (when vesting.match is not given).'],
  [`${FORMULA}.vesting_schedule`]: ['text', "The match's vesting schedule when vesting.match is not given: an id (cliff_3_year, graded_6_year, qaca_2_year, ...) or {type, years}."],
  [`${MATCH}.graded_schedule`]: ['list', 'The match by years of service, read when employer_match_status is graded_by_service.'],
  ...percentRows(`${MATCH}.graded_schedule`, 'years', 'row'),
  [`${MATCH}.points_match_tiers`]: ['list', 'The match by points (age + years of service), read when employer_match_status is points_based.'],
  ...percentRows(`${MATCH}.points_match_tiers`, 'points', 'tier'),
  [`${MATCH}.tenure_match_tiers`]: ['list', 'Legacy match by years of service (tenure_based), migrated to one tenure_graded_bands band per tier.'],
  ...percentRows(`${MATCH}.tenure_match_tiers`, 'years', 'tier'),
  [`${MATCH}.tenure_graded_bands`]: ['list', 'The match by years of service, each band with its own tiers of deferrals; read when employer_match_status is tenure_graded.'],
  [`${MATCH}.tenure_graded_bands[].min_years`]: ['years', 'The years of service where this band starts (the first at 0, each where the previous ends).'],
  [`${MATCH}.tenure_graded_bands[].max_years`]: ['years', 'Where this band ends (years of service, not included); null on the last, which is open-ended.'],
  [`${MATCH}.tenure_graded_bands[].tiers`]: ['list', "The band's tiers of the deferral rate, contiguous from 0."],
  [`${MATCH}.tenure_graded_bands[].tiers[].employee_min`]: ['fraction', 'Where the tier starts, as a deferral rate (share of pay).'],
  [`${MATCH}.tenure_graded_bands[].tiers[].employee_max`]: ['fraction', 'Where the tier ends, as a deferral rate (share of pay).'],
  [`${MATCH}.tenure_graded_bands[].tiers[].match_rate`]: ['fraction', 'The match per dollar deferred within the tier (1.0 = dollar for dollar).'],

  [`${CORE}.enabled`]: ['boolean', 'Whether the employer core (non-elective) contribution is paid at all.'],
  [`${CORE}.status`]: ['enum', 'How the core is designed: none, flat (contribution_rate), or by years of service, points or age (their schedules).'],
  [`${CORE}.contribution_rate`]: ['fraction', 'The flat core contribution, as a share of pay (0.01 = 1 %).'],
  ...eligibility(CORE, 'core contribution'),
  ...coreSchedule(`${CORE}.graded_schedule`, 'min_years', 'max_years', 'years', 'years of service', 'graded_by_service'),
  ...coreSchedule(`${CORE}.points_schedule`, 'min_points', 'max_points', 'points', 'points (age + years of service)', 'points_based'),
  ...coreSchedule(`${CORE}.age_schedule`, 'min_age', 'max_age', 'age', 'age at Dec 31', 'age_banded'),
  [`${CORE}.integration.enabled`]: ['boolean', 'Whether the core is integrated with Social Security: pay above the integration level earns disparity_rate more.'],
  [`${CORE}.integration.level_mode`]: ['enum', "The integration level: the year's Social Security wage base, a percent of it, or a fixed dollar amount (level_value)."],
  [`${CORE}.integration.level_value`]: ['number', 'The integration level: a percent of the wage base (percent_of_ss_wage_base) or dollars (fixed_dollar); unused with ss_wage_base.'],
  [`${CORE}.integration.disparity_rate`]: ['fraction', 'The extra core on pay above the integration level, as a share of that pay (checked against the 401(l) limit).'],

  'vesting.match': ['text', "The match's vesting schedule: an id (immediate, cliff_1_year-cliff_3_year, graded_2_year-graded_6_year, qaca_2_year) or {type, years}. Absent: immediate."],
  'vesting.core': ['text', "The core's vesting schedule: an id (immediate, cliff_3_year, graded_6_year, ...) or {type, years}. Absent: immediate."],
  'vesting.service_method': ['enum', 'How years of vesting service are counted: elapsed_time (whole years from hire) or hours (years of 1,000 hours).'],
  'vesting.normal_retirement_age': ['age', 'Employees are fully vested from this age (reached by Dec 31 or on leaving).'],

  'accounts.annual_return': ['fraction', 'The yearly investment return of the accounts (mid-year convention): one rate for every year, or {year: rate} for every simulated year.'],
  'accounts.distribute_on_termination': ['boolean', "Whether a leaver's vested balance is paid out (else it stays invested)."],
  'forfeitures.timing': ['enum', "When a leaver's unvested money is forfeited: in the termination year, or after five one-year breaks in service."],
  'forfeitures.policy': [
    'enum',
    "What a year's forfeitures do the next year: offset the employer's match and core (the rest carried), pay plan expenses, or go to active participants pro rata to pay.",
  ],

  'compliance.testing_method': ['enum', "Whose deferrals the ADP/ACP tests compare the HCEs' with: the NHCEs of the same year (current_year) or of the year before (prior_year)."],
  'compliance.top_paid_group_election': ['boolean', 'Whether an HCE by pay must also be in the top 20 % of employees by look-back-year pay (the IRC 414(q) top-paid group election).'],
  'compliance.top_heavy_minimum': ['enum', 'What happens to the top-heavy minimum (3 % of pay) a non-key employee is owed: report it only, or pay it as core (add_as_core).'],
};
