-- Deferral-rate registry: each employee's deferral rate at the end of the year, derived from the
-- previous year's rate (the census rate in the first year) and this year's rate-changing events in
-- date order: an enrollment or a match response sets its rate, an escalation raises it, an opt-out sets 0 (defect D1: new
-- enrollments enter the state with their own rate).
WITH p AS (SELECT * FROM param_dc_plan),
previous AS (
    SELECT employee_id, current_deferral_rate, original_deferral_rate, escalations_received, last_escalation_date,
           total_escalation_amount, employee_enrollment_date
    FROM int_deferral_rate_state_accumulator
    WHERE simulation_year = getvariable('simulation_year') - 1
    UNION ALL
    SELECT b.employee_id, b.employee_deferral_rate, b.employee_deferral_rate, 0, NULL::DATE, 0, p.census_enrollment_date
    FROM int_baseline_workforce b CROSS JOIN p
    WHERE b.simulation_year = getvariable('simulation_year') AND getvariable('simulation_year') = getvariable('start_year')
      AND b.employee_deferral_rate > 0
),
changes AS (
    SELECT employee_id, effective_date, event_type, employee_deferral_rate, prev_employee_deferral_rate,
           -- the date, then the event's place in the year (an employee has far fewer than 1000 events a
           -- year): one integer, cheaper to compare than the pair
           (effective_date - DATE '1970-01-01') * 1000 + event_sequence AS event_order
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year')
      AND event_type IN ('enrollment', 'enrollment_change', 'deferral_match_response', 'deferral_escalation')
),
summary AS (
    SELECT employee_id,
           arg_max(employee_deferral_rate, event_order) AS last_rate,
           arg_max(event_type, event_order) AS last_change,
           min(employee_deferral_rate) FILTER (WHERE event_type = 'enrollment') AS enrolled_rate,
           max(effective_date) FILTER (WHERE event_type = 'enrollment') AS enrolled_on,
           count(*) FILTER (WHERE event_type = 'deferral_escalation')::INTEGER AS escalations,
           max(effective_date) FILTER (WHERE event_type = 'deferral_escalation') AS escalated_on,
           coalesce(sum(employee_deferral_rate - prev_employee_deferral_rate) FILTER (WHERE event_type = 'deferral_escalation'), 0)
               AS escalated_by
    FROM changes
    GROUP BY employee_id
),
population AS (
    SELECT employee_id FROM int_plan_eligibility WHERE simulation_year = getvariable('simulation_year')
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    pop.employee_id,
    coalesce(s.last_rate, prev.current_deferral_rate, 0)::DECIMAL(7,5) AS current_deferral_rate,
    coalesce(prev.current_deferral_rate, 0)::DECIMAL(7,5) AS start_of_year_deferral_rate,
    coalesce(prev.original_deferral_rate, s.enrolled_rate)::DECIMAL(7,5) AS original_deferral_rate,
    (coalesce(prev.escalations_received, 0) + coalesce(s.escalations, 0))::INTEGER AS escalations_received,
    coalesce(s.escalated_on, prev.last_escalation_date) AS last_escalation_date,
    (coalesce(prev.total_escalation_amount, 0) + coalesce(s.escalated_by, 0))::DECIMAL(7,5) AS total_escalation_amount,
    coalesce(s.last_rate, prev.current_deferral_rate, 0) > 0 AS is_enrolled_flag,
    coalesce(s.enrolled_on, prev.employee_enrollment_date) AS employee_enrollment_date,
    CASE WHEN s.last_change = 'enrollment_change' THEN 'opt_out'
         WHEN s.last_change = 'deferral_escalation' THEN 'escalation_event'
         WHEN s.last_change = 'deferral_match_response' THEN 'match_response'
         WHEN s.last_change = 'enrollment' THEN 'enrollment_event'
         WHEN prev.employee_id IS NOT NULL AND getvariable('simulation_year') = getvariable('start_year') THEN 'census'
         WHEN prev.employee_id IS NOT NULL THEN 'carried'
         ELSE 'none' END AS rate_source
FROM population pop
LEFT JOIN previous prev USING (employee_id)
LEFT JOIN summary s USING (employee_id)
