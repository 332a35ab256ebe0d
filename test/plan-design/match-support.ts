import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfigObject, query } from '../support/engine.js';

/**
 * Hand-made censuses for the match-mode tests: full-year employees on flat pay and a flat deferral
 * rate (no hires, terminations, raises, enrollment or escalation), so that every year's deferrals are
 * exactly rate x pay and each match can be worked out by hand.
 */

const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';

/** [id, birth date, hire date, salary, deferral rate] */
export type CensusRow = [string, string, string, number, string];

export function writeMatchCensus(dir: string, rows: CensusRow[]): string {
  const path = join(dir, 'census.csv');
  const lines = rows.map(([id, birth, hire, salary, rate], i) => `${id},SSN-${100000 + i},${birth},${hire},,${salary},${rate}`);
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
  return path;
}

/** The default config with everyone kept, paid and deferring exactly as the census says, 2025-2026. */
export function flatConfig(change: (config: Record<string, any>) => void = () => undefined): Record<string, any> {
  const c = defaultConfigObject();
  c.simulation.start_year = 2025;
  c.simulation.end_year = 2026;
  c.simulation.target_growth_rate = 0;
  c.workforce.total_termination_rate = 0;
  c.workforce.new_hire_termination_rate = 0;
  c.compensation.cola_rate = 0;
  c.compensation.merit_budget = 0;
  c.compensation.promotion_compensation.base_increase_pct = 0;
  c.compensation.promotion_compensation.distribution_range = 0;
  c.compensation.promotion_compensation.distribution_type = 'deterministic';
  c.enrollment.auto_enrollment.enabled = false;
  c.enrollment.proactive_enrollment.enabled = false;
  c.enrollment.voluntary_enrollment.enabled = false;
  c.enrollment.year_over_year_conversion.enabled = false;
  c.deferral_auto_escalation.enabled = false;
  change(c);
  return c;
}

export interface MatchRow {
  employee_id: string;
  simulation_year: number;
  annual_deferrals: string;
  employer_match_amount: string;
  match_status: string;
  formula_id: string;
  formula_type: string;
  applied_years_of_service: number;
  applied_points: number | null;
  match_band: string | null;
  irs_401a17_limit: string;
  irs_401a17_limit_applied: boolean;
  eligible_compensation: string;
}

/** Every match row, by employee then year. */
export function matchRows(database: string): Promise<MatchRow[]> {
  return query<MatchRow>(
    database,
    `SELECT employee_id, simulation_year, annual_deferrals::VARCHAR AS annual_deferrals,
            employer_match_amount::VARCHAR AS employer_match_amount, match_status, formula_id, formula_type,
            applied_years_of_service, applied_points, match_band, irs_401a17_limit::VARCHAR AS irs_401a17_limit,
            irs_401a17_limit_applied, eligible_compensation::VARCHAR AS eligible_compensation
     FROM int_employee_match_calculations ORDER BY employee_id, simulation_year`,
  );
}

/** employee → [year, years of service or points, band, deferrals, match] per year. */
export function byEmployee(rows: MatchRow[], measure: 'service' | 'points'): Record<string, Array<[number, number | null, string | null, string, string]>> {
  const out: Record<string, Array<[number, number | null, string | null, string, string]>> = {};
  for (const r of rows) {
    (out[r.employee_id] ??= []).push([
      r.simulation_year,
      measure === 'service' ? r.applied_years_of_service : r.applied_points,
      r.match_band,
      r.annual_deferrals,
      r.employer_match_amount,
    ]);
  }
  return out;
}

/** A tenure-graded match whose ceiling is 4 % of pay below 3 years of service and 8 % from 3 years. */
export const CEILING_4_8_BANDS = [
  { min_years: 0, max_years: 3, tiers: [{ employee_min: 0, employee_max: 0.04, match_rate: 1.0 }] },
  {
    min_years: 3,
    max_years: null,
    tiers: [
      { employee_min: 0, employee_max: 0.03, match_rate: 1.0 },
      { employee_min: 0.03, employee_max: 0.08, match_rate: 0.5 },
    ],
  },
];
