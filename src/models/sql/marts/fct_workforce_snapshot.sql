-- One row per employee and year (reference-simulation.md §5.2): everyone active at the start of the
-- year plus the year's hires, with the year's events applied: status, level, year-end pay, prorated pay
-- (computed once, with the contribution base, from the salary timeline) and the DC-plan state:
-- eligibility, enrollment and deferral rate at year end, deferrals, employer match and core.
-- Amounts DECIMAL(18,2) dollars.
WITH terminations AS (
    SELECT employee_id, effective_date AS termination_date, event_details AS termination_reason
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'termination'
),
promotions AS (
    SELECT employee_id, level_id AS promoted_level_id FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type = 'promotion'
),
pay AS (
    SELECT employee_id, arg_max(salary, period_number) AS final_salary
    FROM int_compensation_periods
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY employee_id
),
population AS (
    SELECT * FROM int_plan_eligibility WHERE simulation_year = getvariable('simulation_year')
),
-- The year's DC-plan rows, joined among themselves before the population: joined to it one by one,
-- each join built a hash table of the population's wide rows (the snapshot a third slower at 60k).
dc AS (
    SELECT employee_id,
           er.enrollment_date, er.is_enrolled, er.enrollment_method, er.ever_opted_out,
           dr.current_deferral_rate, dr.escalations_received, dr.last_escalation_date, dr.original_deferral_rate, dr.total_escalation_amount,
           c.prorated_annual_compensation, c.annual_contribution_amount, c.applicable_irs_limit, c.effective_annual_deferral_rate,
           c.total_contribution_base_compensation, c.first_contribution_date, c.last_contribution_date, c.contribution_quality_flag,
           m.employer_match_amount, m.match_415_reduction, core.employer_core_amount, core.core_415_reduction,
           th.added_as_core, el.annual_hours_worked, el.scheduled_hours_per_week
    FROM (FROM int_enrollment_state_accumulator WHERE simulation_year = getvariable('simulation_year')) er
    JOIN (FROM int_deferral_rate_state_accumulator WHERE simulation_year = getvariable('simulation_year')) dr USING (employee_id)
    JOIN (FROM int_employee_contributions WHERE simulation_year = getvariable('simulation_year')) c USING (employee_id)
    JOIN (FROM int_employee_match_calculations WHERE simulation_year = getvariable('simulation_year')) m USING (employee_id)
    JOIN (FROM int_employer_core_contributions WHERE simulation_year = getvariable('simulation_year')) core USING (employee_id)
    LEFT JOIN (FROM int_top_heavy_minimum WHERE simulation_year = getvariable('simulation_year')) th USING (employee_id)
    JOIN (FROM int_employer_eligibility WHERE simulation_year = getvariable('simulation_year')) el USING (employee_id)
)
SELECT
    ps.scenario_id,
    ps.plan_design_id,
    employee_id,
    pop.employee_ssn,
    pop.employee_birth_date,
    pop.employee_hire_date,
    pay.final_salary AS current_compensation,
    dc.prorated_annual_compensation,
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
    dc.enrollment_date AS employee_enrollment_date,
    dc.is_enrolled AS is_enrolled_flag,
    dc.current_deferral_rate,
    CASE WHEN dc.current_deferral_rate > 0 THEN 'participating' ELSE 'not_participating' END AS participation_status,
    CASE WHEN dc.current_deferral_rate > 0 THEN 'participating - ' || CASE dc.enrollment_method
             WHEN 'census' THEN 'census enrollment' WHEN 'auto' THEN 'auto enrollment'
             WHEN 'voluntary' THEN 'voluntary enrollment' WHEN 'proactive' THEN 'proactive enrollment'
             WHEN 'year_over_year' THEN 'year-over-year enrollment' ELSE 'census enrollment' END
         WHEN dc.ever_opted_out THEN 'not_participating - opted out of AE'
         WHEN NOT pop.is_eligible THEN 'not_participating - not eligible'
         ELSE 'not_participating - not auto enrolled' END AS participation_status_detail,
    dc.escalations_received AS total_deferral_escalations,
    dc.last_escalation_date,
    dc.escalations_received > 0 AS has_deferral_escalations,
    dc.original_deferral_rate,
    dc.total_escalation_amount,
    dc.annual_contribution_amount AS prorated_annual_contributions,
    round(dc.annual_contribution_amount * 0.85, 2)::DECIMAL(18,2) AS pre_tax_contributions,
    (dc.annual_contribution_amount - round(dc.annual_contribution_amount * 0.85, 2))::DECIMAL(18,2) AS roth_contributions,
    dc.annual_contribution_amount AS ytd_contributions,
    dc.annual_contribution_amount >= dc.applicable_irs_limit AS irs_limit_reached,
    dc.effective_annual_deferral_rate::DECIMAL(7,5) AS effective_annual_deferral_rate,
    dc.total_contribution_base_compensation,
    dc.first_contribution_date,
    dc.last_contribution_date,
    dc.contribution_quality_flag,
    dc.employer_match_amount,
    -- the core with any top-heavy minimum paid as core (compliance.top_heavy_minimum add_as_core)
    (dc.employer_core_amount + coalesce(dc.added_as_core, 0))::DECIMAL(18,2) AS employer_core_amount,
    (dc.employer_match_amount + dc.employer_core_amount + coalesce(dc.added_as_core, 0))::DECIMAL(18,2) AS total_employer_contributions,
    dc.annual_hours_worked,
    CASE WHEN pay.final_salary > 50000000 THEN 'CRITICAL_OVER_50M'
         WHEN pay.final_salary > 20000000 THEN 'CRITICAL_OVER_20M'
         WHEN pay.final_salary > 10000000 THEN 'CRITICAL_OVER_10M'
         WHEN pay.final_salary > 5000000 THEN 'SEVERE_OVER_5M'
         WHEN pay.final_salary > 2000000 THEN 'WARNING_OVER_2M'
         WHEN pay.final_salary < 10000 AND t.termination_date IS NULL THEN 'WARNING_UNDER_10K'
         ELSE 'NORMAL' END AS compensation_quality_flag,
    ps.run_started_at AS snapshot_created_at,
    -- 415(c) cuts of the employer money (core first, then match); columns after the reference's
    dc.match_415_reduction,
    dc.core_415_reduction,
    dc.scheduled_hours_per_week
FROM population pop
JOIN pay USING (employee_id)
LEFT JOIN terminations t USING (employee_id)
LEFT JOIN promotions pr USING (employee_id)
JOIN dc USING (employee_id)
-- last, so that its one row joins the narrow result, not the rows every join builds on
CROSS JOIN param_simulation ps
