/**
 * Benchmark cases, by stable name (the keys of the results JSON and of the baseline):
 *
 *   simulate_<N>x<Y>         `planalign simulate` over a synthetic census of N employees, Y years from 2025
 *   batch_<S>_parallel<P>    `planalign batch` over S scenario files (growth 0/2/4/6 %...), P at once
 *   help_ms                  `planalign --help`
 *   inprocess_<N>x<Y>        one in-process run (per-model times, checkpoint cost); single sample
 *
 * and derived metrics, which pull in the cases they are computed from:
 *
 *   scaling_100k_over_10k    simulate_100000x5 / simulate_10000x5
 *   scaling_1m_over_100k     simulate_1000000x5 / simulate_100000x5
 *   checkpoint_overhead_pct  from inprocess_60000x5 (or whichever in-process case was run)
 */

export const START_YEAR = 2025;

export type CaseSpec =
  | { kind: 'simulate'; name: string; employees: number; years: number; repeats: number }
  | { kind: 'batch'; name: string; scenarios: number; parallel: number; employees: number; years: number; repeats: number }
  | { kind: 'help'; name: string; repeats: number }
  | { kind: 'inprocess'; name: string; employees: number; years: number };

export type ProfileName = 'quick' | 'full';

export interface Profile {
  name: ProfileName;
  repeats: number;
  /** Employees of each batch scenario. */
  batchEmployees: number;
  batchYears: number;
  helpRepeats: number;
  /** Case names, with a per-case repeat count where it differs from the profile's. */
  cases: Array<string | [string, number]>;
  derived: string[];
}

export const PROFILES: Record<ProfileName, Profile> = {
  quick: {
    name: 'quick',
    repeats: 3,
    batchEmployees: 5_000,
    batchYears: 3,
    helpRepeats: 11,
    cases: [
      'help_ms',
      'simulate_10000x1',
      'simulate_10000x5',
      'simulate_10000x10',
      'simulate_60000x5',
      'simulate_100000x5',
      'batch_4_parallel1',
      'batch_4_parallel2',
      'inprocess_60000x5',
    ],
    derived: ['scaling_100k_over_10k', 'checkpoint_overhead_pct'],
  },
  full: {
    name: 'full',
    repeats: 3,
    batchEmployees: 20_000,
    batchYears: 3,
    helpRepeats: 11,
    cases: [
      'help_ms',
      'simulate_10000x1',
      'simulate_10000x5',
      'simulate_10000x10',
      'simulate_60000x5',
      'simulate_100000x5',
      ['simulate_1000000x5', 2],
      ['simulate_1000000x10', 2],
      'batch_4_parallel1',
      'batch_4_parallel2',
      'inprocess_60000x5',
    ],
    derived: ['scaling_100k_over_10k', 'scaling_1m_over_100k', 'checkpoint_overhead_pct'],
  },
};

/** What each derived metric is computed from. */
export const DERIVED_INPUTS: Record<string, string[]> = {
  scaling_100k_over_10k: ['simulate_10000x5', 'simulate_100000x5'],
  scaling_1m_over_100k: ['simulate_100000x5', 'simulate_1000000x5'],
  checkpoint_overhead_pct: ['inprocess_60000x5'],
};

export class CaseError extends Error {}

/** A case from its name; the profile gives repeats and batch sizes; `repeats` (--repeats) wins. */
export function parseCase(name: string, profile: Profile, repeats?: number): CaseSpec {
  const listed = profile.cases.find((c) => (Array.isArray(c) ? c[0] : c) === name);
  const profileRepeats = Array.isArray(listed) ? listed[1] : undefined;
  let m: RegExpMatchArray | null;
  if (name === 'help_ms') return { kind: 'help', name, repeats: repeats ?? profile.helpRepeats };
  if ((m = /^simulate_(\d+)x(\d+)$/.exec(name)) !== null) {
    const employees = positive(m[1], name);
    const years = positive(m[2], name);
    return { kind: 'simulate', name, employees, years, repeats: repeats ?? profileRepeats ?? profile.repeats };
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
  if ((m = /^inprocess_(\d+)x(\d+)$/.exec(name)) !== null) {
    return { kind: 'inprocess', name, employees: positive(m[1], name), years: positive(m[2], name) };
  }
  throw new CaseError(
    `Unknown case "${name}": expected simulate_<N>x<Y>, batch_<S>_parallel<P>, help_ms, inprocess_<N>x<Y> or one of ${Object.keys(DERIVED_INPUTS).join(', ')}`,
  );
}

function positive(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new CaseError(`Case ${name}: ${text} must be a positive whole number`);
  return n;
}

/**
 * The cases to run and the derived metrics to compute: the profile's, or those named (derived names
 * bring in their inputs; a derived metric whose inputs are all selected is computed too).
 */
export function selectCases(profile: Profile, names: string[] | undefined, repeats?: number): { cases: CaseSpec[]; derived: string[] } {
  const wanted: string[] = [];
  let derived: string[];
  if (names === undefined) {
    wanted.push(...profile.cases.map((c) => (Array.isArray(c) ? c[0] : c)));
    derived = [...profile.derived];
  } else {
    derived = [];
    for (const name of names.map((n) => n.trim()).filter((n) => n !== '')) {
      const inputs = DERIVED_INPUTS[name];
      if (inputs !== undefined) {
        derived.push(name);
        wanted.push(...inputs);
      } else {
        wanted.push(name);
      }
    }
    if (wanted.length === 0) throw new CaseError('--cases names no case');
  }
  const unique = [...new Set(wanted)];
  for (const [metric, inputs] of Object.entries(DERIVED_INPUTS)) {
    if (!derived.includes(metric) && inputs.every((i) => unique.includes(i))) derived.push(metric);
  }
  // The checkpoint cost comes from any in-process run (inprocess_60000x5 when there is one).
  if (!derived.includes('checkpoint_overhead_pct') && unique.some((n) => n.startsWith('inprocess_'))) derived.push('checkpoint_overhead_pct');
  return { cases: unique.map((n) => parseCase(n, profile, repeats)), derived };
}

/** `2025-2029`, or `2025` for one year. */
export function yearsArgument(years: number): string {
  return years === 1 ? String(START_YEAR) : `${START_YEAR}-${START_YEAR + years - 1}`;
}
