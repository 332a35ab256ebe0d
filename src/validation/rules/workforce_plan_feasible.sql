-- rule: workforce_plan_feasible
-- severity: warning
-- description: The year's workforce plan is feasible: 1 - new-hire termination rate > 0.01, |growth| <= 1, hires at most half the starting workforce, new-hire terminations between 0 and hires (R4).
SELECT starting_workforce_count, target_growth_rate, new_hire_termination_rate, total_hires_needed, expected_new_hire_terminations
FROM int_workforce_needs
WHERE simulation_year = getvariable('simulation_year')
  AND (1 - new_hire_termination_rate <= 0.01
       OR abs(target_growth_rate) > 1
       OR total_hires_needed > 0.5 * starting_workforce_count
       OR expected_new_hire_terminations < 0
       OR expected_new_hire_terminations > total_hires_needed)
