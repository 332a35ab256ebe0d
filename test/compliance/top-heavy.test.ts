import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { readYearMetrics } from '../../src/reporting/metrics.js';
import { flatConfig } from '../plan-design/match-support.js';
import { query, simulate } from '../support/engine.js';

/**
 * 416 top-heavy (int_top_heavy_minimum, fct_compliance_tests '416_top_heavy') and the 415(c) report,
 * hand-computed on hand-made censuses over 2025-2026: flat pay and deferral rates, no turnover, a 0 %
 * return (closing = opening + contributions), the default simple match (50 % of deferrals up to 6 % of
 * pay) and the default 1 % core. K1 owns 10 % (a 5 % owner: key); N1, N2, N3 are non-key: N1 does not
 * defer (core only), N2 defers 4 % (match 2 % + core 1 % = 3 %), N3 earns 10,000 and defers 98 % (the
 * deferral cap raised to 100 %), so 415(c) (100 % of pay) cuts the core to 0 and the match from 300 to
 * 200 every year.
 */
const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,balance_pre_tax,ownership_pct';

interface Minimum {
  employee_id: string;
  simulation_year: number;
  is_top_heavy_year: boolean;
  minimum_rate: string;
  required_amount: string;
  employer_amount_received: string;
  shortfall: string;
  added_as_core: string;
}

async function run(name: string, rows: string[], change: (config: Record<string, any>) => void = () => undefined): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `planalign-top-heavy-${name}-`));
  const census = join(dir, 'census.csv');
  writeFileSync(census, [HEADER, ...rows].join('\n') + '\n');
  const config = flatConfig((c) => {
    c.accounts = { annual_return: 0 };
    c.deferral_rates.plan_deferral_cap = 1;
    change(c);
  });
  return (await simulate({ dir, census, config })).database;
}

const minimums = (database: string): Promise<Minimum[]> =>
  query<Minimum>(
    database,
    `SELECT employee_id, simulation_year, is_top_heavy_year, minimum_rate::VARCHAR AS minimum_rate,
            required_amount::VARCHAR AS required_amount, employer_amount_received::VARCHAR AS employer_amount_received,
            shortfall::VARCHAR AS shortfall, added_as_core::VARCHAR AS added_as_core
     FROM int_top_heavy_minimum WHERE owed_minimum ORDER BY simulation_year, employee_id`,
  );

const row = (
  employee_id: string,
  simulation_year: number,
  is_top_heavy_year: boolean,
  minimum_rate: string,
  [required_amount, employer_amount_received, shortfall, added_as_core]: [string, string, string, string],
): Minimum => ({ employee_id, simulation_year, is_top_heavy_year, minimum_rate, required_amount, employer_amount_received, shortfall, added_as_core });

interface TestRow {
  simulation_year: number;
  test_name: string;
  hce_count: number;
  nhce_count: number;
  hce_value: number;
  limit_value: number;
  margin: number;
  passed: boolean;
  details: string;
}

const tests = (database: string, name: string): Promise<TestRow[]> =>
  query<TestRow>(
    database,
    `SELECT simulation_year, test_name, hce_count::INTEGER AS hce_count, nhce_count::INTEGER AS nhce_count, hce_value,
            limit_value, margin, passed, details
     FROM fct_compliance_tests WHERE test_name = '${name}' ORDER BY simulation_year`,
  );

/** Per year: the snapshot's core and the core account's contributions of one employee. */
async function core(database: string, id: string): Promise<Array<{ y: number; snapshot: string; account: string }>> {
  return query(
    database,
    `SELECT s.simulation_year AS y, s.employer_core_amount::VARCHAR AS snapshot, coalesce(b.contributions, 0)::VARCHAR AS account
     FROM fct_workforce_snapshot s
     LEFT JOIN fct_account_balances b ON b.employee_id = s.employee_id AND b.simulation_year = s.simulation_year AND b.source = 'core'
     WHERE s.employee_id = '${id}' ORDER BY y`,
  );
}

async function coreCost(database: string): Promise<number[]> {
  const db = await Database.open(database);
  try {
    return (await readYearMetrics(db)).map((m) => m.employer_core_cost);
  } finally {
    db.close();
  }
}

