-- Splits the year's quotas over job levels (reference-simulation.md §4.3), in integers:
-- experienced terminations by largest remainder (levels with capacity first, then the larger
-- remainder, then the lower level); hires by systematic sampling, slot k of H going to the level
-- whose cumulative share contains (k - 0.5) / H, i.e. floor((2 H cum + N) / (2 N)) per boundary.
WITH needs AS (
    SELECT * FROM int_workforce_needs WHERE simulation_year = getvariable('simulation_year')
),
levels AS (
    SELECT level_id, count(*)::BIGINT AS headcount
    FROM int_employee_compensation_by_year
    WHERE simulation_year = getvariable('simulation_year')
    GROUP BY level_id
),
shares AS (
    SELECT l.level_id, l.headcount,
           sum(l.headcount) OVER () AS total,
           sum(l.headcount) OVER (ORDER BY l.level_id) AS cum_to,
           sum(l.headcount) OVER (ORDER BY l.level_id) - l.headcount AS cum_from,
           n.expected_experienced_terminations AS e,
           n.total_hires_needed AS h,
           n.new_hire_termination_rate
    FROM levels l CROSS JOIN needs n
),
floors AS (
    SELECT *,
        CASE WHEN e * headcount >= total * headcount THEN headcount ELSE (e * headcount) // total END AS term_floor,
        CASE WHEN e * headcount >= total * headcount THEN 0 ELSE (e * headcount) % total END AS term_remainder
    FROM shares
),
ranked AS (
    SELECT *,
        e - sum(term_floor) OVER () AS remainder_slots,
        row_number() OVER (ORDER BY (term_floor < headcount) DESC, term_remainder DESC, level_id) AS remainder_rank
    FROM floors
)
SELECT
    getvariable('simulation_year')::INTEGER AS simulation_year,
    level_id,
    headcount,
    (term_floor + CASE WHEN term_floor < headcount AND remainder_rank <= remainder_slots THEN 1 ELSE 0 END)::BIGINT
        AS expected_terminations,
    ((2 * h * cum_to + total) // (2 * total) - (2 * h * cum_from + total) // (2 * total))::BIGINT AS hires_needed,
    round(((2 * h * cum_to + total) // (2 * total) - (2 * h * cum_from + total) // (2 * total))
          * new_hire_termination_rate)::BIGINT AS expected_new_hire_terminations
FROM ranked
