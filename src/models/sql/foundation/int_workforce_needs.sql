-- The growth solver (reference-simulation.md §4.2, "single rounding"), in exact decimal arithmetic:
--   target   = round_half_away_from_zero(n_start x (1 + g))
--   exp_terms = floor(experienced x r_e + prior_year_hires x r_n)
--   net      = target - (n_start - exp_terms)
--   net <= 0: no hires, |net| extra terminations (reduction in force)
--   net  > 0: hires = ceil(net / (1 - r_n)), new-hire terminations = hires - net
-- The ceiling is taken on integers scaled by 10^12, so no binary floating point touches the counts.
--
-- simulation.count_uncertainty (variable count_uncertainty; docs/DECISIONS.md, "Count uncertainty")
-- draws the counts instead, each a binomial around its rate (draw < rate, strict):
--   terminations: exp_terms = #experienced with a termination_count draw < r_e + #prior-year hires
--                 with one < r_n; new-hire terminations = #of the ceil(net / (1 - r_n)) planned hire
--                 slots (keyed by the hire's id NH_<year>_<seq>) with an nh_termination_count draw
--                 < r_n, and hires = net + those, so the year still ends on the target.
--   terminations_and_hires: the target too: n_start + sign(g) x #employees with a growth_count
--                 draw < |g|.
WITH p AS (SELECT * FROM param_simulation),
people AS (
    SELECT employee_compensation,
           getvariable('simulation_year') = getvariable('start_year')
               OR employee_hire_date < make_date(getvariable('simulation_year') - 1, 1, 1) AS is_experienced,
           getvariable('simulation_year') > getvariable('start_year')
               AND employee_hire_date >= make_date(getvariable('simulation_year') - 1, 1, 1) AS is_prior_year_hire,
           -- Both streams' draws through one lambda (a macro binds at each use), and folded away when
           -- the counts are exact (count_uncertainty none).
           CASE WHEN getvariable('count_uncertainty') IN ('terminations', 'terminations_and_hires')
                THEN list_transform(['termination_count', 'growth_count'], stream -> pa_draw(rng_key, stream))
           END AS draws
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
),
-- NULL for someone neither experienced nor a prior-year hire.
drawn AS (
    SELECT people.*,
           draws[1] < CASE WHEN is_experienced THEN p.total_termination_rate WHEN is_prior_year_hire THEN p.new_hire_termination_rate END
               AS draws_termination,
           CASE WHEN getvariable('count_uncertainty') = 'terminations_and_hires' THEN draws[2] < abs(p.target_growth_rate) END
               AS draws_growth
    FROM people CROSS JOIN p
),
pop AS (
    SELECT
        count(*) AS n_start,
        count(*) FILTER (WHERE is_experienced) AS experienced,
        count(*) FILTER (WHERE is_prior_year_hire) AS prior_year_hires,
        count(*) FILTER (WHERE draws_termination) AS drawn_experienced_terminations,
        count(*) FILTER (WHERE draws_growth) AS drawn_growth,
        coalesce(sum(employee_compensation), 0)::DECIMAL(38,2) AS total_compensation
    FROM drawn
),
solve AS (
    SELECT pop.*, p.target_growth_rate, p.total_termination_rate, p.new_hire_termination_rate,
           coalesce(getvariable('count_uncertainty') IN ('terminations', 'terminations_and_hires'), false) AS terminations_drawn,
           CASE WHEN getvariable('count_uncertainty') = 'terminations_and_hires'
                THEN pop.n_start + sign(p.target_growth_rate)::BIGINT * pop.drawn_growth
                ELSE round(pop.n_start * (1 + p.target_growth_rate))
           END::BIGINT AS target_ending_workforce,
           (pop.experienced * p.total_termination_rate
              + pop.prior_year_hires * p.new_hire_termination_rate) AS exact_experienced_terminations,
           CASE WHEN getvariable('count_uncertainty') IN ('terminations', 'terminations_and_hires')
                THEN pop.drawn_experienced_terminations
                ELSE floor(pop.experienced * p.total_termination_rate + pop.prior_year_hires * p.new_hire_termination_rate)
           END::BIGINT AS base_experienced_terminations,
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
        END AS exact_hires,
        CASE WHEN net_from_hires <= 0 THEN -net_from_hires ELSE 0 END AS extra_rif_terminations
    FROM net
),
hire_slots AS (
    SELECT unnest(generate_series(1, CASE WHEN terminations_drawn THEN exact_hires ELSE 0 END)) AS seq,
           new_hire_termination_rate
    FROM counts
),
hire_keys AS (
    SELECT pa_key(printf('NH_%d_%06d', getvariable('simulation_year'), seq)) AS rng_key, new_hire_termination_rate
    FROM hire_slots
),
new_hire_draws AS (
    -- No slots when exact; the CASE folds the draw away too.
    SELECT count(*) FILTER (WHERE CASE WHEN getvariable('count_uncertainty') IN ('terminations', 'terminations_and_hires')
                                       THEN pa_draw(rng_key, 'nh_termination_count') < new_hire_termination_rate END)
               AS drawn_new_hire_terminations
    FROM hire_keys
),
hires AS (
    SELECT counts.*,
           CASE WHEN terminations_drawn THEN greatest(net_from_hires, 0) + drawn_new_hire_terminations
                ELSE exact_hires
           END::BIGINT AS total_hires_needed
    FROM counts CROSS JOIN new_hire_draws
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
FROM hires
