-- rule: required_values
-- severity: error
-- description: Key event and snapshot columns are never NULL (R9).
SELECT employee_id, 'fct_yearly_events' AS table_name, event_type AS detail
FROM fct_yearly_events
WHERE simulation_year = getvariable('simulation_year')
  AND (employee_id IS NULL OR employee_ssn IS NULL OR event_type IS NULL OR effective_date IS NULL
       OR employee_age IS NULL OR level_id IS NULL OR event_sequence IS NULL)
UNION ALL
SELECT employee_id, 'fct_workforce_snapshot', employment_status
FROM fct_workforce_snapshot
WHERE simulation_year = getvariable('simulation_year')
  AND (employee_id IS NULL OR employee_ssn IS NULL OR current_compensation IS NULL OR current_age IS NULL
       OR current_tenure IS NULL OR level_id IS NULL OR employment_status IS NULL
       OR detailed_status_code IS NULL OR compensation_quality_flag IS NULL)
