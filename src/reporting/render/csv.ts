import type { EventsAnalysis, WorkforceAnalysis } from '../analysis.js';
import type { YearSummary } from '../year-summary.js';

/**
 * CSV (RFC 4180): comma-separated, a header row, fields quoted when they hold a comma, a double
 * quote, a line break or edge spaces (quotes doubled inside), lines ending in CRLF. Numbers are
 * written at full precision; rates stay fractions (0.061 = 6.1 %), money is in dollars.
 */
export type CsvValue = string | number | boolean | null | undefined;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The columns of the yearly aggregates file: every YearSummary field, in this order. */
export const YEARLY_AGGREGATE_COLUMNS = [
  'year',
  'startingActives',
  'activeHeadcount',
  'hires',
  'experiencedTerminations',
  'newHireTerminations',
  'growthPct',
  'promotions',
  'raises',
  'totalCompensation',
  'averageActivePay',
  'participationRate',
  'averageDeferralRate',
  'employeeContributions',
  'employerMatch',
  'employerCore',
  'employerCost',
] as const satisfies ReadonlyArray<keyof YearSummary>;

/** Dollar sums of cents: written rounded to cents (match + core is a float sum). */
const MONEY_COLUMNS: ReadonlySet<string> = new Set([
  'totalCompensation',
  'employeeContributions',
  'employerMatch',
  'employerCore',
  'employerCost',
]);

/** One row per year: the YearSummary fields. */
export function yearlyAggregatesCsv(years: readonly YearSummary[]): string {
  return toCsv(
    YEARLY_AGGREGATE_COLUMNS,
    years.map((y) => YEARLY_AGGREGATE_COLUMNS.map((column) => (MONEY_COLUMNS.has(column) ? cents(y[column]) : y[column]))),
  );
}

const cents = (x: number): number => Math.round(x * 100) / 100;

export const WORKFORCE_ANALYSIS_COLUMNS = [
  'year',
  'totalRows',
  'active',
  'terminated',
  'participating',
  'participationRate',
  'previousActives',
  'growthPct',
  'averagePay',
] as const;

export function workforceAnalysisCsv(analysis: WorkforceAnalysis): string {
  return toCsv(
    WORKFORCE_ANALYSIS_COLUMNS,
    analysis.rows.map((r) => WORKFORCE_ANALYSIS_COLUMNS.map((column) => r[column])),
  );
}

/** Long format: one row per year and event type (the year's totals as event type 'all_events'). */
export function eventsAnalysisCsv(analysis: EventsAnalysis): string {
  const rows: CsvValue[][] = [];
  for (const total of analysis.totals) {
    for (const r of analysis.rows.filter((row) => row.year === total.year)) {
      rows.push([r.year, r.eventType, r.events, r.uniqueEmployees]);
    }
    rows.push([total.year, 'all_events', total.events, total.uniqueEmployees]);
  }
  return toCsv(['year', 'eventType', 'events', 'uniqueEmployees'], rows);
}
