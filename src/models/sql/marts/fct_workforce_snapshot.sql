-- One row per employee and year (reference-simulation.md §5.2): everyone active at the start of the
-- year plus the year's hires, with the year's events applied: status, level, year-end pay, prorated pay
-- (computed once, with the contribution base, from the salary timeline) and the DC-plan state:
-- eligibility, enrollment and deferral rate at year end, deferrals, employer match and core.
-- Amounts DECIMAL(18,2) dollars.
WITH events AS (
    SELECT * FROM fct_yearly_events WHERE simulation_year = getvariable('simulation_year')
),
terminations AS (
    SELECT employee_id, effective_date AS termination_date, event_details AS termination_reason
    FROM events WHERE event_type = 'termination'
),
promotions AS (
    SELECT employee_id, level_id AS promoted_level_id FROM events WHERE event_type = 'promotion'
),
pay AS (
    SELECT employee_id, arg_max(salary, period_number) AS final_salary
    FROM int_compensation_periods
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY employee_id
),
population AS (
    SELECT * FROM int_plan_eligibility WHERE simulation_year = getvariable('simulation_year')
)
SELECT
    ps.scenario_id,
    ps.plan_design_id,
    pop.employee_id,
    pop.employee_ssn,
    pop.employee_birth_date,
    pop.employee_hire_date,
    pay.final_salary AS current_compensation,
    c.prorated_annual_compensation,
    pay.final_salary AS full_year_equivalent_compensation,
    pop.current_age,
    pop.current_tenure,
    coalesce(pr.promoted_level_id, pop.level_id) AS level_id,
    -- the population's bands (pa_band of this age and tenure): a list carried through every join
    -- below cost more than the joins
    pop.age_band,
    pop.tenure_band,
    CASE WHEN t.termination_date IS NULL THEN 'active' ELSE 'terminated' END AS employment_status,
    t.termination_date,
    t.termination_reason,
    CASE WHEN pop.is_new_hire AND t.termination_date IS NULL THEN 'new_hire_active'
         WHEN pop.is_new_hire THEN 'new_hire_termination'
         WHEN t.termination_date IS NULL THEN 'continuous_active'
         ELSE 'experienced_termination' END AS detailed_status_code,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    -- The plan entry date (the day the requirements are met, unless entry dates are periodic) and
    -- int_plan_eligibility's status: eligible, pending, or ineligible (excluded by override or draw).
    pop.entry_date AS employee_eligibility_date,
    pop.waiting_period_days,
    pop.eligibility_status AS current_eligibility_status,
    er.enrollment_date AS employee_enrollment_date,
    er.is_enrolled AS is_enrolled_flag,
    dr.current_deferral_rate,
    CASE WHEN dr.current_deferral_rate > 0 THEN 'participating' ELSE 'not_participating' END AS participation_status,
    CASE WHEN dr.current_deferral_rate > 0 THEN 'participating - ' || CASE er.enrollment_method
             WHEN 'census' THEN 'census enrollment' WHEN 'auto' THEN 'auto enrollment'
             WHEN 'voluntary' THEN 'voluntary enrollment' WHEN 'proactive' THEN 'proactive enrollment'
             WHEN 'year_over_year' THEN 'year-over-year enrollment' ELSE 'census enrollment' END
         WHEN er.ever_opted_out THEN 'not_participating - opted out of AE'
         WHEN NOT pop.is_eligible THEN 'not_participating - not eligible'
         ELSE 'not_participating - not auto enrolled' END AS participation_status_detail,
    dr.escalations_received AS total_deferral_escalations,
    dr.last_escalation_date,
    dr.escalations_received > 0 AS has_deferral_escalations,
    dr.original_deferral_rate,
    dr.total_escalation_amount,
    c.annual_contribution_amount AS prorated_annual_contributions,
    round(c.annual_contribution_amount * 0.85, 2)::DECIMAL(18,2) AS pre_tax_contributions,
    (c.annual_contribution_amount - round(c.annual_contribution_amount * 0.85, 2))::DECIMAL(18,2) AS roth_contributions,
    c.annual_contribution_amount AS ytd_contributions,
    c.annual_contribution_amount >= c.applicable_irs_limit AS irs_limit_reached,
    c.effective_annual_deferral_rate::DECIMAL(7,5) AS effective_annual_deferral_rate,
    c.total_contribution_base_compensation,
    c.first_contribution_date,
    c.last_contribution_date,
    c.contribution_quality_flag,
    m.employer_match_amount,
    -- the core with any top-heavy minimum paid as core (compliance.top_heavy_minimum add_as_core)
    (core.employer_core_amount + coalesce(th.added_as_core, 0))::DECIMAL(18,2) AS employer_core_amount,
    (m.employer_match_amount + core.employer_core_amount + coalesce(th.added_as_core, 0))::DECIMAL(18,2) AS total_employer_contributions,
    el.annual_hours_worked,
    CASE WHEN pay.final_salary > 50000000 THEN 'CRITICAL_OVER_50M'
         WHEN pay.final_salary > 20000000 THEN 'CRITICAL_OVER_20M'
         WHEN pay.final_salary > 10000000 THEN 'CRITICAL_OVER_10M'
         WHEN pay.final_salary > 5000000 THEN 'SEVERE_OVER_5M'
         WHEN pay.final_salary > 2000000 THEN 'WARNING_OVER_2M'
         WHEN pay.final_salary < 10000 AND t.termination_date IS NULL THEN 'WARNING_UNDER_10K'
         ELSE 'NORMAL' END AS compensation_quality_flag,
    ps.run_started_at AS snapshot_created_at,
    -- 415(c) cuts of the employer money (core first, then match); columns after the reference's
    m.match_415_reduction,
    core.core_415_reduction,
    el.scheduled_hours_per_week
FROM population pop
JOIN pay USING (employee_id)
LEFT JOIN terminations t USING (employee_id)
LEFT JOIN promotions pr USING (employee_id)
JOIN int_enrollment_state_accumulator er
  ON er.employee_id = pop.employee_id AND er.simulation_year = pop.simulation_year
JOIN int_deferral_rate_state_accumulator dr
  ON dr.employee_id = pop.employee_id AND dr.simulation_year = pop.simulation_year
JOIN int_employee_contributions c ON c.employee_id = pop.employee_id AND c.simulation_year = pop.simulation_year
JOIN int_employee_match_calculations m ON m.employee_id = pop.employee_id AND m.simulation_year = pop.simulation_year
JOIN int_employer_core_contributions core ON core.employee_id = pop.employee_id AND core.simulation_year = pop.simulation_year
LEFT JOIN int_top_heavy_minimum th ON th.employee_id = pop.employee_id AND th.simulation_year = pop.simulation_year
JOIN int_employer_eligibility el ON el.employee_id = pop.employee_id AND el.simulation_year = pop.simulation_year
-- last, so the optimizer joins its one row to a narrow table, not to the wide rows every join builds on
CROSS JOIN param_simulation ps
