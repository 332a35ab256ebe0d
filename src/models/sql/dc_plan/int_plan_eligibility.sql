-- The year's DC-plan population (everyone employed at some point of the year: the start-of-year
-- population and the year's hires) with plan eligibility, evaluated anew every year (no events), so
-- whoever reaches the minimum age or the end of the waiting period in a later year, or a hire whose
-- wait runs past Dec 31, becomes eligible in that year (the reference's P13).
--   requirements met  max(hire date + waiting period, the day the employee reaches the minimum age)
--   entry date        that day, or with entry periods of 1, 3 or 6 months the first day of a period on
--                     or after it (a Dec 10 with quarterly entry enters on Jan 1 of the next year)
--   excluded          a census eligibility_override = false, or a simulated hire drawn plan-ineligible
--                     (new_hire_ineligible_pct, or the census share of overrides with
--                     new_hire_eligibility_match_census), drawn in the hire year; in later years the
--                     previous year's snapshot status ('ineligible' for a hire only by that draw) carries
--                     it. Excluded employees never enroll and get no employer money
--                     (int_employer_eligibility reads is_plan_ineligible_override).
-- Eligible in the year: not excluded, and the entry date no later than Dec 31 and the termination.
-- The reason names the first requirement not met by then (eligible, eligibility_override,
-- new_hire_ineligible, minimum_age, waiting_period, entry_date).
WITH terminations AS (
    SELECT employee_id, effective_date AS termination_date FROM int_termination_events
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, effective_date FROM int_new_hire_termination_events
    WHERE simulation_year = getvariable('simulation_year')
),
census_share AS (
    -- Over every census row, as the reference counts it (a blank counts as eligible).
    SELECT coalesce(count(*) FILTER (WHERE eligibility_override = false) / nullif(count(*), 0), 0) AS ineligible_share
    FROM stg_census_data
),
population AS (
    SELECT employee_id, employee_ssn, employee_birth_date, employee_hire_date, employee_compensation AS compensation,
           current_age, current_tenure, level_id, age_band, tenure_band, rng_key, false AS is_new_hire
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
    UNION ALL
    SELECT employee_id, employee_ssn, employee_birth_date, effective_date, compensation_amount,
           employee_age, 0, level_id, age_band, tenure_band, pa_key(employee_id), true
    FROM int_hiring_events
    WHERE simulation_year = getvariable('simulation_year')
),
dated AS (
    SELECT pop.*, t.termination_date, p.waiting_period_days, p.entry_period_months,
           least(coalesce(t.termination_date, make_date(getvariable('simulation_year'), 12, 31)),
                 make_date(getvariable('simulation_year'), 12, 31)) AS last_day,
           (pop.employee_birth_date + to_years(p.minimum_age))::DATE AS age_met_date,
           pop.employee_hire_date + p.waiting_period_days AS service_met_date,
           coalesce(c.eligibility_override = false, false) AS census_excluded,
           CASE WHEN pop.is_new_hire THEN
                    pa_uniform(d.new_hire_eligibility)
                        < CASE WHEN p.new_hire_eligibility_match_census THEN s.ineligible_share ELSE p.new_hire_ineligible_pct END
                WHEN c.employee_id IS NULL THEN coalesce(prev.current_eligibility_status = 'ineligible', false)
                ELSE false END AS new_hire_excluded
    FROM population pop
    CROSS JOIN param_dc_plan p
    CROSS JOIN census_share s
    LEFT JOIN terminations t USING (employee_id)
    LEFT JOIN stg_census_data c USING (employee_id)
    LEFT JOIN int_random_draws d USING (employee_id)
    LEFT JOIN fct_workforce_snapshot prev
           ON prev.employee_id = pop.employee_id AND prev.simulation_year = getvariable('simulation_year') - 1
),
met AS (
    SELECT *, greatest(service_met_date, age_met_date) AS eligibility_date
    FROM dated
),
entered AS (
    SELECT m.*,
           CASE WHEN entry_period_months = 0 THEN eligibility_date
                ELSE (make_date(year(eligibility_date - 1),
                                (month(eligibility_date - 1) - 1) // entry_period_months * entry_period_months + 1,
                                1)
                      + to_months(entry_period_months))::DATE END AS entry_date,
           census_excluded OR new_hire_excluded AS excluded
    FROM met m
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    employee_id, employee_ssn, employee_birth_date, employee_hire_date, termination_date,
    is_new_hire, compensation, current_age, current_tenure, level_id, age_band, tenure_band, rng_key,
    eligibility_date,
    waiting_period_days,
    NOT excluded AND entry_date <= last_day AS is_eligible,
    -- The first day an enrollment can take effect this year: entry, or Jan 1 for those who entered before.
    greatest(entry_date, make_date(getvariable('simulation_year'), 1, 1)) AS enrollment_window_start,
    entry_date,
    excluded AS is_plan_ineligible_override,
    CASE WHEN excluded THEN 'ineligible' WHEN entry_date <= last_day THEN 'eligible' ELSE 'pending' END AS eligibility_status,
    CASE WHEN census_excluded THEN 'eligibility_override'
         WHEN new_hire_excluded THEN 'new_hire_ineligible'
         WHEN age_met_date > last_day THEN 'minimum_age'
         WHEN service_met_date > last_day THEN 'waiting_period'
         WHEN entry_date > last_day THEN 'entry_date'
         ELSE 'eligible' END AS eligibility_reason
FROM entered
