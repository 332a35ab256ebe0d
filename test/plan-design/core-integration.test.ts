import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configWith, fullYear, runDcModels } from '../dc/support.js';
import { simulate } from '../support/engine.js';
import { byEmployee, coreConfig, coreRows, writeCoreCensus, type CoreRow } from './core-support.js';

/**
 * A flat 3 % core integrated at the Social Security wage base (permitted disparity 3 %, the lesser
 * of the base rate and 5.7 %), through the engine, 2025-2026, hand-computed. Wage base 176,100 in
 * 2025, 184,500 in 2026; pay capped at the 401(a)(17) limit (350,000; 360,000) before either part.
 * Amounts rounded to cents half up, each part on its own.
 */
const CENSUS = [
  ['F_100K', '1980-05-05', '2015-01-01', '100000'],
  // at the 2025 wage base: no excess
  ['F_AT_TWB', '1980-05-05', '2015-01-01', '176100'],
  // 3 % x 180,001.50 = 5,400.045 -> 5,400.05; 3 % x 3,901.50 = 117.045 -> 117.05; below the 2026 base
  ['F_ROUND', '1980-05-05', '2015-01-01', '180001.50'],
  // at the 2025 limit (not above it), under the 2026 one
  ['F_AT_CAP', '1970-05-05', '2000-01-01', '350000'],
  ['F_CAP', '1970-05-05', '2000-01-01', '400000'],
] as [string, string, string, string][];

describe('flat core integrated at the Social Security wage base (2025-2026)', () => {
  let rows: CoreRow[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-integration-'));
    const config = coreConfig({
      contribution_rate: 0.03,
      integration: { enabled: true, level_mode: 'ss_wage_base', disparity_rate: 0.03 },
    });
    rows = await coreRows((await simulate({ dir, census: writeCoreCensus(dir, CENSUS), config })).database);
  });

  it('adds the disparity rate on the capped pay above the year’s wage base', () => {
    // [year, band, rate, base, excess, disparity, core]
    expect(byEmployee(rows)).toEqual({
      F_100K: [
        [2025, 'flat', '0.03000', '3000.00', '0.00', '0.00', '3000.00'],
        [2026, 'flat', '0.03000', '3000.00', '0.00', '0.00', '3000.00'],
      ],
      F_AT_TWB: [
        [2025, 'flat', '0.03000', '5283.00', '0.00', '0.00', '5283.00'],
        [2026, 'flat', '0.03000', '5283.00', '0.00', '0.00', '5283.00'],
      ],
      F_ROUND: [
        [2025, 'flat', '0.03000', '5400.05', '3901.50', '117.05', '5517.10'],
        [2026, 'flat', '0.03000', '5400.05', '0.00', '0.00', '5400.05'],
      ],
      // 350,000 - 176,100 = 173,900 -> 5,217; 350,000 - 184,500 = 165,500 -> 4,965
      F_AT_CAP: [
        [2025, 'flat', '0.03000', '10500.00', '173900.00', '5217.00', '15717.00'],
        [2026, 'flat', '0.03000', '10500.00', '165500.00', '4965.00', '15465.00'],
      ],
      // capped at 350,000 then 360,000: 360,000 - 184,500 = 175,500 -> 5,265
      F_CAP: [
        [2025, 'flat', '0.03000', '10500.00', '173900.00', '5217.00', '15717.00'],
        [2026, 'flat', '0.03000', '10800.00', '175500.00', '5265.00', '16065.00'],
      ],
    });
  });

  it('reports the wage base as the level and the 401(a)(17) cut only above the limit', () => {
    expect(
      rows
        .filter((r) => r.employee_id.includes('CAP'))
        .map((r) => [r.employee_id, r.simulation_year, r.integration_level_applied, r.irs_401a17_limit_applied, r.eligible_compensation]),
    ).toEqual([
      ['F_AT_CAP', 2025, '176100.00', false, '350000.00'],
      ['F_AT_CAP', 2026, '184500.00', false, '350000.00'],
      ['F_CAP', 2025, '176100.00', true, '350000.00'],
      ['F_CAP', 2026, '184500.00', true, '360000.00'],
    ]);
  });
});

describe('the 415(c) cut takes the integrated core as a whole', () => {
  // 10 % core + 5.7 % above the wage base; 20 % deferrals (at the 402(g) limit), match 50 % of
  // deferrals up to 6 % of pay = 10,500. Pay 350,000 (at the 401(a)(17) limit both years).
  const config = configWith('simple_match', (raw) => {
    raw.employer_core_contribution.contribution_rate = 0.1;
    raw.employer_core_contribution.integration = { enabled: true, disparity_rate: 0.057 };
  });
  const core = async (year: number) => (await runDcModels([fullYear('X', '350000.00', '0.20')], config, year)).core.X!;
  const amounts = (r: Record<string, unknown>) => [r.base_core_amount, r.disparity_core_amount, r.employer_core_amount, r.core_415_reduction];

  it('2025: 35,000 + 5.7 % x 173,900 = 44,912.30, cut to 70,000 - 23,500 - 10,500 = 36,000', async () => {
    expect(amounts(await core(2025))).toEqual(['35000.00', '9912.30', '36000.00', '8912.30']);
  });

  it('2026: 35,000 + 5.7 % x 165,500 = 44,433.50, cut to 72,000 - 24,500 - 10,500 = 37,000', async () => {
    expect(amounts(await core(2026))).toEqual(['35000.00', '9433.50', '37000.00', '7433.50']);
  });
});
