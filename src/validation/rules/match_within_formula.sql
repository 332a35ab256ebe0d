-- rule: match_within_formula
-- severity: error
-- description: The match never exceeds the design's most: under a deferral-based formula its cap (for a simple formula also match_rate x deferrals), under a band mode the employee's band's tiers in full; nothing when the match is off; the contribution base is the snapshot's prorated pay capped at the 401(a)(17) limit; snapshot and calculation agree on the match (R23).
WITH band_most AS (
    SELECT band_label, sum((employee_max - employee_min) * match_rate) AS most FROM param_match_bands GROUP BY band_label
)
SELECT m.employee_id, m.employer_match_amount, m.eligible_compensation, m.annual_deferrals, s.prorated_annual_compensation
FROM int_employee_match_calculations m
CROSS JOIN param_dc_plan p
CROSS JOIN param_match_design d
LEFT JOIN band_most b ON b.band_label = m.match_band
JOIN param_irs_limits l ON l.simulation_year = m.simulation_year
JOIN fct_workforce_snapshot s ON s.employee_id = m.employee_id AND s.simulation_year = getvariable('simulation_year')
WHERE m.simulation_year = getvariable('simulation_year')
  -- Two comparisons, not one over a CASE of both rates: that CASE is a DECIMAL(38) (the bands' sum), and
  -- multiplying every row's base by a DECIMAL(38) cost more than the rest of the rule.
  AND (CASE WHEN d.match_status = 'deferral_based'
            THEN m.employer_match_amount > round(m.eligible_compensation * (p.match_max_percentage * p.match_cap_rate), 2)
            ELSE m.employer_match_amount > round(m.eligible_compensation * coalesce(b.most, 0), 2) END
       OR (d.match_status = 'deferral_based' AND p.match_formula_type = 'simple'
           AND m.employer_match_amount > round(m.annual_deferrals * p.match_cap_rate, 2))
       OR (NOT d.match_enabled AND m.employer_match_amount <> 0)
       OR m.employer_match_amount < 0
       OR s.total_contribution_base_compensation <> least(s.prorated_annual_compensation, l.compensation_limit)
       OR s.employer_match_amount <> m.employer_match_amount)
