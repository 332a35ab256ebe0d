import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { readYearMetrics } from '../../src/reporting/metrics.js';
import { flatConfig } from '../plan-design/match-support.js';
import { query, simulate } from '../support/engine.js';

/**
 * The forfeiture account (fct_forfeiture_account), its policies, the account events and the net
 * employer cost, hand-computed to the cent over 2025-2027 on a hand-made census:
 * - ten identical employees L0-L9 (50,000, hired 2023-01-01, not deferring), each with a census match
 *   balance of 2,500, match vesting graded over 6 years, no return: 10 % turnover in their level takes
 *   one of them a year. Whoever it is, the leaver of 2025 has 2 years of service (20 % vested), of
 *   2026 3 (40 %), of 2027 4 (60 %): forfeitures 2,000.00, 1,500.00 and 1,000.00.
 * - D1 (105,000, alone in its pay level, so never drawn to leave) defers 3.5 %: 3,675 a year, matched
 *   at 50 %: the year's employer contributions are 1,837.50 (no core; hires are excluded from the plan).
 * Forfeitures of a year are available from the next.
 */
const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,balance_match';
const CENSUS = [
  HEADER,
  ...Array.from({ length: 10 }, (_, i) => `L${i},SSN-${i},1980-01-01,2023-01-01,,50000,0,2500`),
  'D1,SSN-99,1980-01-01,2015-01-01,,105000,0.035,',
];
const POLICIES = ['offset_employer_contributions', 'pay_plan_expenses', 'reallocate_to_participants'] as const;
type Policy = (typeof POLICIES)[number];

function config(policy: Policy): Record<string, any> {
  return flatConfig((c) => {
    c.simulation.end_year = 2027;
    c.workforce.total_termination_rate = 0.1;
    c.employer_core_contribution.enabled = false;
    c.eligibility.new_hire_ineligible_pct = 1;
    c.vesting = { match: { type: 'graded', years: 6 } };
    c.forfeitures = { policy };
  });
}

const ACCOUNT = `SELECT simulation_year AS y, opening::VARCHAR AS opening, forfeitures::VARCHAR AS forfeitures,
  used_for_contributions::VARCHAR AS contributions, used_for_expenses::VARCHAR AS expenses,
  reallocated::VARCHAR AS reallocated, closing::VARCHAR AS closing FROM fct_forfeiture_account ORDER BY y`;

async function netCost(database: string): Promise<Array<[number, number, number]>> {
  const db = await Database.open(database);
  try {
    return (await readYearMetrics(db)).map((m) => [m.year, m.total_employer_plan_cost, m.net_employer_plan_cost]);
  } finally {
    db.close();
  }
}

