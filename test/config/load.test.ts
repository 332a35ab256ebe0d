import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IGNORED_KEYS, loadConfig, MATCH_FORMULA_PRESETS, parseConfig } from '../../src/config/index.js';
import { useTempDir } from '../support/tmp.js';
import { configError, DEFAULT_CONFIG, issueAt, minimal, REFERENCE_CONFIG } from './helpers.js';

const tempDir = useTempDir();
function writeConfig(text: string): string {
  const path = join(tempDir(), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

describe("the reference's shipped config", () => {
  it('loads unchanged, without errors or warnings', () => {
    const loaded = loadConfig({ path: REFERENCE_CONFIG, env: {} });
    expect(loaded.path).toBe(resolve(REFERENCE_CONFIG));
    expect(loaded.warnings).toEqual([]);
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps its values for the keys we use', () => {
    const { config } = loadConfig({ path: REFERENCE_CONFIG, env: {} });
    expect(config.simulation).toEqual({ start_year: 2025, end_year: 2029, random_seed: 42, target_growth_rate: 0.03 });
    expect(config.workforce).toEqual({ total_termination_rate: 0.12, new_hire_termination_rate: 0.25, part_time_new_hire_pct: 0 });
    expect(config.compensation.cola_rate).toBe(0.01);
    expect(config.compensation.merit_budget).toBe(0.02);
    expect(config.compensation.promotion_compensation.max_cap_amount).toBe(500000);
    expect(config.setup).toEqual({
      census_parquet_path: 'data/census_preprocessed.parquet',
      plan_year_start_date: '2024-01-01',
      plan_year_end_date: '2024-12-31',
      // Not in the reference's file: our default.
      irs_limit_indexing_rate: 0.025,
      fail_on_validation_error: true,
    });
    expect(config.plan_eligibility).toEqual({ waiting_period_days: 0, minimum_age: 21 });
    expect(config.enrollment.auto_enrollment.default_deferral_rate).toBe(0.02);
    expect(config.enrollment.auto_enrollment.hire_date_cutoff).toBe('2020-01-01');
    expect(config.enrollment.auto_enrollment.opt_out_rates.by_income.low_income).toBe(1.2);
    expect(config.enrollment.proactive_enrollment.timing_window).toEqual({ min_days: 7, max_days: 35 });
    expect(config.enrollment.voluntary_enrollment.deferral_rates.demographic_base_rates.senior_executive).toBe(0.15);
    expect(config.enrollment.year_over_year_conversion.timing).toEqual({ enrollment_month: 6, enrollment_day: 15 });
    expect(config.employer_match.active_formula).toBe('simple_match');
    expect(config.employer_match.apply_eligibility).toBe(true);
    // The file's four formulas (the safe-harbor presets are not in it).
    const { simple_match, tiered_match, stretch_match, enhanced_tiered } = MATCH_FORMULA_PRESETS;
    expect(config.employer_match.formulas).toEqual({ simple_match, tiered_match, stretch_match, enhanced_tiered });
    expect(config.employer_core_contribution.contribution_rate).toBe(0.01);
    expect(config.deferral_auto_escalation).toEqual({
      enabled: true,
      effective_day: '01-01',
      increment_amount: 0.01,
      maximum_rate: 0.1,
      hire_date_cutoff: '2020-01-01',
      require_active_enrollment: true,
      first_escalation_delay_years: 1,
      // Ours: the 2025 meaning, as no dc_plan escalation key selects the 2026 one.
      census_escalates_in_start_year: false,
    });
  });

  it('lists the ignored sections and keys once each, sorted', () => {
    const { ignored, config } = loadConfig({ path: REFERENCE_CONFIG, env: {} });
    for (const section of [
      'optimization',
      'orchestrator',
      'multi_year',
      'corporate_network',
      'ops',
      'employee_id_generation',
      'new_hire_compensation',
      'plan_year',
      'deferral_baseline',
      'deferral_rates.generate_synthetic_events',
      'setup.clear_tables',
      'compensation.growth_target',
      'raise_timing.distribution_profile',
      'enrollment.timing',
      'enrollment.auto_enrollment.plan_overrides',
      'enrollment.voluntary_enrollment.annual_enrollment_probability',
    ]) {
      expect(ignored).toContain(section);
    }
    expect(ignored).toEqual([...new Set(ignored)].sort());
    // Reported at the subtree root only.
    expect(ignored.some((path) => path.startsWith('optimization.'))).toBe(false);
    for (const path of ignored) expect(IGNORED_KEYS[path], path).toBeDefined();
    // Ignored keys are not part of the resolved config.
    expect(config).not.toHaveProperty('optimization');
    expect(config.setup).not.toHaveProperty('clear_tables');
  });
});

describe('our default config (config/simulation_config.yaml)', () => {
  it('loads and differs from the reference only in the census path', () => {
    const ours = loadConfig({ path: DEFAULT_CONFIG, env: {} });
    const reference = loadConfig({ path: REFERENCE_CONFIG, env: {} });
    expect(ours.warnings).toEqual([]);
    expect(ours.config.setup.census_parquet_path).toBe('examples/census_5000.parquet');
    expect({ ...ours.config, setup: reference.config.setup }).toEqual(reference.config);
    expect(ours.ignored).toEqual(reference.ignored);
  });
});

describe('defaults', () => {
  it('fills every section from the minimal config', () => {
    const { config, ignored, warnings } = parseConfig(minimal());
    expect(ignored).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config.scenario_id).toBeUndefined();
    expect(config.simulation.random_seed).toBe(42);
    expect(config.simulation.target_growth_rate).toBe(0.03);
    expect(config.workforce).toEqual({ total_termination_rate: 0.12, new_hire_termination_rate: 0.25, part_time_new_hire_pct: 0 });
    // Pydantic defaults win over the shipped file where the reference model had one.
    expect(config.compensation.cola_rate).toBe(0.005);
    expect(config.compensation.merit_budget).toBe(0.025);
    expect(config.enrollment.auto_enrollment.default_deferral_rate).toBe(0.06);
    expect(config.employer_match.apply_eligibility).toBe(false);
    // Otherwise the shipped file's values.
    expect(config.raise_timing.methodology).toBe('realistic');
    expect(config.setup.census_parquet_path).toBe('data/census_preprocessed.parquet');
    expect(config.enrollment.auto_enrollment.window_days).toBe(45);
    expect(config.employer_core_contribution.enabled).toBe(true);
    expect(config.employer_match.formulas).toEqual(MATCH_FORMULA_PRESETS);
    expect(config.employer_match.eligibility.minimum_hours_annual).toBe(1000);
  });

  it('treats an empty section (YAML null) as absent', () => {
    const { config } = parseConfig(parse('simulation: {start_year: 2025, end_year: 2026}\nsetup:\n  # nothing\nworkforce:\n'));
    expect(config.setup.plan_year_start_date).toBe('2024-01-01');
    expect(config.workforce.total_termination_rate).toBe(0.12);
  });

  it('adds the built-in preset named by active_formula when formulas omit it', () => {
    const { config } = parseConfig(
      minimal({
        employer_match: {
          active_formula: 'stretch_match',
          formulas: { mine: { type: 'simple', match_rate: 1, max_match_percentage: 0.03 } },
        },
      }),
    );
    expect(Object.keys(config.employer_match.formulas).sort()).toEqual(['mine', 'stretch_match']);
    expect(config.employer_match.formulas.stretch_match).toEqual(MATCH_FORMULA_PRESETS.stretch_match);
    expect(config.employer_match.formulas.mine).toEqual({ name: 'mine', type: 'simple', match_rate: 1, max_match_percentage: 0.03 });
  });

  it('keeps scenario and plan design ids', () => {
    const { config } = parseConfig(minimal({ scenario_id: 'baseline', plan_design_id: 2024 }));
    expect(config.scenario_id).toBe('baseline');
    expect(config.plan_design_id).toBe('2024');
  });
});

describe('file handling', () => {
  it('lower-cases top-level keys', () => {
    const path = writeConfig('Simulation:\n  start_year: 2025\n  end_year: 2026\nWORKFORCE:\n  total_termination_rate: 0.2\n');
    expect(loadConfig({ path, env: {} }).config.workforce.total_termination_rate).toBe(0.2);
  });

  it('loads the same file again (parsed once) with its own overrides, and an edited file anew', () => {
    const text = 'simulation:\n  start_year: 2025\n  end_year: 2026\n  random_seed: 5\nemployer_match:\n  active_formula: simple_match\n';
    const path = writeConfig(text);
    const overridden = loadConfig({ path, env: { PLANALIGN_SIMULATION__RANDOM_SEED: '9' }, overrides: { 'employer_match.active_formula': 'tiered_match' } });
    expect(overridden.config.simulation.random_seed).toBe(9);
    expect(overridden.config.employer_match.active_formula).toBe('tiered_match');
    // What the first load changed in its copy is not in the second (simulate's file-alone baseline).
    const plain = loadConfig({ path, env: {} });
    expect(plain.config.simulation.random_seed).toBe(5);
    expect(plain.config.employer_match.active_formula).toBe('simple_match');
    expect(plain.warnings).toEqual(overridden.warnings.filter((w) => !w.includes('PLANALIGN_')));
    writeFileSync(path, text.replace('random_seed: 5', 'random_seed: 6'));
    expect(loadConfig({ path, env: {} }).config.simulation.random_seed).toBe(6);
    writeFileSync(path, `${text}simulation: {}\n`);
    expect(configError(() => loadConfig({ path, env: {} })).message).toMatch(/^Invalid YAML in /);
  });

  it('reads unquoted YAML dates as dates', () => {
    const path = writeConfig(
      'simulation: {start_year: 2025, end_year: 2026}\nsetup:\n  plan_year_start_date: 2025-01-01\n  plan_year_end_date: 2025-12-31\n' +
        'deferral_auto_escalation:\n  effective_day: 03-15\n  hire_date_cutoff: 2019-07-01\n',
    );
    const { config } = loadConfig({ path, env: {} });
    expect(config.setup.plan_year_start_date).toBe('2025-01-01');
    expect(config.deferral_auto_escalation.effective_day).toBe('03-15');
    expect(config.deferral_auto_escalation.hire_date_cutoff).toBe('2019-07-01');
  });

  it('accepts Date objects from JS callers', () => {
    const { config } = parseConfig(minimal({ setup: { plan_year_start_date: new Date(Date.UTC(2024, 0, 1)) } }));
    expect(config.setup.plan_year_start_date).toBe('2024-01-01');
  });

  it('names the path of a missing file', () => {
    const missing = join(tempDir(), 'nope.yaml');
    const error = configError(() => loadConfig({ path: missing, env: {} }));
    expect(error.message).toContain(missing);
    expect(error.message).toMatch(/not found/);
    expect(error.exitCode).toBe(2);
  });

  it('reports YAML syntax errors with file and line', () => {
    const path = writeConfig('simulation:\n  start_year: 2025\n  end_year: [2026\nworkforce: {}\n');
    const error = configError(() => loadConfig({ path, env: {} }));
    expect(error.message).toContain(path);
    expect(error.message).toMatch(new RegExp(`${path}:\\d+:\\d+: `));
    expect(error.context.row).toBeGreaterThan(0);
  });

  it('reports duplicate keys as YAML errors', () => {
    const path = writeConfig('simulation:\n  start_year: 2025\n  start_year: 2026\n');
    expect(configError(() => loadConfig({ path, env: {} })).message).toContain(`${path}:3:`);
  });

  it('says simulation is required for an empty file', () => {
    const path = writeConfig('# nothing here\n');
    const error = configError(() => loadConfig({ path, env: {} }));
    expect(error.message).toContain(`Invalid configuration in ${path}:`);
    expect(issueAt(error, 'simulation')).toMatch(/required/);
  });

  it('requires start_year and end_year', () => {
    const error = configError(() => parseConfig({ simulation: { random_seed: 1 } }));
    expect(issueAt(error, 'simulation.start_year')).toMatch(/required/);
    expect(issueAt(error, 'simulation.end_year')).toMatch(/required/);
  });

  it('rejects a top level that is not a mapping', () => {
    expect(configError(() => parseConfig(['simulation'])).message).toMatch(/mapping/);
  });

  it('rejects a section given twice with different case', () => {
    const error = configError(() => parseConfig({ ...minimal(), Simulation: { start_year: 2025, end_year: 2026 } }));
    expect(issueAt(error, 'simulation')).toMatch(/twice/);
  });
});
