-- rule: year_continuity
-- severity: error
-- description: Every active employee of year Y was active in Y-1 or hired in Y, and every employee active at the end of Y-1 appears in Y (R3).
-- Each subquery reads only the ids it needs: a shared CTE of the year's snapshot rows was materialized, all its columns.
SELECT employee_id, 'active in Y without being active in Y-1 or hired in Y' AS problem
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year') AND employment_status = 'active'
  AND employee_id NOT IN (SELECT employee_id FROM fct_workforce_snapshot
                          WHERE simulation_year = getvariable('simulation_year') - 1 AND employment_status = 'active')
  AND employee_id NOT IN (SELECT employee_id FROM int_baseline_workforce WHERE simulation_year = getvariable('simulation_year'))
  AND employee_id NOT IN (SELECT employee_id FROM fct_yearly_events
                          WHERE simulation_year = getvariable('simulation_year') AND event_type = 'hire')
UNION ALL
SELECT employee_id, 'active at the end of Y-1 but missing from Y'
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year') - 1 AND employment_status = 'active'
  AND employee_id NOT IN (SELECT employee_id FROM fct_workforce_snapshot WHERE simulation_year = getvariable('simulation_year'))
