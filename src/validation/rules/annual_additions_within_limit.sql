-- rule: annual_additions_within_limit
-- severity: error
-- description: Deferrals (catch-up excluded) + match + core stay within the 415(c) limit (the lesser of the year's dollar limit and 100 % of pay) unless the employer money is cut to 0; a cut is made only when needed, never negative, and the snapshot records the tables' cuts.
SELECT c.employee_id, c.annual_additions_limit, c.annual_additions_deferrals, m.employer_match_amount, m.match_415_reduction,
       k.employer_core_amount, k.core_415_reduction
FROM int_employee_contributions c
JOIN int_employee_match_calculations m ON m.employee_id = c.employee_id AND m.simulation_year = getvariable('simulation_year')
JOIN int_employer_core_contributions k ON k.employee_id = c.employee_id AND k.simulation_year = getvariable('simulation_year')
LEFT JOIN fct_workforce_snapshot s ON s.employee_id = c.employee_id AND s.simulation_year = getvariable('simulation_year')
WHERE c.simulation_year = getvariable('simulation_year')
  AND ((c.annual_additions_deferrals + m.employer_match_amount + k.employer_core_amount > c.annual_additions_limit
        AND m.employer_match_amount + k.employer_core_amount > 0)
       OR (m.match_415_reduction + k.core_415_reduction > 0
           AND c.annual_additions_deferrals + m.employer_match_amount + k.employer_core_amount < c.annual_additions_limit)
       OR m.match_415_reduction < 0 OR k.core_415_reduction < 0
       OR s.match_415_reduction IS DISTINCT FROM m.match_415_reduction
       OR s.core_415_reduction IS DISTINCT FROM k.core_415_reduction)
