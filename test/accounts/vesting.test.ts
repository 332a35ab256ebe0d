import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { describeVesting } from '../../src/config/vesting.js';
import { MODELS } from '../../src/models/registry.js';
import { defaultConfigObject, query, simulate } from '../support/engine.js';
import { openModelDatabase } from '../support/models.js';

/**
 * Vesting (src/config/vesting.ts, int_vesting_service.sql), hand-computed. The model runs for real on
 * hand-built inputs (the year's plan population and its hours) over several years, and once through
 * the whole engine with a census of a few rows. Years of service to Dec 31 (or to the termination
 * date) are whole years from the hire date: hired 2023-07-01 ⇒ 2 at Dec 31 2025.
 */

interface Person {
  id: string;
  hire: string;
  birth?: string;
  /** Termination date in the year of `leaves`. */
  term?: string;
  /** Hours worked by year (default 2,080). */
  hours?: Record<number, number>;
}

type Vested = [id: string, year: number, years: number, match: string, core: string];

const vestingOf = (changes: Record<string, unknown>, formula?: string): Record<string, any> => {
  const raw = defaultConfigObject();
  if (formula) raw.employer_match.active_formula = formula;
  return { ...raw, ...changes };
};

/** int_vesting_service for each year from 2025, the population and hours given (a leaver only in its termination year). */
async function runVesting(rawConfig: Record<string, any>, people: Person[], years: number[]): Promise<{ rows: Vested[]; notices: string[] }> {
  const config = parseConfig(rawConfig).config;
  const { db, runner, notices } = await openModelDatabase(config);
  try {
    await db.run(`CREATE TABLE int_plan_eligibility (simulation_year INTEGER, employee_id VARCHAR, employee_birth_date DATE,
                    employee_hire_date DATE, termination_date DATE)`);
    await db.run(`CREATE TABLE int_employer_eligibility (simulation_year INTEGER, employee_id VARCHAR, annual_hours_worked INTEGER)`);
    const model = MODELS.find((m) => m.name === 'int_vesting_service')!;
    for (const year of years) {
      for (const p of people) {
        const leftEarlier = p.term !== undefined && Number(p.term.slice(0, 4)) < year;
        if (leftEarlier || Number(p.hire.slice(0, 4)) > year) continue;
        const term = p.term !== undefined && Number(p.term.slice(0, 4)) === year ? p.term : null;
        await db.run(`INSERT INTO int_plan_eligibility VALUES ($1, $2, $3::DATE, $4::DATE, $5::DATE)`, [year, p.id, p.birth ?? '1980-01-01', p.hire, term]);
        await db.run(`INSERT INTO int_employer_eligibility VALUES ($1, $2, $3)`, [year, p.id, p.hours?.[year] ?? 2080]);
      }
      await runner.setYear(year, config.simulation.start_year, 42);
      await runner.runModel(model, year);
    }
    const rows = await db.all<{ employee_id: string; simulation_year: number; vesting_service_years: number; match_vested_percent: string; core_vested_percent: string }>(
      `SELECT employee_id, simulation_year, vesting_service_years, match_vested_percent::VARCHAR AS match_vested_percent,
              core_vested_percent::VARCHAR AS core_vested_percent
       FROM int_vesting_service ORDER BY employee_id, simulation_year`,
    );
    return { rows: rows.map((r) => [r.employee_id, r.simulation_year, r.vesting_service_years, r.match_vested_percent, r.core_vested_percent]), notices };
  } finally {
    db.close();
  }
}

