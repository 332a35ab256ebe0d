-- rule: forfeiture_account_reconciles
-- severity: error
-- description: The forfeiture account reconciles: opening + forfeitures - used_for_contributions - used_for_expenses - reallocated = closing, its forfeitures are those of the accounts, nothing is used beyond what the year opened with, and each year opens with the previous year's closing (issue 14).
-- Each branch reads the year's account row itself: a shared CTE of it was materialized, all its columns.
SELECT getvariable('simulation_year') AS simulation_year,
       'opening + forfeitures - used_for_contributions - used_for_expenses - reallocated is not the closing' AS problem
FROM fct_forfeiture_account
WHERE simulation_year = getvariable('simulation_year')
  AND (opening + forfeitures - used_for_contributions - used_for_expenses - reallocated) IS DISTINCT FROM closing
UNION ALL
SELECT getvariable('simulation_year'), 'forfeitures are not the sum of the accounts'' forfeitures'
FROM fct_forfeiture_account c
CROSS JOIN (SELECT coalesce(sum(forfeitures), 0) AS forfeitures FROM fct_account_balances
            WHERE simulation_year = getvariable('simulation_year')) f
WHERE c.simulation_year = getvariable('simulation_year') AND c.forfeitures IS DISTINCT FROM f.forfeitures
UNION ALL
SELECT getvariable('simulation_year'), 'more used or reallocated than the account opened with'
FROM fct_forfeiture_account
WHERE simulation_year = getvariable('simulation_year')
  AND (used_for_contributions + used_for_expenses + reallocated > opening
       OR least(used_for_contributions, used_for_expenses, reallocated) < 0)
UNION ALL
SELECT getvariable('simulation_year'), 'opening is not the previous year''s closing'
FROM fct_forfeiture_account c
WHERE c.simulation_year = getvariable('simulation_year') AND getvariable('simulation_year') > getvariable('start_year')
  AND c.opening IS DISTINCT FROM coalesce((SELECT closing FROM fct_forfeiture_account
                                           WHERE simulation_year = getvariable('simulation_year') - 1), 0)
UNION ALL
SELECT getvariable('simulation_year'), 'no forfeiture account row for the year'
WHERE NOT EXISTS (SELECT 1 FROM fct_forfeiture_account WHERE simulation_year = getvariable('simulation_year'))
