import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigObject, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * Auto-enrollment across a year end: under `new_hires_only` an employee is in auto-enrollment (and
 * proactive) scope once, in the simulated year their eligibility date falls in (the first simulated
 * year if it fell earlier), with the window starting at the eligibility date.
 */

describe('a 365-day waiting period on the sample census (2025-2027)', () => {
  let run: SimulationRun;
  const config = defaultConfigObject();
  config.eligibility.waiting_period_days = 365;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-dc-year-end-'));
    run = await simulate({ dir, census: 'examples/census_5000.parquet', config, years: [2025, 2027] });
  });

  it('enrolls every 2025 hire still employed on their 2026 eligibility date on or after that date', async () => {
    const window = config.enrollment.auto_enrollment.window_days as number;
    const rows = await query<{ employee_id: string; eligible: string; terminated: string | null; enrolled: string | null }>(
      run.database,
      `SELECT h.employee_id, e.eligibility_date::VARCHAR AS eligible, e.termination_date::VARCHAR AS terminated,
              min(x.effective_date)::VARCHAR AS enrolled
       FROM fct_yearly_events h
       JOIN int_plan_eligibility e ON e.employee_id = h.employee_id AND e.simulation_year = 2026
       LEFT JOIN fct_yearly_events x
         ON x.employee_id = h.employee_id AND x.event_type IN ('enrollment', 'enrollment_change')
        AND x.effective_date >= e.eligibility_date
       WHERE h.event_type = 'hire' AND h.simulation_year = 2025 AND year(e.eligibility_date) = 2026
         AND (e.termination_date IS NULL OR e.termination_date > e.eligibility_date)
       GROUP BY ALL ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(400);
    // Without an enrollment only those who left before their auto-enrollment date (eligibility + window).
    const missing = rows.filter((r) => r.enrolled === null);
    for (const r of missing) {
      const aeDate = new Date(Date.parse(r.eligible) + window * 86_400_000).toISOString().slice(0, 10);
      expect(r.terminated !== null && r.terminated <= aeDate, `${r.employee_id} eligible ${r.eligible}`).toBe(true);
    }
    expect(missing.length).toBeLessThan(rows.length / 20);
  });

  it('auto-enrolls in 2026 and 2027, and never before eligibility', async () => {
    const rows = await query<{ simulation_year: number; n: number; early: number }>(
      run.database,
      `SELECT x.simulation_year, count(*)::INTEGER AS n,
              count(*) FILTER (WHERE x.effective_date < e.eligibility_date)::INTEGER AS early
       FROM fct_yearly_events x
       JOIN int_plan_eligibility e ON e.employee_id = x.employee_id AND e.simulation_year = x.simulation_year
       WHERE x.event_category = 'auto_enrollment' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => r.simulation_year)).toEqual([2025, 2026, 2027]);
    // 2025: census employees reaching eligibility; from 2026 also the previous year's hires.
    for (const r of rows) {
      expect(r.n, `${r.simulation_year}`).toBeGreaterThan(r.simulation_year === 2025 ? 150 : 300);
      expect(r.early).toBe(0);
    }
    // Most of 2026's are 2025 hires reaching eligibility in 2026.
    const [carried] = await query<{ n: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS n FROM fct_yearly_events x
       JOIN fct_yearly_events h ON h.employee_id = x.employee_id AND h.event_type = 'hire' AND h.simulation_year = 2025
       WHERE x.event_category = 'auto_enrollment' AND x.simulation_year = 2026`,
    );
    expect(carried!.n).toBeGreaterThan(300);
  });
});

// ---------------------------------------------------------------------------------------------------
// Hand-computed edges on a hand-made census: no hires, no terminations, a 730-day waiting period.

const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';

/** id, birth date, hire date, deferral rate. Ages at 2025: young (<= 30) opt out always, others never. */
const CENSUS: Array<[string, string, string, string]> = [
  // 2024-01-01 + 730 days = 2025-12-31: in scope in 2025, enrolled on its last day.
  ['E_DEC31', '1980-05-05', '2024-01-01', '0'],
  // 2024-01-02 + 730 days = 2026-01-01: nothing in 2025, enrolled 2026-01-01 + 45 = 2026-02-15.
  ['E_JAN1', '1980-05-05', '2024-01-02', '0'],
  // Eligible 2023-03-01, before the first year: in scope in 2025 (window from Jan 1), never later.
  ['E_EARLY', '1980-05-05', '2021-03-01', '0'],
  // Hired before the 2020-01-01 cutoff: never in scope.
  ['E_PRECUTOFF', '1980-05-05', '2019-06-01', '0'],
  // Young, eligible 2023-01-01: auto-enrolled 2025-02-15, opts out, never offered again.
  ['E_OPTOUT', '2000-05-05', '2021-01-01', '0'],
  // Young, eligible 2026-01-01: auto-enrolled 2026-02-15, opts out, not offered again in 2027.
  ['E_OPTOUT26', '2000-05-05', '2024-01-02', '0'],
  // Waiting period over 2024-12-31, but 21 only on 2027-07-01: auto-enrolled 2027-08-15 (then opts out: young).
  ['E_AGE', '2006-07-01', '2023-01-01', '0'],
  // Census participant: never enrolled again.
  ['E_PART', '1980-05-05', '2024-01-02', '0.05'],
];

function edgeConfig(change: (c: Record<string, any>) => void = () => undefined): Record<string, any> {
  const c = defaultConfigObject();
  c.simulation.target_growth_rate = 0;
  c.workforce.total_termination_rate = 0;
  c.workforce.new_hire_termination_rate = 0;
  c.plan_eligibility.waiting_period_days = 730;
  const e = c.enrollment;
  e.proactive_enrollment.enabled = false;
  e.voluntary_enrollment.enabled = false;
  e.year_over_year_conversion.enabled = false;
  e.auto_enrollment.opt_out_rates.by_age = { young: 1, mid_career: 0, mature: 0, senior: 0 };
  e.auto_enrollment.opt_out_rates.by_income = { low_income: 1, moderate: 1, high: 1, executive: 1 };
  change(c);
  return c;
}

type Event = { employee_id: string; simulation_year: number; event_category: string; effective_date: string };

describe('auto-enrollment scope at the edges of the year (hand-computed, 2025-2027)', () => {
  let dir: string;
  let census: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-dc-ae-edges-'));
    census = join(dir, 'census.csv');
    const lines = CENSUS.map(([id, birth, hire, rate], i) => `${id},SSN-${100000 + i},${birth},${hire},,60000,${rate}`);
    writeFileSync(census, `${[HEADER, ...lines].join('\n')}\n`);
  });

  const enrollmentEvents = async (database: string): Promise<Event[]> =>
    query<Event>(
      database,
      `SELECT employee_id, simulation_year, event_category, effective_date::VARCHAR AS effective_date
       FROM fct_yearly_events WHERE event_type IN ('enrollment', 'enrollment_change', 'hire', 'termination')
       ORDER BY employee_id, effective_date, event_category`,
    );

  it('new_hires_only: once, in the year eligibility falls in (or the first year), from the eligibility date', async () => {
    const run = await simulate({ dir, census, config: edgeConfig(), name: 'new_hires_only', years: [2025, 2027] });
    const events = await enrollmentEvents(run.database);
    // Opt-outs fall 1 to 30 days after the enrollment: check their window, then compare the rest exactly.
    const optOuts = events.filter((e) => e.event_category === 'enrollment_opt_out');
    expect(optOuts.map((e) => [e.employee_id, e.simulation_year])).toEqual([
      ['E_AGE', 2027],
      ['E_OPTOUT', 2025],
      ['E_OPTOUT26', 2026],
    ]);
    const within = (date: string, from: string, to: string) => date >= from && date <= to;
    expect(within(optOuts[0]!.effective_date, '2027-08-16', '2027-09-14')).toBe(true);
    expect(within(optOuts[1]!.effective_date, '2025-02-16', '2025-03-17')).toBe(true);
    expect(within(optOuts[2]!.effective_date, '2026-02-16', '2026-03-17')).toBe(true);
    expect(events.filter((e) => e.event_category !== 'enrollment_opt_out')).toEqual([
      { employee_id: 'E_AGE', simulation_year: 2027, event_category: 'auto_enrollment', effective_date: '2027-08-15' },
      { employee_id: 'E_DEC31', simulation_year: 2025, event_category: 'auto_enrollment', effective_date: '2025-12-31' },
      { employee_id: 'E_EARLY', simulation_year: 2025, event_category: 'auto_enrollment', effective_date: '2025-02-15' },
      { employee_id: 'E_JAN1', simulation_year: 2026, event_category: 'auto_enrollment', effective_date: '2026-02-15' },
      { employee_id: 'E_OPTOUT', simulation_year: 2025, event_category: 'auto_enrollment', effective_date: '2025-02-15' },
      { employee_id: 'E_OPTOUT26', simulation_year: 2026, event_category: 'auto_enrollment', effective_date: '2026-02-15' },
    ]);
    // Participation at the end of each year follows.
    const snapshot = await query<{ simulation_year: number; participants: string }>(
      run.database,
      `SELECT simulation_year, string_agg(employee_id, ' ' ORDER BY employee_id) AS participants
       FROM fct_workforce_snapshot WHERE participation_status = 'participating' GROUP BY 1 ORDER BY 1`,
    );
    expect(snapshot).toEqual([
      { simulation_year: 2025, participants: 'E_DEC31 E_EARLY E_PART' },
      { simulation_year: 2026, participants: 'E_DEC31 E_EARLY E_JAN1 E_PART' },
      { simulation_year: 2027, participants: 'E_DEC31 E_EARLY E_JAN1 E_PART' },
    ]);
  });

  it('proactive enrollment is offered to the newly eligible of the auto-enrollment scope only', async () => {
    const config = edgeConfig((c) => {
      const pro = c.enrollment.proactive_enrollment;
      pro.enabled = true;
      pro.probability_by_demographics = { young: 1, mid_career: 1, mature: 1, senior: 1 };
    });
    const run = await simulate({ dir, census, config, name: 'proactive', years: [2025, 2027] });
    const enrollments = (await enrollmentEvents(run.database)).filter((e) => e.event_category !== 'enrollment_opt_out');
    const { min_days: min, max_days: max } = config.enrollment.proactive_enrollment.timing_window;
    expect([min, max]).toEqual([7, 35]);
    const byId = Object.fromEntries(enrollments.map((e) => [e.employee_id, e]));
    expect(Object.keys(byId).sort()).toEqual(['E_AGE', 'E_DEC31', 'E_EARLY', 'E_JAN1', 'E_OPTOUT', 'E_OPTOUT26']);
    // Newly eligible: proactive, 7 to 35 days after eligibility, capped at Dec 31.
    expect(byId.E_DEC31).toMatchObject({ simulation_year: 2025, event_category: 'proactive_voluntary', effective_date: '2025-12-31' });
    expect(byId.E_JAN1).toMatchObject({ simulation_year: 2026, event_category: 'proactive_voluntary' });
    expect(byId.E_JAN1!.effective_date >= '2026-01-08' && byId.E_JAN1!.effective_date <= '2026-02-05').toBe(true);
    expect(byId.E_OPTOUT26).toMatchObject({ simulation_year: 2026, event_category: 'proactive_voluntary' });
    expect(byId.E_AGE).toMatchObject({ simulation_year: 2027, event_category: 'proactive_voluntary' });
    expect(byId.E_AGE!.effective_date >= '2027-07-08' && byId.E_AGE!.effective_date <= '2027-08-05').toBe(true);
    // Eligible before the first year: the first year's auto-enrollment sweep, no proactive decision.
    expect(byId.E_EARLY).toMatchObject({ simulation_year: 2025, event_category: 'auto_enrollment', effective_date: '2025-02-15' });
    expect(byId.E_OPTOUT).toMatchObject({ simulation_year: 2025, event_category: 'auto_enrollment', effective_date: '2025-02-15' });
  });

  it('no hire-date cutoff: everyone once, in their eligibility year, never again after an opt-out', async () => {
    const config = edgeConfig((c) => {
      c.enrollment.auto_enrollment.hire_date_cutoff = null;
    });
    const run = await simulate({ dir, census, config, name: 'all_eligible', years: [2025, 2027] });
    const enrollments = (await enrollmentEvents(run.database)).filter((e) => e.event_category === 'auto_enrollment');
    expect(enrollments.map((e) => [e.employee_id, e.simulation_year, e.effective_date])).toEqual([
      ['E_AGE', 2027, '2027-08-15'],
      ['E_DEC31', 2025, '2025-12-31'],
      ['E_EARLY', 2025, '2025-02-15'],
      ['E_JAN1', 2026, '2026-02-15'],
      ['E_OPTOUT', 2025, '2025-02-15'],
      ['E_OPTOUT26', 2026, '2026-02-15'],
      ['E_PRECUTOFF', 2025, '2025-02-15'],
    ]);
  });
});