/** The reference's schedule table (reference-plan-design.md §9.1), by id: vested at 0, 1, … 7 years. */
const TABLE: Record<string, string[]> = {
  immediate: ['1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000'],
  cliff_1_year: ['0.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000'],
  cliff_2_year: ['0.0000', '0.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000'],
  qaca_2_year: ['0.0000', '0.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000'],
  cliff_3_year: ['0.0000', '0.0000', '0.0000', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000'],
  graded_3_year: ['0.0000', '0.3333', '0.6667', '1.0000', '1.0000', '1.0000', '1.0000', '1.0000'],
  graded_4_year: ['0.0000', '0.2500', '0.5000', '0.7500', '1.0000', '1.0000', '1.0000', '1.0000'],
  graded_5_year: ['0.0000', '0.2000', '0.4000', '0.6000', '0.8000', '1.0000', '1.0000', '1.0000'],
  graded_6_year: ['0.0000', '0.0000', '0.2000', '0.4000', '0.6000', '0.8000', '1.0000', '1.0000'],
};

describe('each schedule at its steps (reference ids as aliases, and as {type, years})', () => {
  // S<k>, hired on Jan 1 of 2025 - k, has k whole years of service at Dec 31 2025.
  const people: Person[] = Array.from({ length: 8 }, (_, k) => ({ id: `S${k}`, hire: `${2025 - k}-01-01` }));

  it.each(Object.keys(TABLE))('%s: match and core', async (id) => {
    const { rows } = await runVesting(vestingOf({ vesting: { match: id, core: id } }, 'tiered_match'), people, [2025]);
    expect(rows.map((r) => r[2])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows.map((r) => r[3])).toEqual(TABLE[id]);
    expect(rows.map((r) => r[4])).toEqual(TABLE[id]);
  });

  it('{type, years} is the same schedule as its id; graded 2 is even steps', async () => {
    const typed = await runVesting(vestingOf({ vesting: { match: { type: 'graded', years: 6 }, core: { type: 'cliff', years: 3 } } }), people, [2025]);
    expect(typed.rows.map((r) => r[3])).toEqual(TABLE.graded_6_year);
    expect(typed.rows.map((r) => r[4])).toEqual(TABLE.cliff_3_year);
    const two = await runVesting(vestingOf({ vesting: { match: { type: 'graded', years: 2 }, core: { type: 'qaca' } } }), people, [2025]);
    expect(two.rows.map((r) => r[3]).slice(0, 4)).toEqual(['0.0000', '0.5000', '1.0000', '1.0000']);
    expect(two.rows.map((r) => r[4])).toEqual(TABLE.qaca_2_year);
  });
});

describe('elapsed time over 2025-2028: graded 6-year match, 3-year cliff core', () => {
  const config = vestingOf({ vesting: { match: 'graded_6_year', core: { type: 'cliff', years: 3 } } });
  let rows: Vested[];
  beforeAll(async () => {
    ({ rows } = await runVesting(
      config,
      [
        { id: 'A', hire: '2023-07-01' },
        { id: 'B', hire: '2024-03-15' },
        // Leavers: service runs to the termination date, so a day decides the cliff.
        { id: 'L_BEFORE', hire: '2022-09-01', term: '2025-08-31' },
        { id: 'L_ON', hire: '2022-08-31', term: '2025-08-31' },
        { id: 'L_LATER', hire: '2022-08-31', term: '2026-08-30' },
      ],
      [2025, 2026, 2027, 2028],
    ));
  });

  it('an employee crosses a step each year: 2 → 5 years, 20 → 80 % of the match, the core at its cliff in 2026', () => {
    expect(rows.filter((r) => r[0] === 'A')).toEqual([
      ['A', 2025, 2, '0.2000', '0.0000'],
      ['A', 2026, 3, '0.4000', '1.0000'],
      ['A', 2027, 4, '0.6000', '1.0000'],
      ['A', 2028, 5, '0.8000', '1.0000'],
    ]);
    expect(rows.filter((r) => r[0] === 'B')).toEqual([
      ['B', 2025, 1, '0.0000', '0.0000'],
      ['B', 2026, 2, '0.2000', '0.0000'],
      ['B', 2027, 3, '0.4000', '1.0000'],
      ['B', 2028, 4, '0.6000', '1.0000'],
    ]);
  });

  it("a leaver's service runs to the termination date: the day before the 3rd anniversary is 2 years, the anniversary 3 (and the cliff)", () => {
    expect(rows.filter((r) => r[0].startsWith('L'))).toEqual([
      ['L_BEFORE', 2025, 2, '0.2000', '0.0000'],
      ['L_LATER', 2025, 3, '0.4000', '1.0000'],
      ['L_LATER', 2026, 3, '0.4000', '1.0000'], // leaves the day before the 4th anniversary
      ['L_ON', 2025, 3, '0.4000', '1.0000'],
    ]);
  });
});

describe('hours: a plan year of 1,000 hours is a year of service', () => {
  it('years before 2025 by elapsed time, then one a year with 1,000 hours: 988 hours earn none', async () => {
    const { rows } = await runVesting(
      vestingOf({ vesting: { service_method: 'hours', match: 'graded_6_year' } }),
      [
        // 4 whole years at Dec 31 2024; 2025 credited (5), 2026 not (988 h), 2027 credited (6).
        { id: 'H', hire: '2020-06-01', hours: { 2025: 2080, 2026: 988, 2027: 1000 } },
        // Hired in 2025: nothing before; 1,048 hours in the hire year count (elapsed time would say 0).
        { id: 'N', hire: '2025-07-01', hours: { 2025: 1048, 2026: 999, 2027: 2080 } },
        // A leaver's hours run to the termination date: 999 of them in 2026 earn nothing.
        { id: 'L', hire: '2023-01-15', term: '2026-06-30', hours: { 2025: 2080, 2026: 999 } },
      ],
      [2025, 2026, 2027],
    );
    expect(rows).toEqual([
      ['H', 2025, 5, '0.8000', '1.0000'],
      ['H', 2026, 5, '0.8000', '1.0000'],
      ['H', 2027, 6, '1.0000', '1.0000'],
      ['L', 2025, 2, '0.2000', '1.0000'],
      ['L', 2026, 2, '0.2000', '1.0000'],
      ['N', 2025, 1, '0.0000', '1.0000'],
      ['N', 2026, 1, '0.0000', '1.0000'],
      ['N', 2027, 2, '0.2000', '1.0000'],
    ]);
  });
});

describe('normal retirement age and the match formula', () => {
  it('fully vested from the normal retirement age, reached by Dec 31 or by the termination date', async () => {
    const { rows } = await runVesting(
      vestingOf({ vesting: { normal_retirement_age: 65, match: 'cliff_3_year', core: 'cliff_3_year' } }),
      [
        { id: 'R_2025', hire: '2024-06-01', birth: '1960-12-31' }, // 65 on Dec 31 2025
        { id: 'R_2026', hire: '2024-06-01', birth: '1961-01-01' }, // 64 at Dec 31 2025, 65 in 2026
        { id: 'R_LEAVER', hire: '2024-06-01', birth: '1960-09-01', term: '2025-08-31' }, // 64 when leaving
      ],
      [2025, 2026],
    );
    expect(rows).toEqual([
      ['R_2025', 2025, 1, '1.0000', '1.0000'],
      ['R_2025', 2026, 2, '1.0000', '1.0000'],
      ['R_2026', 2025, 1, '0.0000', '0.0000'],
      ['R_2026', 2026, 2, '1.0000', '1.0000'],
      ['R_LEAVER', 2025, 1, '0.0000', '0.0000'],
    ]);
  });

  const one: Person[] = [{ id: 'X', hire: '2024-06-01' }]; // 1 year at Dec 31 2025

  it('a safe-harbor match vests immediately whatever the schedule, and says so; the core keeps its own', async () => {
    const { rows, notices } = await runVesting(vestingOf({ vesting: { match: 'graded_6_year', core: 'cliff_2_year' } }, 'safe_harbor_basic'), one, [2025]);
    expect(rows).toEqual([['X', 2025, 1, '1.0000', '0.0000']]);
    expect(notices).toContain(
      'vesting.match: graded 6 years (0, 0, 20, 40, 60, 80, 100 %) not applied: the safe-harbor match of safe_harbor_basic vests immediately (IRC 401(k)(12)(E))',
    );
  });

  it('a qaca match without a schedule gets its 2-year cliff; with no vesting section everything is immediate', async () => {
    expect((await runVesting(vestingOf({}, 'qaca_safe_harbor'), one, [2025])).rows).toEqual([['X', 2025, 1, '0.0000', '1.0000']]);
    expect((await runVesting(vestingOf({}), one, [2025])).rows).toEqual([['X', 2025, 1, '1.0000', '1.0000']]);
  });

  it("the active formula's vesting_schedule / immediate_vesting are the match's schedule; vesting.match wins, said", async () => {
    const formula = { type: 'tiered', tiers: [{ tier: 1, employee_min: 0, employee_max: 0.04, match_rate: 1 }], max_match_percentage: 0.04 };
    const withFormula = (extra: Record<string, unknown>, vesting?: Record<string, unknown>) => {
      const raw = defaultConfigObject();
      raw.employer_match.active_formula = 'mine';
      raw.employer_match.formulas = { mine: { ...formula, ...extra } };
      return vesting ? { ...raw, vesting } : raw;
    };
    expect((await runVesting(withFormula({ vesting_schedule: 'cliff_1_year' }), one, [2025])).rows).toEqual([['X', 2025, 1, '1.0000', '1.0000']]);
    expect((await runVesting(withFormula({ vesting_schedule: 'cliff_2_year' }), one, [2025])).rows).toEqual([['X', 2025, 1, '0.0000', '1.0000']]);
    expect((await runVesting(withFormula({ immediate_vesting: true }), one, [2025])).rows).toEqual([['X', 2025, 1, '1.0000', '1.0000']]);
    const wins = await runVesting(withFormula({ vesting_schedule: 'cliff_1_year' }, { match: 'cliff_2_year' }), one, [2025]);
    expect(wins.rows).toEqual([['X', 2025, 1, '0.0000', '1.0000']]);
    expect(wins.notices).toContain(
      'vesting.match (cliff 2 years (0, 0, 100 %)) wins over employer_match.formulas.mine.immediate_vesting / vesting_schedule (cliff 1 year (0, 100 %))',
    );
  });

  it("dc_plan.vesting_schedule is the match's schedule, unless the file gives vesting.match", async () => {
    const dc = vestingOf({ dc_plan: { vesting_schedule: 'cliff_2_year' } });
    expect(parseConfig(dc).config.vesting?.match).toEqual({ type: 'cliff', years: 2 });
    expect((await runVesting(dc, one, [2025])).rows).toEqual([['X', 2025, 1, '0.0000', '1.0000']]);
    const both = parseConfig(vestingOf({ dc_plan: { vesting_schedule: 'cliff_2_year' }, vesting: { match: 'immediate' } }));
    expect(both.config.vesting?.match).toEqual({ type: 'immediate', years: 0 });
    expect(both.warnings).toContain('dc_plan.vesting_schedule: not applied: vesting.match, given in the file, wins');
  });
});

describe('refusals name the key and the rule', () => {
  const refusal = (changes: Record<string, unknown>, formula?: string): string => {
    try {
      parseConfig(vestingOf(changes, formula));
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };
  const STATUTE = 'IRC 411(a)(2)(B) requires employer money to vest at least as fast as a 3-year cliff or 2-to-6-year graded (20 % after 2 years, +20 % a year)';

  it('schedules slower than IRC 411(a)(2)(B), with the rule named', () => {
    expect(refusal({ vesting: { match: 'cliff_4_year' } })).toContain(`vesting.match: a 4-year cliff is slower than the law allows: ${STATUTE}`);
    expect(refusal({ vesting: { core: { type: 'cliff', years: 5 } } })).toContain(`vesting.core: a 5-year cliff is slower than the law allows: ${STATUTE}`);
    expect(refusal({ vesting: { core: 'graded_7_year' } })).toContain(`vesting.core: a 7-year graded schedule is slower than the law allows: ${STATUTE}`);
  });

  it('a qaca match slower than its 2-year cliff, whichever key gives it', () => {
    expect(refusal({ vesting: { match: 'cliff_3_year' } }, 'qaca_safe_harbor')).toContain(
      'vesting.match: cliff 3 years (0, 0, 0, 100 %) is slower than the 2-year cliff the qaca match of qaca_safe_harbor may use at most (IRC 401(k)(13)(D)(iii))',
    );
    const raw = defaultConfigObject();
    raw.employer_match.active_formula = 'qaca_safe_harbor';
    raw.employer_match.formulas = {
      qaca_safe_harbor: {
        type: 'qaca',
        tiers: [{ tier: 1, employee_min: 0, employee_max: 0.01, match_rate: 1 }],
        max_match_percentage: 0.035,
        vesting_schedule: 'graded_6_year',
      },
    };
    expect(() => parseConfig(raw)).toThrow('employer_match.formulas.qaca_safe_harbor.vesting_schedule: graded 6 years (0, 0, 20, 40, 60, 80, 100 %) is slower than the 2-year cliff');
  });

  it('unknown ids, years outside a type, contradictions and other values', () => {
    expect(refusal({ vesting: { match: 'two_year_cliff' } })).toContain(
      'vesting.match: must be one of immediate, cliff_1_year, cliff_2_year, cliff_3_year, qaca_2_year, graded_3_year, graded_4_year, graded_5_year, graded_6_year, or {type, years}',
    );
    expect(refusal({ vesting: { match: { type: 'graded', years: 1 } } })).toContain('vesting.match: graded takes years 2 to 6 (1 year is cliff, years 1)');
    expect(refusal({ vesting: { match: { type: 'cliff' } } })).toContain('vesting.match: cliff needs years (1 to 3)');
    expect(refusal({ vesting: { match: { type: 'immediate', years: 2 } } })).toContain('vesting.match: immediate takes no years');
    expect(refusal({ vesting: { match: { type: 'qaca', years: 3 } } })).toContain('vesting.match: qaca is the 2-year cliff');
    expect(refusal({ vesting: { match: { type: 'vested' } } })).toContain('vesting.match: type must be one of immediate, cliff, graded, qaca (got "vested")');
    expect(refusal({ vesting: { service_method: 'days' } })).toContain('vesting.service_method: must be one of elapsed_time, hours');
    expect(refusal({ vesting: { normal_retirement_age: 10 } })).toContain('vesting.normal_retirement_age: must be an age between 18 and 100');
    const raw = defaultConfigObject();
    raw.employer_match.formulas.simple_match = { type: 'simple', match_rate: 0.5, max_match_percentage: 0.06, immediate_vesting: true, vesting_schedule: 'cliff_3_year' };
    expect(() => parseConfig(raw)).toThrow('employer_match.formulas.simple_match.immediate_vesting: true contradicts vesting_schedule (cliff): give one of them');
  });
});

describe('through the engine: hours with a part-time census employee, 2025-2026', () => {
  let dir: string;
  let rows: Vested[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-vesting-'));
    const census = join(dir, 'census.csv');
    // 19 h a week is 988 hours a year (< 1,000 = 19.23 h x 52): never credited. 4 whole years at Dec 31 2024.
    writeFileSync(
      census,
      [
        'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate,scheduled_hours_per_week',
        'P19,1980-06-15,2020-01-01,60000,0.05,19',
        'F40,1980-06-15,2020-01-01,60000,0.05,40',
      ].join('\n'),
    );
    const raw = defaultConfigObject();
    raw.simulation.target_growth_rate = 0;
    raw.workforce.total_termination_rate = 0;
    raw.workforce.new_hire_termination_rate = 0;
    raw.vesting = { service_method: 'hours', match: 'graded_6_year' };
    const { database } = await simulate({ dir, census, config: raw, years: [2025, 2026] });
    rows = (
      await query<{ employee_id: string; simulation_year: number; vesting_service_years: number; m: string; c: string }>(
        database,
        `SELECT employee_id, simulation_year, vesting_service_years, match_vested_percent::VARCHAR AS m, core_vested_percent::VARCHAR AS c
         FROM int_vesting_service ORDER BY employee_id, simulation_year`,
      )
    ).map((r) => [r.employee_id, r.simulation_year, r.vesting_service_years, r.m, r.c]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the full-time employee gains a year a year, the 19-hour one none (elapsed time would give both 5, then 6)', () => {
    expect(rows).toEqual([
      ['F40', 2025, 5, '0.8000', '1.0000'],
      ['F40', 2026, 6, '1.0000', '1.0000'],
      ['P19', 2025, 4, '0.6000', '1.0000'],
      ['P19', 2026, 4, '0.6000', '1.0000'],
    ]);
  });
});

describe('vesting in words (planalign validate)', () => {
  it('names each schedule, the service method and the retirement age', () => {
    const config = parseConfig({
      simulation: { start_year: 2025, end_year: 2026 },
      vesting: { service_method: 'hours', normal_retirement_age: 65, match: 'graded_6_year', core: { type: 'cliff', years: 3 } },
    }).config;
    expect(describeVesting(config)).toBe(
      'match graded 6 years (0, 0, 20, 40, 60, 80, 100 %); core cliff 3 years (0, 0, 0, 100 %); service by years with 1,000 hours; fully vested at age 65',
    );
  });
});
