-- rule: new_hire_termination_integrity
-- severity: error
-- description: New-hire terminations fall after the hire date within the year, the status code says new_hire_termination exactly for them, and their prorated pay is the hire salary for the days employed, within a day's pay (R22).
WITH hires AS (
    SELECT employee_id, effective_date AS hire_date FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'hire'
),
terms AS (
    SELECT employee_id, effective_date AS termination_date FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'termination'
)
SELECT h.employee_id, 'terminated on or before the hire date' AS problem
FROM hires h JOIN terms t USING (employee_id)
WHERE t.termination_date <= h.hire_date
UNION ALL
SELECT s.employee_id, 'status code ' || s.detailed_status_code || ' does not match hire/termination events'
FROM fct_workforce_snapshot s
LEFT JOIN hires h USING (employee_id)
LEFT JOIN terms t USING (employee_id)
WHERE s.simulation_year = getvariable('simulation_year')
  AND (s.detailed_status_code = 'new_hire_termination') <> (h.employee_id IS NOT NULL AND t.employee_id IS NOT NULL)
UNION ALL
SELECT s.employee_id, 'prorated pay ' || s.prorated_annual_compensation || ' is not the salary for the days employed'
FROM fct_workforce_snapshot s
JOIN hires h USING (employee_id)
JOIN terms t USING (employee_id)
WHERE s.simulation_year = getvariable('simulation_year')
  AND abs(s.prorated_annual_compensation
          - s.current_compensation * (t.termination_date - h.hire_date + 1) / pa_days_in_year(s.simulation_year))
      > s.current_compensation / pa_days_in_year(s.simulation_year)
