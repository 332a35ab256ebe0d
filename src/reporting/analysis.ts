import type { Database } from '../db/database.js';

/**
 * Aggregate analyses of a simulated database for `planalign analyze`: the workforce per year and
 * the events per year and type. Aggregates only.
 */

export const ANALYSIS_TARGETS = ['workforce', 'events'] as const;
export type AnalysisTarget = (typeof ANALYSIS_TARGETS)[number];

export interface WorkforceAnalysisRow {
  year: number;
  /** Snapshot rows: everyone employed at some point in the year. */
  totalRows: number;
  active: number;
  terminated: number;
  /** Participating actives. */
  participating: number;
  /** participating / active. */
  participationRate: number;
  /** Actives at the end of the previous year; for the first year its start-of-year population. */
  previousActives: number;
  /** (active − previousActives) / previousActives × 100. */
  growthPct: number;
  /** Mean year-end pay of actives. */
  averagePay: number;
}

export interface WorkforceAnalysis {
  target: 'workforce';
  rows: WorkforceAnalysisRow[];
}

export type EventsAnalysisRow = {
  year: number;
  eventType: string;
  events: number;
  uniqueEmployees: number;
};

export interface EventsAnalysis {
  target: 'events';
  /** Every event type seen, sorted (employer match events as 'employer_match'). */
  eventTypes: string[];
  rows: EventsAnalysisRow[];
  /** Per year: all events, and the employees with at least one. */
  totals: Array<{ year: number; events: number; uniqueEmployees: number }>;
}

export type Analysis = WorkforceAnalysis | EventsAnalysis;

export function isAnalysisTarget(value: string): value is AnalysisTarget {
  return (ANALYSIS_TARGETS as readonly string[]).includes(value);
}

export async function analyze(db: Database, target: AnalysisTarget): Promise<Analysis> {
  return target === 'workforce' ? analyzeWorkforce(db) : analyzeEvents(db);
}

export async function analyzeWorkforce(db: Database): Promise<WorkforceAnalysis> {
  const rows = await db.all<Omit<WorkforceAnalysisRow, 'participationRate' | 'growthPct'>>(
    `WITH snap AS (
       SELECT simulation_year::INTEGER AS year,
              count(*)::INTEGER AS total_rows,
              count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active,
              count(*) FILTER (WHERE employment_status = 'terminated')::INTEGER AS terminated,
              count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')::INTEGER
                AS participating,
              coalesce(avg(current_compensation) FILTER (WHERE employment_status = 'active'), 0)::DOUBLE AS average_pay,
              -- the start-of-year population: the year's rows less its hires
              count(*) FILTER (WHERE detailed_status_code IN ('continuous_active', 'experienced_termination'))::INTEGER AS starting
       FROM fct_workforce_snapshot GROUP BY 1)
     SELECT year, total_rows AS "totalRows", active, terminated, participating,
            coalesce(lag(active) OVER (ORDER BY year), starting, 0)::INTEGER AS "previousActives",
            average_pay AS "averagePay"
     FROM snap
     ORDER BY year`,
  );
  return {
    target: 'workforce',
    rows: rows.map((r) => ({
      year: r.year,
      totalRows: r.totalRows,
      active: r.active,
      terminated: r.terminated,
      participating: r.participating,
      participationRate: r.active === 0 ? 0 : r.participating / r.active,
      previousActives: r.previousActives,
      growthPct: r.previousActives === 0 ? 0 : ((r.active - r.previousActives) / r.previousActives) * 100,
      averagePay: r.averagePay,
    })),
  };
}

export async function analyzeEvents(db: Database): Promise<EventsAnalysis> {
  const withMatch = await db.tableExists('fct_employer_match_events');
  const events = withMatch
    ? `SELECT simulation_year, event_type, employee_id FROM fct_yearly_events
       UNION ALL SELECT simulation_year, 'employer_match', employee_id FROM fct_employer_match_events`
    : `SELECT simulation_year, event_type, employee_id FROM fct_yearly_events`;
  const rows = await db.all<EventsAnalysisRow>(
    `SELECT simulation_year::INTEGER AS year, event_type AS "eventType", count(*)::INTEGER AS events,
            count(DISTINCT employee_id)::INTEGER AS "uniqueEmployees"
     FROM (${events}) GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const totals = await db.all<EventsAnalysis['totals'][number]>(
    `SELECT simulation_year::INTEGER AS year, count(*)::INTEGER AS events,
            count(DISTINCT employee_id)::INTEGER AS "uniqueEmployees"
     FROM (${events}) GROUP BY 1 ORDER BY 1`,
  );
  const eventTypes = [...new Set(rows.map((r) => r.eventType))].sort();
  return { target: 'events', eventTypes, rows, totals };
}
