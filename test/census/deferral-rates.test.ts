/**
 * The `deferral_rates` section: which census column holds the deferral rate and how it becomes a
 * census participant's starting rate (src/census/columns.ts, `CensusRateRules`). Hand-computed values
 * at each key's edges, the config's ranges, and the rules through a two-year simulation.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CENSUS_RATE_RULES, loadCensus, type CensusRateRules } from '../../src/census/index.js';
import { IGNORED_KEYS, parseConfig } from '../../src/config/index.js';
import { CensusError } from '../../src/errors.js';
import { configError, issueAt, minimal } from '../config/helpers.js';
import { defaultConfigObject, query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { withDb, writeText } from './helpers.js';

const tempDir = useTempDir();
const ROW = '1980-01-01,2010-01-01,80000';
const HEAD = 'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation';

/** Stages `rates` (id → census text) under `rules` and returns id → staged starting rate, with the warnings. */
async function stage(
  rates: Record<string, string>,
  rules: Partial<CensusRateRules> = {},
  column = 'employee_deferral_rate',
): Promise<{ rates: Record<string, string>; warnings: string[] }> {
  const dir = tempDir();
  const csv = writeText(dir, 'census.csv', [`${HEAD},${column}`, ...Object.entries(rates).map(([id, r]) => `${id},${ROW},${r}`)]);
  return withDb(join(dir, 'sim.duckdb'), async (db) => {
    const result = await loadCensus(db, csv, { ...DEFAULT_CENSUS_RATE_RULES, ...rules });
    const rows = await db.all<{ employee_id: string; employee_deferral_rate: string }>(
      'SELECT employee_id, employee_deferral_rate FROM stg_census_data ORDER BY employee_id',
    );
    return { rates: Object.fromEntries(rows.map((r) => [r.employee_id, r.employee_deferral_rate])), warnings: result.warnings };
  });
}

describe('deferral_rates.normalize_percentages', () => {
  it('on: a value above 1 is a percent; 1 itself is 100 % (capped); above 100 is unusable (fallback)', async () => {
    const { rates, warnings } = await stage({
      A: '6', // 6 % → 0.06
      B: '1.5', // just above 1 → 1.5 %
      C: '1', // not above 1: 100 % of pay, capped at 0.75
      D: '100', // 100 % → capped at 0.75
      E: '100.5', // 1.005 after normalising: not a rate → fallback 0.03
      F: '0.5', // a fraction: 50 %
      G: '0', // non-participant
      H: '', // non-participant
    });
    expect(rates).toEqual({
      A: '0.06000',
      B: '0.01500',
      C: '0.75000',
      D: '0.75000',
      E: '0.03000',
      F: '0.50000',
      G: '0.00000',
      H: '0.00000',
    });
    expect(warnings).toContainEqual(
      '4 employee_deferral_rate values read as percents (divided by 100: 6 is 0.06) by deferral_rates.normalize_percentages (a value above 1 is a percent), ' +
        "lines 2, 3, 5, 6, while 2 between 0 and 1 were read as fractions of pay: check the column's unit (--rate-unit percent or fraction settles it)",
    );
    expect(warnings).toContainEqual(
      '1 employee_deferral_rate value above 100 % cannot be a deferral rate, line 6: that participant starts at deferral_rates.pre_enrolled_fallback (0.03)',
    );
    expect(warnings).toContainEqual('2 employee_deferral_rate values capped at deferral_rates.plan_deferral_cap (0.75)');
  });

  it('off: values are fractions of pay; a value above 1 is unusable and starts at the fallback', async () => {
    const { rates, warnings } = await stage({ A: '6', B: '1', C: '1.00001', D: '0.06' }, { normalize_percentages: false });
    expect(rates).toEqual({ A: '0.03000', B: '0.75000', C: '0.03000', D: '0.06000' });
    expect(warnings).toContainEqual(
      '2 employee_deferral_rate values above 1 (read as fractions by deferral_rates.normalize_percentages: false) cannot be a deferral rate, lines 2, 4: ' +
        'those participants start at deferral_rates.pre_enrolled_fallback (0.03); percents are written with % (6%) or read with --rate-unit percent',
    );
    expect(warnings.some((w) => w.includes('read as percents'))).toBe(false);
  });
});

