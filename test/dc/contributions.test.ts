import { describe, expect, it } from 'vitest';
import { configWith, type EmployeeInput, fullYear, runDcModels } from './support.js';

/**
 * Employee deferrals, employer match and employer core for 2025, through the real SQL models
 * (int_employer_eligibility -> int_employee_contributions -> int_employee_match_calculations ->
 * int_employer_core_contributions) on hand-built inputs. Every expected amount is worked out by hand
 * from the inputs, never read back from the models.
 *
 * 2025 facts used below: 365 days; 402(g) limit 23,500; catch-up 7,500 from age 50; SECURE 2.0
 * catch-up 11,250 at ages 60-63; 401(a)(17) compensation limit 350,000; hours = round(days x 2080 /
 * 365); match and core need 1,000 hours and employment on Dec 31 (new hires allowed); core 1 %.
 * A salary of 73,000 is 200 a day, 80,300 is 220 a day, so partial-year pay is exact.
 *
 * Day counts in 2025: Jan 1-Mar 31 = 90, Apr 1-Dec 31 = 275, Jan 1-Apr 30 = 120, Apr 1-Jun 30 = 91,
 * Jan 1-Jun 30 = 181, Jul 1-Dec 31 = 184, Jan 1-Sep 30 = 273, Oct 1-Dec 31 = 92, Jan 1-Oct 31 = 304,
 * Feb 1-Nov 30 = 303, Jul 9-Dec 31 = 176, Jul 10-Dec 31 = 175.
 */


describe('match formulas on a full year of 100,000 (rates below, at and above each tier edge)', () => {
  // [formula, id, deferral rate, deferrals = 100,000 x rate, match by hand]
  const cases: Array<[string, string, string, string, string]> = [
    // simple_match: 50 % of deferrals on the first 6 % of pay
    ['simple_match', 'S03', '0.03', '3000.00', '1500.00'], // 0.5 x 3,000
    ['simple_match', 'S06', '0.06', '6000.00', '3000.00'], // 0.5 x 6,000
    ['simple_match', 'S09', '0.09', '9000.00', '3000.00'], // 0.5 x min(9,000, 6,000)
    // tiered_match: 100 % on 0-3 %, 50 % on 3-5 %, cap 4 % of pay
    ['tiered_match', 'T02', '0.02', '2000.00', '2000.00'], // 1.0 x 2,000
    ['tiered_match', 'T03', '0.03', '3000.00', '3000.00'], // 1.0 x 3,000
    ['tiered_match', 'T04', '0.04', '4000.00', '3500.00'], // 3,000 + 0.5 x 1,000
    ['tiered_match', 'T05', '0.05', '5000.00', '4000.00'], // 3,000 + 0.5 x 2,000
    ['tiered_match', 'T07', '0.07', '7000.00', '4000.00'], // 3,000 + 0.5 x (5,000 - 3,000); cap 4,000
    // stretch_match: 25 % on 0-12 %, cap 3 % of pay
    ['stretch_match', 'X10', '0.10', '10000.00', '2500.00'], // 0.25 x 10,000
    ['stretch_match', 'X12', '0.12', '12000.00', '3000.00'], // 0.25 x 12,000
    ['stretch_match', 'X15', '0.15', '15000.00', '3000.00'], // 0.25 x min(15,000, 12,000)
  ];
  const formulas: Array<[string, string]> = [
    ['simple_match', 'simple'],
    ['tiered_match', 'tiered'],
    ['stretch_match', 'tiered'],
  ];

  it.each(formulas)('%s', async (formula, formulaType) => {
    const rows = cases.filter(([f]) => f === formula);
    const result = await runDcModels(
      rows.map(([, id, rate]) => fullYear(id, '100000', rate)),
      configWith(formula),
    );
    for (const [, id, rate, deferrals, match] of rows) {
      const c = result.contributions[id]!;
      expect(c, id).toMatchObject({
        prorated_annual_compensation: '100000.00',
        eligible_compensation: '100000.00',
        total_contribution_base_compensation: '100000.00',
        requested_contribution: deferrals,
        annual_contribution_amount: deferrals,
        applicable_irs_limit: '23500.00',
        limit_type: 'BASE',
        irs_limit_applied: false,
        compensation_limit_applied: false,
        contribution_quality_flag: 'NORMAL',
        first_contribution_date: '2025-01-01',
        last_contribution_date: '2025-12-31',
      });
      expect(Number(c.effective_annual_deferral_rate), id).toBeCloseTo(Number(rate), 12);
      expect(Number(c.year_end_deferral_rate), id).toBe(Number(rate));
      expect(result.eligibility[id], id).toMatchObject({
        annual_hours_worked: 2080,
        eligible_for_match: true,
        match_eligibility_reason: 'eligible',
        eligible_for_core: true,
      });
      expect(result.match[id], id).toMatchObject({
        formula_id: formula,
        formula_type: formulaType,
        eligible_compensation: '100000.00',
        annual_deferrals: deferrals,
        capped_match_amount: match,
        employer_match_amount: match,
        match_status: 'calculated',
      });
      expect(result.core[id], id).toMatchObject({ employer_core_amount: '1000.00', eligible_for_core: true }); // 1 % x 100,000
    }
  });
});

