import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
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

describe('unknown top-level sections', () => {
  it('load and are listed as ignored', () => {
    const loaded = parseConfig(minimal({ my_dashboard: { theme: 'dark' }, notes: 'free text' }));
    expect(loaded.ignored).toEqual(['my_dashboard', 'notes']);
    expect(loaded.config).not.toHaveProperty('my_dashboard');
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
    rejects(minimal({ setup: { plan_year_start_date: '2024-06-01', plan_year_end_date: '2024-01-01' } }), 'setup.plan_year_end_date', /after/);
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
