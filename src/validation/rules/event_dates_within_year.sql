-- rule: event_dates_within_year
-- severity: error
-- description: Every event's effective date lies inside its simulation year (R10).
SELECT employee_id, event_type, effective_date
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year')
  AND (effective_date < make_date(simulation_year, 1, 1) OR effective_date > make_date(simulation_year, 12, 31))
