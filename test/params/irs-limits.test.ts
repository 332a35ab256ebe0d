import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_CENSUS_COLUMNS, generateCensusRows } from '../../src/census/index.js';
import { parseConfig } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import type { RunResult } from '../../src/orchestrator/orchestrator.js';
import { compileParameters } from '../../src/params/compile.js';
import { describeIrsLimitProjection, projectIrsLimit } from '../../src/params/irs-limits.js';
import { loadParameterTables } from '../../src/params/tables.js';
import { seedsDir } from '../../src/paths.js';
import { defaultConfigObject, query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

/**
 * IRS limits past the last published year (2026 in data/seeds/irs_limits.csv) are projected at
 * setup.irs_limit_indexing_rate: limit_Y = max(limit_2026, round(limit_2026 × (1 + r)^(Y − 2026))),
 * rounded down to the statutory increment, the Social Security wage base to the nearest $300.
 */

const tempDir = useTempDir();
const LIMITS = [
  'base_limit',
  'catch_up',
  'super_catch_up',
  'compensation_limit',
  'annual_additions_limit',
  'hce_compensation_threshold',
  'key_employee_compensation_threshold',
  'social_security_wage_base',
] as const;

type LimitRow = Record<(typeof LIMITS)[number], string> & { simulation_year: number; limit_year: number; is_projected: boolean };

/** param_irs_limits as compiled for the default config (with `tweak`) from 2025, by year. */
async function compiledLimits(tweak: (raw: Record<string, any>) => void = () => undefined): Promise<Map<number, LimitRow>> {
  const raw = defaultConfigObject();
  tweak(raw);
  const config = parseConfig(raw).config;
  const db = await Database.open(':memory:');
  try {
    await compileParameters(db, config, { scenarioId: 'default', planDesignId: 'default', startedAt: new Date(0) }, loadParameterTables());
    const rows = await db.all<LimitRow>(
      `SELECT simulation_year, limit_year, is_projected, ${LIMITS.map((l) => `${l}::VARCHAR AS ${l}`).join(', ')}
       FROM param_irs_limits ORDER BY simulation_year`,
    );
    return new Map(rows.map((r) => [r.simulation_year, r]));
  } finally {
    db.close();
  }
}

const values = (row: LimitRow | undefined): string[] => LIMITS.map((l) => row?.[l] as string);

describe('IRS limits projected past the last published year', () => {
  it('projects each limit to 2030 from 2026 at the default 2.5 %', async () => {
    const limits = await compiledLimits();
    // 1.025^4 = 1.103812890625
    expect(values(limits.get(2030))).toEqual([
      '27000.00', // 402(g): 24,500 × 1.1038… = 27,043.42, down to $500
      '8500.00', // age-50 catch-up: 8,000 → 8,830.50
      '12000.00', // age-60–63 catch-up: 11,250 → 12,417.90
      '395000.00', // 401(a)(17): 360,000 → 397,372.64, down to $5,000
      '79000.00', // 415(c): 72,000 → 79,474.53, down to $1,000
      '175000.00', // HCE: 160,000 → 176,610.06
      '255000.00', // key employee: 235,000 → 259,396.03
      '203700.00', // SS wage base: 184,500 → 203,653.48, nearest $300 (678.84 × 300)
    ]);
    // Compounded, not rounded year by year: 2028's 401(a)(17) is 360,000 × 1.025² = 378,225 → 375,000
    // (2027's 365,000 × 1.025 = 374,125 would give 370,000), its 415(c) 75,636 → 75,000 (not 74,000).
    expect(values(limits.get(2027)).slice(0, 5)).toEqual(['25000.00', '8000.00', '11500.00', '365000.00', '73000.00']);
    expect(values(limits.get(2028)).slice(0, 5)).toEqual(['25500.00', '8000.00', '11500.00', '375000.00', '75000.00']);
  });

  it('marks the projected years, which name the year they come from', async () => {
    const limits = await compiledLimits();
    const flags = [...limits.values()].filter((r) => r.simulation_year <= 2031).map((r) => [r.simulation_year, r.limit_year, r.is_projected]);
    expect(flags).toEqual([
      [2025, 2025, false],
      [2026, 2026, false],
      [2027, 2026, true],
      [2028, 2026, true],
      [2029, 2026, true],
      [2030, 2026, true],
      [2031, 2026, true],
    ]);
    expect(values(limits.get(2026))).toEqual([
      '24500.00',
      '8000.00',
      '11250.00',
      '360000.00',
      '72000.00',
      '160000.00',
      '235000.00',
      '184500.00',
    ]);
  });

  it('keeps the last published values at a rate of 0', async () => {
    const limits = await compiledLimits((raw) => {
      raw.setup.irs_limit_indexing_rate = 0;
    });
    for (const year of [2027, 2030, 2074]) expect(values(limits.get(year)), String(year)).toEqual(values(limits.get(2026)));
    expect(limits.get(2030)?.is_projected).toBe(true);
  });

  it('rounds down to the statutory increment at its edges', () => {
    // 20,000 × 1.025 = 20,500 exactly: on the increment
    expect(projectIrsLimit('base_limit', '20000', 0.025, 1)).toBe('20500');
    // 19,999 × 1.025 = 20,498.975: just below, down to 20,000
    expect(projectIrsLimit('base_limit', '19999', 0.025, 1)).toBe('20000');
    expect(projectIrsLimit('catch_up', '20001', 0.025, 1)).toBe('20500');
    // 400,000 × 1.0125 = 405,000 on the $5,000 step; 399,999 × 1.0125 = 404,998.99 below it
    expect(projectIrsLimit('compensation_limit', '400000', 0.0125, 1)).toBe('405000');
    expect(projectIrsLimit('compensation_limit', '399999', 0.0125, 1)).toBe('400000');
    expect(projectIrsLimit('hce_compensation_threshold', '399999', 0.0125, 1)).toBe('400000');
    expect(projectIrsLimit('key_employee_compensation_threshold', '400000', 0.0125, 1)).toBe('405000');
    // 72,000 × 1.0125 = 72,900: down to $1,000, not to the nearest
    expect(projectIrsLimit('annual_additions_limit', '72000', 0.0125, 1)).toBe('72000');
    expect(projectIrsLimit('annual_additions_limit', '80000', 0.0125, 1)).toBe('81000');
    expect(projectIrsLimit('annual_additions_limit', '79999', 0.0125, 1)).toBe('80000');
    // Never below the last published value (the statutes adjust for increases only): 11,250 × 1.02 = 11,475
    expect(projectIrsLimit('super_catch_up', '11250', 0.02, 1)).toBe('11250');
    expect(projectIrsLimit('super_catch_up', '11250', 0, 3)).toBe('11250');
  });

  it('rounds the Social Security wage base to the nearest $300, a multiple of $150 up', () => {
    // 195,000 × 1.05 = 204,750 = 682.5 × 300: the next higher multiple
    expect(projectIrsLimit('social_security_wage_base', '195000', 0.05, 1)).toBe('204900');
    // 194,999 × 1.05 = 204,748.95 (682.4965 × 300): down
    expect(projectIrsLimit('social_security_wage_base', '194999', 0.05, 1)).toBe('204600');
    // 195,001 × 1.05 = 204,751.05: up
    expect(projectIrsLimit('social_security_wage_base', '195001', 0.05, 1)).toBe('204900');
    // 200,000 × 1.025 = 205,000 (683.33 × 300): down to 204,900, which rounding down would give as well;
    // 200,100 × 1.025 = 205,102.50 (683.68 × 300): up to 205,200, where rounding down gives 204,900
    expect(projectIrsLimit('social_security_wage_base', '200000', 0.025, 1)).toBe('204900');
    expect(projectIrsLimit('social_security_wage_base', '200100', 0.025, 1)).toBe('205200');
  });

  it('refuses a negative or absurd rate, naming the key', () => {
    for (const rate of [-0.01, 0.21, 2.5]) {
      expect(() => parseConfig({ simulation: { start_year: 2025, end_year: 2026 }, setup: { irs_limit_indexing_rate: rate } })).toThrow(
        /setup\.irs_limit_indexing_rate.*must be between 0 and 0\.2/,
      );
    }
    expect(parseConfig({ simulation: { start_year: 2025, end_year: 2026 } }).config.setup.irs_limit_indexing_rate).toBe(0.025);
  });

  it('refuses an IRS table with a year missing', () => {
    const dir = tempDir();
    const [header, ...rows] = readFileSync(join(seedsDir, 'irs_limits.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'irs_limits.csv'), `${[header, ...rows.filter((r) => !r.startsWith('2025,'))].join('\n')}\n`);
    expect(() => loadParameterTables(dir)).toThrow(/irs_limits\.csv, column limit_year: has no row for 2025 \(between 2023 and 2026\)/);
  });

  it('says which years are projected, in words', () => {
    expect(describeIrsLimitProjection({ years: [2027, 2028, 2029], fromYear: 2026, rate: 0.025 })).toBe(
      'IRS limits 2027–2029 projected at 2.5 %/yr from 2026 (setup.irs_limit_indexing_rate)',
    );
  });
});

describe('a run reaching projected years', () => {
  // IRS limits published to 2025; 2026 and 2027 projected at 2.5 %:
  //   401(a)(17) 350,000 → 358,750 → 355,000; 367,718.75 → 365,000
  //   402(g)      23,500 →  24,087.50 → 24,000;  24,689.69 → 24,500
  let result: RunResult;
  let database: string;
  beforeAll(async () => {
    const dir = tempDir();
    const tables = join(dir, 'tables');
    mkdirSync(tables);
    const seed = readFileSync(join(seedsDir, 'irs_limits.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(tables, 'irs_limits.csv'), `${seed.filter((line) => !line.startsWith('2026,')).join('\n')}\n`);
    // The generator's census, every tenth employee paid 340,000-475,000: around and above each year's
    // 401(a)(17) limit.
    const census = join(dir, 'census.csv');
    const rows = generateCensusRows({ employees: 300, seed: 7 }).map((row, i) => {
      const pay = i % 10 === 0 ? 340_000 + (i % 28) * 5_000 : row.employee_gross_compensation;
      return GENERATED_CENSUS_COLUMNS.map((c) => (c === 'employee_gross_compensation' ? pay : (row[c] ?? ''))).join(',');
    });
    writeFileSync(census, `${GENERATED_CENSUS_COLUMNS.join(',')}\n${rows.join('\n')}\n`);
    const config = defaultConfigObject();
    config.setup.parameter_tables_dir = tables;
    ({ result, database } = await simulate({ dir, census, config, years: [2025, 2027] }));
  });

  it('caps pay at each year’s 401(a)(17) limit and deferrals at its 402(g) limit', async () => {
    const rows = await query<{ y: number; limit: string; capped: number; wrong: number; base_402g: string }>(
      database,
      `SELECT simulation_year AS y, any_value(compensation_limit)::VARCHAR AS limit,
              count(*) FILTER (WHERE prorated_annual_compensation > compensation_limit)::INTEGER AS capped,
              count(*) FILTER (WHERE eligible_compensation <> least(prorated_annual_compensation, compensation_limit))::INTEGER AS wrong,
              any_value(applicable_irs_limit) FILTER (WHERE limit_type = 'BASE')::VARCHAR AS base_402g
       FROM int_employee_contributions GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => [r.y, r.limit, r.base_402g, r.wrong])).toEqual([
      [2025, '350000.00', '23500.00', 0],
      [2026, '355000.00', '24000.00', 0],
      [2027, '365000.00', '24500.00', 0],
    ]);
    for (const r of rows) expect(r.capped, String(r.y)).toBeGreaterThan(0);
    // Someone paid between 355,000 and 365,000 in 2027 keeps the pay above the old cap.
    const between = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM int_employee_contributions
       WHERE simulation_year = 2027 AND eligible_compensation > 355000`,
    );
    expect(between[0]?.n).toBeGreaterThan(0);
  });

  it('reports the projected years on the run result', () => {
    expect(result.irsLimitProjection).toEqual({ years: [2026, 2027], fromYear: 2025, rate: 0.025 });
  });
});
