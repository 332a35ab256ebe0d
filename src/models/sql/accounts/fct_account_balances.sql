-- Per-employee plan accounts, one row per employee, year and source ('pre_tax', 'roth', 'match',
-- 'true_up', 'core') with any amount: the previous year's closing balance (the census balances in the
-- first year) plus the year's contributions and earnings, less what a leaver takes out or forfeits.
--   contributions  the deferrals, Roth for round(deferrals x census roth_deferral_share, 2) and pre-tax
--                  the rest; the match paid during the year and its year-end true-up apart; the core
--   earnings       round(opening x r + contributions x r / 2, 2): contributions arrive through the
--                  year, so on average they earn half a year (the mid-year convention); what is paid
--                  on Dec 31 (true-up, reallocated forfeitures, the top-heavy minimum) earns nothing
--   distributions  a leaver's vested balance, in the termination year, with distribute_on_termination
--   forfeitures    the unvested part of a leaver's match, true-up and core: in the termination year, or
--                  with after_five_breaks in the fifth year after it (the balance earning until then)
-- vested_percent is the share of the balance that is vested: the schedule's (int_vesting_service) while
-- employed and in the termination year before any money leaves, then frozen for a leaver. Once the
-- unvested part is forfeited the rest is all vested (1); once the vested part is paid out, what waits
-- to be forfeited is all unvested (0). termination_year carries a leaver's year to the forfeiture.
WITH p AS (
    SELECT annual_return, distribute_on_termination, forfeiture_timing FROM param_accounts
    WHERE simulation_year = getvariable('simulation_year')
),
carried AS (
    SELECT employee_id, source, closing AS opening, vested_percent AS carried_vested_percent, termination_year
    FROM fct_account_balances
    WHERE simulation_year = getvariable('simulation_year') - 1 AND closing <> 0
    UNION ALL
    -- The census balances of the starting workforce open the first year.
    SELECT b.employee_id, s.source, s.amount, NULL, NULL
    FROM int_baseline_workforce b
    JOIN stg_census_data c USING (employee_id)
    CROSS JOIN LATERAL (VALUES ('pre_tax', c.balance_pre_tax), ('roth', c.balance_roth),
                               ('match', c.balance_match), ('core', c.balance_core)) s(source, amount)
    WHERE b.simulation_year = getvariable('simulation_year') AND getvariable('simulation_year') = getvariable('start_year')
      AND s.amount <> 0
),
deferrals AS (
    SELECT d.employee_id, d.annual_contribution_amount AS amount,
           round(d.annual_contribution_amount * coalesce(c.roth_deferral_share, 0), 2) AS roth
    FROM int_employee_contributions d
    LEFT JOIN stg_census_data c USING (employee_id)
    WHERE d.simulation_year = getvariable('simulation_year')
),
-- Each source's contributions of the year, and the part paid during the year (what is paid on Dec 31,
-- the true-up, reallocated forfeitures and the top-heavy minimum, earns nothing that year). Only the
-- match and the core have more than one row an employee to add up.
contributed AS (
    SELECT employee_id, 'pre_tax' AS source, amount - roth AS contributions, amount - roth AS contributions_during_year
    FROM deferrals
    UNION ALL
    SELECT employee_id, 'roth', roth, roth FROM deferrals
    UNION ALL
    SELECT employee_id, 'match', sum(employer_match_amount - match_true_up_amount), sum(employer_match_amount - match_true_up_amount)
    FROM int_employee_match_calculations
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY employee_id
    UNION ALL
    SELECT employee_id, 'true_up', sum(match_true_up_amount), 0 FROM int_employee_match_calculations
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY employee_id
    UNION ALL
    SELECT employee_id, 'core', sum(amount), coalesce(sum(amount) FILTER (WHERE NOT at_year_end), 0)
    FROM (
        SELECT employee_id, employer_core_amount AS amount, false AS at_year_end FROM int_employer_core_contributions
        WHERE simulation_year = getvariable('simulation_year')
        UNION ALL
        -- the forfeitures reallocated to participants join the core (forfeitures.policy reallocate_to_participants)
        SELECT employee_id, amount, true FROM int_forfeiture_reallocations
        WHERE simulation_year = getvariable('simulation_year')
        UNION ALL
        -- so does the top-heavy minimum's shortfall (compliance.top_heavy_minimum add_as_core)
        SELECT employee_id, added_as_core, true FROM int_top_heavy_minimum
        WHERE simulation_year = getvariable('simulation_year') AND added_as_core <> 0
    )
    GROUP BY employee_id
),
-- Nothing paid in is the same as no row (the join below reads a missing one as 0), and most sources
-- of most employees pay nothing (no Roth, no true-up, no deferrals): dropped before the join.
contributions AS (
    SELECT * FROM contributed WHERE contributions <> 0 OR contributions_during_year <> 0
),
leavers AS (
    SELECT employee_id, year(termination_date) AS termination_year FROM int_plan_eligibility
    WHERE simulation_year = getvariable('simulation_year') AND termination_date IS NOT NULL
),
vesting AS (
    SELECT employee_id, match_vested_percent, core_vested_percent FROM int_vesting_service
    WHERE simulation_year = getvariable('simulation_year')
),
accounts AS (
    SELECT employee_id, source,
           coalesce(o.opening, 0)::DECIMAL(18,2) AS opening,
           coalesce(c.contributions, 0)::DECIMAL(18,2) AS contributions,
           coalesce(c.contributions_during_year, 0)::DECIMAL(18,2) AS contributions_during_year,
           coalesce(o.termination_year, l.termination_year) AS termination_year,
           CASE WHEN source IN ('pre_tax', 'roth') THEN 1
                WHEN o.termination_year IS NOT NULL THEN o.carried_vested_percent
                WHEN source = 'core' THEN v.core_vested_percent
                ELSE v.match_vested_percent END::DECIMAL(7,4) AS vested
    FROM carried o
    FULL JOIN contributions c USING (employee_id, source)
    LEFT JOIN leavers l USING (employee_id)
    LEFT JOIN vesting v USING (employee_id)
),
earned AS (
    SELECT a.*,
           round(opening * p.annual_return + contributions_during_year * p.annual_return * 0.5, 2)::DECIMAL(18,2) AS earnings,
           termination_year = getvariable('simulation_year') AND p.distribute_on_termination AS distributing,
           source IN ('match', 'true_up', 'core')
               AND termination_year + CASE p.forfeiture_timing WHEN 'after_five_breaks' THEN 5 ELSE 0 END
                   = getvariable('simulation_year') AS forfeiting
    FROM accounts a CROSS JOIN p
    -- A source with nothing carried in and nothing paid in has no account.
    WHERE opening <> 0 OR contributions <> 0
),
settled AS (
    SELECT *,
           opening + contributions + earnings AS balance,
           round((opening + contributions + earnings) * vested, 2) AS vested_amount
    FROM earned
),
moved AS (
    SELECT *,
           CASE WHEN distributing THEN vested_amount ELSE 0 END AS distributions,
           CASE WHEN forfeiting THEN balance - vested_amount ELSE 0 END AS forfeitures,
           CASE WHEN forfeiting THEN 1 WHEN distributing AND vested < 1 THEN 0 ELSE vested END AS closing_vested_percent
    FROM settled
)
SELECT
    employee_id,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    source,
    opening,
    contributions,
    earnings,
    distributions::DECIMAL(18,2) AS distributions,
    forfeitures::DECIMAL(18,2) AS forfeitures,
    (balance - distributions - forfeitures)::DECIMAL(18,2) AS closing,
    closing_vested_percent::DECIMAL(7,4) AS vested_percent,
    round((balance - distributions - forfeitures) * closing_vested_percent, 2)::DECIMAL(18,2) AS vested_balance,
    termination_year::INTEGER AS termination_year
FROM moved
