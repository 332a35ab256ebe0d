-- rule: accepted_values
-- severity: error
-- description: Event types, levels, employment status and status codes take their documented values (R8).
SELECT employee_id, 'event_type' AS column_name, event_type AS value
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year')
  AND event_type NOT IN ('termination', 'promotion', 'hire', 'raise', 'enrollment', 'enrollment_change', 'deferral_match_response',
                         'deferral_escalation')
UNION ALL
SELECT employee_id, 'level_id', level_id::VARCHAR
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year') AND level_id NOT IN (SELECT level_id FROM param_job_levels)
UNION ALL
SELECT employee_id, 'employment_status', employment_status
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year') AND employment_status NOT IN ('active', 'terminated')
UNION ALL
SELECT employee_id, 'detailed_status_code', detailed_status_code
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year')
  AND detailed_status_code NOT IN ('new_hire_active', 'new_hire_termination', 'continuous_active', 'experienced_termination')
