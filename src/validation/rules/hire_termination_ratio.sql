-- rule: hire_termination_ratio
-- severity: warning
-- description: Hires per termination stay between 0.3 and 3.0 in a year (R12); a year with hires but no terminations is flagged.
WITH counts AS (
    SELECT count(*) FILTER (WHERE event_type = 'hire') AS hires,
           count(*) FILTER (WHERE event_type = 'termination') AS terminations
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year')
)
SELECT hires, terminations
FROM counts
WHERE (terminations = 0 AND hires > 0)
   OR (terminations > 0 AND (hires / terminations < 0.3 OR hires / terminations > 3.0))
