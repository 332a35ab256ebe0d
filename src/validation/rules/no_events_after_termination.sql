-- rule: no_events_after_termination
-- severity: error
-- description: No event is dated after the employee's termination date in the same year (R11, defect D4).
SELECT e.employee_id, e.event_type, e.effective_date, t.effective_date AS termination_date
FROM fct_yearly_events e
JOIN fct_yearly_events t
  ON t.employee_id = e.employee_id AND t.simulation_year = getvariable('simulation_year') AND t.event_type = 'termination'
WHERE e.simulation_year = getvariable('simulation_year')
  AND e.event_type <> 'termination'
  AND e.effective_date > t.effective_date
