import type { Database } from '../db/database.js';
import { growthRate, HEADLINE_METRIC_IDS, readYearMetrics, type HeadlineMetricId, type YearMetrics } from './metrics.js';

/**
 * The figures of one simulated year. Money in dollars (to the cent), rates as fractions, growthPct ×100.
 * The headline metrics come from `readYearMetrics` (src/reporting/metrics.ts, their one definition)
 * under the camelCase names of YEAR_SUMMARY_METRIC_FIELDS, as do the starting actives and the average
 * active pay; the event and termination counts are read here.
 */
export interface YearSummary {
  year: number;
  /** starting_actives of readYearMetrics. */
  startingActives: number;
  /** active_headcount */
  activeHeadcount: number;
  hires: number;
  experiencedTerminations: number;
  newHireTerminations: number;
  growthPct: number;
  promotions: number;
  raises: number;
  /** total_compensation */
  totalCompensation: number;
  /** average_active_pay of readYearMetrics: mean year-end pay of the year's actives. */
  averageActivePay: number;
  /** participation_rate */
  participationRate: number;
  /** avg_deferral_rate */
  averageDeferralRate: number;
  /** employee_contributions */
  employeeContributions: number;
  /** employer_match_cost */
  employerMatch: number;
  /** employer_core_cost */
  employerCore: number;
  /** total_employer_plan_cost */
  employerCost: number;
}

/**
 * The one mapping between a headline metric id and its YearSummary field. Every file output names the
 * figure by the id; only in-memory objects use the field.
 */
export const YEAR_SUMMARY_METRIC_FIELDS = {
  active_headcount: 'activeHeadcount',
  total_compensation: 'totalCompensation',
  participation_rate: 'participationRate',
  avg_deferral_rate: 'averageDeferralRate',
  employee_contributions: 'employeeContributions',
  employer_match_cost: 'employerMatch',
  employer_core_cost: 'employerCore',
  total_employer_plan_cost: 'employerCost',
} as const satisfies Record<HeadlineMetricId, keyof YearSummary>;

type MetricField = (typeof YEAR_SUMMARY_METRIC_FIELDS)[HeadlineMetricId];

/** A headline metric of a YearSummary, by its id. */
export function yearSummaryMetric(summary: YearSummary, id: HeadlineMetricId): number {
  return summary[YEAR_SUMMARY_METRIC_FIELDS[id]];
}

function metricFields(metrics: YearMetrics): Pick<YearSummary, MetricField> {
  return Object.fromEntries(HEADLINE_METRIC_IDS.map((id) => [YEAR_SUMMARY_METRIC_FIELDS[id], metrics[id]])) as Pick<
    YearSummary,
    MetricField
  >;
}

export async function summarizeYear(db: Database, year: number): Promise<YearSummary> {
  const [metrics] = await readYearMetrics(db, { from: year, to: year });
  if (metrics === undefined) throw new Error(`No summary for year ${year}`);
  const row = await db.one<Record<string, number>>(
    `WITH snap AS (SELECT * FROM fct_workforce_snapshot WHERE simulation_year = $1),
          ev AS (SELECT * FROM fct_yearly_events WHERE simulation_year = $1)
     SELECT
       (SELECT count(*) FROM ev WHERE event_type = 'hire')::INTEGER AS hires,
       (SELECT count(*) FROM snap WHERE detailed_status_code = 'experienced_termination')::INTEGER AS experienced_terminations,
       (SELECT count(*) FROM snap WHERE detailed_status_code = 'new_hire_termination')::INTEGER AS new_hire_terminations,
       (SELECT count(*) FROM ev WHERE event_type = 'promotion')::INTEGER AS promotions,
       (SELECT count(*) FROM ev WHERE event_type = 'raise')::INTEGER AS raises`,
    [year],
  );
  if (row === undefined) throw new Error(`No summary for year ${year}`);
  return {
    year,
    startingActives: metrics.starting_actives,
    hires: Number(row.hires),
    experiencedTerminations: Number(row.experienced_terminations),
    newHireTerminations: Number(row.new_hire_terminations),
    growthPct: growthRate(metrics) * 100,
    promotions: Number(row.promotions),
    raises: Number(row.raises),
    averageActivePay: metrics.average_active_pay,
    ...metricFields(metrics),
  };
}
