-- Vesting service and the vested share of each employer source (issue 14; reference-plan-design.md
-- §9, whose defects §9.4 this fixes: service by hours, a schedule per source, safe-harbor money).
-- Population: the year's DC-plan population (actives and the year's leavers). Service runs to Dec 31,
-- or to the termination date for a leaver:
--   elapsed_time  whole years from the hire date (Treas. Reg. 1.410(a)-7)
--   hours         the previous year's years, plus 1 when this year's hours reach 1,000 (a leaver's
--                 hours to the termination date); the census holds no hours history, so the years
--                 before the first simulated year are counted by elapsed time to the Dec 31 before it
-- Vested: the source's fraction at those years (param_vesting_schedules: a safe-harbor match is
-- already immediate there, a qaca one at most a 2-year cliff), or 100 % from the normal retirement
-- age (reached by Dec 31 or by the termination date).
WITH v AS (SELECT * FROM param_vesting),
service AS (
    SELECT e.simulation_year, e.employee_id,
           datesub('year', e.employee_birth_date,
                   coalesce(e.termination_date, pa_year_end(e.simulation_year))) >= v.normal_retirement_age AS at_retirement_age,
           CASE WHEN v.service_method = 'hours'
                THEN coalesce(prev.vesting_service_years,
                              pa_years_of_service(e.employee_hire_date, NULL, getvariable('simulation_year') - 1))
                     + (h.annual_hours_worked >= v.hours_per_service_year)::INTEGER
                ELSE pa_years_of_service(e.employee_hire_date, e.termination_date, e.simulation_year)
           END::INTEGER AS vesting_service_years
    FROM int_plan_eligibility e
    CROSS JOIN v
    JOIN int_employer_eligibility h
      ON h.employee_id = e.employee_id AND h.simulation_year = e.simulation_year
    LEFT JOIN int_vesting_service prev
      ON prev.employee_id = e.employee_id AND prev.simulation_year = getvariable('simulation_year') - 1
    WHERE e.simulation_year = getvariable('simulation_year')
)
SELECT
    s.employee_id,
    s.simulation_year,
    s.vesting_service_years,
    CASE WHEN s.at_retirement_age THEN 1 ELSE m.vested_fraction END::DECIMAL(7,4) AS match_vested_percent,
    CASE WHEN s.at_retirement_age THEN 1 ELSE c.vested_fraction END::DECIMAL(7,4) AS core_vested_percent
FROM service s
JOIN param_vesting_schedules m
  ON m.source = 'match' AND s.vesting_service_years >= m.service_years
 AND (m.service_years_end IS NULL OR s.vesting_service_years < m.service_years_end)
JOIN param_vesting_schedules c
  ON c.source = 'core' AND s.vesting_service_years >= c.service_years
 AND (c.service_years_end IS NULL OR s.vesting_service_years < c.service_years_end)
