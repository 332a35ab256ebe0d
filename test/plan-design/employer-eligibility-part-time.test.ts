import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigObject, makeCensus, query, simulate } from '../support/engine.js';

/**
 * workforce.part_time_new_hire_pct: the share of simulated hires scheduled 20 hours a week, drawn once
 * (in the hire year) and kept in later years; hours of leavers counted to their termination date.
 * A growing workforce (400 employees, +30 %/yr, 2025-2026) gives a few hundred hires.
 */
const SHARE = 0.25;
let dir: string;
let database: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-ee-pt-'));
  const census = await makeCensus(dir, 400);
  const raw = defaultConfigObject();
  raw.simulation.target_growth_rate = 0.3;
  raw.workforce.part_time_new_hire_pct = SHARE;
  database = (await simulate({ dir, census, config: raw, years: [2025, 2026] })).database;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('part-time new hires', () => {
  it(`schedules about ${SHARE * 100} % of a few hundred hires at 20 h a week, the others and the census at 40 h`, async () => {
    const [hires] = await query<{ n: number; part_time: number; other: number }>(
      database,
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE scheduled_hours_per_week = 20)::INTEGER AS part_time,
              count(*) FILTER (WHERE scheduled_hours_per_week NOT IN (20, 40))::INTEGER AS other
       FROM int_employer_eligibility WHERE is_new_hire`,
    );
    expect(hires!.n).toBeGreaterThan(250);
    expect(hires!.other).toBe(0);
    // Binomial standard deviation at n = 250 is 2.7 points: 6 points is over 2 of them.
    expect(Math.abs(hires!.part_time / hires!.n - SHARE)).toBeLessThan(0.06);
    const [census] = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM int_employer_eligibility WHERE employee_id NOT LIKE 'NH_%' AND scheduled_hours_per_week <> 40`,
    );
    expect(census!.n).toBe(0);
  });

  it('keeps a hire\'s schedule in the next year; a 2025 part-time hire working all of 2026 has 1,040 hours', async () => {
    const [carried] = await query<{ n: number; changed: number; part_time_full_year: number; not_1040: number }>(
      database,
      `SELECT count(*)::INTEGER AS n,
              count(*) FILTER (WHERE a.scheduled_hours_per_week <> b.scheduled_hours_per_week)::INTEGER AS changed,
              count(*) FILTER (WHERE b.scheduled_hours_per_week = 20 AND b.employment_status = 'active')::INTEGER AS part_time_full_year,
              count(*) FILTER (WHERE b.scheduled_hours_per_week = 20 AND b.employment_status = 'active'
                                 AND b.annual_hours_worked <> 1040)::INTEGER AS not_1040
       FROM int_employer_eligibility a JOIN int_employer_eligibility b USING (employee_id)
       WHERE a.simulation_year = 2025 AND a.is_new_hire AND b.simulation_year = 2026`,
    );
    expect(carried!.n).toBeGreaterThan(50);
    expect(carried!.changed).toBe(0);
    expect(carried!.part_time_full_year).toBeGreaterThan(5);
    expect(carried!.not_1040).toBe(0);
  });

  it('counts the hours of every leaver, new hires included, to the termination date (the reference ran new hires to Dec 31, P16)', async () => {
    const leavers = await query<{ employee_id: string; hire: string; term: string; hours: number; h: string; is_new_hire: boolean }>(
      database,
      `SELECT e.employee_id, s.employee_hire_date::VARCHAR AS hire, s.termination_date::VARCHAR AS term,
              e.annual_hours_worked AS hours, e.scheduled_hours_per_week::VARCHAR AS h, e.is_new_hire
       FROM int_employer_eligibility e JOIN fct_workforce_snapshot s USING (employee_id, simulation_year)
       WHERE s.termination_date IS NOT NULL`,
    );
    expect(leavers.filter((l) => l.is_new_hire).length).toBeGreaterThan(20);
    for (const l of leavers) {
      const year = Number(l.term.slice(0, 4));
      const from = l.hire > `${year}-01-01` ? l.hire : `${year}-01-01`;
      const days = (Date.parse(l.term) - Date.parse(from)) / 86_400_000 + 1;
      expect(l.hours, l.employee_id).toBe(Math.round((days * Number(l.h) * 52) / 365));
    }
  });
});
