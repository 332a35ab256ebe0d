import { beforeAll, describe, expect, it } from 'vitest';
import type { CensusRow } from './match-support.js';
import { runResponse, type ResponseRun } from './match-response-support.js';

/**
 * The deferral match response (reference-plan-design.md §7) with escalation, 2025-2027, hand-computed:
 * everyone responds; up-moves all to the ceiling (maximize share 1), down-moves all partial (reduce
 * share 0, factor 0.5). Ceiling 4 % below 3 years of service, 8 % from 3. Escalation +1 % every Jan 1
 * up to 10 %, from the first year (delay 0): in 2025 it starts from the response's rate.
 */
const CENSUS: CensusRow[] = [
  ['A_UP_Y2', '1980-01-01', '2023-01-01', 60000, '0.02'], // to 4 %, then 5, 6, 7 %
  ['B_UP_Y3', '1980-01-01', '2022-12-31', 60000, '0.03'], // to 8 %, then 9, 10, 10 % (cap)
  ['C_DOWN', '1980-01-01', '2023-01-01', 60000, '0.07'], // 7 % - 0.5 x 3 % = 5.5 %, then 6.5, 7.5, 8.5 %
  ['C2_ROUND', '1980-01-01', '2023-01-01', 60000, '0.065'], // 6.5 % - 1.25 % = 5.25 % -> 5.5 % (10.5 halves up)
  // 23,500 / 400,000 = 5.875 %: the year's 402(g) limit over pay caps the up-move below the 8 % ceiling.
  ['I_HIGH_PAY', '1980-01-01', '2015-01-01', 400000, '0.03'],
];

describe('deferral match response: full up, partial down, with escalation (hand-computed, 2025-2027)', () => {
  let run: ResponseRun;

  beforeAll(async () => {
    run = await runResponse('planalign-response-full-', CENSUS, (c) => {
      Object.assign(c.deferral_auto_escalation, {
        enabled: true,
        effective_day: '01-01',
        increment_amount: 0.01,
        maximum_rate: 0.1,
        hire_date_cutoff: null,
        first_escalation_delay_years: 0,
      });
      c.deferral_match_response = {
        enabled: true,
        upward_participation_rate: 1,
        upward_maximize_rate: 1,
        upward_partial_increase_rate: 0,
        downward_participation_rate: 1,
        downward_reduce_to_max_rate: 0,
        downward_partial_decrease_rate: 1,
        downward_partial_decrease_factor: 0.5,
      };
    });
  }, 120_000);

  it('moves up to the ceiling (capped by 402(g) / pay), down part way rounded to 0.5 %, in 2025 only', () => {
    expect(run.responses).toEqual({
      A_UP_Y2: [[2025, '0.02000', '0.04000']],
      B_UP_Y3: [[2025, '0.03000', '0.08000']],
      C_DOWN: [[2025, '0.07000', '0.05500']],
      C2_ROUND: [[2025, '0.06500', '0.05500']],
      I_HIGH_PAY: [[2025, '0.03000', '0.05875']],
    });
  });

  it('escalates from the response rate on the same Jan 1, the response first', () => {
    expect(run.events2025.A_UP_Y2).toEqual([
      ['deferral_match_response', '2025-01-01', '0.04000'],
      ['deferral_escalation', '2025-01-01', '0.05000'],
    ]);
    expect(run.rates).toEqual({
      A_UP_Y2: ['0.05000', '0.06000', '0.07000'],
      B_UP_Y3: ['0.09000', '0.10000', '0.10000'],
      C_DOWN: ['0.06500', '0.07500', '0.08500'],
      C2_ROUND: ['0.06500', '0.07500', '0.08500'],
      // The 2025 escalation would pass 23,500 / 400,000 = 5.875 %, where the response left it: none that year.
      I_HIGH_PAY: ['0.05875', '0.06875', '0.07875'],
    });
    expect(run.deferrals2025.A_UP_Y2).toBe('3000.00'); // 5 % of 60,000 from Jan 1
  });
});
