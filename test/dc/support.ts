import { parseConfig } from '../../src/config/index.js';
import { MODELS } from '../../src/models/registry.js';
import { defaultConfigObject } from '../support/engine.js';
import { openModelDatabase } from '../support/models.js';

/**
 * Runs the real DC-plan models (employer eligibility, employee contributions, match, core) for 2025
 * (or `year`) on hand-built input tables: the year's plan population, its salary timeline, the deferral-rate
 * registry and the rate-changing events. Every amount comes back as the text DuckDB gives it.
 */

export const YEAR = 2025;

export type RateEventType = 'enrollment' | 'enrollment_change' | 'deferral_escalation';

export interface RateEvent {
  type: RateEventType;
  /** Effective date, YYYY-MM-DD. */
  date: string;
  /** The deferral rate from that date, as decimal text ('0.04'). */
  rate: string;
}

export interface EmployeeInput {
  id: string;
  birthDate: string;
  hireDate: string;
  terminationDate?: string;
  isNewHire?: boolean;
  /** Completed years of service; 0 for a new hire. */
  tenure?: number;
  /**
   * Salary timeline as [period start, annual salary]. Each period ends the day before the next one
   * starts; the last ends at the termination date (inclusive) or Dec 31. A new hire's first period
   * starts at the hire date. Default: one period from Jan 1 (or the hire date) at `salary`.
   */
  salaryPeriods?: Array<[string, string]>;
  salary?: string;
  /** Deferral rate in force on Jan 1 (decimal text). */
  startRate: string;
  events?: RateEvent[];
  /** Further fct_yearly_events rows of any type and year, which the rate timeline must ignore. */
  otherEvents?: Array<{ type: string; year: number; date: string; rate?: string }>;
}

/** A full-year experienced employee aged 45 (born 1980) at a flat deferral rate all year. */
export const fullYear = (id: string, salary: string, rate: string, birthDate = '1980-03-15'): EmployeeInput => ({
  id,
  birthDate,
  hireDate: '2015-06-01',
  tenure: 9,
  salary,
  startRate: rate,
});

export type Row = Record<string, unknown>;

export interface DcResult {
  eligibility: Record<string, Row>;
  contributions: Record<string, Row>;
  match: Record<string, Row>;
  core: Record<string, Row>;
}

const MODEL_ORDER = [
  'int_employer_eligibility',
  'int_deferral_periods',
  'int_employee_contributions',
  'int_employee_match_calculations',
  'int_employer_core_contributions',
] as const;

/** The default config object with the given match formula active (and any further tweak). */
export function configWith(formula: string, tweak?: (raw: Record<string, any>) => void): Record<string, any> {
  const raw = defaultConfigObject();
  raw.employer_match.active_formula = formula;
  tweak?.(raw);
  return raw;
}

function salaryPeriods(e: EmployeeInput, year: number): Array<[string, string]> {
  if (e.salaryPeriods) return e.salaryPeriods;
  if (e.salary === undefined) throw new Error(`${e.id}: give salary or salaryPeriods`);
  const start = e.hireDate > `${year}-01-01` ? e.hireDate : `${year}-01-01`;
  return [[start, e.salary]];
}

