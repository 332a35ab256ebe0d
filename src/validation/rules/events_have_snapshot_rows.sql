-- rule: events_have_snapshot_rows
-- severity: error
-- description: Every event's employee appears in that year's snapshot (R28: no orphaned events).
SELECT e.employee_id, e.event_type, e.effective_date
FROM fct_yearly_events e
WHERE e.simulation_year = getvariable('simulation_year')
  AND e.employee_id NOT IN (
      SELECT employee_id FROM fct_workforce_snapshot WHERE simulation_year = getvariable('simulation_year'))
