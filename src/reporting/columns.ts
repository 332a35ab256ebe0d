import { pctToFraction } from '../config/units.js';
import type { WorkforceAnalysisRow } from './analysis.js';
import { cents, HEADLINE_METRICS, type HeadlineMetricId, type MetricUnit } from './metrics.js';
import { yearSummaryMetric, type YearSummary } from './year-summary.js';

/**
 * The columns of the report files (yearly_aggregates.csv, the workforce analysis, summary.json's
 * progression, the workbook's "Workforce by year"), with their unit and meaning: the one list the
 * files are written from and `columns.csv` documents. Headline metrics carry their ids
 * (src/reporting/metrics.ts); every name is snake_case.
 *
 * One unit convention in every file: counts are whole numbers, money is US dollars to the cent, rates
 * are fractions (0.062 = 6.2 %), dates are ISO (YYYY-MM-DD).
 */

export type ColumnUnit = MetricUnit | 'year' | 'hours' | 'number' | 'text' | 'date' | 'timestamp' | 'boolean';

export const UNIT_NOTES: Record<ColumnUnit, string> = {
  count: 'count (whole number)',
  usd: 'US dollars, rounded to the cent',
  fraction: 'fraction (0.062 = 6.2 %)',
  year: 'calendar year',
  hours: 'hours (a week where the name says so, else in the year)',
  number: 'number',
  text: 'text',
  date: 'date (YYYY-MM-DD)',
  timestamp: 'timestamp (UTC)',
  boolean: 'true / false',
};

export interface ColumnDoc {
  name: string;
  unit: ColumnUnit;
  description: string;
}

export interface ReportColumn<T> extends ColumnDoc {
  value: (row: T) => number | string;
}

/** A value as written to a file: money rounded to the cent (sums and means of cents drift in binary). */
export function fileValue<T>(column: ReportColumn<T>, row: T): number | string {
  const value = column.value(row);
  return column.unit === 'usd' && typeof value === 'number' ? cents(value) : value;
}

/** The file record of a row: column name → file value, in column order. */
export function fileRecord<T>(columns: readonly ReportColumn<T>[], row: T): Record<string, number | string> {
  return Object.fromEntries(columns.map((c) => [c.name, fileValue(c, row)]));
}


function metricColumn<T>(id: HeadlineMetricId, value: (row: T, id: HeadlineMetricId) => number): ReportColumn<T> {
  const metric = HEADLINE_METRICS.find((m) => m.id === id) as (typeof HEADLINE_METRICS)[number];
  return { name: id, unit: metric.unit, description: metric.description, value: (row) => value(row, id) };
}

/** Figures both per-year files carry: one wording each. */
const STARTING_ACTIVES = "Start-of-year population: the year's snapshot rows less its hires (the previous year's year-end actives)";
const GROWTH_RATE = '(active_headcount − starting_actives) / starting_actives';
// The forfeiture account (fct_forfeiture_account, forfeitures.policy).
const FORFEITURES = 'Unvested employer money forfeited in the year (available from the next year)';
const FORFEITURES_USED = 'Forfeitures used in the year for employer contributions or plan expenses';
const FORFEITURES_REALLOCATED = 'Forfeitures reallocated to participants in the year';
const FORFEITURE_ACCOUNT_BALANCE = 'The forfeiture account at year end, carried into the next year';
const AVERAGE_ACTIVE_PAY = 'Mean year-end pay of the actives';
const ACCOUNT_OPENING = "Σ participants' account balances at the start of the year (the census balances in the first year)";
const ACCOUNT_CONTRIBUTIONS = 'Σ money paid into the accounts in the year: deferrals, match, true-up, core, reallocated forfeitures';
const ACCOUNT_EARNINGS = 'Σ investment earnings of the accounts in the year (accounts.annual_return)';
const ACCOUNT_DISTRIBUTIONS = "Σ leavers' vested balances paid out in the year (accounts.distribute_on_termination)";
const ACCOUNT_VESTED_BALANCES = 'Σ the vested part of the year-end account balances';

const summaryMetric = (id: HeadlineMetricId): ReportColumn<YearSummary> => metricColumn(id, yearSummaryMetric);

