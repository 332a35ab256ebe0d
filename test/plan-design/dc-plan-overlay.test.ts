/**
 * The dc_plan overlay (reference-plan-design.md §0.1, §0.2, §0.4): its plan-design keys override the
 * YAML ("later wins"), the unit heuristics apply to dc_plan values only with a notice each time one
 * reads a value in another unit, the keys of later issues are listed as ignored with their reasons,
 * and the environment and the command line win over both.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../src/errors.js';
import { loadConfig, parseConfig } from '../../src/config/index.js';
import { appliedOverrides, describeEffectiveInputs } from '../../src/config/effective.js';
import { ignoredReason } from '../../src/config/ignored.js';
import { describeEligibility, planWaitingPeriodDays } from '../../src/config/plan-eligibility.js';

const FIXTURE = 'test/fixtures/plan-design/studio-2026.yaml';
const base = { simulation: { start_year: 2025, end_year: 2026 } };

/** The issues of the ConfigError `run` throws. */
function configIssues(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('a config in the 2026 keys with a Studio dc_plan overlay', () => {
  const loaded = loadConfig({ path: FIXTURE, env: {} });
  const yamlOnly = loadConfig({ path: FIXTURE, env: {}, withoutDcPlan: true });

  it('loads, each dc_plan key overriding its YAML key', () => {
    const c = loaded.config;
    // YAML: simple_match, graded by service; dc_plan: the tiered template, its tiers and cap, deferral-based.
    expect(yamlOnly.config.employer_match.active_formula).toBe('simple_match');
    expect(yamlOnly.config.employer_match.employer_match_status).toBe('graded_by_service');
    expect(c.employer_match.active_formula).toBe('tiered_match');
    expect(c.employer_match.employer_match_status).toBe('deferral_based');
    expect(c.employer_match.formulas.tiered_match).toEqual({
      name: 'tiered_match',
      type: 'tiered',
      tiers: [
        { tier: 1, employee_min: 0, employee_max: 0.03, match_rate: 1 },
        { tier: 2, employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
      ],
      max_match_percentage: 0.04,
    });
    // YAML: graded core from 2 %; dc_plan: flat 1 % (a percent key).
    expect([yamlOnly.config.employer_core_contribution.status, yamlOnly.config.employer_core_contribution.contribution_rate]).toEqual([
      'graded_by_service',
      0.02,
    ]);
    expect([c.employer_core_contribution.status, c.employer_core_contribution.contribution_rate]).toEqual(['flat', 0.01]);
    // 3 months of 30 days.
    expect([yamlOnly.config.plan_eligibility.waiting_period_days, c.plan_eligibility.waiting_period_days]).toEqual([0, 90]);
    expect(c.employer_match.eligibility.minimum_hours_annual).toBe(1000);
    expect(c.employer_match.apply_eligibility).toBe(true);
    // Tenure 0 given without allow_new_hires: derived true, as the reference does.
    expect(c.employer_match.eligibility.allow_new_hires).toBe(true);
  });

  it('says which dc_plan key set each YAML key', () => {
    expect(loaded.dcPlan).toEqual([
      { key: 'employer_match.active_formula', source: 'dc_plan.match_template' },
      { key: 'employer_match.formulas.tiered_match', source: 'dc_plan.match_tiers, dc_plan.match_cap_percent' },
      { key: 'employer_match.employer_match_status', source: 'dc_plan.match_status' },
      { key: 'employer_match.eligibility.minimum_tenure_years', source: 'dc_plan.match_min_tenure_years' },
      { key: 'employer_match.eligibility.require_active_at_year_end', source: 'dc_plan.match_require_year_end_active' },
      { key: 'employer_match.eligibility.minimum_hours_annual', source: 'dc_plan.match_min_hours_annual' },
      { key: 'employer_core_contribution.enabled', source: 'dc_plan.core_enabled' },
      { key: 'employer_core_contribution.contribution_rate', source: 'dc_plan.core_contribution_rate_percent' },
      { key: 'employer_core_contribution.status', source: 'dc_plan.core_status' },
      { key: 'employer_core_contribution.integration.enabled', source: 'dc_plan.core_integration_enabled' },
      { key: 'enrollment.auto_enrollment.enabled', source: 'dc_plan.auto_enroll' },
      { key: 'enrollment.auto_enrollment.hire_date_cutoff', source: 'dc_plan.auto_enroll_hire_date_cutoff' },
      { key: 'enrollment.auto_enrollment.window_days', source: 'dc_plan.auto_enroll_window_days' },
      { key: 'enrollment.auto_enrollment.opt_out_grace_period', source: 'dc_plan.auto_enroll_opt_out_grace_period' },
      { key: 'enrollment.auto_enrollment.default_deferral_rate', source: 'dc_plan.default_deferral_percent' },
      { key: 'enrollment.auto_enrollment.voluntary_enrollment_rate', source: 'dc_plan.voluntary_enrollment_rate' },
      { key: 'enrollment.match_magnet.enabled', source: 'dc_plan.match_magnet_enabled' },
      { key: 'enrollment.match_magnet.snap_probability', source: 'dc_plan.match_magnet_probability' },
      { key: 'enrollment.match_magnet.max_deferral_rate', source: 'dc_plan.max_voluntary_deferral_percent' },
      { key: 'deferral_auto_escalation.enabled', source: 'dc_plan.auto_escalation' },
      { key: 'deferral_auto_escalation.increment_amount', source: 'dc_plan.escalation_rate_percent' },
      { key: 'deferral_auto_escalation.maximum_rate', source: 'dc_plan.escalation_cap_percent' },
      { key: 'deferral_auto_escalation.effective_day', source: 'dc_plan.escalation_effective_day' },
      { key: 'deferral_auto_escalation.first_escalation_delay_years', source: 'dc_plan.escalation_delay_years' },
      { key: 'plan_eligibility.waiting_period_days', source: 'dc_plan.eligibility_months' },
      { key: 'eligibility.waiting_period_days', source: 'dc_plan.eligibility_months' },
      { key: 'deferral_match_response.enabled', source: 'dc_plan.deferral_match_response' },
      { key: 'deferral_match_response.upward_participation_rate', source: 'dc_plan.deferral_match_response' },
      { key: 'deferral_match_response.downward_enabled', source: 'dc_plan.deferral_match_response' },
      { key: 'deferral_match_response.downward_participation_rate', source: 'dc_plan.deferral_match_response' },
      { key: 'vesting.match', source: 'dc_plan.vesting_schedule' },
      {
        key: 'employer_match.apply_eligibility',
        source: 'dc_plan.match_min_tenure_years, dc_plan.match_require_year_end_active, dc_plan.match_min_hours_annual',
      },
      { key: 'employer_match.eligibility.allow_new_hires', source: 'dc_plan.match_min_tenure_years' },
    ]);
  });

  it('the run inputs show dc_plan as the source of a value it set, and what the YAML says', () => {
    const overrides = appliedOverrides(loaded.config, yamlOnly.config, loaded.dcPlan);
    expect(overrides.find((o) => o.key === 'employer_core_contribution.status')).toMatchObject({
      value: 'flat',
      source: 'dc_plan.core_status',
      config_value: 'graded_by_service',
      same_as_config: false,
    });
    const lines = describeEffectiveInputs(loaded.config, yamlOnly.config, 'census.parquet', overrides);
    // dc_plan.core_enabled and core_integration_enabled set what the YAML says already: not shown as overrides.
    expect(lines).toContain(
      '  employer core    1% of pay (from dc_plan.core_contribution_rate_percent, dc_plan.core_status; config says by years of service: 0-2: 1%, 3-5: 2%, 6+: 3% of pay)',
    );
    expect(lines).toContain('  override         plan_eligibility.waiting_period_days 90 (from dc_plan.eligibility_months; config says 0)');
  });

  it('lists each dc_plan key of a later issue, and ensemble, as ignored with its reason; they do not change the hash', () => {
    expect(loaded.ignored).toEqual([
      'dc_plan.auto_enroll_scope',
      'dc_plan.match_limit_percent',
      'dc_plan.match_percent',
      'dc_plan.opt_out_rate_target',
    ]);
    expect(ignoredReason('dc_plan.auto_enroll_scope')).toMatch(/ignored as that key is, both scopes reaching the same employees/);
    // Read by `planalign ensemble`, outside the config hash.
    expect(loaded.config.ensemble?.thresholds?.length).toBeGreaterThan(0);
    expect(loaded.warnings.some((w) => w.includes('not modelled yet; ignored'))).toBe(false);

    const { dc_plan: dcPlan, ensemble, ...rest } = parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    const ignoredOnly = Object.fromEntries(Object.entries(dcPlan as object).filter(([key]) => loaded.ignored.includes(`dc_plan.${key}`)));
    // The frozen subsystem seeds change the draws, and so the hash.
    const { frozen_subsystem_seeds: frozen, ...thresholdsOnly } = ensemble as Record<string, unknown>;
    expect(parseConfig({ ...rest, dc_plan: ignoredOnly, ensemble: thresholdsOnly }).hash).toBe(parseConfig(rest).hash);
    expect(parseConfig({ ...rest, ensemble: { frozen_subsystem_seeds: frozen } }).hash).not.toBe(parseConfig(rest).hash);
  });
});

describe('the escalation keys of dc_plan (§0.2, §0.4, §5)', () => {
  const yaml = {
    ...base,
    deferral_auto_escalation: { enabled: false, effective_day: '01-01', increment_amount: 0.01, maximum_rate: 0.1, hire_date_cutoff: '2020-01-01', first_escalation_delay_years: 1 },
  };

  it('set their YAML keys, the rate and the cap read as percents, the day as MM-DD', () => {
    const { config, dcPlan } = parseConfig({
      ...yaml,
      dc_plan: { auto_escalation: true, escalation_rate_percent: 1.5, escalation_cap_percent: 12, escalation_effective_day: '07-01', escalation_delay_years: 0, escalation_hire_date_cutoff: '2022-06-30' },
    });
    expect(config.deferral_auto_escalation).toEqual({
      enabled: true,
      effective_day: '07-01',
      increment_amount: 0.015,
      maximum_rate: 0.12,
      hire_date_cutoff: '2022-06-30',
      require_active_enrollment: true,
      first_escalation_delay_years: 0,
      // A dc_plan escalation key makes the section 2026: census participants escalate from the start year.
      census_escalates_in_start_year: true,
    });
    expect(dcPlan.map((s) => s.source)).toEqual([
      'dc_plan.auto_escalation',
      'dc_plan.escalation_rate_percent',
      'dc_plan.escalation_cap_percent',
      'dc_plan.escalation_effective_day',
      'dc_plan.escalation_delay_years',
      'dc_plan.escalation_hire_date_cutoff',
    ]);
  });

  it('"" as the cutoff removes the YAML cutoff, with a notice; null leaves it', () => {
    const removed = parseConfig({ ...yaml, dc_plan: { escalation_hire_date_cutoff: '' } });
    expect(removed.config.deferral_auto_escalation.hire_date_cutoff).toBeNull();
    expect(removed.warnings).toContain('dc_plan.escalation_hire_date_cutoff: "" removes the hire-date cutoff of deferral_auto_escalation.hire_date_cutoff (null)');
    expect(parseConfig({ ...yaml, dc_plan: { escalation_hire_date_cutoff: null } }).config.deferral_auto_escalation.hire_date_cutoff).toBe('2020-01-01');
  });

  it('a value the YAML key refuses names the dc_plan key that set it', () => {
    expect(configIssues(() => parseConfig({ ...yaml, dc_plan: { escalation_effective_day: '2025-07-01' } }))).toEqual([
      expect.stringMatching(/^deferral_auto_escalation\.effective_day: .*\(set by dc_plan\.escalation_effective_day\)$/),
    ]);
  });
});

describe('the unit heuristics of dc_plan (§0.2)', () => {
  const points = (tiers: unknown[]) => parseConfig({ ...base, dc_plan: { match_status: 'points_based', points_match_tiers: tiers } });

  it('a match_rate of at most 2 is a decimal (×100), above 2 a percent; each reading ×100 is said', () => {
    const loaded = points([
      { min_points: 0, max_points: 40, match_rate: 0.5, max_deferral_pct: 6 },
      { min_points: 40, max_points: 60, match_rate: 2, max_deferral_pct: 6 },
      { min_points: 60, max_points: null, match_rate: 2.5, max_deferral_pct: 6 },
    ]);
    expect(loaded.config.employer_match.points_match_tiers?.map((t) => t.match_rate)).toEqual([50, 200, 2.5]);
    expect(loaded.warnings).toEqual([
      'dc_plan.points_match_tiers[0].match_rate: 0.5 is at most 2, so read as a decimal: 50 %',
      // The reference's defect P4: a percent rate of 2 reads as 200 %; the notice says so.
      'dc_plan.points_match_tiers[1].match_rate: 2 is at most 2, so read as a decimal: 200 %',
    ]);
  });

  it('a max_deferral_pct of at most 1 is a decimal (×100), above 1 a percent; a missing one is 6 %', () => {
    const loaded = parseConfig({
      ...base,
      dc_plan: {
        match_status: 'tenure_graded',
        tenure_match_tiers: [
          { min_years: 0, max_years: 2, match_rate: 50, max_deferral_pct: 0.04 },
          { min_years: 2, max_years: 5, match_rate: 50, max_deferral_pct: 1 },
          { min_years: 5, max_years: 10, match_rate: 50, max_deferral_pct: 1.5 },
          { min_years: 10, max_years: null, match_rate: 100 },
        ],
      },
    });
    // Migrated to one-tier bands (§2.5): employee_max = max_deferral_pct / 100.
    expect(loaded.config.employer_match.tenure_graded_bands?.map((b) => b.tiers[0]?.employee_max)).toEqual([0.04, 1, 0.015, 0.06]);
    expect(loaded.warnings).toEqual([
      'dc_plan.tenure_match_tiers[0].max_deferral_pct: 0.04 is at most 1, so read as a decimal: 4 %',
      'dc_plan.tenure_match_tiers[1].max_deferral_pct: 1 is at most 1, so read as a decimal: 100 %',
      expect.stringMatching(/^employer_match\.tenure_match_tiers: legacy 'tenure_graded' tiers migrated/),
    ]);
  });

  it('the graded-by-service schedule: service_years_min/max read as min_years/max_years, rates as the tiers', () => {
    const loaded = parseConfig({
      ...base,
      dc_plan: {
        match_status: 'graded_by_service',
        match_graded_schedule: [
          { service_years_min: 0, service_years_max: 3, match_rate: 0.5, max_deferral_pct: 0.06 },
          { service_years_min: 3, match_rate: 100, max_deferral_pct: 6 },
        ],
      },
    });
    expect(loaded.config.employer_match.graded_schedule).toEqual([
      { min_years: 0, max_years: 3, match_rate: 50, max_deferral_pct: 6 },
      { min_years: 3, max_years: null, match_rate: 100, max_deferral_pct: 6 },
    ]);
    expect(loaded.warnings).toEqual([
      'dc_plan.match_graded_schedule[0].service_years_min: read as min_years',
      'dc_plan.match_graded_schedule[0].service_years_max: read as max_years',
      'dc_plan.match_graded_schedule[0].match_rate: 0.5 is at most 2, so read as a decimal: 50 %',
      'dc_plan.match_graded_schedule[0].max_deferral_pct: 0.06 is at most 1, so read as a decimal: 6 %',
      'dc_plan.match_graded_schedule[1].service_years_min: read as min_years',
    ]);
  });

  it('tiers without a cap are capped at the reference\'s 4 %, with a notice; percent keys are divided by 100', () => {
    const loaded = parseConfig({
      ...base,
      dc_plan: {
        match_tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }],
        core_integration_enabled: true,
        core_integration_disparity_rate_percent: 5.7,
        core_contribution_rate_percent: 5.7,
      },
    });
    expect(loaded.config.employer_match.formulas.simple_match).toMatchObject({ type: 'tiered', max_match_percentage: 0.04 });
    expect(loaded.config.employer_core_contribution.integration).toMatchObject({ enabled: true, disparity_rate: 0.057 });
    expect(loaded.config.employer_core_contribution.contribution_rate).toBe(0.057);
    expect(loaded.warnings).toEqual(["dc_plan.match_tiers: without dc_plan.match_cap_percent: the match is capped at 4 % of pay, the reference's default"]);
  });

  it('apply to dc_plan values only: the YAML keys are read in their own unit, without a notice', () => {
    const loaded = parseConfig({
      ...base,
      employer_match: {
        employer_match_status: 'points_based',
        points_match_tiers: [{ min_points: 0, max_points: null, match_rate: 1, max_deferral_pct: 1 }],
      },
    });
    expect(loaded.config.employer_match.points_match_tiers).toEqual([{ min_points: 0, max_points: null, match_rate: 1, max_deferral_pct: 1 }]);
    expect(loaded.warnings).toEqual([]);
  });
});

