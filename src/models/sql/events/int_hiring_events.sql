-- New hires (reference-simulation.md §3.2): each level's quota exploded into numbered hires, level 1
-- first. Id NH_<year>_<seq>, age that of slot seq % slots of param_new_hire_ages (by default cycling
-- 25/28/32/35/40; new_hire.age_distribution, src/params/new-hire.ts), hire dates cycling through the year, pay
-- = the level's new-hire centre x (0.90 ... 1.08 by sequence), rounded to cents. Closed-form: no draw.
-- A hire of age a in year Y is born on Dec 31 of Y-1-a, so the census rule age = (Y-1) - birth year
-- gives a in Y and a+1 in Y+1, like the age carried in the snapshot (the reference's birth date,
-- Jan 1 of Y minus a x 365 days, falls in year Y-a, which that rule reads as a-1).
WITH quota AS (
    SELECT level_id, unnest(generate_series(1, hires_needed)) AS level_slot
    FROM int_workforce_needs_by_level
    WHERE simulation_year = getvariable('simulation_year') AND hires_needed > 0
),
numbered AS (
    SELECT level_id, row_number() OVER (ORDER BY level_id, level_slot) AS seq FROM quota
),
hires AS (
    SELECT n.level_id, n.seq, a.age,
           round(ep.new_hire_avg_compensation * (0.9 + (n.seq % 10) * 0.02), 2)::DECIMAL(18,2) AS salary
    FROM numbered n
    JOIN int_effective_parameters ep
      ON ep.level_id = n.level_id AND ep.simulation_year = getvariable('simulation_year')
    JOIN param_new_hire_ages a ON a.slot = n.seq % (SELECT count(*) FROM param_new_hire_ages)
)
SELECT
    printf('NH_%d_%06d', getvariable('simulation_year'), seq) AS employee_id,
    printf('SSN-%09d', 900000000 + (getvariable('simulation_year') - getvariable('start_year')) * 1000000 + seq)
        AS employee_ssn,
    'hire' AS event_type,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    (make_date(getvariable('simulation_year'), 1, 1) + (seq % 365)::INTEGER) AS effective_date,
    'New hire - Level ' || level_id || ' employee at $' || salary::VARCHAR || ' annual compensation' AS event_details,
    salary AS compensation_amount,
    NULL::DECIMAL(18,2) AS previous_compensation,
    NULL::DECIMAL(7,5) AS employee_deferral_rate,
    NULL::DECIMAL(7,5) AS prev_employee_deferral_rate,
    age::INTEGER AS employee_age,
    0 AS employee_tenure,
    level_id::INTEGER AS level_id,
    pa_band(age, bl.age_min_values, bl.age_labels) AS age_band,
    pa_band(0, bl.tenure_min_values, bl.tenure_labels) AS tenure_band,
    1.0::DOUBLE AS event_probability,
    'hire' AS event_category,
    make_date(getvariable('simulation_year')::INTEGER - 1 - age, 12, 31) AS employee_birth_date,
    seq AS hire_sequence_num
FROM hires
CROSS JOIN param_band_lookup bl
