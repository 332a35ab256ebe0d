-- The year's nondiscrimination, coverage and top-heavy tests (compliance-testing.md Part B; we follow the
-- published rules where the reference differs, docs/DECISIONS.md), one row per test and group over
-- int_compliance_population. Every rate is a fraction of testing (414(s)) pay; `margin` is in the test's
-- own unit (said in details) and positive when passing by that much. Each test is one block of CTEs
-- ending in a `<block>_rows` CTE of the output columns; the final SELECT stacks the blocks by name.
WITH population AS (
    SELECT * FROM int_compliance_population WHERE simulation_year = getvariable('simulation_year')
),

-- ===================================================================================================
-- ADP and ACP (IRC 401(k)(3), 401(m)(2); Treas. Reg. 1.401(k)-2, 1.401(m)-2). One computation for both
-- tests: ADP over everyone eligible to defer (adr), ACP over everyone eligible for a match (acr),
-- participating or not. An eligible employee without testing pay has no ratio and is left out (counted).
-- ===================================================================================================
ratio_member AS (
    SELECT 'adp' AS test_name, is_hce, adr AS ratio, testing_compensation FROM population WHERE eligible_401k
    UNION ALL
    SELECT 'acp', is_hce, acr, testing_compensation FROM population WHERE eligible_acp
),
ratio_previous_nhce AS (
    -- prior_year method: the NHCEs of Y-1 as Y-1 classified them (no rows in the first simulated year)
    SELECT avg(adr) FILTER (WHERE eligible_401k AND NOT is_hce) AS adp_average,
           avg(acr) FILTER (WHERE eligible_acp AND NOT is_hce) AS acp_average
    FROM int_compliance_population
    WHERE simulation_year = getvariable('simulation_year') - 1
),
match_tier AS (
    SELECT employee_max, match_rate, lag(match_rate) OVER (PARTITION BY band ORDER BY employee_min) AS lower_tier_rate
    FROM param_match_bands
),
safe_harbor AS (
    -- ADP: a safe-harbor or QACA match formula (401(k)(12)/(13)) is deemed to pass. ACP: that match also
    -- meets 401(m)(11) when no deferral above 6 % of pay is matched and the rate never rises with the
    -- deferral rate (one formula for everyone, no after-tax contributions: the rest of 401(m)(11) holds).
    SELECT d.safe_harbor_match AS adp_exempt,
           f.match_formula_type AS formula_type,
           coalesce((SELECT bool_and(match_rate = 0 OR employee_max <= 0.06) FROM match_tier), true) AS matches_at_most_6_percent,
           coalesce((SELECT bool_and(lower_tier_rate IS NULL OR match_rate <= lower_tier_rate) FROM match_tier), true)
               AS rate_never_rises
    FROM param_match_design d CROSS JOIN param_dc_plan f
),
ratio_group AS (
    SELECT t.test_name,
           count(m.ratio) FILTER (WHERE m.is_hce) AS hce_count,
           count(m.ratio) FILTER (WHERE NOT m.is_hce) AS nhce_count,
           count(m.is_hce) - count(m.ratio) AS without_pay_count,
           -- averages to 1e-10, so that a limit of exactly 1.25 or 2 times, or 2 points over, compares exactly
           (avg(m.ratio) FILTER (WHERE m.is_hce))::DECIMAL(18,10) AS hce_average,
           (avg(m.ratio) FILTER (WHERE NOT m.is_hce))::DECIMAL(18,10) AS nhce_current
    FROM (VALUES ('adp'), ('acp')) t(test_name)
    LEFT JOIN ratio_member m USING (test_name)
    GROUP BY t.test_name
),
ratio_baseline AS (
    SELECT g.*, c.testing_method,
           CASE WHEN c.testing_method = 'current_year' THEN 'current_year_nhce'
                WHEN (CASE g.test_name WHEN 'adp' THEN p.adp_average ELSE p.acp_average END) IS NULL THEN 'three_percent'
                ELSE 'prior_year_nhce' END AS baseline_source,
           CASE WHEN c.testing_method = 'current_year' THEN g.nhce_current
                -- first simulated year (no Y-1 NHCE): 3 % (1.401(k)-2(c)(2))
                ELSE coalesce((CASE g.test_name WHEN 'adp' THEN p.adp_average ELSE p.acp_average END)::DECIMAL(18,10), 0.03)
           END AS nhce_baseline,
           CASE WHEN g.test_name = 'adp' THEN s.adp_exempt
                ELSE s.adp_exempt AND s.matches_at_most_6_percent AND s.rate_never_rises END AS exempt,
           s.formula_type
    FROM ratio_group g
    CROSS JOIN param_compliance c
    CROSS JOIN ratio_previous_nhce p
    CROSS JOIN safe_harbor s
),
ratio_limit AS (
    SELECT *,
           1.25 * nhce_baseline AS basic_limit,
           least(2 * nhce_baseline, nhce_baseline + 0.02) AS alternative_limit,
           greatest(1.25 * nhce_baseline, least(2 * nhce_baseline, nhce_baseline + 0.02)) AS applied_limit
    FROM ratio_baseline
),
ratio_outcome AS (
    SELECT *,
           exempt OR hce_count = 0 OR nhce_baseline IS NULL OR hce_average <= applied_limit AS passed,
           NOT exempt AND hce_average > applied_limit AS needs_correction
    FROM ratio_limit
),
ratio_hce AS (
    -- Leveling (1.401(k)-2(b)(2)(iv)): the highest HCE ratios come down to one level L, the highest first,
    -- until the HCE average equals the limit. Over the k highest ratios L = (their sum - needed cut) / k;
    -- L is the first such level not below the next ratio.
    SELECT m.test_name, m.ratio, m.testing_compensation,
           ((sum(m.ratio) OVER w - o.hce_count * (o.hce_average - o.applied_limit)) / row_number() OVER w)::DECIMAL(18,10)
               AS level,
           lead(m.ratio) OVER w AS next_ratio,
           row_number() OVER w AS rank
    FROM ratio_member m
    JOIN ratio_outcome o USING (test_name)
    WHERE o.needs_correction AND m.is_hce AND m.ratio IS NOT NULL
    WINDOW w AS (PARTITION BY m.test_name ORDER BY m.ratio DESC, m.testing_compensation DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
ratio_level AS (
    SELECT test_name, arg_min(level, rank) FILTER (WHERE next_ratio IS NULL OR level >= next_ratio) AS level
    FROM ratio_hce
    GROUP BY test_name
),
ratio_correction AS (
    -- Each HCE above the level gives back (ratio - level) x testing pay, in cents.
    SELECT test_name, level, sum(cut) AS excess, count(*) FILTER (WHERE cut > 0) AS corrected_hce_count
    FROM (SELECT h.test_name, l.level, greatest(round((h.ratio - l.level) * h.testing_compensation, 2), 0) AS cut
          FROM ratio_hce h
          JOIN ratio_level l USING (test_name))
    GROUP BY test_name, level
),
adp_acp_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year,
           o.test_name,
           'plan' AS group_name,
           o.hce_count,
           o.nhce_count,
           o.hce_average::DOUBLE AS hce_value,
           o.nhce_baseline::DOUBLE AS nhce_value,
           CASE WHEN NOT o.exempt THEN o.applied_limit::DOUBLE END AS limit_value,
           CASE WHEN NOT o.exempt THEN (o.applied_limit - o.hce_average)::DOUBLE END AS margin,
           o.passed,
           json_object(
               'unit', 'HCE average ' || o.test_name || ' ratio below the limit, a fraction of testing pay',
               'testing_method', o.testing_method,
               'nhce_baseline', o.baseline_source,
               'nhce_current_year_average', o.nhce_current::DOUBLE,
               'basic_limit', o.basic_limit::DOUBLE,
               'alternative_limit', o.alternative_limit::DOUBLE,
               'applied_test', CASE WHEN o.basic_limit >= o.alternative_limit THEN 'basic' ELSE 'alternative' END,
               'exempt', CASE WHEN o.exempt THEN o.formula_type END,
               'eligible_without_pay', o.without_pay_count,
               'note', CASE WHEN o.exempt THEN 'safe-harbor match: deemed to pass' || CASE o.test_name WHEN 'acp'
                                 THEN ' (401(m)(11): no match above 6 % of pay deferred, rate not rising)' ELSE '' END
                            WHEN o.hce_count = 0 THEN 'no eligible HCE: nothing to test'
                            WHEN o.nhce_baseline IS NULL THEN 'no eligible NHCE: no NHCE average to compare with, treated as passing (the reference reports an error)'
                       END,
               'corrective_excess', coalesce(c.excess, 0),
               'corrected_hce_count', coalesce(c.corrected_hce_count, 0),
               'leveled_ratio', c.level::DOUBLE,
               'correction', CASE WHEN c.excess IS NOT NULL THEN
                   'leveling: HCE ratios above leveled_ratio lowered to it; the excess is distributed to the HCEs with the '
                   || 'highest dollar ' || CASE o.test_name WHEN 'adp' THEN 'deferrals' ELSE 'matches' END
                   || ' first, within 2.5 months of year end to avoid the 10 % excise tax (4979); not applied to accounts' END
           )::VARCHAR AS details
    FROM ratio_outcome o
    LEFT JOIN ratio_correction c USING (test_name)
),

-- ===================================================================================================
-- Coverage (IRC 410(b); Treas. Reg. 1.410(b)-2 ... -7) and the 401(a)(4) general test of nonelective
-- allocations (1.401(a)(4)-2(c)). Both count the nonexcludable employees; a group passes the ratio
-- percentage test (>= 70 %) or else the average benefit test: a nondiscriminatory classification (ratio
-- at least the safe-harbor percentage of the NHCE concentration; between the unsafe and safe harbors
-- facts and circumstances decide, which we do not assume) and an average benefit percentage >= 70 %.
-- ===================================================================================================
coverage_member AS (
    SELECT is_hce, eligible_401k, eligible_401m, benefiting_nonelective,
           -- employee benefit percentage (1.410(b)-5): deferrals and every employer allocation, 0 without any
           coalesce((adp_deferrals + employer_allocation) / nullif(testing_compensation, 0), 0) AS benefit_rate,
           -- nonelective allocation rate: the match is tested by the ACP (disaggregated, 1.410(b)-7(c))
           -- (to the nearest 0.01 % as the population's rates)
           coalesce(pa_pay_ratio(employer_allocation - acp_contributions, testing_compensation), 0) AS nonelective_rate
    FROM population
    WHERE NOT is_excludable
),
coverage_workforce AS (
    SELECT count(*) FILTER (WHERE is_hce) AS hce_count,
           count(*) FILTER (WHERE NOT is_hce) AS nhce_count,
           -- whole percentage points of NHCE concentration above 60 (1.410(b)-4(c)(4))
           CASE WHEN count(*) = 0 THEN 0 ELSE greatest((100 * count(*) FILTER (WHERE NOT is_hce)) // count(*) - 60, 0) END
               AS concentration_points_above_60,
           (avg(benefit_rate) FILTER (WHERE is_hce))::DECIMAL(18,10) AS hce_benefit_percentage,
           (avg(benefit_rate) FILTER (WHERE NOT is_hce))::DECIMAL(18,10) AS nhce_benefit_percentage
    FROM coverage_member
),
coverage_harbor AS (
    SELECT *,
           0.50 - 0.0075 * concentration_points_above_60 AS safe_harbor_percentage,
           greatest(0.40 - 0.0075 * concentration_points_above_60, 0.20) AS unsafe_harbor_percentage,
           -- an HCE average of 0 means no HCE benefits: the ratio test has already passed
           nhce_benefit_percentage >= 0.70 * hce_benefit_percentage AS average_benefit_passes
    FROM coverage_workforce
),
coverage_portion AS (
    -- the three mandatorily disaggregated portions, each tested as a plan (1.410(b)-7(c))
    SELECT 'coverage' AS kind, p.portion AS group_name, NULL::DECIMAL(9,4) AS rate,
           count(*) FILTER (WHERE m.is_hce AND b.benefiting) AS benefiting_hce,
           count(*) FILTER (WHERE NOT m.is_hce AND b.benefiting) AS benefiting_nhce
    FROM (VALUES ('401k'), ('401m'), ('nonelective')) p(portion)
    LEFT JOIN coverage_member m ON true
    CROSS JOIN LATERAL (SELECT CASE p.portion WHEN '401k' THEN m.eligible_401k WHEN '401m' THEN m.eligible_401m
                                              ELSE m.benefiting_nonelective END AS benefiting) b
    GROUP BY p.portion
),
rate_level AS (
    SELECT nonelective_rate, count(*) FILTER (WHERE is_hce) AS hce_at, count(*) FILTER (WHERE NOT is_hce) AS nhce_at
    FROM coverage_member
    GROUP BY nonelective_rate
),
rate_group AS (
    -- one rate group per allocation rate of a benefiting HCE: everyone whose rate is at least that
    SELECT 'rate_group' AS kind, NULL AS group_name, nonelective_rate AS rate, benefiting_hce, benefiting_nhce
    FROM (SELECT nonelective_rate, hce_at,
                 sum(hce_at) OVER (ORDER BY nonelective_rate DESC) AS benefiting_hce,
                 sum(nhce_at) OVER (ORDER BY nonelective_rate DESC) AS benefiting_nhce
          FROM rate_level)
    WHERE hce_at > 0 AND nonelective_rate > 0
),
coverage_test AS (
    SELECT g.kind, g.group_name, g.rate, g.benefiting_hce, g.benefiting_nhce, h.*,
           g.benefiting_hce::DOUBLE / nullif(h.hce_count, 0) AS hce_share,
           g.benefiting_nhce::DOUBLE / nullif(h.nhce_count, 0) AS nhce_share,
           (g.benefiting_nhce::DOUBLE / nullif(h.nhce_count, 0)) / nullif(g.benefiting_hce::DOUBLE / nullif(h.hce_count, 0), 0)
               AS ratio_percentage,
           CASE
               WHEN g.benefiting_hce = 0 THEN 'no_hce_benefiting'
               WHEN h.nhce_count = 0 THEN 'no_nhce'
               -- compared in whole counts: a ratio of exactly 70 % passes
               WHEN 10 * g.benefiting_nhce * h.hce_count >= 7 * h.nhce_count * g.benefiting_hce THEN 'ratio_percentage'
               WHEN g.benefiting_nhce * h.hce_count >= h.safe_harbor_percentage * h.nhce_count * g.benefiting_hce
                    AND h.average_benefit_passes THEN 'average_benefit'
           END AS passed_by,
           CASE
               WHEN g.benefiting_nhce * h.hce_count >= h.safe_harbor_percentage * h.nhce_count * g.benefiting_hce THEN 'safe_harbor'
               WHEN g.benefiting_nhce * h.hce_count >= h.unsafe_harbor_percentage * h.nhce_count * g.benefiting_hce
                   THEN 'facts_and_circumstances'
               ELSE 'below_unsafe_harbor'
           END AS classification
    FROM (SELECT * FROM coverage_portion UNION ALL SELECT * FROM rate_group) g
    CROSS JOIN coverage_harbor h
),
coverage_result AS (
    SELECT *,
           passed_by IS NOT NULL AS passed,
           CASE WHEN passed_by IN ('no_hce_benefiting', 'no_nhce') THEN NULL
                WHEN passed_by = 'average_benefit'
                    THEN least(ratio_percentage - safe_harbor_percentage,
                               nhce_benefit_percentage / hce_benefit_percentage - 0.70)
                ELSE ratio_percentage - 0.70 END::DOUBLE AS margin,
           json_object(
               'ratio_percentage', ratio_percentage,
               'passed_by', passed_by,
               'benefiting_hce', benefiting_hce,
               'benefiting_nhce', benefiting_nhce,
               'classification', classification,
               'safe_harbor_percentage', safe_harbor_percentage::DOUBLE,
               'unsafe_harbor_percentage', unsafe_harbor_percentage::DOUBLE,
               'average_benefit_percentage', nhce_benefit_percentage::DOUBLE / nullif(hce_benefit_percentage::DOUBLE, 0),
               'hce_actual_benefit_percentage', hce_benefit_percentage::DOUBLE,
               'nhce_actual_benefit_percentage', nhce_benefit_percentage::DOUBLE
           ) AS numbers
    FROM coverage_test
),
coverage_410b_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year,
           '410b' AS test_name,
           group_name,
           hce_count,
           nhce_count,
           coalesce(hce_share, 0) AS hce_value,
           coalesce(nhce_share, 0) AS nhce_value,
           0.70::DOUBLE AS limit_value,
           margin,
           passed,
           json_merge_patch(numbers, json_object(
               'unit', 'hce_value / nhce_value: shares benefiting; margin: ratio percentage - 0.70, or under the average '
                       || 'benefit test the lesser of ratio - safe harbor and average benefit percentage - 0.70',
               'facts_and_circumstances', 'a classification between the unsafe and safe harbors is not assumed to pass'
           ))::VARCHAR AS details
    FROM coverage_result
    WHERE kind = 'coverage'
),
a4_design AS (
    -- uniform allocation safe harbor (1.401(a)(4)-2(b)(2)): one flat core rate, no permitted disparity,
    -- no forfeitures reallocated (they go pro rata to a different group)
    SELECT coalesce(bool_and(s.measure = 'flat'), false)
               AND NOT EXISTS (SELECT 1 FROM param_core_integration)
               AND (SELECT policy FROM param_forfeitures) <> 'reallocate_to_participants' AS uniform_allocation
    FROM param_core_schedule s
),
a4_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year,
           '401a4' AS test_name,
           'plan' AS group_name,
           any_value(h.hce_count) AS hce_count,
           any_value(h.nhce_count) AS nhce_count,
           -- the worst rate group's numbers: the first of details.rate_groups (the lowest margin, then the
           -- lowest rate, so a tie is settled the same way every run; no group: nobody's rate to test)
           coalesce(first(r.hce_share ORDER BY r.margin, r.rate) FILTER (WHERE r.margin IS NOT NULL), 0) AS hce_value,
           coalesce(first(r.nhce_share ORDER BY r.margin, r.rate) FILTER (WHERE r.margin IS NOT NULL), 0) AS nhce_value,
           0.70::DOUBLE AS limit_value,
           min(r.margin) AS margin,
           any_value(d.uniform_allocation) OR coalesce(bool_and(r.passed), true) AS passed,
           json_object(
               'unit', 'rate groups of nonelective allocation rates (core and reallocated forfeitures / testing pay); '
                       || 'hce_value / nhce_value / margin: the worst group''s shares benefiting and margin as in 410b',
               'deemed', CASE WHEN any_value(d.uniform_allocation) THEN 'uniform allocation safe harbor' END,
               'rate_group_count', count(r.rate),
               'failing_rate_groups', count(r.rate) FILTER (WHERE NOT r.passed),
               -- the 20 lowest margins, worst first
               'rate_groups', coalesce(list(json_merge_patch(json_object('rate', r.rate::DOUBLE, 'passed', r.passed, 'margin', r.margin), r.numbers)
                                            ORDER BY r.margin, r.rate)[1:20], [])
           )::VARCHAR AS details
    FROM coverage_harbor h
    CROSS JOIN a4_design d
    LEFT JOIN coverage_result r ON r.kind = 'rate_group'
)
,

-- ===================================================================================================
-- Top-heavy (IRC 416(g); B.6): the status int_top_heavy_minimum determined from the balances at Dec 31
-- of Y-1 and the minimum owed to the non-key employees in a top-heavy year. hce_count / nhce_count are
-- the key / non-key employees counted at the determination date; hce_value the key share of their
-- balances (nhce_value the rest); margin = 0.60 - key share; passed = not top-heavy.
-- ===================================================================================================
top_heavy_year AS (
    SELECT count(*) FILTER (WHERE determination_key_employee) AS key_count,
           count(*) FILTER (WHERE NOT determination_key_employee) AS non_key_count,
           coalesce(sum(determination_balance) FILTER (WHERE determination_key_employee), 0) AS key_balance,
           coalesce(sum(determination_balance), 0) AS total_balance,
           coalesce(bool_or(is_top_heavy_year), false) AS is_top_heavy_year,
           coalesce(bool_or(safe_harbor_exempt), false) AS safe_harbor_exempt,
           coalesce(max(minimum_rate), 0) AS minimum_rate,
           coalesce(sum(required_amount), 0) AS minimum_owed_total,
           coalesce(sum(shortfall), 0) AS shortfall_total,
           count(*) FILTER (WHERE shortfall > 0) AS count_owed,
           coalesce(sum(added_as_core), 0) AS added_as_core_total
    FROM int_top_heavy_minimum
    WHERE simulation_year = getvariable('simulation_year')
),
top_heavy_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year,
           '416_top_heavy' AS test_name,
           'plan' AS group_name,
           key_count AS hce_count,
           non_key_count AS nhce_count,
           (key_balance / nullif(total_balance, 0))::DOUBLE AS hce_value,
           (1 - key_balance / nullif(total_balance, 0))::DOUBLE AS nhce_value,
           0.60::DOUBLE AS limit_value,
           (0.60 - key_balance / nullif(total_balance, 0))::DOUBLE AS margin,
           NOT is_top_heavy_year AS passed,
           json_object(
               'unit', 'hce_count / nhce_count: key / non-key employees at the determination date; hce_value: the key '
                       || 'employees'' share of the balances; margin: 0.60 - that share',
               'determination_date', make_date(getvariable('simulation_year')::INTEGER - 1, 12, 31)::VARCHAR,
               'key_balance', key_balance,
               'total_balance', total_balance,
               'top_heavy', is_top_heavy_year,
               'exempt', CASE WHEN safe_harbor_exempt THEN 'safe_harbor_only (416(g)(4)(H))' END,
               'minimum_rate', minimum_rate,
               'minimum_owed_total', minimum_owed_total,
               'shortfall_total', shortfall_total,
               'count_owed', count_owed,
               'added_as_core_total', added_as_core_total
           )::VARCHAR AS details
    FROM top_heavy_year
),