describe('dc_plan precedence and errors', () => {
  it('the environment and the command line win over dc_plan, with a notice', () => {
    const raw = { ...base, dc_plan: { core_contribution_rate_percent: 3, eligibility_months: 2 } };
    const loaded = parseConfig(raw, {
      env: { PLANALIGN_EMPLOYER_CORE_CONTRIBUTION__CONTRIBUTION_RATE: '0.05' },
      overrides: { 'plan_eligibility.waiting_period_days': 10 },
    });
    expect(loaded.config.employer_core_contribution.contribution_rate).toBe(0.05);
    expect(loaded.config.plan_eligibility.waiting_period_days).toBe(10);
    expect(loaded.dcPlan).toEqual([]);
    expect(loaded.warnings).toEqual([
      'dc_plan.core_contribution_rate_percent: not applied to employer_core_contribution.contribution_rate, which environment variable PLANALIGN_EMPLOYER_CORE_CONTRIBUTION__CONTRIBUTION_RATE sets (the environment and the command line win over the file)',
      'dc_plan.eligibility_months: not applied to plan_eligibility.waiting_period_days and eligibility.waiting_period_days, which override plan_eligibility.waiting_period_days sets (the environment and the command line win over the file)',
    ]);
    // A dc_plan key set from the environment applies as the file's would.
    const fromEnv = parseConfig(base, { env: { PLANALIGN_DC_PLAN__ELIGIBILITY_MONTHS: '6' } });
    expect(fromEnv.config.plan_eligibility.waiting_period_days).toBe(180);
  });

  it('eligibility_months sets the plan waiting period whatever either YAML key says; a key the command line sets keeps both', () => {
    // The plan waits the larger of eligibility.waiting_period_days and plan_eligibility.waiting_period_days.
    const yaml = { ...base, eligibility: { waiting_period_days: 180 }, plan_eligibility: { waiting_period_days: 120 } };
    expect(planWaitingPeriodDays(parseConfig(yaml).config)).toBe(180);
    const withDcPlan = parseConfig({ ...yaml, dc_plan: { eligibility_months: 3 } });
    expect(planWaitingPeriodDays(withDcPlan.config)).toBe(90);
    expect(describeEligibility(withDcPlan.config)).toMatch(/^Age 21 and 90 days of service;/);
    const overridden = parseConfig({ ...yaml, dc_plan: { eligibility_months: 3 } }, { overrides: { 'eligibility.waiting_period_days': 200 } });
    expect(planWaitingPeriodDays(overridden.config)).toBe(200);
    expect(overridden.config.plan_eligibility.waiting_period_days).toBe(120);
    expect(overridden.warnings).toEqual([
      'dc_plan.eligibility_months: not applied to plan_eligibility.waiting_period_days and eligibility.waiting_period_days, which override eligibility.waiting_period_days sets (the environment and the command line win over the file)',
    ]);
  });

  it('a bad value is refused at its YAML key, naming the dc_plan key that set it', () => {
    expect(configIssues(() => parseConfig({ ...base, dc_plan: { match_min_hours_annual: 9000, core_status: 'tiered' } }))).toEqual([
      'employer_match.eligibility.minimum_hours_annual: must be between 0 and 8784 (got 9000) (set by dc_plan.match_min_hours_annual)',
      expect.stringMatching(/^employer_core_contribution\.status: must be one of .* \(got "tiered"\) \(set by dc_plan\.core_status\)$/),
    ]);
  });

  it('unknown keys are errors with a suggestion; an unknown template, a cap of a simple formula and two disparity rates are refused', () => {
    expect(
      configIssues(() =>
        parseConfig({
          ...base,
          dc_plan: { match_tier: [], match_template: 'generous', core_integration_disparity_rate: 0.05, core_integration_disparity_rate_percent: 4 },
        }),
      ),
    ).toEqual([
      'dc_plan.match_template: must be one of "simple", "tiered", "stretch", "safe_harbor", "qaca" (got "generous")',
      'dc_plan.core_integration_disparity_rate_percent: says 4 % where dc_plan.core_integration_disparity_rate says 0.05: give one of them',
      'dc_plan.match_tier: unknown key (did you mean "match_tiers"?)',
    ]);
    expect(configIssues(() => parseConfig({ ...base, dc_plan: { match_cap_percent: 0.03 } }))).toEqual([
      expect.stringMatching(/^dc_plan\.match_cap_percent: caps the match of tiered formulas, and the active formula simple_match is simple/),
    ]);
    // A cap alone caps a tiered active formula (here the template's preset).
    const capped = parseConfig({ ...base, dc_plan: { match_template: 'qaca', match_cap_percent: 0.03 } });
    expect(capped.config.employer_match.formulas.qaca_safe_harbor).toMatchObject({ type: 'qaca', max_match_percentage: 0.03 });
  });

  it('ensemble is validated as the reference does: extra keys and other subsystems refused', () => {
    expect(
      configIssues(() =>
        parseConfig({ ...base, ensemble: { seeds: 5, thresholds: [{ metric: ' ', value: 1 }], frozen_subsystem_seeds: { enrollment: 3 } } }),
      ),
    ).toEqual([
      'ensemble.seeds: unknown key (did you mean "frozen_subsystem_seeds"?)',
      'ensemble.frozen_subsystem_seeds.enrollment: unknown key',
      'ensemble.thresholds[0].metric: must not be blank (got "")',
    ]);
  });
});

