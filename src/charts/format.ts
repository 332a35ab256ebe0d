import type { MetricUnit } from '../reporting/metrics.js';

const USD_SCALES = [
  { divisor: 1e9, suffix: 'B' },
  { divisor: 1e6, suffix: 'M' },
  { divisor: 1e3, suffix: 'K' },
] as const;

/** `value` with at most `digits` decimals, trailing zeros dropped: 1.50 → "1.5", 2.00 → "2". */
function trimmed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/**
 * An axis tick as an analyst reads it without the data: dollars in short scale ($950, $450K,
 * $1.25M, $2B), fractions as percentages (0.925 → "92.5 %", the console's style), counts with
 * thousands separators (4,500). Ticks are round numbers, so two decimals are never cut short.
 */
export function formatAxisValue(unit: MetricUnit, value: number): string {
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  switch (unit) {
    case 'usd': {
      // The scale is chosen after rounding, so 999,999 reads $1M, not $1000K.
      const scale = USD_SCALES.find((s) => Number((magnitude / s.divisor).toFixed(2)) >= 1);
      return scale === undefined
        ? `${sign}$${trimmed(magnitude, 2)}`
        : `${sign}$${trimmed(magnitude / scale.divisor, 2)}${scale.suffix}`;
    }
    case 'fraction':
      return `${sign}${trimmed(magnitude * 100, 2)} %`;
    case 'count':
      return `${sign}${magnitude.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
  }
}
