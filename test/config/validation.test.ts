import { describe, expect, it } from 'vitest';
import { IGNORED_KEYS, KNOWN_SECTIONS, parseConfig } from '../../src/config/index.js';
import { closestKey } from '../../src/config/suggest.js';
import { configError, issueAt, minimal } from './helpers.js';

/** Expects the config to fail with an issue at `path` that mentions `fragment`. */
function rejects(raw: Record<string, unknown>, path: string, fragment?: string | RegExp): string {
  const error = configError(() => parseConfig(raw, { source: 'test.yaml' }));
  expect(error.message).toContain('Invalid configuration in test.yaml:');
  const issue = issueAt(error, path);
  if (fragment !== undefined) expect(issue).toMatch(fragment);
  return issue;
}

const sim = (fields: Record<string, unknown>) => minimal({ simulation: { start_year: 2025, end_year: 2029, ...fields } });

describe('unknown keys', () => {
  it('names the dotted path and suggests the closest known key', () => {
    const issue = rejects(sim({ target_grwth_rate: 0.05 }), 'simulation.target_grwth_rate');
    expect(issue).toContain('did you mean "target_growth_rate"?');
  });

  it('suggests nothing when no key is close', () => {
    expect(rejects(sim({ banana: 1 }), 'simulation.banana')).not.toContain('did you mean');
  });

  it('finds unknown keys deep inside used sections, formulas and tiers', () => {
    const raw = minimal({
      enrollment: { auto_enrollment: { opt_out_rates: { by_age: { yuong: 0.1 } } } },
      employer_match: {
        formulas: {
          mine: { type: 'tiered', max_match_percentage: 0.04, tiers: [{ tier: 1, employee_min: 0, employee_max: 0.03, match_rate: 1, extra: 1 }] },
        },
      },
    });
    const error = configError(() => parseConfig(raw));
    expect(issueAt(error, 'enrollment.auto_enrollment.opt_out_rates.by_age.yuong')).toContain('did you mean "young"?');
    issueAt(error, 'employer_match.formulas.mine.tiers[0].extra');
  });

  it('collects every problem into one error', () => {
    const error = configError(() =>
      parseConfig(minimal({ simulation: { start_year: 2025, end_year: 2029, seed: 1 }, workforce: { total_termination_rate: 2 } })),
    );
    expect(error.issues).toHaveLength(2);
    issueAt(error, 'simulation.seed');
    issueAt(error, 'workforce.total_termination_rate');
  });

  it('become warnings, and are dropped, with allowUnknownKeys', () => {
    const loaded = parseConfig(sim({ target_grwth_rate: 0.05 }), { allowUnknownKeys: true });
    expect(loaded.warnings).toEqual([expect.stringMatching(/^simulation\.target_grwth_rate: unknown key .*target_growth_rate/)]);
    expect(loaded.config.simulation).not.toHaveProperty('target_grwth_rate');
    expect(loaded.hash).toBe(parseConfig(minimal()).hash);
  });

  it('are accepted inside ignored sections', () => {
    expect(parseConfig(minimal({ optimization: { no_such_knob: 1 } })).ignored).toEqual(['optimization']);
  });
});

