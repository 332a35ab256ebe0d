import type { Spread } from './types.js';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no values');
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function spread(xs: readonly number[], digits = 3): Spread {
  return { median: round(median(xs), digits), min: round(Math.min(...xs), digits), max: round(Math.max(...xs), digits) };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** A least-squares line y = intercept + slope·x, and how much of y's variance it explains. */
export interface LineFit {
  intercept: number;
  slope: number;
  /** 1 − Σ residual² / Σ (y − ȳ)²; 1 when every y is equal (the line then fits exactly). */
  r2: number;
}

/** The ordinary least-squares line through the points; needs at least two distinct x. */
export function fitLine(points: ReadonlyArray<readonly [number, number]>): LineFit {
  const n = points.length;
  const meanX = sum(points.map((p) => p[0])) / n;
  const meanY = sum(points.map((p) => p[1])) / n;
  const sxx = sum(points.map(([x]) => (x - meanX) ** 2));
  if (!(sxx > 0)) throw new Error('a line needs points at two different x at least');
  const slope = sum(points.map(([x, y]) => (x - meanX) * (y - meanY))) / sxx;
  const intercept = meanY - slope * meanX;
  const total = sum(points.map(([, y]) => (y - meanY) ** 2));
  const residual = sum(points.map(([x, y]) => (y - intercept - slope * x) ** 2));
  return { intercept, slope, r2: total === 0 ? 1 : 1 - residual / total };
}
