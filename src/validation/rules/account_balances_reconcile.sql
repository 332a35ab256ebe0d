-- rule: account_balances_reconcile
-- severity: error
-- description: Every account reconciles: opening + contributions + earnings - distributions - forfeitures = closing, the vested balance is round(closing x vested_percent, 2), and each year opens with the previous year's closing (issue 14).
-- Each branch reads the table itself: a shared CTE of the year's rows was materialized, all its columns.
SELECT employee_id, source || ': opening + contributions + earnings - distributions - forfeitures is not the closing' AS problem
FROM fct_account_balances
WHERE simulation_year = getvariable('simulation_year')
  AND (opening + contributions + earnings - distributions - forfeitures) IS DISTINCT FROM closing
UNION ALL
SELECT employee_id, source || ': vested_balance is not round(closing x vested_percent, 2)'
FROM fct_account_balances
WHERE simulation_year = getvariable('simulation_year') AND vested_balance IS DISTINCT FROM round(closing * vested_percent, 2)
UNION ALL
SELECT employee_id, source || ': opening is not the previous year''s closing'
FROM (SELECT employee_id, source, opening FROM fct_account_balances WHERE simulation_year = getvariable('simulation_year')) c
FULL JOIN (SELECT employee_id, source, closing FROM fct_account_balances
           WHERE simulation_year = getvariable('simulation_year') - 1 AND closing <> 0) p USING (employee_id, source)
WHERE getvariable('simulation_year') > getvariable('start_year')
  AND coalesce(c.opening, 0) <> coalesce(p.closing, 0)
