import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { simulate } from '../support/engine.js';
import { byEmployee, flatConfig, matchRows, writeMatchCensus, type CensusRow, type MatchRow } from './match-support.js';

/**
 * Service-banded match modes through the engine, 2025-2026, hand-computed. Years of service are
 * whole years from the hire date to Dec 31 of the year (reference-plan-design.md §1.1; so Y - hire
 * year for everyone employed at year end); a band [min_years, max_years) includes its min. Every
 * employee works the whole year on flat pay and a flat rate, so deferrals = rate x pay.
 */

const CENSUS: CensusRow[] = [
  // 4 years in 2025, 5 in 2026: crosses the 5-year edge.
  ['T_EDGE', '1980-01-01', '2021-06-01', 100000, '0.08'],
  // Hired Dec 31: the 5th anniversary is 2025-12-31, so 5 years in 2025 already.
  ['T_DEC31', '1980-01-01', '2020-12-31', 100000, '0.03'],
  ['T_JAN1', '1980-01-01', '2021-01-01', 50000, '0.04'],
  ['T_NEW', '1980-01-01', '2024-07-01', 60000, '0.06'],
  // 2 years in 2025, 3 in 2026: crosses the graded schedule's 3-year edge.
  ['T_2_3', '1980-01-01', '2023-03-01', 80000, '0.05'],
  // Above the 401(a)(17) limit (350,000 in 2025, 360,000 in 2026), and at it.
  ['T_CAP', '1980-01-01', '2010-01-01', 400000, '0.06'],
  ['T_AT_CAP', '1980-01-01', '2010-01-01', 350000, '0.06'],
  ['T_ZERO', '1980-01-01', '2015-01-01', 70000, '0'],
];

/** The reference's own example (§2.2) with a two-tier senior band. */
const TENURE_GRADED_BANDS = [
  { min_years: 0, max_years: 5, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 0.5 }] },
  {
    min_years: 5,
    max_years: null,
    tiers: [
      { employee_min: 0, employee_max: 0.03, match_rate: 1.0 },
      { employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
    ],
  },
];

/** Whole percents: 50 % of deferrals up to 4 % of pay below 3 years, 100 % up to 6 % from 3 years. */
const SCHEDULE = [
  { min_years: 0, max_years: 3, match_rate: 50, max_deferral_pct: 4 },
  { min_years: 3, max_years: null, match_rate: 100, max_deferral_pct: 6 },
];

