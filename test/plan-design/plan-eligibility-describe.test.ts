import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { describeEligibility } from '../../src/config/plan-eligibility.js';
import { configError, issueAt, minimal } from '../config/helpers.js';

const OVERRIDE = 'Census employees with eligibility_override = false are not eligible.';

function describeWith(eligibility: Record<string, unknown>, planEligibility: Record<string, unknown> = {}): string {
  return describeEligibility(parseConfig(minimal({ eligibility, plan_eligibility: planEligibility })).config);
}

describe('describeEligibility', () => {
  it('states the default: age 21, entry on the day it is met', () => {
    expect(describeEligibility(parseConfig(minimal()).config)).toBe(`Age 21; entry on the day it is met. ${OVERRIDE}`);
  });

  it('states age, service and periodic entry', () => {
    expect(describeWith({ entry_date_type: 'quarterly' }, { waiting_period_days: 90 })).toBe(
      `Age 21 and 90 days of service; entry on the first day of the quarter on or after the day both are met. ${OVERRIDE}`,
    );
    expect(describeWith({ entry_date_type: 'monthly', waiting_period_days: 365 }, { minimum_age: 0 })).toBe(
      `365 days of service; entry on the first day of the month on or after the day it is met. ${OVERRIDE}`,
    );
    expect(describeWith({ entry_date_type: 'semi_annual' }, { minimum_age: 0 })).toBe(
      `No age or service requirement; entry on the first day of the half-year (January 1 or July 1) on or after the day of hire. ${OVERRIDE}`,
    );
  });

  it('takes the larger of the two waiting periods, as the engine does', () => {
    expect(describeWith({ waiting_period_days: 30 }, { waiting_period_days: 1, minimum_age: 18 })).toBe(
      `Age 18 and 30 days of service; entry on the day both are met. ${OVERRIDE}`,
    );
  });

  it('states the new-hire exclusion, and which key sets its share', () => {
    expect(describeWith({ new_hire_ineligible_pct: 0.125 })).toBe(
      `Age 21; entry on the day it is met. 12.5 % of new hires are drawn plan-ineligible (no enrollment, no employer money). ${OVERRIDE}`,
    );
    expect(describeWith({ new_hire_ineligible_pct: 0.1, new_hire_eligibility_match_census: true })).toBe(
      'Age 21; entry on the day it is met. New hires are drawn plan-ineligible at the census share of ' +
        'eligibility_override = false (no enrollment, no employer money); eligibility.new_hire_ineligible_pct is not used. ' +
        OVERRIDE,
    );
  });
});

describe('eligibility keys are checked', () => {
  it('refuses an unknown entry_date_type, naming the allowed values', () => {
    const error = configError(() => parseConfig(minimal({ eligibility: { entry_date_type: 'annual' } })));
    expect(issueAt(error, 'eligibility.entry_date_type')).toMatch(/immediate.*monthly.*quarterly.*semi_annual/);
  });

  it('refuses a new-hire share outside 0-1 and a non-boolean census switch', () => {
    const error = configError(() =>
      parseConfig(minimal({ eligibility: { new_hire_ineligible_pct: 1.5, new_hire_eligibility_match_census: 'yes' } })),
    );
    expect(issueAt(error, 'eligibility.new_hire_ineligible_pct')).toContain('must be between 0 and 1');
    issueAt(error, 'eligibility.new_hire_eligibility_match_census');
  });
});
