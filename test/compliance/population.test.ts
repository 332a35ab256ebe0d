import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { flatConfig } from '../plan-design/match-support.js';
import { query, simulate } from '../support/engine.js';

/**
 * int_compliance_population (414(q) HCEs, 416(i) key employees, 1.410(b)-6 excludable employees, the
 * testing pay and ratios), hand-computed over 2025-2026 on hand-made censuses: flat pay, no turnover.
 * Look-back thresholds (irs_limits.csv): 2024's 155,000 for 2025, 2025's 160,000 for 2026; key-employee
 * officer pay: 230,000 (2025), 235,000 (2026); 401(a)(17): 350,000 (2025), 360,000 (2026).
 */
const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,is_officer,ownership_pct';

/** [id, birth, hire, salary, is_officer, ownership_pct]; everyone defers 5 %. */
type Row = [string, string, string, number, string, string];

async function run(name: string, rows: Row[], change: (c: Record<string, any>) => void = () => undefined): Promise<{ database: string; notices: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), `planalign-population-${name}-`));
  const census = join(dir, 'census.csv');
  const lines = rows.map(([id, birth, hire, salary, officer, owns], i) => `${id},SSN-${100 + i},${birth},${hire},,${salary},0.05,${officer},${owns}`);
  writeFileSync(census, [HEADER, ...lines].join('\n') + '\n');
  const { database, result } = await simulate({ dir, census, config: flatConfig(change) });
  return { database, notices: result.notices };
}

interface PopRow {
  employee_id: string;
  simulation_year: number;
  lookback_compensation: string;
  testing_compensation: string;
  is_hce: boolean;
  hce_reason: string | null;
  is_key_employee: boolean;
  key_reason: string | null;
  is_excludable: boolean;
  adp_deferrals: string;
  acp_contributions: string;
  employer_allocation: string;
  adr: string | null;
  acr: string | null;
  allocation_rate: string | null;
  benefiting_nonelective: boolean;
}

const population = async (database: string): Promise<Map<string, PopRow>> => {
  const rows = await query<PopRow>(
    database,
    `SELECT employee_id, simulation_year, lookback_compensation::VARCHAR AS lookback_compensation,
            testing_compensation::VARCHAR AS testing_compensation, is_hce, hce_reason, is_key_employee, key_reason,
            is_excludable, adp_deferrals::VARCHAR AS adp_deferrals, acp_contributions::VARCHAR AS acp_contributions,
            employer_allocation::VARCHAR AS employer_allocation, adr::VARCHAR AS adr, acr::VARCHAR AS acr,
            allocation_rate::VARCHAR AS allocation_rate, benefiting_nonelective
     FROM int_compliance_population`,
  );
  return new Map(rows.map((r) => [`${r.employee_id} ${r.simulation_year}`, r]));
};

const ADULT = '1980-01-01';
const LONG = '2015-01-01';

