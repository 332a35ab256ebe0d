-- Who gets this year's merit + COLA raise, when, and at what rate. Everyone active at the start of
-- the year with at least one year of tenure, unless they leave on or before the raise date (defect
-- D4). raise_timing.methodology: 'legacy' = July 15; 'realistic' = a month drawn from the timing
-- distribution seed, then a day drawn uniformly within that month.
-- Merit budget: the comp_levers merit rates keep their shape across levels and are scaled so that
-- Σ merit rate x start-of-year pay = merit_budget x Σ start-of-year pay over the employees raised.
WITH drawn AS (
    SELECT c.*, t.effective_date AS termination_date,
           pa_uniform(draws.raise_month) AS month_draw, pa_uniform(draws.raise_day) AS day_draw
    FROM int_employee_compensation_by_year c
    JOIN int_random_draws draws USING (employee_id)
    LEFT JOIN int_termination_events t
      ON t.employee_id = c.employee_id AND t.simulation_year = c.simulation_year
    WHERE c.simulation_year = getvariable('simulation_year') AND c.current_tenure >= 1
),
month_steps AS (
    -- The raise month of a draw: the latest month whose cumulative share starts at or below it. Per
    -- distinct start, the latest month starting at or below it, found by an ASOF join on the draw.
    SELECT cumulative_from, max(max(month)) OVER (ORDER BY cumulative_from) AS month
    FROM param_raise_timing
    GROUP BY cumulative_from
),
timed AS (
    SELECT d.*, coalesce(s.month, 12) AS raise_month
    FROM drawn d ASOF LEFT JOIN month_steps s ON d.month_draw >= s.cumulative_from
),
dated AS (
    SELECT t.*,
        CASE WHEN p.raise_timing_methodology = 'legacy'
             THEN make_date(t.simulation_year, 7, 15)
             ELSE make_date(t.simulation_year, t.raise_month, 1)
                  + floor(t.day_draw * (last_day(make_date(t.simulation_year, t.raise_month, 1))
                                        - make_date(t.simulation_year, t.raise_month, 1) + 1))::INTEGER
        END AS raise_date
    FROM timed t
    CROSS JOIN param_simulation p
),
raised AS (
    SELECT d.simulation_year, d.employee_id, d.raise_date, d.employee_compensation,
           ep.merit_base::DECIMAL(18,10) AS merit_base, ep.cola_rate
    FROM dated d
    JOIN int_effective_parameters ep
      ON ep.level_id = d.level_id AND ep.simulation_year = d.simulation_year
    WHERE d.termination_date IS NULL OR d.raise_date < d.termination_date
),
budget AS (
    -- DECIMAL sums are exact: the scale cannot depend on the summation order (the thread count).
    SELECT (p.merit_budget * sum(r.employee_compensation) / nullif(sum(r.merit_base * r.employee_compensation), 0))::DOUBLE
               AS scale,
           p.merit_budget
    FROM raised r CROSS JOIN param_simulation p
    GROUP BY p.merit_budget
),
rated AS (
    SELECT r.simulation_year, r.employee_id, r.raise_date, r.cola_rate,
           coalesce(r.merit_base::DOUBLE * b.scale, b.merit_budget) AS merit_rate
    FROM raised r CROSS JOIN budget b
)
SELECT simulation_year, employee_id, raise_date, merit_rate, cola_rate, merit_rate + cola_rate AS raise_rate
FROM rated
