import { describe, expect, it } from 'vitest';
import { describeEmployerEligibility } from '../../src/config/employer-eligibility.js';
import { parseConfig } from '../../src/config/index.js';
import { defaultConfigObject } from '../support/engine.js';

const describeWith = (tweak: (raw: Record<string, any>) => void): string[] => {
  const raw = defaultConfigObject();
  tweak(raw);
  return describeEmployerEligibility(parseConfig(raw).config);
};

describe('describeEmployerEligibility', () => {
  it('states the shipped rules: hours in the year and year-end employment, for the match and the core', () => {
    const lines = describeWith(() => undefined);
    expect(lines[0]).toBe('match: 1,000 hours in the year, active on Dec 31');
    expect(lines[1]).toBe('core: 1,000 hours in the year, active on Dec 31');
    expect(lines[2]).toMatch(/^A year of service is a computation period with the minimum hours .* else a whole year of tenure\.$/);
    expect(lines).toHaveLength(3);
  });

  it('states service, waiting period, age, leavers and the part-time share', () => {
    const lines = describeWith((raw) => {
      Object.assign(raw.employer_match.eligibility, { minimum_tenure_years: 1, allow_new_hires: false, minimum_age: 21 });
      Object.assign(raw.employer_core_contribution.eligibility, {
        minimum_tenure_years: 2,
        minimum_hours_annual: 500,
        waiting_period_days: 90,
        require_active_at_year_end: false,
        allow_experienced_terminations: true,
      });
      raw.workforce.part_time_new_hire_pct = 0.15;
    });
    expect(lines[0]).toBe('match: 1 year of service of 1,000 hours, age 21 by the end of the year, 1,000 hours in the year, active on Dec 31');
    expect(lines[1]).toBe(
      'core: 2 years of service of 500 hours (or hired this year), 90 days from hire, 500 hours in the year, active on Dec 31, or one of the other leavers',
    );
    expect(lines[3]).toBe('15 % of new hires work 20 hours a week (the others 40).');
  });

  it('says when the match eligibility block is off', () => {
    const [match] = describeWith((raw) => {
      raw.employer_match.apply_eligibility = false;
      raw.employer_match.eligibility.minimum_tenure_years = 3;
    });
    expect(match).toBe('match: 1,000 hours in the year, active on Dec 31 (apply_eligibility is off: the other match eligibility keys do not apply)');
  });
});
