/**
 * One employee through a run: finding employees by id, and an employee's events and year-end state
 * year by year (status, level, pay, deferral rate, contributions, employer money, account balance).
 * The employee id and the search text are bound parameters.
 */
import { NotFoundError, UsageError } from '../errors.js';
import { withRun, type RunSource } from './results.js';

export interface EmployeeMatch {
  employee_id: string;
  /** As of the employee's last simulated year. */
  level: number | null;
  status: string | null;
  hire_date: string | null;
  termination_date: string | null;
}

export const MAX_SEARCH_RESULTS = 200;

/** `text` as a LIKE pattern matching itself anywhere: its wildcards and the escape character escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The employees whose id contains `text` (case-insensitive), those whose id starts with it first,
 * then by id; at most `limit` (1 to MAX_SEARCH_RESULTS).
 */
export async function searchEmployees(source: RunSource, text: string, limit = 20): Promise<EmployeeMatch[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) {
    throw new UsageError(`The search limit must be a whole number from 1 to ${MAX_SEARCH_RESULTS}, not ${limit}`);
  }
  return withRun(source, (db) =>
    db.all<EmployeeMatch & Record<string, unknown>>(
      `SELECT employee_id,
              arg_max(level_id, simulation_year)::INTEGER AS level,
              arg_max(employment_status, simulation_year) AS status,
              strftime(min(employee_hire_date), '%Y-%m-%d') AS hire_date,
              strftime(max(termination_date), '%Y-%m-%d') AS termination_date
       FROM fct_workforce_snapshot
       WHERE employee_id ILIKE $pattern ESCAPE '\\'
       GROUP BY employee_id
       ORDER BY NOT starts_with(lower(employee_id), lower($text)), employee_id
       LIMIT $limit`,
      { pattern: containsPattern(text), text, limit },
    ),
  );
}

export interface TimelineEvent {
  year: number;
  date: string;
  type: string;
  details: string | null;
  level: number | null;
  compensation: number | null;
  previous_compensation: number | null;
  deferral_rate: number | null;
  previous_deferral_rate: number | null;
}

export interface TimelineYear {
  year: number;
  /** active | terminated */
  status: string;
  /** continuous_active | experienced_termination | new_hire_active | new_hire_termination */
  detailed_status: string;
  level: number | null;
  age: number | null;
  tenure: number | null;
  age_band: string | null;
  tenure_band: string | null;
  /** Year-end pay, and the pay of the days worked in the year. */
  pay: number | null;
  prorated_pay: number | null;
  participation_status: string | null;
  deferral_rate: number | null;
  contributions: number | null;
  match: number | null;
  core: number | null;
  /** Σ the employee's year-end account balances (all sources), and their vested part; null without accounts. */
  balance: number | null;
  vested_balance: number | null;
}

export interface EmployeeTimeline {
  employeeId: string;
  events: TimelineEvent[];
  years: TimelineYear[];
}

/** The employee's events (in date order) and year-end state per simulated year; a usage error for an unknown id. */
export async function employeeTimeline(source: RunSource, employeeId: string): Promise<EmployeeTimeline> {
  return withRun(source, async (db) => {
    const accounts = await db.tableExists('fct_account_balances');
    const years = await db.all<TimelineYear & Record<string, unknown>>(
      `SELECT s.simulation_year::INTEGER AS year, s.employment_status AS status, s.detailed_status_code AS detailed_status,
              s.level_id AS level, s.current_age AS age, s.current_tenure AS tenure, s.age_band, s.tenure_band,
              s.current_compensation::DOUBLE AS pay, s.prorated_annual_compensation::DOUBLE AS prorated_pay,
              s.participation_status, s.current_deferral_rate::DOUBLE AS deferral_rate,
              s.ytd_contributions::DOUBLE AS contributions, s.employer_match_amount::DOUBLE AS match,
              s.employer_core_amount::DOUBLE AS core,
              ${accounts ? 'a.balance, a.vested_balance' : 'NULL::DOUBLE AS balance, NULL::DOUBLE AS vested_balance'}
       FROM fct_workforce_snapshot s
       ${
         accounts
           ? `LEFT JOIN (SELECT simulation_year, sum(closing)::DOUBLE AS balance, sum(vested_balance)::DOUBLE AS vested_balance
                         FROM fct_account_balances WHERE employee_id = $id GROUP BY simulation_year) a
                ON a.simulation_year = s.simulation_year`
           : ''
       }
       WHERE s.employee_id = $id
       ORDER BY year`,
      { id: employeeId },
    );
    if (years.length === 0) throw new NotFoundError(`Employee ${JSON.stringify(employeeId)} is not in run ${source.label}`, { file: source.database });
    const events = await db.all<TimelineEvent & Record<string, unknown>>(
      `SELECT simulation_year::INTEGER AS year, strftime(effective_date, '%Y-%m-%d') AS date, event_type AS type,
              event_details AS details, level_id AS level, compensation_amount::DOUBLE AS compensation,
              previous_compensation::DOUBLE AS previous_compensation, employee_deferral_rate::DOUBLE AS deferral_rate,
              prev_employee_deferral_rate::DOUBLE AS previous_deferral_rate
       FROM fct_yearly_events WHERE employee_id = $id
       ORDER BY effective_date, event_sequence NULLS LAST, event_type`,
      { id: employeeId },
    );
    return { employeeId, events, years };
  });
}