describe('deferral_rates.plan_deferral_cap and pre_enrolled_fallback', () => {
  it('caps census rates above the cap and keeps a rate equal to it', async () => {
    const { rates, warnings } = await stage({ A: '0.1', B: '0.10001', C: '12', D: '0.09999' }, { plan_deferral_cap: 0.1 });
    expect(rates).toEqual({ A: '0.10000', B: '0.10000', C: '0.10000', D: '0.09999' });
    expect(warnings).toContainEqual('2 employee_deferral_rate values capped at deferral_rates.plan_deferral_cap (0.1)');
  });

  it('gives an unusable rate the configured fallback, which the cap does not touch', async () => {
    const { rates } = await stage({ A: '250', B: '0.2' }, { pre_enrolled_fallback: 0.05, plan_deferral_cap: 0.05 });
    expect(rates).toEqual({ A: '0.05000', B: '0.05000' });
  });
});

describe('deferral_rates.use_census_rates', () => {
  it('false: every participant starts at the fallback; non-participants stay at 0', async () => {
    const { rates, warnings } = await stage(
      { A: '0.06', B: '12', C: '0.001', D: '0', E: '' },
      { use_census_rates: false, pre_enrolled_fallback: 0.04 },
    );
    expect(rates).toEqual({ A: '0.04000', B: '0.04000', C: '0.04000', D: '0.00000', E: '0.00000' });
    expect(warnings.some((w) => w.includes('capped'))).toBe(false);
  });
});

describe('deferral_rates.census_rate_field', () => {
  it('reads the rate from the named column (case-insensitively); employee_deferral_rate is then an unknown column', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [
      `${HEAD},employee_deferral_rate,Deferral Pct`,
      `A,${ROW},0.2,6`,
      `B,${ROW},0.2,`,
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv, { ...DEFAULT_CENSUS_RATE_RULES, census_rate_field: 'deferral pct' });
      const rows = await db.all<{ employee_id: string; employee_deferral_rate: string }>(
        'SELECT employee_id, employee_deferral_rate FROM stg_census_data ORDER BY employee_id',
      );
      expect(rows).toEqual([
        { employee_id: 'A', employee_deferral_rate: '0.06000' },
        { employee_id: 'B', employee_deferral_rate: '0.00000' },
      ]);
      expect(result.warnings).toContainEqual('Ignored 1 unknown census column: employee_deferral_rate');
      expect(result.warnings).toContainEqual(expect.stringMatching(/^1 Deferral Pct value read as percents/));
    });
  });

  it('names the file and the column when the named column is missing', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [`${HEAD},employee_deferral_rate`, `A,${ROW},0.06`]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await loadCensus(db, csv, { ...DEFAULT_CENSUS_RATE_RULES, census_rate_field: 'deferral_pct' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CensusError);
      expect((error as CensusError).message).toBe(
        `Census file ${csv} line 1 (header): missing deferral-rate column deferral_pct (deferral_rates.census_rate_field); ` +
          'columns found: employee_id, employee_birth_date, employee_hire_date, employee_gross_compensation, employee_deferral_rate',
      );
      expect((error as CensusError).context).toEqual({ file: csv, row: 1, column: 'deferral_pct' });
    });
  });

  it('reports a bad value under the column name of the file', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [`${HEAD},pct`, `A,${ROW},-1`]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await loadCensus(db, csv, { ...DEFAULT_CENSUS_RATE_RULES, census_rate_field: 'pct' }).catch((e: unknown) => e);
      expect((error as CensusError).message).toContain(`${csv} line 2, column pct: negative value "-1"`);
      expect((error as CensusError).context).toEqual({ file: csv, row: 2, column: 'pct' });
    });
  });

  it('refuses a census column that means something else', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [`${HEAD},employee_deferral_rate`, `A,${ROW},0.06`]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await loadCensus(db, csv, { ...DEFAULT_CENSUS_RATE_RULES, census_rate_field: 'employee_gross_compensation' }).catch(
        (e: unknown) => e,
      );
      expect((error as CensusError).message).toBe(
        'deferral_rates.census_rate_field names the census column employee_gross_compensation, which already means something else',
      );
    });
  });
});

