-- rule: enrollment_follows_plan_eligibility
-- severity: error
-- description: Nobody enrolls while not eligible for the plan that year (excluded, or not yet entered by year end or termination), nor before the plan entry date (the reference's P14).
SELECT x.employee_id, x.effective_date, e.entry_date, e.eligibility_status
FROM fct_yearly_events x
JOIN int_plan_eligibility e ON e.employee_id = x.employee_id AND e.simulation_year = getvariable('simulation_year')
WHERE x.simulation_year = getvariable('simulation_year') AND x.event_type = 'enrollment'
  AND (NOT e.is_eligible OR x.effective_date < e.entry_date)
