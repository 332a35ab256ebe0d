/**
 * Benchmark cases, by stable name (the keys of the results JSON and of the baseline):
 *
 *   simulate_<N>x<Y>         `planalign simulate` over a synthetic census of N employees, Y years from 2025
 *   simulate_<N>x<Y>_csv     the same from the census as CSV instead of Parquet
 *   simulate_<N>x<Y>[_csv]@<design>   the same with one plan design of designs.ts laid over the config
 *   batch_<S>_parallel<P>    `planalign batch` over S scenario files (growth 0/2/4/6 %...), P at once
 *   ensemble_<S>x<N>x<Y>     `planalign ensemble` of S seeds over a census of N employees, Y years, local
 *                            (--parallel = the cores); `_queue<W>`: through a Redis of its own on W warm
 *                            `planalign worker`s (concurrency 1, the cores divided among them)
 *   help_ms                  `planalign --help`
 *   inprocess_<N>x<Y>        one in-process run (per-model times, checkpoint cost); single sample
 *
 * and derived metrics, which pull in the cases they are computed from:
 *
 *   scaling_100k_over_10k    simulate_100000x5 / simulate_10000x5
 *   scaling_1m_over_100k     simulate_1000000x5 / simulate_100000x5
 *   checkpoint_overhead_pct  from inprocess_60000x5 (or whichever in-process case was run)
 *   year_fixed_ms            the intercept of year seconds vs employees over simulate_<N>x5, N = 1k/10k/60k
 *   year_marginal_us         its slope, per employee-year
 *   startup_parquet_ms       process start to the first year's start, simulate_10000x1
 *   startup_csv_ms           the same, simulate_10000x1_csv
 *   cost_<N>x<Y>[_csv]@<design>   the cost of the design: simulate_<N>x<Y>@<design> against simulate_<N>x<Y>
 *   queue_overhead_pct       ensemble_50x5000x5_queue2 against ensemble_50x5000x5: the same jobs at the same
 *                            parallelism, so the extra wall time is the queue's cost per job, in % of a job
 *
 * `terms` (in --cases) names the four terms; `designs` (in --cases or a profile's cases) every
 * design case at the profile's design size, with the default case of that size. A design case
 * always brings in its default case and its cost.
 */
import { DESIGN_NAMES, isDesignName, type DesignName } from './designs.js';

export const START_YEAR = 2025;

export type CaseSpec =
  | { kind: 'simulate'; name: string; employees: number; years: number; census: CensusFormat; repeats: number; design?: DesignName }
  | { kind: 'batch'; name: string; scenarios: number; parallel: number; employees: number; years: number; repeats: number }
  | { kind: 'help'; name: string; repeats: number }
  | { kind: 'inprocess'; name: string; employees: number; years: number }
  | { kind: 'ensemble'; name: string; seeds: number; employees: number; years: number; queueWorkers?: number; repeats: number };

export type ProfileName = 'quick' | 'full';
export type CensusFormat = 'parquet' | 'csv';

export interface Profile {
  name: ProfileName;
  repeats: number;
  /** Employees of each batch scenario. */
  batchEmployees: number;
  batchYears: number;
  helpRepeats: number;
  /** The census sizes and years of the fixed/marginal cost fit (year_fixed_ms, year_marginal_us). */
  termsSizes: number[];
  termsYears: number;
  /** The census size of the start-up figures (startup_parquet_ms, startup_csv_ms). */
  startupEmployees: number;
  /** The census size and years of the design cases that `designs` names. */
  designsEmployees: number;
  designsYears: number;
  /** Case names (or `designs`), with a per-case repeat count where it differs from the profile's. */
  cases: Array<string | [string, number]>;
  derived: string[];
}

/** What `--cases terms` selects: the fixed and marginal cost of a year, and the start-up time. */
export const TERMS = ['year_fixed_ms', 'year_marginal_us', 'startup_parquet_ms', 'startup_csv_ms'];

/** What `designs` selects: the default case at the profile's design size, then one case per design. */
export function designCases(profile: Profile): string[] {
  const base = `simulate_${profile.designsEmployees}x${profile.designsYears}`;
  return [base, ...DESIGN_NAMES.map((design) => `${base}@${design}`)];
}

const DESIGN_CASE = /^(simulate_\d+x\d+(?:_csv)?)@(.+)$/;

