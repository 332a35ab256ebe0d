import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfigObject, makeCensus, query, simulate, type SimulationRun } from '../support/engine.js';

type Row = Record<string, any>;

/** The config's age bands for DC behaviour: young <= 30, mid_career 31-45, mature 46-55, senior 56+. */
function byAge(age: number, rates: Row): number {
  if (age <= 30) return rates.young;
  if (age <= 45) return rates.mid_career;
  if (age <= 55) return rates.mature;
  return rates.senior;
}
/** Pay bands: low < 50k, moderate < 100k, high < 200k, executive above. */
function byIncome(pay: number, multipliers: Row): number {
  if (pay < 50_000) return multipliers.low_income;
  if (pay < 100_000) return multipliers.moderate;
  if (pay < 200_000) return multipliers.high;
  return multipliers.executive;
}

describe('DC plan on a 20,000-employee census with auto-enrollment of new hires', () => {
  let run: SimulationRun;
  const config = defaultConfigObject();

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-dc-'));
    const census = await makeCensus(dir, 20_000, 21);
    run = await simulate({ dir, census, config, years: [2025, 2027] });
  });

  it('new hires end the year participating at the rate the opt-out and proactive rates imply', async () => {
    const ae = config.enrollment.auto_enrollment;
    const proactive = config.enrollment.proactive_enrollment.probability_by_demographics;
    for (const year of [2025, 2026, 2027]) {
      const hires = await query<{ age: number; pay: string; participation_status: string }>(
        run.database,
        `SELECT h.employee_age AS age, h.compensation_amount::VARCHAR AS pay, s.participation_status
         FROM fct_yearly_events h
         JOIN fct_workforce_snapshot s ON s.employee_id = h.employee_id AND s.simulation_year = h.simulation_year
         WHERE h.simulation_year = ${year} AND h.event_type = 'hire' AND s.employment_status = 'active'`,
      );
      expect(hires.length).toBeGreaterThan(1500);
      // Proactive enrollees stay; the others are auto-enrolled and opt out at their segment's rate.
      const expected =
        hires.reduce((sum, h) => {
          const pro = byAge(h.age, proactive);
          const optOut = byAge(h.age, ae.opt_out_rates.by_age) * byIncome(Number(h.pay), ae.opt_out_rates.by_income);
          return sum + pro + (1 - pro) * (1 - optOut);
        }, 0) / hires.length;
      const actual = hires.filter((h) => h.participation_status === 'participating').length / hires.length;
      expect(Math.abs(actual - expected), `${year}: actual ${actual}, expected ${expected}`).toBeLessThan(0.03);
    }
  });

  it('never re-enrolls a census participant or anyone already enrolled', async () => {
    const [row] = await query<{ n: number; census_participants: number }>(
      run.database,
      `SELECT count(*) FILTER (WHERE e.event_type = 'enrollment')::INTEGER AS n,
              (SELECT count(*) FROM stg_census_data WHERE employee_deferral_rate > 0 AND employee_termination_date IS NULL)::INTEGER
                  AS census_participants
       FROM fct_yearly_events e
       JOIN stg_census_data c ON c.employee_id = e.employee_id AND c.employee_deferral_rate > 0`,
    );
    expect(row?.census_participants).toBeGreaterThan(10_000);
    expect(row?.n).toBe(0);
    const [twice] = await query<{ n: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS n FROM (
         SELECT employee_id FROM fct_yearly_events WHERE event_type = 'enrollment'
         GROUP BY employee_id HAVING count(*) > 1 AND count(*) FILTER (WHERE event_category = 'auto_enrollment') > 1)`,
    );
    expect(twice?.n).toBe(0);
  });

  it('escalates enrolled employees once a year by the increment and never past the cap', async () => {
    const cap = config.deferral_auto_escalation.maximum_rate;
    const [row] = await query<{ escalations: number; above_cap: number; wrong_step: number; max_rate: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS escalations,
              count(*) FILTER (WHERE employee_deferral_rate > ${cap})::INTEGER AS above_cap,
              count(*) FILTER (WHERE employee_deferral_rate <> least(${cap}, prev_employee_deferral_rate + 0.01))::INTEGER AS wrong_step,
              max(employee_deferral_rate)::DOUBLE AS max_rate
       FROM fct_yearly_events WHERE event_type = 'deferral_escalation'`,
    );
    expect(row?.escalations).toBeGreaterThan(1000);
    expect(row?.above_cap).toBe(0);
    expect(row?.wrong_step).toBe(0);
    expect(row?.max_rate).toBeCloseTo(cap, 10);
    // First year: the first-escalation delay holds everyone back.
    const [first] = await query<{ n: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE event_type = 'deferral_escalation' AND simulation_year = 2025`,
    );
    expect(first?.n).toBe(0);
    // Hired before the cutoff: never escalated.
    const [early] = await query<{ n: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS n FROM fct_yearly_events e JOIN stg_census_data c USING (employee_id)
       WHERE e.event_type = 'deferral_escalation' AND c.employee_hire_date < DATE '2020-01-01'`,
    );
    expect(early?.n).toBe(0);
  });

  it('carries the deferral rate of new enrollees into the next year (defect D1)', async () => {
    const [row] = await query<{ carried: number; lost: number }>(
      run.database,
      `SELECT count(*) FILTER (WHERE r.current_deferral_rate >= e.employee_deferral_rate)::INTEGER AS carried,
              count(*) FILTER (WHERE r.current_deferral_rate = 0)::INTEGER AS lost
       FROM fct_yearly_events e
       JOIN int_deferral_rate_state_accumulator r
         ON r.employee_id = e.employee_id AND r.simulation_year = e.simulation_year + 1
       WHERE e.event_type = 'enrollment' AND e.simulation_year = 2025
         AND e.employee_id NOT IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'enrollment_change')`,
    );
    expect(row?.carried).toBeGreaterThan(1000);
    expect(row?.lost).toBe(0);
  });

  it('reports participation, deferral rate, contributions and employer cost in the summary', () => {
    for (const year of run.result.years) {
      const s = year.audit.summary;
      expect(s.participationRate).toBeGreaterThan(0.8);
      expect(s.participationRate).toBeLessThanOrEqual(1);
      expect(s.averageDeferralRate).toBeGreaterThan(0.02);
      expect(s.employeeContributions).toBeGreaterThan(0);
      expect(s.employerMatch).toBeGreaterThan(0);
      expect(s.employerCore).toBeGreaterThan(0);
      expect(s.employerCost).toBeCloseTo(s.employerMatch + s.employerCore, 2);
    }
  });
});

