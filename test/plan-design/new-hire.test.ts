/**
 * Custom new-hire inputs (config `new_hire`, the reference's plan-design §8) over 2025-2026:
 * ages from new_hire.age_distribution, hire-pay bands from new_hire.job_level_compensation for the
 * levels it names (the job-levels table's band for the others), the spread above the minimum scaled
 * by new_hire.market_scenario. Hand-computed from data/seeds/comp_levers.csv (HIRE percentile and
 * market multiplier: level 1 0.25 / 0.35 in 2025, 0.25 / 1.02 in 2026; level 2 0.30 / 0.33, 0.30 / 1.00;
 * level 3 0.35 / 0.30, 0.35 / 0.98) and config_job_levels.csv (level 3: 121,000-160,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ignoredReason } from '../../src/config/ignored.js';
import { defaultConfigObject, makeCensus, query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();
const AGES = [
  { age: 60, weight: 0.2 },
  { age: 22, weight: 0.1 },
  { age: 30, weight: 0.4 },
  { age: 45, weight: 0.3 },
];

let dir = '';
let database = '';
let census = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-new-hire-'));
  census = await makeCensus(dir, 500);
  const config = defaultConfigObject();
  // Strong growth: a few hundred hires a year.
  config.simulation.target_growth_rate = 0.2;
  config.new_hire = {
    age_distribution: AGES,
    job_level_compensation: [
      { level: 1, name: 'Staff', min_compensation: 50000, max_compensation: 70000 },
      { level: 2, min_compensation: 80000, max_compensation: 100000 },
    ],
    market_scenario: 'aggressive',
    level_market_adjustments: { 1: 1.05 },
  };
  database = (await simulate({ dir, census, config, years: [2025, 2026] })).database;
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Hire {
  simulation_year: number;
  seq: number;
  level_id: number;
  age: number;
  salary: number;
}
const hires = (): Promise<Hire[]> =>
  query<Hire>(
    database,
    // The hire number n is the end of the id NH_<year>_<n, six digits>.
    `SELECT simulation_year, right(employee_id, 6)::INTEGER AS seq, level_id, employee_age AS age,
            compensation_amount::DOUBLE AS salary
     FROM fct_yearly_events WHERE event_type = 'hire' ORDER BY simulation_year, seq`,
  );

describe('new_hire.age_distribution', () => {
  it('gives each age its weight among a few hundred hires a year, and no other age', async () => {
    const all = await hires();
    for (const year of [2025, 2026]) {
      const ofYear = all.filter((h) => h.simulation_year === year);
      expect(ofYear.length, `hires of ${year}`).toBeGreaterThan(150);
      expect(new Set(ofYear.map((h) => h.age))).toEqual(new Set([22, 30, 45, 60]));
      for (const { age, weight } of AGES) {
        const share = ofYear.filter((h) => h.age === age).length / ofYear.length;
        expect(Math.abs(share - weight), `share of age ${age} in ${year}: ${share}`).toBeLessThan(0.02);
      }
    }
  });

  it('takes hire n to slot n % 1000, u = ((n x 617) mod 1000 + 0.5) / 1000, in both years', async () => {
    // Cumulative weights by age: 22 → 0.1, 30 → 0.5, 45 → 0.8, 60 → 1.
    // n = 1: u = 0.6175 → 45; n = 2: 0.2345 → 30; n = 3: 0.8515 → 60; n = 5: 0.0855 → 22;
    // n = 8: 4936 → u = 0.9365 → 60; n = 13: 8021 → 0.0215 → 22.
    const expected: Record<number, number> = { 1: 45, 2: 30, 3: 60, 5: 22, 8: 60, 13: 22 };
    const all = await hires();
    for (const year of [2025, 2026]) {
      for (const [seq, age] of Object.entries(expected)) {
        expect(all.find((h) => h.simulation_year === year && h.seq === Number(seq))?.age, `${year} hire ${seq}`).toBe(age);
      }
    }
  });

  it("carries the hire's age into the next year's snapshot (born Dec 31 of Y - 1 - age)", async () => {
    const rows = await query<{ age_2025: number; age_2026: number }>(
      database,
      `SELECT h.employee_age AS age_2025, s.current_age AS age_2026
       FROM fct_yearly_events h JOIN fct_workforce_snapshot s
         ON s.employee_id = h.employee_id AND s.simulation_year = 2026
       WHERE h.simulation_year = 2025 AND h.event_type = 'hire'`,
    );
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) expect(r.age_2026).toBe(r.age_2025 + 1);
  });
});

describe('new_hire.job_level_compensation and market_scenario', () => {
  // Centre = min + (max - min) x percentile x market multiplier x 1.10 (aggressive: +10 % on the spread).
  const centres: Record<string, number> = {
    '2025 1': 51925, // 50,000 + 20,000 x 0.25 x 0.35 x 1.1
    '2026 1': 55610, // 50,000 + 20,000 x 0.25 x 1.02 x 1.1
    '2025 2': 82178, // 80,000 + 20,000 x 0.30 x 0.33 x 1.1
    '2026 2': 86600, // 80,000 + 20,000 x 0.30 x 1.00 x 1.1
    '2025 3': 125504.5, // 121,000 + 39,000 x 0.35 x 0.30 x 1.1 (the job-levels band)
    '2026 3': 135714.7, // 121,000 + 39,000 x 0.35 x 0.98 x 1.1
  };

  it("sets each level's hire-pay centre from the configured band, the spread scaled by the scenario", async () => {
    const rows = await query<{ simulation_year: number; level_id: number; centre: number }>(
      database,
      `SELECT simulation_year, level_id, new_hire_avg_compensation::DOUBLE AS centre
       FROM int_effective_parameters WHERE level_id <= 3 ORDER BY 1, 2`,
    );
    expect(Object.fromEntries(rows.map((r) => [`${r.simulation_year} ${r.level_id}`, r.centre]))).toEqual(centres);
  });

  it('pays each hire the centre x (0.90 + (n mod 10) x 0.02), inside 0.90-1.08 of the centre', async () => {
    const all = (await hires()).filter((h) => h.level_id <= 3);
    expect(new Set(all.map((h) => `${h.simulation_year} ${h.level_id}`)).size).toBe(6);
    for (const h of all) {
      const centre = centres[`${h.simulation_year} ${h.level_id}`] as number;
      expect(h.salary, `${h.simulation_year} hire ${h.seq}`).toBeCloseTo(centre * (0.9 + (h.seq % 10) * 0.02), 2);
    }
    // Level 1's configured band: its hires are paid 46,732.50 (0.90 x 51,925) to 60,058.80 (1.08 x 55,610).
    const level1 = all.filter((h) => h.level_id === 1).map((h) => h.salary);
    expect(Math.min(...level1)).toBeGreaterThanOrEqual(46732.5);
    expect(Math.max(...level1)).toBeLessThanOrEqual(60058.8);
  });

  it("keeps the census employees' levels on the job-levels bands", async () => {
    const [row] = await query<{ min_compensation: number; max_compensation: number }>(
      database,
      `SELECT min_compensation::DOUBLE AS min_compensation, max_compensation::DOUBLE AS max_compensation
       FROM param_job_levels WHERE level_id = 1`,
    );
    expect(row).toEqual({ min_compensation: 56000, max_compensation: 80000 });
  });

  it('refuses a level that the job-levels table does not have, naming the key', async () => {
    const config = defaultConfigObject();
    config.new_hire = { job_level_compensation: [{ level: 9, min_compensation: 1, max_compensation: 2 }] };
    await expect(simulate({ dir: tempDir(), census, config, years: [2025, 2025] })).rejects.toThrow(
      /new_hire\.job_level_compensation\[0\]\.level: 9 is not a level of config_job_levels\.csv \(1, 2, 3, 4, 5\)/,
    );
  });
});

describe('new_hire validation', () => {
  const minimal = (newHire: unknown) => ({ simulation: { start_year: 2025, end_year: 2026 }, new_hire: newHire });
  const rejects = (newHire: unknown, pattern: RegExp): void => {
    expect(() => parseConfig(minimal(newHire))).toThrow(pattern);
  };

  it('refuses weights that do not sum to 1, repeated ages, ages outside 14-100', () => {
    rejects({ age_distribution: [{ age: 30, weight: 0.5 }, { age: 40, weight: 0.4 }] }, /new_hire\.age_distribution: weights must sum to 1 \(they sum to 0\.9\)/);
    rejects({ age_distribution: [{ age: 30, weight: 0.5 }, { age: 30, weight: 0.5 }] }, /new_hire\.age_distribution\[1\]\.age: is already given in age_distribution\[0\]/);
    rejects({ age_distribution: [{ age: 13, weight: 1 }] }, /new_hire\.age_distribution\[0\]\.age: must be between 14 and 100/);
    rejects({ age_distribution: [{ age: 30, weight: 1.5 }] }, /new_hire\.age_distribution\[0\]\.weight: must be between 0 and 1/);
    rejects({ age_distribution: [] }, /new_hire\.age_distribution: needs at least one age/);
    expect(parseConfig(minimal({ age_distribution: [{ age: 30, weight: 0.3334 }, { age: 40, weight: 0.6666 }] })).config.new_hire.age_distribution).toHaveLength(2);
  });

  it('refuses a band whose maximum is not above its minimum, a repeated level, an unknown scenario or key', () => {
    const band = (min: number, max: number, level = 1) => ({ level, min_compensation: min, max_compensation: max });
    rejects({ job_level_compensation: [band(60000, 60000)] }, /new_hire\.job_level_compensation\[0\]\.max_compensation: must be greater than min_compensation \(60000\)/);
    rejects({ job_level_compensation: [band(1, 2), band(3, 4)] }, /new_hire\.job_level_compensation\[1\]\.level: is already given in job_level_compensation\[0\]/);
    rejects({ market_scenario: 'bullish' }, /new_hire\.market_scenario: must be one of conservative, baseline, competitive, aggressive/);
    rejects({ market_sceanrio: 'baseline' }, /new_hire\.market_sceanrio.*market_scenario/);
  });

  it("lists the keys the reference's engine never read as ignored, with their reasons", () => {
    const loaded = parseConfig(
      minimal({
        job_level_compensation: [{ level: 1, name: 'Staff', min_compensation: 1, max_compensation: 2 }],
        level_market_adjustments: { 1: 1.05 },
        strategy: 'percentile',
        target_percentile: 50,
        compensation_variance_percent: 5,
        level_distribution_mode: 'adaptive',
        level_distribution: [{ level: 1, percentage: 50 }],
      }),
    );
    expect(loaded.warnings).toEqual([]);
    expect(loaded.ignored).toEqual([
      'new_hire.compensation_variance_percent',
      'new_hire.job_level_compensation[0].name',
      'new_hire.level_distribution',
      'new_hire.level_distribution_mode',
      'new_hire.level_market_adjustments',
      'new_hire.strategy',
      'new_hire.target_percentile',
    ]);
    expect(ignoredReason('new_hire.job_level_compensation[0].name')).toMatch(/label of the Studio form/);
    expect(ignoredReason('new_hire.level_market_adjustments')).toMatch(/read by nothing/);
    expect(loaded.hash).toBe(parseConfig(minimal({ job_level_compensation: [{ level: 1, min_compensation: 1, max_compensation: 2 }] })).hash);
  });
});
