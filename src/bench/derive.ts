import { DESIGNS, isDesignName } from './designs.js';
import type { CaseResult, DerivedMetric, InProcessResult, Sample } from './types.js';
import { fitLine, median, round, spread, sum } from './stats.js';

/**
 * `scaling_<a>_over_<b>`: the median wall time of the larger 5-year case over the smaller one's.
 * Linear scaling in employees gives the employee ratio (10); the range is the ratio of the spreads'
 * opposite ends (fastest large / slowest small, slowest large / fastest small).
 */
export function scalingMetric(name: string, small: CaseResult, large: CaseResult): DerivedMetric {
  const value = large.medianWallSeconds / small.medianWallSeconds;
  const employeeYears = (c: CaseResult) => Number(c.params.employees) * Number(c.params.years);
  const sizeRatio = employeeYears(large) / employeeYears(small);
  return {
    name,
    value: round(value, 3),
    unit: 'x',
    range: [round(large.minWallSeconds / small.maxWallSeconds, 3), round(large.maxWallSeconds / small.minWallSeconds, 3)],
    from: [small.name, large.name],
    note: `median wall time of ${large.name} / ${small.name}; perfectly linear in employees x years = ${round(sizeRatio, 3)}`,
    details: {
      employeeYearsRatio: round(sizeRatio, 3),
      /** Time per employee-year, large over small: 1.0 is linear, above 1 is worse than linear. */
      perEmployeeYearRatio: round(value / sizeRatio, 3),
      microsPerEmployeeYear: { [small.name]: small.microsPerEmployeeYear, [large.name]: large.microsPerEmployeeYear },
    },
  };
}

export function checkpointMetric(source: InProcessResult): DerivedMetric {
  const c = source.checkpoint;
  return {
    name: 'checkpoint_overhead_pct',
    value: c.pct,
    unit: '%',
    from: [source.name],
    note: `${c.method}; single in-process run`,
    details: { maxYearPct: c.maxYearPct, inRunPct: c.inRunPct, perYear: c.perYear },
  };
}

/** The year's time outside its stages (audit, COMMIT, dropping the scratch tables, hooks). */
export const OUTSIDE_STAGES = 'OUTSIDE_STAGES';
/** The whole year. */
export const YEAR = 'YEAR';

/** One term of one series (the year, a stage): the fit over the per-size medians, and the range of
 *  the fits through one sample of each size (every combination). */
export interface TermFit {
  value: number;
  range: [number, number];
  /** R² of the fit over the per-size medians. */
  r2: number;
}

/** A sample's seconds per year of each series: the year, each stage, and the year outside them. */
function perYearSeries(sample: Sample, years: number): Record<string, number> {
  const yearSeconds = sum(sample.yearSeconds ?? []) / years;
  const stages = Object.fromEntries(Object.entries(sample.stages ?? {}).map(([stage, s]) => [stage, s / years]));
  return { [YEAR]: yearSeconds, ...stages, [OUTSIDE_STAGES]: yearSeconds - sum(Object.values(stages)) };
}

/** Every way of picking one element of each list. */
function combinations<T>(lists: readonly T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((picked) => list.map((x) => [...picked, x])), [[]]);
}

/**
 * `year_fixed_ms` and `year_marginal_us`: for the year and for each stage, the least-squares line of
 * seconds per simulated year (Σ over the run's years ÷ years) against the census size, over the
 * simulate cases given (one year count, at least two sizes). The intercept is the fixed cost of a
 * year (ms), the slope the marginal cost of an employee-year (µs). The value is the fit through the
 * per-size medians, with its R²; the range is the smallest and largest intercept (slope) of the fits
 * through one sample of each size, over every such choice: the run-to-run noise.
 */
