import type { CaseResult, DerivedMetric, InProcessResult } from './types.js';
import { round } from './stats.js';

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

const SCALING: Record<string, [string, string]> = {
  scaling_100k_over_10k: ['simulate_10000x5', 'simulate_100000x5'],
  scaling_1m_over_100k: ['simulate_100000x5', 'simulate_1000000x5'],
};

/** The derived metrics asked for whose inputs were measured. */
export function deriveMetrics(
  names: readonly string[],
  cases: Record<string, CaseResult>,
  inProcess: Record<string, InProcessResult>,
): Record<string, DerivedMetric> {
  const out: Record<string, DerivedMetric> = {};
  for (const name of names) {
    const scaling = SCALING[name];
    if (scaling !== undefined) {
      const small = cases[scaling[0]];
      const large = cases[scaling[1]];
      if (small !== undefined && large !== undefined) out[name] = scalingMetric(name, small, large);
    } else if (name === 'checkpoint_overhead_pct') {
      const source = inProcess.inprocess_60000x5 ?? Object.values(inProcess)[0];
      if (source !== undefined) out[name] = checkpointMetric(source);
    }
  }
  return out;
}
