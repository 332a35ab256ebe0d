-- Enrollment registry: each employee of the year's population with their enrollment state at the end
-- of the year, derived from the previous year's row (the census in the first year) and this year's
-- enrollment and opt-out events. The next year's enrollment models read it.
WITH p AS (SELECT * FROM param_dc_plan),
previous AS (
    SELECT employee_id, is_enrolled, enrollment_date, enrollment_method, ever_opted_out, opt_out_date,
           first_enrollment_year, enrollment_events_total
    FROM int_enrollment_state_accumulator
    WHERE simulation_year = getvariable('simulation_year') - 1
    UNION ALL
    SELECT b.employee_id, true, p.census_enrollment_date, 'census', false, NULL::DATE,
           year(p.census_enrollment_date), 0
    FROM int_baseline_workforce b CROSS JOIN p
    WHERE b.simulation_year = getvariable('simulation_year') AND getvariable('simulation_year') = getvariable('start_year')
      AND b.employee_deferral_rate > 0
),
events AS (
    SELECT employee_id,
           max(effective_date) FILTER (WHERE event_type = 'enrollment') AS enrolled_on,
           max(CASE event_category
                   WHEN 'auto_enrollment' THEN 'auto' WHEN 'voluntary_enrollment' THEN 'voluntary'
                   WHEN 'proactive_voluntary' THEN 'proactive' WHEN 'year_over_year_voluntary' THEN 'year_over_year'
               END) FILTER (WHERE event_type = 'enrollment') AS method,
           max(effective_date) FILTER (WHERE event_type = 'enrollment_change' AND employee_deferral_rate = 0) AS opted_out_on,
           count(*) FILTER (WHERE event_type = 'enrollment')::INTEGER AS enrollments
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year') AND event_type IN ('enrollment', 'enrollment_change')
    GROUP BY employee_id
),
population AS (
    SELECT employee_id FROM int_plan_eligibility WHERE simulation_year = getvariable('simulation_year')
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    pop.employee_id,
    CASE WHEN e.opted_out_on IS NOT NULL THEN false
         WHEN e.enrolled_on IS NOT NULL THEN true
         ELSE coalesce(prev.is_enrolled, false) END AS is_enrolled,
    coalesce(e.enrolled_on, prev.enrollment_date) AS enrollment_date,
    coalesce(e.method, prev.enrollment_method) AS enrollment_method,
    CASE WHEN e.enrolled_on IS NOT NULL THEN 'event_' || getvariable('simulation_year')
         WHEN prev.enrollment_method = 'census' AND getvariable('simulation_year') = getvariable('start_year') THEN 'census'
         WHEN prev.employee_id IS NOT NULL THEN 'carried'
         ELSE 'none' END AS enrollment_source,
    coalesce(prev.ever_opted_out, false) OR e.opted_out_on IS NOT NULL AS ever_opted_out,
    coalesce(e.opted_out_on, prev.opt_out_date) AS opt_out_date,
    coalesce(prev.first_enrollment_year, year(e.enrolled_on)) AS first_enrollment_year,
    getvariable('simulation_year') - coalesce(prev.first_enrollment_year, year(e.enrolled_on)) AS years_since_first_enrollment,
    (coalesce(prev.enrollment_events_total, 0) + coalesce(e.enrollments, 0))::INTEGER AS enrollment_events_total
FROM population pop
LEFT JOIN previous prev USING (employee_id)
LEFT JOIN events e USING (employee_id)
