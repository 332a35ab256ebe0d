-- Top-heavy status and the minimum contribution (IRC 416; compliance-testing.md B.6), one row per
-- employee and year for everyone employed in the year or counted at its determination date.
-- Status of year Y, from the determination date Dec 31 of Y-1: each person's balance is the closing of
-- Y-1 (fct_account_balances, all sources) plus the distributions of Y-1 added back; the first year uses
-- the census balances. Counted: whoever was employed in Y-1 (int_compliance_population of Y-1; the
-- first year: the census workforce), key as of Y-1 (the first year: the start year's flags, the census
-- standing for the year before); a former key employee (key in an earlier year, not in Y-1) is left out. Top-heavy when the key
-- employees' share exceeds 60 % (exactly 60 % is not), unless the plan holds only safe-harbor money
-- (416(g)(4)(H)): a safe_harbor/qaca match formula, no core and no forfeitures reallocated.
-- Minimum of a top-heavy year: every non-key participant (plan-eligible) employed on Dec 31 gets
-- employer money (match + core + reallocated forfeitures) of at least minimum_rate x testing pay
-- (401(a)(17)-capped), minimum_rate = min(3 %, the highest key employee's rate: deferrals without
-- catch-up plus employer money over testing pay, to the nearest 0.01 %). With
-- compliance.top_heavy_minimum add_as_core the shortfall is paid as core, up to the 415(c) room left.
-- determination_balance / determination_key_employee: the person's part in the status (NULL: not
-- counted); is_key_employee: key in Y (NULL: not employed in Y); owed_minimum: a non-key participant
-- employed on Dec 31 (anyone else is owed nothing: required_amount, shortfall, added_as_core 0).
WITH p AS (
    SELECT c.top_heavy_minimum = 'add_as_core' AS add_as_core,
           m.safe_harbor_match AND NOT d.core_enabled AND f.policy <> 'reallocate_to_participants' AS safe_harbor_only
    FROM param_compliance c CROSS JOIN param_match_design m CROSS JOIN param_dc_plan d CROSS JOIN param_forfeitures f
),
counted AS (
    SELECT employee_id, is_key_employee FROM int_compliance_population
    WHERE simulation_year = getvariable('simulation_year') - 1
    UNION ALL
    SELECT employee_id, is_key_employee FROM int_compliance_population
    WHERE simulation_year = getvariable('start_year') AND getvariable('simulation_year') = getvariable('start_year')
      AND employee_id IN (SELECT employee_id FROM stg_census_data)
),
former_key AS (
    SELECT DISTINCT employee_id FROM int_compliance_population
    WHERE simulation_year < getvariable('simulation_year') - 1 AND is_key_employee
),
balances AS (
    SELECT employee_id, sum(closing + distributions) AS balance FROM fct_account_balances
    WHERE simulation_year = getvariable('simulation_year') - 1
    GROUP BY employee_id
    UNION ALL
    SELECT employee_id, balance_pre_tax + balance_roth + balance_match + balance_core FROM stg_census_data
    WHERE getvariable('simulation_year') = getvariable('start_year')
),
determination AS (
    SELECT c.employee_id, c.is_key_employee, coalesce(b.balance, 0)::DECIMAL(18,2) AS balance
    FROM counted c LEFT JOIN balances b USING (employee_id)
    WHERE c.is_key_employee OR c.employee_id NOT IN (SELECT employee_id FROM former_key)
),
status AS (
    -- key / all > 3 / 5, exactly, in decimals
    SELECT NOT p.safe_harbor_only AND d.key_balance * 5 > d.total_balance * 3 AS is_top_heavy_year,
           p.safe_harbor_only AS safe_harbor_exempt,
           p.add_as_core
    FROM p
    CROSS JOIN (SELECT coalesce(sum(balance) FILTER (WHERE is_key_employee), 0) AS key_balance,
                       coalesce(sum(balance), 0) AS total_balance
                FROM determination) d
),
members AS (
    SELECT c.employee_id, c.is_key_employee, c.testing_compensation, c.employer_allocation,
           -- a key employee's, to the nearest 0.01 %, exactly, as int_compliance_population's ratios
           CASE WHEN c.is_key_employee
                THEN pa_pay_ratio(c.adp_deferrals + c.employer_allocation, c.testing_compensation) END AS key_contribution_rate,
           NOT c.is_key_employee AND c.eligible_401k AND e.termination_date IS NULL AS owed_minimum,
           greatest(k.annual_additions_limit - k.annual_additions_deferrals - c.employer_allocation, 0) AS room_415
    FROM int_compliance_population c
    JOIN int_plan_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
    JOIN int_employee_contributions k ON k.employee_id = c.employee_id AND k.simulation_year = c.simulation_year
    WHERE c.simulation_year = getvariable('simulation_year')
),
rate AS (
    SELECT CASE WHEN s.is_top_heavy_year THEN least(0.03, coalesce(m.key_rate, 0)) ELSE 0 END::DECIMAL(9,4) AS minimum_rate
    FROM status s CROSS JOIN (SELECT max(key_contribution_rate) AS key_rate FROM members) m
),
owed AS (
    SELECT m.*, r.minimum_rate,
           CASE WHEN m.owed_minimum THEN round(r.minimum_rate * m.testing_compensation, 2) ELSE 0 END::DECIMAL(18,2)
               AS required_amount
    FROM members m CROSS JOIN rate r
),
shortfalls AS (
    SELECT *, greatest(required_amount - employer_allocation, 0)::DECIMAL(18,2) AS shortfall FROM owed
)
SELECT
    coalesce(s.employee_id, d.employee_id) AS employee_id,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    st.is_top_heavy_year,
    st.safe_harbor_exempt,
    d.balance AS determination_balance,
    d.is_key_employee AS determination_key_employee,
    s.is_key_employee,
    coalesce(s.owed_minimum, false) AS owed_minimum,
    r.minimum_rate,
    coalesce(s.required_amount, 0)::DECIMAL(18,2) AS required_amount,
    coalesce(s.employer_allocation, 0)::DECIMAL(18,2) AS employer_amount_received,
    coalesce(s.shortfall, 0)::DECIMAL(18,2) AS shortfall,
    CASE WHEN st.add_as_core THEN least(coalesce(s.shortfall, 0), coalesce(s.room_415, 0)) ELSE 0 END::DECIMAL(18,2)
        AS added_as_core
FROM shortfalls s
FULL JOIN determination d ON d.employee_id = s.employee_id
CROSS JOIN status st
CROSS JOIN rate r
