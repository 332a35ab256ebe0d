import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { MODELS } from '../../src/models/registry.js';
import { flatConfig, writeMatchCensus } from '../plan-design/match-support.js';
import { defaultConfigObject, query, simulate } from '../support/engine.js';
import { openModelDatabase } from '../support/models.js';

/**
 * ADP, ACP, 410(b) and 401(a)(4) (fct_compliance_tests), hand-computed at each rule's edge. The
 * arithmetic runs the real model SQL over hand-built int_compliance_population rows for 2025-2026
 * (every employee paid 100,000 unless said, so a ratio is amount / 100,000); one real-engine run
 * checks a design built to fail ACP.
 */

interface Person {
  id: string;
  hce?: boolean;
  pay?: number;
  deferrals?: number;
  match?: number;
  core?: number;
  /** eligible_401k (default true); eligible_401m defaults to it, eligible_acp to eligible_401m. */
  k?: boolean;
  m?: boolean;
  acp?: boolean;
  excludable?: boolean;
}

interface TestRow {
  simulation_year: number;
  test_name: string;
  group_name: string;
  hce_count: number;
  nhce_count: number;
  hce_value: number | null;
  nhce_value: number | null;
  limit_value: number | null;
  margin: number | null;
  passed: boolean;
  details: Record<string, any>;
}

const YEARS = [2025, 2026] as const;

/** The model's rows for 2025 and 2026 from each year's population, under the default config changed by `change`. */
async function runTests(people: Record<number, Person[]>, change: (c: Record<string, any>) => void = () => undefined): Promise<TestRow[]> {
  const raw = defaultConfigObject();
  raw.simulation.start_year = 2025;
  raw.simulation.end_year = 2026;
  change(raw);
  const config = parseConfig(raw).config;
  const { db, runner } = await openModelDatabase(config);
  try {
    await db.run(`CREATE OR REPLACE TABLE int_compliance_population (employee_id VARCHAR, simulation_year INTEGER,
        testing_compensation DECIMAL(18,2), is_hce BOOLEAN, is_excludable BOOLEAN, eligible_401k BOOLEAN, eligible_401m BOOLEAN, eligible_acp BOOLEAN,
        benefiting_nonelective BOOLEAN, adp_deferrals DECIMAL(18,2), acp_contributions DECIMAL(18,2),
        employer_allocation DECIMAL(18,2), adr DECIMAL(9,4), acr DECIMAL(9,4))`);
    // The top-heavy and 415(c) blocks' inputs, empty (test/compliance/top-heavy.test.ts tests them).
    await db.run(`CREATE OR REPLACE TABLE int_top_heavy_minimum (employee_id VARCHAR, simulation_year INTEGER,
        determination_key_employee BOOLEAN, determination_balance DECIMAL(18,2), is_top_heavy_year BOOLEAN,
        safe_harbor_exempt BOOLEAN, minimum_rate DECIMAL(9,4), required_amount DECIMAL(18,2), shortfall DECIMAL(18,2),
        added_as_core DECIMAL(18,2))`);
    await db.run(`CREATE TABLE IF NOT EXISTS int_employee_match_calculations (employee_id VARCHAR, simulation_year INTEGER,
        match_415_reduction DECIMAL(18,2))`);
    await db.run(`CREATE TABLE IF NOT EXISTS int_employer_core_contributions (employee_id VARCHAR, simulation_year INTEGER,
        core_415_reduction DECIMAL(18,2))`);
    for (const year of YEARS) {
      for (const p of people[year] ?? []) {
        const k = p.k ?? true;
        await db.run(
          `INSERT INTO int_compliance_population
           SELECT $1, $2, pay, $3, $4, $5, $6, $11, core > 0, deferrals, match, match + core,
                  round(deferrals / nullif(pay, 0), 4), round(match / nullif(pay, 0), 4)
           FROM (SELECT $7::DECIMAL(18,2) AS pay, $8::DECIMAL(18,2) AS deferrals, $9::DECIMAL(18,2) AS match, $10::DECIMAL(18,2) AS core)`,
          [p.id, year, p.hce ?? false, p.excludable ?? false, k, p.m ?? k, p.pay ?? 100000, p.deferrals ?? 0, p.match ?? 0, p.core ?? 0, p.acp ?? p.m ?? k],
        );
      }
    }
    const model = MODELS.find((m) => m.name === 'fct_compliance_tests')!;
    for (const year of YEARS) {
      await runner.setYear(year, 2025, 42);
      await runner.runModel(model, year);
    }
    const rows = await db.all<Omit<TestRow, 'details'> & { details: string }>(
      `SELECT * FROM fct_compliance_tests ORDER BY simulation_year, test_name, group_name`,
    );
    return rows.map(parseRow);
  } finally {
    db.close();
  }
}

