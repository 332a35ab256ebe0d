-- rule: no_match_for_ineligible_terminations
-- severity: error
-- description: With match eligibility applied, new-hire and experienced terminations get no match unless the config allows them and does not require activity at year end (R24).
SELECT s.employee_id, s.detailed_status_code, s.employer_match_amount
FROM fct_workforce_snapshot s
CROSS JOIN param_dc_plan p
WHERE s.simulation_year = getvariable('simulation_year')
  AND p.match_apply_eligibility
  AND s.employer_match_amount > 0
  AND ((s.detailed_status_code = 'new_hire_termination' AND (p.match_require_active_eoy OR NOT p.match_allow_nh_terminations))
       OR (s.detailed_status_code = 'experienced_termination' AND (p.match_require_active_eoy OR NOT p.match_allow_exp_terminations)))
