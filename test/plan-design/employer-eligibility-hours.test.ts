import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigObject, query, simulate } from '../support/engine.js';

/**
 * The 1,000-hour rule for employer money over 2025-2027, hand-computed, through the real engine on a
 * census of a few rows (nobody leaves, nobody is hired). Core: 1 year of service; match: 2 years; both
 * 1,000 hours a year. Hours in a year = days employed x hours a week x 52 / days in the year, rounded:
 * a whole year at 19.21 h is 998.92 -> 999, at 19.23 h 999.96 -> 1,000, at 19 h 988, at 20 h 1,040.
 * A year of service (the census has scheduled hours): the 12 months from hire (IECP), then the plan
 * years from the one holding the first anniversary; the money starts at entry = the earlier of the next
 * Jan 1 and six months after the IECP's last day, in the year only when that falls by Dec 31.
 */
const HEADER = 'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate';
const ROWS: Array<[id: string, hire: string, hoursPerWeek: string]> = [
  ['H0999', '2010-01-01', '19.21'],
  ['H1000', '2010-01-01', '19.23'],
  ['P19', '2010-01-01', '19'],
  ['P20', '2010-01-01', '20'],
  ['S0401', '2024-04-01', ''], // empty: full time
  ['S0701', '2024-07-01', '40'],
  ['S0702', '2024-07-02', '40'],
  ['T19_0401', '2024-04-01', '19'],
  ['T20_0401', '2024-04-01', '20'],
  ['N0301', '2025-03-01', '40'], // hired during the first year: in its workforce, not a new hire
];

type Row = { employee_id: string; simulation_year: number; annual_hours_worked: number; core_years_of_service: number; match_years_of_service: number; core_eligibility_reason: string; match_eligibility_reason: string };

function config(): Record<string, any> {
  const raw = defaultConfigObject();
  raw.simulation.target_growth_rate = 0;
  raw.workforce.total_termination_rate = 0;
  raw.workforce.new_hire_termination_rate = 0;
  Object.assign(raw.employer_core_contribution.eligibility, { minimum_tenure_years: 1, minimum_hours_annual: 1000, allow_new_hires: false });
  Object.assign(raw.employer_match.eligibility, { minimum_tenure_years: 2, minimum_hours_annual: 1000, allow_new_hires: false });
  return raw;
}

let dir: string;
/** employee_id|year -> row, for the run with scheduled hours and the run without the column. */
const withHours = new Map<string, Row>();
const withoutHours = new Map<string, Row>();