/** Counts come back as text (BIGINT), details as JSON text. */
const parseRow = (r: Omit<TestRow, 'details'> & { details: string }): TestRow => ({
  ...r,
  hce_count: Number(r.hce_count),
  nhce_count: Number(r.nhce_count),
  details: JSON.parse(r.details),
});

const find = (rows: TestRow[], year: number, test: string, group = 'plan'): TestRow => {
  const row = rows.find((r) => r.simulation_year === year && r.test_name === test && r.group_name === group);
  if (!row) throw new Error(`no ${test} ${group} row for ${year}`);
  return row;
};

/** Employees deferring the given ratios of 100,000 pay. */
const deferring = (prefix: string, ratios: number[], hce = false): Person[] =>
  ratios.map((r, i) => ({ id: `${prefix}${i + 1}`, hce, deferrals: Math.round(r * 100000) }));

describe('ADP limits at their edges (current-year method)', () => {
  it('basic limit 1.25 x NHCE: exactly at it passes (2025), one 0.01 % above fails with the leveled excess (2026)', async () => {
    // NHCE average 10 %: basic 12.5 %, alternative min(20 %, 12 %) = 12 %: the basic applies.
    const nhce = deferring('N', [0.08, 0.12]);
    const rows = await runTests({ 2025: [...nhce, ...deferring('H', [0.125, 0.125], true)], 2026: [...nhce, ...deferring('H', [0.1251, 0.125], true)] });
    const at = find(rows, 2025, 'adp');
    expect([at.hce_count, at.nhce_count, at.hce_value, at.nhce_value, at.limit_value, at.margin, at.passed]).toEqual([2, 2, 0.125, 0.1, 0.125, 0, true]);
    expect(at.details).toMatchObject({ applied_test: 'basic', basic_limit: 0.125, alternative_limit: 0.12, corrective_excess: 0, testing_method: 'current_year' });
    const above = find(rows, 2026, 'adp');
    expect(above.passed).toBe(false);
    expect(above.hce_value).toBeCloseTo(0.12505, 12);
    expect(above.margin).toBeCloseTo(-0.00005, 12);
    // Leveling: H1's 12.51 % comes down to 12.5 %: 0.01 % of 100,000.
    expect(above.details).toMatchObject({ corrective_excess: 10, corrected_hce_count: 1, leveled_ratio: 0.125 });
  });

  it('alternative limit NHCE + 2 points: exactly at it passes, above fails; and 2 x NHCE when that is lower', async () => {
    // NHCE average 4 %: basic 5 %, alternative min(8 %, 6 %) = 6 %.
    const plus2 = await runTests({
      2025: [...deferring('N', [0.03, 0.05]), ...deferring('H', [0.06, 0.06], true)],
      2026: [...deferring('N', [0.03, 0.05]), ...deferring('H', [0.0601, 0.06], true)],
    });
    expect(find(plus2, 2025, 'adp')).toMatchObject({ limit_value: 0.06, margin: 0, passed: true, details: { applied_test: 'alternative' } });
    expect(find(plus2, 2026, 'adp')).toMatchObject({ passed: false, details: { corrective_excess: 10, corrected_hce_count: 1 } });
    // NHCE average 1 %: basic 1.25 %, alternative min(2 %, 3 %) = 2 %.
    const twice = await runTests({
      2025: [...deferring('N', [0.01, 0.01]), ...deferring('H', [0.02], true)],
      2026: [...deferring('N', [0.01, 0.01]), ...deferring('H', [0.0201], true)],
    });
    expect(find(twice, 2025, 'adp')).toMatchObject({ limit_value: 0.02, margin: 0, passed: true });
    expect(find(twice, 2026, 'adp')).toMatchObject({ passed: false, details: { corrective_excess: 10, leveled_ratio: 0.02 } });
  });

  it('corrects by leveling the highest HCE ratios, in dollars of each one’s pay', async () => {
    // NHCE 3 % and 5 %: limit 6 %. HCEs A 10 % of 100,000, B 8 % of 200,000, C 3 % of 150,000: average 7 %.
    // 2025: cutting A alone to 8 % is not enough (3 x 1 point = 3 points needed); A and B to 7.5 % is:
    // (10 + 8 - 3) / 2 = 7.5 %; A gives back 2.5 % x 100,000 = 2,500, B 0.5 % x 200,000 = 1,000.
    // 2026: B defers 7.5 %: average 6.8333 %, 2.5 points to cut, A alone to 7.5 %: 2,500.
    const nhce = deferring('N', [0.03, 0.05]);
    const hce = (b: number): Person[] => [
      { id: 'A', hce: true, pay: 100000, deferrals: 10000 },
      { id: 'B', hce: true, pay: 200000, deferrals: b },
      { id: 'C', hce: true, pay: 150000, deferrals: 4500 },
    ];
    const rows = await runTests({ 2025: [...nhce, ...hce(16000)], 2026: [...nhce, ...hce(15000)] });
    const first = find(rows, 2025, 'adp');
    expect(first).toMatchObject({ hce_value: 0.07, limit_value: 0.06, passed: false });
    expect(first.margin).toBeCloseTo(-0.01, 12);
    expect(first.details).toMatchObject({ corrective_excess: 3500, corrected_hce_count: 2, leveled_ratio: 0.075 });
    expect(first.details.correction).toMatch(/highest dollar deferrals first/);
    expect(find(rows, 2026, 'adp').details).toMatchObject({ corrective_excess: 2500, corrected_hce_count: 1 });
    expect(find(rows, 2026, 'adp').details.leveled_ratio).toBeCloseTo(0.075, 9);
  });

  it('no HCE passes; no eligible NHCE passes with a note; an eligible employee without pay is left out', async () => {
    const rows = await runTests({
      2025: [...deferring('N', [0.02]), { id: 'Z', pay: 0 }],
      2026: deferring('H', [0.1], true),
    });
    expect(find(rows, 2025, 'adp')).toMatchObject({ hce_count: 0, nhce_count: 1, passed: true, details: { eligible_without_pay: 1, note: 'no eligible HCE: nothing to test' } });
    expect(find(rows, 2026, 'adp')).toMatchObject({ hce_count: 1, nhce_count: 0, passed: true });
    expect(find(rows, 2026, 'adp').details.note).toMatch(/no eligible NHCE/);
  });
});

