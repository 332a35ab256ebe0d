import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { MODELS } from '../../src/models/registry.js';
import { RNG_STREAMS } from '../../src/models/rng.js';
import { ModelRunner } from '../../src/models/runner.js';
import { expectedDraw } from '../support/rng.js';

async function withMacros<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open(':memory:');
  try {
    await new ModelRunner(db).installMacros();
    return await work(db);
  } finally {
    db.close();
  }
}

describe('pa-rng-1 seeded draw', () => {
  const cases: Array<[string, number, number, string]> = [
    ['EMP_000001', 42, 2025, 'termination'],
    ['EMP_000002', 42, 2025, 'termination'],
    ['EMP_000001', 43, 2025, 'termination'],
    ['EMP_000001', 42, 2026, 'termination'],
    ['NH_2027_000123', 7, 2027, 'promotion'],
    ['EMP_2025_0000001', 123456789, 2030, 'raise_month'],
    ['x', 0, 2000, 'nh_termination_day'],
  ];

  it('matches an independent computation for known inputs', async () => {
    await withMacros(async (db) => {
      for (const [id, seed, year, stream] of cases) {
        const row = await db.one<{ u: number }>(`SELECT pa_rand(pa_key($1), $2::BIGINT, $3::INTEGER, $4) AS u`, [
          id,
          seed,
          year,
          stream,
        ]);
        expect(row?.u, `${id}|${seed}|${year}|${stream}`).toBe(expectedDraw(id, seed, year, stream));
      }
    });
  });

  it('int_random_draws holds, for every key of the year and every stream it computes, pa_rand for the session seed and year', async () => {
    await withMacros(async (db) => {
      const runner = new ModelRunner(db);
      const model = MODELS.find((m) => m.name === 'int_random_draws')!;
      // The start-of-year population and the hires of two years; the keys cover all 64 bits.
      await db.run(`CREATE TABLE int_employee_compensation_by_year AS
                    SELECT y AS simulation_year, 'EMP_' || y || '_' || i AS employee_id, pa_key('EMP_' || y || '_' || i) AS rng_key
                    FROM range(2026, 2028) t(y), range(40) s(i)`);
      await db.run(`CREATE TABLE int_hiring_events AS
                    SELECT y AS simulation_year, 'NH_' || y || '_' || i AS employee_id FROM range(2026, 2028) t(y), range(10) s(i)`);
      for (const [year, seed] of [[2026, 42], [2027, 7]] as const) {
        await runner.setYear(year, 2025, seed);
        await runner.runModel(model, year);
        const rows = await db.all<Record<string, string | number>>(`SELECT * FROM int_random_draws ORDER BY employee_id`);
        expect(rows).toHaveLength(50);
        const streams = Object.keys(rows[0]!).filter((c) => c !== 'employee_id');
        expect(streams.length).toBeGreaterThan(15);
        expect(streams.filter((s) => !(RNG_STREAMS as readonly string[]).includes(s))).toEqual([]);
        for (const row of rows) {
          expect(String(row.employee_id)).toMatch(new RegExp(`^(EMP|NH)_${year}_`));
          for (const stream of streams) {
            expect(Number(row[stream]) / 2 ** 32, `${row.employee_id} ${stream}`).toBe(expectedDraw(String(row.employee_id), seed, year, stream));
          }
        }
        // The models read it through pa_uniform, the same value as pa_rand.
        const mismatches = await db.one<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM int_random_draws
           WHERE pa_uniform(opt_out) IS DISTINCT FROM pa_rand(pa_key(employee_id), ${seed}, ${year}, 'opt_out')
              OR pa_uniform(termination) IS DISTINCT FROM pa_rand(pa_key(employee_id), ${seed}, ${year}, 'termination')`,
        );
        expect(mismatches?.n).toBe(0);
      }
    });
  });

  it('is uniform on [0, 1) over 100,000 draws (chi-square, 100 bins)', async () => {
    await withMacros(async (db) => {
      const bins = await db.all<{ bin: number; n: number }>(
        `SELECT floor(pa_rand(pa_key('EMP_' || i::VARCHAR), 42, 2025, 'termination') * 100)::INTEGER AS bin,
                count(*)::INTEGER AS n
         FROM range(100000) t(i) GROUP BY 1 ORDER BY 1`,
      );
      expect(bins).toHaveLength(100);
      expect(bins[0]?.bin).toBe(0);
      expect(bins[99]?.bin).toBe(99);
      const expected = 1000;
      const chiSquare = bins.reduce((sum, b) => sum + (b.n - expected) ** 2 / expected, 0);
      // 99 degrees of freedom: the 99.9th percentile is about 148.
      expect(chiSquare).toBeLessThan(148);
      const moments = await db.one<{ mean: number; lo: number; hi: number }>(
        `SELECT avg(u) AS mean, min(u) AS lo, max(u) AS hi FROM (
           SELECT pa_rand(pa_key('EMP_' || i::VARCHAR), 42, 2025, 'promotion') AS u FROM range(100000) t(i))`,
      );
      expect(moments?.mean).toBeGreaterThan(0.497);
      expect(moments?.mean).toBeLessThan(0.503);
      expect(moments?.lo).toBeGreaterThanOrEqual(0);
      expect(moments?.hi).toBeLessThan(1);
    });
  });

  it('gives independent streams: draws of two streams are uncorrelated', async () => {
    await withMacros(async (db) => {
      const row = await db.one<{ r: number }>(
        `SELECT corr(pa_rand(k, 42, 2025, 'termination'), pa_rand(k, 42, 2025, 'promotion')) AS r
         FROM (SELECT pa_key('EMP_' || i::VARCHAR) AS k FROM range(100000) t(i))`,
      );
      expect(Math.abs(row?.r ?? 1)).toBeLessThan(0.02);
    });
  });
});
