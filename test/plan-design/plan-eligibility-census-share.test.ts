import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCensusRows } from '../../src/census/generate.js';
import { defaultConfigObject, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * eligibility.new_hire_eligibility_match_census: hires are drawn plan-ineligible at the census share
 * of eligibility_override = false, counted over every census row (terminated ones too; a blank counts
 * as eligible), and new_hire_ineligible_pct is then not used. Monthly entry. 2025-2026.
 */
describe('new hires excluded at the census share of overrides (monthly entry, 2025-2026)', () => {
  let run: SimulationRun;
  let share: number;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-plan-census-share-'));
    const census = join(dir, 'census.csv');
    // Every 5th row false, every 7th (not 5th) true, the rest blank.
    const rows = generateCensusRows({ employees: 400, seed: 17 }).map((r, i) =>
      [r.employee_id, r.employee_birth_date, r.employee_hire_date, r.employee_termination_date ?? '', r.employee_gross_compensation, r.employee_deferral_rate, i % 5 === 0 ? 'false' : i % 7 === 0 ? 'true' : ''].join(','),
    );
    share = rows.filter((_, i) => i % 5 === 0).length / rows.length;
    writeFileSync(
      census,
      `employee_id,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,eligibility_override\n${rows.join('\n')}\n`,
    );
    const config = defaultConfigObject();
    config.simulation.target_growth_rate = 0.4;
    config.eligibility.entry_date_type = 'monthly';
    config.eligibility.new_hire_eligibility_match_census = true;
    config.eligibility.new_hire_ineligible_pct = 0.9;
    run = await simulate({ dir, census, config, years: [2025, 2026] });
  });

  it('excludes exactly the hires whose hire-year draw is below the census share (not the 90 % of new_hire_ineligible_pct)', async () => {
    expect(share).toBe(0.2);
    const rows = await query<{ employee_id: string; simulation_year: number; excluded: boolean; drawn: boolean }>(
      run.database,
      `SELECT employee_id, simulation_year, is_plan_ineligible_override AS excluded,
              pa_rand(pa_key(employee_id), 42, year(employee_hire_date), 'new_hire_eligibility') < ${share} AS drawn
       FROM int_plan_eligibility WHERE employee_id LIKE 'NH\\_%' ESCAPE '\\'`,
    );
    expect(rows.length).toBeGreaterThan(250);
    for (const r of rows) expect(r.excluded, `${r.employee_id} ${r.simulation_year}`).toBe(r.drawn);
    const excluded = rows.filter((r) => r.excluded).length / rows.length;
    expect(excluded).toBeGreaterThan(0.12);
    expect(excluded).toBeLessThan(0.28);
  });

  it('census rows: false excludes, true and blank leave the plan rules to decide; entry on the first of a month', async () => {
    const rows = await query<{ excluded: boolean; override: boolean | null; n: number; off_month: number }>(
      run.database,
      `SELECT e.is_plan_ineligible_override AS excluded, c.eligibility_override AS override, count(*)::INTEGER AS n,
              count(*) FILTER (WHERE day(e.entry_date) <> 1 OR e.entry_date < e.eligibility_date
                                  OR e.entry_date - e.eligibility_date > 30)::INTEGER AS off_month
       FROM int_plan_eligibility e JOIN stg_census_data c USING (employee_id)
       GROUP BY ALL ORDER BY 2 NULLS FIRST, 1`,
    );
    expect(rows.map((r) => [r.override, r.excluded])).toEqual([
      [null, false],
      [false, true],
      [true, false],
    ]);
    expect(rows.map((r) => r.off_month)).toEqual([0, 0, 0]);
  });
});