describe('prior-year testing method', () => {
  it('uses 3 % in the first simulated year, then the NHCE average of the year before as that year classified them', async () => {
    // 2025: baseline 3 %: limit max(3.75 %, min(6 %, 5 %)) = 5 %; HCEs H 0 % and X 10 %: 5 %, passing at 0.
    // 2026: X is an NHCE now; the 2025 NHCEs (N1 5 %, N2 7 %, not X) average 6 %: limit max(7.5 %, min(12 %, 8 %)) = 8 %;
    // H defers 8 %: passes at 0, though the 2026 NHCEs average only 2 % (current-year limit 4 %).
    const rows = await runTests(
      {
        2025: [...deferring('N', [0.05, 0.07]), { id: 'H', hce: true }, { id: 'X', hce: true, deferrals: 10000 }],
        2026: [...deferring('N', [0.01, 0.03]), { id: 'X', deferrals: 2000 }, { id: 'H', hce: true, deferrals: 8000 }],
      },
      (c) => (c.compliance = { testing_method: 'prior_year' }),
    );
    expect(find(rows, 2025, 'adp')).toMatchObject({ nhce_value: 0.03, limit_value: 0.05, hce_value: 0.05, margin: 0, passed: true });
    expect(find(rows, 2025, 'adp').details).toMatchObject({ testing_method: 'prior_year', nhce_baseline: 'three_percent', nhce_current_year_average: 0.06 });
    expect(find(rows, 2026, 'adp')).toMatchObject({ nhce_value: 0.06, limit_value: 0.08, hce_value: 0.08, margin: 0, passed: true });
    expect(find(rows, 2026, 'adp').details).toMatchObject({ nhce_baseline: 'prior_year_nhce', nhce_current_year_average: 0.02 });
  });
});

