-- The year's random draws (RNG version pa-rng-1, macros/rng.sql): one row per employee who can draw
-- this year (the start-of-year population and the year's hires), one column per stream of
-- src/models/rng.ts holding the draw's 32 bits; pa_uniform(column) is pa_rand(rng_key, seed, year,
-- stream), the draw in [0, 1) (a test checks they agree). The event models join this table instead of
-- drawing themselves: DuckDB binds every copy of every operator of an expression, each xorshift step
-- of the mixer copies its input, and a draw written in a model cost ~1.7 ms of planning. Here a step
-- is one layer for all streams, and the planning cost is per operator and stream (~0.4 ms a stream).
--
-- Per stream, with key x, the year's salt s of the stream and M = 2^32 - 1, pa-rng-1 is
--   d = mix32(mix32((x >> 32) ^ (s >> 32)) ^ (x & M) ^ (s & M))
--   mix32(v): v ^= v >> 16;  v = (v * 0x7feb352d) & M;  v ^= v >> 15;  v = (v * 0x846ca68b) & M;  v ^= v >> 16
-- computed in four layers of two operations each, and a last one:
--   stage1_a   b = ((X_hi ^ S_hi) * 0x7feb352d) & M     where X_hi = (x >> 32) ^ (x >> 48): v ^ v >> 16 of
--                                                        the key's half, a column; S_hi the same of the salt's
--   stage1_b   c = ((b ^ b >> 15) * 0x846ca68b) & M     (stage 1 is c ^ c >> 16)
--   stage2_a   e = ((c ^ X_lo ^ S_lo) * 0x7feb352d) & M  X_lo, S_lo: v ^ v >> 16 of the low halves
--   stage2_b   f = ((e ^ e >> 15) * 0x846ca68b) & M
--   draw         f ^ f >> 16
-- The xorshift opening each mix32 is taken apart because a right shift distributes over xor: for
-- v = h ^ k ^ s, v ^ v >> 16 = (h ^ h >> 16) ^ (k ^ k >> 16) ^ (s ^ s >> 16), the key's term computed
-- once per employee and the salt's once per stream (one lambda over all salts, in one row); and stage
-- 1's closing xorshift cancels stage 2's opening one, (c ^ c >> 16) ^ (c ^ c >> 16) >> 16 = c for
-- c < 2^32. The arithmetic is in BIGINT, whose multiplication DuckDB runs several times faster than
-- UBIGINT's: values stay below 2^32 and both factors below 2^31 in absolute value (0x846ca68b is taken
-- as 0x846ca68b - 2^32, the same modulo 2^32), so no product overflows, and & M keeps the low 32 bits
-- of a negative one. Stored as UINTEGER: DOUBLE columns cost twice as much to write, and the models
-- read few of them.
WITH keys AS (
    SELECT employee_id, rng_key FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, pa_key(employee_id) FROM int_hiring_events
    WHERE simulation_year = getvariable('simulation_year')
),
halves AS (
    SELECT employee_id,
           xor(rng_key >> 32, rng_key >> 48)::BIGINT AS key_hi,
           xor(rng_key & 4294967295::UBIGINT, (rng_key & 4294967295::UBIGINT) >> 16)::BIGINT AS key_lo
    FROM keys
),
salts AS (
    SELECT map(map_keys(s), list_transform(map_values(s), v -> xor(v >> 32, v >> 48)::BIGINT)) AS hi,
           map(map_keys(s), list_transform(map_values(s), v -> xor(v & 4294967295::UBIGINT, (v & 4294967295::UBIGINT) >> 16)::BIGINT)) AS lo
    FROM (SELECT getvariable('pa_salts') AS s)
),
salt_hi AS (
    SELECT hi['termination'] AS termination,
           hi['termination_day'] AS termination_day,
           hi['nh_termination'] AS nh_termination,
           hi['nh_termination_day'] AS nh_termination_day,
           hi['promotion'] AS promotion,
           hi['promotion_pct'] AS promotion_pct,
           hi['promotion_pct_2'] AS promotion_pct_2,
           hi['raise_month'] AS raise_month,
           hi['raise_day'] AS raise_day,
           hi['proactive_enroll'] AS proactive_enroll,
           hi['proactive_timing'] AS proactive_timing,
           hi['voluntary_enroll'] AS voluntary_enroll,
           hi['voluntary_rate'] AS voluntary_rate,
           hi['voluntary_timing'] AS voluntary_timing,
           hi['yoy_enroll'] AS yoy_enroll,
           hi['opt_out'] AS opt_out,
           hi['opt_out_timing'] AS opt_out_timing,
           hi['part_time_hire'] AS part_time_hire,
           hi['new_hire_eligibility'] AS new_hire_eligibility,
           hi['match_magnet'] AS match_magnet,
           hi['match_response_up'] AS match_response_up,
           hi['match_response_down'] AS match_response_down
    FROM salts
),
salt_lo AS (
    SELECT lo['termination'] AS termination,
           lo['termination_day'] AS termination_day,
           lo['nh_termination'] AS nh_termination,
           lo['nh_termination_day'] AS nh_termination_day,
           lo['promotion'] AS promotion,
           lo['promotion_pct'] AS promotion_pct,
           lo['promotion_pct_2'] AS promotion_pct_2,
           lo['raise_month'] AS raise_month,
           lo['raise_day'] AS raise_day,
           lo['proactive_enroll'] AS proactive_enroll,
           lo['proactive_timing'] AS proactive_timing,
           lo['voluntary_enroll'] AS voluntary_enroll,
           lo['voluntary_rate'] AS voluntary_rate,
           lo['voluntary_timing'] AS voluntary_timing,
           lo['yoy_enroll'] AS yoy_enroll,
           lo['opt_out'] AS opt_out,
           lo['opt_out_timing'] AS opt_out_timing,
           lo['part_time_hire'] AS part_time_hire,
           lo['new_hire_eligibility'] AS new_hire_eligibility,
           lo['match_magnet'] AS match_magnet,
           lo['match_response_up'] AS match_response_up,
           lo['match_response_down'] AS match_response_down
    FROM salts
),
stage1_a AS (
    SELECT employee_id, key_lo,
           (xor(key_hi, termination) * 2146121005) & 4294967295 AS termination,
           (xor(key_hi, termination_day) * 2146121005) & 4294967295 AS termination_day,
           (xor(key_hi, nh_termination) * 2146121005) & 4294967295 AS nh_termination,
           (xor(key_hi, nh_termination_day) * 2146121005) & 4294967295 AS nh_termination_day,
           (xor(key_hi, promotion) * 2146121005) & 4294967295 AS promotion,
           (xor(key_hi, promotion_pct) * 2146121005) & 4294967295 AS promotion_pct,
           (xor(key_hi, promotion_pct_2) * 2146121005) & 4294967295 AS promotion_pct_2,
           (xor(key_hi, raise_month) * 2146121005) & 4294967295 AS raise_month,
           (xor(key_hi, raise_day) * 2146121005) & 4294967295 AS raise_day,
           (xor(key_hi, proactive_enroll) * 2146121005) & 4294967295 AS proactive_enroll,
           (xor(key_hi, proactive_timing) * 2146121005) & 4294967295 AS proactive_timing,
           (xor(key_hi, voluntary_enroll) * 2146121005) & 4294967295 AS voluntary_enroll,
           (xor(key_hi, voluntary_rate) * 2146121005) & 4294967295 AS voluntary_rate,
           (xor(key_hi, voluntary_timing) * 2146121005) & 4294967295 AS voluntary_timing,
           (xor(key_hi, yoy_enroll) * 2146121005) & 4294967295 AS yoy_enroll,
           (xor(key_hi, opt_out) * 2146121005) & 4294967295 AS opt_out,
           (xor(key_hi, opt_out_timing) * 2146121005) & 4294967295 AS opt_out_timing,
           (xor(key_hi, part_time_hire) * 2146121005) & 4294967295 AS part_time_hire,
           (xor(key_hi, new_hire_eligibility) * 2146121005) & 4294967295 AS new_hire_eligibility,
           (xor(key_hi, match_magnet) * 2146121005) & 4294967295 AS match_magnet,
           (xor(key_hi, match_response_up) * 2146121005) & 4294967295 AS match_response_up,
           (xor(key_hi, match_response_down) * 2146121005) & 4294967295 AS match_response_down
    FROM halves CROSS JOIN salt_hi
),
stage1_b AS (
    SELECT employee_id, key_lo,
           (xor(COLUMNS(* EXCLUDE (employee_id, key_lo)), COLUMNS(* EXCLUDE (employee_id, key_lo)) >> 15)
               * -2073254261) & 4294967295
    FROM stage1_a
),
stage2_a AS (
    SELECT c.employee_id,
           (xor(xor(c.termination, c.key_lo), s.termination) * 2146121005) & 4294967295 AS termination,
           (xor(xor(c.termination_day, c.key_lo), s.termination_day) * 2146121005) & 4294967295 AS termination_day,
           (xor(xor(c.nh_termination, c.key_lo), s.nh_termination) * 2146121005) & 4294967295 AS nh_termination,
           (xor(xor(c.nh_termination_day, c.key_lo), s.nh_termination_day) * 2146121005) & 4294967295 AS nh_termination_day,
           (xor(xor(c.promotion, c.key_lo), s.promotion) * 2146121005) & 4294967295 AS promotion,
           (xor(xor(c.promotion_pct, c.key_lo), s.promotion_pct) * 2146121005) & 4294967295 AS promotion_pct,
           (xor(xor(c.promotion_pct_2, c.key_lo), s.promotion_pct_2) * 2146121005) & 4294967295 AS promotion_pct_2,
           (xor(xor(c.raise_month, c.key_lo), s.raise_month) * 2146121005) & 4294967295 AS raise_month,
           (xor(xor(c.raise_day, c.key_lo), s.raise_day) * 2146121005) & 4294967295 AS raise_day,
           (xor(xor(c.proactive_enroll, c.key_lo), s.proactive_enroll) * 2146121005) & 4294967295 AS proactive_enroll,
           (xor(xor(c.proactive_timing, c.key_lo), s.proactive_timing) * 2146121005) & 4294967295 AS proactive_timing,
           (xor(xor(c.voluntary_enroll, c.key_lo), s.voluntary_enroll) * 2146121005) & 4294967295 AS voluntary_enroll,
           (xor(xor(c.voluntary_rate, c.key_lo), s.voluntary_rate) * 2146121005) & 4294967295 AS voluntary_rate,
           (xor(xor(c.voluntary_timing, c.key_lo), s.voluntary_timing) * 2146121005) & 4294967295 AS voluntary_timing,
           (xor(xor(c.yoy_enroll, c.key_lo), s.yoy_enroll) * 2146121005) & 4294967295 AS yoy_enroll,
           (xor(xor(c.opt_out, c.key_lo), s.opt_out) * 2146121005) & 4294967295 AS opt_out,
           (xor(xor(c.opt_out_timing, c.key_lo), s.opt_out_timing) * 2146121005) & 4294967295 AS opt_out_timing,
           (xor(xor(c.part_time_hire, c.key_lo), s.part_time_hire) * 2146121005) & 4294967295 AS part_time_hire,
           (xor(xor(c.new_hire_eligibility, c.key_lo), s.new_hire_eligibility) * 2146121005) & 4294967295 AS new_hire_eligibility,
           (xor(xor(c.match_magnet, c.key_lo), s.match_magnet) * 2146121005) & 4294967295 AS match_magnet,
           (xor(xor(c.match_response_up, c.key_lo), s.match_response_up) * 2146121005) & 4294967295 AS match_response_up,
           (xor(xor(c.match_response_down, c.key_lo), s.match_response_down) * 2146121005) & 4294967295 AS match_response_down
    FROM stage1_b c CROSS JOIN salt_lo s
),
stage2_b AS (
    SELECT employee_id,
           (xor(COLUMNS(* EXCLUDE (employee_id)), COLUMNS(* EXCLUDE (employee_id)) >> 15) * -2073254261) & 4294967295
    FROM stage2_a
)
SELECT employee_id, xor(COLUMNS(* EXCLUDE (employee_id)), COLUMNS(* EXCLUDE (employee_id)) >> 16)::UINTEGER
FROM stage2_b
