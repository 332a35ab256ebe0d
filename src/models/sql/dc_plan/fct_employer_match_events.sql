-- One employer-match event per employee and year with a match, dated at year end (or at termination
-- when a terminated employee is allowed the match). Not part of fct_yearly_events, as in the reference.
SELECT
    'MATCH_' || substr(md5(p.scenario_id || '_' || p.plan_design_id || '_' || m.employee_id || '_MATCH_' || m.simulation_year), 1, 24)
        AS event_id,
    p.scenario_id,
    p.plan_design_id,
    m.employee_id,
    'employer_match' AS event_type,
    m.simulation_year,
    coalesce(e.termination_date, make_date(m.simulation_year, 12, 31)) AS effective_date,
    m.employer_match_amount AS amount,
    m.employer_match_amount AS compensation_amount,
    'employer_match' AS event_category,
    json_object('formula_id', m.formula_id, 'formula_name', m.formula_name, 'formula_type', m.formula_type,
                'eligible_compensation', m.eligible_compensation, 'annual_deferrals', m.annual_deferrals,
                'deferral_rate', m.deferral_rate, 'match_amount', m.employer_match_amount)::VARCHAR AS event_payload,
    p.run_started_at AS created_at
FROM int_employee_match_calculations m
JOIN int_plan_eligibility e ON e.employee_id = m.employee_id AND e.simulation_year = m.simulation_year
CROSS JOIN param_simulation p
WHERE m.simulation_year = getvariable('simulation_year') AND m.employer_match_amount > 0
