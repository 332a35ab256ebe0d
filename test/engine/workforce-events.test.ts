/**
 * Workforce events against hand-computed rules, on real runs through DuckDB: the merit budget is a
 * share of start-of-year pay, census employees hired in the first year are paid from their hire date,
 * and a hire's birth year makes the census age rule agree with the age carried from year to year.
 */
import { describe, expect, it } from 'vitest';
import { writeText } from '../census/helpers.js';
import { defaultConfigObject, makeCensus, query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

describe('merit budget', () => {
  it('Σ merit rate realised x start-of-year pay / Σ start-of-year pay of those raised = merit_budget, every year', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 600, 11);
    const config = defaultConfigObject();
    config.compensation.merit_budget = 0.03;
    config.compensation.cola_rate = 0.015;
    const { database } = await simulate({ dir, census, config, years: [2025, 2027] });
    // The merit part of each raise as realised (new / old - 1 - COLA, after rounding to cents), on
    // the pay it applied to (the promotion salary when a promotion came first), weighted by the
    // employee's start-of-year pay.
    const rows = await query<{ simulation_year: number; raises: number; merit_share: number }>(
      database,
      `SELECT e.simulation_year, count(*)::INTEGER AS raises,
              (sum((e.compensation_amount / e.previous_compensation - 1 - 0.015) * c.employee_compensation)
                 / sum(c.employee_compensation))::DOUBLE AS merit_share
         FROM fct_yearly_events e
         JOIN int_employee_compensation_by_year c USING (employee_id, simulation_year)
        WHERE e.event_type = 'raise'
        GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => r.simulation_year)).toEqual([2025, 2026, 2027]);
    for (const r of rows) {
      expect(r.raises).toBeGreaterThan(300);
      // Rounding each salary to cents moves a rate by at most 0.005 / pay: far below 1e-6 here.
      expect(Math.abs(r.merit_share - 0.03), `year ${r.simulation_year}: ${r.merit_share}`).toBeLessThan(1e-6);
    }
  });
});

const HEAD = 'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate';

describe('census employees hired during the first simulated year', () => {
  it('are paid from their hire date, and never leave before it', async () => {
    const dir = tempDir();
    const lines = [HEAD];
    // 60 long-serving employees and 12 hired during 2025 (one on Jan 1, one on Dec 31).
    for (let i = 1; i <= 60; i += 1) lines.push(`OLD${i},1980-05-05,2015-03-01,${50000 + i * 500},0.05`);
    const hireDates = ['2025-01-01', '2025-02-15', '2025-03-31', '2025-04-01', '2025-05-20', '2025-06-30',
      '2025-07-01', '2025-08-08', '2025-09-30', '2025-10-15', '2025-11-30', '2025-12-31'];
    hireDates.forEach((date, i) => lines.push(`NEW${i + 1},1990-01-01,${date},73000,0.05`));
    const census = writeText(dir, 'census.csv', lines);
    const { database } = await simulate({ dir, census, years: [2025, 2026] });
    const rows = await query<{ employee_id: string; hire: string; termination_date: string | null; days: number; pay: string; raises: number }>(
      database,
      `SELECT s.employee_id, s.employee_hire_date::VARCHAR AS hire, s.termination_date::VARCHAR AS termination_date,
              (coalesce(s.termination_date, DATE '2025-12-31') - s.employee_hire_date + 1)::INTEGER AS days,
              s.prorated_annual_compensation::VARCHAR AS pay,
              (SELECT count(*) FROM fct_yearly_events e
                WHERE e.employee_id = s.employee_id AND e.simulation_year = 2025
                  AND e.event_type IN ('raise', 'promotion'))::INTEGER AS raises
         FROM fct_workforce_snapshot s
        WHERE s.simulation_year = 2025 AND s.employee_id LIKE 'NEW%'
        ORDER BY s.employee_id`,
    );
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      if (r.termination_date !== null) expect(r.termination_date >= r.hire, r.employee_id).toBe(true);
      expect(r.raises, r.employee_id).toBe(0); // tenure 0: no merit, no promotion
      // 73 000 a year for the days from the hire date; 2025 has 365 days.
      expect(r.pay, r.employee_id).toBe((Math.round((73000 * r.days * 100) / 365) / 100).toFixed(2));
    }
    // E.g. hired Jul 1, employed to Dec 31: 184 days → 36 800.00.
    const july = rows.find((r) => r.hire === '2025-07-01');
    if (july?.termination_date === null) expect(july.pay).toBe('36800.00');
    // In 2026 those still employed are paid from Jan 1 again (full-year pay before any raise).
    const next = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot s
        WHERE s.simulation_year = 2026 AND s.employee_id LIKE 'NEW%' AND s.termination_date IS NULL
          AND NOT EXISTS (SELECT 1 FROM fct_yearly_events e WHERE e.employee_id = s.employee_id
                            AND e.simulation_year = 2026 AND e.event_type IN ('raise', 'promotion'))
          AND s.prorated_annual_compensation <> s.current_compensation`,
    );
    expect(next[0]?.n).toBe(0);
  });

  it('an employee hired after the first simulated year is refused, naming the line', async () => {
    const dir = tempDir();
    const lines = [HEAD, 'OLD1,1980-05-05,2015-03-01,60000,0.05', 'LAST,1990-01-01,2025-12-31,73000,0.05', 'LATE,1990-01-01,2026-01-01,73000,0.05'];
    const census = writeText(dir, 'census.csv', lines);
    const error = await simulate({ dir, census, years: [2025, 2026] }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      `${census} line 4, column employee_hire_date: hire date "2026-01-01" is after the first simulated year (it ends "2025-12-31")`,
    );
    expect((error as Error).message).not.toContain('line 3');
    // The same census is fine for a simulation that starts in 2026.
    const later = await simulate({ dir, census, name: 'from2026', years: [2026, 2026] });
    expect(later.result.years.map((y) => y.year)).toEqual([2026]);
  });
});

describe('ages of hires', () => {
  it('a hire of age a in year Y has birth year Y-1-a, so the census rule gives a in Y and a+1 in Y+1', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 300, 5);
    const { database } = await simulate({ dir, census, years: [2025, 2026] });
    const rows = await query<{ employee_id: string; hire_age: number; birth_year: number; age_2026: number | null }>(
      database,
      `SELECT h.employee_id, h.employee_age AS hire_age, year(s.employee_birth_date)::INTEGER AS birth_year,
              c.current_age AS age_2026
         FROM fct_yearly_events h
         JOIN fct_workforce_snapshot s ON s.employee_id = h.employee_id AND s.simulation_year = 2025
         LEFT JOIN int_employee_compensation_by_year c ON c.employee_id = h.employee_id AND c.simulation_year = 2026
        WHERE h.event_type = 'hire' AND h.simulation_year = 2025`,
    );
    expect(rows.length).toBeGreaterThan(30);
    const stayed = rows.filter((r) => r.age_2026 !== null);
    expect(stayed.length).toBeGreaterThan(10);
    for (const r of rows) {
      expect(2025 - 1 - r.birth_year, r.employee_id).toBe(r.hire_age);
      if (r.age_2026 !== null) {
        expect(r.age_2026, r.employee_id).toBe(r.hire_age + 1);
        expect(2026 - 1 - r.birth_year, r.employee_id).toBe(r.age_2026);
      }
    }
  });
});
