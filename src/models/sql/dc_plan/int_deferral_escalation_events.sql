-- Automatic deferral escalation (reference-simulation.md §3.8): on the configured MM-DD, employees
-- who are enrolled with a positive rate below the cap, were hired on or after the cutoff, and have been
-- enrolled for at least the first-escalation delay move up by the increment, never past the cap.
-- Census participants count as enrolled from the start year (census_escalates_in_start_year: from
-- year(setup.plan_year_end_date), the 2026 meaning, so with delay 1 already in the start year), at their
-- rate after the first year's match response (int_deferral_match_response_events, Jan 1) if any; an
-- escalation of a responded rate also stops at the year's 402(g) limit / pay, as the response does. Opted-out employees have rate 0 and are
-- never escalated, nor is a census employee with auto_escalation_opt_out = true (missing: false; hires
-- never; it stops neither enrollment nor other rate changes); nobody is escalated on or after leaving. require_active_enrollment (the default)
-- takes only those enrolled at the start of the year; without it the year's own enrollees (enrolled
-- before the escalation date, not opting out that year) are escalated too, which the delay allows only
-- when it is 0 (reference-plan-design.md §5; the reference escalated them even before they enrolled).
WITH previous_rates AS (
    SELECT employee_id, current_deferral_rate AS rate, employee_enrollment_date,
           employee_enrollment_date < make_date(getvariable('start_year'), 1, 1) AS enrolled_before_start,
           false AS responded
    FROM int_deferral_rate_state_accumulator
    WHERE simulation_year = getvariable('simulation_year') - 1
    UNION ALL
    SELECT b.employee_id, coalesce(r.employee_deferral_rate, b.employee_deferral_rate), p.census_enrollment_date, true,
           r.employee_id IS NOT NULL
    FROM int_baseline_workforce b CROSS JOIN param_dc_plan p
    LEFT JOIN int_deferral_match_response_events r USING (employee_id)
    WHERE b.simulation_year = getvariable('simulation_year') AND getvariable('simulation_year') = getvariable('start_year')
      AND b.employee_deferral_rate > 0
    UNION ALL
    SELECT x.employee_id, x.employee_deferral_rate, x.effective_date, false, false
    FROM int_enrollment_events x CROSS JOIN param_dc_plan p
    WHERE NOT p.escalation_require_enrollment AND x.event_type = 'enrollment'
      AND x.employee_id NOT IN (SELECT employee_id FROM int_enrollment_events WHERE event_type = 'enrollment_change')
),
eligible AS (
    SELECT e.employee_id, e.employee_ssn, e.simulation_year, e.termination_date, e.current_age, e.current_tenure,
           e.level_id, e.age_band, e.tenure_band, r.rate, r.employee_enrollment_date,
           make_date(e.simulation_year, p.escalation_month, p.escalation_day) AS escalation_date,
           CASE WHEN r.enrolled_before_start AND NOT p.escalation_census_in_start_year THEN e.simulation_year - getvariable('start_year')
                ELSE e.simulation_year - year(r.employee_enrollment_date) END AS years_enrolled,
           least(p.escalation_cap, r.rate + p.escalation_increment,
                 CASE WHEN r.responded THEN (lim.base_limit / nullif(e.compensation, 0))::DECIMAL(7,5) END) AS new_rate,
           p.escalation_increment,
           p.escalation_delay_years
    FROM int_plan_eligibility e
    JOIN previous_rates r USING (employee_id)
    LEFT JOIN stg_census_data c USING (employee_id)
    LEFT JOIN param_irs_limits lim ON lim.simulation_year = e.simulation_year
    CROSS JOIN param_dc_plan p
    WHERE e.simulation_year = getvariable('simulation_year')
      AND p.escalation_enabled
      AND r.rate > 0 AND r.rate < p.escalation_cap
      AND NOT coalesce(c.auto_escalation_opt_out, false)
      AND (p.escalation_hire_date_cutoff IS NULL OR e.employee_hire_date >= p.escalation_hire_date_cutoff)
)
SELECT
    employee_id, employee_ssn,
    'deferral_escalation' AS event_type,
    simulation_year,
    escalation_date AS effective_date,
    'Deferral escalation: ' || round(rate * 100, 2) || '% -> ' || round(new_rate * 100, 2) || '% (+'
        || round((new_rate - rate) * 100, 2) || '%)' AS event_details,
    NULL::DECIMAL(18,2) AS compensation_amount,
    NULL::DECIMAL(18,2) AS previous_compensation,
    new_rate::DECIMAL(7,5) AS employee_deferral_rate,
    rate::DECIMAL(7,5) AS prev_employee_deferral_rate,
    current_age AS employee_age, current_tenure AS employee_tenure, level_id, age_band, tenure_band,
    escalation_increment::DOUBLE AS event_probability,
    'deferral_escalation' AS event_category
FROM eligible
WHERE years_enrolled >= escalation_delay_years
  AND new_rate::DECIMAL(7,5) > rate
  AND (termination_date IS NULL OR escalation_date < termination_date)
  AND escalation_date > employee_enrollment_date