describe('safe-harbor exemption from the match design', () => {
  // HCEs defer and are matched 10 %, NHCEs 1 %: both tests fail unless exempt.
  const census = (): Record<number, Person[]> => {
    const people: Person[] = [
      { id: 'N1', deferrals: 1000, match: 1000 },
      { id: 'N2', deferrals: 1000, match: 1000 },
      { id: 'H1', hce: true, deferrals: 10000, match: 10000 },
    ];
    return { 2025: people, 2026: people };
  };

  it('a safe-harbor basic match is exempt from ADP and ACP every year', async () => {
    const rows = await runTests(census(), (c) => (c.employer_match.active_formula = 'safe_harbor_basic'));
    for (const year of YEARS) {
      for (const test of ['adp', 'acp']) {
        expect(find(rows, year, test), `${test} ${year}`).toMatchObject({ passed: true, limit_value: null, margin: null, hce_value: 0.1, details: { exempt: 'safe_harbor', corrective_excess: 0 } });
      }
    }
  });

  it('a safe-harbor formula matching above 6 % of pay, or at a rising rate, is exempt from ADP only (401(m)(11))', async () => {
    for (const tiers of [
      [{ tier: 1, employee_min: 0, employee_max: 0.08, match_rate: 1.0 }],
      [
        { tier: 1, employee_min: 0, employee_max: 0.03, match_rate: 0.5 },
        { tier: 2, employee_min: 0.03, employee_max: 0.05, match_rate: 1.0 },
      ],
    ]) {
      const rows = await runTests(census(), (c) => {
        c.employer_match.formulas = { rich_safe_harbor: { type: 'safe_harbor', tiers, max_match_percentage: 0.08 } };
        c.employer_match.active_formula = 'rich_safe_harbor';
      });
      expect(find(rows, 2026, 'adp')).toMatchObject({ passed: true, details: { exempt: 'safe_harbor' } });
      // NHCE 1 %: limit 2 %; the single HCE at 10 % comes down to 2 %: 8,000.
      expect(find(rows, 2026, 'acp')).toMatchObject({ passed: false, limit_value: 0.02, details: { exempt: null, corrective_excess: 8000 } });
    }
  });
});

describe("the ACP's eligible employees (1.401(m)-5)", () => {
  it('counts an NHCE who fails only an allocation condition (hours, last day) at 0 %, while 410(b) does not count them as benefiting', async () => {
    // H: HCE at 2.5 %. N1: NHCE at 2 %. N2: NHCE eligible for the match but short of its hours: no match.
    // Both NHCEs: average 1 %, limit max(1.25 %, min(2 %, 3 %)) = 2 %: H fails by 0.5 points. Without N2 the
    // average would be 2 % and the limit 4 %.
    const people = [
      { id: 'H', hce: true, match: 2500 },
      { id: 'N1', match: 2000 },
      { id: 'N2', m: false, acp: true },
    ];
    const rows = await runTests({ 2025: people, 2026: people });
    for (const year of YEARS) {
      expect(find(rows, year, 'acp')).toMatchObject({ hce_count: 1, nhce_count: 2, nhce_value: 0.01, limit_value: 0.02, passed: false });
      // Half the NHCEs benefit under the 401(m) portion.
      expect(find(rows, year, '410b', '401m')).toMatchObject({ hce_count: 1, nhce_count: 2, hce_value: 1, nhce_value: 0.5 });
    }
  });
});