describe('top-heavy at exactly 60 %, then above it; the minimum reported (compliance.top_heavy_minimum report)', () => {
  let database: string;

  beforeAll(async () => {
    database = await run('report', [
      // K1 defers 10 % of 200,000: 20,000 + match 6,000 + core 2,000 = 28,000 a year (14 % of pay).
      'K1,SSN-1,1970-01-01,2010-01-01,,200000,0.10,60000,0.10',
      'N1,SSN-2,1980-01-01,2015-01-01,,50000,0,20000,',
      'N2,SSN-3,1980-01-01,2015-01-01,,50000,0.04,20000,',
      'N3,SSN-4,1980-01-01,2015-01-01,,10000,0.98,,',
    ]);
  }, 120_000);

  it('2025: key balances 60,000 of 100,000 are exactly 60 %: not top-heavy, nothing owed', async () => {
    const [y2025] = await tests(database, '416_top_heavy');
    expect(y2025).toMatchObject({ simulation_year: 2025, hce_count: 1, nhce_count: 3, hce_value: 0.6, limit_value: 0.6, passed: true });
    expect(y2025!.margin).toBeCloseTo(0, 12);
    expect(JSON.parse(y2025!.details)).toMatchObject({ determination_date: '2024-12-31', key_balance: 60000, total_balance: 100000 });
    expect((await minimums(database)).filter((m) => m.simulation_year === 2025)).toEqual([
      row('N1', 2025, false, '0.0000', ['0.00', '500.00', '0.00', '0.00']),
      row('N2', 2025, false, '0.0000', ['0.00', '1500.00', '0.00', '0.00']),
      row('N3', 2025, false, '0.0000', ['0.00', '200.00', '0.00', '0.00']),
    ]);
  });

  it('2026: 88,000 of 142,000 (62 %) is top-heavy; each non-key is owed 3 % of pay, a non-deferrer the most', async () => {
    // Closing 2025 = census + 2025 contributions: K1 60,000 + 28,000; N1 20,000 + 500; N2 20,000 + 3,500; N3 10,000.
    const [, y2026] = await tests(database, '416_top_heavy');
    expect(y2026).toMatchObject({ simulation_year: 2026, hce_count: 1, nhce_count: 3, limit_value: 0.6, passed: false });
    expect(y2026!.hce_value).toBeCloseTo(88000 / 142000, 12);
    expect(y2026!.margin).toBeCloseTo(0.6 - 88000 / 142000, 12);
    // N1: 3 % of 50,000 = 1,500, has the core 500; N2 has exactly 1,500 (match 1,000 + core 500); N3 3 % of 10,000.
    expect(JSON.parse(y2026!.details)).toMatchObject({
      key_balance: 88000,
      total_balance: 142000,
      minimum_rate: 0.03,
      minimum_owed_total: 3300,
      shortfall_total: 1100,
      count_owed: 2,
      added_as_core_total: 0,
    });
    expect((await minimums(database)).filter((m) => m.simulation_year === 2026)).toEqual([
      row('N1', 2026, true, '0.0300', ['1500.00', '500.00', '1000.00', '0.00']),
      row('N2', 2026, true, '0.0300', ['1500.00', '1500.00', '0.00', '0.00']),
      row('N3', 2026, true, '0.0300', ['300.00', '200.00', '100.00', '0.00']),
    ]);
  });

  it('report leaves the core, the balances and the cost as they are', async () => {
    expect(await core(database, 'N1')).toEqual([
      { y: 2025, snapshot: '500.00', account: '500.00' },
      { y: 2026, snapshot: '500.00', account: '500.00' },
    ]);
    // K1 2,000 + N1 500 + N2 500 + N3 0 (cut by 415(c)).
    expect(await coreCost(database)).toEqual([3000, 3000]);
  });

  it("415(c): reports the year's cuts (N3: core 100, match 100) and passes", async () => {
    const rows = await tests(database, '415c');
    expect(rows.map((r) => [r.simulation_year, r.passed])).toEqual([
      [2025, true],
      [2026, true],
    ]);
    for (const r of rows) {
      expect(JSON.parse(r.details)).toMatchObject({
        match_415_reduction: 100,
        match_corrections: 1,
        core_415_reduction: 100,
        core_corrections: 1,
        employees_corrected: 1,
      });
    }
  });
});

