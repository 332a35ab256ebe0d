import { describe, expect, it } from 'vitest';
import { configWith, runDcModels, type EmployeeInput } from '../dc/support.js';

/**
 * Years of service of a leaver are whole years from the hire date to the termination date
 * (reference-plan-design.md §1.1), not to Dec 31: through the real DC models on hand-built inputs,
 * 2025 and 2026, leavers allowed the match (no year-end or hours requirement). Salary 36,500 = 100
 * a day, 6 % deferred; tenure_graded bands [0, 5): 50 % of the first 6 %; [5, ∞): 100 % of the first
 * 3 %, 50 % of the next 2 %.
 */

const config = configWith('simple_match', (raw) => {
  const m = raw.employer_match;
  m.employer_match_status = 'tenure_graded';
  m.tenure_graded_bands = [
    { min_years: 0, max_years: 5, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 0.5 }] },
    {
      min_years: 5,
      max_years: null,
      tiers: [
        { employee_min: 0, employee_max: 0.03, match_rate: 1 },
        { employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
      ],
    },
  ];
  m.eligibility.require_active_at_year_end = false;
  m.eligibility.allow_experienced_terminations = true;
  m.eligibility.minimum_hours_annual = 0;
});

const leaver = (id: string, hireDate: string, terminationDate: string): EmployeeInput => ({
  id,
  birthDate: '1980-01-01',
  hireDate,
  terminationDate,
  tenure: 9, // the engine's start-of-year tenure: the match does not read it
  salary: '36500.00',
  startRate: '0.06',
});

const service = async (year: number, employees: EmployeeInput[]) => {
  const result = await runDcModels(employees, config, year);
  return Object.values(result.match).map((m) => [
    m.employee_id,
    m.applied_years_of_service,
    m.match_band,
    String(m.annual_deferrals),
    String(m.employer_match_amount),
  ]);
};

describe('a leaver’s years of service run to the termination date', () => {
  it('2025: leaving on May 31, the day before or on the 5th anniversary', async () => {
    // 151 days: pay 15,100, deferrals 906. Band 0-4: 50 % of 906 = 453. Band 5+: 453 + 50 % of (755 - 453) = 604.
    expect(
      await service(2025, [leaver('L_BEFORE', '2020-06-01', '2025-05-31'), leaver('L_ON', '2020-05-31', '2025-05-31')]),
    ).toEqual([
      ['L_BEFORE', 4, '0-4 years', '906.00', '453.00'],
      ['L_ON', 5, '5+ years', '906.00', '604.00'],
    ]);
  });

  it('2026: leaving on June 1, the day before or on the 5th anniversary; a stayer counts to Dec 31', async () => {
    // 152 days: pay 15,200, deferrals 912. Band 0-4: 456. Band 5+: 456 + 50 % of (760 - 456) = 608.
    const stayer: EmployeeInput = { ...leaver('S_STAY', '2021-06-02', ''), terminationDate: undefined };
    expect(
      await service(2026, [leaver('L_BEFORE', '2021-06-02', '2026-06-01'), leaver('L_ON', '2021-06-01', '2026-06-01'), stayer]),
    ).toEqual([
      ['L_BEFORE', 4, '0-4 years', '912.00', '456.00'],
      ['L_ON', 5, '5+ years', '912.00', '608.00'],
      // Whole year: 2,190 deferred on 36,500; 5 years at Dec 31: 1,095 + 50 % of (1,825 - 1,095) = 1,460.
      ['S_STAY', 5, '5+ years', '2190.00', '1460.00'],
    ]);
  });
});