describe('the deferral_rates config section', () => {
  it("defaults to the reference's shipped values; generate_synthetic_events stays ignored", () => {
    const { config, ignored } = parseConfig(minimal({ deferral_rates: { generate_synthetic_events: true } }));
    expect(config.deferral_rates).toEqual({ ...DEFAULT_CENSUS_RATE_RULES, generate_synthetic_events: undefined });
    expect(ignored).toContain('deferral_rates.generate_synthetic_events');
    expect(IGNORED_KEYS['deferral_rates.generate_synthetic_events']).toBe('no dates defined; inert in the reference too');
    expect(IGNORED_KEYS.deferral_rates).toBeUndefined();
  });

  it('accepts the edges: rates of 1, a fallback equal to the cap', () => {
    const { config } = parseConfig(minimal({ deferral_rates: { pre_enrolled_fallback: 1, plan_deferral_cap: 1 } }));
    expect(config.deferral_rates.pre_enrolled_fallback).toBe(1);
  });

  it.each([
    ['pre_enrolled_fallback', 0, 'must be greater than 0 and at most 1'],
    ['pre_enrolled_fallback', -0.01, 'must be greater than 0 and at most 1'],
    ['plan_deferral_cap', 0, 'must be greater than 0 and at most 1'],
    ['plan_deferral_cap', 1.01, 'must be greater than 0 and at most 1'],
    ['plan_deferral_cap', 75, 'must be greater than 0 and at most 1'],
    ['census_rate_field', ' ', 'must name a census column'],
    ['use_census_rates', 'yes', 'must be true or false'],
  ])('refuses %s: %s', (key, value, message) => {
    const error = configError(() => parseConfig(minimal({ deferral_rates: { [key]: value } })));
    expect(issueAt(error, `deferral_rates.${key}`)).toContain(message);
  });

  it('refuses a fallback above the cap', () => {
    const error = configError(() =>
      parseConfig(minimal({ deferral_rates: { pre_enrolled_fallback: 0.1, plan_deferral_cap: 0.09 } })),
    );
    expect(issueAt(error, 'deferral_rates.pre_enrolled_fallback')).toContain('must be at most plan_deferral_cap (0.09)');
  });
});

describe('census starting rates through a simulation', () => {
  it('use_census_rates: false starts every census participant at the fallback, and the registry carries it into year 2', async () => {
    const dir = tempDir();
    // Hired before the escalation cutoff (2020-01-01), so no escalation moves the rate.
    const lines = [`${HEAD},employee_deferral_rate`];
    for (let i = 1; i <= 40; i += 1) lines.push(`E${String(i).padStart(2, '0')},1975-06-01,2012-03-01,${60000 + i * 1000},${i % 4 === 0 ? 0 : 0.08}`);
    const census = writeText(dir, 'census.csv', lines);
    const config = defaultConfigObject();
    config.deferral_rates = { ...config.deferral_rates, use_census_rates: false, pre_enrolled_fallback: 0.045 };
    const { database } = await simulate({ dir, census, config, years: [2025, 2026] });
    const rows = await query<{ simulation_year: number; employee_id: string; original_deferral_rate: string; current_deferral_rate: string }>(
      database,
      `SELECT r.simulation_year, r.employee_id, r.original_deferral_rate::VARCHAR AS original_deferral_rate,
              r.current_deferral_rate::VARCHAR AS current_deferral_rate
         FROM int_deferral_rate_state_accumulator r
         JOIN stg_census_data c USING (employee_id)
        WHERE c.employee_deferral_rate > 0
          AND r.employee_id IN (SELECT employee_id FROM fct_workforce_snapshot
                                 WHERE simulation_year = r.simulation_year AND employment_status = 'active')
        ORDER BY 1, 2`,
    );
    const byYear = (y: number) => rows.filter((r) => r.simulation_year === y);
    // 30 participants in the census (every fourth row is not one); a few leave each year.
    expect(byYear(2025).length).toBeGreaterThan(20);
    expect(byYear(2026).length).toBeGreaterThan(15);
    for (const r of rows) {
      expect(Number(r.employee_id.slice(1)) % 4, r.employee_id).not.toBe(0);
      expect(r.original_deferral_rate).toBe('0.04500');
      expect(r.current_deferral_rate).toBe('0.04500');
    }
  });
});
