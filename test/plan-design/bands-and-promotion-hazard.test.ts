import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { configError, issueAt, minimal } from '../config/helpers.js';
import { query, simulate } from '../support/engine.js';
import { flatConfig, writeMatchCensus } from './match-support.js';

/**
 * age_bands, tenure_bands and promotion_hazard (reference-config-keys-head.md §20-22), by hand over
 * 2025-2026 on a flat census (no hires, leavers or raises). Ages and tenures are start-of-year values,
 * 2024 - birth year and 2024 - hire year in 2025, one more in 2026:
 *
 *   id    age 2025/2026  tenure 2025/2026
 *   A29   29 / 30        3 / 4
 *   A30   30 / 31        2 / 3
 *   A49   49 / 50        9 / 10
 *   A50   50 / 51        9 / 10
 *   E24   24 / 25        1 / 2
 *
 * Custom bands: age young [0, 30), mid [30, 50), senior [50, ...); tenure new [0, 3), long [3, ...).
 * Promotion hazard 0.1 x age multiplier (young 0, mid 100, senior 0) x tenure multiplier (1): certain
 * (capped at 1) in mid, impossible elsewhere; promotion needs tenure >= 1.
 */
const CENSUS: Parameters<typeof writeMatchCensus>[1] = [
  ['A29', '1995-06-01', '2021-03-01', 60000, '0'],
  ['A30', '1994-06-01', '2022-03-01', 60000, '0'],
  ['A49', '1975-06-01', '2015-03-01', 60000, '0'],
  ['A50', '1974-06-01', '2015-03-01', 60000, '0'],
  ['E24', '2000-06-01', '2023-03-01', 60000, '0'],
];

const band = (band_label: string, min_value: number, max_value: number, i: number) => ({
  band_id: i + 1,
  band_label,
  min_value,
  max_value,
  display_order: i + 1,
});
const AGE_BANDS = [band('young', 0, 30, 0), band('mid', 30, 50, 1), band('senior', 50, 120, 2)];
const TENURE_BANDS = [band('new', 0, 3, 0), band('long', 3, 100, 1)];
const CUSTOM = {
  age_bands: AGE_BANDS,
  tenure_bands: TENURE_BANDS,
  promotion_hazard: {
    base_rate: 0.1,
    age_multipliers: [
      { age_band: 'young', multiplier: 0 },
      { age_band: 'mid', multiplier: 100 },
      { age_band: 'senior', multiplier: 0 },
    ],
    tenure_multipliers: [
      { tenure_band: 'new', multiplier: 1 },
      { tenure_band: 'long', multiplier: 1 },
    ],
  },
};

interface Banded {
  id: string;
  y: number;
  age: string;
  tenure: string;
}

async function run(name: string, sections: Record<string, unknown>): Promise<{ snapshot: Banded[]; promotions: Banded[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'planalign-bands-'));
  const census = writeMatchCensus(dir, CENSUS);
  const { database } = await simulate({ dir, census, name, config: flatConfig((c) => Object.assign(c, sections)) });
  const read = (sql: string) => query<Banded & Record<string, unknown>>(database, `${sql} ORDER BY id, y`);
  return {
    snapshot: await read(
      `SELECT employee_id AS id, simulation_year AS y, age_band AS age, tenure_band AS tenure FROM fct_workforce_snapshot`,
    ),
    promotions: await read(
      `SELECT employee_id AS id, simulation_year AS y, age_band AS age, tenure_band AS tenure FROM fct_yearly_events WHERE event_type = 'promotion'`,
    ),
  };
}

const row = (id: string, y: number, age: string, tenure: string): Banded => ({ id, y, age, tenure });

