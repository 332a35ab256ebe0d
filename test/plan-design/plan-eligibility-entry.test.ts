import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCensusRows } from '../../src/census/generate.js';
import { defaultConfigObject, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * Plan eligibility evaluated in every year (the reference's P13), with entry dates (ours) and no
 * enrollment before entry (P14): age 21, a 90-day wait and quarterly entry, 2025-2027, on a census of
 * generated employees plus hand-made rows whose dates sit on the edges. No terminations, growth 100 %
 * (so that 2025 has a hire on Nov 15: hire dates cycle Jan 1 + seq % 365), auto-enrollment only, no
 * opt-outs: every enrollment is an auto-enrollment dated entry (or Jan 1) + 45 days.
 */

/** id, birth date, hire date; hand-computed: [year, status, reason] per year, entry date, auto-enrollment date. */
const EDGES: Array<{ id: string; birth: string; hire: string; entry: string; years: Array<[string, string]>; ae: string }> = [
  // 21 on 2026-05-20 (wait over 2023-05-30): entry 2026-07-01, auto-enrolled 2026-08-15.
  { id: 'E_AGE26', birth: '2005-05-20', hire: '2023-03-01', entry: '2026-07-01', years: [['pending', 'minimum_age'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2026-08-15' },
  // 21 on 2025-12-10: requirements met in 2025, entry on the next quarter, 2026-01-01.
  { id: 'E_DEC10', birth: '2004-12-10', hire: '2022-06-01', entry: '2026-01-01', years: [['pending', 'entry_date'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2026-02-15' },
  // 21 on 2026-01-01, a quarter's first day: entry that day.
  { id: 'E_21JAN1', birth: '2005-01-01', hire: '2024-06-01', entry: '2026-01-01', years: [['pending', 'minimum_age'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2026-02-15' },
  // Hired 2025-01-01: 90 days later is 2025-04-01, a quarter's first day: entry that day ("on or after").
  { id: 'E_APR1', birth: '1985-03-03', hire: '2025-01-01', entry: '2025-04-01', years: [['eligible', 'eligible'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2025-05-16' },
  // One day later: wait over 2025-04-02, entry 2025-07-01.
  { id: 'E_APR2', birth: '1985-03-03', hire: '2025-01-02', entry: '2025-07-01', years: [['eligible', 'eligible'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2025-08-15' },
  // Hired 2025-10-15: the wait runs past Dec 31 (2026-01-13), entry 2026-04-01.
  { id: 'E_OCT15', birth: '1985-03-03', hire: '2025-10-15', entry: '2026-04-01', years: [['pending', 'waiting_period'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2026-05-16' },
  // Entered 2021-07-01 (wait over 2021-05-11): swept into auto-enrollment in the first year.
  { id: 'E_OLD', birth: '1970-01-01', hire: '2021-02-10', entry: '2021-07-01', years: [['eligible', 'eligible'], ['eligible', 'eligible'], ['eligible', 'eligible']], ae: '2025-02-15' },
];

const DAY = 86_400_000;
const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * DAY).toISOString().slice(0, 10);

/** The entry date of our rule, written independently of the SQL: the first day of a quarter on or after `met`. */
function quarterlyEntry(met: string): string {
  const [y, m, d] = met.split('-').map(Number) as [number, number, number];
  if (d === 1 && (m - 1) % 3 === 0) return met;
  const next = Math.floor((m - 1) / 3) * 3 + 4;
  return next > 12 ? `${y + 1}-01-01` : `${y}-${String(next).padStart(2, '0')}-01`;
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  // Feb 29 + years lands on Feb 28 in a common year, as DuckDB's date + interval does.
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${y + years}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

describe('plan eligibility: age 21, 90 days, quarterly entry, 2025-2027 (hand-computed)', () => {
  let run: SimulationRun;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-plan-eligibility-'));
    const census = join(dir, 'census.csv');
    const generated = generateCensusRows({ employees: 360, seed: 11 }).map((r) =>
      [r.employee_id, r.employee_birth_date, r.employee_hire_date, r.employee_termination_date ?? '', r.employee_gross_compensation, r.employee_deferral_rate].join(','),
    );
    const edges = EDGES.map((e) => [e.id, e.birth, e.hire, '', 60000, 0].join(','));
    writeFileSync(
      census,
      `employee_id,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate\n${[...generated, ...edges].join('\n')}\n`,
    );
    const config = defaultConfigObject();
    config.simulation.target_growth_rate = 1;
    config.workforce.total_termination_rate = 0;
    config.workforce.new_hire_termination_rate = 0;
    config.plan_eligibility.waiting_period_days = 90;
    config.plan_eligibility.minimum_age = 21;
    config.eligibility.entry_date_type = 'quarterly';
    const e = config.enrollment;
    e.proactive_enrollment.enabled = false;
    e.voluntary_enrollment.enabled = false;
    e.year_over_year_conversion.enabled = false;
    e.auto_enrollment.opt_out_rates.by_age = { young: 0, mid_career: 0, mature: 0, senior: 0 };
    run = await simulate({ dir, census, config, years: [2025, 2027] });
  });

  it('dates, statuses and reasons of the edge rows, year by year', async () => {
    const rows = await query<{ employee_id: string; simulation_year: number; eligibility_date: string; entry_date: string; status: string; reason: string; snapshot_status: string; snapshot_date: string }>(
      run.database,
      `SELECT e.employee_id, e.simulation_year, e.eligibility_date::VARCHAR AS eligibility_date, e.entry_date::VARCHAR AS entry_date,
              e.eligibility_status AS status, e.eligibility_reason AS reason,
              s.current_eligibility_status AS snapshot_status, s.employee_eligibility_date::VARCHAR AS snapshot_date
       FROM int_plan_eligibility e
       JOIN fct_workforce_snapshot s USING (employee_id, simulation_year)
       WHERE e.employee_id LIKE 'E\\_%' ESCAPE '\\' ORDER BY 1, 2`,
    );
    const expected = EDGES.flatMap((edge) =>
      edge.years.map(([status, reason], i) => ({
        employee_id: edge.id,
        simulation_year: 2025 + i,
        eligibility_date: [addDays(edge.hire, 90), addYears(edge.birth, 21)].sort()[1],
        entry_date: edge.entry,
        status,
        reason,
        snapshot_status: status,
        snapshot_date: edge.entry,
      })),
    );
    expect(rows).toEqual(expected.sort((a, b) => a.employee_id.localeCompare(b.employee_id) || a.simulation_year - b.simulation_year));
  });

  it('auto-enrolls each edge row once, on its entry date (or Jan 1) + 45 days', async () => {
    const rows = await query<{ employee_id: string; effective_date: string }>(
      run.database,
      `SELECT employee_id, effective_date::VARCHAR AS effective_date FROM fct_yearly_events
       WHERE event_type = 'enrollment' AND employee_id LIKE 'E\\_%' ESCAPE '\\' ORDER BY 1, 2`,
    );
    expect(rows).toEqual(EDGES.map((e) => ({ employee_id: e.id, effective_date: e.ae })).sort((a, b) => a.employee_id.localeCompare(b.employee_id)));
  });

  it('a hire of 2025-11-15 becomes eligible in 2026 (wait over 2026-02-13, entry 2026-04-01)', async () => {
    const rows = await query<{ simulation_year: number; hire: string; eligibility_date: string; entry_date: string; is_eligible: boolean; reason: string }>(
      run.database,
      `SELECT simulation_year, employee_hire_date::VARCHAR AS hire, eligibility_date::VARCHAR AS eligibility_date,
              entry_date::VARCHAR AS entry_date, is_eligible, eligibility_reason AS reason
       FROM int_plan_eligibility WHERE employee_id = 'NH_2025_000318' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { simulation_year: 2025, hire: '2025-11-15', eligibility_date: '2026-02-13', entry_date: '2026-04-01', is_eligible: false, reason: 'waiting_period' },
      { simulation_year: 2026, hire: '2025-11-15', eligibility_date: '2026-02-13', entry_date: '2026-04-01', is_eligible: true, reason: 'eligible' },
      { simulation_year: 2027, hire: '2025-11-15', eligibility_date: '2026-02-13', entry_date: '2026-04-01', is_eligible: true, reason: 'eligible' },
    ]);
    const [ae] = await query<{ d: string }>(
      run.database,
      `SELECT effective_date::VARCHAR AS d FROM fct_yearly_events WHERE employee_id = 'NH_2025_000318' AND event_type = 'enrollment'`,
    );
    expect(ae?.d).toBe('2026-05-16');
  });

  it('every row of every year follows the rule; nobody enrolls before entry; everyone enrolls in the year of entry', async () => {
    const rows = await query<{
      employee_id: string;
      simulation_year: number;
      birth: string;
      hire: string;
      eligibility_date: string;
      entry_date: string;
      is_eligible: boolean;
      hire_cutoff_ok: boolean;
      enrolled_on: string | null;
      enrolled_at_start: boolean;
    }>(
      run.database,
      `SELECT e.employee_id, e.simulation_year, e.employee_birth_date::VARCHAR AS birth, e.employee_hire_date::VARCHAR AS hire,
              e.eligibility_date::VARCHAR AS eligibility_date, e.entry_date::VARCHAR AS entry_date, e.is_eligible,
              e.employee_hire_date >= DATE '2020-01-01' AS hire_cutoff_ok,
              x.effective_date::VARCHAR AS enrolled_on,
              coalesce(prev.is_enrolled, b.employee_deferral_rate > 0, false) AS enrolled_at_start
       FROM int_plan_eligibility e
       LEFT JOIN fct_yearly_events x
         ON x.employee_id = e.employee_id AND x.simulation_year = e.simulation_year AND x.event_type = 'enrollment'
       LEFT JOIN int_enrollment_state_accumulator prev
         ON prev.employee_id = e.employee_id AND prev.simulation_year = e.simulation_year - 1
       LEFT JOIN int_baseline_workforce b ON b.employee_id = e.employee_id AND e.simulation_year = 2025
       ORDER BY 1, 2`,
    );
    expect(rows.length).toBeGreaterThan(2000);
    expect(rows.filter((r) => r.employee_id.startsWith('NH_') && r.simulation_year > Number(r.employee_id.slice(3, 7))).length).toBeGreaterThan(300);
    for (const r of rows) {
      const met = [addDays(r.hire, 90), addYears(r.birth, 21)].sort()[1]!;
      const where = `${r.employee_id} ${r.simulation_year}`;
      expect(r.eligibility_date, where).toBe(met);
      expect(r.entry_date, where).toBe(quarterlyEntry(met));
      expect(r.is_eligible, where).toBe(r.entry_date <= `${r.simulation_year}-12-31`);
      if (r.enrolled_on !== null) expect(r.enrolled_on >= r.entry_date, where).toBe(true);
      // In auto-enrollment scope in the year of entry (the first year for those who entered before).
      const scopeYear = Math.max(2025, Number(r.entry_date.slice(0, 4)));
      if (r.hire_cutoff_ok && !r.enrolled_at_start && r.simulation_year === scopeYear) {
        const from = r.entry_date > `${scopeYear}-01-01` ? r.entry_date : `${scopeYear}-01-01`;
        const ae = addDays(from, 45);
        expect(r.enrolled_on, where).toBe(ae > `${scopeYear}-12-31` ? `${scopeYear}-12-31` : ae);
      }
    }
  });
});
