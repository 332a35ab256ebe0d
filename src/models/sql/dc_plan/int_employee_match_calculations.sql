-- Employer match (reference-simulation.md §3.10) under the active formula, held as tiers (a simple
-- formula is one tier: match_rate on deferrals up to max_match_percentage of pay). For each tier, the
-- deferral dollars falling between employee_min and employee_max of the contribution base earn its
-- match rate; the total is capped at the formula's share of pay and rounded to cents. Only employees
-- eligible for the match get it. Exact decimal arithmetic throughout.
-- 415(c): deferrals (without catch-up) + match + core may not exceed the annual-additions limit. The
-- core is cut first, so the match is cut only by what deferrals + match alone exceed; the cut is
-- recorded in match_415_reduction and the core model cuts the core against the match paid here.
WITH contributions AS (
    SELECT * FROM int_employee_contributions WHERE simulation_year = getvariable('simulation_year')
),
tiered AS (
    SELECT c.employee_id,
           sum(greatest(0, least(c.annual_contribution_amount, t.employee_max * c.eligible_compensation)
                           - t.employee_min * c.eligible_compensation) * t.match_rate) AS formula_match
    FROM contributions c CROSS JOIN param_match_tiers t
    GROUP BY c.employee_id
),
matched AS (
    SELECT c.*, p.match_formula, p.match_formula_type, p.match_formula_name, e.eligible_for_match, e.match_eligibility_reason,
           round(least(t.formula_match, c.eligible_compensation * p.match_max_percentage * p.match_cap_rate), 2)::DECIMAL(18,2)
               AS capped_match_amount
    FROM contributions c
    JOIN tiered t USING (employee_id)
    JOIN int_employer_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
    CROSS JOIN param_dc_plan p
),
eligible AS (
    SELECT *, CASE WHEN eligible_for_match THEN capped_match_amount ELSE 0 END::DECIMAL(18,2) AS formula_match_amount
    FROM matched
),
limited AS (
    SELECT *, least(formula_match_amount, greatest(annual_additions_limit - annual_additions_deferrals, 0))::DECIMAL(18,2)
               AS employer_match_amount
    FROM eligible
)
SELECT
    simulation_year,
    employee_id,
    match_formula AS formula_id,
    match_formula_type AS formula_type,
    eligible_compensation,
    annual_contribution_amount AS annual_deferrals,
    effective_annual_deferral_rate AS deferral_rate,
    capped_match_amount,
    eligible_for_match,
    match_eligibility_reason,
    employer_match_amount,
    CASE WHEN NOT eligible_for_match THEN 'ineligible'
         WHEN annual_contribution_amount = 0 THEN 'no_deferrals'
         ELSE 'calculated' END AS match_status,
    (formula_match_amount - employer_match_amount)::DECIMAL(18,2) AS match_415_reduction,
    match_formula_name AS formula_name
FROM limited
