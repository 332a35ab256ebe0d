-- The year's nondiscrimination, coverage and top-heavy tests (compliance-testing.md Part B; we follow the
-- published rules where the reference differs, docs/DECISIONS.md), one row per test and group over
-- int_compliance_population. Every rate is a fraction of testing (414(s)) pay; `margin` is in the test's
-- own unit (said in details) and positive when passing by that much. One grouped pass over the population
-- (`tally`) counts what ADP, ACP and 410(b) need; each test is then a block of CTEs ending in a
-- `<block>_rows` CTE of the output columns, and the final SELECT stacks the blocks by name.
WITH tally AS (
    -- ADP over everyone eligible to defer (adr), ACP over everyone eligible for a match (acr),
    -- participating or not; an eligible employee without testing pay has no ratio and is left out
    -- (counted). 410(b) counts the nonexcludable employees: the workforce, each portion's benefiting,
    -- and the employee benefit percentage (1.410(b)-5): deferrals and every employer allocation, 0 without any.
    SELECT [{'test_name': 'adp',
             'hce_count': count(adr) FILTER (WHERE eligible_401k AND is_hce),
             'nhce_count': count(adr) FILTER (WHERE eligible_401k AND NOT is_hce),
             'without_pay_count': count(is_hce) FILTER (WHERE eligible_401k) - count(adr) FILTER (WHERE eligible_401k),
             -- averages to 1e-10, so that a limit of exactly 1.25 or 2 times, or 2 points over, compares exactly
             'hce_average': (avg(adr) FILTER (WHERE eligible_401k AND is_hce))::DECIMAL(18,10),
             'nhce_current': (avg(adr) FILTER (WHERE eligible_401k AND NOT is_hce))::DECIMAL(18,10)},
            {'test_name': 'acp',
             'hce_count': count(acr) FILTER (WHERE eligible_acp AND is_hce),
             'nhce_count': count(acr) FILTER (WHERE eligible_acp AND NOT is_hce),
             'without_pay_count': count(is_hce) FILTER (WHERE eligible_acp) - count(acr) FILTER (WHERE eligible_acp),
             'hce_average': (avg(acr) FILTER (WHERE eligible_acp AND is_hce))::DECIMAL(18,10),
             'nhce_current': (avg(acr) FILTER (WHERE eligible_acp AND NOT is_hce))::DECIMAL(18,10)}] AS ratio_groups,
           -- the three mandatorily disaggregated portions, each tested as a plan (1.410(b)-7(c))
           [{'group_name': '401k', 'benefiting_hce': count(*) FILTER (WHERE NOT is_excludable AND is_hce AND eligible_401k),
             'benefiting_nhce': count(*) FILTER (WHERE NOT is_excludable AND NOT is_hce AND eligible_401k)},
            {'group_name': '401m', 'benefiting_hce': count(*) FILTER (WHERE NOT is_excludable AND is_hce AND eligible_401m),
             'benefiting_nhce': count(*) FILTER (WHERE NOT is_excludable AND NOT is_hce AND eligible_401m)},
            {'group_name': 'nonelective',
             'benefiting_hce': count(*) FILTER (WHERE NOT is_excludable AND is_hce AND benefiting_nonelective),
             'benefiting_nhce': count(*) FILTER (WHERE NOT is_excludable AND NOT is_hce AND benefiting_nonelective)}] AS portions,
           count(*) FILTER (WHERE NOT is_excludable AND is_hce) AS hce_count,
           count(*) FILTER (WHERE NOT is_excludable AND NOT is_hce) AS nhce_count,
           -- whole percentage points of NHCE concentration above 60 (1.410(b)-4(c)(4))
           CASE WHEN count(*) FILTER (WHERE NOT is_excludable) = 0 THEN 0
                ELSE greatest((100 * count(*) FILTER (WHERE NOT is_excludable AND NOT is_hce))
                              // count(*) FILTER (WHERE NOT is_excludable) - 60, 0) END AS concentration_points_above_60,
           (avg(coalesce((adp_deferrals + employer_allocation) / nullif(testing_compensation, 0), 0))
               FILTER (WHERE NOT is_excludable AND is_hce))::DECIMAL(18,10) AS hce_benefit_percentage,
           (avg(coalesce((adp_deferrals + employer_allocation) / nullif(testing_compensation, 0), 0))
               FILTER (WHERE NOT is_excludable AND NOT is_hce))::DECIMAL(18,10) AS nhce_benefit_percentage
    FROM int_compliance_population
    WHERE simulation_year = getvariable('simulation_year')
),
-- ADP and ACP (IRC 401(k)(3), 401(m)(2); Treas. Reg. 1.401(k)-2, 1.401(m)-2), one computation for both.
ratio_previous_nhce AS (
    -- prior_year method: the NHCEs of Y-1 as Y-1 classified them (NULL in the first simulated year)
    SELECT unnest([{'test_name': 'adp', 'average': avg(adr) FILTER (WHERE eligible_401k AND NOT is_hce)},
                   {'test_name': 'acp', 'average': avg(acr) FILTER (WHERE eligible_acp AND NOT is_hce)}], recursive := true)
    FROM int_compliance_population
    WHERE simulation_year = getvariable('simulation_year') - 1
),
safe_harbor AS (
    -- ADP: a safe-harbor or QACA match formula (401(k)(12)/(13)) is deemed to pass. ACP: that match also
    -- meets 401(m)(11) when no deferral above 6 % of pay is matched and the rate never rises with the
    -- deferral rate (one formula for everyone, no after-tax contributions: the rest of 401(m)(11) holds).
    SELECT d.safe_harbor_match AS adp_exempt, f.match_formula_type AS formula_type,
           coalesce(bool_and(t.match_rate = 0 OR t.employee_max <= 0.06), true)
               AND coalesce(bool_and(t.lower_tier_rate IS NULL OR t.match_rate <= t.lower_tier_rate), true) AS acp_harbor
    FROM param_match_design d CROSS JOIN param_dc_plan f
    LEFT JOIN (SELECT employee_max, match_rate, lag(match_rate) OVER (PARTITION BY band ORDER BY employee_min) AS lower_tier_rate
               FROM param_match_bands) t ON true
    GROUP BY d.safe_harbor_match, f.match_formula_type
),
ratio_baseline AS (
    SELECT g.*, c.testing_method, s.formula_type,
           CASE WHEN c.testing_method = 'current_year' THEN 'current_year_nhce'
                WHEN p.average IS NULL THEN 'three_percent' ELSE 'prior_year_nhce' END AS baseline_source,
           -- first simulated year (no Y-1 NHCE): 3 % (1.401(k)-2(c)(2))
           CASE WHEN c.testing_method = 'current_year' THEN g.nhce_current
                ELSE coalesce(p.average::DECIMAL(18,10), 0.03) END AS nhce_baseline,
           CASE WHEN g.test_name = 'adp' THEN s.adp_exempt ELSE s.adp_exempt AND s.acp_harbor END AS exempt
    FROM (SELECT unnest(ratio_groups, recursive := true) FROM tally) g
    CROSS JOIN param_compliance c CROSS JOIN safe_harbor s
    LEFT JOIN ratio_previous_nhce p USING (test_name)
),
ratio_outcome AS (
    SELECT *,
           exempt OR hce_count = 0 OR nhce_baseline IS NULL OR hce_average <= applied_limit AS passed,
           NOT exempt AND hce_average > applied_limit AS needs_correction
    FROM (SELECT *, greatest(basic_limit, alternative_limit) AS applied_limit
          FROM (SELECT *, 1.25 * nhce_baseline AS basic_limit, least(2 * nhce_baseline, nhce_baseline + 0.02) AS alternative_limit
                FROM ratio_baseline))
),
ratio_hce AS (
    -- Leveling (1.401(k)-2(b)(2)(iv)): the highest HCE ratios come down to one level L, the highest first,
    -- until the HCE average equals the limit. Over the k highest ratios L = (their sum - needed cut) / k;
    -- L is the first such level not below the next ratio.
    SELECT test_name, ratio, testing_compensation,
           ((sum(ratio) OVER w - hce_count * (hce_average - applied_limit)) / row_number() OVER w)::DECIMAL(18,10) AS level,
           lead(ratio) OVER w AS next_ratio, row_number() OVER w AS rank
    FROM (SELECT o.test_name, o.hce_count, o.hce_average, o.applied_limit, m.testing_compensation,
                 CASE o.test_name WHEN 'adp' THEN m.adr ELSE m.acr END AS ratio
          FROM ratio_outcome o
          JOIN int_compliance_population m
            ON m.is_hce AND CASE o.test_name WHEN 'adp' THEN m.eligible_401k ELSE m.eligible_acp END
          WHERE o.needs_correction AND m.simulation_year = getvariable('simulation_year'))
    WHERE ratio IS NOT NULL
    WINDOW w AS (PARTITION BY test_name ORDER BY ratio DESC, testing_compensation DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
ratio_correction AS (
    -- Each HCE above the level gives back (ratio - level) x testing pay, in cents.
    SELECT test_name, level, sum(cut) AS excess, count(*) FILTER (WHERE cut > 0) AS corrected_hce_count
    FROM (SELECT test_name, level, greatest(round((ratio - level) * testing_compensation, 2), 0) AS cut
          FROM (SELECT test_name, ratio, testing_compensation,
                       arg_min(level, rank) FILTER (WHERE next_ratio IS NULL OR level >= next_ratio)
                           OVER (PARTITION BY test_name) AS level
                FROM ratio_hce))
    GROUP BY test_name, level
),
adp_acp_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year, o.test_name, 'plan' AS group_name,
           o.hce_count, o.nhce_count, o.hce_average::DOUBLE AS hce_value, o.nhce_baseline::DOUBLE AS nhce_value,
           CASE WHEN NOT o.exempt THEN o.applied_limit::DOUBLE END AS limit_value,
           CASE WHEN NOT o.exempt THEN (o.applied_limit - o.hce_average)::DOUBLE END AS margin,
           o.passed,
           json_object(
               'unit', 'HCE average ' || o.test_name || ' ratio below the limit, a fraction of testing pay',
               'testing_method', o.testing_method, 'nhce_baseline', o.baseline_source,
               'nhce_current_year_average', o.nhce_current::DOUBLE,
               'basic_limit', o.basic_limit::DOUBLE, 'alternative_limit', o.alternative_limit::DOUBLE,
               'applied_test', CASE WHEN o.basic_limit >= o.alternative_limit THEN 'basic' ELSE 'alternative' END,
               'exempt', CASE WHEN o.exempt THEN o.formula_type END, 'eligible_without_pay', o.without_pay_count,
               'note', CASE WHEN o.exempt THEN 'safe-harbor match: deemed to pass' || CASE o.test_name WHEN 'acp'
                                 THEN ' (401(m)(11): no match above 6 % of pay deferred, rate not rising)' ELSE '' END
                            WHEN o.hce_count = 0 THEN 'no eligible HCE: nothing to test'
                            WHEN o.nhce_baseline IS NULL THEN 'no eligible NHCE: no NHCE average to compare with, treated as passing (the reference reports an error)'
                       END,
               'corrective_excess', coalesce(c.excess, 0), 'corrected_hce_count', coalesce(c.corrected_hce_count, 0),
               'leveled_ratio', c.level::DOUBLE,
               'correction', CASE WHEN c.excess IS NOT NULL THEN
                   'leveling: HCE ratios above leveled_ratio lowered to it; the excess is distributed to the HCEs with the '
                   || 'highest dollar ' || CASE o.test_name WHEN 'adp' THEN 'deferrals' ELSE 'matches' END
                   || ' first, within 2.5 months of year end to avoid the 10 % excise tax (4979); not applied to accounts' END
           )::VARCHAR AS details
    FROM ratio_outcome o
    LEFT JOIN ratio_correction c USING (test_name)
),
-- Coverage (IRC 410(b); Treas. Reg. 1.410(b)-2 ... -7) and the 401(a)(4) general test of nonelective
-- allocations (1.401(a)(4)-2(c)). Both count the nonexcludable employees; a group passes the ratio
-- percentage test (>= 70 %) or else the average benefit test: a nondiscriminatory classification (ratio
-- at least the safe-harbor percentage of the NHCE concentration; between the unsafe and safe harbors
-- facts and circumstances decide, which we do not assume) and an average benefit percentage >= 70 %.
coverage_harbor AS (
    SELECT hce_count, nhce_count, hce_benefit_percentage, nhce_benefit_percentage,
           0.50 - 0.0075 * concentration_points_above_60 AS safe_harbor_percentage,
           greatest(0.40 - 0.0075 * concentration_points_above_60, 0.20) AS unsafe_harbor_percentage,
           -- an HCE average of 0 means no HCE benefits: the ratio test has already passed
           nhce_benefit_percentage >= 0.70 * hce_benefit_percentage AS average_benefit_passes
    FROM tally
),
rate_group AS (
    -- one per nonelective allocation rate of a benefiting HCE (to the nearest 0.01 %, as the population's rates; the
    -- match is tested by the ACP, disaggregated, 1.410(b)-7(c)): everyone whose rate is at least that
    SELECT 'rate_group' AS kind, NULL AS group_name, rate, benefiting_hce, benefiting_nhce
    FROM (SELECT rate, hce_at,
                 sum(hce_at) OVER (ORDER BY rate DESC) AS benefiting_hce,
                 sum(nhce_at) OVER (ORDER BY rate DESC) AS benefiting_nhce
          FROM (SELECT coalesce(pa_pay_ratio(employer_allocation - acp_contributions, testing_compensation), 0) AS rate,
                       count(*) FILTER (WHERE is_hce) AS hce_at, count(*) FILTER (WHERE NOT is_hce) AS nhce_at
                FROM int_compliance_population
                WHERE simulation_year = getvariable('simulation_year') AND NOT is_excludable
                GROUP BY rate))
    WHERE hce_at > 0 AND rate > 0
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
               'ratio_percentage', ratio_percentage, 'passed_by', passed_by,
               'benefiting_hce', benefiting_hce, 'benefiting_nhce', benefiting_nhce, 'classification', classification,
               'safe_harbor_percentage', safe_harbor_percentage::DOUBLE,
               'unsafe_harbor_percentage', unsafe_harbor_percentage::DOUBLE,
               'average_benefit_percentage', nhce_benefit_percentage::DOUBLE / nullif(hce_benefit_percentage::DOUBLE, 0),
               'hce_actual_benefit_percentage', hce_benefit_percentage::DOUBLE,
               'nhce_actual_benefit_percentage', nhce_benefit_percentage::DOUBLE
           ) AS numbers
    FROM (SELECT *,
                 nhce_share / nullif(hce_share, 0) AS ratio_percentage,
                 CASE WHEN benefiting_hce = 0 THEN 'no_hce_benefiting'
                     WHEN nhce_count = 0 THEN 'no_nhce'
                     -- compared in whole counts: a ratio of exactly 70 % passes
                     WHEN 10 * benefiting_nhce * hce_count >= 7 * nhce_count * benefiting_hce THEN 'ratio_percentage'
                     WHEN classification = 'safe_harbor' AND average_benefit_passes THEN 'average_benefit' END AS passed_by
          FROM (SELECT g.kind, g.group_name, g.rate, g.benefiting_hce, g.benefiting_nhce, h.*,
                       g.benefiting_hce::DOUBLE / nullif(h.hce_count, 0) AS hce_share,
                       g.benefiting_nhce::DOUBLE / nullif(h.nhce_count, 0) AS nhce_share,
                       CASE WHEN g.benefiting_nhce * h.hce_count >= h.safe_harbor_percentage * h.nhce_count * g.benefiting_hce
                                THEN 'safe_harbor'
                            WHEN g.benefiting_nhce * h.hce_count >= h.unsafe_harbor_percentage * h.nhce_count * g.benefiting_hce
                                THEN 'facts_and_circumstances'
                            ELSE 'below_unsafe_harbor' END AS classification
                FROM (SELECT 'coverage' AS kind, group_name, NULL::DECIMAL(9,4) AS rate, benefiting_hce, benefiting_nhce
                      FROM (SELECT unnest(portions, recursive := true) FROM tally)
                      UNION ALL SELECT * FROM rate_group) g
                CROSS JOIN coverage_harbor h))
),
coverage_410b_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year, '410b' AS test_name, group_name,
           hce_count, nhce_count, coalesce(hce_share, 0) AS hce_value, coalesce(nhce_share, 0) AS nhce_value,
           0.70::DOUBLE AS limit_value, margin, passed,
           json_merge_patch(numbers, json_object(
               'unit', 'hce_value / nhce_value: shares benefiting; margin: ratio percentage - 0.70, or under the average '
                       || 'benefit test the lesser of ratio - safe harbor and average benefit percentage - 0.70',
               'facts_and_circumstances', 'a classification between the unsafe and safe harbors is not assumed to pass'
           ))::VARCHAR AS details
    FROM coverage_result
    WHERE kind = 'coverage'
),
a4_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year, '401a4' AS test_name, 'plan' AS group_name,
           any_value(h.hce_count) AS hce_count, any_value(h.nhce_count) AS nhce_count,
           -- the worst rate group's numbers: the first of details.rate_groups (the lowest margin, then the
           -- lowest rate, so a tie is settled the same way every run; no group: nobody's rate to test)
           coalesce(first(r.hce_share ORDER BY r.margin, r.rate) FILTER (WHERE r.margin IS NOT NULL), 0) AS hce_value,
           coalesce(first(r.nhce_share ORDER BY r.margin, r.rate) FILTER (WHERE r.margin IS NOT NULL), 0) AS nhce_value,
           0.70::DOUBLE AS limit_value, min(r.margin) AS margin,
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
    CROSS JOIN (
        -- uniform allocation safe harbor (1.401(a)(4)-2(b)(2)): one flat core rate, no permitted disparity,
        -- no forfeitures reallocated (they go pro rata to a different group)
        SELECT coalesce(bool_and(s.measure = 'flat'), false) AND any_value(i.n) = 0
                   AND any_value(f.policy) <> 'reallocate_to_participants' AS uniform_allocation
        FROM param_core_schedule s, param_forfeitures f, (SELECT count(*) AS n FROM param_core_integration) i) d
    LEFT JOIN coverage_result r ON r.kind = 'rate_group'
),
-- Top-heavy (IRC 416(g); B.6): the status int_top_heavy_minimum determined from the balances at Dec 31
-- of Y-1 and the minimum owed to the non-key employees in a top-heavy year. hce_count / nhce_count are
-- the key / non-key employees counted at the determination date; hce_value the key share of their
-- balances (nhce_value the rest); margin = 0.60 - key share; passed = not top-heavy.
top_heavy_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year, '416_top_heavy' AS test_name, 'plan' AS group_name,
           key_count AS hce_count, non_key_count AS nhce_count,
           (key_balance / nullif(total_balance, 0))::DOUBLE AS hce_value,
           (1 - key_balance / nullif(total_balance, 0))::DOUBLE AS nhce_value, 0.60::DOUBLE AS limit_value,
           (0.60 - key_balance / nullif(total_balance, 0))::DOUBLE AS margin, NOT is_top_heavy_year AS passed,
           json_object(
               'unit', 'hce_count / nhce_count: key / non-key employees at the determination date; hce_value: the key '
                       || 'employees'' share of the balances; margin: 0.60 - that share',
               'determination_date', make_date(getvariable('simulation_year')::INTEGER - 1, 12, 31)::VARCHAR,
               'key_balance', key_balance, 'total_balance', total_balance, 'top_heavy', is_top_heavy_year,
               'exempt', CASE WHEN safe_harbor_exempt THEN 'safe_harbor_only (416(g)(4)(H))' END,
               'minimum_rate', minimum_rate, 'minimum_owed_total', minimum_owed_total, 'shortfall_total', shortfall_total,
               'count_owed', count_owed, 'added_as_core_total', added_as_core_total
           )::VARCHAR AS details
    FROM (SELECT count(*) FILTER (WHERE determination_key_employee) AS key_count,
                 count(*) FILTER (WHERE NOT determination_key_employee) AS non_key_count,
                 coalesce(sum(determination_balance) FILTER (WHERE determination_key_employee), 0) AS key_balance,
                 coalesce(sum(determination_balance), 0) AS total_balance,
                 coalesce(bool_or(is_top_heavy_year), false) AS is_top_heavy_year,
                 coalesce(bool_or(safe_harbor_exempt), false) AS safe_harbor_exempt,
                 coalesce(max(minimum_rate), 0) AS minimum_rate, coalesce(sum(required_amount), 0) AS minimum_owed_total,
                 coalesce(sum(shortfall), 0) AS shortfall_total, count(*) FILTER (WHERE shortfall > 0) AS count_owed,
                 coalesce(sum(added_as_core), 0) AS added_as_core_total
          FROM int_top_heavy_minimum
          WHERE simulation_year = getvariable('simulation_year'))
),
-- 415(c) annual additions (B.7): the limit is applied where the contributions are computed (the core
-- cut first, then the match); this row reports the year's cuts. Always passes (hce_count ... margin: NULL).
annual_additions_rows AS (
    SELECT getvariable('simulation_year')::INTEGER AS simulation_year, '415c' AS test_name, 'plan' AS group_name, true AS passed,
           json_object(
               'unit', 'dollars cut from the employer money to keep each employee''s annual additions within the limit '
                       || '(the lesser of the dollar limit and 100 % of pay): applied, so the test passes',
               'match_415_reduction', coalesce(sum(match_cut), 0), 'match_corrections', count(*) FILTER (WHERE match_cut > 0),
               'core_415_reduction', coalesce(sum(core_cut), 0), 'core_corrections', count(*) FILTER (WHERE core_cut > 0),
               'employees_corrected', count(*)
           )::VARCHAR AS details
    FROM (SELECT employee_id, sum(match_cut) AS match_cut, sum(core_cut) AS core_cut
          FROM (SELECT employee_id, match_415_reduction AS match_cut, 0 AS core_cut FROM int_employee_match_calculations
                WHERE simulation_year = getvariable('simulation_year') AND match_415_reduction > 0
                UNION ALL
                SELECT employee_id, 0, core_415_reduction FROM int_employer_core_contributions
                WHERE simulation_year = getvariable('simulation_year') AND core_415_reduction > 0)
          GROUP BY employee_id)
)

SELECT * FROM adp_acp_rows
UNION ALL BY NAME SELECT * FROM coverage_410b_rows
UNION ALL BY NAME SELECT * FROM a4_rows
UNION ALL BY NAME SELECT * FROM top_heavy_rows
UNION ALL BY NAME SELECT * FROM annual_additions_rows
