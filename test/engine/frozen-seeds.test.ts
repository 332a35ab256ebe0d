/**
 * ensemble.frozen_subsystem_seeds: a subsystem's streams (src/models/rng.ts SUBSYSTEM_STREAMS) draw
 * under its frozen seed whatever simulation.random_seed is; every other stream under the run's seed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import { MODELS } from '../../src/models/registry.js';
import { RNG_STREAMS, SUBSYSTEM_STREAMS, type SubsystemSeeds } from '../../src/models/rng.js';
import { ModelRunner } from '../../src/models/runner.js';
import { defaultConfigObject, makeCensus, query, simulate } from '../support/engine.js';
import { expectedDraw } from '../support/rng.js';

const frozenStreamOf = (frozen: SubsystemSeeds, stream: string): number | undefined =>
  (Object.entries(frozen) as Array<[keyof typeof SUBSYSTEM_STREAMS, number]>).find(([s]) =>
    (SUBSYSTEM_STREAMS[s] as readonly string[]).includes(stream),
  )?.[1];

describe('the year salts under frozen subsystem seeds', () => {
  it('draws each subsystem stream under its frozen seed and every other under the run seed, every year', async () => {
    const db = await Database.open(':memory:');
    try {
      const runner = new ModelRunner(db);
      await runner.installMacros();
      await db.run(`CREATE TABLE int_employee_compensation_by_year AS
                    SELECT y AS simulation_year, 'EMP_' || i AS employee_id, pa_key('EMP_' || i) AS rng_key
                    FROM range(2025, 2027) t(y), range(20) s(i)`);
      await db.run(`CREATE TABLE int_hiring_events AS SELECT y AS simulation_year, 'NH_' || y || '_' || i AS employee_id
                    FROM range(2025, 2027) t(y), range(5) s(i)`);
      const model = MODELS.find((m) => m.name === 'int_random_draws')!;
      const frozen: SubsystemSeeds = { termination: 99, hiring: 3 };
      for (const [year, seed] of [[2025, 42], [2026, 7]] as const) {
        await runner.setYear(year, 2025, seed, { frozenSeeds: frozen });
        await runner.runModel(model, year);
        const rows = await db.all<Record<string, string | number>>(`SELECT * FROM int_random_draws`);
        expect(rows).toHaveLength(25);
        for (const row of rows) {
          for (const stream of Object.keys(row).filter((c) => c !== 'employee_id')) {
            const streamSeed = frozenStreamOf(frozen, stream) ?? seed;
            expect(Number(row[stream]) / 2 ** 32, `${year} ${row.employee_id} ${stream}`).toBe(
              expectedDraw(String(row.employee_id), streamSeed, year, stream),
            );
          }
        }
        // The count draws made before the table exists (pa_draw) take the same salts.
        for (const stream of ['termination_count', 'nh_termination_count', 'growth_count']) {
          const drawn = await db.one<{ u: number }>(`SELECT pa_draw(pa_key('EMP_1'), $1) AS u`, [stream]);
          expect(drawn?.u, stream).toBe(expectedDraw('EMP_1', frozenStreamOf(frozen, stream) ?? seed, year, stream));
        }
      }
      // Every stream belongs to at most one subsystem; promotion's are pinned as the others are.
      const owned = Object.values(SUBSYSTEM_STREAMS).flat();
      expect(new Set(owned).size).toBe(owned.length);
      expect(owned.filter((s) => !(RNG_STREAMS as readonly string[]).includes(s))).toEqual([]);
      await runner.setYear(2025, 2025, 42, { frozenSeeds: { promotion: 5 } });
      const promotion = await db.one<{ u: number }>(`SELECT pa_draw(pa_key('EMP_1'), 'promotion_pct_2') AS u`);
      expect(promotion?.u).toBe(expectedDraw('EMP_1', 5, 2025, 'promotion_pct_2'));
    } finally {
      db.close();
    }
  });

  it('is a config key (no longer ignored); other subsystems are refused', () => {
    const raw = defaultConfigObject();
    raw.ensemble = { frozen_subsystem_seeds: { termination: 99 } };
    const loaded = parseConfig(raw);
    expect(loaded.ignored).not.toContain('ensemble.frozen_subsystem_seeds');
    expect(loaded.config.ensemble?.frozen_subsystem_seeds).toEqual({ termination: 99 });
    expect(loaded.hash).not.toBe(parseConfig(defaultConfigObject()).hash);
    expect(() => parseConfig({ ...raw, ensemble: { frozen_subsystem_seeds: { enrollment: 3 } } })).toThrow(/frozen_subsystem_seeds\.enrollment/);
  });
});

describe('simulations under frozen termination and promotion seeds (300 employees, 2025-2026, drawn termination counts)', () => {
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-frozen-'));
    const census = await makeCensus(dir, 300, 7);
    const frozen = { termination: 99, promotion: 5 };
    for (const [name, seed, seeds] of [
      ['frozen_42', 42, frozen],
      ['frozen_7', 7, frozen],
      ['free_7', 7, undefined],
    ] as const) {
      const config = defaultConfigObject();
      config.simulation.count_uncertainty = 'terminations';
      if (seeds !== undefined) config.ensemble = { frozen_subsystem_seeds: seeds };
      runs[name] = (await simulate({ dir, census, name, config, seed, years: [2025, 2026] })).database;
    }
  }, 120_000);

  // Who leaves or is promoted, when and from which level (pay differs: raise timing is not pinned).
  const events = (database: string, type: string) =>
    query<{ events: string }>(
      database,
      `SELECT string_agg(simulation_year || ' ' || employee_id || ' ' || effective_date || ' ' || level_id, ', '
                         ORDER BY simulation_year, employee_id) AS events
       FROM fct_yearly_events WHERE event_type = '${type}'`,
    ).then((rows) => rows[0]!.events);

  it('two seeds under the same frozen seeds leave and promote the same employees on the same days, both years', async () => {
    for (const type of ['termination', 'promotion']) {
      const frozen42 = await events(runs.frozen_42!, type);
      expect(frozen42.length).toBeGreaterThan(0);
      expect(frozen42).toMatch(/^2025 .*2026 /);
      expect(await events(runs.frozen_7!, type), type).toBe(frozen42);
      // Without them another seed draws others.
      expect(await events(runs.free_7!, type), type).not.toBe(frozen42);
    }
  });

  it('the unpinned streams still follow the run seed: raise days of the employees raised in both runs', async () => {
    const raises = async (database: string): Promise<Map<string, string>> =>
      new Map(
        (
          await query<{ k: string; d: string }>(
            database,
            `SELECT simulation_year || ' ' || employee_id AS k, effective_date::VARCHAR AS d FROM fct_yearly_events WHERE event_type = 'raise'`,
          )
        ).map((r) => [r.k, r.d]),
      );
    const sameDays = (a: Map<string, string>, b: Map<string, string>): { common: number; same: number } => {
      const common = [...a.keys()].filter((k) => b.has(k));
      return { common: common.length, same: common.filter((k) => a.get(k) === b.get(k)).length };
    };
    const [frozen42, frozen7, free7] = await Promise.all([raises(runs.frozen_42!), raises(runs.frozen_7!), raises(runs.free_7!)]);
    const seven = sameDays(frozen7, free7);
    expect(seven.common).toBeGreaterThan(200);
    expect(seven.same).toBe(seven.common);
    const other = sameDays(frozen42, frozen7);
    expect(other.same).toBeLessThan(other.common / 2);
  });
});