describe('DC plan switches', () => {
  let dir: string;
  let census: string;
  let base: SimulationRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-dc-switch-'));
    census = await makeCensus(dir, 1500, 33);
    base = await simulate({ dir, census, name: 'base', years: [2025, 2026] });
  });

  const count = async (database: string, where: string): Promise<number> =>
    (await query<{ n: number }>(database, `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE ${where}`))[0]!.n;

  it('auto-enrollment off: no auto-enrollments or opt-outs, fewer participating hires', async () => {
    const config = defaultConfigObject();
    config.enrollment.auto_enrollment.enabled = false;
    const off = await simulate({ dir, census, config, name: 'ae_off', years: [2025, 2026] });
    expect(await count(base.database, `event_category = 'auto_enrollment'`)).toBeGreaterThan(0);
    expect(await count(off.database, `event_category = 'auto_enrollment'`)).toBe(0);
    expect(await count(off.database, `event_type = 'enrollment_change'`)).toBe(0);
    // Without auto-enrollment, new hires can still enroll voluntarily.
    expect(await count(off.database, `event_category = 'voluntary_enrollment'`)).toBeGreaterThan(0);
    expect(off.result.years[1]!.audit.summary.participationRate).toBeLessThan(base.result.years[1]!.audit.summary.participationRate);
  });

  it('a zero match formula pays no match and writes no match events; the workforce is unchanged', async () => {
    const config = defaultConfigObject();
    config.employer_match.formulas.simple_match.match_rate = 0;
    const off = await simulate({ dir, census, config, name: 'match_off', years: [2025, 2026] });
    for (const year of off.result.years) expect(year.audit.summary.employerMatch).toBe(0);
    const [events] = await query<{ n: number }>(off.database, `SELECT count(*)::INTEGER AS n FROM fct_employer_match_events`);
    expect(events?.n).toBe(0);
    expect(off.result.years.map((y) => y.audit.summary.employerCore)).toEqual(base.result.years.map((y) => y.audit.summary.employerCore));
    expect(off.result.years.map((y) => y.audit.summary.activeHeadcount)).toEqual(base.result.years.map((y) => y.audit.summary.activeHeadcount));
  });

  it('core off pays no core; a higher core rate pays proportionally more', async () => {
    const offConfig = defaultConfigObject();
    offConfig.employer_core_contribution.enabled = false;
    const off = await simulate({ dir, census, config: offConfig, name: 'core_off', years: [2025, 2025] });
    expect(off.result.years[0]!.audit.summary.employerCore).toBe(0);
    expect(off.result.years[0]!.audit.summary.employerMatch).toBe(base.result.years[0]!.audit.summary.employerMatch);
    const doubleConfig = defaultConfigObject();
    doubleConfig.employer_core_contribution.contribution_rate = 0.02;
    const doubled = await simulate({ dir, census, config: doubleConfig, name: 'core_2pct', years: [2025, 2025] });
    expect(doubled.result.years[0]!.audit.summary.employerCore).toBeCloseTo(2 * base.result.years[0]!.audit.summary.employerCore, -2);
  });

  it('without a hire-date cutoff, census non-participants hired before 2020 are auto-enrolled too', async () => {
    const config = defaultConfigObject();
    config.enrollment.auto_enrollment.hire_date_cutoff = null;
    const all = await simulate({ dir, census, config, name: 'no_cutoff', years: [2025, 2025] });
    const early = `event_category = 'auto_enrollment' AND employee_id IN
                   (SELECT employee_id FROM stg_census_data WHERE employee_hire_date < DATE '2020-01-01')`;
    expect(await count(base.database, early)).toBe(0);
    expect(await count(all.database, early)).toBeGreaterThan(0);
  });

  it('escalation off: no escalation events', async () => {
    const config = defaultConfigObject();
    config.deferral_auto_escalation.enabled = false;
    const off = await simulate({ dir, census, config, name: 'esc_off', years: [2025, 2026] });
    expect(await count(base.database, `event_type = 'deferral_escalation'`)).toBeGreaterThan(0);
    expect(await count(off.database, `event_type = 'deferral_escalation'`)).toBe(0);
  });

  it('eligibility follows the minimum age and waiting period: nobody enrolls before becoming eligible', async () => {
    const config = defaultConfigObject();
    config.plan_eligibility.minimum_age = 30;
    config.plan_eligibility.waiting_period_days = 90;
    const run = await simulate({ dir, census, config, name: 'eligibility', years: [2025, 2025] });
    const [row] = await query<{ young_hires: number; young_enrolled: number; early: number; pending: number }>(
      run.database,
      `SELECT count(*) FILTER (WHERE h.employee_age < 30)::INTEGER AS young_hires,
              count(*) FILTER (WHERE h.employee_age < 30 AND e.employee_id IS NOT NULL)::INTEGER AS young_enrolled,
              count(*) FILTER (WHERE e.effective_date < h.effective_date + 90)::INTEGER AS early,
              (SELECT count(*) FROM fct_workforce_snapshot WHERE current_eligibility_status = 'pending')::INTEGER AS pending
       FROM fct_yearly_events h
       LEFT JOIN fct_yearly_events e ON e.employee_id = h.employee_id AND e.event_type = 'enrollment'
       WHERE h.event_type = 'hire'`,
    );
    expect(row?.young_hires).toBeGreaterThan(50);
    expect(row?.young_enrolled).toBe(0);
    expect(row?.early).toBe(0);
    expect(row?.pending).toBeGreaterThan(row!.young_hires - 1);
  });
});
