-- The year's random draws (RNG version pa-rng-1, macros/rng.sql): one row per employee who can draw
-- this year (the start-of-year population and the year's hires), one column per stream of
-- src/models/rng.ts holding the draw's 32 bits; pa_uniform(column) is pa_rand(rng_key, seed, year,
-- stream), the draw in [0, 1) (a test checks they agree). The event models join this table instead of
-- drawing themselves: DuckDB binds every copy of every operator of an expression, each xorshift step
-- of the mixer copies its input, and a draw written in a model cost ~1.7 ms of planning, ~100 ms a
-- year over the 17 streams of the time. Here each step of the mixer is one layer applied to every stream column at
-- once (COLUMNS), planned once for all streams (~12 ms).
--
-- Per stream, with key x, the year's salt s of the stream (pa_salt_hi/lo) and M = 2^32 - 1:
--   stage 1   h = mix32((x >> 32) ^ (s >> 32))                 stage1_input, stage1_step1 .. 3
--   stage 2   d = mix32(h ^ (x & M) ^ (s & M))                 stage2_input, stage2_step1 .. 3
--   mix32(v): v = ((v ^ v >> 16) * 0x7feb352d) & M;  v = ((v ^ v >> 15) * 0x846ca68b) & M;  v ^= v >> 16
-- The arithmetic is in BIGINT, whose multiplication DuckDB runs several times faster than UBIGINT's:
-- v < 2^32 and both factors are below 2^31 in absolute value (0x846ca68b is taken as 0x846ca68b - 2^32,
-- the same modulo 2^32), so no product overflows, and & M keeps the low 32 bits of a negative one.
-- Stored as UINTEGER: DOUBLE columns cost twice as much to write, and the models read few of them.
WITH keys AS (
    SELECT employee_id, rng_key FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, pa_key(employee_id) FROM int_hiring_events
    WHERE simulation_year = getvariable('simulation_year')
),
halves AS (
    SELECT employee_id, (rng_key >> 32)::BIGINT AS key_hi, (rng_key & 4294967295::UBIGINT)::BIGINT AS key_lo
    FROM keys
),
stage1_input AS (
    SELECT employee_id, key_lo,
           xor(key_hi, pa_salt_hi('termination')) AS termination,
           xor(key_hi, pa_salt_hi('termination_day')) AS termination_day,
           xor(key_hi, pa_salt_hi('nh_termination')) AS nh_termination,
           xor(key_hi, pa_salt_hi('nh_termination_day')) AS nh_termination_day,
           xor(key_hi, pa_salt_hi('promotion')) AS promotion,
           xor(key_hi, pa_salt_hi('promotion_pct')) AS promotion_pct,
           xor(key_hi, pa_salt_hi('promotion_pct_2')) AS promotion_pct_2,
           xor(key_hi, pa_salt_hi('raise_month')) AS raise_month,
           xor(key_hi, pa_salt_hi('raise_day')) AS raise_day,
           xor(key_hi, pa_salt_hi('proactive_enroll')) AS proactive_enroll,
           xor(key_hi, pa_salt_hi('proactive_timing')) AS proactive_timing,
           xor(key_hi, pa_salt_hi('voluntary_enroll')) AS voluntary_enroll,
           xor(key_hi, pa_salt_hi('voluntary_rate')) AS voluntary_rate,
           xor(key_hi, pa_salt_hi('voluntary_timing')) AS voluntary_timing,
           xor(key_hi, pa_salt_hi('yoy_enroll')) AS yoy_enroll,
           xor(key_hi, pa_salt_hi('opt_out')) AS opt_out,
           xor(key_hi, pa_salt_hi('opt_out_timing')) AS opt_out_timing,
           xor(key_hi, pa_salt_hi('part_time_hire')) AS part_time_hire,
           xor(key_hi, pa_salt_hi('new_hire_eligibility')) AS new_hire_eligibility,
           xor(key_hi, pa_salt_hi('match_magnet')) AS match_magnet,
           xor(key_hi, pa_salt_hi('match_response_up')) AS match_response_up,
           xor(key_hi, pa_salt_hi('match_response_down')) AS match_response_down
    FROM halves
),
stage1_step1 AS (
    SELECT employee_id, key_lo,
           (xor(COLUMNS(* EXCLUDE (employee_id, key_lo)), COLUMNS(* EXCLUDE (employee_id, key_lo)) >> 16)
               * 2146121005) & 4294967295
    FROM stage1_input
),
stage1_step2 AS (
    SELECT employee_id, key_lo,
           (xor(COLUMNS(* EXCLUDE (employee_id, key_lo)), COLUMNS(* EXCLUDE (employee_id, key_lo)) >> 15)
               * -2073254261) & 4294967295
    FROM stage1_step1
),
stage1_step3 AS (
    SELECT employee_id, key_lo,
           xor(COLUMNS(* EXCLUDE (employee_id, key_lo)), COLUMNS(* EXCLUDE (employee_id, key_lo)) >> 16)
    FROM stage1_step2
),
stage2_input AS (
    SELECT employee_id,
           xor(termination, xor(key_lo, pa_salt_lo('termination'))) AS termination,
           xor(termination_day, xor(key_lo, pa_salt_lo('termination_day'))) AS termination_day,
           xor(nh_termination, xor(key_lo, pa_salt_lo('nh_termination'))) AS nh_termination,
           xor(nh_termination_day, xor(key_lo, pa_salt_lo('nh_termination_day'))) AS nh_termination_day,
           xor(promotion, xor(key_lo, pa_salt_lo('promotion'))) AS promotion,
           xor(promotion_pct, xor(key_lo, pa_salt_lo('promotion_pct'))) AS promotion_pct,
           xor(promotion_pct_2, xor(key_lo, pa_salt_lo('promotion_pct_2'))) AS promotion_pct_2,
           xor(raise_month, xor(key_lo, pa_salt_lo('raise_month'))) AS raise_month,
           xor(raise_day, xor(key_lo, pa_salt_lo('raise_day'))) AS raise_day,
           xor(proactive_enroll, xor(key_lo, pa_salt_lo('proactive_enroll'))) AS proactive_enroll,
           xor(proactive_timing, xor(key_lo, pa_salt_lo('proactive_timing'))) AS proactive_timing,
           xor(voluntary_enroll, xor(key_lo, pa_salt_lo('voluntary_enroll'))) AS voluntary_enroll,
           xor(voluntary_rate, xor(key_lo, pa_salt_lo('voluntary_rate'))) AS voluntary_rate,
           xor(voluntary_timing, xor(key_lo, pa_salt_lo('voluntary_timing'))) AS voluntary_timing,
           xor(yoy_enroll, xor(key_lo, pa_salt_lo('yoy_enroll'))) AS yoy_enroll,
           xor(opt_out, xor(key_lo, pa_salt_lo('opt_out'))) AS opt_out,
           xor(opt_out_timing, xor(key_lo, pa_salt_lo('opt_out_timing'))) AS opt_out_timing,
           xor(part_time_hire, xor(key_lo, pa_salt_lo('part_time_hire'))) AS part_time_hire,
           xor(new_hire_eligibility, xor(key_lo, pa_salt_lo('new_hire_eligibility'))) AS new_hire_eligibility,
           xor(match_magnet, xor(key_lo, pa_salt_lo('match_magnet'))) AS match_magnet,
           xor(match_response_up, xor(key_lo, pa_salt_lo('match_response_up'))) AS match_response_up,
           xor(match_response_down, xor(key_lo, pa_salt_lo('match_response_down'))) AS match_response_down
    FROM stage1_step3
),
stage2_step1 AS (
    SELECT employee_id,
           (xor(COLUMNS(* EXCLUDE (employee_id)), COLUMNS(* EXCLUDE (employee_id)) >> 16)
               * 2146121005) & 4294967295
    FROM stage2_input
),
stage2_step2 AS (
    SELECT employee_id,
           (xor(COLUMNS(* EXCLUDE (employee_id)), COLUMNS(* EXCLUDE (employee_id)) >> 15)
               * -2073254261) & 4294967295
    FROM stage2_step1
),
stage2_step3 AS (
    SELECT employee_id,
           xor(COLUMNS(* EXCLUDE (employee_id)), COLUMNS(* EXCLUDE (employee_id)) >> 16)
    FROM stage2_step2
)
SELECT employee_id, COLUMNS(* EXCLUDE (employee_id))::UINTEGER
FROM stage2_step3
