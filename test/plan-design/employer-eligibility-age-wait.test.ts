import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigObject, query, simulate } from '../support/engine.js';

/**
 * Employer money's own minimum age and waiting period, and the plan's exclusion (a census
 * eligibility_override = false), over 2025-2026 on a census of a few rows, hand-computed. No hours are
 * required (minimum_hours_annual 0), nobody leaves, nobody is hired.
 * Match: minimum_age 30, reached by the last day employed (Dec 31). Core: waiting_period_days 90 from
 * the hire date, by Dec 31.
 */
const CSV = [
  'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate,eligibility_override',
  'W1002,1980-06-15,2025-10-02,60000,0.05,', // hire + 90 days = 2025-12-31
  'W1003,1980-06-15,2025-10-03,60000,0.05,', // hire + 90 days = 2026-01-01
  'A1231,1995-12-31,2015-01-01,60000,0.05,', // 30 on 2025-12-31
  'A0101,1996-01-01,2015-01-01,60000,0.05,', // 30 on 2026-01-01
  'OUT,1980-06-15,2010-01-01,60000,0.05,false', // excluded from the plan
].join('\n');

type Row = { employee_id: string; simulation_year: number; match_eligibility_reason: string; core_eligibility_reason: string; employer_core_amount: string };

let dir: string;
const rows = new Map<string, Row>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-ee-age-'));
  const census = join(dir, 'census.csv');
  writeFileSync(census, CSV);
  const raw = defaultConfigObject();
  raw.simulation.target_growth_rate = 0;
  raw.workforce.total_termination_rate = 0;
  raw.workforce.new_hire_termination_rate = 0;
  Object.assign(raw.employer_match.eligibility, { minimum_hours_annual: 0, minimum_age: 30 });
  Object.assign(raw.employer_core_contribution.eligibility, { minimum_hours_annual: 0, waiting_period_days: 90 });
  const { database } = await simulate({ dir, census, config: raw, years: [2025, 2026] });
  for (const r of await query<Row>(
    database,
    `SELECT e.employee_id, e.simulation_year, e.match_eligibility_reason, e.core_eligibility_reason,
            c.employer_core_amount::VARCHAR AS employer_core_amount
     FROM int_employer_eligibility e JOIN int_employer_core_contributions c USING (employee_id, simulation_year)`,
  )) {
    rows.set(`${r.employee_id}|${r.simulation_year}`, r);
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reasons = (id: string, year: number): [string, string] => {
  const r = rows.get(`${id}|${year}`);
  expect(r, `${id} ${year}`).toBeDefined();
  return [r!.match_eligibility_reason, r!.core_eligibility_reason];
};

describe('employer money: minimum age, waiting period, plan exclusion', () => {
  it('core waiting period of 90 days: met on Dec 31 qualifies that year, on Jan 1 the next year', () => {
    expect(reasons('W1002', 2025)).toEqual(['eligible', 'eligible']);
    expect(reasons('W1003', 2025)).toEqual(['eligible', 'insufficient_tenure']);
    expect(reasons('W1003', 2026)).toEqual(['eligible', 'eligible']);
  });

  it('match minimum age 30: reached on Dec 31 qualifies that year, on Jan 1 the next year', () => {
    expect(reasons('A1231', 2025)).toEqual(['eligible', 'eligible']);
    expect(reasons('A0101', 2025)).toEqual(['under_age', 'eligible']);
    expect(reasons('A0101', 2026)).toEqual(['eligible', 'eligible']);
  });

  it('a census employee excluded from the plan gets no employer money in any year (core included: the reference paid it, P17)', () => {
    for (const year of [2025, 2026]) {
      expect(reasons('OUT', year)).toEqual(['plan_ineligible', 'plan_ineligible']);
      expect(rows.get(`OUT|${year}`)!.employer_core_amount).toBe('0.00');
      expect(Number(rows.get(`A1231|${year}`)!.employer_core_amount)).toBeGreaterThan(0);
    }
  });
});
