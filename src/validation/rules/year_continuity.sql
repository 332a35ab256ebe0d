-- rule: year_continuity
-- severity: error
-- description: Every active employee of year Y was active in Y-1 or hired in Y, and every employee active at the end of Y-1 appears in Y (R3).
WITH current_rows AS (
    SELECT * FROM fct_workforce_snapshot WHERE simulation_year = getvariable('simulation_year')
),
previous_active AS (
    SELECT employee_id FROM fct_workforce_snapshot
    WHERE simulation_year = getvariable('simulation_year') - 1 AND employment_status = 'active'
),
baseline AS (
    SELECT employee_id FROM int_baseline_workforce WHERE simulation_year = getvariable('simulation_year')
),
hires AS (
    SELECT employee_id FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'hire'
)
SELECT c.employee_id, 'active in Y without being active in Y-1 or hired in Y' AS problem
FROM current_rows c
WHERE c.employment_status = 'active'
  AND c.employee_id NOT IN (SELECT employee_id FROM previous_active)
  AND c.employee_id NOT IN (SELECT employee_id FROM baseline)
  AND c.employee_id NOT IN (SELECT employee_id FROM hires)
UNION ALL
SELECT p.employee_id, 'active at the end of Y-1 but missing from Y'
FROM previous_active p
WHERE p.employee_id NOT IN (SELECT employee_id FROM current_rows)
