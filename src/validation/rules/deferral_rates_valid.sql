-- rule: deferral_rates_valid
-- severity: error
-- description: Enrollment rates are set and within (0, 0.75] with a previous rate of 0; opt-outs go to 0; the snapshot's rate is the registry's, which is the latest rate event's when the year has one (R19).
WITH last_change AS (
    SELECT employee_id, arg_max(employee_deferral_rate, (effective_date, event_sequence)) AS rate
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year')
      AND event_type IN ('enrollment', 'enrollment_change', 'deferral_match_response', 'deferral_escalation')
    GROUP BY employee_id
)
-- Enrollments and opt-outs in one pass over the events (an event has one type, so one problem at most).
SELECT employee_id,
       CASE event_type WHEN 'enrollment' THEN 'enrollment rate outside (0, 0.75] or previous rate not 0'
                       ELSE 'opt-out does not set the rate to 0' END AS problem
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year')
  AND ((event_type = 'enrollment'
        AND (employee_deferral_rate IS NULL OR employee_deferral_rate <= 0 OR employee_deferral_rate > 0.75
             OR prev_employee_deferral_rate <> 0))
       OR (event_type = 'enrollment_change' AND employee_deferral_rate <> 0))
UNION ALL
SELECT s.employee_id, 'snapshot rate differs from the registry'
FROM fct_workforce_snapshot s
JOIN int_deferral_rate_state_accumulator r ON r.employee_id = s.employee_id AND r.simulation_year = getvariable('simulation_year')
WHERE s.simulation_year = getvariable('simulation_year') AND s.current_deferral_rate IS DISTINCT FROM r.current_deferral_rate
UNION ALL
SELECT r.employee_id, 'registry rate differs from the latest rate event'
FROM int_deferral_rate_state_accumulator r
JOIN last_change l USING (employee_id)
WHERE r.simulation_year = getvariable('simulation_year') AND r.current_deferral_rate <> l.rate
UNION ALL
SELECT employee_id, 'participation status disagrees with the rate'
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year')
  AND (participation_status = 'participating') <> (current_deferral_rate > 0)