describe('int_compliance_population: HCE, key and excludable at their edges (2025-2026)', () => {
  let pop: Map<string, PopRow>;
  const get = (id: string, year: number): PopRow => {
    const row = pop.get(`${id} ${year}`);
    if (row === undefined) throw new Error(`no row ${id} ${year}`);
    return row;
  };

  beforeAll(async () => {
    const { database, notices } = await run('edges', [
      ['H_AT', ADULT, LONG, 155000, '', ''],
      ['H_ABOVE', ADULT, LONG, 155001, '', ''],
      ['H_160', ADULT, LONG, 160001, '', ''],
      ['C_CAP', ADULT, LONG, 400000, 'false', '0'],
      ['O_5', ADULT, LONG, 50000, '', '0.05'],
      ['O_5P', ADULT, LONG, 50000, '', '0.0501'],
      ['O_1', ADULT, LONG, 150001, '', '0.02'],
      ['O_1B', ADULT, LONG, 150000, '', '0.02'],
      ['K_AT', ADULT, LONG, 230000, 'true', ''],
      ['K_ABOVE', ADULT, LONG, 230001, 'true', ''],
      ['Y_20', '2005-01-02', '2020-01-01', 40000, '', ''],
      ['Y_21', '2004-12-31', '2020-01-01', 40000, '', ''],
      ['S_NEW', '1990-01-01', '2025-03-01', 60000, '', ''],
      ['N_1', ADULT, LONG, 50000, '', ''],
    ]);
    pop = await population(database);
    edgeNotices = notices;
  }, 120_000);
  let edgeNotices: string[];

  it('has a row per employee and year, and no notice of missing officers or owners', () => {
    expect(pop.size).toBe(28);
    expect(edgeNotices.filter((n) => n.startsWith('compliance tests'))).toEqual([]);
  });

  it('takes the census gross pay as the first look-back year, then the previous year’s prorated pay', () => {
    expect(get('S_NEW', 2025).lookback_compensation).toBe('60000.00');
    // hired Mar 1, 2025: 60,000 x 306 / 365 = 50,301.369... paid in 2025
    expect(get('S_NEW', 2026).lookback_compensation).toBe('50301.37');
    expect(get('H_ABOVE', 2026).lookback_compensation).toBe('155001.00');
  });

  it('makes an HCE of look-back pay above (not at) the look-back year’s threshold', () => {
    expect([get('H_AT', 2025).is_hce, get('H_AT', 2026).is_hce]).toEqual([false, false]);
    // 155,001 > 2024's 155,000, but not > 2025's 160,000
    expect([get('H_ABOVE', 2025).hce_reason, get('H_ABOVE', 2026).hce_reason]).toEqual(['compensation', null]);
    expect([get('H_ABOVE', 2025).is_hce, get('H_ABOVE', 2026).is_hce]).toEqual([true, false]);
    expect([get('H_160', 2025).is_hce, get('H_160', 2026).is_hce]).toEqual([true, true]);
    expect(get('S_NEW', 2026).is_hce).toBe(false);
  });

  it('makes an HCE and a key employee of an owner of more than (not exactly) 5 %', () => {
    for (const year of [2025, 2026]) {
      expect(get('O_5', year)).toMatchObject({ is_hce: false, is_key_employee: false, key_reason: null });
      expect(get('O_5P', year)).toMatchObject({ is_hce: true, hce_reason: '5_percent_owner', is_key_employee: true, key_reason: '5_percent_owner' });
    }
  });

  it('makes a key employee of a 1 % owner paid above (not at) 150,000', () => {
    for (const year of [2025, 2026]) {
      expect(get('O_1', year)).toMatchObject({ is_key_employee: true, key_reason: '1_percent_owner', is_hce: false });
      expect(get('O_1B', year)).toMatchObject({ is_key_employee: false, key_reason: null });
    }
  });

  it('makes a key employee of an officer paid above (not at) the year’s threshold', () => {
    expect([get('K_AT', 2025).is_key_employee, get('K_AT', 2026).is_key_employee]).toEqual([false, false]);
    // 230,001 > 2025's 230,000, not > 2026's 235,000
    expect([get('K_ABOVE', 2025).key_reason, get('K_ABOVE', 2026).key_reason]).toEqual(['officer', null]);
    expect(get('C_CAP', 2025).is_key_employee).toBe(false);
  });

  it('excludes those under 21 at Dec 31 and under a year of service, in the year only', () => {
    expect([get('Y_20', 2025).is_excludable, get('Y_20', 2026).is_excludable]).toEqual([true, false]);
    expect([get('Y_21', 2025).is_excludable, get('Y_21', 2026).is_excludable]).toEqual([false, false]);
    // hired Mar 1, 2025: no whole year by Dec 31, 2025; one by Dec 31, 2026
    expect([get('S_NEW', 2025).is_excludable, get('S_NEW', 2026).is_excludable]).toEqual([true, false]);
  });

  it('caps the testing pay at 401(a)(17) and rounds the ratios to 0.01 %', () => {
    expect([get('C_CAP', 2025).testing_compensation, get('C_CAP', 2026).testing_compensation]).toEqual(['350000.00', '360000.00']);
    // 5 % of the capped pay: 17,500 / 350,000
    expect(get('C_CAP', 2025)).toMatchObject({ adp_deferrals: '17500.00', adr: '0.0500' });
    // 5 % of 155,001 = 7,750.05; the default match 50 % of it = 3,875.03 (2.5000 %); core 1 % = 1,550.01
    expect(get('H_ABOVE', 2025)).toMatchObject({
      adp_deferrals: '7750.05',
      acp_contributions: '3875.03',
      employer_allocation: '5425.04',
      adr: '0.0500',
      acr: '0.0250',
      allocation_rate: '0.0350',
      benefiting_nonelective: true,
    });
  });
});

