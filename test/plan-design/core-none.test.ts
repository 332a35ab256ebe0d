import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, simulate } from '../support/engine.js';
import { coreConfig, coreRows, writeCoreCensus, type CoreRow } from './core-support.js';

/**
 * `status: none` pays no core (the reference paid the flat rate, defect P5), whatever the flat rate
 * says, with core enabled and everyone eligible; an integration layer with a 0 % disparity (the
 * only one 401(l) allows on a 0 % base) shows its level and adds nothing. 2025-2026.
 */
const CENSUS = [
  ['N_100K', '1980-05-05', '2015-01-01', '100000'],
  ['N_CAP', '1970-05-05', '2000-01-01', '400000'],
] as [string, string, string, string][];

describe('core status none (2025-2026)', () => {
  let rows: CoreRow[];
  let snapshot: { employee_id: string; simulation_year: number; core: string }[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-core-none-'));
    const config = coreConfig({ status: 'none', contribution_rate: 0.05, integration: { enabled: true, disparity_rate: 0 } });
    const { database } = await simulate({ dir, census: writeCoreCensus(dir, CENSUS), config });
    rows = await coreRows(database);
    snapshot = await query(
      database,
      `SELECT employee_id, simulation_year, employer_core_amount::VARCHAR AS core FROM fct_workforce_snapshot ORDER BY ALL`,
    );
  });

  it('pays nothing to eligible employees in either year', () => {
    expect(rows.map((r) => [r.employee_id, r.simulation_year, r.core_band, r.standard_core_rate, r.employer_core_contribution_rate, r.base_core_amount, r.excess_compensation, r.disparity_core_amount, r.employer_core_amount, r.integration_level_applied])).toEqual([
      ['N_100K', 2025, 'none', '0.00000', '0.00000', '0.00', '0.00', '0.00', '0.00', '176100.00'],
      ['N_100K', 2026, 'none', '0.00000', '0.00000', '0.00', '0.00', '0.00', '0.00', '184500.00'],
      ['N_CAP', 2025, 'none', '0.00000', '0.00000', '0.00', '0.00', '0.00', '0.00', '176100.00'],
      ['N_CAP', 2026, 'none', '0.00000', '0.00000', '0.00', '0.00', '0.00', '0.00', '184500.00'],
    ]);
    expect(snapshot).toEqual([
      { employee_id: 'N_100K', simulation_year: 2025, core: '0.00' },
      { employee_id: 'N_100K', simulation_year: 2026, core: '0.00' },
      { employee_id: 'N_CAP', simulation_year: 2025, core: '0.00' },
      { employee_id: 'N_CAP', simulation_year: 2026, core: '0.00' },
    ]);
  });
});
