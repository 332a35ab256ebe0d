-- The year's immutable event log (reference-simulation.md §5.1). Event ids are content hashes, so the
-- same inputs give the same ids; event_sequence orders an employee's events within the year.
WITH events AS (
    SELECT employee_id, employee_ssn, event_type, simulation_year, effective_date, event_details,
           compensation_amount, previous_compensation, employee_deferral_rate, prev_employee_deferral_rate,
           employee_age, employee_tenure, level_id, age_band, tenure_band, event_probability, event_category
    FROM int_termination_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT employee_id, employee_ssn, event_type, simulation_year, effective_date, event_details,
           compensation_amount, previous_compensation, employee_deferral_rate, prev_employee_deferral_rate,
           employee_age, employee_tenure, level_id, age_band, tenure_band, event_probability, event_category
    FROM int_hiring_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT * FROM int_new_hire_termination_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT * FROM int_promotion_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT * FROM int_merit_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT * FROM int_enrollment_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT * FROM int_deferral_match_response_events WHERE simulation_year = getvariable('simulation_year')
    UNION ALL BY NAME
    SELECT * FROM int_deferral_escalation_events WHERE simulation_year = getvariable('simulation_year')
),
-- numbered before param_simulation's columns join: the window sorts every column it carries
sequenced AS (
    SELECT *,
           row_number() OVER (
               PARTITION BY employee_id
               ORDER BY CASE event_type
                            WHEN 'termination' THEN 1 WHEN 'hire' THEN 2 WHEN 'eligibility' THEN 3
                            WHEN 'enrollment' THEN 4 WHEN 'enrollment_change' THEN 5
                            WHEN 'deferral_match_response' THEN 6 WHEN 'deferral_escalation' THEN 7
                            WHEN 'promotion' THEN 8 WHEN 'raise' THEN 9
                            ELSE 10 END,
                        effective_date, event_type
           )::INTEGER AS event_sequence
    FROM events
)
SELECT
    -- one concat_ws, not a chain of ||, each of which copies the string so far; the parts are NOT
    -- NULL columns (schema.sql), so both join the same text
    'EVT_' || substr(md5(concat_ws('_', p.scenario_id, p.plan_design_id, e.employee_id, e.simulation_year, e.event_type,
                                   e.effective_date, coalesce(e.compensation_amount::VARCHAR, 'NULL'))), 1, 24) AS event_id,
    p.scenario_id,
    p.plan_design_id,
    e.employee_id,
    e.employee_ssn,
    e.event_type,
    e.simulation_year,
    e.effective_date,
    e.event_details,
    e.compensation_amount,
    e.previous_compensation,
    e.employee_deferral_rate,
    e.prev_employee_deferral_rate,
    e.employee_age,
    e.employee_tenure,
    e.level_id,
    e.age_band,
    e.tenure_band,
    e.event_probability,
    e.event_category,
    e.event_sequence,
    p.run_started_at AS created_at,
    p.scenario_id AS parameter_scenario_id,
    'planalign_sql' AS parameter_source,
    'VALID' AS data_quality_flag
FROM sequenced e
CROSS JOIN param_simulation p
