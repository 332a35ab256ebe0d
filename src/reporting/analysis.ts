import type { Database } from '../db/database.js';
import { readYearMetrics, type YearMetrics } from './metrics.js';

/**
 * Aggregate analyses of a simulated database for `planalign analyze`: the workforce per year and
 * the events per year and type. Aggregates only.
 */

export const ANALYSIS_TARGETS = ['workforce', 'events'] as const;
export type AnalysisTarget = (typeof ANALYSIS_TARGETS)[number];

/**
 * One year of the workforce analysis: the headline metrics (readYearMetrics, under their ids) and the
 * counts behind them. Rates are fractions, money in dollars. Field names are the file columns.
 */
export type WorkforceAnalysisRow = YearMetrics & {
  /** Snapshot rows: everyone employed at some point in the year. */
  total_rows: number;
  terminated: number;
  /** Actives at the end of the previous year; for the first year its start-of-year population. */
  previous_actives: number;
  /** (active_headcount − previous_actives) / previous_actives. */
  growth_rate: number;
  /** Mean year-end pay of actives. */
  average_pay: number;
};

export interface WorkforceAnalysis {
  target: 'workforce';
  rows: WorkforceAnalysisRow[];
}

export type EventsAnalysisRow = {
  year: number;
  event_type: string;
  events: number;
  unique_employees: number;
};

export interface EventsAnalysis {
  target: 'events';
  /** Every event type seen, sorted (employer match events as 'employer_match'). */
  event_types: string[];
  rows: EventsAnalysisRow[];
  /** Per year: all events, and the employees with at least one. */
  totals: Array<{ year: number; events: number; unique_employees: number }>;
}

export type Analysis = WorkforceAnalysis | EventsAnalysis;

export function isAnalysisTarget(value: string): value is AnalysisTarget {
  return (ANALYSIS_TARGETS as readonly string[]).includes(value);
}

export async function analyze(db: Database, target: AnalysisTarget): Promise<Analysis> {
  return target === 'workforce' ? analyzeWorkforce(db) : analyzeEvents(db);
}

export async function analyzeWorkforce(db: Database): Promise<WorkforceAnalysis> {
  const metrics = await readYearMetrics(db);
  const counts = await db.all<{ year: number; total_rows: number; terminated: number; starting: number; average_pay: number }>(
    `SELECT simulation_year::INTEGER AS year,
            count(*)::INTEGER AS total_rows,
            count(*) FILTER (WHERE employment_status = 'terminated')::INTEGER AS terminated,
            -- the start-of-year population: the year's rows less its hires
            count(*) FILTER (WHERE detailed_status_code IN ('continuous_active', 'experienced_termination'))::INTEGER AS starting,
            coalesce(avg(current_compensation) FILTER (WHERE employment_status = 'active'), 0)::DOUBLE AS average_pay
     FROM fct_workforce_snapshot GROUP BY 1 ORDER BY 1`,
  );
  const byYear = new Map(counts.map((c) => [c.year, c]));
  const rows = metrics.map((m, i): WorkforceAnalysisRow => {
    const c = byYear.get(m.year);
    const previous = i > 0 ? (metrics[i - 1] as YearMetrics).active_headcount : (c?.starting ?? 0);
    return {
      ...m,
      total_rows: c?.total_rows ?? 0,
      terminated: c?.terminated ?? 0,
      previous_actives: previous,
      growth_rate: previous === 0 ? 0 : (m.active_headcount - previous) / previous,
      average_pay: c?.average_pay ?? 0,
    };
  });
  return { target: 'workforce', rows };
}

export async function analyzeEvents(db: Database): Promise<EventsAnalysis> {
  const withMatch = await db.tableExists('fct_employer_match_events');
  const events = withMatch
    ? `SELECT simulation_year, event_type, employee_id FROM fct_yearly_events
       UNION ALL SELECT simulation_year, 'employer_match', employee_id FROM fct_employer_match_events`
    : `SELECT simulation_year, event_type, employee_id FROM fct_yearly_events`;
  const rows = await db.all<EventsAnalysisRow>(
    `SELECT simulation_year::INTEGER AS year, event_type, count(*)::INTEGER AS events,
            count(DISTINCT employee_id)::INTEGER AS unique_employees
     FROM (${events}) GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const totals = await db.all<EventsAnalysis['totals'][number]>(
    `SELECT simulation_year::INTEGER AS year, count(*)::INTEGER AS events,
            count(DISTINCT employee_id)::INTEGER AS unique_employees
     FROM (${events}) GROUP BY 1 ORDER BY 1`,
  );
  const eventTypes = [...new Set(rows.map((r) => r.event_type))].sort();
  return { target: 'events', event_types: eventTypes, rows, totals };
}