describe('service-banded match modes (hand-computed, 2025-2026)', () => {
  let tenureGraded: MatchRow[];
  let graded: MatchRow[];
  let legacy: MatchRow[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-match-service-'));
    const census = writeMatchCensus(dir, CENSUS);
    const run = async (name: string, change: (m: Record<string, any>) => void): Promise<MatchRow[]> => {
      const config = flatConfig((c) => change(c.employer_match));
      return matchRows((await simulate({ dir, census, config, name })).database);
    };
    tenureGraded = await run('tenure_graded', (m) => {
      m.employer_match_status = 'tenure_graded';
      m.tenure_graded_bands = TENURE_GRADED_BANDS;
    });
    graded = await run('graded', (m) => {
      m.employer_match_status = 'graded_by_service';
      m.graded_schedule = SCHEDULE;
    });
    legacy = await run('legacy', (m) => {
      m.employer_match_status = 'tenure_based';
      m.tenure_match_tiers = SCHEDULE;
    });
  }, 120_000);

  it('tenure_graded: the band holding the years of service, its tiers on the deferrals (tier 2 from above 3 %)', () => {
    expect(byEmployee(tenureGraded, 'service')).toEqual({
      // 2025: 50 % of 6,000 (8,000 deferred); 2026: 100 % of 3,000 + 50 % of the next 2,000.
      T_EDGE: [
        [2025, 4, '0-4 years', '8000.00', '3000.00'],
        [2026, 5, '5+ years', '8000.00', '4000.00'],
      ],
      // Deferring exactly 3 %: the second tier (from 3 %) adds nothing.
      T_DEC31: [
        [2025, 5, '5+ years', '3000.00', '3000.00'],
        [2026, 6, '5+ years', '3000.00', '3000.00'],
      ],
      // 2025: 50 % of 2,000; 2026: 1,500 + 50 % of 500.
      T_JAN1: [
        [2025, 4, '0-4 years', '2000.00', '1000.00'],
        [2026, 5, '5+ years', '2000.00', '1750.00'],
      ],
      T_NEW: [
        [2025, 1, '0-4 years', '3600.00', '1800.00'],
        [2026, 2, '0-4 years', '3600.00', '1800.00'],
      ],
      T_2_3: [
        [2025, 2, '0-4 years', '4000.00', '2000.00'],
        [2026, 3, '0-4 years', '4000.00', '2000.00'],
      ],
      // Pay capped at 350,000 then 360,000: 3 % + 50 % of 2 % of the capped pay.
      T_CAP: [
        [2025, 15, '5+ years', '21000.00', '14000.00'],
        [2026, 16, '5+ years', '21600.00', '14400.00'],
      ],
      T_AT_CAP: [
        [2025, 15, '5+ years', '21000.00', '14000.00'],
        [2026, 16, '5+ years', '21000.00', '14000.00'],
      ],
      T_ZERO: [
        [2025, 10, '5+ years', '0.00', '0.00'],
        [2026, 11, '5+ years', '0.00', '0.00'],
      ],
    });
  });

  it('labels the rows with the mode, and says where 401(a)(17) capped the pay', () => {
    expect(new Set(tenureGraded.map((r) => `${r.formula_id}/${r.formula_type}`))).toEqual(new Set(['tenure_graded/tenure_graded']));
    const cap = tenureGraded.filter((r) => r.employee_id.startsWith('T_') && r.employee_id.includes('CAP'));
    expect(cap.map((r) => [r.employee_id, r.simulation_year, r.eligible_compensation, r.irs_401a17_limit, r.irs_401a17_limit_applied])).toEqual([
      ['T_AT_CAP', 2025, '350000.00', '350000.00', false],
      ['T_AT_CAP', 2026, '350000.00', '360000.00', false],
      ['T_CAP', 2025, '350000.00', '350000.00', true],
      ['T_CAP', 2026, '360000.00', '360000.00', true],
    ]);
    expect(tenureGraded.filter((r) => r.employee_id === 'T_ZERO').map((r) => r.match_status)).toEqual(['no_deferrals', 'no_deferrals']);
    expect(tenureGraded.every((r) => r.applied_points === null)).toBe(true);
  });

  it('graded_by_service: match_rate % of the deferrals up to max_deferral_pct % of pay, by the row holding the service', () => {
    expect(byEmployee(graded, 'service')).toEqual({
      T_EDGE: [
        [2025, 4, '3+ years', '8000.00', '6000.00'],
        [2026, 5, '3+ years', '8000.00', '6000.00'],
      ],
      T_DEC31: [
        [2025, 5, '3+ years', '3000.00', '3000.00'],
        [2026, 6, '3+ years', '3000.00', '3000.00'],
      ],
      T_JAN1: [
        [2025, 4, '3+ years', '2000.00', '2000.00'],
        [2026, 5, '3+ years', '2000.00', '2000.00'],
      ],
      // 50 % of deferrals up to 4 % of 60,000 = 2,400.
      T_NEW: [
        [2025, 1, '0-2 years', '3600.00', '1200.00'],
        [2026, 2, '0-2 years', '3600.00', '1200.00'],
      ],
      // 2025: 50 % of 3,200 (4 % of 80,000); 2026, 3 years: 100 % of the 4,000 deferred.
      T_2_3: [
        [2025, 2, '0-2 years', '4000.00', '1600.00'],
        [2026, 3, '3+ years', '4000.00', '4000.00'],
      ],
      T_CAP: [
        [2025, 15, '3+ years', '21000.00', '21000.00'],
        [2026, 16, '3+ years', '21600.00', '21600.00'],
      ],
      T_AT_CAP: [
        [2025, 15, '3+ years', '21000.00', '21000.00'],
        [2026, 16, '3+ years', '21000.00', '21000.00'],
      ],
      T_ZERO: [
        [2025, 10, '3+ years', '0.00', '0.00'],
        [2026, 11, '3+ years', '0.00', '0.00'],
      ],
    });
  });

  it('legacy tenure_based tiers pay exactly what the same graded schedule pays, as tenure_graded', () => {
    const strip = (rows: MatchRow[]) => rows.map(({ formula_id, formula_type, ...rest }) => rest);
    expect(strip(legacy)).toEqual(strip(graded));
    expect(new Set(legacy.map((r) => r.formula_id))).toEqual(new Set(['tenure_graded']));
  });

  it('migrates tenure_based with a notice, to the config the native bands give (same hash)', () => {
    const base = flatConfig();
    const legacyConfig = structuredClone(base);
    Object.assign(legacyConfig.employer_match, { employer_match_status: 'tenure_based', tenure_match_tiers: SCHEDULE });
    const nativeConfig = structuredClone(base);
    Object.assign(nativeConfig.employer_match, {
      employer_match_status: 'tenure_graded',
      tenure_graded_bands: [
        { min_years: 0, max_years: 3, tiers: [{ employee_min: 0, employee_max: 0.04, match_rate: 0.5 }] },
        { min_years: 3, max_years: null, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }] },
      ],
    });
    const migrated = parseConfig(legacyConfig);
    const native = parseConfig(nativeConfig);
    expect(migrated.hash).toBe(native.hash);
    expect(migrated.warnings.filter((w) => w.startsWith('employer_match.tenure_match_tiers'))).toEqual([
      "employer_match.tenure_match_tiers: legacy 'tenure_based' tiers migrated to employer_match_status 'tenure_graded' with one tenure_graded_bands band per tier (match_rate % of the deferrals up to max_deferral_pct % of pay)",
    ]);
    expect(native.warnings.some((w) => w.includes('tenure_match_tiers'))).toBe(false);
  });
});
