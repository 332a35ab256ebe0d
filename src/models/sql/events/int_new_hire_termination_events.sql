-- New-hire terminations (reference-simulation.md §3.3): exactly the solver's count, chosen among this
-- year's hires by a seeded draw with an employee_id tie-break (defect D8), each leaving 1 to 240 days
-- after hire and no later than Dec 31. Hires made on Dec 31 cannot leave within the year.
WITH hires AS (
    SELECT *, pa_key(employee_id) AS rng_key,
           (make_date(simulation_year, 12, 31) - effective_date) AS days_left
    FROM int_hiring_events
    WHERE simulation_year = getvariable('simulation_year')
),
quota AS (
    SELECT expected_new_hire_terminations AS n
    FROM int_workforce_needs WHERE simulation_year = getvariable('simulation_year')
),
staged AS (
    SELECT *, pa_draw_stage1(rng_key, 'nh_termination') AS selection_stage1
    FROM hires
    WHERE days_left >= 1
),
chosen AS (
    SELECT *, pa_draw_stage2(selection_stage1, rng_key, 'nh_termination') AS selection_draw
    FROM staged
    QUALIFY row_number() OVER (ORDER BY selection_draw, employee_id) <= (SELECT n FROM quota)
),
day_staged AS (
    SELECT *, pa_draw_stage1(rng_key, 'nh_termination_day') AS day_stage1
    FROM chosen
)
SELECT
    employee_id,
    employee_ssn,
    'termination' AS event_type,
    simulation_year,
    (effective_date + (1 + floor(pa_draw_stage2(day_stage1, rng_key, 'nh_termination_day') * least(240, days_left)))::INTEGER)
        AS effective_date,
    'Termination - new_hire_departure (final compensation: $' || compensation_amount::VARCHAR || ')' AS event_details,
    compensation_amount,
    compensation_amount AS previous_compensation,
    NULL::DECIMAL(7,5) AS employee_deferral_rate,
    NULL::DECIMAL(7,5) AS prev_employee_deferral_rate,
    employee_age,
    0 AS employee_tenure,
    level_id,
    age_band,
    tenure_band,
    (SELECT new_hire_termination_rate::DOUBLE FROM param_simulation) AS event_probability,
    'termination' AS event_category
FROM day_staged
