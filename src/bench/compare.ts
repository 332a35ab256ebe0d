/**
 * Baseline comparison: per case, the change of the median wall time and of the median peak RSS.
 *
 * A change is a REGRESSION only when it is both large (time > +5 %, memory > +10 %) and outside the
 * run-to-run spread measured in both results: every new sample is worse than every baseline sample
 * (new min > baseline max). An IMPROVEMENT is the mirror image (time < -5 % or memory < -10 %, and
 * new max < baseline min). Anything else is unchanged: noise the spreads cannot tell from a change.
 *
 * The derived metrics in DERIVED_TOLERANCES (the fixed and marginal cost of a year, the start-up
 * time) are judged the same way on their value and range, with a wider threshold and a floor in
 * their own unit (a small intercept moves by a few ms from noise alone); the others are shown only.
 */
import type { BenchResults, CaseResult, MachineFacts } from './types.js';
import { round } from './stats.js';

export interface Thresholds {
  /** Percent slower (median wall time) beyond which a case may be a regression. */
  timePct: number;
  /** Percent more peak RSS (median) beyond which a case may be a regression. */
  memoryPct: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { timePct: 5, memoryPct: 10 };

/** A derived metric counts as changed beyond `pct` percent AND beyond `absolute` in its own unit. */
export const DERIVED_TOLERANCES: Record<string, { pct: number; absolute: number }> = {
  year_fixed_ms: { pct: 10, absolute: 10 },
  year_marginal_us: { pct: 10, absolute: 0.5 },
  startup_parquet_ms: { pct: 10, absolute: 25 },
  startup_csv_ms: { pct: 10, absolute: 25 },
};

export type Verdict = 'REGRESSION' | 'IMPROVEMENT' | 'unchanged';
export type CaseStatus = Verdict | 'new' | 'not measured';

export interface MetricComparison {
  baseline: number;
  current: number;
  changePct: number;
  baselineRange: [number, number];
  currentRange: [number, number];
  /** True when the two spreads do not overlap. */
  outsideSpread: boolean;
  verdict: Verdict;
}

export interface CaseComparison {
  name: string;
  status: CaseStatus;
  time?: MetricComparison;
  memory?: MetricComparison;
}

export interface DerivedComparison {
  name: string;
  unit: string;
  baseline: number | null;
  current: number | null;
  changePct: number | null;
  /** Metrics with a tolerance, measured on both sides from the same cases; others are informational. */
  verdict?: Verdict;
  /** Why a metric with a tolerance was not judged. */
  note?: string;
}

export interface Comparison {
  baseline: { path: string; measuredAt: string; profile: string };
  current: { measuredAt: string; profile: string };
  thresholds: Thresholds;
  /** Differences between the two machines/setups that make the comparison less meaningful. */
  warnings: string[];
  cases: CaseComparison[];
  /** Flagged only for the metrics in DERIVED_TOLERANCES. */
  derived: DerivedComparison[];
  regressions: string[];
  improvements: string[];
  exitCode: 0 | 1;
}

function changePct(baseline: number, current: number): number {
  if (baseline === 0) return current === 0 ? 0 : Infinity;
  return ((current - baseline) / baseline) * 100;
}

/** Compares one metric given each side's median and [min, max] over its samples; a change must also
 *  exceed `minAbsolute` (in the metric's unit) to count. */
export function compareMetric(
  baseline: { median: number; min: number; max: number },
  current: { median: number; min: number; max: number },
  thresholdPct: number,
  minAbsolute = 0,
): MetricComparison {
  const change = changePct(baseline.median, current.median);
  const large = Math.abs(current.median - baseline.median) > minAbsolute;
  const slower = large && change > thresholdPct && current.min > baseline.max;
  const faster = large && change < -thresholdPct && current.max < baseline.min;
  return {
    baseline: baseline.median,
    current: current.median,
    changePct: round(change, 2),
    baselineRange: [baseline.min, baseline.max],
    currentRange: [current.min, current.max],
    outsideSpread: current.min > baseline.max || current.max < baseline.min,
    verdict: slower ? 'REGRESSION' : faster ? 'IMPROVEMENT' : 'unchanged',
  };
}

export function compareCase(baseline: CaseResult, current: CaseResult, thresholds: Thresholds = DEFAULT_THRESHOLDS): CaseComparison {
  const time = compareMetric(
    { median: baseline.medianWallSeconds, min: baseline.minWallSeconds, max: baseline.maxWallSeconds },
    { median: current.medianWallSeconds, min: current.minWallSeconds, max: current.maxWallSeconds },
    thresholds.timePct,
  );
  const memory = compareMetric(
    { median: baseline.medianPeakRssMiB, min: baseline.minPeakRssMiB, max: baseline.maxPeakRssMiB },
    { median: current.medianPeakRssMiB, min: current.minPeakRssMiB, max: current.maxPeakRssMiB },
    thresholds.memoryPct,
  );
  const verdicts = [time.verdict, memory.verdict];
  // A regression in either metric gates, whatever the other did.
  const status: Verdict = verdicts.includes('REGRESSION') ? 'REGRESSION' : verdicts.includes('IMPROVEMENT') ? 'IMPROVEMENT' : 'unchanged';
  return { name: current.name, status, time, memory };
}

function machineWarnings(baseline: MachineFacts | undefined, current: MachineFacts | undefined): string[] {
  if (baseline === undefined || current === undefined) return ['machine facts missing from one side'];
  const warnings: string[] = [];
  const keys: Array<keyof MachineFacts> = ['node', 'cpus', 'cpuModel', 'duckdb', 'platform', 'arch'];
  for (const key of keys) {
    if (String(baseline[key]) !== String(current[key])) {
      warnings.push(`${key} differs: baseline ${String(baseline[key])}, now ${String(current[key])}`);
    }
  }
  if (Math.abs(baseline.memoryGiB - current.memoryGiB) > 1) {
    warnings.push(`memory differs: baseline ${baseline.memoryGiB} GiB, now ${current.memoryGiB} GiB`);
  }
  // Load well above what the harness itself adds means other work competed for the CPUs.
  const busy = (m: MachineFacts) => Math.max(m.loadAverageStart?.[0] ?? 0, m.loadAverageEnd?.[0] ?? 0);
  if (busy(current) > (current.cpus || 1) * 0.75 + 1) {
    warnings.push(`the machine was busy during this run (1-min load up to ${busy(current).toFixed(2)} on ${current.cpus} CPUs)`);
  }
  return warnings;
}

export function compareResults(
  baseline: BenchResults,
  current: BenchResults,
  options: { baselinePath?: string; thresholds?: Thresholds } = {},
): Comparison {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const cases: CaseComparison[] = [];
  for (const [name, result] of Object.entries(current.cases)) {
    const base = baseline.cases[name];
    cases.push(base === undefined ? { name, status: 'new' } : compareCase(base, result, thresholds));
  }
  for (const name of Object.keys(baseline.cases)) {
    if (!(name in current.cases)) cases.push({ name, status: 'not measured' });
  }
  const derivedNames = [...new Set([...Object.keys(current.derived ?? {}), ...Object.keys(baseline.derived ?? {})])];
  const derived = derivedNames.map((name): DerivedComparison => {
    const b = baseline.derived?.[name];
    const c = current.derived?.[name];
    const out: DerivedComparison = {
      name,
      unit: c?.unit ?? b?.unit ?? '',
      baseline: b?.value ?? null,
      current: c?.value ?? null,
      changePct: b !== undefined && c !== undefined ? round(changePct(b.value, c.value), 2) : null,
    };
    const tolerance = DERIVED_TOLERANCES[name];
    if (tolerance === undefined || b === undefined || c === undefined) return out;
    if (b.from.join(',') !== c.from.join(',')) return { ...out, note: `computed from ${c.from.join(', ')}, the baseline from ${b.from.join(', ')}: not judged` };
    const side = (m: typeof b) => ({ median: m.value, min: m.range?.[0] ?? m.value, max: m.range?.[1] ?? m.value });
    return { ...out, verdict: compareMetric(side(b), side(c), tolerance.pct, tolerance.absolute).verdict };
  });
  const regressions = [...cases.filter((c) => c.status === 'REGRESSION'), ...derived.filter((d) => d.verdict === 'REGRESSION')].map((c) => c.name);
  const improvements = [...cases.filter((c) => c.status === 'IMPROVEMENT'), ...derived.filter((d) => d.verdict === 'IMPROVEMENT')].map((c) => c.name);
  const warnings = machineWarnings(baseline.machine, current.machine);
  if (baseline.schema !== current.schema) warnings.push(`results schema differs: baseline ${baseline.schema}, now ${current.schema}`);
  if (baseline.build?.changedDuringRun) warnings.push('dist/ was rebuilt while the baseline was measured');
  if (current.build?.changedDuringRun) warnings.push('dist/ was rebuilt during this run');
  return {
    baseline: { path: options.baselinePath ?? '', measuredAt: baseline.measuredAt, profile: baseline.profile },
    current: { measuredAt: current.measuredAt, profile: current.profile },
    thresholds,
    warnings,
    cases,
    derived,
    regressions,
    improvements,
    exitCode: regressions.length > 0 ? 1 : 0,
  };
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(1)} %` : 'n/a');

/** The comparison as a plain-text table. */
export function formatComparison(comparison: Comparison): string {
  const header = ['Case', 'Time base → now', 'Δ time', 'RSS MiB base → now', 'Δ RSS', 'Verdict'];
  const rows = comparison.cases.map((c) => {
    if (c.time === undefined || c.memory === undefined) return [c.name, '-', '-', '-', '-', c.status];
    const t = c.time;
    const m = c.memory;
    const flag = (v: Verdict, what: string) => (v === 'unchanged' ? '' : ` (${what})`);
    return [
      c.name,
      `${t.baseline.toFixed(3)} s → ${t.current.toFixed(3)} s`,
      signed(t.changePct),
      `${m.baseline.toFixed(0)} → ${m.current.toFixed(0)}`,
      signed(m.changePct),
      `${c.status}${c.status === 'unchanged' ? '' : `${flag(t.verdict, 'time')}${flag(m.verdict, 'memory')}`}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const lines = [
    `Comparison with ${comparison.baseline.path || 'the baseline'} (measured ${comparison.baseline.measuredAt}, profile ${comparison.baseline.profile})`,
    `Flagged when time > +${comparison.thresholds.timePct} % or RSS > +${comparison.thresholds.memoryPct} % (or the mirror for an improvement) AND outside both run-to-run spreads.`,
    ...comparison.warnings.map((w) => `Warning: ${w}`),
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
  if (comparison.derived.length > 0) {
    const flagged = Object.entries(DERIVED_TOLERANCES).map(([name, t]) => `${name} > ${t.pct} % and > ${t.absolute}`);
    lines.push('', `Derived (flagged like the cases, on value and range: ${flagged.join(', ')}; the others informational):`);
    for (const d of comparison.derived) {
      const show = (v: number | null) => (v === null ? '-' : `${v}`);
      const verdict = d.verdict === undefined || d.verdict === 'unchanged' ? '' : `  ${d.verdict}`;
      lines.push(
        `  ${d.name}: ${show(d.baseline)} → ${show(d.current)} ${d.unit}${d.changePct === null ? '' : ` (${signed(d.changePct)})`}${verdict}${d.note === undefined ? '' : ` (${d.note})`}`,
      );
    }
  }
  lines.push(
    '',
    comparison.regressions.length > 0
      ? `${comparison.regressions.length} REGRESSION(S): ${comparison.regressions.join(', ')}`
      : `No regression${comparison.improvements.length > 0 ? `; improvements: ${comparison.improvements.join(', ')}` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}