describe('top-level sections', () => {
  const known = `the known sections are ${KNOWN_SECTIONS.join(', ')}`;

  it('a misspelled section is an error with a "did you mean" and the known sections', () => {
    // It used to be dropped silently, leaving the core contribution at its default.
    const issue = rejects(minimal({ employer_core: { contribution_rate: 0.05 } }), 'employer_core');
    expect(issue).toBe(`employer_core: unknown section (did you mean "employer_core_contribution"?); ${known}`);
    expect(rejects(minimal({ simulaton: {} }), 'simulaton')).toContain('(did you mean "simulation"?)');
    expect(rejects(minimal({ notes: 'free text' }), 'notes')).toBe(`notes: unknown section; ${known}`);
  });

  it('with allowUnknownKeys an unknown section is a warning, and is dropped', () => {
    const loaded = parseConfig(minimal({ employer_core: { contribution_rate: 0.05 } }), { allowUnknownKeys: true });
    expect(loaded.warnings).toEqual([`employer_core: unknown section (did you mean "employer_core_contribution"?); ${known}; ignored`]);
    expect(loaded.unknown).toEqual(['employer_core']);
    expect(loaded.ignored).toEqual([]);
    expect(loaded.hash).toBe(parseConfig(minimal()).hash);
  });

  it("are ours and the reference's, at its 2025 era and its 2026 versions", () => {
    const reference2025 = [
      'scenario_id', 'plan_design_id', 'simulation', 'compensation', 'workforce', 'enrollment', 'eligibility',
      'plan_eligibility', 'employer_match', 'optimization', 'orchestrator', 'setup', 'deferral_auto_escalation',
      'deferral_baseline', 'employer_core_contribution', 'new_hire_compensation', 'raise_timing', 'plan_year',
      'employee_id_generation', 'multi_year', 'deferral_rates', 'corporate_network', 'ops', 'production_safety',
    ];
    const added2026 = [
      'deferral_match_response', 'ensemble', 'new_hire', 'dc_plan', 'storage', 'param_pack', 'promotion_hazard',
      'age_bands', 'tenure_bands', 'advanced', 'data_sources',
    ];
    const ours = ['vesting', 'accounts', 'forfeitures', 'compliance'];
    expect([...KNOWN_SECTIONS].sort()).toEqual([...reference2025, ...added2026, ...ours].sort());
  });

  it("the reference's 2026 sections that no simulation reads are ignored without a warning", () => {
    for (const section of ['storage', 'param_pack', 'advanced', 'data_sources']) {
      expect(IGNORED_KEYS[section], section).toBeDefined();
      const loaded = parseConfig(minimal({ [section]: { anything: 1 } }));
      expect(loaded.warnings, section).toEqual([]);
      expect(loaded.ignored, section).toEqual([section]);
    }
  });
});

describe('"did you mean"', () => {
  it('falls back to the one known key that starts or ends with the given words', () => {
    expect(closestKey('employer_core', KNOWN_SECTIONS)).toBe('employer_core_contribution');
    expect(closestKey('auto_escalation', KNOWN_SECTIONS)).toBe('deferral_auto_escalation');
    // "employer" starts two sections: no guess.
    expect(closestKey('employer', KNOWN_SECTIONS)).toBeUndefined();
    // Whole words only.
    expect(closestKey('employ', KNOWN_SECTIONS)).toBeUndefined();
  });
});

describe("the reference's older shapes", () => {
  it('a null number means "not set": the default applies, with a notice', () => {
    const loaded = parseConfig(
      minimal({ eligibility: { waiting_period_days: null }, plan_eligibility: { minimum_age: null, waiting_period_days: 90 }, compensation: { cola_rate: null } }),
    );
    expect(loaded.warnings).toEqual([
      'eligibility.waiting_period_days: null read as not set; the default 0 applies',
      'plan_eligibility.minimum_age: null read as not set; the default 21 applies',
      'compensation.cola_rate: null read as not set; the default 0.005 applies',
    ]);
    expect(loaded.config.eligibility.waiting_period_days).toBe(0);
    expect(loaded.config.plan_eligibility).toEqual({ minimum_age: 21, waiting_period_days: 90 });
    expect(loaded.hash).toBe(parseConfig(minimal({ plan_eligibility: { waiting_period_days: 90 } })).hash);
  });

  it('null stays an error where a setting is not a number, and keeps its meaning where it has one', () => {
    rejects(minimal({ enrollment: { auto_enrollment: { enabled: null } } }), 'enrollment.auto_enrollment.enabled', /true or false/);
    const loaded = parseConfig(minimal({ enrollment: { auto_enrollment: { hire_date_cutoff: null } } }));
    expect(loaded.config.enrollment.auto_enrollment.hire_date_cutoff).toBeNull();
    expect(loaded.warnings).toEqual([]);
  });

  it('a match formula {match_rate, match_cap} without a type is the simple formula matching deferrals up to match_cap of pay', () => {
    const loaded = parseConfig(minimal({ employer_match: { active_formula: 'old', formulas: { old: { name: 'Old', match_rate: 0.25, match_cap: 0.03 } } } }));
    expect(loaded.config.employer_match.formulas.old).toEqual({ name: 'Old', type: 'simple', match_rate: 0.25, max_match_percentage: 0.03 });
    expect(loaded.warnings).toEqual([
      'employer_match.formulas.old: older shape {match_rate, match_cap} read as a simple formula (match_rate 0.25 on deferrals up to max_match_percentage 0.03 of pay)',
    ]);
    const modern = parseConfig(minimal({ employer_match: { active_formula: 'old', formulas: { old: { name: 'Old', type: 'simple', match_rate: 0.25, max_match_percentage: 0.03 } } } }));
    expect(loaded.hash).toBe(modern.hash);
  });

  it('match_cap beside a type or max_match_percentage is not the older shape: it is an unknown key', () => {
    const typed = { type: 'simple', match_rate: 0.5, match_cap: 0.06 };
    rejects(minimal({ employer_match: { formulas: { f: typed } } }), 'employer_match.formulas.f.match_cap', /unknown key/);
    const both = { match_rate: 0.5, match_cap: 0.06, max_match_percentage: 0.06 };
    rejects(minimal({ employer_match: { formulas: { f: both } } }), 'employer_match.formulas.f.match_cap', /unknown key/);
  });
});

