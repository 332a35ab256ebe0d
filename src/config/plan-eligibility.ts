/**
 * Plan eligibility (who may enroll, and from when): the config's rule in the terms the models read
 * (`param_dc_plan`, int_plan_eligibility.sql) and in words, for `validate`.
 */
import type { SimulationConfig } from './schema.js';

type EligibilityConfig = Pick<SimulationConfig, 'eligibility' | 'plan_eligibility'>;
type EntryDateType = SimulationConfig['eligibility']['entry_date_type'];

/** The length of an entry period in months; 0: entry on the day the requirements are met. */
export const ENTRY_PERIOD_MONTHS: Readonly<Record<EntryDateType, number>> = {
  immediate: 0,
  monthly: 1,
  quarterly: 3,
  semi_annual: 6,
};

const ENTRY_PERIOD_NAMES: Readonly<Record<Exclude<EntryDateType, 'immediate'>, string>> = {
  monthly: 'month',
  quarterly: 'quarter',
  semi_annual: 'half-year (January 1 or July 1)',
};

/**
 * The waiting period in days: the larger of the two keys that set it (the reference read
 * `eligibility.waiting_period_days` for its enrollment timing and never `plan_eligibility.waiting_period_days`).
 */
export function planWaitingPeriodDays(config: EligibilityConfig): number {
  return Math.max(config.eligibility.waiting_period_days, config.plan_eligibility.waiting_period_days);
}

/**
 * The plan-eligibility design in words, e.g. "Age 21 and 90 days of service; entry on the first day of
 * the quarter on or after the day both are met." (the `validate` summary's "Plan eligibility:" line)
 */
export function describeEligibility(config: EligibilityConfig): string {
  const age = config.plan_eligibility.minimum_age;
  const days = planWaitingPeriodDays(config);
  const requirements = [age > 0 ? `age ${age}` : undefined, days > 0 ? `${days} day${days === 1 ? '' : 's'} of service` : undefined].filter(
    (r) => r !== undefined,
  );
  const met = requirements.length === 2 ? 'both are met' : requirements.length === 1 ? 'it is met' : 'of hire';
  const type = config.eligibility.entry_date_type;
  const entry = type === 'immediate' ? `the day ${met}` : `the first day of the ${ENTRY_PERIOD_NAMES[type]} on or after the day ${met}`;
  const rule = requirements.length > 0 ? requirements.join(' and ') : 'no age or service requirement';
  const sentences = [`${capitalize(rule)}; entry on ${entry}.`];
  const { new_hire_ineligible_pct: pct, new_hire_eligibility_match_census: matchCensus } = config.eligibility;
  if (matchCensus) {
    sentences.push(
      'New hires are drawn plan-ineligible at the census share of eligibility_override = false (no enrollment, no employer money)' +
        (pct > 0 ? '; eligibility.new_hire_ineligible_pct is not used.' : '.'),
    );
  } else if (pct > 0) {
    sentences.push(`${formatShare(pct)} of new hires are drawn plan-ineligible (no enrollment, no employer money).`);
  }
  sentences.push('Census employees with eligibility_override = false are not eligible.');
  return sentences.join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatShare(rate: number): string {
  return `${Number((rate * 100).toFixed(4))} %`;
}
