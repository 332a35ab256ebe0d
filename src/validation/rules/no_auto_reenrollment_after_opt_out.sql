-- rule: no_auto_reenrollment_after_opt_out
-- severity: error
-- description: Nobody is auto-enrolled again after opting out; later enrollments may only be voluntary (R18).
WITH opted_out AS (
    SELECT employee_id FROM int_enrollment_state_accumulator
    WHERE simulation_year = getvariable('simulation_year') - 1 AND ever_opted_out
)
SELECT employee_id, effective_date, event_category
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year') AND event_type = 'enrollment'
  AND event_category = 'auto_enrollment'
  AND employee_id IN (SELECT employee_id FROM opted_out)
