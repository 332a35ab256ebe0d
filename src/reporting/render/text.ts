import { formatMetric } from '../metrics.js';

/** Plain-text tables for the terminal: first column left-aligned, the others right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? '';
        return i === 0 ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Whole dollars: `$1,234,567`. */
export const formatMoney = (x: number): string => formatMetric('usd', x);
/** `4,512` */
export const formatInteger = (x: number): string => formatMetric('count', x);
/** A fraction (0.0612) as a percentage with one decimal: `6.1 %`. */
export const formatRate = (x: number): string => formatMetric('fraction', x);
/** A percentage already ×100, signed, two decimals: `+2.99 %`. */
export const formatPct = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)} %`;
