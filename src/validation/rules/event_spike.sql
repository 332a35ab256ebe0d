-- rule: event_spike
-- severity: warning
-- description: A year's event count stays within twice the previous year's (R13).
WITH counts AS (
    SELECT count(*) FILTER (WHERE simulation_year = getvariable('simulation_year')) AS this_year,
           count(*) FILTER (WHERE simulation_year = getvariable('simulation_year') - 1) AS previous_year
    FROM fct_yearly_events
    WHERE simulation_year IN (getvariable('simulation_year'), getvariable('simulation_year') - 1)
)
SELECT this_year, previous_year FROM counts
WHERE previous_year > 0 AND this_year > 2 * previous_year
