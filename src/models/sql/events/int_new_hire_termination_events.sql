-- New-hire terminations (reference-simulation.md §3.3): exactly the solver's count, chosen among this
-- year's hires by a seeded draw with an employee_id tie-break (defect D8), each leaving 1 to 240 days
-- after hire and no later than Dec 31. Hires made on Dec 31 cannot leave within the year.
WITH hires AS (
    SELECT h.*, (make_date(h.simulation_year, 12, 31) - h.effective_date) AS days_left,
           pa_uniform(draws.nh_termination) AS selection_draw,
           pa_uniform(draws.nh_termination_day) AS day_draw
    FROM int_hiring_events h
    JOIN int_random_draws draws USING (employee_id)
    WHERE h.simulation_year = getvariable('simulation_year')
),
quota AS (
    SELECT expected_new_hire_terminations AS n
    FROM int_workforce_needs WHERE simulation_year = getvariable('simulation_year')
),
chosen AS (
    SELECT *
    FROM hires
    WHERE days_left >= 1
    QUALIFY row_number() OVER (ORDER BY selection_draw, employee_id) <= (SELECT n FROM quota)
)
SELECT
    employee_id,
    employee_ssn,
    'termination' AS event_type,
    simulation_year,
    (effective_date + (1 + floor(day_draw * least(240, days_left)))::INTEGER)
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
FROM chosen