describe('settings the reference read from nothing', () => {
  it('plan years are calendar years', () => {
    const calendar = 'non-calendar plan years are not supported';
    expect(rejects(minimal({ setup: { plan_year_start_date: '2024-07-01', plan_year_end_date: '2025-06-30' } }), 'setup.plan_year_start_date')).toBe(
      `setup.plan_year_start_date: must be a January 1: ${calendar} (got "2024-07-01")`,
    );
    expect(rejects(minimal({ setup: { plan_year_start_date: '2024-01-01', plan_year_end_date: '2024-12-30' } }), 'setup.plan_year_end_date')).toBe(
      `setup.plan_year_end_date: must be 2024-12-31, the end of the plan year starting 2024-01-01: ${calendar} (got "2024-12-30")`,
    );
    rejects(minimal({ setup: { plan_year_start_date: '2024-01-01', plan_year_end_date: '2025-12-31' } }), 'setup.plan_year_end_date', /2024-12-31/);
    rejects(minimal({ setup: { plan_year_end_date: '2023-12-31' } }), 'setup.plan_year_end_date', /2024-12-31/);
    const { config } = parseConfig(minimal({ setup: { plan_year_start_date: '2025-01-01', plan_year_end_date: '2025-12-31' } }));
    expect(config.setup.plan_year_end_date).toBe('2025-12-31');
    // Read by nothing, but part of the config and its hash.
    expect(config.setup.plan_year_start_date).toBe('2025-01-01');
    expect(parseConfig(minimal({ setup: { plan_year_start_date: '2025-01-01', plan_year_end_date: '2025-12-31' } })).hash).not.toBe(parseConfig(minimal()).hash);
  });

  it('raise_timing.distribution_profile accepts only general_corporate', () => {
    expect(parseConfig(minimal({ raise_timing: { distribution_profile: 'general_corporate' } })).ignored).toEqual(['raise_timing.distribution_profile']);
    expect(rejects(minimal({ raise_timing: { distribution_profile: 'technology' } }), 'raise_timing.distribution_profile')).toBe(
      `raise_timing.distribution_profile: must be 'general_corporate', the only raise timing profile (got "technology")`,
    );
  });

  it('setup.fail_on_validation_error is a setting (default false); setup.validate_results stays ignored', () => {
    expect(parseConfig(minimal()).config.setup.fail_on_validation_error).toBe(false);
    const on = parseConfig(minimal({ setup: { fail_on_validation_error: true, validate_results: false } }));
    expect(on.config.setup.fail_on_validation_error).toBe(true);
    expect(on.ignored).toEqual(['setup.validate_results']);
    expect(IGNORED_KEYS['setup.validate_results']).toBe('we always validate after every year');
    rejects(minimal({ setup: { fail_on_validation_error: 'yes' } }), 'setup.fail_on_validation_error', /true or false/);
  });

  it('the enrollment timing distributions are ignored for their true reason', () => {
    for (const key of ['enrollment.proactive_enrollment.timing_distribution', 'enrollment.voluntary_enrollment.timing_distribution']) {
      expect(IGNORED_KEYS[key], key).toMatch(/^no dates defined; inert in the reference too/);
    }
  });
});

