-- Experienced terminations (reference-simulation.md §3.1): within each level, the employees with the
-- lowest seeded draw (ties on employee_id) up to the level's quota. The date is spread over the year
-- with its own seeded draw, which includes year and seed (defect D18), from the hire date for a census
-- employee hired during the first year. The ranking sorts the draw's 32 bits, in the order of the
-- draws (pa_uniform divides them by 2^32), a narrower key than the DOUBLE.
WITH pool AS (
    SELECT c.*, draws.termination AS selection_bits, pa_uniform(draws.termination_day) AS day_draw
    FROM int_employee_compensation_by_year c
    JOIN int_random_draws draws USING (employee_id)
    WHERE c.simulation_year = getvariable('simulation_year')
),
quota AS (
    SELECT level_id, expected_terminations
    FROM int_workforce_needs_by_level
    WHERE simulation_year = getvariable('simulation_year')
),
selected AS (
    SELECT pool.*, quota.expected_terminations,
           row_number() OVER (PARTITION BY pool.level_id ORDER BY selection_bits, employee_id) AS level_rank
    FROM pool JOIN quota USING (level_id)
    QUALIFY level_rank <= quota.expected_terminations
),
dated AS (
    SELECT *, greatest(make_date(simulation_year, 1, 1), employee_hire_date) AS employed_from
    FROM selected
)
SELECT
    employee_id,
    employee_ssn,
    'termination' AS event_type,
    simulation_year,
    (employed_from
        + floor(day_draw * (make_date(simulation_year, 12, 31) - employed_from + 1))::INTEGER)
        AS effective_date,
    'Termination - experienced_termination (level: ' || level_id || ', final compensation: $'
        || employee_compensation::VARCHAR || ')' AS event_details,
    employee_compensation AS compensation_amount,
    employee_compensation AS previous_compensation,
    NULL::DECIMAL(7,5) AS employee_deferral_rate,
    NULL::DECIMAL(7,5) AS prev_employee_deferral_rate,
    current_age AS employee_age,
    current_tenure AS employee_tenure,
    level_id,
    age_band,
    tenure_band,
    NULL::DOUBLE AS event_probability,
    'termination' AS event_category
FROM dated
