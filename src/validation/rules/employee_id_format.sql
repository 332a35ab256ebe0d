-- rule: employee_id_format
-- severity: warning
-- description: Employee ids are non-empty, without surrounding spaces, and new hires follow NH_<year>_<number> (R27, relaxed: census ids are the customer's own).
SELECT employee_id
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year')
  AND (employee_id = '' OR employee_id <> trim(employee_id)
       OR (employee_id LIKE 'NH\_%' ESCAPE '\' AND NOT regexp_full_match(employee_id, 'NH_[0-9]{4}_[0-9]{6,}')))
