-- PlanAlign random draw, RNG version "pa-rng-1".
--
--   key      = first 16 hex digits of md5(employee_id), as a 64-bit unsigned integer (computed once
--              per employee and year, in the start-of-year population and for each hire)
--   salt     = first 16 hex digits of md5(seed || '|' || year || '|' || stream)   (a constant per query)
--   mix32(x) = the "lowbias32" integer finaliser on 32 bits:
--              x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16   (mod 2^32)
--   draw     = mix32( mix32(key_hi ^ salt_hi) ^ key_lo ^ salt_lo ) / 2^32        in [0, 1)
--
-- Only md5, shifts, xor and multiplication are used: no DuckDB hash(), whose values changed between
-- releases. The probability test is always `draw < p`; ranked selections tie-break on employee_id.
CREATE OR REPLACE MACRO pa_mix32_xs16(x) AS xor(x, x >> 16);
CREATE OR REPLACE MACRO pa_mix32_m1(x) AS (x * 2146121005::UBIGINT) & 4294967295::UBIGINT;
CREATE OR REPLACE MACRO pa_mix32_xs15(x) AS xor(x, x >> 15);
CREATE OR REPLACE MACRO pa_mix32_m2(x) AS (x * 2221713035::UBIGINT) & 4294967295::UBIGINT;
CREATE OR REPLACE MACRO pa_mix32(x) AS
    pa_mix32_xs16(pa_mix32_m2(pa_mix32_xs15(pa_mix32_m1(pa_mix32_xs16(x)))));

CREATE OR REPLACE MACRO pa_key(employee_id) AS ('0x' || left(md5(employee_id), 16))::UBIGINT;

CREATE OR REPLACE MACRO pa_salt(seed, yr, stream) AS
    ('0x' || left(md5(seed::VARCHAR || '|' || yr::VARCHAR || '|' || stream), 16))::UBIGINT;

CREATE OR REPLACE MACRO pa_rand(key, seed, yr, stream) AS
    pa_mix32(xor(
        pa_mix32(xor(key >> 32, pa_salt(seed, yr, stream) >> 32)),
        xor(key & 4294967295::UBIGINT, pa_salt(seed, yr, stream) & 4294967295::UBIGINT)
    )) / 4294967296.0;

-- The draw every model uses: pa_rand for the run's seed and the year being built, with the year's
-- salt of each stream precomputed into the map variable pa_salts (see src/models/rng.ts): the same
-- values as pa_rand, without an md5 per draw in every query plan.
--
-- Models take it in two stages, stage 1 as a column of one CTE and stage 2 in a later one. Written as
-- one expression, the outer mixer copies its argument, the inner mixer, 8 times (each xorshift step
-- reads its input twice), and binding those copies cost a model more than computing its draws
-- (about 12 ms of planning per draw, every year). pa_draw is the two stages composed.
CREATE OR REPLACE MACRO pa_draw_stage1(key, stream) AS
    pa_mix32(xor(key >> 32, getvariable('pa_salts')[stream] >> 32));

CREATE OR REPLACE MACRO pa_draw_stage2(stage1, key, stream) AS
    pa_mix32(xor(stage1, xor(key & 4294967295::UBIGINT, getvariable('pa_salts')[stream] & 4294967295::UBIGINT)))
        / 4294967296.0;

CREATE OR REPLACE MACRO pa_draw(key, stream) AS
    pa_draw_stage2(pa_draw_stage1(key, stream), key, stream);
