-- The growth solver (reference-simulation.md §4.2, "single rounding"), in exact decimal arithmetic:
--   target   = round_half_away_from_zero(n_start x (1 + g))
--   exp_terms = floor(experienced x r_e + prior_year_hires x r_n)
--   net      = target - (n_start - exp_terms)
--   net <= 0: no hires, |net| extra terminations (reduction in force)
--   net  > 0: hires = ceil(net / (1 - r_n)), new-hire terminations = hires - net
-- The ceiling is taken on integers scaled by 10^12, so no binary floating point touches the counts.
WITH p AS (SELECT * FROM param_simulation),
pop AS (
    SELECT
        count(*) AS n_start,
        count(*) FILTER (WHERE getvariable('simulation_year') = getvariable('start_year')
                            OR employee_hire_date < make_date(getvariable('simulation_year') - 1, 1, 1)) AS experienced,
        count(*) FILTER (WHERE getvariable('simulation_year') > getvariable('start_year')
                            AND employee_hire_date >= make_date(getvariable('simulation_year') - 1, 1, 1)) AS prior_year_hires,
        coalesce(sum(employee_compensation), 0)::DECIMAL(38,2) AS total_compensation
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
),
solve AS (
    SELECT pop.*, p.target_growth_rate, p.total_termination_rate, p.new_hire_termination_rate,
           round(pop.n_start * (1 + p.target_growth_rate))::BIGINT AS target_ending_workforce,
           (pop.experienced * p.total_termination_rate
              + pop.prior_year_hires * p.new_hire_termination_rate) AS exact_experienced_terminations,
           floor(pop.experienced * p.total_termination_rate
              + pop.prior_year_hires * p.new_hire_termination_rate)::BIGINT AS base_experienced_terminations,
           (1000000000000 - (p.new_hire_termination_rate * 1000000000000)::HUGEINT) AS retained_scaled
    FROM pop CROSS JOIN p
),
net AS (
    SELECT *, target_ending_workforce - (n_start - base_experienced_terminations) AS net_from_hires
    FROM solve
),
counts AS (
    SELECT *,
        CASE WHEN net_from_hires <= 0 THEN 0
             ELSE ((net_from_hires * 1000000000000::HUGEINT + retained_scaled - 1) // retained_scaled)::BIGINT
        END AS total_hires_needed,
        CASE WHEN net_from_hires <= 0 THEN -net_from_hires ELSE 0 END AS extra_rif_terminations
    FROM net
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    n_start AS starting_workforce_count,
    experienced AS experienced_workforce,
    prior_year_hires,
    target_growth_rate, total_termination_rate, new_hire_termination_rate,
    target_ending_workforce,
    exact_experienced_terminations,
    (base_experienced_terminations + extra_rif_terminations)::BIGINT AS expected_experienced_terminations,
    extra_rif_terminations::BIGINT AS extra_rif_terminations,
    total_hires_needed,
    (total_hires_needed - greatest(net_from_hires, 0))::BIGINT AS expected_new_hire_terminations,
    net_from_hires::BIGINT AS net_hiring_impact,
    (n_start + total_hires_needed - (base_experienced_terminations + extra_rif_terminations)
        - (total_hires_needed - greatest(net_from_hires, 0)) - target_ending_workforce)::BIGINT AS reconciliation_error,
    total_compensation,
    (total_compensation / nullif(n_start, 0))::DECIMAL(18,2) AS avg_compensation
FROM counts