describe('int_compliance_population: the top-paid group election and the officer limit (2025-2026)', () => {
  let pop: Map<string, PopRow>;

  beforeAll(async () => {
    // 10 non-excludable employees (11 in 2026, when E_YOUNG is 21): a top-paid group of round(2) = 2
    // (round(2.2) = 2), an officer limit of max(3, ceil(1.0)) = 3 (ceil(1.1) = 2 in 2026).
    const { database, notices } = await run(
      'top-paid',
      [
        ['E_YOUNG', '2005-06-01', '2020-01-01', 400000, 'true', ''],
        ['A', ADULT, LONG, 300000, 'true', ''],
        ['B', ADULT, LONG, 300000, 'true', ''],
        ['C', ADULT, LONG, 250000, 'true', ''],
        ['D', ADULT, LONG, 240000, 'true', ''],
        ['E', ADULT, LONG, 180000, '', ''],
        ...[1, 2, 3, 4, 5].map((i): Row => [`N_${i}`, ADULT, LONG, 50000, '', '']),
      ],
      (c) => {
        c.compliance = { top_paid_group_election: true };
      },
    );
    pop = await population(database);
    paidNotices = notices;
  }, 120_000);
  let paidNotices: string[];

  it('says once that the census names no owner', () => {
    expect(paidNotices.filter((n) => n.startsWith('compliance tests'))).toEqual([
      'compliance tests: the census names no owner (census ownership_pct): nobody is an HCE or a key employee by ownership',
    ]);
  });

  const hces = (year: number): string[] =>
    [...pop.values()].filter((r) => r.simulation_year === year && r.is_hce).map((r) => r.employee_id).sort();
  const keys = (year: number): string[] =>
    [...pop.values()].filter((r) => r.simulation_year === year && r.is_key_employee).map((r) => r.employee_id).sort();

  it('ranks everyone (the excludable too) and takes the top 20 % of the non-excludable count, ties in', () => {
    // ranks: E_YOUNG 1, A 2, B 2, C 4, D 5, E 6; C, D and E are paid above the threshold but outside the group
    expect(hces(2025)).toEqual(['A', 'B', 'E_YOUNG']);
    expect(hces(2026)).toEqual(['A', 'B', 'E_YOUNG']);
    expect(pop.get('E_YOUNG 2025')?.is_excludable).toBe(true);
  });

  it('takes at most the limit of officers, highest paid first, ties in', () => {
    // officers above 230,000 / 235,000: E_YOUNG 1, A 2, B 2, C 4, D 5; the limit is 3
    expect(keys(2025)).toEqual(['A', 'B', 'E_YOUNG']);
    expect(keys(2026)).toEqual(['A', 'B', 'E_YOUNG']);
  });
});

describe('int_compliance_population: no match, no 401(m) plan (2025-2026)', () => {
  let database: string;

  beforeAll(async () => {
    ({ database } = await run(
      'no-match',
      [
        ['H1', ADULT, LONG, 200000, '', ''],
        ['H2', ADULT, LONG, 200000, '', ''],
        ...[1, 2, 3, 4].map((i): Row => [`N_${i}`, ADULT, LONG, 50000, '', '']),
      ],
      (c) => {
        c.employer_match.enabled = false;
      },
    ));
  }, 120_000);

  it('makes nobody eligible for a match, so the 401(m) portion and the ACP have nobody to test', async () => {
    const population = await query<{ simulation_year: number; eligible_401k: number; eligible_401m: number }>(
      database,
      `SELECT simulation_year, count(*) FILTER (WHERE eligible_401k)::INTEGER AS eligible_401k,
              count(*) FILTER (WHERE eligible_401m)::INTEGER AS eligible_401m
       FROM int_compliance_population GROUP BY ALL ORDER BY simulation_year`,
    );
    expect(population).toEqual([
      { simulation_year: 2025, eligible_401k: 6, eligible_401m: 0 },
      { simulation_year: 2026, eligible_401k: 6, eligible_401m: 0 },
    ]);
    const tests = await query<{ test_name: string; hce_count: number; nhce_count: number; hce_value: number | null; passed: boolean; passed_by: string | null }>(
      database,
      `SELECT test_name, hce_count::INTEGER AS hce_count, nhce_count::INTEGER AS nhce_count, hce_value, passed,
              details->>'passed_by' AS passed_by
       FROM fct_compliance_tests WHERE test_name = 'acp' OR group_name = '401m' ORDER BY simulation_year, test_name`,
    );
    expect(tests).toEqual(
      [2025, 2026].flatMap(() => [
        { test_name: '410b', hce_count: 2, nhce_count: 4, hce_value: 0, passed: true, passed_by: 'no_hce_benefiting' },
        { test_name: 'acp', hce_count: 0, nhce_count: 0, hce_value: null, passed: true, passed_by: null },
      ]),
    );
  });
});
