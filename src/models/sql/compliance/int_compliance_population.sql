-- The population of the year's compliance tests (issue 15; compliance-testing.md B.1-B.6): one row per
-- employee of the year's DC-plan population (everyone employed at any time in the year), with
--   lookback_compensation  pay received in the look-back year Y-1: the previous snapshot's prorated pay;
--                          in the first simulated year the census gross pay; a hire of Y: 0
--   testing_compensation   414(s) pay: the year's prorated pay capped at 401(a)(17)
--   is_hce                 IRC 414(q): a 5 % owner (census ownership_pct > 0.05; the one census value
--                          stands for Y and Y-1), or look-back pay above the HCE threshold of the
--                          look-back year (param_irs_limits.lookback_hce_compensation_threshold) and,
--                          with compliance.top_paid_group_election, in the top-paid group: the year's
--                          employees ranked by look-back pay, as many as 20 % of the non-excludable ones
--                          (rounded half up; 1.414(q)-1T A-9: the excluded are left out of the count,
--                          not of the ranking), everyone tied with the last place in (A-3(b): any
--                          uniform rule); 414(q)(5)'s exclusions are taken as is_excludable's
--   is_key_employee        IRC 416(i)(1)(A), during plan year Y (pay and threshold of Y): a 5 % owner;
--                          an officer paid above the key-employee threshold, at most 50 officers or,
--                          if fewer, the greater of 3 and 10 % of the non-excludable employees (rounded
--                          up), highest paid first (ties: all in); a 1 % owner (> 0.01) paid above $150,000
--   is_excludable          1.410(b)-6: under 21 at Dec 31, under a year of service (int_vesting_service:
--                          the vesting service method's whole years, by Dec 31 or the termination), or
--                          a leaver of the year with no more than 500 hours
--   eligible_401k          plan-eligible in Y; eligible_401m: also eligible for a match allocation (nobody
--                          while employer_match.enabled is false: no 401(m) plan to benefit under), the
--                          410(b) 401(m) portion's benefiting; eligible_acp: also meets the match's
--                          service, waiting-period and age conditions, whether or not its allocation
--                          conditions (hours, active on Dec 31) are met: the ACP's eligible employees
--                          (1.401(m)-5: one failing only an allocation condition counts, at 0 %);
--   benefiting_nonelective core (with reallocated forfeitures) > 0
--   adp_deferrals          pre-tax + Roth deferrals less catch-up (the deferrals up to the 402(g) limit)
--   acp_contributions      match incl. true-up; employer_allocation: match + core + reallocated
--                          forfeitures, before any top-heavy minimum added as core (int_top_heavy_minimum)
--   adr / acr / allocation_rate  amount / testing_compensation to the nearest 0.01 %, exactly (halves up;
--                          NULL for pay 0)
WITH y AS (
    SELECT getvariable('simulation_year')::INTEGER AS yr
),
settings AS (SELECT c.top_paid_group_election, m.match_enabled FROM param_compliance c CROSS JOIN param_match_design m),
limits AS (
    SELECT lookback_hce_compensation_threshold, key_employee_compensation_threshold
    FROM param_irs_limits WHERE simulation_year = getvariable('simulation_year')
),
population AS (
    SELECT employee_id, employee_birth_date, termination_date, is_eligible
    FROM int_plan_eligibility WHERE simulation_year = getvariable('simulation_year')
),
lookback AS (
    SELECT employee_id, prorated_annual_compensation AS pay FROM fct_workforce_snapshot
    WHERE simulation_year = getvariable('simulation_year') - 1
    UNION ALL
    SELECT employee_id, employee_gross_compensation FROM stg_census_data
    WHERE getvariable('simulation_year') = getvariable('start_year')
),
pay AS (
    SELECT employee_id, prorated_annual_compensation AS year_pay, eligible_compensation AS testing_compensation,
           annual_additions_deferrals AS adp_deferrals
    FROM int_employee_contributions WHERE simulation_year = getvariable('simulation_year')
),
people AS (
    SELECT pop.employee_id, pop.is_eligible,
           coalesce(lb.pay, 0)::DECIMAL(18,2) AS lookback_compensation,
           coalesce(p.year_pay, 0) AS year_pay,
           coalesce(p.testing_compensation, 0)::DECIMAL(18,2) AS testing_compensation,
           coalesce(p.adp_deferrals, 0)::DECIMAL(18,2) AS adp_deferrals,
           coalesce(m.employer_match_amount, 0)::DECIMAL(18,2) AS acp_contributions,
           coalesce(k.employer_core_amount, 0) + coalesce(f.amount, 0) AS core_contributions,
           (coalesce(m.employer_match_amount, 0) + coalesce(k.employer_core_amount, 0) + coalesce(f.amount, 0))::DECIMAL(18,2) AS employer_allocation,
           coalesce(c.is_officer, false) AS is_officer,
           coalesce(c.ownership_pct, 0) AS ownership_pct,
           coalesce(ee.eligible_for_match, false) AS eligible_for_match,
           coalesce(ee.match_eligibility_met, false) AS match_eligibility_met,
           datesub('year', pop.employee_birth_date, pa_year_end(y.yr)) < 21
               OR v.vesting_service_years < 1
               OR (pop.termination_date IS NOT NULL AND ee.annual_hours_worked <= 500) AS is_excludable
    FROM population pop
    CROSS JOIN y
    LEFT JOIN lookback lb USING (employee_id)
    LEFT JOIN pay p USING (employee_id)
    -- the employer money before the top-heavy minimum (int_top_heavy_minimum reads this table), so
    -- without what it adds as core; a row each per employee and year (as fct_workforce_snapshot reads them)
    LEFT JOIN int_employee_match_calculations m
           ON m.employee_id = pop.employee_id AND m.simulation_year = getvariable('simulation_year')
    LEFT JOIN int_employer_core_contributions k
           ON k.employee_id = pop.employee_id AND k.simulation_year = getvariable('simulation_year')
    -- forfeitures.policy reallocate_to_participants: allocated like core (as fct_account_balances does)
    LEFT JOIN int_forfeiture_reallocations f USING (employee_id)
    -- the census's officers and owners only (anyone else is neither: a smaller table to join)
    LEFT JOIN (SELECT employee_id, is_officer, ownership_pct FROM stg_census_data WHERE is_officer OR ownership_pct <> 0) c
           USING (employee_id)
    LEFT JOIN int_employer_eligibility ee
           ON ee.employee_id = pop.employee_id AND ee.simulation_year = getvariable('simulation_year')
    LEFT JOIN int_vesting_service v
           ON v.employee_id = pop.employee_id AND v.simulation_year = getvariable('simulation_year')
),
-- The top-paid group and the officer limit as pay thresholds: ranked within the first n, ties in, is paid
-- at least the n-th highest pay (NULL: n is 0, or more than there are). An aggregate, not a rank() window,
-- which sorted every row (and a filtered count() OVER () runs row by row).
thresholds AS (
    SELECT list_sort(list(lookback_compensation), 'DESC')[round(0.2 * count(*) FILTER (WHERE NOT is_excludable))::BIGINT]
               AS top_paid_threshold,
           list_sort(list(year_pay) FILTER (WHERE is_officer), 'DESC')
               [least(50, greatest(3, ceil(0.1 * count(*) FILTER (WHERE NOT is_excludable))))::BIGINT] AS officer_threshold
    FROM people
),
classified AS (
    SELECT r.*, s.match_enabled,
           r.ownership_pct > 0.05 AS five_percent_owner,
           r.lookback_compensation > l.lookback_hce_compensation_threshold
               AND (NOT s.top_paid_group_election OR coalesce(r.lookback_compensation >= t.top_paid_threshold, false))
               AS hce_by_pay,
           -- fewer officers than the limit: all of them
           r.is_officer AND coalesce(r.year_pay >= t.officer_threshold, true)
               AND r.year_pay > l.key_employee_compensation_threshold AS key_officer,
           r.ownership_pct > 0.01 AND r.year_pay > 150000 AS key_one_percent_owner
    FROM people r CROSS JOIN thresholds t CROSS JOIN limits l CROSS JOIN settings s
)
SELECT
    employee_id,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    lookback_compensation,
    testing_compensation,
    five_percent_owner OR hce_by_pay AS is_hce,
    CASE WHEN five_percent_owner THEN '5_percent_owner' WHEN hce_by_pay THEN 'compensation' END AS hce_reason,
    five_percent_owner OR key_officer OR key_one_percent_owner AS is_key_employee,
    CASE WHEN five_percent_owner THEN '5_percent_owner' WHEN key_officer THEN 'officer'
         WHEN key_one_percent_owner THEN '1_percent_owner' END AS key_reason,
    is_excludable,
    is_eligible AS eligible_401k,
    is_eligible AND eligible_for_match AND match_enabled AS eligible_401m,
    is_eligible AND match_eligibility_met AND match_enabled AS eligible_acp,
    core_contributions > 0 AS benefiting_nonelective,
    adp_deferrals,
    acp_contributions,
    employer_allocation,
    pa_pay_ratio(adp_deferrals, testing_compensation) AS adr,
    pa_pay_ratio(acp_contributions, testing_compensation) AS acr,
    pa_pay_ratio(employer_allocation, testing_compensation) AS allocation_rate
FROM classified
