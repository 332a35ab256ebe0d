-- One row per employee and year (reference-simulation.md §5.2): everyone active at the start of the
-- year plus the year's hires, with this year's events applied. Pay is followed through the year as
-- a timeline of salary periods (start or hire, then each promotion and raise in date order, ending at
-- termination or Dec 31); prorated pay = sum(salary x days) / days in the year, rounded to cents once.
-- Amounts: DECIMAL(18,2) dollars. DC-plan columns are filled by the DC-plan models.
WITH start_pop AS (
    SELECT * FROM int_employee_compensation_by_year WHERE simulation_year = getvariable('simulation_year')
),
hires AS (
    SELECT * FROM int_hiring_events WHERE simulation_year = getvariable('simulation_year')
),
events AS (
    SELECT * FROM fct_yearly_events WHERE simulation_year = getvariable('simulation_year')
),
terminations AS (
    SELECT employee_id, effective_date AS termination_date, event_details AS termination_reason
    FROM events WHERE event_type = 'termination'
),
promotions AS (
    SELECT employee_id, level_id AS promoted_level_id FROM events WHERE event_type = 'promotion'
),
population AS (
    SELECT employee_id, employee_ssn, employee_birth_date, employee_hire_date, employee_compensation AS start_pay,
           current_age, current_tenure, level_id, false AS hired_this_year
    FROM start_pop
    UNION ALL
    SELECT employee_id, employee_ssn, employee_birth_date, effective_date, compensation_amount,
           employee_age, 0, level_id, true
    FROM hires
),
salary_changes AS (
    SELECT employee_id, make_date(getvariable('simulation_year'), 1, 1) AS change_date, start_pay AS salary, 0 AS change_order
    FROM population WHERE NOT hired_this_year
    UNION ALL
    SELECT employee_id, effective_date, compensation_amount,
           CASE event_type WHEN 'hire' THEN 1 WHEN 'promotion' THEN 2 ELSE 3 END
    FROM events WHERE event_type IN ('hire', 'promotion', 'raise')
),
periods AS (
    SELECT s.employee_id, s.salary, s.change_date,
           coalesce(lead(s.change_date) OVER w - 1,
                    coalesce(t.termination_date, make_date(getvariable('simulation_year'), 12, 31))) AS period_end,
           row_number() OVER (PARTITION BY s.employee_id ORDER BY s.change_date DESC, s.change_order DESC) AS recency
    FROM salary_changes s
    LEFT JOIN terminations t USING (employee_id)
    WINDOW w AS (PARTITION BY s.employee_id ORDER BY s.change_date, s.change_order)
),
pay AS (
    SELECT employee_id,
           max(salary) FILTER (WHERE recency = 1) AS final_salary,
           round(sum(salary * greatest(0, period_end - change_date + 1))
                 / pa_days_in_year(getvariable('simulation_year')), 2)::DECIMAL(18,2) AS prorated_pay
    FROM periods
    GROUP BY employee_id
),
assembled AS (
    SELECT p.*,
           coalesce(pr.promoted_level_id, p.level_id) AS final_level_id,
           t.termination_date, t.termination_reason,
           pay.final_salary, pay.prorated_pay
    FROM population p
    JOIN pay USING (employee_id)
    LEFT JOIN terminations t USING (employee_id)
    LEFT JOIN promotions pr USING (employee_id)
)
SELECT
    ps.scenario_id,
    ps.plan_design_id,
    a.employee_id,
    a.employee_ssn,
    a.employee_birth_date,
    a.employee_hire_date,
    a.final_salary AS current_compensation,
    a.prorated_pay AS prorated_annual_compensation,
    a.final_salary AS full_year_equivalent_compensation,
    a.current_age,
    a.current_tenure,
    a.final_level_id AS level_id,
    pa_age_band(a.current_age) AS age_band,
    pa_tenure_band(a.current_tenure) AS tenure_band,
    CASE WHEN a.termination_date IS NULL THEN 'active' ELSE 'terminated' END AS employment_status,
    a.termination_date,
    a.termination_reason,
    CASE WHEN a.hired_this_year AND a.termination_date IS NULL THEN 'new_hire_active'
         WHEN a.hired_this_year THEN 'new_hire_termination'
         WHEN a.termination_date IS NULL THEN 'continuous_active'
         ELSE 'experienced_termination' END AS detailed_status_code,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    CASE WHEN a.final_salary > 50000000 THEN 'CRITICAL_OVER_50M'
         WHEN a.final_salary > 20000000 THEN 'CRITICAL_OVER_20M'
         WHEN a.final_salary > 10000000 THEN 'CRITICAL_OVER_10M'
         WHEN a.final_salary > 5000000 THEN 'SEVERE_OVER_5M'
         WHEN a.final_salary > 2000000 THEN 'WARNING_OVER_2M'
         WHEN a.final_salary < 10000 AND a.termination_date IS NULL THEN 'WARNING_UNDER_10K'
         ELSE 'NORMAL' END AS compensation_quality_flag,
    ps.run_started_at AS snapshot_created_at
FROM assembled a
CROSS JOIN param_simulation ps
