-- Compensation levers of year Y per level (defect D2 fixed): the configured `cola_rate` is the COLA;
-- `merit_base` is the shape of the comp_levers merit rates across levels, which int_merit_schedule
-- scales to `merit_budget`. New-hire pay centre = band min + (band max - min) x percentile x market
-- adjustment (§4.4) x the new_hire.market_scenario factor, over the level's new-hire band
-- (param_new_hire_pay: the job-levels band unless new_hire.job_level_compensation gives one).
WITH levers AS (
    SELECT cl.level_id, cl.merit_base, cl.hire_percentile, cl.hire_market_adjustment
    FROM param_comp_levers cl
    WHERE cl.simulation_year = getvariable('simulation_year')
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    l.level_id,
    l.merit_base::DOUBLE AS merit_base,
    p.cola_rate,
    l.hire_percentile::DOUBLE AS hire_percentile,
    l.hire_market_adjustment::DOUBLE AS hire_market_adjustment,
    round(j.min_compensation + (j.max_compensation - j.min_compensation)
          * l.hire_percentile::DOUBLE * l.hire_market_adjustment::DOUBLE * j.market_factor, 2)::DECIMAL(18,2)
        AS new_hire_avg_compensation
FROM levers l
CROSS JOIN param_simulation p
JOIN param_new_hire_pay j USING (level_id)
