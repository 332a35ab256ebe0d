import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCore } from '../../src/config/core-describe.js';
import { parseConfig } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import { compileParameters } from '../../src/params/compile.js';
import { loadParameterTables } from '../../src/params/tables.js';
import { runCli } from '../support/cli.js';
import { defaultConfigObject } from '../support/engine.js';

/**
 * The core design's keys: what the schema refuses (schedules validated like the reference's age
 * schedule, and graded and points schedules too), the 401(l) limits on the disparity rate checked
 * for every simulated year against the wage base the run uses, and the design in words.
 */

/** The default config, 2025-2026, with employer_core_contribution's keys replaced by `core`. */
function raw(core: Record<string, unknown>, years: [number, number] = [2025, 2026]): Record<string, any> {
  const c = defaultConfigObject();
  c.simulation.start_year = years[0];
  c.simulation.end_year = years[1];
  Object.assign(c.employer_core_contribution, core);
  return c;
}

/** The loader's problems for a config, one line each ('' when it loads). */
function problems(core: Record<string, unknown>): string {
  try {
    parseConfig(raw(core));
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Compiles the parameters of a config into a fresh database; the error's text, or '' when it compiles. */
async function compileError(core: Record<string, unknown>, years?: [number, number], tablesDir?: string): Promise<string> {
  const config = parseConfig(raw(core, years)).config;
  const db = await Database.open(':memory:');
  try {
    await compileParameters(db, config, { scenarioId: 's', planDesignId: 'p', startedAt: new Date(0) }, loadParameterTables(tablesDir));
    return '';
  } catch (e) {
    return (e as Error).message;
  } finally {
    db.close();
  }
}

const GRADED = [
  { min_years: 0, max_years: 2, contribution_rate: 0.01 },
  { min_years: 3, max_years: 5, rate: 2 },
  { min_years: 6, contribution_rate: 0.03 },
];

describe('core schedules: validation', () => {
  it('accepts inclusive (0-2, 3-5) and exclusive (0-40, 40-75) maxima and reads `rate` as a percent', () => {
    const core = parseConfig(raw({ status: 'graded_by_service', graded_schedule: GRADED })).config.employer_core_contribution;
    expect(core.graded_schedule).toEqual([
      { min: 0, max: 2, contribution_rate: 0.01 },
      { min: 3, max: 5, contribution_rate: 0.02 },
      { min: 6, max: null, contribution_rate: 0.03 },
    ]);
    expect(problems({ status: 'points_based', points_schedule: [{ min_points: 0, max_points: 40, rate: 5.7 }, { min_points: 40, contribution_rate: 0.02 }] })).toBe('');
  });

  it('refuses a schedule status without rows, naming the schedule', () => {
    expect(problems({ status: 'graded_by_service' })).toContain('employer_core_contribution.graded_schedule: needs at least one row with status graded_by_service');
    expect(problems({ status: 'points_based' })).toContain('employer_core_contribution.points_schedule: needs at least one row');
    expect(problems({ status: 'age_banded', age_schedule: [] })).toContain('employer_core_contribution.age_schedule: needs at least one row');
  });

  it('refuses a schedule that does not start at 0, has a gap or an overlap, or ends bounded', () => {
    const age = (rows: unknown[]) => problems({ status: 'age_banded', age_schedule: rows });
    expect(age([{ min_age: 21, contribution_rate: 0.03 }])).toContain('employer_core_contribution.age_schedule[0].min_age: must be 0');
    expect(age([{ min_age: 0, max_age: 29, contribution_rate: 0.03 }, { min_age: 31, contribution_rate: 0.04 }])).toContain(
      'employer_core_contribution.age_schedule[0].max_age: leaves a gap before the next row, which starts at 31: write 31',
    );
    expect(age([{ min_age: 0, max_age: 35, contribution_rate: 0.03 }, { min_age: 30, contribution_rate: 0.04 }])).toContain(
      'employer_core_contribution.age_schedule[0].max_age: overlaps the next row, which starts at 30',
    );
    expect(age([{ min_age: 0, max_age: 30, contribution_rate: 0.03 }, { min_age: 30, max_age: 65, contribution_rate: 0.04 }])).toContain(
      'employer_core_contribution.age_schedule[1].max_age: must be omitted (or null) on the last row',
    );
    expect(age([{ min_age: 0, contribution_rate: 0.03 }, { min_age: 0, contribution_rate: 0.04 }])).toContain(
      "employer_core_contribution.age_schedule[1].min_age: must be greater than the previous row's min_age (0)",
    );
    expect(age([{ min_age: 0, max_age: 0, contribution_rate: 0.03 }])).toContain('age_schedule[0].max_age: must be greater than min_age (0)');
    // a graded schedule is checked as well (the reference did not)
    expect(problems({ status: 'graded_by_service', graded_schedule: [{ min_years: 0, max_years: 1, contribution_rate: 0.01 }, { min_years: 3, contribution_rate: 0.02 }] })).toContain(
      'employer_core_contribution.graded_schedule[0].max_years: leaves a gap',
    );
    // and whatever the status (a schedule kept for later is still a valid one)
    expect(problems({ points_schedule: [{ min_points: 10, contribution_rate: 0.01 }] })).toContain('points_schedule[0].min_points: must be 0');
  });

  it('takes the rate once, as a decimal or a percent, in range', () => {
    const graded = (row: Record<string, unknown>) => problems({ status: 'graded_by_service', graded_schedule: [{ min_years: 0, ...row }] });
    expect(graded({})).toContain('graded_schedule[0].contribution_rate: is required (a decimal; or `rate` as a percent)');
    expect(graded({ contribution_rate: 0.03, rate: 3 })).toContain('graded_schedule[0].rate: cannot be given with contribution_rate');
    expect(graded({ contribution_rate: 3 })).toContain('graded_schedule[0].contribution_rate: must be between 0 and 1');
    expect(graded({ rate: 300 })).toContain('graded_schedule[0].rate: must be between 0 and 100');
    expect(graded({ contribution_rate: 0.03, min_years: 1.5 })).toContain('graded_schedule[0].min_years');
  });
});

describe('Social Security integration: validation', () => {
  it('needs a positive level_value for the percent and dollar modes, at most 100 as a percent', () => {
    const integration = (s: Record<string, unknown>) => problems({ integration: { enabled: true, disparity_rate: 0.01, ...s } });
    expect(integration({ level_mode: 'fixed_dollar' })).toContain('integration.level_value: must be greater than 0 with level_mode fixed_dollar');
    expect(integration({ level_mode: 'percent_of_ss_wage_base', level_value: 0 })).toContain('integration.level_value: must be greater than 0');
    expect(integration({ level_mode: 'percent_of_ss_wage_base', level_value: 120 })).toContain('integration.level_value: must be at most 100');
    expect(integration({ disparity_rate: -0.01 })).toContain('integration.disparity_rate: must be between 0 and 1');
    expect(integration({ level_mode: 'wage_base' })).toContain('integration.level_mode');
    expect(integration({})).toBe('');
  });

  it('caps the disparity at 5.7 % at the wage base (or at most 20 % of it), and at the base rate', async () => {
    expect(await compileError({ contribution_rate: 0.06, integration: { enabled: true, disparity_rate: 0.057 } })).toBe('');
    expect(await compileError({ contribution_rate: 0.06, integration: { enabled: true, disparity_rate: 0.058 } })).toContain(
      'employer_core_contribution.integration.disparity_rate: 5.8 % exceeds the permitted disparity 5.7 %: at most 5.7 % for an integration level of $176,100 in 2025 (level = the wage base',
    );
    // 20 % of 176,100 = 35,220: still 5.7 %
    expect(await compileError({ contribution_rate: 0.06, integration: { enabled: true, level_mode: 'fixed_dollar', level_value: 35220, disparity_rate: 0.057 } })).toBe('');
    // the base rate is the lower bound here
    expect(await compileError({ contribution_rate: 0.02, integration: { enabled: true, disparity_rate: 0.021 } })).toContain(
      'disparity_rate: 2.1 % exceeds the permitted disparity 2 %: at most the base core rate 2 % (the lowest rate of status flat)',
    );
    // a schedule's lowest rate
    expect(await compileError({ status: 'graded_by_service', graded_schedule: GRADED, integration: { enabled: true, disparity_rate: 0.015 } })).toContain(
      'at most the base core rate 1 % (the lowest rate of status graded_by_service)',
    );
  });

  it('caps it at 4.3 % above 20 % and up to 80 % of the wage base, 5.4 % above 80 %', async () => {
    const at = (level_value: number, disparity_rate: number, mode = 'percent_of_ss_wage_base') =>
      compileError({ contribution_rate: 0.06, integration: { enabled: true, level_mode: mode, level_value, disparity_rate } });
    // 35,221 is above 20 % of 176,100
    expect(await at(35221, 0.044, 'fixed_dollar')).toContain('exceeds the permitted disparity 4.3 %: at most 4.3 % for an integration level of $35,221 in 2025 (level above 20 % and at most 80 % of the wage base');
    expect(await at(80, 0.043)).toBe('');
    expect(await at(80, 0.044)).toContain('4.3 % for an integration level of $140,880 in 2025');
    expect(await at(80.1, 0.054)).toBe('');
    expect(await at(80.1, 0.055)).toContain('5.4 % for an integration level of $141,056 in 2025 (level above 80 % and below 100 % of the wage base');
    expect(await at(100, 0.057)).toBe('');
  });

  it('checks every simulated year against its own wage base', async () => {
    // 145,000 is 82.3 % of 2025's 176,100 (5.4 %) but 78.6 % of 2026's 184,500 (4.3 %)
    const fixed = (disparity_rate: number, years: [number, number]) =>
      compileError({ contribution_rate: 0.06, integration: { enabled: true, level_mode: 'fixed_dollar', level_value: 145000, disparity_rate } }, years);
    expect(await fixed(0.05, [2025, 2025])).toBe('');
    const both = await fixed(0.05, [2025, 2026]);
    expect(both).toContain('5 % exceeds the permitted disparity 4.3 %: at most 4.3 % for an integration level of $145,000 in 2026');
    expect(both).not.toContain('in 2025');
    // a level above the wage base: 180,000 > 176,100
    expect(await compileError({ integration: { enabled: true, level_mode: 'fixed_dollar', level_value: 180000, disparity_rate: 0.01 } }, [2025, 2025])).toContain(
      'employer_core_contribution.integration.level_value: the integration level $180,000 exceeds the 2025 Social Security wage base $176,100',
    );
    // projected years have a wage base: 2030 compiles
    expect(await compileError({ integration: { enabled: true, disparity_rate: 0.01 } }, [2029, 2030])).toBe('');
  });

  it('`validate` refuses what `simulate` refuses (the check needs each year\'s wage base), the base-rate bound said once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-validate-'));
    const file = join(dir, 'config.yaml');
    // 5.7 % on a flat 3 % core, 2025-2026: above the base rate, whatever the level.
    writeFileSync(file, JSON.stringify(raw({ contribution_rate: 0.03, integration: { enabled: true, disparity_rate: 0.057 } })));
    const result = runCli(['validate', '-c', file]);
    expect(result.status).toBe(2);
    expect(result.stdout).not.toContain('Configuration is valid');
    const bound = 'employer_core_contribution.integration.disparity_rate: 5.7 % exceeds the permitted disparity 3 %: at most the base core rate 3 %';
    expect(result.stderr.split(bound).length - 1).toBe(1);
    writeFileSync(file, JSON.stringify(raw({ contribution_rate: 0.06, integration: { enabled: true, disparity_rate: 0.057 } })));
    expect(runCli(['validate', '-c', file]).stdout).toContain('Configuration is valid');
  });

  it('refuses a year without a wage base in the IRS limits table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-twb-'));
    const seed = readFileSync('data/seeds/irs_limits.csv', 'utf8').split('\n');
    // empty the 2026 wage base (the column before `source`)
    writeFileSync(join(dir, 'irs_limits.csv'), seed.map((line) => (line.startsWith('2026,') ? line.replace(',184500,', ',,') : line)).join('\n'));
    expect(await compileError({ integration: { enabled: true, disparity_rate: 0.01 } }, [2025, 2026], dir)).toContain(
      'employer_core_contribution.integration: no Social Security wage base for 2026 (irs_limits.csv, column social_security_wage_base)',
    );
    // without integration the table is fine
    expect(await compileError({}, [2025, 2026], dir)).toBe('');
  });
});