describe('402(g) limit with age-based catch-up (age attained by Dec 31, 2025)', () => {
  // [id, birth date, age in 2025, salary, rate, requested, limit type, applicable limit, deferrals, limited?, simple match]
  const cases: Array<[string, string, number, string, string, string, string, string, string, boolean, string]> = [
    // 300,000 x 15 % = 45,000 requested; match 0.5 x min(deferrals, 6 % x 300,000 = 18,000) = 9,000
    ['A45', '1980-03-15', 45, '300000', '0.15', '45000.00', 'BASE', '23500.00', '23500.00', true, '9000.00'],
    ['A55', '1970-03-15', 55, '300000', '0.15', '45000.00', 'CATCH_UP', '31000.00', '31000.00', true, '9000.00'], // 23,500 + 7,500
    ['A61', '1964-03-15', 61, '300000', '0.15', '45000.00', 'SUPER_CATCH_UP', '34750.00', '34750.00', true, '9000.00'], // 23,500 + 11,250
    // age boundaries (birthdays on the edges of the year)
    ['B49', '1976-01-01', 49, '300000', '0.15', '45000.00', 'BASE', '23500.00', '23500.00', true, '9000.00'],
    ['B50', '1975-12-31', 50, '300000', '0.15', '45000.00', 'CATCH_UP', '31000.00', '31000.00', true, '9000.00'],
    ['B59', '1966-06-30', 59, '300000', '0.15', '45000.00', 'CATCH_UP', '31000.00', '31000.00', true, '9000.00'],
    ['B60', '1965-12-31', 60, '300000', '0.15', '45000.00', 'SUPER_CATCH_UP', '34750.00', '34750.00', true, '9000.00'],
    ['B63', '1962-01-01', 63, '300000', '0.15', '45000.00', 'SUPER_CATCH_UP', '34750.00', '34750.00', true, '9000.00'],
    ['B64', '1961-12-31', 64, '300000', '0.15', '45000.00', 'CATCH_UP', '31000.00', '31000.00', true, '9000.00'],
    // above the base limit but inside the catch-up room: 150,000 x 18 % = 27,000 (not limited)
    ['C55', '1970-03-15', 55, '150000', '0.18', '27000.00', 'CATCH_UP', '31000.00', '27000.00', false, '4500.00'], // 0.5 x 9,000
    // the same deferral at 45 is cut to 23,500
    ['C45', '1980-03-15', 45, '150000', '0.18', '27000.00', 'BASE', '23500.00', '23500.00', true, '4500.00'],
    // catch-up age, well below any limit: 100,000 x 20 % = 20,000
    ['D55', '1970-03-15', 55, '100000', '0.20', '20000.00', 'CATCH_UP', '31000.00', '20000.00', false, '3000.00'], // 0.5 x 6,000
  ];

  it('caps deferrals at the base limit plus the catch-up of the age reached in 2025', async () => {
    const result = await runDcModels(
      cases.map(([id, birth, , salary, rate]) => fullYear(id, salary, rate, birth)),
      configWith('simple_match'),
    );
    for (const [id, , age, salary, , requested, limitType, limit, deferrals, limited, match] of cases) {
      const c = result.contributions[id]!;
      expect(c, id).toMatchObject({
        age_at_year_end: String(age),
        eligible_compensation: `${salary}.00`,
        requested_contribution: requested,
        annual_contribution_amount: deferrals,
        applicable_irs_limit: limit,
        limit_type: limitType,
        irs_limit_applied: limited,
        contribution_quality_flag: limited ? 'IRS_LIMITED' : 'NORMAL',
        compensation_limit_applied: false,
      });
      // amount cut = requested - deferrals (e.g. 45,000 - 31,000 = 14,000)
      expect(Number(c.amount_capped_by_irs_limit), id).toBe(Number(requested) - Number(deferrals));
      expect(Number(c.effective_annual_deferral_rate), id).toBeCloseTo(Number(deferrals) / Number(salary), 12);
      expect(result.match[id], id).toMatchObject({ annual_deferrals: deferrals, employer_match_amount: match });
    }
  });

  it('tiered match on a capped deferral uses the capped amount', async () => {
    // 300,000 x 15 % = 45,000 -> 23,500 at 45. Tiers: 1.0 x 3 % x 300,000 = 9,000, then
    // 0.5 x (min(23,500, 15,000) - 9,000) = 3,000 -> 12,000 = the 4 % cap.
    // At 6 % (18,000 requested, no cap): 9,000 + 0.5 x (15,000 - 9,000) = 12,000 as well;
    // at 4 % (12,000): 9,000 + 0.5 x 3,000 = 10,500.
    const result = await runDcModels(
      [fullYear('T15', '300000', '0.15'), fullYear('T06', '300000', '0.06'), fullYear('T04', '300000', '0.04')],
      configWith('tiered_match'),
    );
    expect(result.match.T15).toMatchObject({ annual_deferrals: '23500.00', employer_match_amount: '12000.00' });
    expect(result.match.T06).toMatchObject({ annual_deferrals: '18000.00', employer_match_amount: '12000.00' });
    expect(result.match.T04).toMatchObject({ annual_deferrals: '12000.00', employer_match_amount: '10500.00' });
  });
});

