import type { EventsAnalysis, WorkforceAnalysis } from '../analysis.js';
import { formatInputs } from '../inputs.js';
import type { MultiYearSummary, YearAudit } from '../types.js';
import type { YearSummary } from '../year-summary.js';
import { formatInteger, formatMoney, formatPct, formatRate, textTable } from './text.js';

/** Console (plain text) renderings of the reports. Every function returns text ending in a newline. */

export function formatYearAudit(audit: YearAudit): string {
  const total = audit.workforceByStatus.reduce((sum, s) => sum + s.count, 0);
  const { growth, plan } = audit;
  const sections = [
    `Year ${audit.year} audit`,
    textTable(
      ['Status', 'Employees', 'Share %'],
      [
        ...audit.workforceByStatus.map((s) => [
          s.status,
          formatInteger(s.count),
          total === 0 ? '0.0' : ((s.count / total) * 100).toFixed(1),
        ]),
        ['total', formatInteger(total), total === 0 ? '0.0' : '100.0'],
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
        ['growth %', formatPct(growth.growthPct)],
      ],
    ),
    textTable(
      ['Plan', 'Value'],
      [
        ['participation %', formatRate(plan.participationRate)],
        ['avg deferral %', formatRate(plan.averageDeferralRate)],
        ['employee contributions', formatMoney(plan.employeeContributions)],
        ['employer match', formatMoney(plan.employerMatch)],
        ['employer core', formatMoney(plan.employerCore)],
        ['employer cost', formatMoney(plan.employerCost)],
      ],
    ),
    audit.validation.length === 0
      ? 'Validation: no results recorded for this year'
      : textTable(
          ['Rule', 'Severity', 'Violations'],
          audit.validation.map((v) => [v.rule, v.severity, formatInteger(v.violations)]),
        ),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The per-year workforce and plan tables. */
export function formatProgression(years: readonly YearSummary[]): string {
  const workforce = textTable(
    ['Year', 'Start', 'Active', 'Hires', 'Exp. terms', 'NH terms', 'Growth %', 'Promotions', 'Raises', 'Total comp', 'Avg pay'],
    years.map((y) => [
      String(y.year),
      formatInteger(y.startingActives),
      formatInteger(y.activeHeadcount),
      formatInteger(y.hires),
      formatInteger(y.experiencedTerminations),
      formatInteger(y.newHireTerminations),
      formatPct(y.growthPct),
      formatInteger(y.promotions),
      formatInteger(y.raises),
      formatMoney(y.totalCompensation),
      formatMoney(y.averageActivePay),
    ]),
  );
  const plan = textTable(
    ['Year', 'Participation %', 'Avg deferral %', 'Employee contrib.', 'Match', 'Core', 'Employer cost'],
    years.map((y) => [
      String(y.year),
      formatRate(y.participationRate),
      formatRate(y.averageDeferralRate),
      formatMoney(y.employeeContributions),
      formatMoney(y.employerMatch),
      formatMoney(y.employerCore),
      formatMoney(y.employerCost),
    ]),
  );
  return `${workforce}\n\n${plan}`;
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
        ['total growth %', formatPct(g.totalGrowthPct)],
        ['CAGR %', formatPct(g.cagrPct)],
      ],
    ),
    textTable(
      ['Event type', 'Events'],
      Object.entries(summary.eventTotals).map(([type, n]) => [type, formatInteger(n)]),
    ),
    textTable(
      ['Year', 'Match', 'Core', 'Employer cost'],
      [
        ...summary.employerCost.byYear.map((y) => [String(y.year), formatMoney(y.match), formatMoney(y.core), formatMoney(y.total)]),
        ['total', '', '', formatMoney(summary.employerCost.total)],
      ],
    ),
  ];
  return `${sections.join('\n\n')}\n`;
}

export function formatWorkforceAnalysis(analysis: WorkforceAnalysis): string {
  return `${textTable(
    ['Year', 'Total rows', 'Active', 'Terminated', 'Participating', 'Participation %', 'Growth %', 'Avg pay'],
    analysis.rows.map((r) => [
      String(r.year),
      formatInteger(r.totalRows),
      formatInteger(r.active),
      formatInteger(r.terminated),
      formatInteger(r.participating),
      formatRate(r.participationRate),
      formatPct(r.growthPct),
      formatMoney(r.averagePay),
    ]),
  )}\n`;
}

/** Year × event type: "events (unique employees)" per cell, then the year's totals. */
export function formatEventsAnalysis(analysis: EventsAnalysis): string {
  const cell = new Map(analysis.rows.map((r) => [`${r.year}|${r.eventType}`, r]));
  const rows = analysis.totals.map((total) => [
    String(total.year),
    ...analysis.eventTypes.map((type) => {
      const r = cell.get(`${total.year}|${type}`);
      return r === undefined ? '0' : `${formatInteger(r.events)} (${formatInteger(r.uniqueEmployees)})`;
    }),
    `${formatInteger(total.events)} (${formatInteger(total.uniqueEmployees)})`,
  ]);
  return `${textTable(['Year', ...analysis.eventTypes, 'all events'], rows)}\n\nCells: events (unique employees)\n`;
}
