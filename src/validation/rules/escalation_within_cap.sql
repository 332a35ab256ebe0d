-- rule: escalation_within_cap
-- severity: error
-- description: Escalations only raise a rate below the cap, never past it, never downward, and never for someone without a positive rate (R20).
SELECT employee_id, prev_employee_deferral_rate, employee_deferral_rate
FROM fct_yearly_events e
CROSS JOIN param_dc_plan p
WHERE e.simulation_year = getvariable('simulation_year') AND e.event_type = 'deferral_escalation'
  AND (e.prev_employee_deferral_rate <= 0
       OR e.prev_employee_deferral_rate >= p.escalation_cap
       OR e.employee_deferral_rate > p.escalation_cap
       OR e.employee_deferral_rate <= e.prev_employee_deferral_rate)
