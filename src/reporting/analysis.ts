import type { Database } from '../db/database.js';
import { readComplianceResults, type ComplianceResult } from './compliance.js';
import { growthRate, readYearMetrics, type YearMetrics } from './metrics.js';

/**
 * Aggregate analyses of a simulated database for `planalign analyze`: the workforce per year, the
 * events per year and type, and the compliance tests per year. Aggregates only.
 */

export const ANALYSIS_TARGETS = ['workforce', 'events', 'compliance'] as const;
export type AnalysisTarget = (typeof ANALYSIS_TARGETS)[number];

/**
 * One year of the workforce analysis: the headline metrics (readYearMetrics, under their ids) and the
 * counts behind them. Rates are fractions, money in dollars. Field names are the file columns.
 */
export type WorkforceAnalysisRow = YearMetrics & {
  /** Snapshot rows: everyone employed at some point in the year. */
  total_rows: number;
  terminated: number;
  /** (active_headcount − starting_actives) / starting_actives: the growth of yearly_aggregates.csv. */
  growth_rate: number;
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

/** Every year's compliance tests (fct_compliance_tests through readComplianceResults). */
export interface ComplianceAnalysis {
  target: 'compliance';
  rows: ComplianceResult[];
}

export type Analysis = WorkforceAnalysis | EventsAnalysis | ComplianceAnalysis;

export function isAnalysisTarget(value: string): value is AnalysisTarget {
  return (ANALYSIS_TARGETS as readonly string[]).includes(value);
}

export async function analyze(db: Database, target: AnalysisTarget): Promise<Analysis> {
  switch (target) {
    case 'workforce':
      return analyzeWorkforce(db);
    case 'events':
      return analyzeEvents(db);
    case 'compliance':
      return { target: 'compliance', rows: await readComplianceResults(db) };
  }
}

export async function analyzeWorkforce(db: Database): Promise<WorkforceAnalysis> {
  const metrics = await readYearMetrics(db);
  const counts = await db.all<{ year: number; total_rows: number; terminated: number }>(
    `SELECT simulation_year::INTEGER AS year,
            count(*)::INTEGER AS total_rows,
            count(*) FILTER (WHERE employment_status = 'terminated')::INTEGER AS terminated
     FROM fct_workforce_snapshot GROUP BY 1 ORDER BY 1`,
  );
  const byYear = new Map(counts.map((c) => [c.year, c]));
  const rows = metrics.map((m): WorkforceAnalysisRow => {
    const c = byYear.get(m.year);
    return {
      ...m,
      total_rows: c?.total_rows ?? 0,
      terminated: c?.terminated ?? 0,
      growth_rate: growthRate(m),
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
