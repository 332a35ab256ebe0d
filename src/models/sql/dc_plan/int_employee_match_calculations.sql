-- Employer match (reference-simulation.md §3.10, reference-plan-design.md §2) under the match design
-- held as bands of tiers (param_match_bands, src/params/match.ts). The band is picked by the mode:
--   deferral_based      one band over everyone: the active formula's tiers (a simple formula is one
--                       tier: match_rate on deferrals up to max_match_percentage of pay), the total
--                       capped at the formula's share of pay;
--   graded_by_service,  the band [band_min, band_max) holding the years of service: whole years from
--   tenure_graded       the hire date to Dec 31 (to the termination date for a leaver); no cap;
--   points_based        the band holding the points, age attained on Dec 31 + years of service; no cap.
-- In the band, each tier's match rate applies to the deferral dollars between employee_min and
-- employee_max of the contribution base (prorated pay capped at 401(a)(17)); rounded to cents. Only
-- employees eligible for the match get it, and nobody when the match is switched off (match_status
-- 'disabled'). Exact decimal arithmetic throughout.
-- 415(c): deferrals (without catch-up) + match + core may not exceed the annual-additions limit. The
-- core is cut first, so the match is cut only by what deferrals + match alone exceed; the cut is
-- recorded in match_415_reduction and the core model cuts the core against the match paid here.
WITH d AS (SELECT * FROM param_match_design),
contributions AS (
    SELECT c.*, e.eligible_for_match, e.match_eligibility_reason,
           pa_years_of_service(pe.employee_hire_date, pe.termination_date, c.simulation_year) AS years_of_service
    FROM int_employee_contributions c
    JOIN int_employer_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
    JOIN int_plan_eligibility pe ON pe.employee_id = c.employee_id AND pe.simulation_year = c.simulation_year
    WHERE c.simulation_year = getvariable('simulation_year')
),
measured AS (
    SELECT c.*, c.age_at_year_end + c.years_of_service AS points,
           CASE d.band_basis WHEN 'service' THEN c.years_of_service WHEN 'points' THEN c.age_at_year_end + c.years_of_service
                ELSE 0 END AS band_value
    FROM contributions c CROSS JOIN d
),
tiered AS (
    SELECT m.employee_id, any_value(b.band_label) AS match_band,
           sum(greatest(0, least(m.annual_contribution_amount, b.employee_max * m.eligible_compensation)
                           - b.employee_min * m.eligible_compensation) * b.match_rate) AS formula_match
    FROM measured m
    JOIN param_match_bands b ON m.band_value >= b.band_min AND (b.band_max IS NULL OR m.band_value < b.band_max)
    GROUP BY m.employee_id
),
matched AS (
    SELECT m.*, d.match_status AS design_status, d.match_enabled, d.band_basis, t.match_band,
           CASE WHEN d.match_status = 'deferral_based' THEN p.match_formula ELSE d.match_status END AS formula_id,
           CASE WHEN d.match_status = 'deferral_based' THEN p.match_formula_type ELSE d.match_status END AS formula_type,
           CASE WHEN d.match_status = 'deferral_based' THEN p.match_formula_name ELSE d.match_status END AS formula_name,
           CASE WHEN NOT d.match_enabled THEN 0
                WHEN d.match_status = 'deferral_based'
                    THEN round(least(t.formula_match, m.eligible_compensation * p.match_max_percentage * p.match_cap_rate), 2)
                ELSE round(t.formula_match, 2) END::DECIMAL(18,2) AS capped_match_amount
    FROM measured m
    JOIN tiered t USING (employee_id)
    CROSS JOIN d
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
    formula_id,
    formula_type,
    eligible_compensation,
    annual_contribution_amount AS annual_deferrals,
    effective_annual_deferral_rate AS deferral_rate,
    capped_match_amount,
    eligible_for_match,
    match_eligibility_reason,
    employer_match_amount,
    CASE WHEN NOT match_enabled THEN 'disabled'
         WHEN NOT eligible_for_match THEN 'ineligible'
         WHEN annual_contribution_amount = 0 THEN 'no_deferrals'
         ELSE 'calculated' END AS match_status,
    (formula_match_amount - employer_match_amount)::DECIMAL(18,2) AS match_415_reduction,
    formula_name,
    years_of_service::INTEGER AS applied_years_of_service,
    CASE WHEN band_basis = 'points' THEN points END::INTEGER AS applied_points,
    -- The band of years of service or points that applied ('5+ years', '40-59 points'); NULL for a deferral-based formula.
    match_band,
    compensation_limit AS irs_401a17_limit,
    compensation_limit_applied AS irs_401a17_limit_applied
FROM limited
