import { beforeAll, describe, expect, it } from 'vitest';
import type { CensusRow } from './match-support.js';
import { runResponse, type ResponseRun } from './match-response-support.js';

/**
 * The deferral match response (reference-plan-design.md §7), 2025-2027, hand-computed: everyone
 * responds (participation 1); up-moves are all partial (maximize share 0, factor 0.5), down-moves all
 * to the ceiling (reduce share 1). Ceiling: 4 % below 3 years of service, 8 % from 3 (service to Dec 31:
 * hired Jan 1 2023 = 2 years in 2025, 3 in 2026). No escalation; the escalation cap of 7 % still caps
 * up-moves. Pay 60,000 on flat pay.
 */
const CENSUS: CensusRow[] = [
  ['A_UP_Y2', '1980-01-01', '2023-01-01', 60000, '0.02'], // 2 % + 0.5 x (4 % - 2 %) = 3 %
  ['B_UP_Y3', '1980-01-01', '2022-12-31', 60000, '0.03'], // 3 % + 0.5 x 5 % = 5.5 %
  ['B2_ROUND', '1980-01-01', '2022-12-31', 60000, '0.035'], // 3.5 % + 2.25 % = 5.75 % -> 6 % (11.5 halves up)
  ['G_CAPPED', '1980-01-01', '2015-01-01', 60000, '0.065'], // 6.5 % + 0.75 % = 7.25 % -> 7.5 % -> cap 7 %
  ['H_OVER_CAP', '1980-01-01', '2015-01-01', 60000, '0.075'], // 7.75 % -> 8 % -> cap 7 % < 7.5 %: not lowered
  ['C_DOWN_Y2', '1980-01-01', '2023-01-01', 60000, '0.07'], // above 4 %: down to it
  ['D_AT_CEILING', '1980-01-01', '2015-01-01', 60000, '0.08'], // at the ceiling: no move
  ['E_NOT_ENROLLED', '1980-01-01', '2015-01-01', 60000, '0'], // not a participant
];

describe('deferral match response: partial up, full down (hand-computed, 2025-2027)', () => {
  let run: ResponseRun;

  beforeAll(async () => {
    run = await runResponse('planalign-response-', CENSUS, (c) => {
      c.deferral_auto_escalation.maximum_rate = 0.07;
      c.deferral_match_response = {
        enabled: true,
        upward_participation_rate: 1,
        upward_maximize_rate: 0,
        upward_partial_increase_rate: 1,
        upward_partial_increase_factor: 0.5,
        downward_participation_rate: 1,
        downward_reduce_to_max_rate: 1,
        downward_partial_decrease_rate: 0,
      };
    });
  }, 120_000);

  it('moves up part way, rounded to 0.5 %, capped by the escalation cap but never lowered by it; down to the ceiling', () => {
    expect(run.responses).toEqual({
      A_UP_Y2: [[2025, '0.02000', '0.03000']],
      B_UP_Y3: [[2025, '0.03000', '0.05500']],
      B2_ROUND: [[2025, '0.03500', '0.06000']],
      G_CAPPED: [[2025, '0.06500', '0.07000']],
      C_DOWN_Y2: [[2025, '0.07000', '0.04000']],
    });
  });

  it('responds only in the first year: the rates carry into 2026 and 2027 although A_UP_Y2 reaches the 8 % band', () => {
    expect(run.rates).toEqual({
      A_UP_Y2: ['0.03000', '0.03000', '0.03000'],
      B_UP_Y3: ['0.05500', '0.05500', '0.05500'],
      B2_ROUND: ['0.06000', '0.06000', '0.06000'],
      G_CAPPED: ['0.07000', '0.07000', '0.07000'],
      H_OVER_CAP: ['0.07500', '0.07500', '0.07500'],
      C_DOWN_Y2: ['0.04000', '0.04000', '0.04000'],
      D_AT_CEILING: ['0.08000', '0.08000', '0.08000'],
      E_NOT_ENROLLED: ['0.00000', '0.00000', '0.00000'],
    });
  });

  it('dates the response Jan 1, so the new rate applies to the whole year of deferrals', () => {
    expect(run.events2025.A_UP_Y2).toEqual([['deferral_match_response', '2025-01-01', '0.03000']]);
    expect(run.deferrals2025.A_UP_Y2).toBe('1800.00'); // 3 % of 60,000
    expect(run.deferrals2025.C_DOWN_Y2).toBe('2400.00'); // 4 % of 60,000
    expect(run.deferrals2025.H_OVER_CAP).toBe('4500.00'); // 7.5 % of 60,000
  });
});