async function run(name: string, hoursColumn: boolean, into: Map<string, Row>): Promise<void> {
  const census = join(dir, `${name}.csv`);
  const lines = ROWS.map(([id, hire, hours]) => `${id},1980-06-15,${hire},60000,0.05${hoursColumn ? `,${hours}` : ''}`);
  writeFileSync(census, [`${HEADER}${hoursColumn ? ',scheduled_hours_per_week' : ''}`, ...lines].join('\n'));
  const { database } = await simulate({ dir, census, name, config: config(), years: [2025, 2027] });
  const rows = await query<Row>(
    database,
    `SELECT employee_id, simulation_year, annual_hours_worked, core_years_of_service, match_years_of_service,
            core_eligibility_reason, match_eligibility_reason
     FROM int_employer_eligibility`,
  );
  for (const r of rows) into.set(`${r.employee_id}|${r.simulation_year}`, r);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-ee-hours-'));
  await run('hours', true, withHours);
  await run('no_hours', false, withoutHours);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [year, hours, years of service (core = match here), core reason, match reason] */
type Expected = [number, number, number, string, string];
const OK = 'eligible';
const HOURS = 'insufficient_hours';
const TENURE = 'insufficient_tenure';

const expectRows = (rows: Map<string, Row>, id: string, expected: Expected[]): void => {
  const actual = expected.map(([year]) => {
    const r = rows.get(`${id}|${year}`);
    expect(r, `${id} ${year}`).toBeDefined();
    expect(r!.match_years_of_service, `${id} ${year}`).toBe(r!.core_years_of_service);
    return [year, r!.annual_hours_worked, r!.core_years_of_service, r!.core_eligibility_reason, r!.match_eligibility_reason];
  });
  expect(actual, id).toEqual(expected);
};

describe('the 1,000-hour rule with scheduled hours (computation periods)', () => {
  it('999 hours a year never qualifies nor earns service; 1,000 does (hired 2010-01-01: 15 periods before 2025)', () => {
    expectRows(withHours, 'H0999', [
      [2025, 999, 0, HOURS, HOURS],
      [2026, 999, 0, HOURS, HOURS],
      [2027, 999, 0, HOURS, HOURS],
    ]);
    // IECP 2010 + plan years 2011..2024 = 15, then one a year.
    expectRows(withHours, 'H1000', [
      [2025, 1000, 16, OK, OK],
      [2026, 1000, 17, OK, OK],
      [2027, 1000, 18, OK, OK],
    ]);
  });

  it('part-timers: 19 h a week (988 h) fails, 20 h (1,040 h) qualifies', () => {
    expectRows(withHours, 'P19', [
      [2025, 988, 0, HOURS, HOURS],
      [2027, 988, 0, HOURS, HOURS],
    ]);
    expectRows(withHours, 'P20', [
      [2025, 1040, 16, OK, OK],
      [2027, 1040, 18, OK, OK],
    ]);
  });

  it('an IECP straddling the year end: double credit in 2025 (IECP to 2025-03-31 and plan year 2025), core from the entry of 2025-09-30', () => {
    expectRows(withHours, 'S0401', [
      [2025, 2080, 2, OK, TENURE], // match needs 2 years: completed Dec 31 2025, entry Jan 1 2026
      [2026, 2080, 3, OK, OK],
      [2027, 2080, 4, OK, OK],
    ]);
    // 20 h: IECP 1,040 and plan year 1,040 both count; 19 h: neither, and no service ever.
    expectRows(withHours, 'T20_0401', [
      [2025, 1040, 2, OK, TENURE],
      [2026, 1040, 3, OK, OK],
    ]);
    expectRows(withHours, 'T19_0401', [
      [2025, 988, 0, HOURS, HOURS],
      [2026, 988, 0, HOURS, HOURS],
    ]);
  });

  it('entry six months after the IECP: a 2024-07-01 hire enters 2025-12-30 (core in 2025), a 2024-07-02 hire on 2026-01-01', () => {
    expectRows(withHours, 'S0701', [
      [2025, 2080, 2, OK, TENURE],
      [2026, 2080, 3, OK, OK],
    ]);
    expectRows(withHours, 'S0702', [
      [2025, 2080, 2, TENURE, TENURE],
      [2026, 2080, 3, OK, OK],
    ]);
  });

  it('a hire of 2025-03-01: no service in 2025 (1,744 h = 306 days); IECP and plan year 2026 credit two, entry 2026-08-28', () => {
    expectRows(withHours, 'N0301', [
      [2025, 1744, 0, TENURE, TENURE],
      [2026, 2080, 2, OK, TENURE],
      [2027, 2080, 3, OK, OK],
    ]);
  });
});

describe('without hours data (no scheduled_hours_per_week column): years of service are whole years of tenure, as before', () => {
  it('full time for everyone; tenure = (2024 - hire year), then +1 a year', () => {
    expectRows(withoutHours, 'H0999', [[2025, 2080, 14, OK, OK]]);
    expectRows(withoutHours, 'S0401', [
      [2025, 2080, 0, TENURE, TENURE],
      [2026, 2080, 1, OK, TENURE],
      [2027, 2080, 2, OK, OK],
    ]);
    expectRows(withoutHours, 'N0301', [
      [2025, 1744, 0, TENURE, TENURE],
      [2026, 2080, 1, OK, TENURE],
      [2027, 2080, 2, OK, OK],
    ]);
  });
});