export function termsMetrics(inputs: readonly CaseResult[]): { fixed: DerivedMetric; marginal: DerivedMetric } {
  const sizes = inputs.map((c) => Number(c.params.employees));
  const years = inputs.map((c) => Number(c.params.years));
  if (new Set(years).size !== 1) throw new Error(`the fixed/marginal fit needs cases of one year count, got ${inputs.map((c) => c.name).join(', ')}`);
  const yearCount = years[0] as number;
  const series = inputs.map((c) => c.samples.map((s) => perYearSeries(s, yearCount)));
  const names = [...new Set(series.flatMap((samples) => samples.flatMap((s) => Object.keys(s))))];
  // The whole year first, the part outside the stages last.
  const ordered = [YEAR, ...names.filter((n) => n !== YEAR && n !== OUTSIDE_STAGES), OUTSIDE_STAGES];
  const fixed: Record<string, TermFit> = {};
  const marginal: Record<string, TermFit> = {};
  const picks = combinations(series);
  for (const name of ordered) {
    const at = (s: Record<string, number>) => s[name] ?? 0;
    const central = fitLine(sizes.map((x, i) => [x, median((series[i] ?? []).map(at))]));
    const fits = picks.map((pick) => fitLine(pick.map((s, i) => [sizes[i] as number, at(s)])));
    const intercepts = fits.map((f) => f.intercept * 1e3);
    const slopes = fits.map((f) => f.slope * 1e6);
    const r2 = round(central.r2, 4);
    fixed[name] = { value: round(central.intercept * 1e3, 2), range: [round(Math.min(...intercepts), 2), round(Math.max(...intercepts), 2)], r2 };
    marginal[name] = { value: round(central.slope * 1e6, 3), range: [round(Math.min(...slopes), 3), round(Math.max(...slopes), 3)], r2 };
  }
  const from = inputs.map((c) => c.name);
  const points = inputs.map((c, i) => ({ case: c.name, employees: sizes[i], yearMs: spread((series[i] ?? []).map((s) => (s[YEAR] ?? 0) * 1e3), 2) }));
  const how = `least squares of seconds per year vs census size over ${from.join(', ')} (per-size medians); range: the fits through one sample of each size`;
  const year = (t: Record<string, TermFit>) => t[YEAR] as TermFit;
  return {
    fixed: {
      name: 'year_fixed_ms',
      value: year(fixed).value,
      unit: 'ms per year',
      range: year(fixed).range,
      from,
      note: `intercept: ${how}; R² ${year(fixed).r2}`,
      details: { r2: year(fixed).r2, years: yearCount, points, stages: fixed },
    },
    marginal: {
      name: 'year_marginal_us',
      value: year(marginal).value,
      unit: 'µs per employee-year',
      range: year(marginal).range,
      from,
      note: `slope: ${how}; R² ${year(marginal).r2}`,
      details: { r2: year(marginal).r2, years: yearCount, stages: marginal },
    },
  };
}

/** `startup_<format>_ms`: spawn to the first year's start of a simulate case, median and min–max. */
export function startupMetric(name: string, source: CaseResult): DerivedMetric | undefined {
  const ms = source.samples.map((s) => s.startupSeconds).filter((s): s is number => s !== undefined).map((s) => s * 1e3);
  if (ms.length === 0) return undefined;
  const s = spread(ms, 1);
  return {
    name,
    value: s.median,
    unit: 'ms',
    range: [s.min, s.max],
    from: [source.name],
    note: `process spawn to the start of the first year (census loaded, parameters compiled), ${source.params.employees} employees from ${source.params.census}; ${ms.length} runs`,
  };
}

/**
 * `cost_<N>x<Y>@<design>`: what switching the design on costs, the median wall time of its case over
 * that of the default case of the same size, in percent; the range from the spreads' opposite ends
 * (fastest design run / slowest default run … slowest / fastest). `details` has the seconds, their
 * difference and the peak RSS of both.
 */