describe('top-heavy just above 60 %, the key rate below 3 %, the shortfall paid as core (add_as_core)', () => {
  let database: string;

  beforeAll(async () => {
    database = await run(
      'add-as-core',
      [
        // K1 defers 1 % of 100,000: 1,000 + match 500 + core 1,000 = 2,500, 2.5 % of pay.
        'K1,SSN-1,1970-01-01,2010-01-01,,100000,0.01,60000.01,0.10',
        'N1,SSN-2,1980-01-01,2015-01-01,,50000,0,20000,',
        'N2,SSN-3,1980-01-01,2015-01-01,,50000,0.04,20000,',
        'N3,SSN-4,1980-01-01,2015-01-01,,10000,0.98,,',
      ],
      (c) => {
        c.compliance = { top_heavy_minimum: 'add_as_core' };
      },
    );
  }, 120_000);

  it('2025: 60,000.01 of 100,000.01 is top-heavy; the minimum is the key rate 2.5 %; 2026 (53 %) is not', async () => {
    const [y2025, y2026] = await tests(database, '416_top_heavy');
    expect(y2025).toMatchObject({ simulation_year: 2025, passed: false });
    expect(y2025!.hce_value).toBeCloseTo(60000.01 / 100000.01, 12);
    expect(y2025!.margin).toBeLessThan(0);
    // Closing 2025: K1 62,500.01; N1 20,000 + 1,250; N2 23,500; N3 10,000.
    expect(y2026).toMatchObject({ simulation_year: 2026, passed: true });
    expect(JSON.parse(y2026!.details)).toMatchObject({ key_balance: 62500.01, total_balance: 117250.01 });
    expect(await minimums(database)).toEqual([
      // N1: 2.5 % of 50,000 = 1,250 less the core 500: 750 paid as core.
      row('N1', 2025, true, '0.0250', ['1250.00', '500.00', '750.00', '750.00']),
      row('N2', 2025, true, '0.0250', ['1250.00', '1500.00', '0.00', '0.00']),
      // N3: 250 owed, 200 received; 415(c) leaves no room (9,800 + 200 = 10,000 = 100 % of pay).
      row('N3', 2025, true, '0.0250', ['250.00', '200.00', '50.00', '0.00']),
      row('N1', 2026, false, '0.0000', ['0.00', '500.00', '0.00', '0.00']),
      row('N2', 2026, false, '0.0000', ['0.00', '1500.00', '0.00', '0.00']),
      row('N3', 2026, false, '0.0000', ['0.00', '200.00', '0.00', '0.00']),
    ]);
  });

  it('adds the shortfall to the core: the snapshot, the core account and the cost', async () => {
    expect(await core(database, 'N1')).toEqual([
      { y: 2025, snapshot: '1250.00', account: '1250.00' },
      { y: 2026, snapshot: '500.00', account: '500.00' },
    ]);
    // 2025: K1 1,000 + N1 500 + 750 + N2 500; 2026: without the 750.
    expect(await coreCost(database)).toEqual([2750, 2000]);
    const [closing] = await query<{ closing: string }>(
      database,
      `SELECT closing::VARCHAR AS closing FROM fct_account_balances WHERE employee_id = 'N1' AND source = 'core' AND simulation_year = 2026`,
    );
    expect(closing).toEqual({ closing: '1750.00' });
  });
});

describe('a plan of safe-harbor money only is exempt (416(g)(4)(H))', () => {
  it('with the safe-harbor match and no core, 60,000.01 of 100,000.01 is not top-heavy and nothing is owed', async () => {
    const database = await run(
      'safe-harbor',
      [
        'K1,SSN-1,1970-01-01,2010-01-01,,100000,0.01,60000.01,0.10',
        'N1,SSN-2,1980-01-01,2015-01-01,,50000,0,20000,',
        'N2,SSN-3,1980-01-01,2015-01-01,,50000,0.04,20000,',
      ],
      (c) => {
        c.employer_match.active_formula = 'safe_harbor_basic';
        c.employer_core_contribution.enabled = false;
        c.compliance = { top_heavy_minimum: 'add_as_core' };
      },
    );
    const rows = await tests(database, '416_top_heavy');
    expect(rows.map((r) => [r.simulation_year, r.passed, JSON.parse(r.details).exempt])).toEqual([
      [2025, true, 'safe_harbor_only (416(g)(4)(H))'],
      [2026, true, 'safe_harbor_only (416(g)(4)(H))'],
    ]);
    expect(rows[0]!.hce_value).toBeCloseTo(60000.01 / 100000.01, 12);
    const owed = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM int_top_heavy_minimum WHERE is_top_heavy_year OR required_amount <> 0 OR added_as_core <> 0`,
    );
    expect(owed).toEqual([{ n: 0 }]);
  }, 120_000);
});