/** `simulate_10000x5@match_points` → its default case and design; undefined for any other name. */
export function splitDesignCase(name: string): { base: string; design: string } | undefined {
  const m = DESIGN_CASE.exec(name);
  return m === null ? undefined : { base: m[1] as string, design: m[2] as string };
}

/** The cost metric of a design case: `simulate_10000x5@match_points` → `cost_10000x5@match_points`. */
export const costMetricName = (designCase: string): string => designCase.replace(/^simulate_/, 'cost_');

/** A cost metric's inputs, [default case, design case]; undefined for any other name. */
export function costInputs(metric: string): [string, string] | undefined {
  if (!metric.startsWith('cost_')) return undefined;
  const designCase = metric.replace(/^cost_/, 'simulate_');
  const split = splitDesignCase(designCase);
  return split === undefined ? undefined : [split.base, designCase];
}

export const PROFILES: Record<ProfileName, Profile> = {
  quick: {
    name: 'quick',
    repeats: 3,
    batchEmployees: 5_000,
    batchYears: 3,
    helpRepeats: 11,
    termsSizes: [1_000, 10_000, 60_000],
    termsYears: 5,
    startupEmployees: 10_000,
    designsEmployees: 10_000,
    designsYears: 5,
    cases: [
      'help_ms',
      'simulate_1000x5',
      'simulate_10000x1',
      'simulate_10000x1_csv',
      'simulate_10000x5',
      'simulate_10000x10',
      'simulate_60000x5',
      'simulate_100000x5',
      'batch_4_parallel1',
      'batch_4_parallel2',
      'inprocess_60000x5',
    ],
    derived: ['scaling_100k_over_10k', 'checkpoint_overhead_pct', ...TERMS],
  },
  full: {
    name: 'full',
    repeats: 3,
    batchEmployees: 20_000,
    batchYears: 3,
    helpRepeats: 11,
    termsSizes: [1_000, 10_000, 60_000],
    termsYears: 5,
    startupEmployees: 10_000,
    designsEmployees: 10_000,
    designsYears: 5,
    cases: [
      'help_ms',
      'simulate_1000x5',
      'simulate_10000x1',
      'simulate_10000x1_csv',
      'simulate_10000x5',
      'simulate_10000x10',
      'simulate_60000x5',
      'simulate_100000x5',
      ['simulate_1000000x5', 2],
      ['simulate_1000000x10', 2],
      'batch_4_parallel1',
      'batch_4_parallel2',
      'inprocess_60000x5',
      'designs',
      ['ensemble_50x5000x5', 1],
      ['ensemble_50x5000x5_queue2', 1],
      ['ensemble_200x5000x5', 1],
    ],
    derived: ['scaling_100k_over_10k', 'scaling_1m_over_100k', 'checkpoint_overhead_pct', 'queue_overhead_pct', ...TERMS],
  },
};

/** What each derived metric is computed from (the terms' sizes come from the profile). */
export function derivedInputs(profile: Profile): Record<string, string[]> {
  const fit = profile.termsSizes.map((n) => `simulate_${n}x${profile.termsYears}`);
  return {
    scaling_100k_over_10k: ['simulate_10000x5', 'simulate_100000x5'],
    scaling_1m_over_100k: ['simulate_100000x5', 'simulate_1000000x5'],
    checkpoint_overhead_pct: ['inprocess_60000x5'],
    queue_overhead_pct: ['ensemble_50x5000x5', 'ensemble_50x5000x5_queue2'],
    year_fixed_ms: fit,
    year_marginal_us: fit,
    startup_parquet_ms: [`simulate_${profile.startupEmployees}x1`],
    startup_csv_ms: [`simulate_${profile.startupEmployees}x1_csv`],
  };
}

export class CaseError extends Error {}

