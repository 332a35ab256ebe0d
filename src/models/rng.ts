/**
 * The random streams of the simulation (RNG version pa-rng-1, defined in sql/macros/rng.sql). Each
 * model draws with `pa_draw(rng_key, '<stream>')`; the year's salt of every stream is computed once
 * per year into the DuckDB variable `pa_salts`, so a model's SQL carries no md5 of its own. A stream
 * missing from this list would draw NULL: a test checks the SQL against it.
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
] as const;
