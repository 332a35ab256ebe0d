import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, simulate } from '../support/engine.js';
import { flatConfig, writeMatchCensus, type CensusRow, CEILING_4_8_BANDS } from './match-support.js';

/**
 * The match magnet (reference-plan-design.md §6) through the engine, 2025-2026, hand-computed. Nobody
 * defers at the start; the plan's minimum age of 40 makes each employee newly eligible on the 40th
 * birthday (Mar 1), in 2025 for those born in 1985 and in 2026 for those born in 1986, and everyone
 * newly eligible enrolls voluntarily (probability 1, no auto-enrollment). The matrix rate is 3 % on
 * moderate pay and 9 % on high pay. The ceiling is the employee's: years of service are whole years
 * from the hire date to Dec 31 (a band [min, max) includes its min), points = age on Dec 31 + service.
 */

const CENSUS: CensusRow[] = [
  // 2 years of service in 2025 (hired Jan 1 2023), 3 (hired Dec 31 2022: the 3rd anniversary is Dec 31 2025).
  ['E25_Y2', '1985-03-01', '2023-01-01', 60000, '0'],
  ['E25_Y3', '1985-03-01', '2022-12-31', 60000, '0'],
  // The same edge one year later.
  ['E26_Y2', '1986-03-01', '2024-01-01', 60000, '0'],
  ['E26_Y3', '1986-03-01', '2023-12-31', 60000, '0'],
  // Picks 9 %, above every ceiling: never lowered by the snap.
  ['E25_HIGH', '1985-03-01', '2015-01-01', 150000, '0'],
];

/**
 * For the 2025 meaning's nudge (probability 0.4, so a dozen employees): moderate pay picks 5.5 %, high
 * pay 7.5 %; hires of Jan 1 have 2 years of service in their entry year, hires of Dec 31 have 3.
 */
const NUDGE_CENSUS: CensusRow[] = Array.from({ length: 24 }, (_, i) => {
  const entry = 2025 + (i % 2);
  const senior = i % 4 >= 2;
  const hire = senior ? `${entry - 3}-12-31` : `${entry - 2}-01-01`;
  return [`N${String(i).padStart(2, '0')}_${senior ? 'Y3' : 'Y2'}_${i < 12 ? 'MOD' : 'HIGH'}`, `${entry - 40}-03-01`, hire, i < 12 ? 60000 : 150000, '0'];
});

/** Whole percents: below 43 points 50 % up to 4 %, from 43 points 100 % up to 6 %. */
const POINTS_TIERS = [
  { min_points: 0, max_points: 43, match_rate: 50, max_deferral_pct: 4 },
  { min_points: 43, max_points: null, match_rate: 100, max_deferral_pct: 6 },
];

/** employee → [year, rate] of the voluntary enrollments. */
type Rates = Record<string, Array<[number, string]>>;

