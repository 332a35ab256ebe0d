import { describe, expect, it } from 'vitest';
import { makeCensus, query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { configWith, fullYear, runDcModels } from './support.js';

/**
 * 415(c): deferrals (catch-up excluded) + match + core may not exceed the annual-additions limit, the
 * lesser of the year's dollar limit and 100 % of pay; the core is cut first, then the match. Through
 * the real DC models on hand-built inputs; every amount is worked out by hand below.
 *
 * Limits: 2025 415(c) 70,000, 402(g) 23,500, catch-up 7,500; 2026 415(c) 72,000, 402(g) 24,500,
 * catch-up 8,000. Everyone works the whole year (365 days both years), so pay = salary, and defers 20 %
 * (at the 402(g) limit from 117,500 in 2025 and 122,500 in 2026).
 */


/** [id, salary, birth date, deferral rate] */
type Person = [string, string, string?, string?];
/** Expected per id: [deferrals, deferrals counted by 415(c), limit, match, match cut, core, core cut] */
type Expected = Record<string, [string, string, string, string, string, string, string]>;

async function check(people: Person[], config: Record<string, any>, year: number, expected: Expected): Promise<void> {
  const result = await runDcModels(
    people.map(([id, salary, birth, rate]) => fullYear(id, salary, rate ?? '0.20', birth)),
    config,
    year,
  );
  for (const [id, [deferrals, counted, limit, match, matchCut, core, coreCut]] of Object.entries(expected)) {
    const c = result.contributions[id]!;
    expect([c.annual_contribution_amount, c.annual_additions_deferrals, c.annual_additions_limit], `${year} ${id}`).toEqual([
      deferrals,
      counted,
      limit,
    ]);
    expect([result.match[id]!.employer_match_amount, result.match[id]!.match_415_reduction], `${year} ${id} match`).toEqual([
      match,
      matchCut,
    ]);
    expect([result.core[id]!.employer_core_amount, result.core[id]!.core_415_reduction], `${year} ${id} core`).toEqual([
      core,
      coreCut,
    ]);
  }
}

describe('415(c) with a 100 % match on up to 10 % of pay and a 10 % core: the core is cut', () => {
  // Match = min(deferrals, 10 % of pay); core = 10 % of pay.
  const config = configWith('simple_match', (raw) => {
    raw.employer_match.formulas.simple_match.match_rate = 1.0;
    raw.employer_match.formulas.simple_match.max_match_percentage = 0.1;
    raw.employer_core_contribution.contribution_rate = 0.1;
  });
  const people: Person[] = [
    ['A1', '232499.90'],
    ['A2', '232500.00'],
    ['A3', '232500.10'],
    ['A4', '300000.00'],
    ['A5', '300000.00', '1970-03-15'], // 55 in 2025, 56 in 2026: catch-up
    ['A6', '20000.00', '1980-03-15', '0.90'], // 100 % of pay is the lower limit
    ['B1', '237499.90'],
    ['B2', '237500.00'],
    ['B3', '237500.10'],
  ];

  it('2025: limit 70,000 = 23,500 + 2 x 23,250 at a salary of 232,500', async () => {
    await check(people, config, 2025, {
      // 23,500 + 23,249.99 + 23,249.99 = 69,999.98: just below
      A1: ['23500.00', '23500.00', '70000.00', '23249.99', '0.00', '23249.99', '0.00'],
      // 23,500 + 23,250 + 23,250 = 70,000: at the limit
      A2: ['23500.00', '23500.00', '70000.00', '23250.00', '0.00', '23250.00', '0.00'],
      // 23,500 + 23,250.01 + 23,250.01 = 70,000.02: the core gives up 0.02
      A3: ['23500.00', '23500.00', '70000.00', '23250.01', '0.00', '23249.99', '0.02'],
      // 23,500 + 23,500 + 30,000 = 77,000: the core alone covers the 7,000
      A4: ['23500.00', '23500.00', '70000.00', '23500.00', '0.00', '23000.00', '7000.00'],
      // defers 31,000 with catch-up, of which 23,500 counts; match min(31,000, 30,000) = 30,000;
      // 23,500 + 30,000 + 30,000 = 83,500: core cut 13,500 (21,000 had the catch-up counted)
      A5: ['31000.00', '23500.00', '70000.00', '30000.00', '0.00', '16500.00', '13500.00'],
      // limit = pay 20,000: 18,000 + 2,000 + 2,000 = 22,000: the core's 2,000 goes, the match stays
      A6: ['18000.00', '18000.00', '20000.00', '2000.00', '0.00', '0.00', '2000.00'],
      // match at its 23,500 ceiling: 23,500 + 23,500 + core; the core keeps 23,000
      B1: ['23500.00', '23500.00', '70000.00', '23500.00', '0.00', '23000.00', '749.99'],
      B2: ['23500.00', '23500.00', '70000.00', '23500.00', '0.00', '23000.00', '750.00'],
      B3: ['23500.00', '23500.00', '70000.00', '23500.00', '0.00', '23000.00', '750.01'],
    });
  });

  it('2026: limit 72,000 = 24,500 + 2 x 23,750 at a salary of 237,500', async () => {
    await check(people, config, 2026, {
      // 24,500 + 2 x 23,249.99 = 70,999.98; A3's 71,000.02 is over 2025's limit, not 2026's
      A1: ['24500.00', '24500.00', '72000.00', '23249.99', '0.00', '23249.99', '0.00'],
      A2: ['24500.00', '24500.00', '72000.00', '23250.00', '0.00', '23250.00', '0.00'],
      A3: ['24500.00', '24500.00', '72000.00', '23250.01', '0.00', '23250.01', '0.00'],
      // 24,500 + 24,500 + 30,000 = 79,000: core cut 7,000
      A4: ['24500.00', '24500.00', '72000.00', '24500.00', '0.00', '23000.00', '7000.00'],
      // defers 32,500 with the 8,000 catch-up, 24,500 counts: 24,500 + 30,000 + 30,000 = 84,500
      A5: ['32500.00', '24500.00', '72000.00', '30000.00', '0.00', '17500.00', '12500.00'],
      A6: ['18000.00', '18000.00', '20000.00', '2000.00', '0.00', '0.00', '2000.00'],
      // 24,500 + 23,749.99 + 23,749.99 = 71,999.98: just below
      B1: ['24500.00', '24500.00', '72000.00', '23749.99', '0.00', '23749.99', '0.00'],
      // 24,500 + 23,750 + 23,750 = 72,000: at the limit
      B2: ['24500.00', '24500.00', '72000.00', '23750.00', '0.00', '23750.00', '0.00'],
      // 72,000.02: the core gives up 0.02
      B3: ['24500.00', '24500.00', '72000.00', '23750.01', '0.00', '23749.99', '0.02'],
    });
  });

  it('2027, past the published years: limits projected from 2026 at 2.5 % (402(g) 25,000, catch-up 8,000, 415(c) 73,000)', async () => {
    await check(people, config, 2027, {
      // 25,000 + 25,000 + 30,000 = 80,000: core cut 7,000
      A4: ['25000.00', '25000.00', '73000.00', '25000.00', '0.00', '23000.00', '7000.00'],
      // defers 33,000 with catch-up, 25,000 counts: 25,000 + 30,000 + 30,000 = 85,000
      A5: ['33000.00', '25000.00', '73000.00', '30000.00', '0.00', '18000.00', '12000.00'],
      // 25,000 + 2 x 23,750.01 = 72,500.02: below 73,000 where 2026's 72,000 cut the core
      B2: ['25000.00', '25000.00', '73000.00', '23750.00', '0.00', '23750.00', '0.00'],
      B3: ['25000.00', '25000.00', '73000.00', '23750.01', '0.00', '23750.01', '0.00'],
    });
  });
});

describe('415(c) with a 300 % match on up to 10 % of pay and a 5 % core: core, then match', () => {
  // Match = 3 x min(deferrals, 10 % of pay) (at most 30 % of pay); core = 5 % of pay.
  const config = configWith('simple_match', (raw) => {
    raw.employer_match.formulas.simple_match.match_rate = 3.0;
    raw.employer_match.formulas.simple_match.max_match_percentage = 0.1;
    raw.employer_core_contribution.contribution_rate = 0.05;
  });
  const people: Person[] = [
    ['C1', '155000.00'],
    ['C2', '155000.20'],
    ['C3', '300000.00'],
    ['C4', '100000.00'],
  ];

  it('2025: deferrals + match reach the limit at a salary of 155,000', async () => {
    await check(people, config, 2025, {
      // 23,500 + 46,500 = 70,000 exactly: the whole core (7,750) goes, the match stays
      C1: ['23500.00', '23500.00', '70000.00', '46500.00', '0.00', '0.00', '7750.00'],
      // 23,500 + 46,500.06: the core (7,750.01) goes and the match gives up 0.06
      C2: ['23500.00', '23500.00', '70000.00', '46500.00', '0.06', '0.00', '7750.01'],
      // 23,500 + 70,500 = 94,000: core 15,000 goes, match cut 24,000 to 46,500
      C3: ['23500.00', '23500.00', '70000.00', '46500.00', '24000.00', '0.00', '15000.00'],
      // 20,000 + 30,000 + 5,000 = 55,000: nothing
      C4: ['20000.00', '20000.00', '70000.00', '30000.00', '0.00', '5000.00', '0.00'],
    });
  });

  it('2026: the higher limit leaves part of the core', async () => {
    await check(people, config, 2026, {
      // 24,500 + 46,500 = 71,000: the core keeps 1,000 of 7,750
      C1: ['24500.00', '24500.00', '72000.00', '46500.00', '0.00', '1000.00', '6750.00'],
      // 24,500 + 46,500.06 = 71,000.06: core 999.94 of 7,750.01
      C2: ['24500.00', '24500.00', '72000.00', '46500.06', '0.00', '999.94', '6750.07'],
      // 24,500 + 73,500 = 98,000: core 15,000 goes, match cut 26,000 to 47,500
      C3: ['24500.00', '24500.00', '72000.00', '47500.00', '26000.00', '0.00', '15000.00'],
      C4: ['20000.00', '20000.00', '72000.00', '30000.00', '0.00', '5000.00', '0.00'],
    });
  });
});

describe('415(c) in a simulation', () => {
  const tempDir = useTempDir();

  it('keeps every employee within the limit, and the snapshot and match events show what was paid', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 300, 11);
    const config = configWith('simple_match', (raw) => {
      raw.employer_match.formulas.simple_match.match_rate = 3.0;
      raw.employer_match.formulas.simple_match.max_match_percentage = 0.1;
      raw.employer_core_contribution.contribution_rate = 0.2;
    });
    const { result, database } = await simulate({ dir, census, config, years: [2025, 2026] });
    for (const year of result.years) {
      expect(year.validation.filter((r) => r.violations > 0), String(year.year)).toEqual([]);
    }
    const rows = await query<{ y: number; over: number; cut_core: number; cut_match: number; differ: number; events: number }>(
      database,
      `SELECT s.simulation_year AS y,
              count(*) FILTER (WHERE least(s.prorated_annual_contributions, l.base_limit) + s.employer_match_amount
                                     + s.employer_core_amount > least(l.annual_additions_limit, s.prorated_annual_compensation)
                               AND s.total_employer_contributions > 0)::INTEGER AS over,
              count(*) FILTER (WHERE s.core_415_reduction > 0)::INTEGER AS cut_core,
              count(*) FILTER (WHERE s.match_415_reduction > 0)::INTEGER AS cut_match,
              count(*) FILTER (WHERE s.match_415_reduction IS DISTINCT FROM m.match_415_reduction
                                  OR s.core_415_reduction IS DISTINCT FROM k.core_415_reduction
                                  OR s.employer_match_amount + m.match_415_reduction
                                     <> CASE WHEN m.eligible_for_match THEN m.capped_match_amount ELSE 0 END)::INTEGER AS differ,
              count(*) FILTER (WHERE e.amount IS DISTINCT FROM s.employer_match_amount AND s.employer_match_amount > 0)::INTEGER AS events
       FROM fct_workforce_snapshot s
       JOIN param_irs_limits l USING (simulation_year)
       JOIN int_employee_match_calculations m USING (employee_id, simulation_year)
       JOIN int_employer_core_contributions k USING (employee_id, simulation_year)
       LEFT JOIN fct_employer_match_events e USING (employee_id, simulation_year)
       GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => r.y)).toEqual([2025, 2026]);
    for (const r of rows) {
      expect([r.over, r.differ, r.events], String(r.y)).toEqual([0, 0, 0]);
      // a 20 % core and a match of up to 30 % of pay: the limit binds for the well-paid
      expect(r.cut_core, String(r.y)).toBeGreaterThan(0);
      expect(r.cut_match, String(r.y)).toBeGreaterThan(0);
    }
  });
});
