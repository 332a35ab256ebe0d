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
-- The steps nest inside a lambda over a one-element list, so that its input is bound once: nested
-- directly, each xorshift would copy it, 64 copies of the key per draw and ~75 ms of planning.
CREATE OR REPLACE MACRO pa_mix32(x) AS
    list_transform([x], v -> pa_mix32_xs16(pa_mix32_m2(pa_mix32_xs15(pa_mix32_m1(pa_mix32_xs16(v))))))[1];

CREATE OR REPLACE MACRO pa_key(employee_id) AS ('0x' || left(md5(employee_id), 16))::UBIGINT;

CREATE OR REPLACE MACRO pa_salt(seed, yr, stream) AS
    ('0x' || left(md5(seed::VARCHAR || '|' || yr::VARCHAR || '|' || stream), 16))::UBIGINT;

-- A mixed 32-bit value as a draw in [0, 1).
CREATE OR REPLACE MACRO pa_uniform(bits) AS bits / 4294967296.0;

-- The draw of a key under a salt.
CREATE OR REPLACE MACRO pa_salted(key, salt) AS
    pa_uniform(pa_mix32(xor(
        pa_mix32(xor(key >> 32, salt >> 32)),
        xor(key & 4294967295::UBIGINT, salt & 4294967295::UBIGINT)
    )));

CREATE OR REPLACE MACRO pa_rand(key, seed, yr, stream) AS pa_salted(key, pa_salt(seed, yr, stream));

-- The year's draw of a stream (its salt from pa_salts, below), for the few draws made before
-- int_random_draws exists: the count draws of int_workforce_needs (simulation.count_uncertainty).
CREATE OR REPLACE MACRO pa_draw(key, stream) AS pa_salted(key, getvariable('pa_salts')[stream]);

-- The models' draws are the table int_random_draws (events/int_random_draws.sql): pa_rand for the
-- run's seed (or the stream's frozen subsystem seed) and the year being built, computed once a year
-- for every stream, with the year's salt of every stream precomputed into the map variable pa_salts
-- (see src/models/rng.ts).