describe('the forfeiture account under each policy, 2025-2027', () => {
  const databases = {} as Record<Policy, string>;
  let leavers: Array<{ id: string; y: number; date: string }>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-forfeiture-account-'));
    const census = join(dir, 'census.csv');
    writeFileSync(census, `${CENSUS.join('\n')}\n`);
    for (const policy of POLICIES) databases[policy] = (await simulate({ dir, census, config: config(policy), name: policy })).database;
    leavers = await query(
      databases.offset_employer_contributions,
      `SELECT employee_id AS id, simulation_year AS y, effective_date::VARCHAR AS date FROM fct_yearly_events
       WHERE event_type = 'termination' ORDER BY y`,
    );
  }, 180_000);

  it('one L employee leaves each year, D1 never; D1 is matched 1,837.50 a year', async () => {
    expect(leavers.map((l) => [l.id.startsWith('L'), l.y])).toEqual([
      [true, 2025],
      [true, 2026],
      [true, 2027],
    ]);
    expect(
      await query(databases.offset_employer_contributions, `SELECT simulation_year AS y, sum(employer_match_amount)::VARCHAR AS m
        FROM int_employee_match_calculations GROUP BY 1 ORDER BY 1`),
    ).toEqual([
      { y: 2025, m: '1837.50' },
      { y: 2026, m: '1837.50' },
      { y: 2027, m: '1837.50' },
    ]);
  });

  it('offset: used up to the year\'s employer contributions, the rest carried; all of it once it fits', async () => {
    expect(await query(databases.offset_employer_contributions, ACCOUNT)).toEqual([
      { y: 2025, opening: '0.00', forfeitures: '2000.00', contributions: '0.00', expenses: '0.00', reallocated: '0.00', closing: '2000.00' },
      // 2,000 available, contributions 1,837.50: 162.50 carried, plus 2026's 1,500
      { y: 2026, opening: '2000.00', forfeitures: '1500.00', contributions: '1837.50', expenses: '0.00', reallocated: '0.00', closing: '1662.50' },
      // 1,662.50 available, less than the contributions: all used
      { y: 2027, opening: '1662.50', forfeitures: '1000.00', contributions: '1662.50', expenses: '0.00', reallocated: '0.00', closing: '1000.00' },
    ]);
    // Net = gross − used: 1,837.50 − 0, − 1,837.50, − 1,662.50.
    expect(await netCost(databases.offset_employer_contributions)).toEqual([
      [2025, 1837.5, 1837.5],
      [2026, 1837.5, 0],
      [2027, 1837.5, 175],
    ]);
  });

  it('pay_plan_expenses: all of the opening each year; net cost falls below zero when it exceeds the contributions', async () => {
    expect(await query(databases.pay_plan_expenses, ACCOUNT)).toEqual([
      { y: 2025, opening: '0.00', forfeitures: '2000.00', contributions: '0.00', expenses: '0.00', reallocated: '0.00', closing: '2000.00' },
      { y: 2026, opening: '2000.00', forfeitures: '1500.00', contributions: '0.00', expenses: '2000.00', reallocated: '0.00', closing: '1500.00' },
      { y: 2027, opening: '1500.00', forfeitures: '1000.00', contributions: '0.00', expenses: '1500.00', reallocated: '0.00', closing: '1000.00' },
    ]);
    expect(await netCost(databases.pay_plan_expenses)).toEqual([
      [2025, 1837.5, 1837.5],
      [2026, 1837.5, -162.5],
      [2027, 1837.5, 337.5],
    ]);
  });

  it('reallocate_to_participants: to the year-end actives pro rata to eligible pay, to the cent (largest remainder)', async () => {
    expect(await query(databases.reallocate_to_participants, ACCOUNT)).toEqual([
      { y: 2025, opening: '0.00', forfeitures: '2000.00', contributions: '0.00', expenses: '0.00', reallocated: '0.00', closing: '2000.00' },
      { y: 2026, opening: '2000.00', forfeitures: '1500.00', contributions: '0.00', expenses: '0.00', reallocated: '2000.00', closing: '1500.00' },
      { y: 2027, opening: '1500.00', forfeitures: '1000.00', contributions: '0.00', expenses: '0.00', reallocated: '1500.00', closing: '1000.00' },
    ]);
    const shares = await query<{ y: number; id: string; amount: string }>(
      databases.reallocate_to_participants,
      `SELECT simulation_year AS y, employee_id AS id, compensation_amount::VARCHAR AS amount FROM fct_account_events
       WHERE event_type = 'forfeiture_reallocation' ORDER BY y, id`,
    );
    const stayers = (year: number) =>
      Array.from({ length: 10 }, (_, i) => `L${i}`).filter((id) => !leavers.some((l) => l.id === id && l.y <= year));
    // 2026: 2,000 over 8 L at 50,000 and D1 at 105,000 (505,000): L 198.0198 (8 x 198.01 + D1 415.84 =
    // 1,999.92), the 8 cents left to the 8 largest remainders, the L's .98 before D1's .16.
    // 2027: 1,500 over 7 L and D1 (455,000): L 164.8352, D1 346.1538; 7 x 164.83 + 346.15 = 1,499.96: the
    // 4 cents left to 4 of the tied L remainders (.52), by employee_id.
    expect(shares).toEqual([
      { y: 2026, id: 'D1', amount: '415.84' },
      ...stayers(2026).map((id) => ({ y: 2026, id, amount: '198.02' })),
      { y: 2027, id: 'D1', amount: '346.15' },
      ...stayers(2027).map((id, i) => ({ y: 2027, id, amount: i < 4 ? '164.84' : '164.83' })),
    ]);
    // Credited to the core source of the accounts (immediately vested without a core schedule).
    expect(
      await query(databases.reallocate_to_participants, `SELECT simulation_year AS y, sum(contributions)::VARCHAR AS c
        FROM fct_account_balances WHERE source = 'core' GROUP BY 1 ORDER BY 1`),
    ).toEqual([
      { y: 2026, c: '2000.00' },
      { y: 2027, c: '1500.00' },
    ]);
    // Reallocation is not a saving of the employer's: net = gross.
    expect(await netCost(databases.reallocate_to_participants)).toEqual([
      [2025, 1837.5, 1837.5],
      [2026, 1837.5, 1837.5],
      [2027, 1837.5, 1837.5],
    ]);
  });

  it('forfeiture events per source, dated at the termination, with the same ids whatever the policy', async () => {
    const events = (policy: Policy) =>
      query<{ id: string; employee: string; y: number; date: string; source: string; amount: string }>(
        databases[policy],
        `SELECT event_id AS id, employee_id AS employee, simulation_year AS y, effective_date::VARCHAR AS date, source,
                compensation_amount::VARCHAR AS amount
         FROM fct_account_events WHERE event_type = 'forfeiture' ORDER BY y`,
      );
    const offset = await events('offset_employer_contributions');
    expect(offset.map(({ id: _id, ...e }) => e)).toEqual(
      leavers.map((l, i) => ({ employee: l.id, y: l.y, date: l.date, source: 'match', amount: ['2000.00', '1500.00', '1000.00'][i] })),
    );
    expect(offset.every((e) => /^ACCT_[0-9a-f]{24}$/.test(e.id))).toBe(true);
    expect(await events('pay_plan_expenses')).toEqual(offset);
  });

  it('the validation rules pass every year, the forfeiture account reconciliation among them', async () => {
    for (const policy of POLICIES) {
      expect(
        await query(databases[policy], `SELECT rule, simulation_year AS y, violations::INTEGER AS v FROM planalign_validation_results
          WHERE violations > 0 OR rule = 'forfeiture_account_reconciles' ORDER BY ALL`),
        policy,
      ).toEqual([2025, 2026, 2027].map((y) => ({ rule: 'forfeiture_account_reconciles', y, v: 0 })));
    }
  });
});