describe('401(a)(17) compensation limit', () => {
  it('bases deferrals, match and core on at most 350,000 of pay', async () => {
    const result = await runDcModels(
      [
        fullYear('K04', '500000', '0.04'), // base 350,000; 4 % -> 14,000; match 0.5 x 14,000 = 7,000; core 3,500
        fullYear('K10', '500000', '0.10'), // 10 % of 350,000 = 35,000 -> 402(g) 23,500; match 0.5 x 6 % x 350,000 = 10,500
        fullYear('K35', '350000', '0.04'), // exactly at the limit: not applied; 14,000; 7,000; 3,500
      ],
      configWith('simple_match'),
    );
    expect(result.contributions.K04).toMatchObject({
      prorated_annual_compensation: '500000.00',
      compensation_limit: '350000.00',
      eligible_compensation: '350000.00',
      total_contribution_base_compensation: '350000.00',
      compensation_limit_applied: true,
      requested_contribution: '14000.00',
      annual_contribution_amount: '14000.00',
      irs_limit_applied: false,
    });
    expect(Number(result.contributions.K04!.effective_annual_deferral_rate)).toBeCloseTo(0.04, 12); // 14,000 / 350,000
    expect(result.match.K04).toMatchObject({ eligible_compensation: '350000.00', employer_match_amount: '7000.00' });
    expect(result.core.K04).toMatchObject({ eligible_compensation: '350000.00', employer_core_amount: '3500.00' });

    expect(result.contributions.K10).toMatchObject({
      eligible_compensation: '350000.00',
      compensation_limit_applied: true,
      requested_contribution: '35000.00',
      annual_contribution_amount: '23500.00',
      amount_capped_by_irs_limit: '11500.00', // 35,000 - 23,500
      irs_limit_applied: true,
      limit_type: 'BASE',
    });
    expect(Number(result.contributions.K10!.effective_annual_deferral_rate)).toBeCloseTo(23500 / 350000, 12);
    expect(result.match.K10).toMatchObject({ employer_match_amount: '10500.00' });
    expect(result.core.K10).toMatchObject({ employer_core_amount: '3500.00' });

    expect(result.contributions.K35).toMatchObject({
      eligible_compensation: '350000.00',
      compensation_limit_applied: false,
      annual_contribution_amount: '14000.00',
    });
    expect(result.match.K35).toMatchObject({ employer_match_amount: '7000.00' });
    expect(result.core.K35).toMatchObject({ employer_core_amount: '3500.00' });
  });
});