export async function runDcModels(employees: EmployeeInput[], rawConfig: Record<string, any>, year = YEAR): Promise<DcResult> {
  const config = parseConfig(rawConfig).config;
  const { db, runner } = await openModelDatabase(config);
  try {

    await db.run(`CREATE TABLE int_plan_eligibility (
        simulation_year INTEGER, employee_id VARCHAR, employee_ssn VARCHAR, employee_birth_date DATE,
        employee_hire_date DATE, termination_date DATE, is_new_hire BOOLEAN, compensation DECIMAL(18,2),
        current_age INTEGER, current_tenure INTEGER, level_id INTEGER, age_band VARCHAR, tenure_band VARCHAR,
        rng_key UBIGINT, eligibility_date DATE, waiting_period_days INTEGER, is_eligible BOOLEAN,
        enrollment_window_start DATE, is_plan_ineligible_override BOOLEAN)`);
    // Every employee is full time: a census employee without a schedule, or a hire without a draw.
    await db.run(`CREATE TABLE stg_census_data (employee_id VARCHAR, scheduled_hours_per_week DECIMAL(5,2))`);
    await db.run(`CREATE TABLE int_random_draws (employee_id VARCHAR, part_time_hire UINTEGER)`);
    await db.run(`CREATE TABLE comp_period_starts (employee_id VARCHAR, period_start DATE, salary DECIMAL(18,2))`);

    let eventNo = 0;
    for (const e of employees) {
      const periods = salaryPeriods(e, year);
      if (!e.isNewHire) await db.run(`INSERT INTO stg_census_data VALUES ($1, NULL)`, [e.id]);
      await db.run(
        `INSERT INTO int_plan_eligibility VALUES ($1, $2, 'SSN-' || $2, $3::DATE, $4::DATE, $5::DATE, $6, $7::DECIMAL(18,2),
            $1 - year($3::DATE), $8, 1, NULL, NULL, pa_key($2), $4::DATE, 0, true, greatest($4::DATE, make_date($1, 1, 1)), false)`,
        [year, e.id, e.birthDate, e.hireDate, e.terminationDate ?? null, e.isNewHire ?? false, periods[0]![1], e.tenure ?? 5],
      );
      for (const [start, salary] of periods) {
        await db.run(`INSERT INTO comp_period_starts VALUES ($1, $2::DATE, $3::DECIMAL(18,2))`, [e.id, start, salary]);
      }
      // Registry row: start-of-year rate, and the rate after the year's last event (in date order).
      const events = [...(e.events ?? [])].sort((a, b) => a.date.localeCompare(b.date));
      const endRate = events.length > 0 ? events[events.length - 1]!.rate : e.startRate;
      await db.run(
        `INSERT INTO int_deferral_rate_state_accumulator (simulation_year, employee_id, current_deferral_rate,
            start_of_year_deferral_rate, original_deferral_rate, escalations_received, total_escalation_amount,
            is_enrolled_flag, rate_source)
         VALUES ($1, $2, $3::DECIMAL(7,5), $4::DECIMAL(7,5), NULL, 0, 0, $3::DECIMAL(7,5) > 0, 'census')`,
        [year, e.id, endRate, e.startRate],
      );
      // Rate events, numbered as fct_yearly_events does (per employee, starting at 1).
      for (const [i, ev] of events.entries()) {
        await db.run(
          `INSERT INTO fct_yearly_events (event_id, scenario_id, plan_design_id, employee_id, event_type, simulation_year,
              effective_date, employee_deferral_rate, event_sequence)
           VALUES ($1, 'default', 'default', $2, $3, $4, $5::DATE, $6::DECIMAL(7,5), $7)`,
          [`ev${++eventNo}`, e.id, ev.type, year, ev.date, ev.rate, i + 1],
        );
      }
      for (const ev of e.otherEvents ?? []) {
        await db.run(
          `INSERT INTO fct_yearly_events (event_id, scenario_id, plan_design_id, employee_id, event_type, simulation_year,
              effective_date, employee_deferral_rate, event_sequence)
           VALUES ($1, 'default', 'default', $2, $3, $4, $5::DATE, $6::DECIMAL(7,5), 1)`,
          [`ev${++eventNo}`, e.id, ev.type, ev.year, ev.date, ev.rate ?? null],
        );
      }
      // The termination event (not a rate event: the contribution model must ignore it).
      if (e.terminationDate) {
        await db.run(
          `INSERT INTO fct_yearly_events (event_id, scenario_id, plan_design_id, employee_id, event_type, simulation_year,
              effective_date, event_sequence)
           VALUES ($1, 'default', 'default', $2, 'termination', $3, $4::DATE, 0)`,
          [`ev${++eventNo}`, e.id, year, e.terminationDate],
        );
      }
    }
    // Salary timeline: each period ends the day before the next starts, the last at termination or Dec 31.
    await db.run(
      `CREATE TABLE int_compensation_periods AS
       SELECT $1::INTEGER AS simulation_year, s.employee_id,
              row_number() OVER w AS period_number,
              s.period_start,
              coalesce(lead(s.period_start) OVER w - 1, coalesce(e.termination_date, make_date($1, 12, 31))) AS period_end,
              s.salary
       FROM comp_period_starts s JOIN int_plan_eligibility e USING (employee_id)
       WINDOW w AS (PARTITION BY s.employee_id ORDER BY s.period_start)`,
      [year],
    );

    await runner.setYear(year, config.simulation.start_year, 42);
    for (const name of MODEL_ORDER) {
      const model = MODELS.find((m) => m.name === name);
      if (!model) throw new Error(`no model ${name}`);
      await runner.runModel(model, year);
    }

    const byId = async (table: string): Promise<Record<string, Row>> => {
      // Table names are this file's constants. Amounts are read as text to compare exactly.
      const rows = await db.all<Row>(`SELECT * FROM ${table} ORDER BY employee_id`);
      return Object.fromEntries(rows.map((r) => [String(r.employee_id), r]));
    };
    return {
      eligibility: await byId('int_employer_eligibility'),
      contributions: await byId('int_employee_contributions'),
      match: await byId('int_employee_match_calculations'),
      core: await byId('int_employer_core_contributions'),
    };
  } finally {
    db.close();
  }
}

/** A 2-decimal money text for a hand-computed amount (exact for the cent values used here). */
export const money = (n: number): string => n.toFixed(2);
