/**
 * The random streams of the simulation (RNG version pa-rng-1, defined in sql/macros/rng.sql). The
 * year's salt of every stream is computed once per year into the DuckDB variable `pa_salts`, and the
 * scratch model `int_random_draws` draws every stream of it once a year for everyone employed in the
 * year: a model reads `pa_uniform(draws.<stream>)` from that table rather than drawing itself. A
 * stream missing from this list would draw NULL: a test checks the SQL against it. A stream's salt takes
 * the seed of its subsystem when ensemble.frozen_subsystem_seeds pins it (streamSeeds).
 */
import type { SimulationConfig } from '../config/schema.js';

export const RNG_VERSION = 'pa-rng-1';

export const RNG_STREAMS = [
  'termination',
  'termination_day',
  'nh_termination',
  'nh_termination_day',
  'promotion',
  'promotion_pct',
  'promotion_pct_2',
  'raise_month',
  'raise_day',
  'proactive_enroll',
  'proactive_timing',
  'voluntary_enroll',
  'voluntary_rate',
  'voluntary_timing',
  'yoy_enroll',
  'opt_out',
  'opt_out_timing',
  'part_time_hire',
  'new_hire_eligibility',
  'match_magnet',
  'match_response_up',
  'match_response_down',
  // Drawn by int_workforce_needs (pa_draw) for simulation.count_uncertainty, before the year's hires,
  // and so int_random_draws, exist.
  'termination_count',
  'nh_termination_count',
  'growth_count',
] as const;

export type RngStream = (typeof RNG_STREAMS)[number];

/** A seed per subsystem, pinning its streams while the run's seed varies (ensemble.frozen_subsystem_seeds). */
export type SubsystemSeeds = NonNullable<NonNullable<SimulationConfig['ensemble']>['frozen_subsystem_seeds']>;

/** The subsystems whose draws ensemble.frozen_subsystem_seeds can pin. */
export type Subsystem = keyof SubsystemSeeds;

/** The streams of each subsystem; every other stream always takes the run's seed. */
export const SUBSYSTEM_STREAMS: Readonly<Record<Subsystem, readonly RngStream[]>> = {
  termination: ['termination', 'termination_day', 'nh_termination', 'nh_termination_day', 'termination_count', 'nh_termination_count'],
  hiring: ['part_time_hire', 'new_hire_eligibility', 'growth_count'],
  promotion: ['promotion', 'promotion_pct', 'promotion_pct_2'],
};

/** What the year's counts draw (simulation.count_uncertainty); 'none' keeps the solver's exact quotas. */
export type CountUncertainty = NonNullable<SimulationConfig['simulation']['count_uncertainty']>;

/** A run's settings of its draws besides the seed, the same every year. */
export interface DrawSettings {
  frozenSeeds?: SubsystemSeeds;
  countUncertainty?: CountUncertainty;
}

/** The seed of each stream's salt, in the order of `streams`: its subsystem's frozen seed when set, else the run's. */
export function streamSeeds(streams: readonly RngStream[], seed: number | bigint, frozen: SubsystemSeeds = {}): string[] {
  const bySubsystem = new Map<RngStream, number>();
  for (const [subsystem, frozenSeed] of Object.entries(frozen) as Array<[Subsystem, number | undefined]>) {
    if (frozenSeed === undefined) continue;
    for (const stream of SUBSYSTEM_STREAMS[subsystem]) bySubsystem.set(stream, frozenSeed);
  }
  return streams.map((stream) => String(bySubsystem.get(stream) ?? seed));
}
