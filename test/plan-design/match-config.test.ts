import { describe, expect, it } from 'vitest';
import { MATCH_FORMULA_PRESETS, parseConfig } from '../../src/config/index.js';
import { describeIgnored } from '../../src/config/summary.js';
import { describeMatchDesign } from '../../src/params/match-describe.js';
import { configError, issueAt, minimal } from '../config/helpers.js';

/** The match-mode keys of employer_match (reference-plan-design.md §0.3, §2): validation and words. */

const match = (fields: Record<string, unknown>) => minimal({ employer_match: fields });
const issues = (fields: Record<string, unknown>) => configError(() => parseConfig(match(fields), { source: 'test.yaml' }));
const design = (fields: Record<string, unknown>) => describeMatchDesign(parseConfig(match(fields)).config);

const row = (min: number, max: number | null, rate = 50, pct = 6) => ({ min_years: min, max_years: max, match_rate: rate, max_deferral_pct: pct });
const points = (min: number, max: number | null, rate = 50) => ({ min_points: min, max_points: max, match_rate: rate, max_deferral_pct: 6 });
const band = (min: number, max: number | null, tiers = [{ employee_min: 0, employee_max: 0.06, match_rate: 0.5 }]) => ({
  min_years: min,
  max_years: max,
  tiers,
});

