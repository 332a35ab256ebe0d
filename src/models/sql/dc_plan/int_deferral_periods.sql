-- The year's deferral periods: each overlap of a salary period (int_compensation_periods) and a period of
-- one deferral rate (the start-of-year rate, then each enrollment, match response, escalation and opt-out
-- from its date). The contributions sum the deferrals over them; the match computes the per-period
-- match (and so the year-end true-up) over them.
WITH rate_changes AS (
    SELECT employee_id, make_date(getvariable('simulation_year'), 1, 1) AS rate_start, start_of_year_deferral_rate AS rate, 0 AS change_order
    FROM int_deferral_rate_state_accumulator
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, effective_date, employee_deferral_rate, event_sequence
    FROM fct_yearly_events
    WHERE simulation_year = getvariable('simulation_year')
      AND event_type IN ('enrollment', 'enrollment_change', 'deferral_match_response', 'deferral_escalation')
),
rate_periods AS (
    SELECT employee_id, rate_start, rate,
           coalesce(lead(rate_start) OVER (PARTITION BY employee_id ORDER BY rate_start, change_order) - 1,
                    make_date(getvariable('simulation_year'), 12, 31)) AS rate_end
    FROM rate_changes
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    s.employee_id,
    greatest(s.period_start, r.rate_start) AS period_start,
    least(s.period_end, r.rate_end) AS period_end,
    s.salary,
    r.rate AS deferral_rate
FROM int_compensation_periods s
JOIN rate_periods r
  ON r.employee_id = s.employee_id AND r.rate_start <= s.period_end AND r.rate_end >= s.period_start
 AND r.rate_end >= r.rate_start
WHERE s.simulation_year = getvariable('simulation_year')
