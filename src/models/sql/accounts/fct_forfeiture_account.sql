-- The plan's forfeiture account, one row a year. The unvested employer money forfeited in a year
-- (fct_account_balances) is available from the next year: the opening is the previous year's closing,
-- and forfeitures.policy (param_forfeitures) says what the year does with it:
--   offset_employer_contributions  pays the year's employer contributions (match + core) up to
--                                  those contributions; the rest is carried
--   pay_plan_expenses              all of it pays plan expenses
--   reallocate_to_participants     all of it goes to the participants (int_forfeiture_reallocations,
--                                  which leaves it in the account only when nobody can receive it)
-- closing = opening + forfeitures - used_for_contributions - used_for_expenses - reallocated.
WITH year_rows AS (
    SELECT
        (SELECT coalesce(sum(closing), 0) FROM fct_forfeiture_account
         WHERE simulation_year = getvariable('simulation_year') - 1) AS opening,
        (SELECT coalesce(sum(forfeitures), 0) FROM fct_account_balances
         WHERE simulation_year = getvariable('simulation_year')) AS forfeitures,
        (SELECT coalesce(sum(employer_match_amount), 0) FROM int_employee_match_calculations
         WHERE simulation_year = getvariable('simulation_year'))
          + (SELECT coalesce(sum(employer_core_amount), 0) FROM int_employer_core_contributions
             WHERE simulation_year = getvariable('simulation_year'))
          -- the top-heavy minimum paid as core is core too
          + (SELECT coalesce(sum(added_as_core), 0) FROM int_top_heavy_minimum
             WHERE simulation_year = getvariable('simulation_year')) AS employer_contributions,
        (SELECT coalesce(sum(amount), 0) FROM int_forfeiture_reallocations
         WHERE simulation_year = getvariable('simulation_year')) AS reallocated
),
used AS (
    SELECT y.*,
           CASE WHEN p.policy = 'offset_employer_contributions' THEN least(y.opening, y.employer_contributions) ELSE 0 END
               AS used_for_contributions,
           CASE WHEN p.policy = 'pay_plan_expenses' THEN y.opening ELSE 0 END AS used_for_expenses
    FROM year_rows y CROSS JOIN param_forfeitures p
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    opening::DECIMAL(18,2) AS opening,
    forfeitures::DECIMAL(18,2) AS forfeitures,
    used_for_contributions::DECIMAL(18,2) AS used_for_contributions,
    used_for_expenses::DECIMAL(18,2) AS used_for_expenses,
    reallocated::DECIMAL(18,2) AS reallocated,
    (opening + forfeitures - used_for_contributions - used_for_expenses - reallocated)::DECIMAL(18,2) AS closing
FROM used
