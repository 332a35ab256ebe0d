import type { YearSummary } from '../reporting/year-summary.js';

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The per-year summary table of `planalign simulate`. */
export function formatSummaryTable(years: readonly YearSummary[]): string {
  const header = ['Year', 'Active', 'Hires', 'Exp. terms', 'NH terms', 'Growth %', 'Promotions', 'Raises', 'Total comp', 'Avg pay'];
  const rows = years.map((y) => [
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
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