describe('410(b) coverage of the disaggregated portions', () => {
  // 2 HCEs and 10 NHCEs not excludable, plus X: excludable, not eligible (counted, 401(k) would be 7/11 < 70 %).
  // 401(k): N1-N7 eligible: (7/10) / (2/2) = 70 % exactly. 401(m): N1-N6: 60 %: the average benefit test.
  // NHCE concentration 10/12 = 83 %: 23 points above 60: safe harbor 50 - 0.75 x 23 = 32.75 %, unsafe 22.75 %.
  // Benefit percentages: HCEs 10 % each; 2025: N1-N7 10 %: NHCE average 7 % = 70 % of the HCEs': passes;
  // 2026: N7 stops deferring: 6 %: the 401(m) portion fails. Nobody gets a nonelective allocation: passes.
  const people = (n7Deferrals: number): Person[] => [
    { id: 'H1', hce: true, deferrals: 10000 },
    { id: 'H2', hce: true, deferrals: 10000 },
    ...Array.from({ length: 10 }, (_, i): Person => ({
      id: `N${i + 1}`,
      k: i < 7,
      m: i < 6,
      deferrals: i < 6 ? 10000 : i === 6 ? n7Deferrals : 0,
    })),
    { id: 'X', k: false, excludable: true },
  ];
  let rows: TestRow[];
  beforeAll(async () => {
    rows = await runTests({ 2025: people(10000), 2026: people(0) });
  });

  it('a ratio percentage of exactly 70 % passes', () => {
    for (const year of YEARS) {
      const k = find(rows, year, '410b', '401k');
      expect([k.hce_count, k.nhce_count, k.hce_value, k.nhce_value, k.limit_value, k.passed]).toEqual([2, 10, 1, 0.7, 0.7, true]);
      expect(k.margin).toBeCloseTo(0, 12);
      expect(k.details).toMatchObject({ passed_by: 'ratio_percentage', benefiting_hce: 2, benefiting_nhce: 7 });
    }
  });

  it('below 70 % passes by the average benefit test at exactly 70 %, and fails below it', () => {
    const passing = find(rows, 2025, '410b', '401m');
    expect(passing).toMatchObject({ nhce_value: 0.6, passed: true });
    expect(passing.details).toMatchObject({ passed_by: 'average_benefit', classification: 'safe_harbor', safe_harbor_percentage: 0.3275, unsafe_harbor_percentage: 0.2275 });
    expect(passing.details.average_benefit_percentage).toBeCloseTo(0.7, 12);
    expect(passing.margin).toBeCloseTo(0, 12);
    const failing = find(rows, 2026, '410b', '401m');
    expect(failing).toMatchObject({ passed: false, details: { passed_by: null, classification: 'safe_harbor' } });
    expect(failing.details.average_benefit_percentage).toBeCloseTo(0.6, 12);
    expect(failing.margin).toBeCloseTo(-0.1, 12);
  });

  it('a portion benefiting no HCE passes', () => {
    expect(find(rows, 2025, '410b', 'nonelective')).toMatchObject({ hce_value: 0, passed: true, margin: null, details: { passed_by: 'no_hce_benefiting' } });
  });
});

describe('401(a)(4) general test: rate groups of nonelective allocation rates', () => {
  // Core graded by service (not a uniform allocation). HCEs: H1 10 %, H2 5 %; NHCEs N1 10 %, N2-N8 5 %, N9-N10 0 %.
  // 2025: H1's group (rate >= 10 %): (1/10) / (1/2) = 20 %, below the 22.75 % unsafe harbor: fails; H2's
  // (>= 5 %): (8/10) / (2/2) = 80 %: passes. 2026: N2-N8 get 10 %: H1's group 160 %: passes.
  const people = (nhceRate: number): Person[] => [
    { id: 'H1', hce: true, core: 10000 },
    { id: 'H2', hce: true, core: 5000 },
    { id: 'N1', core: 10000 },
    ...Array.from({ length: 7 }, (_, i): Person => ({ id: `N${i + 2}`, core: nhceRate * 100000 })),
    { id: 'N9' },
    { id: 'N10' },
  ];
  const graded = (c: Record<string, any>): void => {
    c.employer_core_contribution.status = 'graded_by_service';
    c.employer_core_contribution.graded_schedule = [{ min_years: 0, contribution_rate: 0.05 }];
  };

  it('fails when one HCE rate group fails both the ratio and the average benefit tests, and passes when it no longer does', async () => {
    const rows = await runTests({ 2025: people(0.05), 2026: people(0.1) }, graded);
    const failing = find(rows, 2025, '401a4');
    expect([failing.hce_count, failing.nhce_count, failing.hce_value, failing.nhce_value, failing.passed]).toEqual([2, 10, 0.5, 0.1, false]);
    expect(failing.margin).toBeCloseTo(-0.5, 12);
    expect(failing.details).toMatchObject({ deemed: null, rate_group_count: 2, failing_rate_groups: 1 });
    expect(failing.details.rate_groups[0]).toMatchObject({ rate: 0.1, passed: false, classification: 'below_unsafe_harbor', benefiting_hce: 1, benefiting_nhce: 1 });
    expect(failing.details.rate_groups[1]).toMatchObject({ rate: 0.05, passed: true, passed_by: 'ratio_percentage' });
    const passing = find(rows, 2026, '401a4');
    expect(passing).toMatchObject({ passed: true, details: { failing_rate_groups: 0 } });
    expect(passing.margin).toBeCloseTo(0.8 - 0.7, 12);
  });

  it('shows the first group of the details list (lowest margin, then lowest rate) when two groups tie on the margin', async () => {
    // HCEs H1 4 %, H2 2 %; NHCEs N1 4 %, N2 2 %, N3-N4 0 %. Group >= 4 %: (1/4) / (1/2) = 50 %; group >= 2 %:
    // (2/4) / (2/2) = 50 %: both fail (average benefit (6/4) / (6/2) = 50 %) with the same margin -0.20.
    const tied: Person[] = [
      { id: 'H1', hce: true, core: 4000 },
      { id: 'H2', hce: true, core: 2000 },
      { id: 'N1', core: 4000 },
      { id: 'N2', core: 2000 },
      { id: 'N3' },
      { id: 'N4' },
    ];
    const rows = await runTests({ 2025: tied, 2026: [...tied].reverse() }, graded);
    for (const year of YEARS) {
      const row = find(rows, year, '401a4');
      expect(row.details.rate_groups.map((g: { rate: number; margin: number }) => [g.rate, g.margin])).toEqual([
        [0.02, row.margin],
        [0.04, row.margin],
      ]);
      expect([row.hce_value, row.nhce_value, row.passed]).toEqual([1, 0.5, false]);
    }
  });

  it('a flat core (uniform allocation) is deemed to pass, the groups still reported', async () => {
    const rows = await runTests({ 2025: people(0.05), 2026: people(0.05) });
    expect(find(rows, 2025, '401a4')).toMatchObject({ passed: true, details: { deemed: 'uniform allocation safe harbor', failing_rate_groups: 1 } });
  });
});