describe('match magnet (hand-computed, 2025-2026)', () => {
  const runs: Record<string, Rates> = {};
  const categories: Record<string, string[]> = {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-magnet-'));
    const census = writeMatchCensus(dir, CENSUS);
    const run = async (
      name: string,
      change: (c: Record<string, any>) => void,
      matrix = { moderate: 0.03, high: 0.09 },
      censusPath = census,
    ): Promise<void> => {
      const config = flatConfig((c) => {
        c.plan_eligibility.minimum_age = 40;
        const v = c.enrollment.voluntary_enrollment;
        v.enabled = true;
        v.base_rates_by_age = { young: 1, mid_career: 1, mature: 1, senior: 1 };
        v.income_multipliers = { low: 1, moderate: 1, high: 1, executive: 1 };
        v.job_level_multipliers = { individual: 1, senior: 1, manager: 1, executive: 1 };
        for (const age of ['young', 'mid_career', 'mature', 'senior']) {
          for (const pay of ['low', 'moderate', 'high', 'executive']) {
            v.deferral_rates.demographic_base_rates[`${age}_${pay}`] = pay === 'high' ? matrix.high : matrix.moderate;
          }
        }
        c.employer_match.employer_match_status = 'tenure_graded';
        c.employer_match.tenure_graded_bands = CEILING_4_8_BANDS;
        change(c);
      });
      const { database } = await simulate({ dir, census: censusPath, config, name });
      const rows = await query<{ employee_id: string; simulation_year: number; rate: string; event_category: string }>(
        database,
        `SELECT employee_id, simulation_year, employee_deferral_rate::VARCHAR AS rate, event_category FROM fct_yearly_events
         WHERE event_category IN ('voluntary_enrollment', 'proactive_voluntary') ORDER BY employee_id, simulation_year`,
      );
      categories[name] = [...new Set(rows.map((r) => r.event_category))];
      const rates: Rates = {};
      for (const r of rows) (rates[r.employee_id] ??= []).push([r.simulation_year, r.rate]);
      runs[name] = rates;
    };
    await run('snap', (c) => (c.enrollment.match_magnet = { snap_probability: 1 }));
    await run('no_snap', (c) => (c.enrollment.match_magnet = { snap_probability: 0 }));
    await run('clamped', (c) => (c.enrollment.match_magnet = { snap_probability: 1, max_deferral_rate: 0.05 }));
    await run('off', (c) => (c.enrollment.match_magnet = { enabled: false, snap_probability: 1, max_deferral_rate: 0.05 }));
    // Auto-enrollment on: the newly eligible are in its scope and all enroll proactively before it.
    await run('proactive', (c) => {
      c.enrollment.match_magnet = { snap_probability: 1 };
      c.enrollment.auto_enrollment.enabled = true;
      c.enrollment.auto_enrollment.hire_date_cutoff = null;
      c.enrollment.proactive_enrollment.enabled = true;
      c.enrollment.proactive_enrollment.probability_by_demographics = { young: 1, mid_career: 1, mature: 1, senior: 1 };
    });
    await run('points', (c) => {
      c.enrollment.match_magnet = { snap_probability: 1 };
      c.employer_match.employer_match_status = 'points_based';
      c.employer_match.points_match_tiers = POINTS_TIERS;
    });
    await run('match_disabled', (c) => {
      c.enrollment.match_magnet = { snap_probability: 1 };
      c.employer_match.enabled = false;
    });
    // No magnet section (the 2025 meaning): match_optimization's nudge.
    const nudgeDir = mkdtempSync(join(dir, 'nudge-'));
    await run('nudge', () => undefined, { moderate: 0.055, high: 0.075 }, writeMatchCensus(nudgeDir, NUDGE_CENSUS));
  }, 240_000);

  it('snaps everyone below the ceiling of their service band with probability 1, never lowers', () => {
    expect(runs.snap).toEqual({
      E25_HIGH: [[2025, '0.09000']],
      E25_Y2: [[2025, '0.04000']],
      E25_Y3: [[2025, '0.08000']],
      E26_Y2: [[2026, '0.04000']],
      E26_Y3: [[2026, '0.08000']],
    });
  });

  it('snaps proactive enrollees alike', () => {
    expect(categories.proactive).toEqual(['proactive_voluntary']);
    expect(runs.proactive).toEqual(runs.snap);
    expect(categories.snap).toEqual(['voluntary_enrollment']);
  });

  it('snaps nobody with probability 0', () => {
    expect(runs.no_snap).toEqual({
      E25_HIGH: [[2025, '0.09000']],
      E25_Y2: [[2025, '0.03000']],
      E25_Y3: [[2025, '0.03000']],
      E26_Y2: [[2026, '0.03000']],
      E26_Y3: [[2026, '0.03000']],
    });
  });

  it('holds every voluntary rate at max_deferral_rate, snapped or not, and while switched off', () => {
    expect(runs.clamped).toEqual({
      E25_HIGH: [[2025, '0.05000']],
      E25_Y2: [[2025, '0.04000']],
      E25_Y3: [[2025, '0.05000']],
      E26_Y2: [[2026, '0.04000']],
      E26_Y3: [[2026, '0.05000']],
    });
    expect(runs.off).toEqual({
      E25_HIGH: [[2025, '0.05000']],
      E25_Y2: [[2025, '0.03000']],
      E25_Y3: [[2025, '0.03000']],
      E26_Y2: [[2026, '0.03000']],
      E26_Y3: [[2026, '0.03000']],
    });
  });

  it('takes the ceiling of the points band: 40 + 2 = 42 points below the 43 edge, 40 + 3 = 43 at it', () => {
    expect(runs.points).toEqual({
      E25_HIGH: [[2025, '0.09000']],
      E25_Y2: [[2025, '0.04000']],
      E25_Y3: [[2025, '0.06000']],
      E26_Y2: [[2026, '0.04000']],
      E26_Y3: [[2026, '0.06000']],
    });
  });

  it('has no ceiling, so no snap, when the match is switched off', () => {
    expect(runs.match_disabled).toEqual(runs.no_snap);
  });

  it('without the section, nudges only toward the employee\'s own ceiling (4 % below 3 years, 8 % from 3), not the formula\'s 6 %', () => {
    const rates = Object.entries(runs.nudge!).map(([id, years]) => [id, years.map(([year]) => year), years.map(([, rate]) => rate)] as const);
    expect(rates).toHaveLength(NUDGE_CENSUS.length);
    for (const [id, years] of rates) expect(years).toEqual([id.startsWith('N') && Number(id.slice(1, 3)) % 2 === 0 ? 2025 : 2026]);
    // 5.5 % is within 1 point of no ceiling (4 % and 8 %; the active formula's 6 % no longer applies), 7.5 % only of 8 %.
    const picked = (suffix: string): string[] => rates.filter(([id]) => id.endsWith(suffix)).flatMap(([, , r]) => r);
    expect(new Set([...picked('Y2_MOD'), ...picked('Y3_MOD')])).toEqual(new Set(['0.05500']));
    expect(new Set(picked('Y2_HIGH'))).toEqual(new Set(['0.07500']));
    expect(new Set(picked('Y3_HIGH'))).toEqual(new Set(['0.07500', '0.08000']));
  });
});
