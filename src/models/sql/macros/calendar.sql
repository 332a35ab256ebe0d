-- Shared bands and calendar helpers (reference-simulation.md §3.0).
-- The label of the band holding value: labels[i] covers [min_values[i], min_values[i+1]), the last
-- open-ended, min_values ascending from 0 (one list of each kind in param_band_lookup, src/params/bands.ts).
CREATE OR REPLACE MACRO pa_band(value, min_values, labels) AS labels[len(list_filter(min_values, m -> m <= value))];

CREATE OR REPLACE MACRO pa_year_start(yr) AS make_date(yr::INTEGER, 1, 1);
CREATE OR REPLACE MACRO pa_year_end(yr) AS make_date(yr::INTEGER, 12, 31);
CREATE OR REPLACE MACRO pa_days_in_year(yr) AS (make_date(yr::INTEGER, 12, 31) - make_date(yr::INTEGER, 1, 1) + 1);

-- Years of service for the match bands (reference-plan-design.md §1.1): whole years from the hire date
-- to Dec 31 of the year, or to the termination date for a leaver.
CREATE OR REPLACE MACRO pa_years_of_service(hire_date, termination_date, yr) AS
    greatest(datesub('year', hire_date, coalesce(termination_date, make_date(yr::INTEGER, 12, 31))), 0);

-- Merit + COLA raise on a salary (reference-simulation.md §3.5): capped at +50 % and +$250,000, never
-- negative, rounded to cents.
CREATE OR REPLACE MACRO pa_merit_salary(old_salary, rate) AS round(CASE
    WHEN rate > 0.5 THEN old_salary * 1.5
    WHEN rate < 0 THEN old_salary
    ELSE least(old_salary * (1 + rate), old_salary * 1.5, old_salary + 250000) END, 2)::DECIMAL(18,2);

-- Exact rounding of n / d to the nearest integer, halves away from zero, for integers n >= 0, d > 0
-- (DuckDB divides decimals in floating point, which can round a half cent the wrong way).
CREATE OR REPLACE MACRO pa_round_ratio(n, d) AS (2 * n + d) // (2 * d);

-- A DECIMAL amount as the integer count of its smallest unit (cents for 2 decimals, 1e-5 for a rate):
-- sums and products of these stay exact and cost a fraction of DECIMAL(38) arithmetic, whose cast to
-- HUGEINT took most of a contributions year.
CREATE OR REPLACE MACRO pa_units(amount, scale) AS (amount * scale)::BIGINT::HUGEINT;

-- A dollar amount over pay, exactly to the nearest 0.01 % (halves up); NULL without pay (the compliance
-- tests' contribution ratios, compliance-testing.md B.3). In BIGINT while both are under $10 billion (no
-- product can overflow), in HUGEINT above: HUGEINT arithmetic costs ~25x more a row.
CREATE OR REPLACE MACRO pa_pay_ratio(amount, pay) AS (CASE
    WHEN pay > 0 AND pay < 10000000000 AND abs(amount) < 10000000000
        THEN pa_round_ratio((amount * 100)::BIGINT * 10000, (pay * 100)::BIGINT)
    WHEN pay > 0
        THEN pa_round_ratio(pa_units(amount, 100) * 10000, pa_units(pay, 100)) END / 10000)::DECIMAL(9,4);