/** yearly_aggregates.csv: one row per simulated year. */
export const YEARLY_AGGREGATE_COLUMNS: readonly ReportColumn<YearSummary>[] = [
  { name: 'year', unit: 'year', description: 'Simulation year', value: (y) => y.year },
  {
    name: 'starting_actives',
    unit: 'count',
    description: STARTING_ACTIVES,
    value: (y) => y.startingActives,
  },
  summaryMetric('active_headcount'),
  { name: 'hires', unit: 'count', description: 'Hire events of the year', value: (y) => y.hires },
  {
    name: 'experienced_terminations',
    unit: 'count',
    description: 'Employees hired before the year who left during it',
    value: (y) => y.experiencedTerminations,
  },
  {
    name: 'new_hire_terminations',
    unit: 'count',
    description: 'Employees hired in the year who left during it',
    value: (y) => y.newHireTerminations,
  },
  {
    name: 'growth_rate',
    unit: 'fraction',
    description: GROWTH_RATE,
    value: (y) => pctToFraction(y.growthPct),
  },
  { name: 'promotions', unit: 'count', description: 'Promotion events of the year', value: (y) => y.promotions },
  { name: 'raises', unit: 'count', description: 'Raise (merit and COLA) events of the year', value: (y) => y.raises },
  summaryMetric('total_compensation'),
  { name: 'average_active_pay', unit: 'usd', description: AVERAGE_ACTIVE_PAY, value: (y) => y.averageActivePay },
  summaryMetric('participation_rate'),
  summaryMetric('avg_deferral_rate'),
  summaryMetric('employee_contributions'),
  summaryMetric('employer_match_cost'),
  summaryMetric('employer_core_cost'),
  summaryMetric('total_employer_plan_cost'),
  { name: 'forfeitures_used', unit: 'usd', description: FORFEITURES_USED, value: (y) => y.forfeituresUsed },
  summaryMetric('net_employer_plan_cost'),
  { name: 'forfeitures', unit: 'usd', description: FORFEITURES, value: (y) => y.forfeitures },
  { name: 'forfeitures_reallocated', unit: 'usd', description: FORFEITURES_REALLOCATED, value: (y) => y.forfeituresReallocated },
  { name: 'forfeiture_account_balance', unit: 'usd', description: FORFEITURE_ACCOUNT_BALANCE, value: (y) => y.forfeitureAccountBalance },
  { name: 'account_opening', unit: 'usd', description: ACCOUNT_OPENING, value: (y) => y.accountOpening },
  { name: 'account_contributions', unit: 'usd', description: ACCOUNT_CONTRIBUTIONS, value: (y) => y.accountContributions },
  { name: 'account_earnings', unit: 'usd', description: ACCOUNT_EARNINGS, value: (y) => y.accountEarnings },
  { name: 'account_distributions', unit: 'usd', description: ACCOUNT_DISTRIBUTIONS, value: (y) => y.accountDistributions },
  summaryMetric('account_balances'),
  { name: 'account_vested_balances', unit: 'usd', description: ACCOUNT_VESTED_BALANCES, value: (y) => y.accountVestedBalances },
];

const analysisMetric = (id: HeadlineMetricId): ReportColumn<WorkforceAnalysisRow> => metricColumn(id, (row, m) => row[m]);

/** `analyze workforce`: one row per simulated year. */
export const WORKFORCE_ANALYSIS_COLUMNS: readonly ReportColumn<WorkforceAnalysisRow>[] = [
  { name: 'year', unit: 'year', description: 'Simulation year', value: (r) => r.year },
  { name: 'total_rows', unit: 'count', description: 'Snapshot rows: everyone employed at some point in the year', value: (r) => r.total_rows },
  analysisMetric('active_headcount'),
  { name: 'terminated', unit: 'count', description: 'Employees who left during the year', value: (r) => r.terminated },
  {
    name: 'participants',
    unit: 'count',
    description: 'Participating actives (deferral rate > 0 at year end)',
    value: (r) => r.participants,
  },
  analysisMetric('participation_rate'),
  analysisMetric('avg_deferral_rate'),
  { name: 'starting_actives', unit: 'count', description: STARTING_ACTIVES, value: (r) => r.starting_actives },
  { name: 'growth_rate', unit: 'fraction', description: GROWTH_RATE, value: (r) => r.growth_rate },
  { name: 'average_active_pay', unit: 'usd', description: AVERAGE_ACTIVE_PAY, value: (r) => r.average_active_pay },
  analysisMetric('total_compensation'),
  analysisMetric('employee_contributions'),
  analysisMetric('employer_match_cost'),
  analysisMetric('employer_core_cost'),
  analysisMetric('total_employer_plan_cost'),
  { name: 'forfeitures_used', unit: 'usd', description: FORFEITURES_USED, value: (r) => r.forfeitures_used },
  analysisMetric('net_employer_plan_cost'),
  { name: 'forfeitures', unit: 'usd', description: FORFEITURES, value: (r) => r.forfeitures },
  { name: 'forfeitures_reallocated', unit: 'usd', description: FORFEITURES_REALLOCATED, value: (r) => r.forfeitures_reallocated },
  { name: 'forfeiture_account_balance', unit: 'usd', description: FORFEITURE_ACCOUNT_BALANCE, value: (r) => r.forfeiture_account_balance },
  analysisMetric('account_balances'),
  { name: 'account_vested_balances', unit: 'usd', description: ACCOUNT_VESTED_BALANCES, value: (r) => r.account_vested_balances },
];

/** `analyze events`: one row per year and event type, then the year's total as event type all_events. */
export const EVENTS_ANALYSIS_COLUMNS: readonly ColumnDoc[] = [
  { name: 'year', unit: 'year', description: 'Simulation year' },
  { name: 'event_type', unit: 'text', description: 'Event type (employer match events as employer_match; the year total as all_events)' },
  { name: 'events', unit: 'count', description: 'Events of the type in the year' },
  { name: 'unique_employees', unit: 'count', description: 'Employees with at least one such event' },
];

/**
 * The unit of a column of an employee-level table, from its DuckDB type: DECIMAL(18,2) money, the
 * DECIMAL(7,5) and *_rate / *_probability doubles fractions.
 */
export function unitOfDatabaseColumn(name: string, type: string): ColumnUnit {
  const t = type.toUpperCase();
  if (name === 'simulation_year') return 'year';
  if (/hours/.test(name)) return 'hours';
  if (t === 'DECIMAL(18,2)') return 'usd';
  if (t.startsWith('DECIMAL') || ((t === 'DOUBLE' || t === 'FLOAT') && /(rate|probability)$/.test(name))) return 'fraction';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'VARCHAR') return 'text';
  return 'number';
}