-- ===================================================================================================
-- 415(c) annual additions (B.7): the limit is applied where the contributions are computed (the core
-- cut first, then the match); this row reports the year's cuts. Always passes.
-- ===================================================================================================
annual_additions_cut AS (
    SELECT employee_id, sum(match_cut) AS match_cut, sum(core_cut) AS core_cut
    FROM (
        SELECT employee_id, match_415_reduction AS match_cut, 0 AS core_cut FROM int_employee_match_calculations
        WHERE simulation_year = getvariable('simulation_year') AND match_415_reduction > 0
        UNION ALL
        SELECT employee_id, 0, core_415_reduction FROM int_employer_core_contributions
        WHERE simulation_year = getvariable('simulation_year') AND core_415_reduction > 0
    ) cuts
    GROUP BY employee_id
),
annual_additions_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year,
           '415c' AS test_name,
           'plan' AS group_name,
           NULL::BIGINT AS hce_count,
           NULL::BIGINT AS nhce_count,
           NULL::DOUBLE AS hce_value,
           NULL::DOUBLE AS nhce_value,
           NULL::DOUBLE AS limit_value,
           NULL::DOUBLE AS margin,
           true AS passed,
           json_object(
               'unit', 'dollars cut from the employer money to keep each employee''s annual additions within the limit '
                       || '(the lesser of the dollar limit and 100 % of pay): applied, so the test passes',
               'match_415_reduction', coalesce(sum(match_cut), 0),
               'match_corrections', count(*) FILTER (WHERE match_cut > 0),
               'core_415_reduction', coalesce(sum(core_cut), 0),
               'core_corrections', count(*) FILTER (WHERE core_cut > 0),
               'employees_corrected', count(*)
           )::VARCHAR AS details
    FROM annual_additions_cut
)

SELECT * FROM adp_acp_rows
UNION ALL BY NAME SELECT * FROM coverage_410b_rows
UNION ALL BY NAME SELECT * FROM a4_rows
UNION ALL BY NAME SELECT * FROM top_heavy_rows
UNION ALL BY NAME SELECT * FROM annual_additions_rows
