-- Who qualifies for the employer match and the core contribution this year, each by its own
-- eligibility block (reference-simulation.md §3.10-§3.11, reference-plan-design.md §2.3, §4.2-§4.3;
-- docs/DECISIONS.md, "Employer-money eligibility"). Each block, in the order the reason names them:
--   plan       no employer money for whom the plan excludes (int_plan_eligibility's override)
--   hours      hours worked in the year >= minimum_hours_annual; hours = days employed x scheduled
--              hours a week x 52 / days in the year, rounded (the census scheduled_hours_per_week,
--              40 when empty; simulated hires 20 when drawn part-time, else 40)
--   service    minimum_tenure_years years of service, or a new hire when new hires are allowed, and
--              waiting_period_days from the hire date by the last day employed. A year of service is
--              a whole year of tenure, or, when the run has hours data (a census schedule or
--              part-time hires), a computation period with the minimum hours: the 12 months from
--              hire, then every plan year from the one holding the first anniversary, both counting
--              when they overlap. The years then meet the requirement at the end of the period that
--              completes them, and the money starts at entry, the earlier of the next Jan 1 and six
--              months later: in this year only if that falls by the last day employed.
--   age        minimum_age reached by the last day employed (no minimum when null)
--   status     with require_active_at_year_end, active at year end (every leaver is out, whatever the
--              allow_* flags say; the config loader warns about that contradiction); without it,
--              leavers of the kinds the allow_* flags allow
-- With the match's apply_eligibility off, the match needs only the plan, year-end employment and the
-- minimum hours. Schedules are constant and employment continuous, so every computation period
-- before this year is whole (schedule x 52 hours): the years of service are derived from the hire
-- date and the schedule, not carried.
-- Explicit columns, and param_dc_plan (over a hundred) joined rather than selected whole: every column
-- carried through the steps below is bound again at each one.
WITH population AS (
    SELECT e.simulation_year, e.employee_id, e.employee_birth_date, e.employee_hire_date, e.is_new_hire,
           e.current_tenure, e.is_plan_ineligible_override,
           least(coalesce(e.termination_date, make_date(e.simulation_year, 12, 31)),
                 make_date(e.simulation_year, 12, 31)) AS last_day,
           e.termination_date IS NULL AS active_at_year_end,
           e.is_new_hire AND e.termination_date IS NOT NULL AS is_new_hire_termination,
           NOT e.is_new_hire AND e.termination_date IS NOT NULL AS is_experienced_termination,
           -- A simulated hire's schedule is drawn in the hire year and carried by the snapshot. A
           -- snapshot without one (a year imported from the reference engine, which keeps none) means
           -- full time, as an empty census value does.
           CASE WHEN e.is_new_hire THEN CASE WHEN pa_uniform(d.part_time_hire) < p.part_time_new_hire_pct THEN 20 ELSE 40 END
                WHEN c.employee_id IS NOT NULL THEN coalesce(c.scheduled_hours_per_week, 40)
                ELSE coalesce(s.scheduled_hours_per_week, 40) END::DECIMAL(5,2) AS scheduled_hours_per_week,
           -- The last day of the initial computation period (hire to the day before its anniversary).
           (e.employee_hire_date + INTERVAL 1 YEAR)::DATE - 1 AS iecp_end
    FROM int_plan_eligibility e
    CROSS JOIN param_dc_plan p
    LEFT JOIN stg_census_data c USING (employee_id)
    LEFT JOIN int_random_draws d USING (employee_id)
    LEFT JOIN fct_workforce_snapshot s
      ON s.employee_id = e.employee_id AND s.simulation_year = getvariable('simulation_year') - 1
    WHERE e.simulation_year = getvariable('simulation_year')
),
hours AS (
    SELECT pop.*,
           -- Exact integer rounding on hundredths of an hour a week.
           pa_round_ratio((last_day - greatest(employee_hire_date, make_date(simulation_year, 1, 1)) + 1)::BIGINT
                          * (scheduled_hours_per_week * 100)::BIGINT * 52,
                          pa_days_in_year(simulation_year) * 100)::INTEGER AS annual_hours_worked,
           pa_round_ratio((scheduled_hours_per_week * 100)::BIGINT * 52, 100)::INTEGER AS whole_period_hours,
           -- The initial period ending this year: its share of days employed, at the schedule.
           CASE WHEN year(iecp_end) = simulation_year THEN
                pa_round_ratio((least(last_day, iecp_end) - employee_hire_date + 1)::BIGINT
                               * (scheduled_hours_per_week * 100)::BIGINT * 52,
                               (iecp_end - employee_hire_date + 1)::BIGINT * 100)::INTEGER END AS iecp_hours,
           -- Whole periods before this year: the initial one, and the plan years after the hire year.
           (year(iecp_end) < simulation_year)::INTEGER
               + greatest(0, simulation_year - 1 - year(employee_hire_date)) AS periods_before,
           year(employee_hire_date) < simulation_year AS plan_year_counts,
           -- Entry after the initial period completes (the only one that can end before Dec 31).
           least(make_date(simulation_year + 1, 1, 1), (iecp_end + INTERVAL 6 MONTH)::DATE) AS iecp_entry
    FROM population pop
),
service AS (
    SELECT h.*,
           p.part_time_new_hire_pct > 0
               OR EXISTS (SELECT 1 FROM stg_census_data WHERE scheduled_hours_per_week IS NOT NULL) AS by_periods,
           p.match_apply_eligibility,
           p.match_min_hours, p.match_min_tenure, p.match_allow_new_hires, p.match_waiting_days, p.match_min_age,
           p.match_require_active_eoy, p.match_allow_nh_terminations, p.match_allow_exp_terminations,
           p.core_min_hours, p.core_min_tenure, p.core_allow_new_hires, p.core_waiting_days, p.core_min_age,
           p.core_require_active_eoy, p.core_allow_nh_terminations, p.core_allow_exp_terminations,
           -- match: years of service before this year and credited this year
           CASE WHEN whole_period_hours >= p.match_min_hours THEN periods_before ELSE 0 END AS match_years_before,
           coalesce(iecp_hours >= p.match_min_hours, false) AS match_iecp_credit,
           plan_year_counts AND annual_hours_worked >= p.match_min_hours AS match_plan_year_credit,
           -- core: the same with its own minimum hours
           CASE WHEN whole_period_hours >= p.core_min_hours THEN periods_before ELSE 0 END AS core_years_before,
           coalesce(iecp_hours >= p.core_min_hours, false) AS core_iecp_credit,
           plan_year_counts AND annual_hours_worked >= p.core_min_hours AS core_plan_year_credit
    FROM hours h CROSS JOIN param_dc_plan p
),
checks AS (
    SELECT *,
           -- match
           CASE WHEN by_periods THEN match_years_before + match_iecp_credit::INTEGER + match_plan_year_credit::INTEGER
                ELSE current_tenure END::INTEGER AS match_years_of_service,
           annual_hours_worked >= match_min_hours AS match_hours_ok,
           (CASE WHEN by_periods
                 THEN match_years_before >= match_min_tenure
                      OR (match_iecp_credit AND match_years_before + 1 >= match_min_tenure AND iecp_entry <= last_day)
                 ELSE current_tenure >= match_min_tenure END
            OR (is_new_hire AND match_allow_new_hires))
           AND employee_hire_date + match_waiting_days <= last_day AS match_tenure_ok,
           coalesce((employee_birth_date + to_years(match_min_age))::DATE <= last_day, true) AS match_age_ok,
           CASE WHEN match_require_active_eoy THEN active_at_year_end
                ELSE NOT (is_new_hire_termination AND NOT match_allow_nh_terminations)
                     AND NOT (is_experienced_termination AND NOT match_allow_exp_terminations) END AS match_status_ok,
           -- core
           CASE WHEN by_periods THEN core_years_before + core_iecp_credit::INTEGER + core_plan_year_credit::INTEGER
                ELSE current_tenure END::INTEGER AS core_years_of_service,
           annual_hours_worked >= core_min_hours AS core_hours_ok,
           (CASE WHEN by_periods
                 THEN core_years_before >= core_min_tenure
                      OR (core_iecp_credit AND core_years_before + 1 >= core_min_tenure AND iecp_entry <= last_day)
                 ELSE current_tenure >= core_min_tenure END
            OR (is_new_hire AND core_allow_new_hires))
           AND employee_hire_date + core_waiting_days <= last_day AS core_tenure_ok,
           coalesce((employee_birth_date + to_years(core_min_age))::DATE <= last_day, true) AS core_age_ok,
           CASE WHEN core_require_active_eoy THEN active_at_year_end
                ELSE NOT (is_new_hire_termination AND NOT core_allow_nh_terminations)
                     AND NOT (is_experienced_termination AND NOT core_allow_exp_terminations) END AS core_status_ok
    FROM service
)
SELECT
    simulation_year,
    employee_id,
    CASE WHEN active_at_year_end THEN 'active' ELSE 'terminated' END AS employment_status,
    current_tenure,
    is_new_hire,
    annual_hours_worked,
    NOT is_plan_ineligible_override AND CASE
        WHEN match_apply_eligibility THEN match_hours_ok AND match_tenure_ok AND match_age_ok AND match_status_ok
        ELSE active_at_year_end AND match_hours_ok END AS eligible_for_match,
    CASE WHEN is_plan_ineligible_override THEN 'plan_ineligible'
         WHEN NOT match_apply_eligibility THEN
              CASE WHEN active_at_year_end AND match_hours_ok THEN 'eligible' ELSE 'simple_rule_not_met' END
         WHEN NOT match_hours_ok THEN 'insufficient_hours'
         WHEN NOT match_tenure_ok THEN 'insufficient_tenure'
         WHEN NOT match_age_ok THEN 'under_age'
         WHEN NOT match_status_ok THEN 'inactive_eoy'
         ELSE 'eligible' END AS match_eligibility_reason,
    NOT is_plan_ineligible_override AND core_hours_ok AND core_tenure_ok AND core_age_ok AND core_status_ok
        AS eligible_for_core,
    CASE WHEN is_plan_ineligible_override THEN 'plan_ineligible'
         WHEN NOT core_hours_ok THEN 'insufficient_hours'
         WHEN NOT core_tenure_ok THEN 'insufficient_tenure'
         WHEN NOT core_age_ok THEN 'under_age'
         WHEN NOT core_status_ok THEN 'inactive_eoy'
         ELSE 'eligible' END AS core_eligibility_reason,
    scheduled_hours_per_week,
    match_years_of_service,
    core_years_of_service,
    -- The match's eligibility conditions (service, waiting period, age) without its allocation conditions
    -- (hours, active on Dec 31): who the ACP counts as eligible, at 0 % when an allocation condition fails.
    NOT is_plan_ineligible_override AND (NOT match_apply_eligibility OR (match_tenure_ok AND match_age_ok))
        AS match_eligibility_met
FROM checks
