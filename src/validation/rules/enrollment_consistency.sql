-- rule: enrollment_consistency
-- severity: error
-- description: At most one enrollment event per employee and year, never for someone already enrolled (census participants are never re-enrolled); each enrollment is in the registry with its date; participating actives have an enrollment date (R17).
WITH enrollments AS (
    SELECT * FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'enrollment'
),
enrolled_at_start AS (
    SELECT employee_id FROM int_enrollment_state_accumulator
    WHERE simulation_year = getvariable('simulation_year') - 1 AND is_enrolled
    UNION ALL
    SELECT employee_id FROM int_baseline_workforce
    WHERE simulation_year = getvariable('simulation_year') AND employee_deferral_rate > 0
)
SELECT employee_id, 'more than one enrollment event this year' AS problem
FROM enrollments GROUP BY employee_id HAVING count(*) > 1
UNION ALL
SELECT employee_id, 'enrolled again while already enrolled'
FROM enrollments WHERE employee_id IN (SELECT employee_id FROM enrolled_at_start)
UNION ALL
SELECT e.employee_id, 'enrollment event missing from the enrollment registry'
FROM enrollments e
LEFT JOIN int_enrollment_state_accumulator r ON r.employee_id = e.employee_id AND r.simulation_year = getvariable('simulation_year')
WHERE r.enrollment_date IS DISTINCT FROM e.effective_date
UNION ALL
SELECT employee_id, 'participating without an enrollment date'
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year') AND employment_status = 'active'
  AND participation_status = 'participating' AND employee_enrollment_date IS NULL
