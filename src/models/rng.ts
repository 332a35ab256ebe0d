/**
 * The random streams of the simulation (RNG version pa-rng-1, defined in sql/macros/rng.sql). The
 * year's salt of every stream is computed once per year into the DuckDB variable `pa_salts`, and the
 * scratch model `int_random_draws` draws every stream of it once a year for everyone employed in the
 * year: a model reads `pa_uniform(draws.<stream>)` from that table rather than drawing itself. A
 * stream missing from this list would draw NULL: a test checks the SQL against it.
 */
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
] as const;
