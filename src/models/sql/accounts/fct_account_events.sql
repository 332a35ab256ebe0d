-- Money moving in or out of the accounts as events, one per employee, year, type and source:
--   forfeiture               the unvested part of a leaver's match, true_up or core (fct_account_balances)
--   distribution             a leaver's vested balance paid out, per source
--   match_true_up            the year-end true-up of the match (int_employee_match_calculations)
--   forfeiture_reallocation  a participant's share of the forfeiture account, credited to core
-- The amount is in compensation_amount. A forfeiture or distribution in the termination year is dated
-- at the termination; the rest (a forfeiture after five breaks, true-ups, reallocations) at Dec 31.
-- Outside fct_yearly_events, as fct_employer_match_events: the workforce's event log is built before
-- the contributions. event_id hashes the scenario, plan design, employee, type, source and year.
WITH moves AS (
    SELECT employee_id, 'forfeiture' AS event_type, source, forfeitures AS amount FROM fct_account_balances
    WHERE simulation_year = getvariable('simulation_year') AND forfeitures <> 0
    UNION ALL
    SELECT employee_id, 'distribution', source, distributions FROM fct_account_balances
    WHERE simulation_year = getvariable('simulation_year') AND distributions <> 0
    UNION ALL
    SELECT employee_id, 'match_true_up', 'true_up', match_true_up_amount FROM int_employee_match_calculations
    WHERE simulation_year = getvariable('simulation_year') AND match_true_up_amount <> 0
    UNION ALL
    SELECT employee_id, 'forfeiture_reallocation', 'core', amount FROM int_forfeiture_reallocations
    WHERE simulation_year = getvariable('simulation_year') AND amount <> 0
)
SELECT
    'ACCT_' || substr(md5(p.scenario_id || '_' || p.plan_design_id || '_' || m.employee_id || '_' || m.event_type
                          || '_' || m.source || '_' || getvariable('simulation_year')), 1, 24) AS event_id,
    p.scenario_id,
    p.plan_design_id,
    m.employee_id,
    m.event_type,
    getvariable('simulation_year')::INTEGER AS simulation_year,
    CASE WHEN m.event_type IN ('forfeiture', 'distribution') THEN coalesce(e.termination_date, make_date(getvariable('simulation_year'), 12, 31))
         ELSE make_date(getvariable('simulation_year'), 12, 31) END AS effective_date,
    m.source,
    m.amount::DECIMAL(18,2) AS compensation_amount,
    json_object('source', m.source, 'amount', m.amount, 'termination_date', e.termination_date)::VARCHAR AS event_details,
    CASE m.event_type WHEN 'match_true_up' THEN 'employer_match' ELSE 'account' END AS event_category
FROM moves m
LEFT JOIN int_plan_eligibility e ON e.employee_id = m.employee_id AND e.simulation_year = getvariable('simulation_year')
CROSS JOIN param_simulation p
