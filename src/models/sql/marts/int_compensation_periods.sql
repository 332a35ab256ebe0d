-- Pay through the year as salary periods: the start-of-year salary from Jan 1 (from the hire date for
-- a census employee hired during the first year; a hire's salary from the hire date), then a new period at each promotion and raise in date order; the last period ends at
-- termination (inclusive) or Dec 31. The one pay timeline behind prorated pay, contributions, match
-- and core (defect D7). Salaries DECIMAL(18,2) dollars a year.
WITH terminations AS (
    SELECT employee_id, effective_date AS termination_date FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'termination'
),
changes AS (
    SELECT employee_id, greatest(make_date(getvariable('simulation_year'), 1, 1), employee_hire_date) AS period_start,
           employee_compensation AS salary, 0 AS change_order
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, effective_date, compensation_amount,
           CASE event_type WHEN 'hire' THEN 1 WHEN 'promotion' THEN 2 ELSE 3 END
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type IN ('hire', 'promotion', 'raise')
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    c.employee_id,
    row_number() OVER w AS period_number,
    c.period_start,
    coalesce(lead(c.period_start) OVER w - 1,
             coalesce(t.termination_date, make_date(getvariable('simulation_year'), 12, 31))) AS period_end,
    c.salary
FROM changes c
LEFT JOIN terminations t USING (employee_id)
WINDOW w AS (PARTITION BY c.employee_id ORDER BY c.period_start, c.change_order)