describe('range rules', () => {
  it('termination rates are probabilities', () => {
    rejects(minimal({ workforce: { total_termination_rate: 1.5 } }), 'workforce.total_termination_rate', /between 0 and 1.*1\.5/);
    rejects(minimal({ workforce: { total_termination_rate: -0.1 } }), 'workforce.total_termination_rate');
  });

  it('new_hire_termination_rate stays below 0.99', () => {
    rejects(minimal({ workforce: { new_hire_termination_rate: 0.99 } }), 'workforce.new_hire_termination_rate', /0\.99/);
    expect(parseConfig(minimal({ workforce: { new_hire_termination_rate: 0.98 } })).config.workforce.new_hire_termination_rate).toBe(0.98);
  });

  it('target_growth_rate is in (-1, 1]', () => {
    rejects(sim({ target_growth_rate: -1 }), 'simulation.target_growth_rate', /-1/);
    rejects(sim({ target_growth_rate: 1.5 }), 'simulation.target_growth_rate', /1\.5/);
    expect(parseConfig(sim({ target_growth_rate: -0.2 })).config.simulation.target_growth_rate).toBe(-0.2);
    expect(parseConfig(sim({ target_growth_rate: 1 })).config.simulation.target_growth_rate).toBe(1);
  });

  it('end_year is not before start_year', () => {
    rejects(sim({ end_year: 2024 }), 'simulation.end_year', /start_year.*2024/);
    expect(parseConfig(sim({ end_year: 2025 })).config.simulation.end_year).toBe(2025);
  });

  it('at most 50 years', () => {
    rejects(sim({ start_year: 2025, end_year: 2075 }), 'simulation.end_year', /51 years.*50/);
    expect(parseConfig(sim({ start_year: 2025, end_year: 2074 })).config.simulation.end_year).toBe(2074);
  });

  it('start_year is 2000 or later, and years are whole numbers', () => {
    rejects(sim({ start_year: 1999 }), 'simulation.start_year', /2000/);
    rejects(sim({ end_year: 2026.5 }), 'simulation.end_year', /whole number/);
    rejects(sim({ random_seed: 'abc' }), 'simulation.random_seed', /"abc"/);
  });

  it('match rates are not negative', () => {
    const formula = { type: 'simple', match_rate: -0.5, max_match_percentage: 0.06 };
    rejects(minimal({ employer_match: { formulas: { simple_match: formula } } }), 'employer_match.formulas.simple_match.match_rate', /-0\.5/);
  });

  it('dates are real ISO dates', () => {
    rejects(minimal({ setup: { plan_year_start_date: '2024-02-30' } }), 'setup.plan_year_start_date', /2024-02-30/);
    rejects(minimal({ enrollment: { auto_enrollment: { hire_date_cutoff: '01/01/2020' } } }), 'enrollment.auto_enrollment.hire_date_cutoff');
    rejects(minimal({ deferral_auto_escalation: { hire_date_cutoff: '2020-13-01' } }), 'deferral_auto_escalation.hire_date_cutoff');
  });

  it('null escalation cutoff means no cutoff', () => {
    expect(parseConfig(minimal({ deferral_auto_escalation: { hire_date_cutoff: null } })).config.deferral_auto_escalation.hire_date_cutoff).toBeNull();
  });

  it('effective_day is a valid MM-DD that exists every year', () => {
    rejects(minimal({ deferral_auto_escalation: { effective_day: '13-01' } }), 'deferral_auto_escalation.effective_day', /13-01/);
    rejects(minimal({ deferral_auto_escalation: { effective_day: '02-29' } }), 'deferral_auto_escalation.effective_day');
    rejects(minimal({ deferral_auto_escalation: { effective_day: '1-1' } }), 'deferral_auto_escalation.effective_day');
  });

  it('probabilities, rates and multipliers', () => {
    rejects(minimal({ enrollment: { auto_enrollment: { default_deferral_rate: 1.2 } } }), 'enrollment.auto_enrollment.default_deferral_rate');
    rejects(minimal({ enrollment: { proactive_enrollment: { probability_by_demographics: { senior: 2 } } } }), 'enrollment.proactive_enrollment.probability_by_demographics.senior');
    rejects(minimal({ enrollment: { voluntary_enrollment: { income_multipliers: { high: -1 } } } }), 'enrollment.voluntary_enrollment.income_multipliers.high');
    rejects(minimal({ employer_core_contribution: { contribution_rate: 1.01 } }), 'employer_core_contribution.contribution_rate');
    rejects(minimal({ compensation: { cola_rate: -0.01 } }), 'compensation.cola_rate');
  });

  it('timing window min_days <= max_days', () => {
    rejects(minimal({ enrollment: { proactive_enrollment: { timing_window: { min_days: 40, max_days: 35 } } } }), 'enrollment.proactive_enrollment.timing_window.max_days', /40/);
  });

  it('integers where integers are meant', () => {
    rejects(minimal({ enrollment: { auto_enrollment: { window_days: 45.5 } } }), 'enrollment.auto_enrollment.window_days', /whole number/);
    rejects(minimal({ employer_match: { eligibility: { minimum_hours_annual: -1 } } }), 'employer_match.eligibility.minimum_hours_annual');
    rejects(minimal({ enrollment: { year_over_year_conversion: { timing: { enrollment_month: 2, enrollment_day: 30 } } } }), 'enrollment.year_over_year_conversion.timing.enrollment_day');
  });

  it('enumerations', () => {
    rejects(minimal({ enrollment: { auto_enrollment: { scope: 'everyone' } } }), 'enrollment.auto_enrollment.scope', /new_hires_only/);
    rejects(minimal({ compensation: { promotion_compensation: { distribution_type: 'beta' } } }), 'compensation.promotion_compensation.distribution_type', /"beta"/);
    rejects(minimal({ raise_timing: { methodology: 'custom' } }), 'raise_timing.methodology', /not supported/);
    expect(parseConfig(minimal({ raise_timing: { methodology: 'legacy' } })).config.raise_timing.methodology).toBe('legacy');
  });

  it('level overrides are keyed by job level 1 to 5', () => {
    const ok = parseConfig(minimal({ compensation: { promotion_compensation: { level_overrides: { 1: 0.15, 5: 0.3 } } } }));
    expect(ok.config.compensation.promotion_compensation.level_overrides).toEqual({ 1: 0.15, 5: 0.3 });
    rejects(minimal({ compensation: { promotion_compensation: { level_overrides: { 6: 0.1 } } } }), 'compensation.promotion_compensation.level_overrides.6');
  });
});

