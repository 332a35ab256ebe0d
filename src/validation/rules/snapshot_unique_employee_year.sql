-- rule: snapshot_unique_employee_year
-- severity: error
-- description: One snapshot row per employee and year (R5).
SELECT employee_id, count(*) AS rows_for_employee
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year')
GROUP BY employee_id
HAVING count(*) > 1
