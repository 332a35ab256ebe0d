-- Deferral match response (reference-plan-design.md §7): in the first simulated year only, census
-- participants (a positive census rate; hires are never in it) respond on Jan 1 to the match design.
-- With c the employee's match ceiling (int_match_ceilings; no response without one) and r the census rate:
--   up     r < c, draw u < upward_participation_rate: to c when u < participation x maximize share,
--          else part way, r + factor x (c - r) rounded to 0.5 %; never above the escalation cap nor the
--          year's 402(g) limit / pay, and never lowered by those caps (the reference could lower it)
--   down   if downward_enabled, r > c, its own draw u < downward_participation_rate: to c when u <
--          participation x reduce share, else r - factor x (r - c) rounded to 0.5 %
-- An event only where the rate changes; nobody responds on or after leaving.
WITH participants AS (
    SELECT e.employee_id, e.employee_ssn, e.simulation_year, e.current_age, e.current_tenure, e.level_id, e.age_band,
           e.tenure_band, b.employee_deferral_rate AS rate, c.match_ceiling AS ceiling,
           make_date(e.simulation_year, 1, 1) AS response_date,
           pa_uniform(draws.match_response_up) AS up_draw,
           pa_uniform(draws.match_response_down) AS down_draw,
           least(p.escalation_cap, lim.base_limit / nullif(e.compensation, 0)) AS up_cap
    FROM int_plan_eligibility e
    JOIN int_baseline_workforce b USING (employee_id, simulation_year)
    JOIN int_match_ceilings c USING (employee_id)
    JOIN int_random_draws draws USING (employee_id)
    JOIN param_irs_limits lim USING (simulation_year)
    CROSS JOIN param_dc_plan p
    WHERE e.simulation_year = getvariable('simulation_year') AND e.simulation_year = getvariable('start_year')
      AND p.response_enabled AND b.employee_deferral_rate > 0
      AND (e.termination_date IS NULL OR e.termination_date > make_date(e.simulation_year, 1, 1))
),
responses AS (
    SELECT pa.*,
           CASE WHEN rate < ceiling AND up_draw < p.response_up_participation
                THEN greatest(rate, least(up_cap,
                         CASE WHEN up_draw < p.response_up_participation * p.response_up_maximize THEN ceiling
                              ELSE round((rate + p.response_up_factor * (ceiling - rate)) * 200) * 0.005 END))
                WHEN rate > ceiling AND p.response_down_enabled AND down_draw < p.response_down_participation
                THEN CASE WHEN down_draw < p.response_down_participation * p.response_down_reduce THEN ceiling
                          ELSE round((rate - p.response_down_factor * (rate - ceiling)) * 200) * 0.005 END
           END AS new_rate,
           CASE WHEN rate < ceiling THEN p.response_up_participation ELSE p.response_down_participation END AS probability
    FROM participants pa CROSS JOIN param_dc_plan p
)
SELECT
    employee_id, employee_ssn,
    'deferral_match_response' AS event_type,
    simulation_year,
    response_date AS effective_date,
    'Deferral match response: ' || round(rate * 100, 2) || '% -> ' || round(new_rate * 100, 2)
        || '% (match ceiling ' || round(ceiling * 100, 2) || '%)' AS event_details,
    NULL::DECIMAL(18,2) AS compensation_amount,
    NULL::DECIMAL(18,2) AS previous_compensation,
    new_rate::DECIMAL(7,5) AS employee_deferral_rate,
    rate::DECIMAL(7,5) AS prev_employee_deferral_rate,
    current_age AS employee_age, current_tenure AS employee_tenure, level_id, age_band, tenure_band,
    probability::DOUBLE AS event_probability,
    'match_response' AS event_category
FROM responses
WHERE new_rate::DECIMAL(7,5) <> rate::DECIMAL(7,5)
