-- Compensation levers of year Y per level (defect D2 fixed): the configured `cola_rate` is the COLA;
-- the comp_levers merit rates keep their shape across levels but are scaled so that their average,
-- weighted by this year's merit-eligible headcount (tenure >= 1), equals `merit_budget`.
-- New-hire pay centre = band min + (band max - min) x percentile x market adjustment (§4.4).
WITH eligible AS (
    SELECT level_id, count(*) AS headcount
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year') AND current_tenure >= 1
    GROUP BY level_id
),
levers AS (
    SELECT cl.level_id, cl.merit_base, cl.hire_percentile, cl.hire_market_adjustment,
           coalesce(e.headcount, 0) AS merit_eligible_headcount
    FROM param_comp_levers cl
    LEFT JOIN eligible e USING (level_id)
    WHERE cl.simulation_year = getvariable('simulation_year')
),
weighted AS (
    -- merit_base is DECIMAL: the weighted sum is exact, so it cannot depend on the summation order
    -- (a DOUBLE sum could differ in its last bit between thread counts).
    SELECT (sum(merit_base * merit_eligible_headcount) / nullif(sum(merit_eligible_headcount), 0))::DOUBLE AS avg_merit_base
    FROM levers
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    l.level_id,
    l.merit_base::DOUBLE AS merit_base,
    coalesce(l.merit_base::DOUBLE * p.merit_budget / nullif(w.avg_merit_base, 0), p.merit_budget) AS merit_rate,
    p.cola_rate,
    l.merit_eligible_headcount,
    l.hire_percentile::DOUBLE AS hire_percentile,
    l.hire_market_adjustment::DOUBLE AS hire_market_adjustment,
    round(j.min_compensation + (j.max_compensation - j.min_compensation)
          * l.hire_percentile::DOUBLE * l.hire_market_adjustment::DOUBLE, 2)::DECIMAL(18,2) AS new_hire_avg_compensation
FROM levers l
CROSS JOIN weighted w
CROSS JOIN param_simulation p
JOIN param_job_levels j USING (level_id)