/** A case from its name; the profile gives repeats and batch sizes; `repeats` (--repeats) wins. */
export function parseCase(name: string, profile: Profile, repeats?: number): CaseSpec {
  const listed = profile.cases.find((c) => (Array.isArray(c) ? c[0] : c) === name);
  const profileRepeats = Array.isArray(listed) ? listed[1] : undefined;
  let m: RegExpMatchArray | null;
  if (name === 'help_ms') return { kind: 'help', name, repeats: repeats ?? profile.helpRepeats };
  if ((m = /^simulate_(\d+)x(\d+)(_csv)?(?:@([a-z0-9_]+))?$/.exec(name)) !== null) {
    const employees = positive(m[1], name);
    const years = positive(m[2], name);
    const census = m[3] === undefined ? 'parquet' : 'csv';
    const design = m[4];
    if (design !== undefined && !isDesignName(design)) {
      throw new CaseError(`Case ${name}: unknown design "${design}": expected one of ${DESIGN_NAMES.join(', ')}`);
    }
    return {
      kind: 'simulate',
      name,
      employees,
      years,
      census,
      repeats: repeats ?? profileRepeats ?? profile.repeats,
      ...(design === undefined ? {} : { design }),
    };
  }
  if ((m = /^batch_(\d+)_parallel(\d+)$/.exec(name)) !== null) {
    return {
      kind: 'batch',
      name,
      scenarios: positive(m[1], name),
      parallel: positive(m[2], name),
      employees: profile.batchEmployees,
      years: profile.batchYears,
      repeats: repeats ?? profileRepeats ?? profile.repeats,
    };
  }
  if ((m = /^ensemble_(\d+)x(\d+)x(\d+)(?:_queue(\d+))?$/.exec(name)) !== null) {
    return {
      kind: 'ensemble',
      name,
      seeds: positive(m[1], name),
      employees: positive(m[2], name),
      years: positive(m[3], name),
      ...(m[4] === undefined ? {} : { queueWorkers: positive(m[4], name) }),
      repeats: repeats ?? profileRepeats ?? 1,
    };
  }
  if ((m = /^inprocess_(\d+)x(\d+)$/.exec(name)) !== null) {
    return { kind: 'inprocess', name, employees: positive(m[1], name), years: positive(m[2], name) };
  }
  throw new CaseError(
    `Unknown case "${name}": expected simulate_<N>x<Y>[_csv][@<design>], batch_<S>_parallel<P>, ensemble_<S>x<N>x<Y>[_queue<W>], help_ms, inprocess_<N>x<Y>, terms, designs, cost_<N>x<Y>@<design> or one of ${Object.keys(derivedInputs(profile)).join(', ')}`,
  );
}

function positive(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new CaseError(`Case ${name}: ${text} must be a positive whole number`);
  return n;
}

/**
 * The cases to run and the derived metrics to compute: the profile's, or those named (derived names
 * bring in their inputs; a derived metric whose inputs are all selected is computed too), with what
 * each derived metric is computed from.
 */
export function selectCases(
  profile: Profile,
  names: string[] | undefined,
  repeats?: number,
): { cases: CaseSpec[]; derived: string[]; inputs: Record<string, string[]> } {
  const allInputs = derivedInputs(profile);
  const inputsOf = (name: string): string[] | undefined => allInputs[name] ?? costInputs(name);
  const expand = (name: string): string[] => (name === 'terms' ? TERMS : name === 'designs' ? designCases(profile) : [name]);
  const wanted: string[] = [];
  let derived: string[];
  if (names === undefined) {
    wanted.push(...profile.cases.flatMap((c) => expand(Array.isArray(c) ? c[0] : c)));
    derived = [...profile.derived];
  } else {
    derived = [];
    for (const name of names.flatMap((n) => expand(n.trim())).filter((n) => n !== '')) {
      const inputs = inputsOf(name);
      if (inputs !== undefined) {
        derived.push(name);
        wanted.push(...inputs);
      } else {
        wanted.push(name);
      }
    }
    if (wanted.length === 0) throw new CaseError('--cases names no case');
  }
  // A design case is measured with the default case of its size, first, and its cost is derived.
  const unique = [...new Set(wanted.flatMap((n) => [splitDesignCase(n)?.base, n].filter((c): c is string => c !== undefined)))];
  for (const name of unique) {
    if (splitDesignCase(name) !== undefined && !derived.includes(costMetricName(name))) derived.push(costMetricName(name));
  }
  for (const [metric, inputs] of Object.entries(allInputs)) {
    if (!derived.includes(metric) && inputs.every((i) => unique.includes(i))) derived.push(metric);
  }
  // The checkpoint cost comes from any in-process run (inprocess_60000x5 when there is one).
  if (!derived.includes('checkpoint_overhead_pct') && unique.some((n) => n.startsWith('inprocess_'))) derived.push('checkpoint_overhead_pct');
  const inputs = Object.fromEntries(derived.map((name) => [name, inputsOf(name) ?? []]));
  return { cases: unique.map((n) => parseCase(n, profile, repeats)), derived, inputs };
}

/** `2025-2029`, or `2025` for one year. */
export function yearsArgument(years: number): string {
  return years === 1 ? String(START_YEAR) : `${START_YEAR}-${START_YEAR + years - 1}`;
}