describe('dc_plan.deferral_match_response (§0.1, §0.4, §7)', () => {
  const yaml = { ...base, deferral_match_response: { enabled: false, upward_participation_rate: 0.2, downward_participation_rate: 0.1 } };

  it('is merged key by key over the YAML section, enabled true when the block does not say (the Studio default)', () => {
    const loaded = parseConfig({ ...yaml, dc_plan: { deferral_match_response: { upward_participation_rate: 0.4, downward_enabled: false } } });
    expect(loaded.config.deferral_match_response).toMatchObject({
      enabled: true,
      upward_participation_rate: 0.4,
      downward_enabled: false,
      downward_participation_rate: 0.1,
    });
    expect(loaded.warnings).toContain('dc_plan.deferral_match_response: without enabled: deferral_match_response.enabled true, the Studio\'s default');
    expect(loaded.ignored).not.toContain('dc_plan.deferral_match_response');
    expect(loaded.eras.find((e) => e.section === 'deferral_match_response')).toEqual({
      section: 'deferral_match_response',
      era: 2026,
      keys: ['dc_plan.deferral_match_response'],
    });
    // Without a YAML section the block alone makes it, with the section's defaults.
    expect(parseConfig({ ...base, dc_plan: { deferral_match_response: {} } }).config.deferral_match_response?.enabled).toBe(true);
  });

  it('enabled: false in the block keeps the response off and the era 2025', () => {
    const loaded = parseConfig({ ...base, dc_plan: { deferral_match_response: { enabled: false, upward_participation_rate: 0.5 } } });
    expect(loaded.config.deferral_match_response?.enabled).toBe(false);
    expect(loaded.eras.find((e) => e.section === 'deferral_match_response')?.era).toBe(2025);
  });

  it('bad input names the dc_plan key: not a mapping, or a bad value validated at its YAML key', () => {
    expect(() => parseConfig({ ...base, dc_plan: { deferral_match_response: true } })).toThrow(
      'dc_plan.deferral_match_response: must be a mapping of deferral_match_response keys (got true)',
    );
    expect(() => parseConfig({ ...base, dc_plan: { deferral_match_response: { upward_participation_rate: 2 } } })).toThrow(/deferral_match_response\.upward_participation_rate.*dc_plan\.deferral_match_response/);
  });
});
