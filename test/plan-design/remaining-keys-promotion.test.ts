import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, simulate } from '../support/engine.js';
import { flatConfig, writeMatchCensus } from './match-support.js';

/**
 * compensation.promotion_increase and promotion_rate_multiplier (reference-config-keys-head.md §5), by
 * hand over 2025-2026, with the promotion hazard base rate 0.10 (the fixture tables) and deterministic
 * raises on flat pay. P_CERTAIN (age 25-34: ×1.4, tenure 5-9: ×1.8): hazard 0.1 × 1.4 × 1.8 = 0.252 at
 * level 1 and 0.252 × 0.85 = 0.2142 at level 2; × 5 = 1.26 and 1.071, capped at 1: promoted both years.
 * promotion_increase 0.10 replaces the nested base_increase_pct 0.20; 0.125 means "not set" (nested 0.20).
 */
async function promotions(increase: number): Promise<Array<[string, number, string, string, number]>> {
  const dir = mkdtempSync(join(tmpdir(), 'planalign-remaining-promotion-'));
  const census = writeMatchCensus(dir, [['P_CERTAIN', '1995-06-01', '2018-03-01', 60000, '0']]);
  const config = flatConfig((c) => {
    c.setup.parameter_tables_dir = 'test/fixtures/parameter-tables/promotion-base-x5';
    c.compensation.promotion_compensation.base_increase_pct = 0.2;
    c.compensation.promotion_increase = increase;
    c.compensation.promotion_rate_multiplier = 5;
  });
  const { database } = await simulate({ dir, census, config, name: `increase-${increase}` });
  return (
    await query<{ id: string; y: number; before: string; after: string; p: number }>(
      database,
      `SELECT employee_id AS id, simulation_year AS y, previous_compensation::VARCHAR AS before,
              compensation_amount::VARCHAR AS after, event_probability AS p
       FROM fct_yearly_events WHERE event_type = 'promotion' ORDER BY id, y`,
    )
  ).map((e) => [e.id, e.y, e.before, e.after, e.p]);
}

describe('promotion_increase and promotion_rate_multiplier through the engine (hand-computed, 2025-2026)', () => {
  let flat: Awaited<ReturnType<typeof promotions>>;
  let notSet: Awaited<ReturnType<typeof promotions>>;

  beforeAll(async () => {
    flat = await promotions(0.1);
    notSet = await promotions(0.125);
  }, 120_000);

  it('multiplies the hazard by 5, capped at 1: promoted in both years, +10 % each time', () => {
    expect(flat).toEqual([
      ['P_CERTAIN', 2025, '60000.00', '66000.00', 1],
      ['P_CERTAIN', 2026, '66000.00', '72600.00', 1],
    ]);
  });

  it('reads 0.125 as not set: the nested 20 % midpoint applies', () => {
    expect(notSet).toEqual([
      ['P_CERTAIN', 2025, '60000.00', '72000.00', 1],
      ['P_CERTAIN', 2026, '72000.00', '86400.00', 1],
    ]);
  });
});