describe('employer match formulas', () => {
  const match = (employer_match: Record<string, unknown>) => minimal({ employer_match });

  it('active_formula names a defined formula or a preset', () => {
    const issue = rejects(match({ active_formula: 'simple_mtch' }), 'employer_match.active_formula', /simple_mtch/);
    expect(issue).toContain('did you mean "simple_match"?');
    expect(parseConfig(match({ active_formula: 'enhanced_tiered' })).config.employer_match.active_formula).toBe('enhanced_tiered');
  });

  it('tiers ascend without overlapping', () => {
    const tiers = [
      { tier: 1, employee_min: 0, employee_max: 0.04, match_rate: 1 },
      { tier: 2, employee_min: 0.03, employee_max: 0.06, match_rate: 0.5 },
    ];
    rejects(match({ formulas: { t: { type: 'tiered', max_match_percentage: 0.05, tiers } } }), 'employer_match.formulas.t.tiers[1].employee_min', /overlaps tier 1/);
    const reversed = [...tiers].reverse().map((t, i) => ({ ...t, tier: i + 1 }));
    rejects(match({ formulas: { t: { type: 'tiered', max_match_percentage: 0.05, tiers: reversed } } }), 'employer_match.formulas.t.tiers[1].employee_min');
    const empty = [{ tier: 1, employee_min: 0.03, employee_max: 0.03, match_rate: 1 }];
    rejects(match({ formulas: { t: { type: 'tiered', max_match_percentage: 0.05, tiers: empty } } }), 'employer_match.formulas.t.tiers[0].employee_max');
  });

  it('simple formulas need match_rate; tiered ones need tiers', () => {
    rejects(match({ formulas: { s: { type: 'simple', max_match_percentage: 0.05 } } }), 'employer_match.formulas.s.match_rate', /required/);
    rejects(match({ formulas: { t: { type: 'tiered', max_match_percentage: 0.05 } } }), 'employer_match.formulas.t.tiers');
    rejects(match({ formulas: { t: { type: 'stepped', max_match_percentage: 0.05 } } }), 'employer_match.formulas.t.type');
  });
});
