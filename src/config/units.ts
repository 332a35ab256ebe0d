/** A percentage ×100 as a fraction, without the binary tail of the division (5.0000000001 → 0.05). */
export const pctToFraction = (pct: number): number => Number((pct / 100).toPrecision(12));
