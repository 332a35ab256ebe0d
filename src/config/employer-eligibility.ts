/**
 * Employer-money eligibility (match and core, int_employer_eligibility.sql) in words, for `validate`.
 */
import type { EmployerEligibility, SimulationConfig } from './schema.js';

type EmployerEligibilityConfig = Pick<SimulationConfig, 'employer_match' | 'employer_core_contribution' | 'workforce'>;

/**
 * One line per block and one on how service is counted, e.g.
 * "match: 1 year of service of 1,000 hours, 1,000 hours in the year, active on Dec 31".
 */
export function describeEmployerEligibility(config: EmployerEligibilityConfig): string[] {
  const match = config.employer_match;
  const matchRule = match.apply_eligibility
    ? requirements(match.eligibility)
    : [hoursInYear(match.eligibility.minimum_hours_annual), 'active on Dec 31 (apply_eligibility is off: the other match eligibility keys do not apply)']
        .filter((part) => part !== undefined)
        .join(', ');
  const lines = [
    `match: ${matchRule}`,
    `core: ${requirements(config.employer_core_contribution.eligibility)}`,
    'A year of service is a computation period with the minimum hours (the 12 months from hire, then plan years, ' +
      'both counting when they overlap) when the census gives scheduled_hours_per_week or hires are part-time, else a whole year of tenure.',
  ];
  const share = config.workforce.part_time_new_hire_pct;
  if (share > 0) lines.push(`${Number((share * 100).toFixed(4))} % of new hires work 20 hours a week (the others 40).`);
  return lines;
}

function requirements(e: EmployerEligibility): string {
  const parts: string[] = [];
  const years = e.minimum_tenure_years;
  if (years > 0) {
    parts.push(
      `${years} year${years === 1 ? '' : 's'} of service` +
        (e.minimum_hours_annual > 0 ? ` of ${e.minimum_hours_annual.toLocaleString('en-US')} hours` : '') +
        (e.allow_new_hires ? ' (or hired this year)' : ''),
    );
  }
  if (e.waiting_period_days > 0) parts.push(`${e.waiting_period_days} day${e.waiting_period_days === 1 ? '' : 's'} from hire`);
  if (e.minimum_age !== null && e.minimum_age > 0) parts.push(`age ${e.minimum_age} by the end of the year`);
  const hours = hoursInYear(e.minimum_hours_annual);
  if (hours !== undefined) parts.push(hours);
  const leavers = e.require_active_at_year_end
    ? []
    : [e.allow_terminated_new_hires ? 'new hires who leave' : undefined, e.allow_experienced_terminations ? 'other leavers' : undefined].filter(
        (l) => l !== undefined,
      );
  parts.push(leavers.length === 0 ? 'active on Dec 31' : `active on Dec 31, or one of the ${leavers.join(' and ')}`);
  return parts.join(', ');
}

function hoursInYear(hours: number): string | undefined {
  return hours > 0 ? `${hours.toLocaleString('en-US')} hours in the year` : undefined;
}
