import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { query } from '../support/engine.js';
import { flatConfig } from './match-support.js';

/**
 * Hand-made censuses for the core-mode tests: full-year employees on flat pay and a flat 5 % deferral
 * rate, nobody leaving, hired or raised, so that each year's core can be worked out by hand.
 * Measures in year Y: age = Y − birth year (attained by Dec 31); years of service = whole years from
 * the hire date to Dec 31 of Y; points = age + years of service.
 */

const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';

/** [id, birth date, hire date, salary] */
export type CoreCensusRow = [string, string, string, string];

export function writeCoreCensus(dir: string, rows: CoreCensusRow[]): string {
  const path = join(dir, 'census.csv');
  const lines = rows.map(([id, birth, hire, salary], i) => `${id},SSN-${200000 + i},${birth},${hire},,${salary},0.05`);
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
  return path;
}

/** The match tests' steady config (flatConfig), with `core` replacing employer_core_contribution's design keys. */
export function coreConfig(core: Record<string, unknown>): Record<string, any> {
  return flatConfig((c) => Object.assign(c.employer_core_contribution, core));
}

export interface CoreRow {
  employee_id: string;
  simulation_year: number;
  applied_years_of_service: number;
  applied_age: number;
  applied_points: number;
  core_band: string;
  standard_core_rate: string;
  employer_core_contribution_rate: string;
  eligible_compensation: string;
  irs_401a17_limit_applied: boolean;
  integration_level_applied: string | null;
  excess_compensation: string;
  base_core_amount: string;
  disparity_core_amount: string;
  employer_core_amount: string;
  core_415_reduction: string;
}

/** Every core row, by employee then year, amounts as text. */
export function coreRows(database: string): Promise<CoreRow[]> {
  return query<CoreRow>(
    database,
    `SELECT employee_id, simulation_year, applied_years_of_service, applied_age, applied_points, core_band,
            standard_core_rate::VARCHAR AS standard_core_rate,
            employer_core_contribution_rate::VARCHAR AS employer_core_contribution_rate,
            eligible_compensation::VARCHAR AS eligible_compensation, irs_401a17_limit_applied,
            integration_level_applied::VARCHAR AS integration_level_applied,
            excess_compensation::VARCHAR AS excess_compensation, base_core_amount::VARCHAR AS base_core_amount,
            disparity_core_amount::VARCHAR AS disparity_core_amount, employer_core_amount::VARCHAR AS employer_core_amount,
            core_415_reduction::VARCHAR AS core_415_reduction
     FROM int_employer_core_contributions ORDER BY employee_id, simulation_year`,
  );
}

/** employee → per year [year, band, rate, base, excess, disparity, core paid]. */
export function byEmployee(rows: CoreRow[]): Record<string, Array<[number, string, string, string, string, string, string]>> {
  const out: Record<string, Array<[number, string, string, string, string, string, string]>> = {};
  for (const r of rows) {
    (out[r.employee_id] ??= []).push([
      r.simulation_year,
      r.core_band,
      r.standard_core_rate,
      r.base_core_amount,
      r.excess_compensation,
      r.disparity_core_amount,
      r.employer_core_amount,
    ]);
  }
  return out;
}
