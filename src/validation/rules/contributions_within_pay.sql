-- rule: contributions_within_pay
-- severity: error
-- description: Deferrals are non-negative, never exceed the contribution base (pay capped at the 401(a)(17) limit), and are zero for employees with no deferral rate at any time of the year (R16).
SELECT c.employee_id, c.annual_contribution_amount, c.eligible_compensation, r.start_of_year_deferral_rate
FROM int_employee_contributions c
JOIN int_deferral_rate_state_accumulator r ON r.employee_id = c.employee_id AND r.simulation_year = getvariable('simulation_year')
JOIN param_irs_limits l ON l.simulation_year = c.simulation_year
WHERE c.simulation_year = getvariable('simulation_year')
  AND (c.annual_contribution_amount < 0
       OR c.annual_contribution_amount > c.eligible_compensation
       OR c.eligible_compensation > l.compensation_limit
       OR (r.start_of_year_deferral_rate = 0 AND c.annual_contribution_amount <> 0
           AND c.employee_id NOT IN (SELECT employee_id FROM fct_yearly_events
                                     WHERE simulation_year = getvariable('simulation_year') AND event_type = 'enrollment')))