describe('describeCore', () => {
  const core = (c: Record<string, unknown>) => parseConfig(raw(c)).config.employer_core_contribution;

  it('states each design in words', () => {
    expect(describeCore(core({}))).toBe('1% of pay');
    expect(describeCore(core({ enabled: false }))).toBe('off (enabled: false)');
    expect(describeCore(core({ status: 'none' }))).toBe('none (status: none): no core contribution');
    expect(describeCore(core({ status: 'graded_by_service', graded_schedule: GRADED }))).toBe(
      'by years of service: 0-2: 1%, 3-5: 2%, 6+: 3% of pay',
    );
    expect(
      describeCore(core({ status: 'age_banded', age_schedule: [{ min_age: 0, max_age: 30, contribution_rate: 0.03 }, { min_age: 30, contribution_rate: 0.04 }] })),
    ).toBe('by age at Dec 31: 0-29: 3%, 30+: 4% of pay');
    expect(
      describeCore(core({ status: 'points_based', points_schedule: [{ min_points: 0, max_points: 1, contribution_rate: 0.01 }, { min_points: 1, contribution_rate: 0.02 }] })),
    ).toBe('by points (age + years of service): 0: 1%, 1+: 2% of pay');
  });

  it('states the integration level, in dollars of a year when given its wage base', () => {
    const wageBase = { year: 2025, amount: 176100 };
    expect(describeCore(core({ contribution_rate: 0.03, integration: { enabled: true, disparity_rate: 0.057 } }), wageBase)).toBe(
      '3% of pay; plus 5.7% of pay above the Social Security wage base ($176,100 in 2025)',
    );
    expect(describeCore(core({ contribution_rate: 0.03, integration: { enabled: true, disparity_rate: 0.03 } }))).toBe(
      '3% of pay; plus 3% of pay above the Social Security wage base',
    );
    expect(
      describeCore(core({ contribution_rate: 0.05, integration: { enabled: true, level_mode: 'percent_of_ss_wage_base', level_value: 12.5, disparity_rate: 0.043 } }), wageBase),
    ).toBe('5% of pay; plus 4.3% of pay above 12.5% of the Social Security wage base ($22,013 in 2025)');
    expect(describeCore(core({ contribution_rate: 0.05, integration: { enabled: true, level_mode: 'fixed_dollar', level_value: 100000, disparity_rate: 0.043 } }), wageBase)).toBe(
      '5% of pay; plus 4.3% of pay above $100,000',
    );
  });
});
