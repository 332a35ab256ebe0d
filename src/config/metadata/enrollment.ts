/**
 * Descriptions of the participation keys: plan eligibility, enrollment (auto, proactive, voluntary,
 * year-over-year, match magnet), census deferral rates, auto-escalation and the deferral match response.
 */
import type { KeyText, KeyUnit } from './types.js';

const AE = 'enrollment.auto_enrollment';
const VOLUNTARY = 'enrollment.voluntary_enrollment';
const YOY = 'enrollment.year_over_year_conversion';
const RESPONSE = 'deferral_match_response';

/** The enrollment models' segments (src/models/sql/macros/dc_segments.sql). */
const AGE_SEGMENTS = { young: 'aged 30 or less', mid_career: 'aged 31-45', mature: 'aged 46-55', senior: 'aged 56 or more' } as const;
const PAY_SEGMENTS = { low: 'paid below $50,000', moderate: 'paid $50,000-99,999', high: 'paid $100,000-199,999', executive: 'paid $200,000 or more' } as const;
const LEVEL_SEGMENTS = { individual: 'at job levels 1-2', senior: 'at job levels 3-4', manager: 'at job levels 5-6', executive: 'at job level 7 or above' } as const;
const TENURE_SEGMENTS = { new_employee: 'with under 2 years of service', established: 'with 2-4 years of service', veteran: 'with 5 or more years of service' } as const;

/** One key per segment: `${prefix}.${segment}` (a pay segment's key may be named `low_income`). */
function bySegment(prefix: string, segments: Readonly<Record<string, string>>, unit: KeyUnit, text: (who: string) => string, rename: Record<string, string> = {}): Record<string, KeyText> {
  return Object.fromEntries(Object.entries(segments).map(([segment, who]) => [`${prefix}.${rename[segment] ?? segment}`, [unit, text(who)] as const]));
}

/** The 16 cells of the voluntary deferral-rate matrix, age × pay. */
const DEFERRAL_MATRIX = Object.fromEntries(
  Object.entries(AGE_SEGMENTS).flatMap(([age, ageWho]) =>
    Object.entries(PAY_SEGMENTS).map(([pay, payWho]) => [
      `${VOLUNTARY}.deferral_rates.demographic_base_rates.${age}_${pay}`,
      ['fraction', `The deferral rate a voluntary or proactive enrollee ${ageWho} and ${payWho} chooses (before the match magnet), as a share of pay.`] as const,
    ]),
  ),
);

