-- rule: contributions_within_irs_limit
-- severity: error
-- description: Deferrals stay within the year's 402(g) limit plus the catch-up the employee's age allows, and the IRS-limit flags agree with the amounts (R15).
SELECT c.employee_id, c.age_at_year_end, c.annual_contribution_amount, c.applicable_irs_limit, c.irs_limit_applied
FROM int_employee_contributions c
JOIN param_irs_limits l ON l.simulation_year = c.simulation_year
WHERE c.simulation_year = getvariable('simulation_year')
  AND (c.annual_contribution_amount > l.base_limit
           + CASE WHEN l.super_catch_up_min_age IS NOT NULL
                       AND c.age_at_year_end BETWEEN l.super_catch_up_min_age AND l.super_catch_up_max_age THEN l.super_catch_up
                  WHEN c.age_at_year_end >= l.catch_up_age THEN l.catch_up
                  ELSE 0 END
       OR c.irs_limit_applied <> (c.amount_capped_by_irs_limit > 0)
       OR c.irs_limit_applied <> (c.annual_contribution_amount = c.applicable_irs_limit AND c.requested_contribution > c.applicable_irs_limit))
