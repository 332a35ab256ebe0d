-- rule: core_follows_eligibility
-- severity: error
-- description: Employees under the core minimum hours get no core contribution; eligible employees get exactly rate x contribution base, plus the disparity rate on the base above the integration level (less its 415(c) cut) when core is on; everyone else gets none (R25).
SELECT c.employee_id, c.employer_core_amount, c.eligible_compensation, el.annual_hours_worked
FROM int_employer_core_contributions c
JOIN int_employer_eligibility el ON el.employee_id = c.employee_id AND el.simulation_year = getvariable('simulation_year')
CROSS JOIN param_dc_plan p
LEFT JOIN param_core_integration i ON i.simulation_year = c.simulation_year
WHERE c.simulation_year = getvariable('simulation_year')
  AND ((el.annual_hours_worked < p.core_min_hours AND c.employer_core_amount <> 0)
       OR (p.core_enabled AND c.eligible_for_core AND c.employer_core_amount + c.core_415_reduction <>
           round(c.eligible_compensation * c.standard_core_rate, 2)
           + CASE WHEN c.standard_core_rate > 0
                  THEN round(coalesce(i.disparity_rate, 0) * greatest(c.eligible_compensation - coalesce(i.integration_level, c.eligible_compensation), 0), 2)
                  ELSE 0 END)
       OR ((NOT p.core_enabled OR NOT c.eligible_for_core) AND (c.employer_core_amount <> 0 OR c.core_415_reduction <> 0)))
