-- rule: compensation_bounds
-- severity: warning
-- description: Pay stays within [0, 10,000,000], active pay at least 10,000 and at most 5,000,000 (R14).
SELECT employee_id, current_compensation, employment_status
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year')
  AND (current_compensation < 0 OR current_compensation > 10000000
       OR (employment_status = 'active' AND (current_compensation < 10000 OR current_compensation > 5000000)))
