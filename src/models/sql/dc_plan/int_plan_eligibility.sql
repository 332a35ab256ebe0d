-- The year's DC-plan population (everyone employed at some point of the year: the start-of-year
-- population and the year's hires) with plan eligibility. No events: eligibility is recomputed each
-- year. Eligible from max(hire date + waiting period, the day the employee reaches the minimum age);
-- eligible in the year if that date comes before the employee leaves and no later than Dec 31.
WITH p AS (SELECT * FROM param_dc_plan),
terminations AS (
    SELECT employee_id, effective_date AS termination_date FROM int_termination_events
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, effective_date FROM int_new_hire_termination_events
    WHERE simulation_year = getvariable('simulation_year')
),
population AS (
    SELECT employee_id, employee_ssn, employee_birth_date, employee_hire_date, employee_compensation AS compensation,
           current_age, current_tenure, level_id, age_band, tenure_band, rng_key, false AS is_new_hire
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, employee_ssn, employee_birth_date, effective_date, compensation_amount,
           employee_age, 0, level_id, age_band, tenure_band, pa_key(employee_id), true
    FROM int_hiring_events
    WHERE simulation_year = getvariable('simulation_year')
),
dated AS (
    SELECT pop.*, t.termination_date,
           greatest(pop.employee_hire_date + p.waiting_period_days,
                    (pop.employee_birth_date + to_years(p.minimum_age))::DATE) AS eligibility_date,
           p.waiting_period_days
    FROM population pop
    CROSS JOIN p
    LEFT JOIN terminations t USING (employee_id)
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    employee_id, employee_ssn, employee_birth_date, employee_hire_date, termination_date,
    is_new_hire, compensation, current_age, current_tenure, level_id, age_band, tenure_band, rng_key,
    eligibility_date,
    waiting_period_days,
    eligibility_date <= least(coalesce(termination_date, make_date(getvariable('simulation_year'), 12, 31)),
                              make_date(getvariable('simulation_year'), 12, 31)) AS is_eligible,
    -- The first day an enrollment can take effect this year: eligibility, or Jan 1 for those eligible before.
    greatest(eligibility_date, make_date(getvariable('simulation_year'), 1, 1)) AS enrollment_window_start
FROM dated
