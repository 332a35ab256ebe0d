-- rule: enrollment_consistency
-- severity: error
-- description: At most one enrollment event per employee and year, never for someone already enrolled (census participants are never re-enrolled); each enrollment is in the registry with its date; participating actives have an enrollment date (R17).
-- Each branch reads the enrollment events itself, only the columns it needs: a shared CTE of them was
-- materialized, all the events' columns.
SELECT employee_id, 'more than one enrollment event this year' AS problem
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year') AND event_type = 'enrollment'
GROUP BY employee_id HAVING count(*) > 1
UNION ALL
SELECT employee_id, 'enrolled again while already enrolled'
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year') AND event_type = 'enrollment'
  AND employee_id IN (SELECT employee_id FROM int_enrollment_state_accumulator
                      WHERE simulation_year = getvariable('simulation_year') - 1 AND is_enrolled
                      UNION ALL
                      SELECT employee_id FROM int_baseline_workforce
                      WHERE simulation_year = getvariable('simulation_year') AND employee_deferral_rate > 0)
UNION ALL
SELECT e.employee_id, 'enrollment event missing from the enrollment registry'
FROM fct_yearly_events e
LEFT JOIN int_enrollment_state_accumulator r
  ON r.employee_id = e.employee_id AND r.simulation_year = getvariable('simulation_year')
WHERE e.simulation_year = getvariable('simulation_year') AND e.event_type = 'enrollment'
  AND r.enrollment_date IS DISTINCT FROM e.effective_date
UNION ALL
SELECT employee_id, 'participating without an enrollment date'
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year') AND employment_status = 'active'
  AND participation_status = 'participating' AND employee_enrollment_date IS NULL
