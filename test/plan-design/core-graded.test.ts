import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../support/engine.js';
import { byEmployee, coreConfig, coreRows, writeCoreCensus, type CoreRow } from './core-support.js';

/**
 * Core graded by years of service, integrated at 12.5 % of the Social Security wage base, through the
 * engine, 2025-2026, hand-computed. The schedule is written the Studio's way (inclusive maxima, one
 * rate as a percent): 0-2 years 1 %, 3-5 years 2 % (`rate: 2`), 6+ years 3 %. Years of service =
 * whole years from the hire date to Dec 31 of the year.
 *
 * Integration level: 12.5 % of the wage base, rounded to whole dollars half up:
 * 2025 176,100 x 0.125 = 22,012.5 -> 22,013; 2026 184,500 x 0.125 = 23,062.5 -> 23,063.
 * Disparity 1 % (at the limit: the lowest rate of the schedule, 1 %, is below 5.7 %).
 * Pay 100,000: excess 2025 77,987 -> 779.87, 2026 76,937 -> 769.37.
 */
const CENSUS = [
  // 2 years at Dec 31 2025, 3 at Dec 31 2026: crosses the 3-year edge.
  ['G_2_3', '1980-05-05', '2023-06-01', '100000'],
  // hired Dec 31: the 3rd anniversary is Dec 31 2025, so 3 years in 2025 already
  ['G_DEC31', '1980-05-05', '2022-12-31', '100000'],
  // 5 years in 2025, 6 in 2026: crosses the 6-year edge.
  ['G_5_6', '1980-05-05', '2020-03-01', '100000'],
  // above the 401(a)(17) limit (350,000 in 2025, 360,000 in 2026)
  ['G_CAP', '1970-05-05', '2000-01-01', '400000'],
] as [string, string, string, string][];

describe('core graded by service with integration at a percent of the wage base (2025-2026)', () => {
  let rows: CoreRow[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-graded-'));
    const config = coreConfig({
      status: 'graded_by_service',
      graded_schedule: [
        { min_years: 0, max_years: 2, contribution_rate: 0.01 },
        { min_years: 3, max_years: 5, rate: 2 },
        { min_years: 6, contribution_rate: 0.03 },
      ],
      integration: { enabled: true, level_mode: 'percent_of_ss_wage_base', level_value: 12.5, disparity_rate: 0.01 },
    });
    rows = await coreRows((await simulate({ dir, census: writeCoreCensus(dir, CENSUS), config })).database);
  });

  it('applies the band of the years of service at Dec 31, both edges, and adds 1 % above the level', () => {
    // [year, band, rate, base, excess, disparity, core]
    expect(byEmployee(rows)).toEqual({
      G_2_3: [
        [2025, 'service 0-2', '0.01000', '1000.00', '77987.00', '779.87', '1779.87'],
        [2026, 'service 3-5', '0.02000', '2000.00', '76937.00', '769.37', '2769.37'],
      ],
      G_DEC31: [
        [2025, 'service 3-5', '0.02000', '2000.00', '77987.00', '779.87', '2779.87'],
        [2026, 'service 3-5', '0.02000', '2000.00', '76937.00', '769.37', '2769.37'],
      ],
      G_5_6: [
        [2025, 'service 3-5', '0.02000', '2000.00', '77987.00', '779.87', '2779.87'],
        [2026, 'service 6+', '0.03000', '3000.00', '76937.00', '769.37', '3769.37'],
      ],
      // capped pay: 3 % x 350,000 + 1 % x (350,000 - 22,013); 3 % x 360,000 + 1 % x (360,000 - 23,063)
      G_CAP: [
        [2025, 'service 6+', '0.03000', '10500.00', '327987.00', '3279.87', '13779.87'],
        [2026, 'service 6+', '0.03000', '10800.00', '336937.00', '3369.37', '14169.37'],
      ],
    });
  });

  it('reports the years of service, the level and the 401(a)(17) cut per employee and year', () => {
    const pick = (r: CoreRow) => [r.employee_id, r.simulation_year, r.applied_years_of_service, r.integration_level_applied, r.irs_401a17_limit_applied, r.eligible_compensation];
    expect(rows.filter((r) => r.employee_id === 'G_DEC31' || r.employee_id === 'G_CAP').map(pick)).toEqual([
      ['G_CAP', 2025, 25, '22013.00', true, '350000.00'],
      ['G_CAP', 2026, 26, '23063.00', true, '360000.00'],
      ['G_DEC31', 2025, 3, '22013.00', false, '100000.00'],
      ['G_DEC31', 2026, 4, '23063.00', false, '100000.00'],
    ]);
    // the schedule's rate is also the (existing) rate column; nothing was cut by 415(c)
    expect(rows.every((r) => r.employer_core_contribution_rate === r.standard_core_rate && r.core_415_reduction === '0.00')).toBe(true);
  });
});
