-- Employer core (non-elective) contribution (reference-simulation.md §3.11, defect D7 fixed): the flat
-- rate on the same contribution base as deferrals and match (prorated actual pay, capped at the
-- 401(a)(17) limit), for employees meeting the core eligibility block, when core is enabled.
SELECT
    c.simulation_year,
    c.employee_id,
    c.eligible_compensation,
    p.core_rate AS employer_core_contribution_rate,
    e.eligible_for_core,
    e.core_eligibility_reason,
    CASE WHEN p.core_enabled AND e.eligible_for_core THEN round(c.eligible_compensation * p.core_rate, 2)
         ELSE 0 END::DECIMAL(18,2) AS employer_core_amount
FROM int_employee_contributions c
JOIN int_employer_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
CROSS JOIN param_dc_plan p
WHERE c.simulation_year = getvariable('simulation_year')
