-- The census's active employees as they stand at the start of the first simulated year.
-- Age and tenure are whole calendar years at the end of the year before the start year (the
-- reference's convention). Level: the lowest level whose band contains the pay; pay in a gap or
-- outside every band takes the nearest band (defect D13: the reference put them all at level 1).
WITH census AS (
    SELECT * FROM stg_census_data WHERE employee_termination_date IS NULL
),
level_choice AS (
    SELECT c.employee_id, l.level_id,
           row_number() OVER (
               PARTITION BY c.employee_id
               ORDER BY (c.employee_gross_compensation >= l.min_compensation
                         AND c.employee_gross_compensation < l.max_compensation) DESC,
                        greatest(l.min_compensation - c.employee_gross_compensation,
                                 c.employee_gross_compensation - l.max_compensation, 0),
                        l.level_id) AS choice
    FROM census c CROSS JOIN param_job_levels l
)
SELECT
    getvariable('start_year')::INTEGER AS simulation_year,
    c.employee_id,
    c.employee_ssn,
    c.employee_birth_date,
    c.employee_hire_date,
    c.employee_gross_compensation::DECIMAL(18,2) AS current_compensation,
    (getvariable('start_year') - 1 - year(c.employee_birth_date))::INTEGER AS current_age,
    greatest(0, getvariable('start_year') - 1 - year(c.employee_hire_date))::INTEGER AS current_tenure,
    lc.level_id,
    c.employee_deferral_rate,
    c.employee_deferral_rate > 0 AS is_enrolled_at_census
FROM census c
JOIN level_choice lc ON lc.employee_id = c.employee_id AND lc.choice = 1
WHERE getvariable('simulation_year') = getvariable('start_year')
