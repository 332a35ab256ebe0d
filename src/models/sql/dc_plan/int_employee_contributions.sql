-- Employee deferrals (reference-simulation.md §5.6, defects D6, D7, D12 fixed). Pay base: the year's
-- prorated actual pay from the salary timeline (after raises, ending at termination), capped at the
-- year's 401(a)(17) compensation limit. Deferrals follow the deferral rate in force each day (the
-- start-of-year rate, then each enrollment, match response, escalation and opt-out from its date:
-- int_deferral_periods), applied to the capped pay, then capped at the year's 402(g) limit plus
-- catch-up from age 50 (and the larger SECURE 2.0 catch-up at ages 60-63), age attained by Dec 31. Amounts DECIMAL(18,2) dollars.
-- The last two columns feed the 415(c) annual-additions limit applied to match and core: the
-- participant's limit (the lesser of the year's dollar limit and 100 % of pay) and the deferrals that
-- count toward it (catch-up contributions do not).
WITH y AS (
    SELECT getvariable('simulation_year')::INTEGER AS yr,
           pa_days_in_year(getvariable('simulation_year')) AS days_in_year
),
population AS (
    SELECT employee_id, employee_birth_date FROM int_plan_eligibility WHERE simulation_year = getvariable('simulation_year')
),
rates AS (
    SELECT employee_id, start_of_year_deferral_rate, current_deferral_rate
    FROM int_deferral_rate_state_accumulator WHERE simulation_year = getvariable('simulation_year')
),
pay AS (
    SELECT employee_id, sum(pa_units(salary, 100) * (period_end - period_start + 1)) AS salary_cent_days
    FROM int_compensation_periods
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY employee_id
),
deferral AS (
    -- Σ salary x rate x days over the deferral periods, in units of 1e-7 dollar-days (cents x rate
    -- units of 1e-5: exact integers).
    SELECT employee_id,
           sum(pa_units(salary, 100) * pa_units(deferral_rate, 100000) * (period_end - period_start + 1)) AS deferral_units,
           min(period_start) FILTER (WHERE deferral_rate > 0) AS first_contribution_date,
           max(period_end) FILTER (WHERE deferral_rate > 0) AS last_contribution_date
    FROM int_deferral_periods
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY employee_id
),
amounts AS (
    SELECT pop.employee_id, pop.employee_birth_date,
           year(make_date(y.yr, 12, 31)) - year(pop.employee_birth_date) AS age_at_year_end,
           -- the cent-days spread over the year, to the cent: in BIGINT when they fit (HUGEINT's division is ~35x slower)
           (CASE WHEN pay.salary_cent_days < 4611686018427387904
                 THEN pa_round_ratio(pay.salary_cent_days::BIGINT, y.days_in_year)
                 ELSE pa_round_ratio(pay.salary_cent_days, y.days_in_year::HUGEINT) END / 100)::DECIMAL(18,2) AS prorated_pay,
           lim.compensation_limit, lim.annual_additions_limit,
           lim.base_limit, lim.catch_up, lim.catch_up_age, lim.super_catch_up, lim.super_catch_up_min_age, lim.super_catch_up_max_age,
           coalesce(d.deferral_units, 0) AS deferral_units,
           y.days_in_year,
           d.first_contribution_date, d.last_contribution_date,
           rt.current_deferral_rate
    FROM population pop
    CROSS JOIN y
    JOIN pay USING (employee_id)
    JOIN param_irs_limits lim ON lim.simulation_year = y.yr
    LEFT JOIN deferral d USING (employee_id)
    LEFT JOIN rates rt USING (employee_id)
),
capped AS (
    SELECT *,
        least(prorated_pay, compensation_limit)::DECIMAL(18,2) AS eligible_compensation,
        CASE WHEN super_catch_up_min_age IS NOT NULL AND age_at_year_end BETWEEN super_catch_up_min_age AND super_catch_up_max_age
                  THEN 'SUPER_CATCH_UP'
             WHEN age_at_year_end >= catch_up_age THEN 'CATCH_UP'
             ELSE 'BASE' END AS limit_type
    FROM amounts
),
limited AS (
    SELECT *,
        (base_limit + CASE limit_type WHEN 'SUPER_CATCH_UP' THEN super_catch_up WHEN 'CATCH_UP' THEN catch_up ELSE 0 END)::DECIMAL(18,2)
            AS applicable_irs_limit,
        -- deferrals on the capped pay = units / days x capped / uncapped pay, in cents, rounded exactly
        -- (the pay ratio is 1 unless the 401(a)(17) limit caps the pay)
        CASE WHEN prorated_pay > 0 AND eligible_compensation = prorated_pay AND deferral_units < 4611686018427387904
                  THEN pa_round_ratio(deferral_units::BIGINT, days_in_year * 100000)::HUGEINT / 100
             WHEN prorated_pay > 0 AND eligible_compensation = prorated_pay
                  THEN pa_round_ratio(deferral_units, days_in_year * 100000) / 100
             WHEN prorated_pay > 0
                  THEN pa_round_ratio(deferral_units * pa_units(eligible_compensation, 100),
                                      days_in_year * 100000 * pa_units(prorated_pay, 100)) / 100
             ELSE 0 END::DECIMAL(18,2) AS requested_contribution
    FROM capped
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    employee_id,
    age_at_year_end,
    prorated_pay AS prorated_annual_compensation,
    compensation_limit,
    eligible_compensation,
    eligible_compensation AS total_contribution_base_compensation,
    requested_contribution,
    least(requested_contribution, applicable_irs_limit)::DECIMAL(18,2) AS annual_contribution_amount,
    applicable_irs_limit,
    limit_type,
    requested_contribution > applicable_irs_limit AS irs_limit_applied,
    greatest(requested_contribution - applicable_irs_limit, 0)::DECIMAL(18,2) AS amount_capped_by_irs_limit,
    prorated_pay > compensation_limit AS compensation_limit_applied,
    CASE WHEN eligible_compensation > 0
         THEN least(requested_contribution, applicable_irs_limit) / eligible_compensation ELSE 0 END AS effective_annual_deferral_rate,
    coalesce(current_deferral_rate, 0)::DECIMAL(7,5) AS year_end_deferral_rate,
    first_contribution_date,
    last_contribution_date,
    CASE WHEN requested_contribution > applicable_irs_limit THEN 'IRS_LIMITED' ELSE 'NORMAL' END AS contribution_quality_flag,
    least(annual_additions_limit, prorated_pay)::DECIMAL(18,2) AS annual_additions_limit,
    least(requested_contribution, base_limit)::DECIMAL(18,2) AS annual_additions_deferrals
FROM limited
