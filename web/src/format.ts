import type { Unit } from './api';

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Units shown right-aligned in tables: numbers line up by their last digit. */
export function isNumeric(unit: Unit): boolean {
  return unit === 'count' || unit === 'usd' || unit === 'fraction' || unit === 'year' || unit === 'hours' || unit === 'number';
}

/**
 * A value as an analyst reads it: usd "$1,234,567" (cents when under $1,000), fraction "12.3 %",
 * count "1,234", year "2026" (no separator); null and undefined as an em dash.
 */
export function formatValue(value: unknown, unit: Unit): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') {
    if (unit === 'boolean') return value ? 'yes' : 'no';
    return unit === 'timestamp' && typeof value === 'string' ? formatTime(value) : String(value);
  }
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'usd': {
      const digits = Math.abs(value) < 1000 ? cents : whole;
      return `${value < 0 ? '−' : ''}$${digits.format(Math.abs(value))}`;
    }
    case 'fraction':
      return `${oneDecimal.format(value * 100)} %`;
    case 'count':
      return whole.format(value);
    case 'year':
      return String(value);
    case 'hours':
      return `${plain.format(value)} h`;
    case 'boolean':
      return value ? 'yes' : 'no';
    default:
      return plain.format(value);
  }
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** A value short, for chart axes and bins: usd "$1.2M", fraction "12.3 %", else "1.2K". */
export function formatCompact(value: number, unit: Unit): string {
  if (unit === 'usd') return `${value < 0 ? '−' : ''}$${compact.format(Math.abs(value))}`;
  if (unit === 'fraction') return `${Math.round(value * 1000) / 10} %`;
  return compact.format(value);
}

/** The unit as a column header suffix ("$", "%", "h"); '' for units that need none. */
export function unitLabel(unit: Unit): string {
  return unit === 'usd' ? '$' : unit === 'fraction' ? '%' : unit === 'hours' ? 'h' : '';
}

/** A timestamp in the browser's locale, to the minute ("1 Dec 2026, 03:54"). */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Bytes as "121 kB" / "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${whole.format(bytes / 1000)} kB`;
  return `${oneDecimal.format(bytes / 1_000_000)} MB`;
}
