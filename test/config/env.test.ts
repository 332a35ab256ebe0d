import { describe, expect, it } from 'vitest';
import { coerceScalar, loadConfig, parseConfig } from '../../src/config/index.js';
import { configError, issueAt, minimal, REFERENCE_CONFIG } from './helpers.js';

describe('coerceScalar', () => {
  it('turns true/false of any case into booleans', () => {
    expect(coerceScalar('true')).toBe(true);
    expect(coerceScalar('FALSE')).toBe(false);
    expect(coerceScalar('True')).toBe(true);
  });
  it('turns numbers into numbers, integer or not', () => {
    expect(coerceScalar('2026')).toBe(2026);
    expect(coerceScalar('0.05')).toBe(0.05);
    expect(coerceScalar('-0.1')).toBe(-0.1);
    expect(coerceScalar('1e-3')).toBe(0.001);
  });
  it('keeps everything else as text', () => {
    expect(coerceScalar('new_hires_only')).toBe('new_hires_only');
    expect(coerceScalar('2020-01-01')).toBe('2020-01-01');
    expect(coerceScalar('')).toBe('');
    expect(coerceScalar('0x10')).toBe('0x10');
    expect(coerceScalar('yes')).toBe('yes');
  });
});

describe('environment overrides', () => {
  it('applies PLANALIGN_ and NAV_ variables with coercion', () => {
    const { config } = loadConfig({
      path: REFERENCE_CONFIG,
      env: {
        PLANALIGN_SIMULATION__END_YEAR: '2026',
        NAV_WORKFORCE__TOTAL_TERMINATION_RATE: '0.2',
        PLANALIGN_ENROLLMENT__AUTO_ENROLLMENT__ENABLED: 'FALSE',
        NAV_ENROLLMENT__AUTO_ENROLLMENT__WINDOW_DAYS: '60',
        PLANALIGN_DEFERRAL_AUTO_ESCALATION__HIRE_DATE_CUTOFF: '2022-06-01',
      },
    });
    expect(config.simulation.end_year).toBe(2026);
    expect(config.workforce.total_termination_rate).toBe(0.2);
    expect(config.enrollment.auto_enrollment.enabled).toBe(false);
    expect(config.enrollment.auto_enrollment.window_days).toBe(60);
    expect(config.deferral_auto_escalation.hire_date_cutoff).toBe('2022-06-01');
  });

  it('lets PLANALIGN_ win over NAV_ on the same path', () => {
    const env = { NAV_SIMULATION__RANDOM_SEED: '1', PLANALIGN_SIMULATION__RANDOM_SEED: '2' };
    expect(parseConfig(minimal(), { env }).config.simulation.random_seed).toBe(2);
  });

  it('skips variables with the prefix that are not SECTION__KEY', () => {
    const env = { PLANALIGN_CONFIG: '/tmp/x.yaml', NAV_HOME: 'x', PLANALIGN_LOG_LEVEL: 'debug', PATH: '/bin' };
    const loaded = parseConfig(minimal(), { env });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.hash).toBe(parseConfig(minimal()).hash);
  });

  it('warns about and skips malformed override names', () => {
    const loaded = parseConfig(minimal(), { env: { PLANALIGN_SIMULATION__: '1' } });
    expect(loaded.warnings).toEqual([expect.stringContaining('PLANALIGN_SIMULATION__')]);
  });

  it('uses process.env when loadConfig gets no env', () => {
    const name = 'PLANALIGN_SIMULATION__RANDOM_SEED';
    const before = process.env[name];
    process.env[name] = '99';
    try {
      expect(loadConfig({ path: REFERENCE_CONFIG }).config.simulation.random_seed).toBe(99);
    } finally {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  });

  it('names the variable when it creates an unknown key', () => {
    const error = configError(() => parseConfig(minimal(), { env: { PLANALIGN_SIMULATION__RANDOM_SEDE: '3' } }));
    const issue = issueAt(error, 'simulation.random_sede');
    expect(issue).toContain('did you mean "random_seed"?');
    expect(issue).toContain('environment variable PLANALIGN_SIMULATION__RANDOM_SEDE');
  });

  it('rejects a variable that names an unknown section', () => {
    const error = configError(() => parseConfig(minimal(), { env: { NAV_SIMULATON__START_YEAR: '2030' } }));
    const issue = issueAt(error, 'simulaton');
    expect(issue).toContain('did you mean "simulation"?');
    expect(issue).toContain('NAV_SIMULATON__START_YEAR');
  });

  it('names the variable when its value is out of range', () => {
    const error = configError(() => parseConfig(minimal(), { env: { PLANALIGN_WORKFORCE__TOTAL_TERMINATION_RATE: '1.5' } }));
    expect(issueAt(error, 'workforce.total_termination_rate')).toContain('PLANALIGN_WORKFORCE__TOTAL_TERMINATION_RATE');
  });

  it('can set keys of ignored sections without errors', () => {
    const loaded = parseConfig(minimal(), { env: { NAV_OPTIMIZATION__LEVEL: 'high' } });
    expect(loaded.ignored).toEqual(['optimization']);
  });
});

describe('CLI overrides', () => {
  it('apply after env overrides', () => {
    const { config } = loadConfig({
      path: REFERENCE_CONFIG,
      env: { PLANALIGN_SIMULATION__RANDOM_SEED: '5' },
      overrides: { 'simulation.random_seed': 7, 'employer_match.active_formula': 'tiered_match', scenario_id: 'high_growth' },
    });
    expect(config.simulation.random_seed).toBe(7);
    expect(config.employer_match.active_formula).toBe('tiered_match');
    expect(config.scenario_id).toBe('high_growth');
  });

  it('can replace a subtree', () => {
    const { config } = parseConfig(minimal(), {
      overrides: { 'employer_match.formulas': { flat: { type: 'simple', match_rate: 1, max_match_percentage: 0.05 } }, 'employer_match.active_formula': 'flat' },
    });
    expect(Object.keys(config.employer_match.formulas)).toEqual(['flat']);
  });

  it('name the override in errors', () => {
    const error = configError(() => parseConfig(minimal(), { overrides: { 'simulation.end_year': 2020 } }));
    expect(issueAt(error, 'simulation.end_year')).toContain('override simulation.end_year');
  });

  it('reject malformed paths', () => {
    expect(configError(() => parseConfig(minimal(), { overrides: { 'simulation..seed': 1 } })).message).toContain('simulation..seed');
    configError(() => parseConfig(minimal(), { overrides: { '__proto__.polluted': 1 } }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
