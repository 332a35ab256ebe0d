-- Each employee's match ceiling of the year: the deferral rate that earns the whole match in the band
-- the match pays the employee by (the largest employee_max of its matched tiers), with service and
-- points measured as int_employee_match_calculations measures them. No row when the match is off or no
-- band holds the employee. Read by the enrollment rates (match magnet / match_optimization) and the
-- deferral match response, so both move toward the same ceiling.
WITH band_values AS (
    SELECT e.employee_id,
           CASE d.band_basis
               WHEN 'service' THEN pa_years_of_service(e.employee_hire_date, e.termination_date, e.simulation_year)
               WHEN 'points' THEN e.simulation_year - year(e.employee_birth_date)
                                  + pa_years_of_service(e.employee_hire_date, e.termination_date, e.simulation_year)
               ELSE 0 END AS band_value
    FROM int_plan_eligibility e CROSS JOIN param_match_design d
    WHERE e.simulation_year = getvariable('simulation_year') AND d.match_enabled
)
SELECT v.employee_id, max(b.employee_max) AS match_ceiling
FROM band_values v
JOIN param_match_bands b
  ON b.match_rate > 0 AND v.band_value >= b.band_min AND (b.band_max IS NULL OR v.band_value < b.band_max)
GROUP BY v.employee_id
