import type { Database } from '../db/database.js';
import type { ReportColumn } from './columns.js';
import { formatMetric } from './metrics.js';

/**
 * The annual compliance tests (fct_compliance_tests, issue 15) as every report shows them: the year
 * audit, the multi-year summary, `analyze compliance`, the exports, `compare`, the batch workbook and
 * the run output all read them through `readComplianceResults`. Values are fractions (0.0523 = 5.23 %)
 * except 415(c)'s, in dollars; `margin` is positive when the test passes by that much.
 */

/** The tests in the order the reports list them, with their label and the unit of their values. */
export const COMPLIANCE_TESTS = [
  { name: 'adp', label: 'ADP 401(k)(3)', unit: 'fraction' },
  { name: 'acp', label: 'ACP 401(m)(2)', unit: 'fraction' },
  { name: '401a4', label: '401(a)(4) general test', unit: 'fraction' },
  { name: '410b', label: '410(b) coverage', unit: 'fraction' },
  { name: '416_top_heavy', label: '416 top-heavy', unit: 'fraction' },
  { name: '415c', label: '415(c) annual additions', unit: 'usd' },
] as const;

export type ComplianceUnit = 'fraction' | 'usd';

export interface ComplianceResult {
  year: number;
  test: string;
  group: string;
  hceCount: number;
  nhceCount: number;
  hceValue: number | null;
  nhceValue: number | null;
  limitValue: number | null;
  margin: number | null;
  passed: boolean;
  /** The formula's numbers (fct_compliance_tests.details, parsed). */
  details: Record<string, unknown>;
}

/** The unit of a test's values; a test this build does not know is taken as fractions. */
export function complianceUnit(test: string): ComplianceUnit {
  return COMPLIANCE_TESTS.find((t) => t.name === test)?.unit ?? 'fraction';
}

export function complianceLabel(test: string): string {
  return COMPLIANCE_TESTS.find((t) => t.name === test)?.label ?? test;
}

const TEST_ORDER = COMPLIANCE_TESTS.map((t) => t.name) as readonly string[];

/**
 * The results of the years `from`–`to` (all years when absent), by year, test (COMPLIANCE_TESTS order)
 * and group; [] for a database from before the tests (schema version < 5).
 */
export async function readComplianceResults(db: Database, years: { from?: number; to?: number } = {}): Promise<ComplianceResult[]> {
  if (!(await db.tableExists('fct_compliance_tests'))) return [];
  const rows = await db.all<{
    year: number;
    test: string;
    group_name: string;
    hce_count: number | null;
    nhce_count: number | null;
    hce_value: number | null;
    nhce_value: number | null;
    limit_value: number | null;
    margin: number | null;
    passed: boolean;
    details: string | null;
  }>(
    `SELECT simulation_year::INTEGER AS year, test_name AS test, group_name, hce_count::INTEGER AS hce_count,
            nhce_count::INTEGER AS nhce_count, hce_value::DOUBLE AS hce_value, nhce_value::DOUBLE AS nhce_value,
            limit_value::DOUBLE AS limit_value, margin::DOUBLE AS margin, passed, details::VARCHAR AS details
     FROM fct_compliance_tests
     WHERE simulation_year BETWEEN $from AND $to
     ORDER BY simulation_year, group_name`,
    { from: years.from ?? 0, to: years.to ?? 9999 },
  );
  const rank = (test: string): number => (TEST_ORDER.includes(test) ? TEST_ORDER.indexOf(test) : TEST_ORDER.length);
  return rows
    .map(
      (r): ComplianceResult => ({
        year: r.year,
        test: r.test,
        group: r.group_name,
        hceCount: r.hce_count ?? 0,
        nhceCount: r.nhce_count ?? 0,
        hceValue: r.hce_value,
        nhceValue: r.nhce_value,
        limitValue: r.limit_value,
        margin: r.margin,
        passed: r.passed,
        details: r.details === null ? {} : (JSON.parse(r.details) as Record<string, unknown>),
      }),
    )
    .sort((a, b) => a.year - b.year || rank(a.test) - rank(b.test) || a.test.localeCompare(b.test));
}

