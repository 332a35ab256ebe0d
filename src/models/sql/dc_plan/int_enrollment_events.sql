-- Enrollment decisions of the year and opt-outs (reference-simulation.md §3.7, with defects D9, D14,
-- D16 and D19 fixed). Only eligible employees (int_plan_eligibility: entered the plan by the year's
-- end, not excluded) not enrolled at the start of the year can enroll, never before their entry date:
--   auto-enrollment   employees hired on or after the hire-date cutoff, never after an opt-out, in scope
--                     once: in the year the entry date falls in (the first simulated year if it
--                     fell earlier), so a waiting period that ends next year still leads to
--                     auto-enrollment (config scope is ignored: both of its values reach exactly these
--                     employees). Dated window start + window_days (window start: the entry date,
--                     or Jan 1 if entered earlier), capped Dec 31
--   proactive         newly eligible (entry date this year) in-scope employees, before the
--                     auto-enrollment date: probability by age band
--   voluntary         newly eligible employees outside auto-enrollment: base rate by age x pay x level
--   year-over-year    employees hired before the year: conversion rate by age x pay x tenure
-- Rates: the age x pay matrix (voluntary, proactive), the year-over-year rates by age, or the default
-- rate. The matrix rate moves toward the employee's match ceiling (int_match_ceilings: the deferral
-- rate that earns the whole match in the employee's band; none when the match is off or no band holds
-- the employee). With enrollment.match_magnet
-- (reference-plan-design.md §6) a voluntary or proactive enrollee below the ceiling snaps up to it with
-- snap_probability, then the rate is held within [1 %, max_deferral_rate]; without it (the 2025
-- meaning) match_optimization nudges a voluntary rate within 1 point below the ceiling up to it with
-- probability 0.4. One enrollment per employee and year: the first of voluntary > proactive >
-- year-over-year > auto whose conditions hold (a CASE over the employee's row, each path's date
-- computed once). Auto-enrollees may opt out (probability by age x pay) 1 day to the grace period
-- after enrolling, by Dec 31.
-- Nothing is dated on or after the employee's termination.
WITH previous_state AS (
    SELECT employee_id, is_enrolled, ever_opted_out
    FROM int_enrollment_state_accumulator
    WHERE simulation_year = getvariable('simulation_year') - 1
    UNION ALL
    SELECT employee_id, employee_deferral_rate > 0, false
    FROM int_baseline_workforce
    WHERE simulation_year = getvariable('simulation_year') AND getvariable('simulation_year') = getvariable('start_year')
),
not_enrolled AS (
    SELECT e.simulation_year, e.employee_id, e.employee_ssn, e.employee_hire_date, e.termination_date, e.is_new_hire,
           e.compensation, e.current_age, e.current_tenure, e.level_id, e.age_band, e.tenure_band,
           e.enrollment_window_start, e.entry_date,
           coalesce(s.ever_opted_out, false) AS ever_opted_out,
           pa_uniform(draws.proactive_enroll) AS proactive_draw,
           pa_uniform(draws.proactive_timing) AS proactive_timing_draw,
           pa_uniform(draws.voluntary_enroll) AS voluntary_draw,
           pa_uniform(draws.voluntary_rate) AS voluntary_rate_draw,
           pa_uniform(draws.voluntary_timing) AS voluntary_timing_draw,
           pa_uniform(draws.yoy_enroll) AS yoy_draw,
           pa_uniform(draws.opt_out) AS opt_out_draw,
           pa_uniform(draws.opt_out_timing) AS opt_out_timing_draw,
           pa_uniform(draws.match_magnet) AS magnet_draw
    FROM int_plan_eligibility e
    JOIN int_random_draws draws USING (employee_id)
    LEFT JOIN previous_state s USING (employee_id)
    WHERE e.simulation_year = getvariable('simulation_year') AND e.is_eligible AND NOT coalesce(s.is_enrolled, false)
),
population AS (
    -- Every draw, probability, path date and parameter the choice reads, once per employee.
    SELECT e.*,
           p.ae_enabled
             AND (p.ae_hire_date_cutoff IS NULL OR e.employee_hire_date >= p.ae_hire_date_cutoff)
             AND greatest(year(e.entry_date), getvariable('start_year')) = e.simulation_year AS in_ae_scope,
           e.entry_date >= make_date(e.simulation_year, 1, 1) AS newly_eligible,
           make_date(e.simulation_year, 12, 31) AS year_end,
           m.deferral_rate AS matrix_rate,
           c.match_ceiling,
           CASE WHEN p.magnet_present THEN least(greatest(
                    CASE WHEN p.magnet_enabled AND matrix_rate < match_ceiling AND e.magnet_draw < p.magnet_snap_probability
                         THEN match_ceiling ELSE matrix_rate END, 0.01), p.magnet_max_deferral_rate) END AS magnet_rate,
           -- voluntary_enrollment_rate (1 when absent) scales the proactive, voluntary and conversion paths.
           pa_by_age(e.current_age, p.proactive_young, p.proactive_mid_career, p.proactive_mature, p.proactive_senior)
               * p.voluntary_enrollment_rate AS proactive_probability,
           least(1.0, pa_by_age(e.current_age, p.voluntary_young, p.voluntary_mid_career, p.voluntary_mature, p.voluntary_senior)
                * pa_by_income(e.compensation, p.voluntary_income_low, p.voluntary_income_moderate,
                               p.voluntary_income_high, p.voluntary_income_executive)
                * pa_by_level(e.level_id, p.voluntary_level_individual, p.voluntary_level_senior,
                              p.voluntary_level_manager, p.voluntary_level_executive)) * p.voluntary_enrollment_rate AS voluntary_probability,
           pa_by_age(e.current_age, p.yoy_young, p.yoy_mid_career, p.yoy_mature, p.yoy_senior)
             * pa_by_income(e.compensation, p.yoy_income_low, p.yoy_income_moderate, p.yoy_income_high, p.yoy_income_executive)
             * CASE WHEN e.current_tenure < 2 THEN p.yoy_tenure_new WHEN e.current_tenure < 5 THEN p.yoy_tenure_established
                    ELSE p.yoy_tenure_veteran END * p.voluntary_enrollment_rate AS yoy_probability,
           pa_by_age(e.current_age, p.opt_out_young, p.opt_out_mid_career, p.opt_out_mature, p.opt_out_senior)
             * pa_by_income(e.compensation, p.opt_out_income_low, p.opt_out_income_moderate,
                            p.opt_out_income_high, p.opt_out_income_executive) AS opt_out_probability,
           least(e.enrollment_window_start + p.enroll_min_days
                 + floor(e.proactive_timing_draw * (p.enroll_max_days - p.enroll_min_days + 1))::INTEGER,
                 year_end) AS proactive_date,
           least(e.enrollment_window_start + p.enroll_min_days
                 + floor(e.voluntary_timing_draw * (p.enroll_max_days - p.enroll_min_days + 1))::INTEGER,
                 year_end) AS voluntary_date,
           make_date(e.simulation_year, p.yoy_month, p.yoy_day) AS yoy_date,
           least(e.enrollment_window_start + p.ae_window_days, year_end) AS auto_date,
           p.proactive_enabled, p.voluntary_enabled, p.yoy_enabled, p.match_optimization,
           pa_by_age(e.current_age, p.yoy_rate_young, p.yoy_rate_mid_career, p.yoy_rate_mature, p.yoy_rate_senior) AS yoy_rate,
           p.ae_default_rate, p.opt_out_grace_days
    FROM not_enrolled e
    CROSS JOIN param_dc_plan p
    JOIN param_deferral_rate_matrix m
      ON m.age_segment = pa_age_segment(e.current_age) AND m.income_segment = pa_income_segment(e.compensation)
    LEFT JOIN int_match_ceilings c USING (employee_id)
),
categorised AS (
    -- The first path by priority whose conditions hold and whose date precedes any termination.
    SELECT *,
           CASE WHEN voluntary_enabled AND newly_eligible AND NOT in_ae_scope AND NOT ever_opted_out
                     AND voluntary_draw < voluntary_probability
                     AND (termination_date IS NULL OR voluntary_date < termination_date)
                THEN 'voluntary_enrollment'
                WHEN proactive_enabled AND newly_eligible AND in_ae_scope AND NOT ever_opted_out
                     AND proactive_draw < proactive_probability
                     AND (termination_date IS NULL OR proactive_date < termination_date)
                THEN 'proactive_voluntary'
                WHEN yoy_enabled AND NOT is_new_hire AND enrollment_window_start <= yoy_date AND yoy_draw < yoy_probability
                     AND (termination_date IS NULL OR yoy_date < termination_date)
                THEN 'year_over_year_voluntary'
                WHEN in_ae_scope AND NOT ever_opted_out
                     AND (termination_date IS NULL OR auto_date < termination_date)
                THEN 'auto_enrollment'
           END AS category
    FROM population
),
chosen AS MATERIALIZED (
    -- Materialized: read twice, and it keeps the filter on category (a CASE over the plan's
    -- parameters) from being pushed into the parameters' cross join, where it ran as a nested-loop join.
    SELECT employee_id, employee_ssn, simulation_year, category, compensation, current_age, current_tenure, level_id,
           age_band, tenure_band, termination_date, opt_out_probability,
           CASE category WHEN 'voluntary_enrollment' THEN voluntary_date WHEN 'proactive_voluntary' THEN proactive_date
                WHEN 'year_over_year_voluntary' THEN yoy_date ELSE auto_date END AS effective_date,
           CASE category
                WHEN 'voluntary_enrollment' THEN
                    CASE WHEN magnet_rate IS NOT NULL THEN magnet_rate
                         WHEN match_optimization AND voluntary_rate_draw < 0.4
                              AND matrix_rate >= match_ceiling - 0.01 AND matrix_rate < match_ceiling
                         THEN match_ceiling ELSE matrix_rate END
                WHEN 'proactive_voluntary' THEN coalesce(magnet_rate, matrix_rate)
                WHEN 'year_over_year_voluntary' THEN yoy_rate
                ELSE ae_default_rate END AS deferral_rate,
           CASE category WHEN 'voluntary_enrollment' THEN voluntary_probability WHEN 'proactive_voluntary' THEN proactive_probability
                WHEN 'year_over_year_voluntary' THEN yoy_probability ELSE 1.0 END AS probability,
           -- An auto-enrollee's opt-out date (1 day to the grace period after enrolling, by Dec 31), when drawn.
           CASE WHEN category = 'auto_enrollment' AND opt_out_draw < opt_out_probability
                THEN least(auto_date + 1 + floor(opt_out_timing_draw * opt_out_grace_days)::INTEGER, year_end) END AS opt_out_date
    FROM categorised
)
SELECT
    employee_id, employee_ssn,
    'enrollment' AS event_type,
    simulation_year,
    effective_date,
    CASE category
        WHEN 'auto_enrollment' THEN 'Auto-enrollment - ' || round(deferral_rate * 100, 2) || '% default deferral'
        WHEN 'voluntary_enrollment' THEN 'Voluntary enrollment - ' || pa_age_segment(current_age) || ' '
             || pa_income_segment(compensation) || ' employee - ' || round(deferral_rate * 100, 2) || '% deferral rate'
        WHEN 'proactive_voluntary' THEN 'Proactive enrollment - ' || round(deferral_rate * 100, 2) || '% deferral rate'
        ELSE 'Year-over-year enrollment - ' || round(deferral_rate * 100, 2) || '% deferral rate'
    END AS event_details,
    compensation AS compensation_amount,
    NULL::DECIMAL(18,2) AS previous_compensation,
    deferral_rate::DECIMAL(7,5) AS employee_deferral_rate,
    0::DECIMAL(7,5) AS prev_employee_deferral_rate,
    current_age AS employee_age, current_tenure AS employee_tenure, level_id, age_band, tenure_band,
    probability::DOUBLE AS event_probability,
    category AS event_category
FROM chosen
WHERE category IS NOT NULL
UNION ALL
SELECT
    employee_id, employee_ssn,
    'enrollment_change',
    simulation_year,
    opt_out_date,
    'Auto-enrollment opt-out - reduced deferral from ' || round(deferral_rate * 100, 2) || '% to 0%',
    compensation,
    compensation,
    0::DECIMAL(7,5),
    deferral_rate::DECIMAL(7,5),
    current_age, current_tenure, level_id, age_band, tenure_band,
    opt_out_probability::DOUBLE,
    'enrollment_opt_out'
FROM chosen
WHERE opt_out_date IS NOT NULL AND (termination_date IS NULL OR opt_out_date < termination_date)