export const ENROLLMENT_TEXTS: Readonly<Record<string, KeyText>> = {
  'eligibility.waiting_period_days': ['days', 'Days from hire before an employee may join the plan (the larger of this and plan_eligibility.waiting_period_days applies).'],
  'eligibility.entry_date_type': ['enum', 'When an employee enters the plan once eligible: immediate (that day), or the first day of the next month, quarter or half-year.'],
  'eligibility.new_hire_ineligible_pct': ['fraction', 'Share of simulated hires drawn plan-ineligible: no enrollment and no employer money.'],
  'eligibility.new_hire_eligibility_match_census': ['boolean', "Draw ineligible hires at the census's share of eligibility_override = false instead of new_hire_ineligible_pct."],
  'plan_eligibility.waiting_period_days': ['days', 'Days from hire before an employee may join the plan (the larger of this and eligibility.waiting_period_days applies).'],
  'plan_eligibility.minimum_age': ['age', 'The age an employee must reach to join the plan.'],

  [`${AE}.enabled`]: ['boolean', 'Whether eligible non-participants in scope (hired on or after hire_date_cutoff) are auto-enrolled at default_deferral_rate unless they opt out.'],
  [`${AE}.window_days`]: ['days', 'Days after the eligibility date at which auto-enrollment happens (the window for a proactive choice).'],
  [`${AE}.default_deferral_rate`]: ['fraction', 'The deferral rate auto-enrolled employees start at, as a share of pay.'],
  [`${AE}.opt_out_grace_period`]: ['days', 'Days after auto-enrollment within which an auto-enrollee may opt out.'],
  [`${AE}.hire_date_cutoff`]: ['date', 'Only employees hired on or after this date are auto-enrolled; null: everyone, whatever the hire date.'],
  [`${AE}.voluntary_enrollment_rate`]: ['multiplier', 'Multiplies the voluntary, proactive and year-over-year enrollment probabilities (absent: 1).'],
  [`${AE}.opt_out_rates.target`]: [
    'fraction',
    'A single opt-out target: when given, the age rates are target × 1.8 / 1.1 / 0.7 / 0.4 and the income multipliers 1.3 / 1.0 / 0.8 / 0.5, replacing by_age and by_income.',
  ],
  ...bySegment(`${AE}.opt_out_rates.by_age`, AGE_SEGMENTS, 'fraction', (who) => `Probability that an auto-enrollee ${who} opts out (times the income multiplier).`),
  ...bySegment(
    `${AE}.opt_out_rates.by_income`,
    PAY_SEGMENTS,
    'multiplier',
    (who) => `Multiplies the age-based opt-out probability of auto-enrollees ${who}.`,
    { low: 'low_income' },
  ),

  'enrollment.proactive_enrollment.enabled': ['boolean', 'Whether newly eligible employees in auto-enrollment scope may enroll on their own before auto-enrollment.'],
  'enrollment.proactive_enrollment.timing_window.min_days': ['days', 'Earliest day after eligibility of a proactive or voluntary enrollment.'],
  'enrollment.proactive_enrollment.timing_window.max_days': ['days', 'Latest day after eligibility of a proactive or voluntary enrollment.'],
  ...bySegment(
    'enrollment.proactive_enrollment.probability_by_demographics',
    AGE_SEGMENTS,
    'fraction',
    (who) => `Probability that a newly eligible employee ${who} in auto-enrollment scope enrolls proactively.`,
  ),

  [`${VOLUNTARY}.enabled`]: ['boolean', 'Whether newly eligible employees outside auto-enrollment scope (or with it off) may enroll voluntarily.'],
  ...bySegment(`${VOLUNTARY}.base_rates_by_age`, AGE_SEGMENTS, 'fraction', (who) => `Probability that a newly eligible employee ${who} enrolls voluntarily, before the pay and level multipliers.`),
  ...bySegment(`${VOLUNTARY}.income_multipliers`, PAY_SEGMENTS, 'multiplier', (who) => `Multiplies the voluntary enrollment probability of employees ${who}.`),
  ...bySegment(`${VOLUNTARY}.job_level_multipliers`, LEVEL_SEGMENTS, 'multiplier', (who) => `Multiplies the voluntary enrollment probability of employees ${who}.`),
  [`${VOLUNTARY}.deferral_rates.match_optimization`]: [
    'boolean',
    'Without match_magnet: 40 % of voluntary enrollees within one point below the rate that earns the full match move up to it.',
  ],
  ...DEFERRAL_MATRIX,

  [`${YOY}.enabled`]: ['boolean', 'Whether eligible non-participants hired before the year (including earlier opt-outs) may enroll each year.'],
  ...bySegment(`${YOY}.base_rates_by_age`, AGE_SEGMENTS, 'fraction', (who) => `Yearly probability that a non-participant ${who} enrolls, before the pay and tenure multipliers.`),
  ...bySegment(`${YOY}.income_multipliers`, PAY_SEGMENTS, 'multiplier', (who) => `Multiplies the yearly enrollment probability of non-participants ${who}.`, { low: 'low_income' }),
  ...bySegment(`${YOY}.tenure_multipliers`, TENURE_SEGMENTS, 'multiplier', (who) => `Multiplies the yearly enrollment probability of non-participants ${who}.`),
  [`${YOY}.timing.enrollment_month`]: ['month', 'The month of the year-over-year enrollments.'],
  [`${YOY}.timing.enrollment_day`]: ['day', 'The day of the month of the year-over-year enrollments (a day every year has).'],
  ...bySegment(`${YOY}.deferral_rates`, AGE_SEGMENTS, 'fraction', (who) => `The deferral rate a year-over-year enrollee ${who} starts at, as a share of pay.`),

  'enrollment.match_magnet.enabled': ['boolean', 'Whether voluntary and proactive enrollees below the rate that earns their full match snap up to it (with snap_probability).'],
  'enrollment.match_magnet.snap_probability': ['fraction', 'Probability that an enrollee below the full-match rate snaps up to it.'],
  'enrollment.match_magnet.max_deferral_rate': ['fraction', 'The highest deferral rate a voluntary or proactive enrollee picks, snapped or not (rates are held between 1 % and this).'],

  'deferral_rates.use_census_rates': ['boolean', "Whether census participants start at the census's deferral rate (else at pre_enrolled_fallback)."],
  'deferral_rates.census_rate_field': ['text', 'The census column holding the deferral rate.'],
  'deferral_rates.pre_enrolled_fallback': ['fraction', 'The deferral rate of a census participant without a usable census rate.'],
  'deferral_rates.plan_deferral_cap': ['fraction', 'The highest deferral rate the plan allows; census rates above it are capped.'],
  'deferral_rates.normalize_percentages': ['boolean', 'Read census rates above 1 as whole percents (6 → 0.06).'],

  'deferral_auto_escalation.enabled': ['boolean', "Whether participants' deferral rates rise by increment_amount each year up to maximum_rate."],
  'deferral_auto_escalation.effective_day': ['month-day', 'The day of the year escalations take effect (MM-DD).'],
  'deferral_auto_escalation.increment_amount': ['fraction', 'How much each escalation adds to the deferral rate (0.01 = one point of pay).'],
  'deferral_auto_escalation.maximum_rate': ['fraction', 'Escalation stops at this deferral rate.'],
  'deferral_auto_escalation.hire_date_cutoff': ['date', 'Only participants hired on or after this date escalate; null: whatever the hire date.'],
  'deferral_auto_escalation.require_active_enrollment': ['boolean', "Only employees enrolled at the start of the year escalate; false: the year's own enrollees too (when the delay is 0)."],
  'deferral_auto_escalation.first_escalation_delay_years': ['years', 'Years after enrollment before the first escalation.'],
  'deferral_auto_escalation.census_escalates_in_start_year': [
    'boolean',
    "Census participants count enrollment years from setup.plan_year_end_date (the 2026 meaning: with a 1-year delay they escalate in the start year) instead of from the start year.",
  ],

  [`${RESPONSE}.enabled`]: ['boolean', 'Whether census participants respond to the match in the first simulated year: those below their full-match rate move up, those above may move down.'],
  [`${RESPONSE}.upward_participation_rate`]: ['fraction', 'Share of participants below their full-match rate who raise their deferral.'],
  [`${RESPONSE}.upward_maximize_rate`]: ['fraction', 'Of those raising, the share who go all the way to the full-match rate (the others go part way).'],
  [`${RESPONSE}.upward_partial_increase_factor`]: ['fraction', 'How far a partial raise goes: this share of the gap to the full-match rate.'],
  [`${RESPONSE}.downward_enabled`]: ['boolean', 'Whether participants above their full-match rate may lower their deferral.'],
  [`${RESPONSE}.downward_participation_rate`]: ['fraction', 'Share of participants above their full-match rate who lower their deferral.'],
  [`${RESPONSE}.downward_reduce_to_max_rate`]: ['fraction', 'Of those lowering, the share who go down to the full-match rate (the others part way).'],
  [`${RESPONSE}.downward_partial_decrease_factor`]: ['fraction', 'How far a partial decrease goes: this share of the gap down to the full-match rate.'],
};
