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
-- Per-period match and true-up (issue 14): the same band's formula (and cap) applied to each deferral
-- period (int_deferral_periods: one salary and one deferral rate) and summed falls short of the formula
-- on the year's totals when the rate changed during the year (never when it was constant: the formula
-- scales with pay). The 401(a)(17) cap of the pay and the 402(g) cut of the deferrals are spread pro
-- rata over the year, as the contributions are. employer_match.true_up (default, the reference's) pays
-- the annual formula, the shortfall as match_true_up_amount; false pays the per-period match (annual
-- minus shortfall). A design whose per-period sum exceeds the annual formula (tier rates that rise)
-- gets the annual formula under true_up, with no true-up.
-- 415(c): deferrals (without catch-up) + match + core may not exceed the annual-additions limit. The
-- core is cut first, so the match is cut only by what deferrals + match alone exceed; the cut is
-- recorded in match_415_reduction and the core model cuts the core against the match paid here.
WITH d AS (SELECT * FROM param_match_design),
contributions AS (
    SELECT c.simulation_year, c.employee_id, c.age_at_year_end, c.prorated_annual_compensation, c.compensation_limit,
           c.eligible_compensation, c.requested_contribution, c.annual_contribution_amount, c.compensation_limit_applied,
           c.effective_annual_deferral_rate, c.annual_additions_limit, c.annual_additions_deferrals,
           e.eligible_for_match, e.match_eligibility_reason,
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
    SELECT m.employee_id, any_value(b.band) AS band, any_value(b.band_label) AS match_band,
           sum(greatest(0, least(m.annual_contribution_amount, b.employee_max * m.eligible_compensation)
                           - b.employee_min * m.eligible_compensation) * b.match_rate) AS formula_match
    FROM measured m
    JOIN param_match_bands b ON m.band_value >= b.band_min AND (b.band_max IS NULL OR m.band_value < b.band_max)
    GROUP BY m.employee_id
),
-- Exact integers for the per-period shortfall: pay in cent-days x the requested deferrals' cents, and
-- deferrals in cent-days x 1e-5 rate units x the annual deferrals' cents (the 402(g) factor annual /
-- requested, held as two integers); tier bounds and rates in 1e-5 units.
periods AS (
    SELECT m.employee_id, t.band, q.period_start,
           pa_units(q.salary, 100) * (q.period_end - q.period_start + 1) * pa_units(m.requested_contribution, 100) AS pay_units,
           pa_units(q.salary, 100) * (q.period_end - q.period_start + 1) * pa_units(q.deferral_rate, 100000)
               * pa_units(m.annual_contribution_amount, 100) AS deferral_units
    FROM measured m
    JOIN tiered t USING (employee_id)
    JOIN int_deferral_periods q ON q.employee_id = m.employee_id AND q.simulation_year = m.simulation_year
    WHERE m.requested_contribution > 0
      -- At one rate all year each period's match is the annual formula's on its share of pay (every
      -- term scales with the period's pay): no shortfall, so only the employees whose rate changed.
      AND m.employee_id IN (SELECT employee_id FROM int_deferral_periods
                            WHERE simulation_year = getvariable('simulation_year')
                            GROUP BY employee_id HAVING min(deferral_rate) < max(deferral_rate))
),
period_match AS (
    SELECT q.employee_id, q.band, q.period_start, q.pay_units, q.deferral_units,
           sum(pa_units(b.match_rate, 100000)
               * greatest(0, least(q.deferral_units, pa_units(b.employee_max, 100000) * q.pay_units)
                             - pa_units(b.employee_min, 100000) * q.pay_units)) AS match_units
    FROM periods q
    JOIN param_match_bands b ON b.band = q.band
    GROUP BY ALL
),
year_periods AS (
    -- A deferral-based formula's cap (its share of pay) applies to each period as to the year.
    SELECT q.employee_id, q.band, sum(q.pay_units) AS pay_units, sum(q.deferral_units) AS deferral_units,
           sum(least(q.match_units, CASE WHEN d.match_status = 'deferral_based'
                                         THEN q.pay_units * pa_units(p.match_max_percentage, 100000) * pa_units(p.match_cap_rate, 100000) END))
               AS per_period_units,
           any_value(CASE WHEN d.match_status = 'deferral_based'
                          THEN pa_units(p.match_max_percentage, 100000) * pa_units(p.match_cap_rate, 100000) END) AS cap_units
    FROM period_match q CROSS JOIN d CROSS JOIN param_dc_plan p
    GROUP BY q.employee_id, q.band
),
year_match AS (
    -- The annual formula on the year's totals, less the per-period sum (>= 0 unless tier rates rise).
    SELECT y.employee_id,
           least(sum(pa_units(b.match_rate, 100000)
                     * greatest(0, least(y.deferral_units, pa_units(b.employee_max, 100000) * y.pay_units)
                                   - pa_units(b.employee_min, 100000) * y.pay_units)),
                 any_value(y.pay_units * y.cap_units)) - any_value(y.per_period_units) AS shortfall_units
    FROM year_periods y
    JOIN param_match_bands b ON b.band = y.band
    GROUP BY y.employee_id
),
matched AS (
    SELECT m.*, d.match_status AS design_status, d.match_enabled, d.band_basis, d.true_up, t.match_band,
           CASE WHEN d.match_status = 'deferral_based' THEN p.match_formula ELSE d.match_status END AS formula_id,
           CASE WHEN d.match_status = 'deferral_based' THEN p.match_formula_type ELSE d.match_status END AS formula_type,
           CASE WHEN d.match_status = 'deferral_based' THEN p.match_formula_name ELSE d.match_status END AS formula_name,
           -- Rounded as DECIMAL(18,12) under $1M (the cap's DECIMAL(18,12) is under $1M too): DECIMAL(38)'s
           -- rounding divides a HUGEINT, ~0.7 us a row.
           CASE WHEN NOT d.match_enabled THEN 0
                WHEN abs(t.formula_match) < 1000000
                    THEN round(CASE WHEN d.match_status = 'deferral_based'
                                    THEN least(t.formula_match, m.eligible_compensation * p.match_max_percentage * p.match_cap_rate)
                                    ELSE t.formula_match END::DECIMAL(18,12), 2)
                WHEN d.match_status = 'deferral_based'
                    THEN round(least(t.formula_match, m.eligible_compensation * p.match_max_percentage * p.match_cap_rate), 2)
                ELSE round(t.formula_match, 2) END::DECIMAL(18,2) AS capped_match_amount,
           -- the shortfall in cents: units / (days x requested cents x 1e10) x the 401(a)(17) share of pay, rounded
           -- half away from zero; computed only where there is one (a HUGEINT division costs ~0.7 us)
           CASE WHEN s.shortfall_units <> 0
                THEN sign(s.shortfall_units)
                     * pa_round_ratio(abs(s.shortfall_units) * pa_units(m.eligible_compensation, 100),
                                      pa_units(m.prorated_annual_compensation, 100) * pa_days_in_year(m.simulation_year)
                                      * pa_units(m.requested_contribution, 100) * 10000000000) / 100
                ELSE 0 END::DECIMAL(18,2) AS shortfall_amount
    FROM measured m
    JOIN tiered t USING (employee_id)
    LEFT JOIN year_match s USING (employee_id)
    CROSS JOIN d
    CROSS JOIN param_dc_plan p
),
eligible AS (
    SELECT *, CASE WHEN eligible_for_match THEN capped_match_amount ELSE 0 END::DECIMAL(18,2) AS formula_match_amount,
           CASE WHEN eligible_for_match AND match_enabled THEN greatest(capped_match_amount - shortfall_amount, 0) ELSE 0 END::DECIMAL(18,2)
               AS per_period_match_amount
    FROM matched
),
payable AS (
    SELECT *, CASE WHEN true_up THEN formula_match_amount ELSE per_period_match_amount END AS payable_match_amount
    FROM eligible
),
limited AS (
    SELECT *, least(payable_match_amount, greatest(annual_additions_limit - annual_additions_deferrals, 0))::DECIMAL(18,2)
               AS employer_match_amount
    FROM payable
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
    (payable_match_amount - employer_match_amount)::DECIMAL(18,2) AS match_415_reduction,
    formula_name,
    years_of_service::INTEGER AS applied_years_of_service,
    CASE WHEN band_basis = 'points' THEN points END::INTEGER AS applied_points,
    -- The band of years of service or points that applied ('5+ years', '40-59 points'); NULL for a deferral-based formula.
    match_band,
    compensation_limit AS irs_401a17_limit,
    compensation_limit_applied AS irs_401a17_limit_applied,
    -- The part of employer_match_amount paid as the year-end true-up (the 415(c) cut, made at year end, falls on it first).
    greatest(employer_match_amount - per_period_match_amount, 0)::DECIMAL(18,2) AS match_true_up_amount
FROM limited
