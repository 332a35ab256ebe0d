/**
 * Descriptions of the `dc_plan` keys, the flat plan-design overlay the reference's 2026 Studio writes:
 * each sets a YAML key (src/config/dc-plan-overlay.ts), so its text is that key's, prefixed with what
 * it sets, except where the Studio's unit differs from the YAML key's.
 */
import { DC_PLAN_LIVE_KEYS, dcPlanTarget, MATCH_TEMPLATES } from '../dc-plan-overlay.js';
import { EMPLOYER_TEXTS } from './employer.js';
import { ENROLLMENT_TEXTS } from './enrollment.js';
import type { KeyText } from './types.js';

const PERCENT_TIERS = 'Rates are whole percents; a match_rate of at most 2 or a max_deferral_pct of at most 1 is read as a decimal (×100), as the Studio writes them.';

/** The keys whose unit or shape is the Studio's own. */
const OWN_TEXTS: Readonly<Record<string, KeyText>> = {
  match_template: ['text', `The Studio's match template, which names employer_match.active_formula: ${Object.entries(MATCH_TEMPLATES).map(([t, f]) => `${t} (${f})`).join(', ')}.`],
  match_tiers: ['list', 'The tiers of the active match formula ({employee_min, employee_max, match_rate} as decimals), which becomes a tiered formula with them.'],
  match_cap_percent: ['fraction', 'The cap of the active tiered match formula (its max_match_percentage), a decimal despite the name (0.04 = 4 % of pay; 0.04 when match_tiers is given without it).'],
  match_graded_schedule: ['list', `Sets employer_match.graded_schedule (service_years_min/max are read as min_years/max_years). ${PERCENT_TIERS}`],
  tenure_match_tiers: ['list', `Sets employer_match.tenure_match_tiers. ${PERCENT_TIERS}`],
  points_match_tiers: ['list', `Sets employer_match.points_match_tiers. ${PERCENT_TIERS}`],
  core_contribution_rate_percent: ['percent', 'Sets employer_core_contribution.contribution_rate in whole percents (3 = 3 % of pay).'],
  core_integration_disparity_rate_percent: ['percent', 'Sets employer_core_contribution.integration.disparity_rate in whole percents (5.7 = 5.7 %).'],
  default_deferral_percent: ['percent', 'Sets enrollment.auto_enrollment.default_deferral_rate in whole percents (6 = 6 % of pay).'],
  escalation_rate_percent: ['percent', 'Sets deferral_auto_escalation.increment_amount in whole percents (1 = one point of pay a year).'],
  escalation_cap_percent: ['percent', 'Sets deferral_auto_escalation.maximum_rate in whole percents (10 = 10 % of pay).'],
  escalation_hire_date_cutoff: ['date', 'Sets deferral_auto_escalation.hire_date_cutoff: only participants hired on or after this date escalate; "" removes the cutoff.'],
  eligibility_months: ['months', 'Sets plan_eligibility.waiting_period_days and eligibility.waiting_period_days in months of 30 days: months before an employee may join the plan.'],
  max_voluntary_deferral_percent: ['fraction', 'Sets enrollment.match_magnet.max_deferral_rate, a decimal despite its name: the highest rate a voluntary or proactive enrollee picks.'],
  deferral_match_response: ['map', 'Keys of deferral_match_response merged over that section (enabled true unless given): how census participants respond to the match in the first year.'],
  vesting_schedule: ['text', "Sets vesting.match unless the file gives it: the match's vesting schedule, an id (cliff_3_year, graded_6_year, qaca_2_year, ...) or {type, years}."],
};

const YAML_TEXTS: Readonly<Record<string, KeyText>> = { ...ENROLLMENT_TEXTS, ...EMPLOYER_TEXTS };

/** A key that sets one YAML key in that key's unit: that key's text, saying which key it sets. */
function setsText(key: string): KeyText {
  const target = dcPlanTarget(key);
  const text = target === undefined ? undefined : YAML_TEXTS[target];
  if (target === undefined || text === undefined) throw new Error(`dc_plan.${key}: no description of ${String(target)} to derive its own from`);
  return [text[0], `Sets ${target}: ${text[1].charAt(0).toLowerCase()}${text[1].slice(1)}`];
}

export const DC_PLAN_TEXTS: Readonly<Record<string, KeyText>> = Object.fromEntries(
  DC_PLAN_LIVE_KEYS.map((key) => [`dc_plan.${key}`, OWN_TEXTS[key] ?? setsText(key)]),
);

/** The dc_plan keys that set one YAML key as they are (same unit, same checks): dotted dc_plan key → YAML key. */
export const DC_PLAN_SAME_AS: Readonly<Record<string, string>> = Object.fromEntries(
  DC_PLAN_LIVE_KEYS.filter((key) => OWN_TEXTS[key] === undefined).map((key) => [`dc_plan.${key}`, dcPlanTarget(key) as string]),
);