/** The failing tests. */
export function complianceFailures(results: readonly ComplianceResult[]): ComplianceResult[] {
  return results.filter((r) => !r.passed);
}

/** A test's value for a console: `5.23 %` (to the 0.01 % the tests round to), `$1,234.56`; `—` for none. */
export function formatComplianceValue(test: string, value: number | null): string {
  if (value === null) return '—';
  return complianceUnit(test) === 'usd' ? formatMetric('usd', value, { cents: true }) : `${(value * 100).toFixed(2)} %`;
}

/** A margin, signed: `+1.20 %`, `-0.35 %`, `+$0.00`; `—` for none. */
export function formatComplianceMargin(test: string, margin: number | null): string {
  if (margin === null) return '—';
  const text = formatComplianceValue(test, Math.abs(margin));
  return `${margin < 0 && text !== formatComplianceValue(test, 0) ? '-' : '+'}${text}`;
}

/** `2026 acp plan: failed, margin -0.35 % (…)`: one line per failing test, for the run output. */
export function describeComplianceFailure(r: ComplianceResult): string {
  return `${r.year} ${r.test} ${r.group}: failed, margin ${formatComplianceMargin(r.test, r.margin)} (${complianceLabel(r.test)})`;
}

/** The columns of the compliance files (the analysis and export CSVs, the workbooks' Compliance sheet, JSON). */
export const COMPLIANCE_COLUMNS: readonly ReportColumn<ComplianceResult>[] = [
  { name: 'year', unit: 'year', description: 'Simulation year', value: (r) => r.year },
  { name: 'test_name', unit: 'text', description: `The test: ${COMPLIANCE_TESTS.map((t) => t.name).join(', ')}`, value: (r) => r.test },
  { name: 'group_name', unit: 'text', description: "The tested group: 'plan' (for 401(a)(4): the worst rate group, every group in details); 410(b) '401k', '401m', 'nonelective'", value: (r) => r.group },
  { name: 'hce_count', unit: 'count', description: 'HCEs tested (416: key employees)', value: (r) => r.hceCount },
  { name: 'nhce_count', unit: 'count', description: 'NHCEs tested (416: non-key employees)', value: (r) => r.nhceCount },
  { name: 'hce_value', unit: 'number', description: "The HCEs' figure, in the test's unit (details.unit)", value: (r) => r.hceValue ?? '' },
  { name: 'nhce_value', unit: 'number', description: "The NHCEs' figure, in the test's unit", value: (r) => r.nhceValue ?? '' },
  { name: 'limit_value', unit: 'number', description: 'The limit the figure is held to', value: (r) => r.limitValue ?? '' },
  { name: 'margin', unit: 'number', description: "By how much the test passes (negative: fails), in the test's unit", value: (r) => r.margin ?? '' },
  { name: 'passed', unit: 'boolean', description: 'Whether the test passed', value: (r) => String(r.passed) },
  { name: 'unit', unit: 'text', description: "The values' unit: fraction (0.0523 = 5.23 %) or usd", value: (r) => complianceUnit(r.test) },
  { name: 'details', unit: 'text', description: "The formula's numbers, method, exemption and corrective amounts (JSON)", value: (r) => JSON.stringify(r.details) },
];

/** The file record of a result: column name → value. */
export function complianceRecord(r: ComplianceResult): Record<string, number | string> {
  return Object.fromEntries(COMPLIANCE_COLUMNS.map((c) => [c.name, c.value(r)]));
}

/** A result in JSON (snake_case, as the files; details as an object, values null when none). */
export function complianceJson(r: ComplianceResult) {
  return {
    year: r.year,
    test_name: r.test,
    group_name: r.group,
    hce_count: r.hceCount,
    nhce_count: r.nhceCount,
    hce_value: r.hceValue,
    nhce_value: r.nhceValue,
    limit_value: r.limitValue,
    margin: r.margin,
    passed: r.passed,
    unit: complianceUnit(r.test),
    details: r.details,
  };
}
