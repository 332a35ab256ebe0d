import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../support/engine.js';
import { byEmployee, coreConfig, coreRows, writeCoreCensus, type CoreRow } from './core-support.js';

/**
 * Core banded by age, integrated at a fixed $100,000, through the engine, 2025-2026, hand-computed.
 * Bands (the Studio's age default): [0, 30) 3 %, [30, 40) 4 %, [40, 50) 5 %, 50+ 6 %, age attained
 * by Dec 31. Disparity 2 % on pay above 100,000 (allowed: the level is between 20 % and 80 % of the
 * wage base, 4.3 %, and the lowest rate is 3 %).
 */
const CENSUS = [
  // 29 in 2025, 30 in 2026: the band's maximum is excluded, the next one's minimum included
  ['A_29_30', '1996-01-01', '2015-01-01', '90000'],
  // turns 30 on Dec 31 2025: 30 for all of 2025
  ['A_DEC31', '1995-12-31', '2015-01-01', '100000'],
  ['A_49_50', '1976-06-15', '2015-01-01', '150000'],
  // cents: 6 % x 150,000.50 = 9,000.03; 2 % x 50,000.50 = 1,000.01
  ['A_HIGH', '1960-02-02', '2015-01-01', '150000.50'],
] as [string, string, string, string][];

describe('core banded by age with integration at a fixed dollar level (2025-2026)', () => {
  let rows: CoreRow[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-age-'));
    const config = coreConfig({
      status: 'age_banded',
      age_schedule: [
        { min_age: 0, max_age: 30, contribution_rate: 0.03 },
        { min_age: 30, max_age: 40, contribution_rate: 0.04 },
        { min_age: 40, max_age: 50, contribution_rate: 0.05 },
        { min_age: 50, contribution_rate: 0.06 },
      ],
      integration: { enabled: true, level_mode: 'fixed_dollar', level_value: 100000, disparity_rate: 0.02 },
    });
    rows = await coreRows((await simulate({ dir, census: writeCoreCensus(dir, CENSUS), config })).database);
  });

  it('pays the age band, minimum included and maximum excluded, plus 2 % above 100,000', () => {
    // [year, band, rate, base, excess, disparity, core]
    expect(byEmployee(rows)).toEqual({
      A_29_30: [
        [2025, 'age 0-29', '0.03000', '2700.00', '0.00', '0.00', '2700.00'],
        [2026, 'age 30-39', '0.04000', '3600.00', '0.00', '0.00', '3600.00'],
      ],
      // pay at the level exactly: no excess
      A_DEC31: [
        [2025, 'age 30-39', '0.04000', '4000.00', '0.00', '0.00', '4000.00'],
        [2026, 'age 30-39', '0.04000', '4000.00', '0.00', '0.00', '4000.00'],
      ],
      A_49_50: [
        [2025, 'age 40-49', '0.05000', '7500.00', '50000.00', '1000.00', '8500.00'],
        [2026, 'age 50+', '0.06000', '9000.00', '50000.00', '1000.00', '10000.00'],
      ],
      A_HIGH: [
        [2025, 'age 50+', '0.06000', '9000.03', '50000.50', '1000.01', '10000.04'],
        [2026, 'age 50+', '0.06000', '9000.03', '50000.50', '1000.01', '10000.04'],
      ],
    });
  });

  it('applies the same dollar level in every year and reports the age used', () => {
    expect(rows.map((r) => [r.employee_id, r.simulation_year, r.applied_age, r.integration_level_applied])).toEqual([
      ['A_29_30', 2025, 29, '100000.00'],
      ['A_29_30', 2026, 30, '100000.00'],
      ['A_49_50', 2025, 49, '100000.00'],
      ['A_49_50', 2026, 50, '100000.00'],
      ['A_DEC31', 2025, 30, '100000.00'],
      ['A_DEC31', 2026, 31, '100000.00'],
      ['A_HIGH', 2025, 65, '100000.00'],
      ['A_HIGH', 2026, 66, '100000.00'],
    ]);
  });
});
