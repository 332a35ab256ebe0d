-- rule: match_within_formula
-- severity: error
-- description: The match never exceeds the active formula's cap (for a simple formula also match_rate x deferrals); the contribution base is the snapshot's prorated pay capped at the 401(a)(17) limit; snapshot and calculation agree on the match (R23).
SELECT m.employee_id, m.employer_match_amount, m.eligible_compensation, m.annual_deferrals, s.prorated_annual_compensation
FROM int_employee_match_calculations m
CROSS JOIN param_dc_plan p
JOIN param_irs_limits l ON l.simulation_year = m.simulation_year
JOIN fct_workforce_snapshot s ON s.employee_id = m.employee_id AND s.simulation_year = m.simulation_year
WHERE m.simulation_year = getvariable('simulation_year')
  AND (m.employer_match_amount > round(m.eligible_compensation * p.match_max_percentage * p.match_cap_rate, 2)
       OR (p.match_formula_type = 'simple' AND m.employer_match_amount > round(m.annual_deferrals * p.match_cap_rate, 2))
       OR m.employer_match_amount < 0
       OR s.total_contribution_base_compensation <> least(s.prorated_annual_compensation, l.compensation_limit)
       OR s.employer_match_amount <> m.employer_match_amount)