describe('age_bands, tenure_bands and promotion_hazard through the engine (hand-computed, 2025-2026)', () => {
  let custom: Awaited<ReturnType<typeof run>>;
  let none: Awaited<ReturnType<typeof run>>;
  let certain: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    custom = await run('custom', CUSTOM);
    none = await run('base-0', { promotion_hazard: { base_rate: 0 } });
    certain = await run('base-1', { promotion_hazard: { base_rate: 1 } });
  }, 120_000);

  it('labels the snapshot with the custom bands, an age or tenure at a band minimum in that band', () => {
    expect(custom.snapshot).toEqual([
      row('A29', 2025, 'young', 'long'),
      row('A29', 2026, 'mid', 'long'),
      row('A30', 2025, 'mid', 'new'),
      row('A30', 2026, 'mid', 'long'),
      row('A49', 2025, 'mid', 'long'),
      row('A49', 2026, 'senior', 'long'),
      row('A50', 2025, 'senior', 'long'),
      row('A50', 2026, 'senior', 'long'),
      row('E24', 2025, 'young', 'new'),
      row('E24', 2026, 'young', 'new'),
    ]);
  });

  it("promotes exactly the mid band's employees, the events carrying the custom labels", () => {
    expect(custom.promotions).toEqual([
      row('A29', 2026, 'mid', 'long'),
      row('A30', 2025, 'mid', 'new'),
      row('A30', 2026, 'mid', 'long'),
      row('A49', 2025, 'mid', 'long'),
    ]);
  });

  it('keeps the standard labels without age_bands and tenure_bands', () => {
    expect(none.snapshot.filter((r) => r.id === 'E24' || r.id === 'A50')).toEqual([
      row('A50', 2025, '45-54', '5-9'),
      row('A50', 2026, '45-54', '10-19'),
      row('E24', 2025, '< 25', '< 2'),
      row('E24', 2026, '25-34', '2-4'),
    ]);
  });

  it('promotion_hazard.base_rate 0 promotes nobody in two years; base_rate 1 makes a certain promotion (2.1, capped)', () => {
    expect(none.promotions).toEqual([]);
    // A30 in 2025: 1 x 1.4 (25-34) x 1.5 (2-4) at level 1.
    expect(certain.promotions).toContainEqual(row('A30', 2025, '25-34', '2-4'));
  });
});

describe('refused bands and multipliers', () => {
  const refused = (extra: Record<string, unknown>) => configError(() => parseConfig(minimal(extra)));

  it('bands that leave a gap, or do not start at 0', () => {
    const gap = [band('young', 0, 30, 0), band('old', 35, 120, 1)];
    expect(issueAt(refused({ age_bands: gap }), 'age_bands[1].min_value')).toMatch(/must be 30, where the previous band ends/);
    const late = [band('new', 1, 3, 0), band('long', 3, 100, 1)];
    expect(issueAt(refused({ tenure_bands: late }), 'tenure_bands[0].min_value')).toMatch(/must be 0: the bands start at 0 years of service/);
  });

  it('a multiplier naming a band the run does not have', () => {
    const error = refused({ age_bands: AGE_BANDS, promotion_hazard: { age_multipliers: [{ age_band: '25-34', multiplier: 1 }] } });
    expect(issueAt(error, 'promotion_hazard.age_multipliers[0].age_band')).toMatch(/"25-34" is not a band of age_bands: "young", "mid", "senior"/);
    const standard = refused({ promotion_hazard: { tenure_multipliers: [{ tenure_band: 'long', multiplier: 1 }] } });
    expect(issueAt(standard, 'promotion_hazard.tenure_multipliers[0].tenure_band')).toMatch(/not a band of the standard tenure_bands/);
  });

  it('custom bands without a multiplier for each, in promotion_hazard or the table file, when the run starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-bands-missing-'));
    const census = writeMatchCensus(dir, CENSUS);
    const config = flatConfig((c) => Object.assign(c, { age_bands: AGE_BANDS, promotion_hazard: { age_multipliers: CUSTOM.promotion_hazard.age_multipliers.slice(0, 2) } }));
    const error = await simulate({ dir, census, config }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      expect.stringMatching(/config_promotion_hazard_age_multipliers\.csv: no row for the age_band "senior", and promotion_hazard\.age_multipliers gives none$/),
    ]);
  });
});
