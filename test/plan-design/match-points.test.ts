import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../support/engine.js';
import { byEmployee, flatConfig, matchRows, writeMatchCensus, type CensusRow, type MatchRow } from './match-support.js';

/**
 * points_based through the engine, 2025-2026, hand-computed. Points = age attained on Dec 31
 * (year - birth year) + whole years of service at Dec 31 (year - hire year), so they rise by 2 a
 * year; a tier [min_points, max_points) includes its min. Tiers in whole percents: 25 % of deferrals
 * up to 6 % of pay below 50 points, 50 % from 50, 100 % from 70.
 */

const CENSUS: CensusRow[] = [
  // 40 + 9 = 49 in 2025, 51 in 2026: crosses 50.
  ['P_49', '1985-12-31', '2016-05-01', 100000, '0.06'],
  // 40 + 10 = 50 in 2025: the 50 tier from its first point.
  ['P_50', '1985-01-01', '2015-05-01', 100000, '0.06'],
  // 60 + 9 = 69 in 2025, 71 in 2026: crosses 70.
  ['P_69', '1965-06-30', '2016-05-01', 100000, '0.04'],
  ['P_70', '1965-06-30', '2015-05-01', 100000, '0.04'],
  // Deferring 10 %: matched on 6 % of pay only.
  ['P_HIGH', '1985-01-01', '2015-05-01', 100000, '0.10'],
];

const TIERS = [
  { min_points: 0, max_points: 50, match_rate: 25, max_deferral_pct: 6 },
  { min_points: 50, max_points: 70, match_rate: 50, max_deferral_pct: 6 },
  { min_points: 70, max_points: null, match_rate: 100, max_deferral_pct: 6 },
];

describe('points_based match (hand-computed, 2025-2026)', () => {
  let rows: MatchRow[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-match-points-'));
    const config = flatConfig((c) => {
      c.employer_match.employer_match_status = 'points_based';
      c.employer_match.points_match_tiers = TIERS;
    });
    rows = await matchRows((await simulate({ dir, census: writeMatchCensus(dir, CENSUS), config })).database);
  }, 120_000);

  it('pays the tier holding age + service, inclusive of its min', () => {
    expect(byEmployee(rows, 'points')).toEqual({
      P_49: [
        [2025, 49, '0-49 points', '6000.00', '1500.00'],
        [2026, 51, '50-69 points', '6000.00', '3000.00'],
      ],
      P_50: [
        [2025, 50, '50-69 points', '6000.00', '3000.00'],
        [2026, 52, '50-69 points', '6000.00', '3000.00'],
      ],
      P_69: [
        [2025, 69, '50-69 points', '4000.00', '2000.00'],
        [2026, 71, '70+ points', '4000.00', '4000.00'],
      ],
      P_70: [
        [2025, 70, '70+ points', '4000.00', '4000.00'],
        [2026, 72, '70+ points', '4000.00', '4000.00'],
      ],
      P_HIGH: [
        [2025, 50, '50-69 points', '10000.00', '3000.00'],
        [2026, 52, '50-69 points', '10000.00', '3000.00'],
      ],
    });
  });

  it('reports the service the points were made of, and labels the rows points_based', () => {
    expect(rows.filter((r) => r.employee_id === 'P_49').map((r) => r.applied_years_of_service)).toEqual([9, 10]);
    expect(new Set(rows.map((r) => `${r.formula_id}/${r.formula_type}/${r.match_status}`))).toEqual(
      new Set(['points_based/points_based/calculated']),
    );
  });
});