export function costMetric(name: string, base: CaseResult, design: CaseResult): DerivedMetric {
  const pct = (a: number, b: number) => round(((a - b) / b) * 100, 2);
  const designName = String(design.params.design);
  const description = isDesignName(designName) ? DESIGNS[designName].description : designName;
  const deltaSeconds = round(design.medianWallSeconds - base.medianWallSeconds, 3);
  const value = pct(design.medianWallSeconds, base.medianWallSeconds);
  return {
    name,
    value,
    unit: `% over ${base.name}`,
    range: [pct(design.minWallSeconds, base.maxWallSeconds), pct(design.maxWallSeconds, base.minWallSeconds)],
    from: [base.name, design.name],
    note: `${description}: median ${design.medianWallSeconds} s against ${base.medianWallSeconds} s (${deltaSeconds >= 0 ? '+' : ''}${deltaSeconds} s)`,
    details: {
      design: designName,
      description,
      seconds: design.medianWallSeconds,
      defaultSeconds: base.medianWallSeconds,
      deltaSeconds,
      peakRssMiB: design.medianPeakRssMiB,
      defaultPeakRssMiB: base.medianPeakRssMiB,
      deltaPeakRssMiB: round(design.medianPeakRssMiB - base.medianPeakRssMiB, 1),
    },
  };
}

/**
 * `queue_overhead_pct`: the same ensemble through the queue against the local pool, at the same
 * parallelism (W workers of one job each against W local children): the extra wall time spread over
 * the jobs each slot ran, in % of a job's own time (the mean of its result files' seconds).
 */
export function queueOverheadMetric(local: CaseResult, queue: CaseResult): DerivedMetric {
  const seeds = Number(queue.params.seeds);
  const slots = Number(queue.params.workers);
  const jobSeconds = Number(local.params.meanJobSeconds);
  const perJob = (queueWall: number, localWall: number) => round(((queueWall - localWall) / (seeds / slots) / jobSeconds) * 100, 2);
  return {
    name: 'queue_overhead_pct',
    value: perJob(queue.medianWallSeconds, local.medianWallSeconds),
    unit: '% of a job',
    range: [perJob(queue.minWallSeconds, local.maxWallSeconds), perJob(queue.maxWallSeconds, local.minWallSeconds)],
    from: [local.name, queue.name],
    note: `${queue.name} ${queue.medianWallSeconds} s against ${local.name} ${local.medianWallSeconds} s over ${seeds} jobs on ${slots} slots; a job takes ${jobSeconds} s`,
    details: { perJobSeconds: round((queue.medianWallSeconds - local.medianWallSeconds) / (seeds / slots), 3), meanJobSeconds: jobSeconds },
  };
}

/** The derived metrics asked for whose inputs were measured. */
export function deriveMetrics(
  names: readonly string[],
  inputs: Record<string, string[]>,
  cases: Record<string, CaseResult>,
  inProcess: Record<string, InProcessResult>,
): Record<string, DerivedMetric> {
  const out: Record<string, DerivedMetric> = {};
  for (const name of names) {
    const from = (inputs[name] ?? []).map((n) => cases[n]);
    const measured = from.length > 0 && from.every((c) => c !== undefined) ? (from as CaseResult[]) : undefined;
    if (name.startsWith('scaling_')) {
      if (measured !== undefined) out[name] = scalingMetric(name, measured[0] as CaseResult, measured[1] as CaseResult);
    } else if (name === 'checkpoint_overhead_pct') {
      const source = inProcess.inprocess_60000x5 ?? Object.values(inProcess)[0];
      if (source !== undefined) out[name] = checkpointMetric(source);
    } else if (name === 'year_fixed_ms' || name === 'year_marginal_us') {
      if (measured !== undefined) {
        const terms = termsMetrics(measured);
        out[name] = name === 'year_fixed_ms' ? terms.fixed : terms.marginal;
      }
    } else if (name === 'queue_overhead_pct') {
      if (measured !== undefined) out[name] = queueOverheadMetric(measured[0] as CaseResult, measured[1] as CaseResult);
    } else if (name.startsWith('cost_')) {
      if (measured !== undefined) out[name] = costMetric(name, measured[0] as CaseResult, measured[1] as CaseResult);
    } else if (name.startsWith('startup_')) {
      const metric = measured === undefined ? undefined : startupMetric(name, measured[0] as CaseResult);
      if (metric !== undefined) out[name] = metric;
    }
  }
  return out;
}