describe('employer_match modes: validation (§0.3)', () => {
  it('a mode needs its bands; the message names the key', () => {
    const cases: Array<[string, string, string]> = [
      ['graded_by_service', 'graded_schedule', 'row'],
      ['tenure_graded', 'tenure_graded_bands', 'band'],
      ['points_based', 'points_match_tiers', 'tier'],
      ['tenure_based', 'tenure_match_tiers', 'tier'],
    ];
    for (const [status, key, what] of cases) {
      expect(issueAt(issues({ employer_match_status: status }), `employer_match.${key}`)).toBe(
        `employer_match.${key}: employer_match_status '${status}' needs at least one ${what} in employer_match.${key}`,
      );
      expect(issueAt(issues({ employer_match_status: status, [key]: [] }), `employer_match.${key}`)).toContain('needs at least one');
    }
    expect(issueAt(issues({ employer_match_status: 'tenure' }), 'employer_match.employer_match_status')).toContain(
      'must be one of "deferral_based", "graded_by_service", "tenure_graded", "points_based", "tenure_based"',
    );
  });

  it('bands start at 0, follow each other and end unbounded', () => {
    const e = issues({
      employer_match_status: 'graded_by_service',
      graded_schedule: [row(1, 3), row(4, 2), row(6, null), row(8, 10)],
    });
    expect(issueAt(e, 'employer_match.graded_schedule[0].min_years')).toBe(
      'employer_match.graded_schedule[0].min_years: must be 0: the rows start at 0 years (got 1)',
    );
    expect(issueAt(e, 'employer_match.graded_schedule[1].min_years')).toContain('must be 3, where the previous row ends (rows are contiguous)');
    expect(issueAt(e, 'employer_match.graded_schedule[1].max_years')).toContain('must be greater than min_years (4)');
    expect(issueAt(e, 'employer_match.graded_schedule[2].max_years')).toContain('only the last row may be unbounded (null)');
    expect(issueAt(e, 'employer_match.graded_schedule[3].max_years')).toContain('must be null (unbounded): the last row covers everyone');
  });

  it('checks points tiers, legacy tiers and tenure bands alike, and the tiers of a band', () => {
    const e = issues({
      employer_match_status: 'tenure_graded',
      points_match_tiers: [points(0, 50), points(55, null)],
      tenure_graded_bands: [
        band(0, 5, [
          { employee_min: 0.01, employee_max: 0.03, match_rate: 1 },
          { employee_min: 0.04, employee_max: 0.03, match_rate: 3 },
        ]),
        band(5, null, []),
      ],
    });
    expect(issueAt(e, 'employer_match.points_match_tiers[1].min_points')).toContain('must be 50, where the previous tier ends');
    expect(issueAt(e, 'employer_match.tenure_graded_bands[0].tiers[0].employee_min')).toContain('must be 0: tiers start at 0 % of pay');
    expect(issueAt(e, 'employer_match.tenure_graded_bands[0].tiers[1].employee_min')).toContain('must be 0.03, where the previous tier ends');
    expect(issueAt(e, 'employer_match.tenure_graded_bands[0].tiers[1].employee_max')).toContain('must be greater than employee_min (0.04)');
    expect(issueAt(e, 'employer_match.tenure_graded_bands[0].tiers[1].match_rate')).toContain('must be between 0 and 2');
    expect(issueAt(e, 'employer_match.tenure_graded_bands[1].tiers')).toContain('a band needs at least one tier');
  });

  it('whole-percent rows: match_rate 0-200, max_deferral_pct 0-100 (default 6), whole years and points', () => {
    const e = issues({
      employer_match_status: 'points_based',
      points_match_tiers: [{ min_points: 0, max_points: 40.5, match_rate: 250, max_deferral_pct: 101 }, points(40, null)],
    });
    expect(issueAt(e, 'employer_match.points_match_tiers[0].match_rate')).toContain('must be between 0 and 200');
    expect(issueAt(e, 'employer_match.points_match_tiers[0].max_deferral_pct')).toContain('must be between 0 and 100');
    expect(issueAt(e, 'employer_match.points_match_tiers[0].max_points')).toContain('must be a whole number');
    const parsed = parseConfig(match({ employer_match_status: 'points_based', points_match_tiers: [{ min_points: 0, match_rate: 50 }] }));
    expect(parsed.config.employer_match.points_match_tiers).toEqual([{ min_points: 0, max_points: null, match_rate: 50, max_deferral_pct: 6 }]);
  });

  it('refuses legacy tiers beside native bands rather than pick one', () => {
    const e = issues({ employer_match_status: 'tenure_based', tenure_match_tiers: [row(0, null)], tenure_graded_bands: [band(0, null)] });
    expect(issueAt(e, 'employer_match.tenure_match_tiers')).toContain('give either tenure_graded_bands or the legacy tenure_match_tiers, not both');
  });

  it('tenure_graded reads legacy tiers too, migrated with a notice', () => {
    const parsed = parseConfig(match({ employer_match_status: 'tenure_graded', tenure_match_tiers: [row(0, null, 75, 5)] }));
    expect(parsed.config.employer_match.tenure_graded_bands).toEqual([
      { min_years: 0, max_years: null, tiers: [{ employee_min: 0, employee_max: 0.05, match_rate: 0.75 }] },
    ]);
    expect(parsed.config.employer_match.tenure_match_tiers).toBeUndefined();
    expect(parsed.warnings.some((w) => w.startsWith("employer_match.tenure_match_tiers: legacy 'tenure_graded' tiers migrated"))).toBe(true);
  });

  it('warns about bands the mode does not read', () => {
    const loaded = parseConfig(match({ points_match_tiers: [points(0, null)], tenure_match_tiers: [row(0, null)] }));
    expect(loaded.warnings.filter((w) => w.startsWith('employer_match.'))).toEqual([
      "employer_match.points_match_tiers: has no effect: employer_match_status is 'deferral_based'",
      "employer_match.tenure_match_tiers: has no effect: employer_match_status is 'deferral_based'",
    ]);
    const used = parseConfig(match({ employer_match_status: 'points_based', points_match_tiers: [points(0, null)] }));
    expect(used.warnings.some((w) => w.startsWith('employer_match.'))).toBe(false);
  });

  it('defaults: deferral_based and on; absent bands stay absent', () => {
    const m = parseConfig(minimal()).config.employer_match;
    expect([m.employer_match_status, m.enabled, m.graded_schedule, m.tenure_graded_bands, m.points_match_tiers]).toEqual([
      'deferral_based',
      true,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('formula types safe_harbor and qaca, and the presets', () => {
  it('are tiered formulas: tiers required, match_rate refused', () => {
    const e = issues({ formulas: { sh: { type: 'safe_harbor', match_rate: 1, max_match_percentage: 0.04 } } });
    expect(issueAt(e, 'employer_match.formulas.sh.match_rate')).toContain("is not used by 'safe_harbor' formulas: put rates in tiers");
    expect(issueAt(e, 'employer_match.formulas.sh.tiers')).toContain('a safe_harbor formula needs at least one tier');
  });

  it('ships safe_harbor_basic, qaca_safe_harbor and safe_harbor_enhanced, each editable by name', () => {
    expect(MATCH_FORMULA_PRESETS.safe_harbor_enhanced).toEqual({
      name: 'Safe Harbor Enhanced Match',
      type: 'safe_harbor',
      tiers: [{ tier: 1, employee_min: 0, employee_max: 0.04, match_rate: 1 }],
      max_match_percentage: 0.04,
    });
    expect(parseConfig(match({ active_formula: 'qaca_safe_harbor' })).config.employer_match.formulas.qaca_safe_harbor).toEqual(
      MATCH_FORMULA_PRESETS.qaca_safe_harbor,
    );
    const edited = { type: 'qaca', max_match_percentage: 0.04, tiers: [{ tier: 1, employee_min: 0, employee_max: 0.04, match_rate: 1 }] };
    const formulas = parseConfig(match({ active_formula: 'qaca_safe_harbor', formulas: { qaca_safe_harbor: edited } })).config.employer_match.formulas;
    expect(formulas.qaca_safe_harbor).toMatchObject({ type: 'qaca', max_match_percentage: 0.04 });
  });

  it("reads immediate_vesting and vesting_schedule as the formula's vesting schedule (test/accounts/vesting.test.ts)", () => {
    const loaded = parseConfig(
      match({
        formulas: {
          safe_harbor_basic: { ...MATCH_FORMULA_PRESETS.safe_harbor_basic, immediate_vesting: true },
          qaca_safe_harbor: { ...MATCH_FORMULA_PRESETS.qaca_safe_harbor, vesting_schedule: 'qaca_2_year' },
        },
      }),
    );
    expect(describeIgnored(loaded)).toEqual([]);
    expect(loaded.config.employer_match.formulas.safe_harbor_basic?.vesting).toEqual({ type: 'immediate', years: 0 });
    expect(loaded.config.employer_match.formulas.qaca_safe_harbor?.vesting).toEqual({ type: 'qaca', years: 2 });
    expect(issueAt(issues({ formulas: { x: { ...MATCH_FORMULA_PRESETS.safe_harbor_basic, immediate_vesting: 'yes' } } }), 'employer_match.formulas.x.immediate_vesting')).toContain(
      'must be',
    );
  });
});

describe('describeMatchDesign: the design in words', () => {
  it('deferral-based formulas', () => {
    expect(design({})).toBe('simple_match (simple): 50% of the first 6%; at most 3% of pay');
    expect(design({ active_formula: 'tiered_match' })).toBe('tiered_match (tiered): 100% of the first 3%, 50% of the next 2%; at most 4% of pay');
    expect(design({ active_formula: 'qaca_safe_harbor' })).toBe('qaca_safe_harbor (qaca): 100% of the first 1%, 50% of the next 5%; at most 3.5% of pay');
    expect(
      design({
        active_formula: 'gap',
        formulas: { gap: { type: 'tiered', max_match_percentage: 0.02, tiers: [{ tier: 1, employee_min: 0.02, employee_max: 0.06, match_rate: 1 }] } },
      }),
    ).toBe('gap (tiered): 100% of deferrals from 2% to 6%; at most 2% of pay');
  });

  it('bands by service and points, and the switch', () => {
    expect(
      design({
        employer_match_status: 'tenure_graded',
        tenure_graded_bands: [
          band(0, 5),
          band(5, null, [
            { employee_min: 0, employee_max: 0.03, match_rate: 1 },
            { employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
          ]),
        ],
      }),
    ).toBe(
      'tenure_graded, by years of service (whole years from hire to Dec 31, or to leaving): 0-4 years: 50% of the first 6%; 5+ years: 100% of the first 3%, 50% of the next 2%',
    );
    expect(design({ employer_match_status: 'graded_by_service', graded_schedule: [row(0, 1, 0), row(1, null, 100, 4)] })).toBe(
      'graded_by_service, by years of service (whole years from hire to Dec 31, or to leaving): 0 years: no match; 1+ years: 100% of the first 4%',
    );
    expect(design({ employer_match_status: 'points_based', points_match_tiers: [points(0, 60, 25), points(60, null, 100)] })).toBe(
      'points_based, by points (age on Dec 31 + years of service): 0-59 points: 25% of the first 6%; 60+ points: 100% of the first 6%',
    );
    expect(design({ enabled: false })).toBe('off (employer_match.enabled: false); the design when on: simple_match (simple): 50% of the first 6%; at most 3% of pay');
  });
});
