-- Promotions (reference-simulation.md §3.4), effective Feb 1, one level up. Hazard = base rate x age
-- multiplier x tenure multiplier x level dampener, from the seeds; promoted iff the seeded draw is
-- below it. Eligible: active at the start of the year, level < 5, tenure >= 1, age < 65, still
-- employed on Feb 1 (defect D4). The raise percentage draw includes the year (defect D17). The
-- promotion applies to the pay in force on Feb 1: when a merit raise came earlier in the year, on
-- top of it (defect D3: raises and promotions compound in date order).
WITH pop AS (
    SELECT c.*, make_date(c.simulation_year, 2, 1) AS promotion_date, t.effective_date AS termination_date,
           pa_uniform(draws.promotion) AS promotion_draw,
           pa_uniform(draws.promotion_pct) AS pct_draw,
           pa_uniform(draws.promotion_pct_2) AS pct_2_draw
    FROM int_employee_compensation_by_year c
    JOIN int_random_draws draws USING (employee_id)
    LEFT JOIN int_termination_events t
      ON t.employee_id = c.employee_id AND t.simulation_year = c.simulation_year
    WHERE c.simulation_year = getvariable('simulation_year')
      AND c.level_id < 5 AND c.current_tenure >= 1 AND c.current_age < 65
),
hazard AS (
    -- compensation.promotion_rate_multiplier (1 when absent) scales the hazard, capped at certainty.
    SELECT pop.*,
           least(1.0, h.base_rate * am.multiplier * tm.multiplier
               * greatest(0, 1 - h.level_dampener_factor * (pop.level_id - 1)) * p.promotion_rate_multiplier) AS promotion_rate
    FROM pop
    CROSS JOIN param_promotion_hazard h
    CROSS JOIN param_simulation p
    JOIN param_promotion_age_multipliers am ON am.age_band = pop.age_band
    JOIN param_promotion_tenure_multipliers tm ON tm.tenure_band = pop.tenure_band
    WHERE pop.termination_date IS NULL OR pop.promotion_date < pop.termination_date
),
chosen AS (
    SELECT * FROM hazard WHERE promotion_draw < promotion_rate
),
promoted AS (
    SELECT chosen.*,
           CASE WHEN ms.raise_date < chosen.promotion_date
                THEN pa_merit_salary(chosen.employee_compensation, ms.raise_rate)
                ELSE chosen.employee_compensation END AS pay_before,
           coalesce(lo.base_increase_pct, p.promotion_base_increase_pct) AS base_pct,
           CASE p.promotion_distribution_type
               WHEN 'deterministic' THEN coalesce(lo.base_increase_pct, p.promotion_base_increase_pct)
               WHEN 'normal' THEN coalesce(lo.base_increase_pct, p.promotion_base_increase_pct)
                   + sqrt(-2 * ln(1 - chosen.pct_draw)) * cos(2 * pi() * chosen.pct_2_draw) * p.promotion_normal_std_dev
               ELSE coalesce(lo.base_increase_pct, p.promotion_base_increase_pct)
                   + (chosen.pct_draw - 0.5) * 2 * p.promotion_distribution_range
           END AS increase_pct,
           p.promotion_max_cap_pct, p.promotion_max_cap_amount
    FROM chosen
    CROSS JOIN param_simulation p
    LEFT JOIN param_promotion_level_overrides lo ON lo.level_id = chosen.level_id
    LEFT JOIN int_merit_schedule ms
      ON ms.employee_id = chosen.employee_id AND ms.simulation_year = chosen.simulation_year
),
priced AS (
    SELECT *,
        round(least(pay_before * (1 + promotion_max_cap_pct),
                    pay_before + promotion_max_cap_amount,
                    greatest(pay_before * (1 + increase_pct), pay_before)), 2)::DECIMAL(18,2) AS new_salary
    FROM promoted
)
SELECT
    employee_id,
    employee_ssn,
    'promotion' AS event_type,
    simulation_year,
    promotion_date AS effective_date,
    'Promotion from Level ' || level_id || ' to Level ' || (level_id + 1)
        || ' (+$' || (new_salary - pay_before)::VARCHAR || ' increase)' AS event_details,
    new_salary AS compensation_amount,
    pay_before::DECIMAL(18,2) AS previous_compensation,
    NULL::DECIMAL(7,5) AS employee_deferral_rate,
    NULL::DECIMAL(7,5) AS prev_employee_deferral_rate,
    current_age AS employee_age,
    current_tenure AS employee_tenure,
    (level_id + 1)::INTEGER AS level_id,
    age_band,
    tenure_band,
    promotion_rate AS event_probability,
    'promotion' AS event_category
FROM priced
