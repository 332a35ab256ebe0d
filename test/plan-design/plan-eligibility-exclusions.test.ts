import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCensusRows } from '../../src/census/generate.js';
import { defaultConfigObject, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * Who the plan excludes (reference-plan-design.md §4.4, its P17 fixed): census rows with
 * eligibility_override = false and 30 % of the simulated hires, drawn in the hire year and excluded
 * in every later year, neither enroll nor get match or core. Also a minimum age other than 21 (P12:
 * honoured) and semi-annual entry. 2025-2027, no terminations, growth 30 %,
 * auto-enrollment only, no opt-outs.
 */

const RATE = 0.3;
const HEADER =
  'employee_id,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,eligibility_override';

/** id, birth, hire, deferral rate, eligibility_override as written in the file. */
const EDGES: Array<[string, string, string, number, string]> = [
  ['X_OVR_PART', '1980-04-04', '2015-03-01', 0.06, 'false'],
  ['X_OVR', '1980-04-04', '2021-03-01', 0, 'no'],
  ['X_TRUE', '1980-04-04', '2015-03-01', 0.06, 'true'],
  // 25 on 2026-08-20: entry on the next half-year, 2027-01-01.
  ['X_AGE25', '2001-08-20', '2022-01-10', 0, ''],
  // 25 on 2025-07-01, a half-year's first day: entry that day.
  ['X_JUL1', '2000-07-01', '2020-05-05', 0, ''],
  // 25 on 2025-07-02: entry 2026-01-01.
  ['X_JUL2', '2000-07-02', '2020-05-05', 0, ''],
];

describe('plan exclusions: census overrides and 30 % of hires; age 25, semi-annual entry, 2025-2027', () => {
  let run: SimulationRun;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-plan-exclusions-'));
    const census = join(dir, 'census.csv');
    const generated = generateCensusRows({ employees: 300, seed: 13 }).map((r) =>
      [r.employee_id, r.employee_birth_date, r.employee_hire_date, r.employee_termination_date ?? '', r.employee_gross_compensation, r.employee_deferral_rate, ''].join(','),
    );
    const edges = EDGES.map(([id, birth, hire, rate, override]) => [id, birth, hire, '', 80000, rate, override].join(','));
    writeFileSync(census, `${HEADER}\n${[...generated, ...edges].join('\n')}\n`);
    const config = defaultConfigObject();
    config.simulation.target_growth_rate = 0.3;
    config.workforce.total_termination_rate = 0;
    config.workforce.new_hire_termination_rate = 0;
    config.plan_eligibility.minimum_age = 25;
    config.eligibility.entry_date_type = 'semi_annual';
    config.eligibility.new_hire_ineligible_pct = RATE;
    const e = config.enrollment;
    e.proactive_enrollment.enabled = false;
    e.voluntary_enrollment.enabled = false;
    e.year_over_year_conversion.enabled = false;
    e.auto_enrollment.opt_out_rates.by_age = { young: 0, mid_career: 0, mature: 0, senior: 0 };
    run = await simulate({ dir, census, config, years: [2025, 2027] });
  });

  it('edge rows: status, reason and entry date by year; enrollments on entry (or Jan 1) + 45 days', async () => {
    const rows = await query<{ employee_id: string; statuses: string; entry: string }>(
      run.database,
      `SELECT employee_id, string_agg(eligibility_status || '/' || eligibility_reason, ' ' ORDER BY simulation_year) AS statuses,
              min(entry_date)::VARCHAR AS entry
       FROM int_plan_eligibility WHERE employee_id LIKE 'X\\_%' ESCAPE '\\' GROUP BY 1 ORDER BY 1`,
    );
    const ineligible = 'ineligible/eligibility_override ineligible/eligibility_override ineligible/eligibility_override';
    const eligible = 'eligible/eligible eligible/eligible eligible/eligible';
    expect(rows).toEqual([
      { employee_id: 'X_AGE25', statuses: 'pending/minimum_age pending/entry_date eligible/eligible', entry: '2027-01-01' },
      { employee_id: 'X_JUL1', statuses: eligible, entry: '2025-07-01' },
      { employee_id: 'X_JUL2', statuses: 'pending/entry_date eligible/eligible eligible/eligible', entry: '2026-01-01' },
      { employee_id: 'X_OVR', statuses: ineligible, entry: '2021-07-01' },
      { employee_id: 'X_OVR_PART', statuses: ineligible, entry: '2015-07-01' },
      { employee_id: 'X_TRUE', statuses: eligible, entry: '2015-07-01' },
    ]);
    const enrollments = await query<{ employee_id: string; d: string }>(
      run.database,
      `SELECT employee_id, effective_date::VARCHAR AS d FROM fct_yearly_events
       WHERE event_type IN ('enrollment', 'enrollment_change') AND employee_id LIKE 'X\\_%' ESCAPE '\\' ORDER BY 1`,
    );
    expect(enrollments).toEqual([
      { employee_id: 'X_AGE25', d: '2027-02-15' },
      { employee_id: 'X_JUL1', d: '2025-08-15' },
      { employee_id: 'X_JUL2', d: '2026-02-15' },
    ]);
    const snapshot = await query<{ employee_id: string; statuses: string }>(
      run.database,
      `SELECT employee_id, string_agg(current_eligibility_status, ' ' ORDER BY simulation_year) AS statuses
       FROM fct_workforce_snapshot WHERE employee_id IN ('X_OVR', 'X_AGE25') GROUP BY 1 ORDER BY 1`,
    );
    expect(snapshot).toEqual([
      { employee_id: 'X_AGE25', statuses: 'pending pending eligible' },
      { employee_id: 'X_OVR', statuses: 'ineligible ineligible ineligible' },
    ]);
  });

  it('an excluded census participant keeps deferring, without match or core; the same employee not excluded gets both', async () => {
    const rows = await query<{ employee_id: string; simulation_year: number; deferrals: number; match: number; core: number; match_reason: string; core_reason: string }>(
      run.database,
      `SELECT s.employee_id, s.simulation_year, s.prorated_annual_contributions::DOUBLE AS deferrals,
              s.employer_match_amount::DOUBLE AS match, s.employer_core_amount::DOUBLE AS core,
              el.match_eligibility_reason AS match_reason, el.core_eligibility_reason AS core_reason
       FROM fct_workforce_snapshot s JOIN int_employer_eligibility el USING (employee_id, simulation_year)
       WHERE s.employee_id IN ('X_OVR_PART', 'X_TRUE') ORDER BY 1, 2`,
    );
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      // 6 % of 80,000 and more (raises): the census enrollment stands.
      expect(r.deferrals, `${r.employee_id} ${r.simulation_year}`).toBeGreaterThan(4800);
      if (r.employee_id === 'X_OVR_PART') {
        expect([r.match, r.core, r.match_reason, r.core_reason]).toEqual([0, 0, 'plan_ineligible', 'plan_ineligible']);
      } else {
        expect(r.match).toBeGreaterThan(0);
        expect(r.core).toBeGreaterThan(0);
      }
    }
  });

  it('draws 30 % of each year\'s hires plan-ineligible, in their hire year, and keeps them so every later year', async () => {
    const rows = await query<{ employee_id: string; simulation_year: number; hire_year: number; excluded: boolean; reason: string; drawn: boolean }>(
      run.database,
      `SELECT employee_id, simulation_year, year(employee_hire_date)::INTEGER AS hire_year, is_plan_ineligible_override AS excluded,
              eligibility_reason AS reason,
              pa_rand(pa_key(employee_id), 42, year(employee_hire_date), 'new_hire_eligibility') < ${RATE} AS drawn
       FROM int_plan_eligibility WHERE employee_id LIKE 'NH\\_%' ESCAPE '\\' ORDER BY 1, 2`,
    );
    // The hire-year draw decides, in the hire year and after.
    for (const r of rows) {
      expect(r.excluded, `${r.employee_id} ${r.simulation_year}`).toBe(r.drawn);
      expect(r.reason === 'new_hire_ineligible', `${r.employee_id} ${r.simulation_year}`).toBe(r.drawn);
    }
    for (const year of [2025, 2026, 2027]) {
      const hires = rows.filter((r) => r.simulation_year === year && r.hire_year === year);
      const share = hires.filter((r) => r.excluded).length / hires.length;
      expect(hires.length, `${year}`).toBeGreaterThan(80);
      expect(share, `${year}`).toBeGreaterThan(0.18);
      expect(share, `${year}`).toBeLessThan(0.42);
    }
    expect(rows.filter((r) => r.simulation_year > r.hire_year && r.excluded).length).toBeGreaterThan(20);
  });

  it('no excluded employee enrolls or gets employer money in any year', async () => {
    const [row] = await query<{ excluded: number; enrolled: number; paid: number; eligible: number; others_enrolled: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS excluded,
              count(*) FILTER (WHERE x.employee_id IS NOT NULL)::INTEGER AS enrolled,
              count(*) FILTER (WHERE s.employer_match_amount + s.employer_core_amount > 0)::INTEGER AS paid,
              count(*) FILTER (WHERE el.eligible_for_match OR el.eligible_for_core)::INTEGER AS eligible,
              (SELECT count(*) FROM fct_yearly_events WHERE event_type = 'enrollment')::INTEGER AS others_enrolled
       FROM int_plan_eligibility e
       JOIN fct_workforce_snapshot s USING (employee_id, simulation_year)
       JOIN int_employer_eligibility el USING (employee_id, simulation_year)
       LEFT JOIN fct_yearly_events x
         ON x.employee_id = e.employee_id AND x.simulation_year = e.simulation_year AND x.event_type = 'enrollment'
       WHERE e.is_plan_ineligible_override`,
    );
    expect(row!.excluded).toBeGreaterThan(100);
    expect([row!.enrolled, row!.paid, row!.eligible]).toEqual([0, 0, 0]);
    expect(row!.others_enrolled).toBeGreaterThan(100);
  });
});
