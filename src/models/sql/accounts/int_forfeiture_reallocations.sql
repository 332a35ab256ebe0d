-- Each participant's share of the forfeiture account reallocated this year (forfeitures.policy
-- reallocate_to_participants): the account's opening, i.e. the forfeitures of earlier years (a year's
-- forfeitures are available from the next year), goes to the plan-eligible employees active at Dec 31,
-- pro rata to the year's eligible pay. In whole cents by largest remainder: each gets the floor of its
-- exact share, and the cents left over go one each to the largest remainders (employee_id breaks ties),
-- so the shares add up to the opening exactly. Empty under the other policies, and when nobody has
-- eligible pay (the account then carries the money). fct_account_balances credits the shares to core.
WITH pool AS (
    SELECT round(a.closing * 100)::HUGEINT AS cents
    FROM fct_forfeiture_account a
    CROSS JOIN param_forfeitures p
    WHERE a.simulation_year = getvariable('simulation_year') - 1
      AND p.policy = 'reallocate_to_participants' AND a.closing > 0
),
recipients AS (
    SELECT c.employee_id, round(c.eligible_compensation * 100)::HUGEINT AS weight
    FROM int_employee_contributions c
    JOIN int_plan_eligibility e ON e.employee_id = c.employee_id AND e.simulation_year = c.simulation_year
    WHERE c.simulation_year = getvariable('simulation_year')
      AND e.is_eligible AND e.termination_date IS NULL AND c.eligible_compensation > 0
),
shares AS (
    SELECT r.employee_id, p.cents,
           p.cents * r.weight // sum(r.weight) OVER () AS floor_cents,
           p.cents * r.weight % sum(r.weight) OVER () AS remainder
    FROM recipients r CROSS JOIN pool p
),
ranked AS (
    SELECT employee_id, floor_cents,
           cents - sum(floor_cents) OVER () AS leftover_cents,
           row_number() OVER (ORDER BY remainder DESC, employee_id) AS remainder_rank
    FROM shares
)
SELECT
    employee_id,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    ((floor_cents + CASE WHEN remainder_rank <= leftover_cents THEN 1 ELSE 0 END)::DECIMAL(38,0) / 100)::DECIMAL(18,2) AS amount
FROM ranked