describe('a design built to fail ACP, through the real engine (2025-2026)', () => {
  // A 100 % match on deferrals up to 10 % of pay. H1, H2 earn 200,000 (HCEs by look-back pay) and defer 10 %;
  // of 8 NHCEs earning 50,000 only N1, N2 defer (4 %). Every year: NHCE ACR average (4 + 4) / 8 = 1 %:
  // limit max(1.25 %, min(2 %, 3 %)) = 2 %; HCE ACR 10 %: fails by 8 points; leveling brings both HCEs
  // to 2 %: 8 % x 200,000 x 2 = 32,000. The ADP fails alike (10 % against 2 %).
  let rows: TestRow[];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-acp-fail-'));
    const census = writeMatchCensus(dir, [
      ['H1', '1970-01-01', '2010-01-01', 200000, '0.10'],
      ['H2', '1972-01-01', '2011-01-01', 200000, '0.10'],
      ...Array.from({ length: 8 }, (_, i): [string, string, string, number, string] => [`N${i + 1}`, '1985-01-01', '2015-01-01', 50000, i < 2 ? '0.04' : '0']),
    ]);
    const config = flatConfig((c) => {
      c.employer_match.formulas = { rich: { type: 'tiered', tiers: [{ tier: 1, employee_min: 0, employee_max: 0.1, match_rate: 1.0 }], max_match_percentage: 0.1 } };
      c.employer_match.active_formula = 'rich';
    });
    const { database } = await simulate({ dir, census, config });
    const raw = await query<Omit<TestRow, 'details'> & { details: string }>(database, `SELECT * FROM fct_compliance_tests ORDER BY simulation_year, test_name, group_name`);
    rows = raw.map(parseRow);
  });

  it('fails ACP every year with the leveled corrective amount', () => {
    for (const year of YEARS) {
      const acp = find(rows, year, 'acp');
      expect([acp.hce_count, acp.nhce_count, acp.hce_value, acp.nhce_value, acp.limit_value, acp.passed]).toEqual([2, 8, 0.1, 0.01, 0.02, false]);
      expect(acp.margin).toBeCloseTo(-0.08, 12);
      expect(acp.details).toMatchObject({ corrective_excess: 32000, corrected_hce_count: 2, leveled_ratio: 0.02, exempt: null });
      expect(find(rows, year, 'adp')).toMatchObject({ passed: false, details: { corrective_excess: 32000 } });
    }
  });

  it('reports 410(b) for the three portions and 401(a)(4) every year', () => {
    for (const year of YEARS) {
      expect(rows.filter((r) => r.simulation_year === year && r.test_name === '410b').map((r) => r.group_name)).toEqual(['401k', '401m', 'nonelective']);
      expect(find(rows, year, '401a4').details.deemed).toBe('uniform allocation safe harbor');
    }
  });
});
