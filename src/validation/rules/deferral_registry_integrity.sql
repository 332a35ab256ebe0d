-- rule: deferral_registry_integrity
-- severity: error
-- description: Both registries hold one row per employee and year with no missing rate, and every employee with a rate has an enrollment event in some year or census participation (R21).
SELECT employee_id, 'duplicate enrollment registry row' AS problem
FROM int_enrollment_state_accumulator
WHERE simulation_year = getvariable('simulation_year')
GROUP BY employee_id HAVING count(*) > 1
UNION ALL
SELECT employee_id, 'duplicate deferral registry row'
FROM int_deferral_rate_state_accumulator
WHERE simulation_year = getvariable('simulation_year')
GROUP BY employee_id HAVING count(*) > 1
UNION ALL
SELECT employee_id, 'missing deferral rate'
FROM int_deferral_rate_state_accumulator
WHERE simulation_year = getvariable('simulation_year') AND current_deferral_rate IS NULL
UNION ALL
SELECT r.employee_id, 'rate without an enrollment event or census participation'
FROM int_deferral_rate_state_accumulator r
WHERE r.simulation_year = getvariable('simulation_year') AND r.current_deferral_rate > 0
  AND r.employee_id NOT IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'enrollment')
  AND r.employee_id NOT IN (SELECT employee_id FROM stg_census_data WHERE employee_deferral_rate > 0)
