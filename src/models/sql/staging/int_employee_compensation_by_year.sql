-- The start-of-year population of year Y: the census baseline in the first year, afterwards exactly
-- the employees active at the end of Y-1 (defect D21: never earlier years' rows), starting from their
-- full-year-equivalent pay, one year older and longer-serving (once: defect D5).
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    b.employee_id, b.employee_ssn, b.employee_birth_date, b.employee_hire_date,
    b.current_compensation AS employee_compensation,
    b.current_age, b.current_tenure, b.level_id,
    pa_band(b.current_age, bl.age_min_values, bl.age_labels) AS age_band,
    pa_band(b.current_tenure, bl.tenure_min_values, bl.tenure_labels) AS tenure_band,
    'active' AS employment_status,
    pa_key(b.employee_id) AS rng_key
FROM int_baseline_workforce b
CROSS JOIN param_band_lookup bl
WHERE b.simulation_year = getvariable('simulation_year')
UNION ALL
SELECT
    getvariable('simulation_year')::INTEGER,
    s.employee_id, s.employee_ssn, s.employee_birth_date, s.employee_hire_date,
    s.full_year_equivalent_compensation,
    s.current_age + 1, s.current_tenure + 1, s.level_id,
    pa_band(s.current_age + 1, bl.age_min_values, bl.age_labels),
    pa_band(s.current_tenure + 1, bl.tenure_min_values, bl.tenure_labels),
    'active',
    pa_key(s.employee_id)
FROM fct_workforce_snapshot s
CROSS JOIN param_band_lookup bl
WHERE s.simulation_year = getvariable('simulation_year') - 1
  AND s.employment_status = 'active'
  AND getvariable('simulation_year') > getvariable('start_year')
