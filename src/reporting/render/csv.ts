import type { EventsAnalysis, WorkforceAnalysis } from '../analysis.js';
import {
  EVENTS_ANALYSIS_COLUMNS,
  fileValue,
  UNIT_NOTES,
  WORKFORCE_ANALYSIS_COLUMNS,
  YEARLY_AGGREGATE_COLUMNS,
  type ColumnDoc,
  type ReportColumn,
} from '../columns.js';
import type { YearSummary } from '../year-summary.js';
import { COMPLIANCE_COLUMNS, type ComplianceResult } from '../compliance.js';

/**
 * CSV (RFC 4180): comma-separated, a header row, fields quoted when they hold a comma, a double
 * quote, a line break or edge spaces (quotes doubled inside), lines ending in CRLF. Numbers are
 * written at full precision; rates stay fractions (0.061 = 6.1 %), money is in dollars to the cent
 * (src/reporting/columns.ts).
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

function tableCsv<T>(columns: readonly ReportColumn<T>[], rows: readonly T[]): string {
  return toCsv(
    columns.map((c) => c.name),
    rows.map((row) => columns.map((c) => fileValue(c, row))),
  );
}

/** yearly_aggregates.csv: one row per year, the columns of YEARLY_AGGREGATE_COLUMNS. */
export function yearlyAggregatesCsv(years: readonly YearSummary[]): string {
  return tableCsv(YEARLY_AGGREGATE_COLUMNS, years);
}

export function workforceAnalysisCsv(analysis: WorkforceAnalysis): string {
  return tableCsv(WORKFORCE_ANALYSIS_COLUMNS, analysis.rows);
}

/** Long format: one row per year and event type (the year's totals as event type 'all_events'). */
export function eventsAnalysisCsv(analysis: EventsAnalysis): string {
  const rows: CsvValue[][] = [];
  for (const total of analysis.totals) {
    for (const r of analysis.rows.filter((row) => row.year === total.year)) {
      rows.push([r.year, r.event_type, r.events, r.unique_employees]);
    }
    rows.push([total.year, 'all_events', total.events, total.unique_employees]);
  }
  return toCsv(
    EVENTS_ANALYSIS_COLUMNS.map((c) => c.name),
    rows,
  );
}

/** columns.csv: every column of every exported file with its unit and meaning. */
export function columnsCsv(files: ReadonlyArray<{ file: string; columns: readonly ColumnDoc[] }>): string {
  return toCsv(
    ['file', 'column', 'unit', 'description'],
    files.flatMap(({ file, columns }) => columns.map((c) => [file, c.name, UNIT_NOTES[c.unit], c.description])),
  );
}

/** The compliance tests, one row per year, test and group (COMPLIANCE_COLUMNS). */
export function complianceCsv(results: readonly ComplianceResult[]): string {
  return tableCsv(COMPLIANCE_COLUMNS, results);
}
