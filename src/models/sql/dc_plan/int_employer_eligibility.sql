-- Who qualifies for the employer match and the core contribution this year (reference-simulation.md
-- §3.10-§3.11), each with its own eligibility block: hours >= minimum (hours = days employed x 2080 /
-- days in the year, rounded), tenure >= minimum or a new hire when new hires are allowed, and the
-- status: with require_active_at_year_end, active at year end (every leaver is out, whatever the allow_*
-- flags say; the config loader warns about that contradiction); without it, leavers of the kinds the
-- allow_* flags allow (the reference let the flags override the requirement, so it never mattered).
-- With the match's apply_eligibility off, the match needs only year-end employment and the minimum hours.
WITH p AS (SELECT * FROM param_dc_plan),
population AS (
    SELECT e.*,
           e.termination_date IS NULL AS active_at_year_end,
           e.is_new_hire AND e.termination_date IS NOT NULL AS is_new_hire_termination,
           NOT e.is_new_hire AND e.termination_date IS NOT NULL AS is_experienced_termination,
           round((coalesce(e.termination_date, make_date(e.simulation_year, 12, 31))
                  - greatest(e.employee_hire_date, make_date(e.simulation_year, 1, 1)) + 1)
                 * 2080.0 / pa_days_in_year(e.simulation_year))::INTEGER AS annual_hours_worked
    FROM int_plan_eligibility e
    WHERE e.simulation_year = getvariable('simulation_year')
),
checks AS (
    SELECT pop.*, p.match_apply_eligibility, p.match_min_hours,
           -- match
           annual_hours_worked >= p.match_min_hours AS match_hours_ok,
           current_tenure >= p.match_min_tenure OR (is_new_hire AND p.match_allow_new_hires) AS match_tenure_ok,
           CASE WHEN p.match_require_active_eoy THEN active_at_year_end
                ELSE NOT (is_new_hire_termination AND NOT p.match_allow_nh_terminations)
                     AND NOT (is_experienced_termination AND NOT p.match_allow_exp_terminations) END AS match_status_ok,
           -- core
           annual_hours_worked >= p.core_min_hours AS core_hours_ok,
           current_tenure >= p.core_min_tenure OR (is_new_hire AND p.core_allow_new_hires) AS core_tenure_ok,
           CASE WHEN p.core_require_active_eoy THEN active_at_year_end
                ELSE NOT (is_new_hire_termination AND NOT p.core_allow_nh_terminations)
                     AND NOT (is_experienced_termination AND NOT p.core_allow_exp_terminations) END AS core_status_ok
    FROM population pop CROSS JOIN p
)
SELECT
    simulation_year,
    employee_id,
    CASE WHEN active_at_year_end THEN 'active' ELSE 'terminated' END AS employment_status,
    current_tenure,
    is_new_hire,
    annual_hours_worked,
    CASE WHEN match_apply_eligibility THEN match_hours_ok AND match_tenure_ok AND match_status_ok
         ELSE active_at_year_end AND match_hours_ok END AS eligible_for_match,
    CASE WHEN NOT match_apply_eligibility THEN
              CASE WHEN active_at_year_end AND match_hours_ok THEN 'eligible' ELSE 'simple_rule_not_met' END
         WHEN NOT match_hours_ok THEN 'insufficient_hours'
         WHEN NOT match_tenure_ok THEN 'insufficient_tenure'
         WHEN NOT match_status_ok THEN 'inactive_eoy'
         ELSE 'eligible' END AS match_eligibility_reason,
    core_hours_ok AND core_tenure_ok AND core_status_ok AS eligible_for_core,
    CASE WHEN NOT core_hours_ok THEN 'insufficient_hours'
         WHEN NOT core_tenure_ok THEN 'insufficient_tenure'
         WHEN NOT core_status_ok THEN 'inactive_eoy'
         ELSE 'eligible' END AS core_eligibility_reason
FROM checks