describe('partial years: hires and terminations', () => {
  const hire = (id: string, date: string, rate: string): EmployeeInput => ({
    id,
    birthDate: '1995-05-05',
    hireDate: date,
    isNewHire: true,
    tenure: 0,
    salary: '73000',
    startRate: '0',
    events: [{ type: 'enrollment', date, rate }],
  });

  it('prorates a mid-year hire and applies the 1,000-hour rule at its edge', async () => {
    const result = await runDcModels(
      [
        hire('H0701', '2025-07-01', '0.05'), // 184 days
        hire('H0709', '2025-07-09', '0.05'), // 176 days
        hire('H0710', '2025-07-10', '0.05'), // 175 days
      ],
      configWith('simple_match'),
    );
    // Jul 1: 73,000 x 184 / 365 = 36,800; 5 % -> 1,840; hours 184 x 2080 / 365 = 1,048.5 -> 1,049;
    // match 0.5 x 1,840 = 920; core 1 % x 36,800 = 368
    expect(result.contributions.H0701).toMatchObject({
      prorated_annual_compensation: '36800.00',
      eligible_compensation: '36800.00',
      annual_contribution_amount: '1840.00',
      year_end_deferral_rate: '0.05000',
      first_contribution_date: '2025-07-01',
      last_contribution_date: '2025-12-31',
    });
    expect(Number(result.contributions.H0701!.effective_annual_deferral_rate)).toBeCloseTo(0.05, 12);
    expect(result.eligibility.H0701).toMatchObject({
      employment_status: 'active',
      is_new_hire: true,
      annual_hours_worked: 1049,
      eligible_for_match: true,
      match_eligibility_reason: 'eligible',
      eligible_for_core: true,
    });
    expect(result.match.H0701).toMatchObject({ employer_match_amount: '920.00', match_status: 'calculated' });
    expect(result.core.H0701).toMatchObject({ employer_core_amount: '368.00' });

    // Jul 9: 200 x 176 = 35,200; 5 % -> 1,760; hours 176 x 2080 / 365 = 1,002.96 -> 1,003 (eligible);
    // match 880; core 352
    expect(result.contributions.H0709).toMatchObject({ eligible_compensation: '35200.00', annual_contribution_amount: '1760.00' });
    expect(result.eligibility.H0709).toMatchObject({ annual_hours_worked: 1003, eligible_for_match: true, eligible_for_core: true });
    expect(result.match.H0709).toMatchObject({ employer_match_amount: '880.00' });
    expect(result.core.H0709).toMatchObject({ employer_core_amount: '352.00' });

    // Jul 10: 200 x 175 = 35,000; 5 % -> 1,750; hours 175 x 2080 / 365 = 997.26 -> 997 (short of 1,000);
    // the formula gives 875 but no match and no core is paid
    expect(result.contributions.H0710).toMatchObject({ eligible_compensation: '35000.00', annual_contribution_amount: '1750.00' });
    expect(result.eligibility.H0710).toMatchObject({
      annual_hours_worked: 997,
      eligible_for_match: false,
      match_eligibility_reason: 'insufficient_hours',
      eligible_for_core: false,
      core_eligibility_reason: 'insufficient_hours',
    });
    expect(result.match.H0710).toMatchObject({
      capped_match_amount: '875.00',
      employer_match_amount: '0.00',
      match_status: 'ineligible',
      eligible_for_match: false,
      match_eligibility_reason: 'insufficient_hours',
    });
    expect(result.core.H0710).toMatchObject({ employer_core_amount: '0.00', eligible_for_core: false });
  });

  const terminated = (id: string, termination: string): EmployeeInput => ({
    id,
    birthDate: '1985-08-08',
    hireDate: '2018-03-01',
    tenure: 6,
    terminationDate: termination,
    salary: '73000',
    startRate: '0.06',
  });

  it('prorates a termination and pays neither match nor core (default eligibility)', async () => {
    const result = await runDcModels(
      [
        terminated('E0430', '2025-04-30'), // 120 days
        terminated('E1031', '2025-10-31'), // 304 days
        {
          // a new hire who leaves in the year: Feb 1 - Nov 30 = 303 days
          id: 'N1130',
          birthDate: '1995-05-05',
          hireDate: '2025-02-01',
          terminationDate: '2025-11-30',
          isNewHire: true,
          tenure: 0,
          salary: '73000',
          startRate: '0',
          events: [{ type: 'enrollment', date: '2025-02-01', rate: '0.06' }],
        },
      ],
      configWith('simple_match'),
    );
    // Apr 30: 200 x 120 = 24,000; 6 % -> 1,440; hours 120 x 2080 / 365 = 683.8 -> 684
    expect(result.contributions.E0430).toMatchObject({
      prorated_annual_compensation: '24000.00',
      eligible_compensation: '24000.00',
      annual_contribution_amount: '1440.00',
      first_contribution_date: '2025-01-01',
      last_contribution_date: '2025-04-30',
    });
    expect(Number(result.contributions.E0430!.effective_annual_deferral_rate)).toBeCloseTo(0.06, 12);
    expect(result.eligibility.E0430).toMatchObject({
      employment_status: 'terminated',
      annual_hours_worked: 684,
      eligible_for_match: false,
      match_eligibility_reason: 'insufficient_hours', // hours are checked first
      eligible_for_core: false,
      core_eligibility_reason: 'insufficient_hours',
    });
    expect(result.match.E0430).toMatchObject({
      capped_match_amount: '720.00', // 0.5 x 1,440, before eligibility
      employer_match_amount: '0.00',
      eligible_for_match: false,
      match_eligibility_reason: 'insufficient_hours',
      match_status: 'ineligible',
    });
    expect(result.core.E0430).toMatchObject({ employer_core_amount: '0.00', eligible_for_core: false });

    // Oct 31: 200 x 304 = 60,800; 6 % -> 3,648; hours 304 x 2080 / 365 = 1,732.4 -> 1,732 (enough),
    // but not employed on Dec 31
    expect(result.contributions.E1031).toMatchObject({ eligible_compensation: '60800.00', annual_contribution_amount: '3648.00' });
    expect(result.eligibility.E1031).toMatchObject({
      employment_status: 'terminated',
      annual_hours_worked: 1732,
      eligible_for_match: false,
      match_eligibility_reason: 'inactive_eoy',
      eligible_for_core: false,
      core_eligibility_reason: 'inactive_eoy',
    });
    expect(result.match.E1031).toMatchObject({ capped_match_amount: '1824.00', employer_match_amount: '0.00', match_status: 'ineligible' });
    expect(result.core.E1031).toMatchObject({ employer_core_amount: '0.00' });

    // new-hire termination: 200 x 303 = 60,600; 6 % -> 3,636; hours 303 x 2080 / 365 = 1,726.7 -> 1,727
    expect(result.contributions.N1130).toMatchObject({
      eligible_compensation: '60600.00',
      annual_contribution_amount: '3636.00',
      first_contribution_date: '2025-02-01',
      last_contribution_date: '2025-11-30',
    });
    expect(result.eligibility.N1130).toMatchObject({
      annual_hours_worked: 1727,
      eligible_for_match: false,
      match_eligibility_reason: 'inactive_eoy',
      eligible_for_core: false,
    });
    expect(result.match.N1130).toMatchObject({ employer_match_amount: '0.00' });
    expect(result.core.N1130).toMatchObject({ employer_core_amount: '0.00' });
  });

  it('pays experienced terminations when the config allows them and does not require year-end employment (new-hire terminations still excluded)', async () => {
    const result = await runDcModels(
      [
        terminated('E1031', '2025-10-31'),
        terminated('E0430', '2025-04-30'),
        {
          id: 'N1130',
          birthDate: '1995-05-05',
          hireDate: '2025-02-01',
          terminationDate: '2025-11-30',
          isNewHire: true,
          tenure: 0,
          salary: '73000',
          startRate: '0',
          events: [{ type: 'enrollment', date: '2025-02-01', rate: '0.06' }],
        },
      ],
      configWith('simple_match', (raw) => {
        for (const block of [raw.employer_match.eligibility, raw.employer_core_contribution.eligibility]) {
          block.require_active_at_year_end = false;
          block.allow_experienced_terminations = true;
        }
      }),
    );
    // E1031: match 0.5 x 3,648 = 1,824; core 1 % x 60,800 = 608
    expect(result.match.E1031).toMatchObject({ eligible_for_match: true, match_eligibility_reason: 'eligible', employer_match_amount: '1824.00' });
    expect(result.core.E1031).toMatchObject({ eligible_for_core: true, employer_core_amount: '608.00' });
    // E0430 still lacks the hours
    expect(result.match.E0430).toMatchObject({ eligible_for_match: false, match_eligibility_reason: 'insufficient_hours', employer_match_amount: '0.00' });
    expect(result.core.E0430).toMatchObject({ employer_core_amount: '0.00' });
    expect(result.match.N1130).toMatchObject({ eligible_for_match: false, match_eligibility_reason: 'inactive_eoy', employer_match_amount: '0.00' });
  });

  it('with apply_eligibility off the match needs only year-end employment and the hours', async () => {
    const result = await runDcModels(
      [terminated('E1031', '2025-10-31'), fullYear('F06', '73000', '0.06')],
      configWith('simple_match', (raw) => {
        raw.employer_match.apply_eligibility = false;
      }),
    );
    expect(result.match.E1031).toMatchObject({
      eligible_for_match: false,
      match_eligibility_reason: 'simple_rule_not_met',
      employer_match_amount: '0.00',
    });
    // 73,000 x 6 % = 4,380; match 2,190
    expect(result.match.F06).toMatchObject({ eligible_for_match: true, match_eligibility_reason: 'eligible', employer_match_amount: '2190.00' });
  });
});

