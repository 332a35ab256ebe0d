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

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Whole dollars with thousands separators. */
export const formatMoney = (x: number): string => money.format(x);
export const formatInteger = (x: number): string => integer.format(x);
/** A fraction (0.0612) as a percentage with one decimal (6.1). */
export const formatRate = (x: number): string => (x * 100).toFixed(1);
/** A percentage already ×100, signed, two decimals. */
export const formatPct = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
