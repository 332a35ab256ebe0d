/**
 * The two eras (issue 12): absent keys keep the 2025 defaults; a plan-design section takes its 2026
 * meaning when one of its 2026 keys is present, and `validate` says which, per section, with each design
 * in words.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDesigns, loadConfig, parseConfig, planDesignEras } from '../../src/config/index.js';
import { runCli } from '../support/cli.js';
import { defaultConfigObject } from '../support/engine.js';

const FIXTURE = 'test/fixtures/plan-design/studio-2026.yaml';
const base = { simulation: { start_year: 2025, end_year: 2026 } };
const erasOf = (raw: Record<string, unknown>) => parseConfig(raw).eras.map(({ section, era, keys }) => [section, era, keys]);

describe('the era of each plan-design section', () => {
  it('is 2025 for the shipped config and for a config of 2025 keys only, whose resolved values stay the 2025 defaults', () => {
    const all2025 = [
      ['employer_match', 2025, []],
      ['employer_core_contribution', 2025, []],
      ['eligibility / plan_eligibility', 2025, []],
      ['deferral_auto_escalation', 2025, []],
      ['enrollment.match_magnet', 2025, []],
      ['deferral_match_response', 2025, []],
    ];
    expect(erasOf(defaultConfigObject())).toEqual(all2025);
    const written = {
      ...base,
      employer_match: { active_formula: 'tiered_match', apply_eligibility: true, eligibility: { minimum_tenure_years: 1 } },
      employer_core_contribution: { enabled: true, contribution_rate: 0.02 },
      eligibility: { waiting_period_days: 30 },
      plan_eligibility: { minimum_age: 18 },
    };
    expect(erasOf(written)).toEqual(all2025);
    // The 2026 keys absent: their defaults are the 2025 behaviour.
    const c = parseConfig(written).config;
    expect([c.employer_match.enabled, c.employer_match.employer_match_status, c.employer_core_contribution.status]).toEqual([true, 'deferral_based', 'flat']);
    expect([c.eligibility.entry_date_type, c.eligibility.new_hire_ineligible_pct]).toEqual(['immediate', 0]);
  });

  it('is 2026 when a 2026 key of the section is present, in the YAML or as a dc_plan key, naming each', () => {
    expect(
      erasOf({
        ...base,
        employer_match: {
          employer_match_status: 'points_based',
          points_match_tiers: [{ min_points: 0, max_points: null, match_rate: 50, max_deferral_pct: 6 }],
        },
        workforce: { total_termination_rate: 0.1, part_time_new_hire_pct: 0.2 },
        dc_plan: { core_status: 'flat', eligibility_months: 2 },
      }),
    ).toEqual([
      ['employer_match', 2026, ['employer_match.employer_match_status', 'employer_match.points_match_tiers']],
      ['employer_core_contribution', 2026, ['dc_plan.core_status']],
      ['eligibility / plan_eligibility', 2026, ['workforce.part_time_new_hire_pct', 'dc_plan.eligibility_months']],
      ['deferral_auto_escalation', 2025, []],
      ['enrollment.match_magnet', 2025, []],
      ['deferral_match_response', 2025, []],
    ]);
  });

  it('escalation, the match magnet and the match response: by their own keys and their dc_plan keys', () => {
    const eras = (raw: Record<string, unknown>) => erasOf({ ...base, ...raw }).slice(3);
    // The YAML keys of escalation are all 2025 keys; a disabled response reads as 2025 too.
    expect(
      eras({
        deferral_auto_escalation: { enabled: true, effective_day: '01-01', increment_amount: 0.01, maximum_rate: 0.1, first_escalation_delay_years: 2 },
        deferral_match_response: { enabled: false },
      }),
    ).toEqual([
      ['deferral_auto_escalation', 2025, []],
      ['enrollment.match_magnet', 2025, []],
      ['deferral_match_response', 2025, []],
    ]);
    expect(
      eras({
        deferral_auto_escalation: { census_escalates_in_start_year: false },
        enrollment: { match_magnet: { snap_probability: 0.3 } },
        deferral_match_response: { enabled: true },
      }),
    ).toEqual([
      ['deferral_auto_escalation', 2026, ['deferral_auto_escalation.census_escalates_in_start_year']],
      ['enrollment.match_magnet', 2026, ['enrollment.match_magnet']],
      ['deferral_match_response', 2026, ['deferral_match_response.enabled: true']],
    ]);
    expect(eras({ dc_plan: { escalation_cap_percent: 8, match_magnet_probability: 0.5, auto_enroll: true, deferral_match_response: {} } })).toEqual([
      ['deferral_auto_escalation', 2026, ['dc_plan.escalation_cap_percent']],
      ['enrollment.match_magnet', 2026, ['dc_plan.match_magnet_probability']],
      ['deferral_match_response', 2026, ['dc_plan.deferral_match_response']],
    ]);
  });

  it("counts a 2026 value of a 2025 key (a safe-harbor type or preset), and a formula's vesting keys", () => {
    const formula = { type: 'tiered', tiers: [{ tier: 1, employee_min: 0, employee_max: 0.04, match_rate: 1 }], max_match_percentage: 0.04 };
    const vestingOnly = { ...base, employer_match: { active_formula: 'mine', formulas: { mine: { ...formula, immediate_vesting: true } } } };
    expect(parseConfig(vestingOnly).eras[0]).toEqual({ section: 'employer_match', era: 2026, keys: ['employer_match.formulas.mine.immediate_vesting'] });
    expect(parseConfig({ ...base, employer_match: { active_formula: 'mine', formulas: { mine: { ...formula, type: 'qaca' } } } }).eras[0]?.keys).toEqual([
      'employer_match.formulas.mine.type: qaca',
    ]);
    expect(parseConfig({ ...base, employer_match: { active_formula: 'safe_harbor_enhanced' } }).eras[0]?.keys).toEqual([
      'employer_match.active_formula: safe_harbor_enhanced',
    ]);
    // The function reads the keys as written: a null dc_plan key is not set.
    expect(planDesignEras({ dc_plan: { match_status: null } }, [])[0]?.era).toBe(2025);
  });
});

describe('planalign validate', () => {
  it('states each design in words and, per section, which era applied (text and --json)', () => {
    const text = runCli(['validate', '-c', FIXTURE]);
    expect(text.status, text.stderr).toBe(0);
    // Each design by the function of the part that owns it, of the config with dc_plan applied.
    const designs = describeDesigns(loadConfig({ path: FIXTURE, env: {} }).config);
    expect(designs.employer_match).toBe('tiered_match (tiered): 100% of the first 3%, 50% of the next 2%; at most 4% of pay');
    expect(designs.employer_core_contribution).toBe('1% of pay');
    expect(designs.plan_eligibility).toContain('90 days');
    expect(text.stdout).toContain(
      [
        'Plan design:',
        `  Employer match:      ${designs.employer_match}`,
        `  Employer core:       ${designs.employer_core_contribution}`,
        `  Plan eligibility:    ${designs.plan_eligibility}`,
        '  Employer money eligibility:',
        ...designs.employer_eligibility.map((line) => `    ${line}`),
        `  Vesting:             ${designs.vesting}`,
        `  Accounts:            ${designs.accounts}`,
        `  Forfeitures:         ${designs.forfeitures}`,
        `  Compliance tests:    ${designs.compliance}`,
      ].join('\n'),
    );
    expect(designs.vesting).toBe('match immediate (100 %); core immediate (100 %); service by elapsed time');
    // The fixture has no accounts, forfeitures or compliance sections: their defaults, in words.
    expect(designs.accounts).toBe("return 0 % a year (mid-year convention); leavers' balances stay invested");
    expect(designs.forfeitures).toBe(
      "unvested money forfeited in the termination year, used the next year against the employer's match and core (the rest carried)",
    );
    expect(designs.compliance).toBe('ADP/ACP by the current-year method; top-paid-group election off; top-heavy minimum reported');
    expect(text.stdout).toContain(
      [
        'Plan-design eras (absent keys keep their 2025 defaults):',
        '  - employer_match: 2026 meaning (by employer_match.employer_match_status, employer_match.graded_schedule, employer_match.formulas.safe_harbor_basic.type: safe_harbor, employer_match.formulas.safe_harbor_basic.immediate_vesting, employer_match.formulas.qaca_safe_harbor.type: qaca, employer_match.formulas.qaca_safe_harbor.vesting_schedule, dc_plan.match_template, dc_plan.match_tiers, dc_plan.match_cap_percent, dc_plan.match_status, dc_plan.match_min_tenure_years, dc_plan.match_min_hours_annual, dc_plan.match_require_year_end_active)',
        '  - employer_core_contribution: 2026 meaning (by employer_core_contribution.status, employer_core_contribution.graded_schedule, dc_plan.core_enabled, dc_plan.core_status, dc_plan.core_contribution_rate_percent, dc_plan.core_integration_enabled)',
        '  - eligibility / plan_eligibility: 2026 meaning (by eligibility.new_hire_ineligible_pct, eligibility.new_hire_eligibility_match_census, workforce.part_time_new_hire_pct, dc_plan.eligibility_months)',
        '  - deferral_auto_escalation: 2026 meaning (by dc_plan.auto_escalation, dc_plan.escalation_rate_percent, dc_plan.escalation_cap_percent, dc_plan.escalation_effective_day, dc_plan.escalation_delay_years)',
        '  - enrollment.match_magnet: 2026 meaning (by dc_plan.match_magnet_enabled, dc_plan.match_magnet_probability, dc_plan.max_voluntary_deferral_percent)',
        '  - deferral_match_response: 2026 meaning (by dc_plan.deferral_match_response)',
        'Set by dc_plan (it overrides the YAML):',
        '  - employer_match.active_formula: from dc_plan.match_template',
      ].join('\n'),
    );
    expect(text.stdout).toContain('  - vesting.match: from dc_plan.vesting_schedule');
    expect(text.stdout).not.toContain('ensemble.thresholds');

    const json = runCli(['validate', '-c', FIXTURE, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      path: string;
      designs: Record<string, string>;
      eras: Array<{ section: string; era: number; keys: string[] }>;
      dcPlan: Array<{ key: string; source: string }>;
      ignored: string[];
    };
    expect(report.path).toBe(resolve(FIXTURE));
    expect(report.designs).toEqual(designs);
    expect(report.eras.map((e) => [e.section, e.era])).toEqual([
      ['employer_match', 2026],
      ['employer_core_contribution', 2026],
      ['eligibility / plan_eligibility', 2026],
      ['deferral_auto_escalation', 2026],
      ['enrollment.match_magnet', 2026],
      ['deferral_match_response', 2026],
    ]);
    expect(report.dcPlan).toContainEqual({ key: 'employer_core_contribution.status', source: 'dc_plan.core_status' });
    expect(report.ignored).toContain('dc_plan.auto_enroll_scope');
  });

  it('says 2025 for each section of a 2025 config', () => {
    const result = runCli(['validate', '-c', 'config/simulation_config.yaml']);
    expect(result.status, result.stderr).toBe(0);
    for (const section of ['employer_match', 'employer_core_contribution', 'eligibility / plan_eligibility', 'deferral_auto_escalation', 'enrollment.match_magnet', 'deferral_match_response']) {
      expect(result.stdout).toContain(`  - ${section}: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)\n`);
    }
    expect(result.stdout).not.toContain('Set by dc_plan');
  });
});