describe('deferral rate changes during the year and a mid-year raise (73,000 = 200 a day)', () => {
  const base = { birthDate: '1985-08-08', hireDate: '2018-03-01', tenure: 6 };
  const raise: Array<[string, string]> = [
    ['2025-01-01', '73000'],
    ['2025-07-01', '80300'], // 220 a day
  ];
  const employees: EmployeeInput[] = [
    // enrolls Apr 1 at 4 %: 200 x 4 % x 275 = 2,200
    { ...base, id: 'ENR', salary: '73000', startRate: '0', events: [{ type: 'enrollment', date: '2025-04-01', rate: '0.04' }] },
    // 5 % all year with a raise on Jul 1: pay 200 x 181 + 220 x 184 = 36,200 + 40,480 = 76,680; 5 % -> 3,834
    { ...base, id: 'RAI', salaryPeriods: raise, startRate: '0.05' },
    // both: 4 % x (200 x 91 + 220 x 184) = 4 % x (18,200 + 40,480) = 4 % x 58,680 = 2,347.20
    { ...base, id: 'ENRRAI', salaryPeriods: raise, startRate: '0', events: [{ type: 'enrollment', date: '2025-04-01', rate: '0.04' }] },
    // opts out Jul 1 from 6 %: 200 x 6 % x 181 = 2,172
    { ...base, id: 'OPT', salary: '73000', startRate: '0.06', events: [{ type: 'enrollment_change', date: '2025-07-01', rate: '0' }] },
    // escalates 6 % -> 7 % on Oct 1: 200 x (6 % x 273 + 7 % x 92) = 200 x (16.38 + 6.44) = 4,564
    { ...base, id: 'ESC', salary: '73000', startRate: '0.06', events: [{ type: 'deferral_escalation', date: '2025-10-01', rate: '0.07' }] },
    // escalates 6 % -> 7 % on Jan 1: 7 % all year = 5,110
    { ...base, id: 'ESCJAN', salary: '73000', startRate: '0.06', events: [{ type: 'deferral_escalation', date: '2025-01-01', rate: '0.07' }] },
    // enrolls at 5 % and opts out the same day (the opt-out is sequenced after): nothing deferred
    {
      ...base,
      id: 'SAMEDAY',
      salary: '73000',
      startRate: '0',
      events: [
        { type: 'enrollment', date: '2025-03-01', rate: '0.05' },
        { type: 'enrollment_change', date: '2025-03-01', rate: '0' },
      ],
    },
    // never enrolled
    { ...base, id: 'NONE', salary: '73000', startRate: '0' },
  ];

  // [id, contribution base, deferrals, year-end rate, first, last contribution date, match, core]
  const expected: Array<[string, string, string, string, string | null, string | null, string, string]> = [
    ['ENR', '73000.00', '2200.00', '0.04000', '2025-04-01', '2025-12-31', '1100.00', '730.00'], // 0.5 x 2,200; 1 % x 73,000
    ['RAI', '76680.00', '3834.00', '0.05000', '2025-01-01', '2025-12-31', '1917.00', '766.80'], // 0.5 x 3,834; 1 % x 76,680
    ['ENRRAI', '76680.00', '2347.20', '0.04000', '2025-04-01', '2025-12-31', '1173.60', '766.80'], // 0.5 x 2,347.20
    ['OPT', '73000.00', '2172.00', '0.00000', '2025-01-01', '2025-06-30', '1086.00', '730.00'], // 0.5 x 2,172
    ['ESC', '73000.00', '4564.00', '0.07000', '2025-01-01', '2025-12-31', '2190.00', '730.00'], // 0.5 x min(4,564, 6 % x 73,000 = 4,380)
    ['ESCJAN', '73000.00', '5110.00', '0.07000', '2025-01-01', '2025-12-31', '2190.00', '730.00'], // 0.5 x 4,380
    ['SAMEDAY', '73000.00', '0.00', '0.00000', null, null, '0.00', '730.00'],
    ['NONE', '73000.00', '0.00', '0.00000', null, null, '0.00', '730.00'],
  ];

  it('follows the rate in force each day over the salary in force each day', async () => {
    const result = await runDcModels(employees, configWith('simple_match'));
    for (const [id, pay, deferrals, yearEndRate, first, last, match, core] of expected) {
      expect(result.contributions[id], id).toMatchObject({
        prorated_annual_compensation: pay,
        eligible_compensation: pay,
        requested_contribution: deferrals,
        annual_contribution_amount: deferrals,
        year_end_deferral_rate: yearEndRate,
        first_contribution_date: first,
        last_contribution_date: last,
        irs_limit_applied: false,
      });
      expect(Number(result.contributions[id]!.effective_annual_deferral_rate), id).toBeCloseTo(Number(deferrals) / Number(pay), 12);
      expect(result.match[id], id).toMatchObject({
        annual_deferrals: deferrals,
        employer_match_amount: match,
        match_status: deferrals === '0.00' ? 'no_deferrals' : 'calculated',
      });
      expect(result.core[id], id).toMatchObject({ employer_core_amount: core });
    }
    // the effective rate of a mid-year enrollment: 2,200 / 73,000 = 3.0137 %
    expect(Number(result.contributions.ENR!.effective_annual_deferral_rate)).toBeCloseTo(0.030137, 6);
  });

  it('ignores rate events of other years and events that set no rate', async () => {
    const result = await runDcModels(
      [
        {
          ...base,
          id: 'P1',
          salary: '73000',
          startRate: '0.05',
          otherEvents: [
            { type: 'enrollment', year: 2024, date: '2024-06-01', rate: '0.10' }, // last year's: ignored
            { type: 'deferral_escalation', year: 2026, date: '2026-01-01', rate: '0.08' }, // next year's: ignored
            { type: 'raise', year: 2025, date: '2025-07-01' }, // not a rate event
            { type: 'eligibility', year: 2025, date: '2025-03-01' },
          ],
        },
      ],
      configWith('simple_match'),
    );
    // 5 % all year: 73,000 x 5 % = 3,650; match 0.5 x 3,650 = 1,825
    expect(result.contributions.P1).toMatchObject({ annual_contribution_amount: '3650.00', year_end_deferral_rate: '0.05000' });
    expect(result.match.P1).toMatchObject({ employer_match_amount: '1825.00' });
  });
});

