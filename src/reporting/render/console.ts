import type { ComplianceAnalysis, EventsAnalysis, WorkforceAnalysis } from '../analysis.js';
import { formatComplianceMargin, formatComplianceValue, type ComplianceResult } from '../compliance.js';
import { formatInputs } from '../inputs.js';
import type { MultiYearSummary, YearAudit } from '../types.js';
import { formatMetric, metricDefinition, type HeadlineMetricId } from '../metrics.js';
import { yearSummaryMetric, type YearSummary } from '../year-summary.js';
import { formatInteger, formatMoney, formatPct, formatRate, textTable } from './text.js';

/** Console (plain text) renderings of the reports. Every function returns text ending in a newline. */

export function formatYearAudit(audit: YearAudit): string {
  const total = audit.workforceByStatus.reduce((sum, s) => sum + s.count, 0);
  const { growth, plan } = audit;
  const sections = [
    `Year ${audit.year} audit`,
    textTable(
      ['Status', 'Employees', 'Share'],
      [
        ...audit.workforceByStatus.map((s) => [s.status, formatInteger(s.count), formatRate(total === 0 ? 0 : s.count / total)]),
        ['total', formatInteger(total), formatRate(total === 0 ? 0 : 1)],
      ],
    ),
    textTable(
      ['Event type', 'Events'],
      audit.eventsByType.map((e) => [e.eventType, formatInteger(e.count)]),
    ),
    textTable(
      ['Growth', 'Value'],
      [
        ['starting actives', formatInteger(growth.startingActives)],
        ['ending actives', formatInteger(growth.endingActives)],
        ['net change', `${growth.netChange >= 0 ? '+' : ''}${formatInteger(growth.netChange)}`],
        ['growth', formatPct(growth.growthPct)],
      ],
    ),
    textTable(
      ['Plan', 'Value'],
      [
        ['participation rate', formatRate(plan.participationRate)],
        ['avg deferral rate', formatRate(plan.averageDeferralRate)],
        ['employee contributions', formatMoney(plan.employeeContributions)],
        ['employer match', formatMoney(plan.employerMatch)],
        ['employer core', formatMoney(plan.employerCore)],
        ['employer cost', formatMoney(plan.employerCost)],
        ['forfeitures used', formatMoney(plan.forfeituresUsed)],
        ['net employer cost', formatMoney(plan.netEmployerCost)],
        ['forfeited in the year', formatMoney(plan.forfeitures)],
        ['forfeitures reallocated', formatMoney(plan.forfeituresReallocated)],
        ['forfeiture account at year end', formatMoney(plan.forfeitureAccountBalance)],
        ['account balances at year end', formatMoney(plan.accountBalances)],
      ],
    ),
    audit.validation.length === 0
      ? 'Validation: no results recorded for this year'
      : textTable(
          ['Rule', 'Severity', 'Violations'],
          audit.validation.map((v) => [v.rule, v.severity, formatInteger(v.violations)]),
        ),
    formatComplianceResults(audit.compliance),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** Compliance tests, one row per year, test and group, values in the test's unit. */
export function formatComplianceResults(results: readonly ComplianceResult[]): string {
  if (results.length === 0) return 'Compliance tests: no results recorded';
  return textTable(
    ['Compliance test', 'Year', 'Group', 'HCEs', 'NHCEs', 'HCE value', 'NHCE value', 'Limit', 'Margin', 'Result'],
    results.map((r) => [
      r.test,
      String(r.year),
      r.group,
      formatInteger(r.hceCount),
      formatInteger(r.nhceCount),
      formatComplianceValue(r.test, r.hceValue),
      formatComplianceValue(r.test, r.nhceValue),
      formatComplianceValue(r.test, r.limitValue),
      formatComplianceMargin(r.test, r.margin),
      r.passed ? 'pass' : 'FAIL',
    ]),
  );
}

/** Pass/fail and margin per test and group (rows) and year (columns). */
export function formatComplianceByYear(results: readonly ComplianceResult[]): string {
  if (results.length === 0) return 'Compliance tests: no results recorded';
  const years = [...new Set(results.map((r) => r.year))].sort((a, b) => a - b);
  const keys = [...new Set(results.map((r) => `${r.test}\u0000${r.group}`))];
  const cell = new Map(results.map((r) => [`${r.test}\u0000${r.group}\u0000${r.year}`, r]));
  return textTable(
    ['Compliance test', 'Group', ...years.map(String)],
    keys.map((key) => {
      const [test = '', group = ''] = key.split('\u0000');
      return [
        test,
        group,
        ...years.map((year) => {
          const r = cell.get(`${key}\u0000${year}`);
          return r === undefined ? '' : `${r.passed ? 'pass' : 'FAIL'} ${formatComplianceMargin(r.test, r.margin)}`;
        }),
      ];
    }),
  );
}

/** `analyze compliance`: every year's tests, then pass/fail and margin by year. */
export function formatComplianceAnalysis(analysis: ComplianceAnalysis): string {
  if (analysis.rows.length === 0) return 'Compliance tests: no results recorded (a database from before schema version 5?)\n';
  return `${formatComplianceResults(analysis.rows)}\n\n${formatComplianceByYear(analysis.rows)}\n\nValues in %: ADP/ACP average ratios of testing pay; 410b and 401a4 the shares benefiting (limit: their ratio); 416 the key employees' share of balances. 415c: see its details. A margin > 0 passes by that much.\n`;
}

const metricLabel = (id: HeadlineMetricId): string => metricDefinition(id).label;
const metricCell = (y: YearSummary, id: HeadlineMetricId): string => formatMetric(metricDefinition(id).unit, yearSummaryMetric(y, id));

/**
 * The per-year tables, each about 80 columns wide: the workforce, pay and participation, plan cost.
 * The headline metrics carry their labels (src/reporting/metrics.ts) and every figure its unit.
 */
export function formatProgression(years: readonly YearSummary[]): string {
  const workforce = textTable(
    ['Year', 'Start', metricLabel('active_headcount'), 'Hires', 'Exp. terms', 'NH terms', 'Growth', 'Promotions', 'Raises'],
    years.map((y) => [
      String(y.year),
      formatInteger(y.startingActives),
      metricCell(y, 'active_headcount'),
      formatInteger(y.hires),
      formatInteger(y.experiencedTerminations),
      formatInteger(y.newHireTerminations),
      formatPct(y.growthPct),
      formatInteger(y.promotions),
      formatInteger(y.raises),
    ]),
  );
  const pay = textTable(
    ['Year', metricLabel('total_compensation'), 'Avg pay of actives', metricLabel('participation_rate'), metricLabel('avg_deferral_rate')],
    years.map((y) => [
      String(y.year),
      metricCell(y, 'total_compensation'),
      formatMoney(y.averageActivePay),
      metricCell(y, 'participation_rate'),
      metricCell(y, 'avg_deferral_rate'),
    ]),
  );
  const costIds = ['employee_contributions', 'employer_match_cost', 'employer_core_cost', 'total_employer_plan_cost', 'net_employer_plan_cost'] as const;
  const cost = textTable(
    ['Year', ...costIds.map(metricLabel)],
    years.map((y) => [String(y.year), ...costIds.map((id) => metricCell(y, id))]),
  );
  const forfeitures = formatForfeitureAccount(years);
  const accounts = textTable(
    ['Year', 'Opening', 'Contributions', 'Earnings', 'Distributions', 'Forfeited', metricLabel('account_balances'), 'Vested'],
    years.map((y) => [
      String(y.year),
      formatMoney(y.accountOpening),
      formatMoney(y.accountContributions),
      formatMoney(y.accountEarnings),
      formatMoney(y.accountDistributions),
      formatMoney(y.forfeitures),
      metricCell(y, 'account_balances'),
      formatMoney(y.accountVestedBalances),
    ]),
  );
  return `Workforce\n${workforce}\n\nPay and participation\n${pay}\n\nPlan contributions and employer cost\n${cost}${
    forfeitures === '' ? '' : `\n\nForfeiture account\n${forfeitures}`
  }\n\nParticipant accounts (opening + contributions + earnings − distributions − forfeited = year end)\n${accounts}`;
}

/** The forfeiture account per year; nothing (empty text) for a run that forfeited nothing. */
function formatForfeitureAccount(years: readonly YearSummary[]): string {
  if (years.every((y) => y.forfeitures === 0 && y.forfeitureAccountBalance === 0 && y.forfeituresUsed === 0 && y.forfeituresReallocated === 0)) return '';
  return textTable(
    ['Year', 'Forfeited', 'Used (less net cost)', 'Reallocated', 'Year-end balance'],
    years.map((y) => [
      String(y.year),
      formatMoney(y.forfeitures),
      formatMoney(y.forfeituresUsed),
      formatMoney(y.forfeituresReallocated),
      formatMoney(y.forfeitureAccountBalance),
    ]),
  );
}

export function formatMultiYearSummary(summary: MultiYearSummary): string {
  const g = summary.growthAnalysis;
  const years = summary.endYear - summary.startYear + 1;
  const sections = [
    [
      `Run ${summary.runId}: ${summary.startYear}-${summary.endYear} (${years} year${years === 1 ? '' : 's'}), seed ${summary.seed}`,
      ...formatInputs(summary.inputs, { config: summary.configHash, census: summary.censusHash, parameters: summary.parametersHash }),
      `  started ${summary.startTime}  generated ${summary.generatedAt}`,
    ].join('\n'),
    formatProgression(summary.workforceProgression),
    textTable(
      ['Growth', 'Value'],
      [
        [`start-of-year actives ${summary.startYear}`, formatInteger(g.startingActives)],
        [`year-end actives ${summary.endYear}`, formatInteger(g.endingActives)],
        ['total growth', formatPct(g.totalGrowthPct)],
        ['CAGR', formatPct(g.cagrPct)],
      ],
    ),
    textTable(
      ['Event type', 'Events'],
      Object.entries(summary.eventTotals).map(([type, n]) => [type, formatInteger(n)]),
    ),
    textTable(
      [
        'Year',
        metricLabel('employer_match_cost'),
        metricLabel('employer_core_cost'),
        metricLabel('total_employer_plan_cost'),
        'Forfeitures used',
        metricLabel('net_employer_plan_cost'),
      ],
      [
        ...summary.employerCost.byYear.map((y) => [
          String(y.year),
          formatMoney(y.match),
          formatMoney(y.core),
          formatMoney(y.total),
          formatMoney(y.forfeituresUsed),
          formatMoney(y.net),
        ]),
        ['total', '', '', formatMoney(summary.employerCost.total), formatMoney(summary.employerCost.forfeituresUsed), formatMoney(summary.employerCost.net)],
      ],
    ),
    formatComplianceByYear(summary.compliance),
  ];
  return `${sections.join('\n\n')}\n`;
}

export function formatWorkforceAnalysis(analysis: WorkforceAnalysis): string {
  const cell = (r: WorkforceAnalysis['rows'][number], id: HeadlineMetricId): string => formatMetric(metricDefinition(id).unit, r[id]);
  const workforce = textTable(
    ['Year', 'Total rows', metricLabel('active_headcount'), 'Terminated', 'Participants', 'Growth', 'Avg pay'],
    analysis.rows.map((r) => [
      String(r.year),
      formatInteger(r.total_rows),
      cell(r, 'active_headcount'),
      formatInteger(r.terminated),
      formatInteger(r.participants),
      formatPct(r.growth_rate * 100),
      formatMoney(r.average_active_pay),
    ]),
  );
  const tables = [
    ['total_compensation', 'participation_rate', 'avg_deferral_rate', 'employee_contributions'],
    ['employer_match_cost', 'employer_core_cost', 'total_employer_plan_cost', 'net_employer_plan_cost', 'account_balances'],
  ] as const;
  const plan = tables.map((ids) =>
    textTable(
      ['Year', ...ids.map(metricLabel)],
      analysis.rows.map((r) => [String(r.year), ...ids.map((id) => cell(r, id))]),
    ),
  );
  return `${[workforce, ...plan].join('\n\n')}\n`;
}

/** Year × event type: "events (unique employees)" per cell, then the year's totals. */
export function formatEventsAnalysis(analysis: EventsAnalysis): string {
  const cell = new Map(analysis.rows.map((r) => [`${r.year}|${r.event_type}`, r]));
  const rows = analysis.totals.map((total) => [
    String(total.year),
    ...analysis.event_types.map((type) => {
      const r = cell.get(`${total.year}|${type}`);
      return r === undefined ? '0' : `${formatInteger(r.events)} (${formatInteger(r.unique_employees)})`;
    }),
    `${formatInteger(total.events)} (${formatInteger(total.unique_employees)})`,
  ]);
  return `${textTable(['Year', ...analysis.event_types, 'all events'], rows)}\n\nCells: events (unique employees)\n`;
}
