import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverScenarios, prepareScenarios } from '../../src/batch/index.js';
import { loadConfig, MATCH_FORMULA_PRESETS } from '../../src/config/index.js';
import { runDcModels, type EmployeeInput } from '../dc/support.js';
import { defaultConfigObject } from '../support/engine.js';
import { configError, REFERENCE_CONFIG } from './helpers.js';

/**
 * The Python engine's 2025 `config/` folder, as the fixtures of test/fixtures/reference-2025 shape it
 * (see the README there): every simulation config loads with exactly the notices of the translations
 * applied, the files that are not simulation configs are refused saying what they look like, and the
 * nine scenario override files load in a batch over the shipped config.
 */
const DIR = 'test/fixtures/reference-2025';
const config = (file: string) => `${DIR}/config/${file}`;

const OLDER_SIMPLE_MATCH =
  'employer_match.formulas.simple_match: older shape {match_rate, match_cap} read as a simple formula (match_rate 0.5 on deferrals up to max_match_percentage 0.06 of pay)';
const NULL_WAITING_PERIOD = 'eligibility.waiting_period_days: null read as not set; the default 0 applies';
const NULL_MINIMUM_AGE = 'plan_eligibility.minimum_age: null read as not set; the default 21 applies';

describe("the Python engine's 2025 simulation configs load", () => {
  // [file, warnings, ignored]
  const cases: Array<[string, string[], string[]]> = [
    ['test_config.yaml', [OLDER_SIMPLE_MATCH, NULL_WAITING_PERIOD, NULL_MINIMUM_AGE], ['enrollment.auto_enrollment.scope']],
    ['hybrid_simulation_config.yaml', [], ['optimization']],
    ['example_model_parallelization_config.yaml', [], ['orchestrator']],
    ['simulation_config_with_resource_management.yaml', [], ['orchestrator']],
    ['orchestration_config.yaml', [], ['production_safety']],
  ];

  it.each(cases)('%s', (file, warnings, ignored) => {
    const loaded = loadConfig({ path: config(file), env: {} });
    expect(loaded.warnings).toEqual(warnings);
    expect(loaded.ignored).toEqual(ignored);
    expect(loaded.unknown).toEqual([]);
  });

  it('the shipped simulation_config.yaml loads without notices', () => {
    expect(loadConfig({ path: REFERENCE_CONFIG, env: {} }).warnings).toEqual([]);
  });

  it('null optional numbers take our defaults, and the older match shape is the simple formula it means', () => {
    const { config: c } = loadConfig({ path: config('test_config.yaml'), env: {} });
    expect(c.eligibility.waiting_period_days).toBe(0);
    expect(c.plan_eligibility.minimum_age).toBe(21);
    expect(c.employer_match.formulas.simple_match).toEqual(MATCH_FORMULA_PRESETS.simple_match);
  });
});

describe('files of the 2025 config folder that are not simulation configs are refused', () => {
  const cases: Array<[string, string]> = [
    [
      'storage_config.yaml',
      "not a simulation config (it looks like the reference's storage settings, storage_config.yaml, by its sections duckdb, file_formats, caching, monitoring, environments, integration)",
    ],
    [
      'policy_test_scenarios.yaml',
      "not a simulation config (it looks like the reference's test-scenario lists, policy_test_scenarios*.yaml or test_scenarios_e058.yaml, by its sections scenarios, categories)",
    ],
    [
      'test_scenarios_e058.yaml',
      "not a simulation config (it looks like the reference's test-scenario lists, policy_test_scenarios*.yaml or test_scenarios_e058.yaml, by its sections test_scenarios, test_execution, success_criteria)",
    ],
  ];

  it.each(cases)('%s', (file, text) => {
    const error = configError(() => loadConfig({ path: config(file), env: {}, allowUnknownKeys: true }));
    expect(error.message).toBe(`${resolve(config(file))}: ${text}`);
    expect(error.exitCode).toBe(2);
  });
});

describe('the nine 2025 scenario override files', () => {
  it('load in a batch over the shipped config, each with the notices of its own translations', () => {
    const scenarios = discoverScenarios(`${DIR}/scenarios`);
    const prepared = prepareScenarios({ baseConfig: REFERENCE_CONFIG, scenarios, env: {} });
    const warnings = Object.fromEntries(prepared.map((p) => [p.name, p.warnings]));
    expect(warnings).toEqual({
      ae_all_eligible: [],
      ae_new_hires: [],
      auto_enrollment_test: [],
      baseline: [],
      cost_control: [],
      current: [
        'employer_match.formulas.current_match: older shape {match_rate, match_cap} read as a simple formula (match_rate 0.5 on deferrals up to max_match_percentage 0.06 of pay)',
        NULL_WAITING_PERIOD,
      ],
      enhanced_benefits: [],
      high_growth: [],
      test_escalation: [],
    });
    const byName = Object.fromEntries(prepared.map((p) => [p.name, p.config]));
    expect(byName.current?.employer_match.formulas.current_match).toEqual({
      name: 'current_match',
      type: 'simple',
      match_rate: 0.5,
      max_match_percentage: 0.06,
    });
    expect(byName.cost_control?.employer_match.formulas.cost_control_match?.max_match_percentage).toBe(0.03);
    expect(byName.ae_all_eligible?.enrollment.auto_enrollment.hire_date_cutoff).toBeNull();
    expect(byName.high_growth?.simulation.target_growth_rate).toBe(0.08);
  });
});

describe('the older match shape pays what its meaning says, through the real match model', () => {
  /** A full year at 100,000 and a flat deferral rate (aged 45, 9 years of service). */
  const employee = (id: string, rate: string): EmployeeInput => ({
    id,
    birthDate: '1980-03-15',
    hireDate: '2015-06-01',
    tenure: 9,
    salary: '100000',
    startRate: rate,
  });
  const withOlderFormula = (formula: Record<string, unknown>) => {
    const raw = defaultConfigObject();
    raw.employer_match.active_formula = 'older';
    raw.employer_match.formulas = { older: formula };
    return raw;
  };
  // [formula, deferral rate, match by hand on 100,000 of pay]
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ match_rate: 0.5, match_cap: 0.06 }, '0.03', '1500.00'], // 0.5 x 3,000
    [{ match_rate: 0.5, match_cap: 0.06 }, '0.06', '3000.00'], // 0.5 x 6,000: the cap reached exactly
    [{ match_rate: 0.5, match_cap: 0.06 }, '0.09', '3000.00'], // 0.5 x min(9,000, 6,000)
    [{ match_rate: 0.25, match_cap: 0.03 }, '0.02', '500.00'], // 0.25 x 2,000
    [{ match_rate: 0.25, match_cap: 0.03 }, '0.03', '750.00'], // 0.25 x 3,000
    [{ match_rate: 0.25, match_cap: 0.03 }, '0.05', '750.00'], // 0.25 x min(5,000, 3,000)
  ];

  it.each([2025, 2026])('in %i', async (year) => {
    for (const formula of [cases[0]![0], cases[3]![0]]) {
      const rows = cases.filter(([f]) => f === formula);
      const result = await runDcModels(
        rows.map(([, rate], i) => employee(`E${i}`, rate)),
        withOlderFormula(formula),
        year,
      );
      rows.forEach(([, rate, match], i) => {
        expect(result.match[`E${i}`], `${JSON.stringify(formula)} at ${rate}`).toMatchObject({
          formula_id: 'older',
          formula_type: 'simple',
          annual_deferrals: (Number(rate) * 100_000).toFixed(2),
          employer_match_amount: match,
        });
      });
    }
  });
});