describe('rounding to cents', () => {
  // Full-year deferrals whose exact value ends in half a cent. Every other DECIMAL amount in the engine
  // (match, core) rounds half away from zero, so 2,049.075 should be 2,049.08.
  //   58,545 x 3.5 % = 2,049.075 -> 2,049.08
  //   40,045 x 1.5 % =   600.675 ->   600.68
  //   45,535 x 4.5 % = 2,049.075 -> 2,049.08
  //   40,015 x 5.5 % = 2,200.825 -> 2,200.83
  // A floating-point division of the exact Σ salary x rate x days once rounded these down.
  it('rounds an exact half cent of deferrals up, like the DECIMAL match and core', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['R1', '58545', '0.035', '2049.08'],
      ['R2', '40045', '0.015', '600.68'],
      ['R3', '45535', '0.045', '2049.08'],
      ['R4', '40015', '0.055', '2200.83'],
    ];
    const result = await runDcModels(
      cases.map(([id, salary, rate]) => fullYear(id, salary, rate)),
      configWith('simple_match'),
    );
    expect(Object.fromEntries(cases.map(([id]) => [id, result.contributions[id]!.annual_contribution_amount]))).toEqual(
      Object.fromEntries(cases.map(([id, , , amount]) => [id, amount])),
    );
  });
});
