-- Employer core (non-elective) contribution (reference-plan-design.md §3, defects D7 and P5 fixed): the
-- employee's rate from param_core_schedule (flat; by years of service, points or age; 0 under status
-- none) on the same contribution base as deferrals and match (prorated actual pay, capped at the
-- 401(a)(17) limit), for employees meeting the core eligibility block, when core is enabled. With
-- Social Security integration (param_core_integration) the disparity rate is added on the pay above
-- the year's integration level, for employees whose rate is above 0 (§3.2).
-- Measures (param_core_schedule.measure), the match's: years of service = whole years from the hire
-- date to Dec 31 (to the termination date for a leaver), as int_employee_match_calculations measures
-- them (one value for both); age = attained by Dec 31 (as for catch-up); points = age + service.
-- 415(c): the core is cut first, down to what the limit leaves after deferrals (without catch-up) and
-- the match paid; the cut is recorded in core_415_reduction (base and disparity amounts are before it).
WITH member AS (
    SELECT c.simulation_year, c.employee_id, c.eligible_compensation, c.compensation_limit_applied,
           c.annual_additions_limit, c.annual_additions_deferrals,
           e.eligible_for_core, e.core_eligibility_reason, m.employer_match_amount,
           p.core_enabled AND e.eligible_for_core AS core_paid,
           m.applied_years_of_service,
           c.age_at_year_end::INTEGER AS applied_age,
           (c.age_at_year_end + m.applied_years_of_service)::INTEGER AS applied_points,
           CASE k.measure WHEN 'graded_by_service' THEN m.applied_years_of_service
                          WHEN 'points_based' THEN c.age_at_year_end + m.applied_years_of_service
                          WHEN 'age_banded' THEN c.age_at_year_end
                          ELSE 0 END AS core_measure
    FROM int_employee_contributions c
    JOIN int_employer_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
    JOIN int_employee_match_calculations m ON m.employee_id = c.employee_id AND m.simulation_year = c.simulation_year
    CROSS JOIN param_dc_plan p
    CROSS JOIN (SELECT any_value(measure) AS measure FROM param_core_schedule) k
    WHERE c.simulation_year = getvariable('simulation_year')
),
rated AS (
    -- The schema makes the bands start at 0 and follow each other: exactly one matches.
    SELECT mb.*, s.contribution_rate AS standard_core_rate, s.core_band,
           i.integration_level, coalesce(i.disparity_rate, 0) AS disparity_rate,
           -- the pay the core applies to: none unless paid at a rate above 0
           CASE WHEN mb.core_paid AND s.contribution_rate > 0 THEN mb.eligible_compensation ELSE 0 END AS core_compensation
    FROM member mb
    JOIN param_core_schedule s ON mb.core_measure >= s.band_min AND (s.band_end IS NULL OR mb.core_measure < s.band_end)
    LEFT JOIN param_core_integration i ON i.simulation_year = mb.simulation_year
),
formula AS (
    SELECT *,
           round(core_compensation * standard_core_rate, 2)::DECIMAL(18,2) AS base_core_amount,
           -- without integration there is no level and no excess
           greatest(core_compensation - coalesce(integration_level, core_compensation), 0)::DECIMAL(18,2) AS excess_compensation
    FROM rated
),
amounts AS (
    SELECT *, round(disparity_rate * excess_compensation, 2)::DECIMAL(18,2) AS disparity_core_amount
    FROM formula
),
limited AS (
    SELECT *,
           least(base_core_amount + disparity_core_amount,
                 greatest(annual_additions_limit - annual_additions_deferrals - employer_match_amount, 0))::DECIMAL(18,2)
               AS employer_core_amount
    FROM amounts
)
SELECT
    simulation_year,
    employee_id,
    eligible_compensation,
    standard_core_rate AS employer_core_contribution_rate,
    eligible_for_core,
    core_eligibility_reason,
    employer_core_amount,
    (base_core_amount + disparity_core_amount - employer_core_amount)::DECIMAL(18,2) AS core_415_reduction,
    applied_years_of_service,
    applied_age,
    applied_points,
    core_band,
    standard_core_rate,
    compensation_limit_applied AS irs_401a17_limit_applied,
    integration_level AS integration_level_applied,
    excess_compensation,
    base_core_amount,
    disparity_core_amount
FROM limited
