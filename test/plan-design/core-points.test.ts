import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../support/engine.js';
import { byEmployee, coreConfig, coreRows, writeCoreCensus, type CoreRow } from './core-support.js';

/**
 * Core by points, through the engine, 2025-2026, hand-computed, no integration. Points = age attained
 * by Dec 31 + whole years of service at Dec 31; the schedule written with exclusive maxima (the
 * Studio's points default): 0-50 1 %, 50-70 2 %, 70+ 4 %, so 49 -> 1 %, 50 -> 2 %, 69 -> 2 %, 70 -> 4 %.
 * Pay 100,000 each: core = rate x 100,000.
 */
const CENSUS = [
  // 41 + 8 = 49 in 2025, 42 + 9 = 51 in 2026
  ['P_49_51', '1984-07-01', '2017-06-01', '100000'],
  // 41 + 9 = 50: the band's minimum is included
  ['P_50', '1984-07-01', '2016-06-01', '100000'],
  // 60 + 9 = 69 in 2025, 61 + 10 = 71 in 2026
  ['P_69_71', '1965-07-01', '2016-06-01', '100000'],
  // born and hired on a Dec 31: 60 + 10 = 70 at Dec 31 2025
  ['P_70', '1965-12-31', '2015-12-31', '100000'],
] as [string, string, string, string][];

describe('core by points (2025-2026)', () => {
  let rows: CoreRow[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-points-'));
    const config = coreConfig({
      status: 'points_based',
      points_schedule: [
        { min_points: 0, max_points: 50, contribution_rate: 0.01 },
        { min_points: 50, max_points: 70, contribution_rate: 0.02 },
        { min_points: 70, max_points: null, contribution_rate: 0.04 },
      ],
    });
    rows = await coreRows((await simulate({ dir, census: writeCoreCensus(dir, CENSUS), config })).database);
  });

  it('measures points as age + service at Dec 31', () => {
    expect(rows.map((r) => [r.employee_id, r.simulation_year, r.applied_age, r.applied_years_of_service, r.applied_points])).toEqual([
      ['P_49_51', 2025, 41, 8, 49],
      ['P_49_51', 2026, 42, 9, 51],
      ['P_50', 2025, 41, 9, 50],
      ['P_50', 2026, 42, 10, 52],
      ['P_69_71', 2025, 60, 9, 69],
      ['P_69_71', 2026, 61, 10, 71],
      ['P_70', 2025, 60, 10, 70],
      ['P_70', 2026, 61, 11, 72],
    ]);
  });

  it('pays the band holding the points, minimum included and maximum excluded; no integration', () => {
    // [year, band, rate, base, excess, disparity, core]
    expect(byEmployee(rows)).toEqual({
      P_49_51: [
        [2025, 'points 0-49', '0.01000', '1000.00', '0.00', '0.00', '1000.00'],
        [2026, 'points 50-69', '0.02000', '2000.00', '0.00', '0.00', '2000.00'],
      ],
      P_50: [
        [2025, 'points 50-69', '0.02000', '2000.00', '0.00', '0.00', '2000.00'],
        [2026, 'points 50-69', '0.02000', '2000.00', '0.00', '0.00', '2000.00'],
      ],
      P_69_71: [
        [2025, 'points 50-69', '0.02000', '2000.00', '0.00', '0.00', '2000.00'],
        [2026, 'points 70+', '0.04000', '4000.00', '0.00', '0.00', '4000.00'],
      ],
      P_70: [
        [2025, 'points 70+', '0.04000', '4000.00', '0.00', '0.00', '4000.00'],
        [2026, 'points 70+', '0.04000', '4000.00', '0.00', '0.00', '4000.00'],
      ],
    });
    expect(rows.every((r) => r.integration_level_applied === null)).toBe(true);
  });
});
