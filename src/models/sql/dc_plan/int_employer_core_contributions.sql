-- Employer core (non-elective) contribution (reference-simulation.md §3.11, defect D7 fixed): the flat
-- rate on the same contribution base as deferrals and match (prorated actual pay, capped at the
-- 401(a)(17) limit), for employees meeting the core eligibility block, when core is enabled.
-- 415(c): the core is cut first, down to what the limit leaves after deferrals (without catch-up) and
-- the match paid; the cut is recorded in core_415_reduction.
WITH formula AS (
    SELECT c.simulation_year, c.employee_id, c.eligible_compensation, c.annual_additions_limit, c.annual_additions_deferrals,
           p.core_rate, e.eligible_for_core, e.core_eligibility_reason, m.employer_match_amount,
           CASE WHEN p.core_enabled AND e.eligible_for_core THEN round(c.eligible_compensation * p.core_rate, 2)
                ELSE 0 END::DECIMAL(18,2) AS formula_core_amount
    FROM int_employee_contributions c
    JOIN int_employer_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
    JOIN int_employee_match_calculations m ON m.employee_id = c.employee_id AND m.simulation_year = c.simulation_year
    CROSS JOIN param_dc_plan p
    WHERE c.simulation_year = getvariable('simulation_year')
),
limited AS (
    SELECT *,
        least(formula_core_amount,
              greatest(annual_additions_limit - annual_additions_deferrals - employer_match_amount, 0))::DECIMAL(18,2)
            AS employer_core_amount
    FROM formula
)
SELECT
    simulation_year,
    employee_id,
    eligible_compensation,
    core_rate AS employer_core_contribution_rate,
    eligible_for_core,
    core_eligibility_reason,
    employer_core_amount,
    (formula_core_amount - employer_core_amount)::DECIMAL(18,2) AS core_415_reduction
FROM limited
