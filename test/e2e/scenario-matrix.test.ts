import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { defaultConfigObject, makeCensus, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * The scenario matrix: each case end to end on a small census, checking that every error-severity
 * rule holds in every year and that the results move in the expected direction.
 */
type Config = ReturnType<typeof defaultConfigObject>;

function errorsOf(run: SimulationRun): string[] {
  return run.result.years.flatMap((y) =>
    y.validation.filter((r) => r.severity === 'error' && r.violations > 0).map((r) => `${y.year} ${r.rule} (${r.violations})`),
  );
}

async function rewriteCensus(source: string, target: string, select: string): Promise<string> {
  const db = await Database.open(':memory:');
  try {
    await db.run(`COPY (SELECT ${select} FROM read_parquet($1)) TO $2 (FORMAT parquet)`, [source, target]);
  } finally {
    db.close();
  }
  return target;
}

const count = async (run: SimulationRun, where: string): Promise<number> =>
  (await query<{ n: number }>(run.database, `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE ${where}`))[0]!.n;

describe('scenario matrix', () => {
  let dir: string;
  let census: string;
  let base: SimulationRun;
  const years: [number, number] = [2025, 2027];

  const run = async (name: string, change: (c: Config) => void, options: { census?: string; years?: [number, number] } = {}) => {
    const config = defaultConfigObject();
    change(config);
    const result = await simulate({ dir, census: options.census ?? census, config, name, years: options.years ?? years });
    expect(errorsOf(result), name).toEqual([]);
    return result;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-matrix-'));
    census = await makeCensus(dir, 400, 23);
    base = await run('base', () => undefined);
  });

  it('zero growth keeps headcount flat', async () => {
    const flat = await run('zero_growth', (c) => (c.simulation.target_growth_rate = 0));
    const start = flat.result.census.activeRows;
    expect(flat.result.workforceProgression.map((y) => y.activeHeadcount)).toEqual([start, start, start]);
  });

  it('negative growth is a reduction in force: fewer actives every year, fewer hires than the base', async () => {
    const rif = await run('rif', (c) => (c.simulation.target_growth_rate = -0.2));
    const heads = rif.result.workforceProgression.map((y) => y.activeHeadcount);
    expect(heads[0]).toBeLessThan(rif.result.census.activeRows);
    expect(heads[1]).toBeLessThan(heads[0]!);
    expect(rif.result.eventTotals.hire ?? 0).toBeLessThan(base.result.eventTotals.hire!);
  });

  it('high growth hires more than the base', async () => {
    const high = await run('high_growth', (c) => (c.simulation.target_growth_rate = 0.25));
    expect(high.result.eventTotals.hire).toBeGreaterThan(base.result.eventTotals.hire!);
    expect(high.result.growthAnalysis.cagrPct).toBeCloseTo(25, 0);
  });

  it('auto-enrollment off: no auto-enrollment, lower participation', async () => {
    const off = await run('ae_off', (c) => (c.enrollment.auto_enrollment.enabled = false));
    expect(await count(off, `event_category = 'auto_enrollment'`)).toBe(0);
    expect(off.result.workforceProgression.at(-1)!.participationRate).toBeLessThan(base.result.workforceProgression.at(-1)!.participationRate);
  });

  it('no hire-date cutoff auto-enrolls at least as many as the 2020 cutoff', async () => {
    const all = await run('ae_no_cutoff', (c) => {
      c.enrollment.auto_enrollment.hire_date_cutoff = null;
    });
    expect(await count(all, `event_category = 'auto_enrollment'`)).toBeGreaterThanOrEqual(await count(base, `event_category = 'auto_enrollment'`));
  });

  it('match off pays no match; core off pays no core', async () => {
    const noMatch = await run('match_off', (c) => (c.employer_match.formulas.simple_match.match_rate = 0));
    expect(noMatch.result.employerCost.byYear.every((y) => y.match === 0)).toBe(true);
    const noCore = await run('core_off', (c) => (c.employer_core_contribution.enabled = false));
    expect(noCore.result.employerCost.byYear.every((y) => y.core === 0)).toBe(true);
    expect(noCore.result.employerCost.total).toBeLessThan(base.result.employerCost.total);
  });

  it('an escalation cap below the default rate: nobody is escalated past it', async () => {
    const capped = await run('low_cap', (c) => (c.deferral_auto_escalation.maximum_rate = 0.015));
    const [row] = await query<{ above: number }>(
      capped.database,
      `SELECT count(*) FILTER (WHERE employee_deferral_rate > 0.015)::INTEGER AS above FROM fct_yearly_events WHERE event_type = 'deferral_escalation'`,
    );
    expect(row?.above).toBe(0);
  });

  it('a one-year run', async () => {
    const one = await run('one_year', () => undefined, { years: [2025, 2025] });
    expect(one.result.workforceProgression).toHaveLength(1);
  });

  it('a 30-year horizon keeps headcount on target every year (parameters past their tables carried forward)', async () => {
    const small = await makeCensus(dir, 150, 29);
    const long = await run('thirty_years', () => undefined, { census: small, years: [2025, 2054] });
    expect(long.result.workforceProgression).toHaveLength(30);
    // IRS limits are projected past 2026 (setup.irs_limit_indexing_rate), not carried forward.
    expect(long.result.irsLimitProjection).toEqual({ years: Array.from({ length: 28 }, (_, i) => 2027 + i), fromYear: 2026, rate: 0.025 });
    let previous = long.result.census.activeRows;
    for (const y of long.result.workforceProgression) {
      expect(y.activeHeadcount).toBe(Math.round(previous * 1.03));
      previous = y.activeHeadcount;
    }
  }, 120_000);

  it('a census with only one job level', async () => {
    const oneLevel = await rewriteCensus(census, join(dir, 'one_level.parquet'), `* REPLACE (60000 + (hash(employee_id) % 19000)::DOUBLE AS employee_gross_compensation)`);
    const result = await run('one_level', () => undefined, { census: oneLevel });
    const levels = await query<{ level_id: number }>(result.database, `SELECT DISTINCT level_id FROM int_baseline_workforce ORDER BY 1`);
    expect(levels).toEqual([{ level_id: 1 }]);
    // Hiring mirrors the level mix: one level in the first year (promotions open level 2 later).
    expect(await count(result, `event_type = 'hire' AND simulation_year = 2025 AND level_id <> 1`)).toBe(0);
    expect(await count(result, `event_type = 'hire' AND simulation_year = 2025`)).toBeGreaterThan(0);
  });

  it('a census where nobody participates', async () => {
    const none = await rewriteCensus(census, join(dir, 'none.parquet'), `* REPLACE (0::DOUBLE AS employee_deferral_rate)`);
    const result = await run('nobody', () => undefined, { census: none });
    const [first] = await query<{ census_participants: number }>(
      result.database,
      `SELECT count(*) FILTER (WHERE employee_deferral_rate > 0)::INTEGER AS census_participants FROM stg_census_data`,
    );
    expect(first?.census_participants).toBe(0);
    expect(result.result.workforceProgression[0]!.participationRate).toBeLessThan(base.result.workforceProgression[0]!.participationRate);
    expect(result.result.workforceProgression[0]!.participationRate).toBeGreaterThan(0);
  });
});
