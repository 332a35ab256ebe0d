-- rule: headcount_matches_growth_target
-- severity: error
-- description: Year-end active headcount equals round-half-away-from-zero(starting actives x (1 + g)) (with simulation.count_uncertainty terminations_and_hires: the year's drawn target), and the solver reconciles exactly (R1, R2).
WITH start_count AS (
    SELECT count(*) AS n FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
),
end_count AS (
    SELECT count(*) AS n FROM fct_workforce_snapshot
    WHERE simulation_year = getvariable('simulation_year') AND employment_status = 'active'
),
needs AS (
    SELECT target_ending_workforce, reconciliation_error FROM int_workforce_needs
    WHERE simulation_year = getvariable('simulation_year')
),
expected AS (
    SELECT CASE WHEN getvariable('count_uncertainty') = 'terminations_and_hires' THEN needs.target_ending_workforce
                ELSE round(s.n * (1 + p.target_growth_rate))::BIGINT END AS n
    FROM start_count s CROSS JOIN param_simulation p CROSS JOIN needs
)
SELECT s.n AS starting_actives, e.n AS expected_actives, a.n AS actual_actives,
       needs.target_ending_workforce, needs.reconciliation_error
FROM start_count s, expected e, end_count a, needs
WHERE a.n <> e.n OR needs.target_ending_workforce <> e.n OR needs.reconciliation_error <> 0
