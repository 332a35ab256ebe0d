-- rule: events_unique
-- severity: error
-- description: No duplicate events: unique (scenario, plan design, employee, year, type, date, amount), and unique event ids (R6, R7).
SELECT scenario_id, plan_design_id, employee_id, event_type, effective_date, compensation_amount, count(*) AS copies
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year')
GROUP BY ALL
HAVING count(*) > 1
UNION ALL
SELECT NULL, NULL, min(employee_id), 'event_id ' || event_id, NULL, NULL, count(*)
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year')
GROUP BY event_id
HAVING count(*) > 1
