-- Merit + COLA raises (reference-simulation.md §3.5) as scheduled in int_merit_schedule, applied to
-- the pay in force on the raise date: the promotion salary when a promotion came first (defect D3).
WITH pay AS (
    SELECT ms.*, c.employee_ssn, c.current_age, c.current_tenure, c.age_band, c.tenure_band,
           CASE WHEN pr.effective_date <= ms.raise_date THEN pr.level_id ELSE c.level_id END AS level_id,
           CASE WHEN pr.effective_date <= ms.raise_date THEN pr.compensation_amount
                ELSE c.employee_compensation END AS pay_before
    FROM int_merit_schedule ms
    JOIN int_employee_compensation_by_year c
      ON c.employee_id = ms.employee_id AND c.simulation_year = ms.simulation_year
    LEFT JOIN int_promotion_events pr
      ON pr.employee_id = ms.employee_id AND pr.simulation_year = ms.simulation_year
    WHERE ms.simulation_year = getvariable('simulation_year')
)
SELECT
    employee_id,
    employee_ssn,
    'raise' AS event_type,
    simulation_year,
    raise_date AS effective_date,
    'Merit raise: ' || round(merit_rate * 100, 2)::VARCHAR || '%, COLA: ' || round(cola_rate * 100, 2)::VARCHAR || '%'
        AS event_details,
    pa_merit_salary(pay_before, raise_rate) AS compensation_amount,
    pay_before AS previous_compensation,
    NULL::DECIMAL(7,5) AS employee_deferral_rate,
    NULL::DECIMAL(7,5) AS prev_employee_deferral_rate,
    current_age AS employee_age,
    current_tenure AS employee_tenure,
    level_id,
    age_band,
    tenure_band,
    raise_rate AS event_probability,
    'raise' AS event_category
FROM pay
