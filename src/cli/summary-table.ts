import type { YearSummary } from '../reporting/year-summary.js';

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = (x: number): string => (x * 100).toFixed(1);

/** The per-year summary tables of `planalign simulate`: workforce, then the DC plan. */
export function formatSummaryTable(years: readonly YearSummary[]): string {
  const workforce = table(
    ['Year', 'Active', 'Hires', 'Exp. terms', 'NH terms', 'Growth %', 'Promotions', 'Raises', 'Total comp', 'Avg pay'],
    years.map((y) => [
      String(y.year),
      String(y.activeHeadcount),
      String(y.hires),
      String(y.experiencedTerminations),
      String(y.newHireTerminations),
      y.growthPct.toFixed(2),
      String(y.promotions),
      String(y.raises),
      money.format(y.totalCompensation),
      money.format(y.averageActivePay),
    ]),
  );
  const plan = table(
    ['Year', 'Participation %', 'Avg deferral %', 'Employee contrib.', 'Match', 'Core', 'Employer cost'],
    years.map((y) => [
      String(y.year),
      percent(y.participationRate),
      percent(y.averageDeferralRate),
      money.format(y.employeeContributions),
      money.format(y.employerMatch),
      money.format(y.employerCore),
      money.format(y.employerCost),
    ]),
  );
  return `${workforce}\n\n${plan}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
