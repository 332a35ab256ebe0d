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
  /** net_employer_plan_cost */
  netEmployerCost: number;
  /** The forfeiture account of readYearMetrics: forfeited in the year, used, reallocated, carried on. */
  forfeitures: number;
  forfeituresUsed: number;
  forfeituresReallocated: number;
  forfeitureAccountBalance: number;
  /** account_balances */
  accountBalances: number;
  /** The participant accounts of readYearMetrics: Σ opening, contributions, earnings, distributions, vested. */
  accountOpening: number;
  accountContributions: number;
  accountEarnings: number;
  accountDistributions: number;
  accountVestedBalances: number;
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
  net_employer_plan_cost: 'netEmployerCost',
  account_balances: 'accountBalances',
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

/** A year's snapshot rows by detailed status (by status) and events by type (by type): what the
 *  summary's counts and the year audit's breakdowns read. */
export interface YearCounts {
  workforceByStatus: Array<{ status: string; count: number }>;
  eventsByType: Array<{ eventType: string; count: number }>;
}

/** The year's counts, in one statement. */
export async function readYearCounts(db: Database, year: number): Promise<YearCounts> {
  const row = await db.one<{ statuses: YearCounts['workforceByStatus'] | null; events: YearCounts['eventsByType'] | null }>(
    `SELECT
       (SELECT list({'status': status, 'count': count} ORDER BY status)
        FROM (SELECT coalesce(detailed_status_code, 'unknown') AS status, count(*)::INTEGER AS count
              FROM fct_workforce_snapshot WHERE simulation_year = $1 GROUP BY 1)) AS statuses,
       (SELECT list({'eventType': event_type, 'count': count} ORDER BY event_type)
        FROM (SELECT event_type, count(*)::INTEGER AS count
              FROM fct_yearly_events WHERE simulation_year = $1 GROUP BY 1)) AS events`,
    [year],
  );
  return { workforceByStatus: row?.statuses ?? [], eventsByType: row?.events ?? [] };
}

/** The summary of a year from its metrics (readYearMetrics) and counts (readYearCounts). */
export function yearSummaryOf(metrics: YearMetrics, counts: YearCounts): YearSummary {
  const status = (code: string): number => counts.workforceByStatus.find((s) => s.status === code)?.count ?? 0;
  const events = (type: string): number => counts.eventsByType.find((e) => e.eventType === type)?.count ?? 0;
  return {
    year: metrics.year,
    startingActives: metrics.starting_actives,
    hires: events('hire'),
    experiencedTerminations: status('experienced_termination'),
    newHireTerminations: status('new_hire_termination'),
    growthPct: growthRate(metrics) * 100,
    promotions: events('promotion'),
    raises: events('raise'),
    averageActivePay: metrics.average_active_pay,
    forfeitures: metrics.forfeitures,
    forfeituresUsed: metrics.forfeitures_used,
    forfeituresReallocated: metrics.forfeitures_reallocated,
    forfeitureAccountBalance: metrics.forfeiture_account_balance,
    accountOpening: metrics.account_opening,
    accountContributions: metrics.account_contributions,
    accountEarnings: metrics.account_earnings,
    accountDistributions: metrics.account_distributions,
    accountVestedBalances: metrics.account_vested_balances,
    ...metricFields(metrics),
  };
}

export async function summarizeYear(db: Database, year: number): Promise<YearSummary> {
  const [metrics] = await readYearMetrics(db, { from: year, to: year });
  if (metrics === undefined) throw new Error(`No summary for year ${year}`);
  return yearSummaryOf(metrics, await readYearCounts(db, year));
}
