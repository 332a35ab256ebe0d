import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { ensembleSeeds } from '../../src/ensemble/seeds.js';
import { parseThreshold, resolveThresholds } from '../../src/ensemble/thresholds.js';
import { defaultConfigObject } from '../support/engine.js';

const YEARS = { startYear: 2025, endYear: 2029 };

function error(work: () => unknown): Error {
  try {
    work();
  } catch (e) {
    return e as Error;
  }
  throw new Error('accepted');
}

describe('ensemble seeds', () => {
  it('--seeds N is random_seed + 1001·k for k = 0..N−1, as the reference derives them', () => {
    expect(ensembleSeeds(42, { seeds: '4' })).toEqual([42, 1043, 2044, 3045]);
    expect(ensembleSeeds(-5, { seeds: '1' })).toEqual([-5]);
  });

  it('--seed-list gives exactly those seeds, whole and distinct', () => {
    expect(ensembleSeeds(42, { seedList: '7, 3,-2' })).toEqual([7, 3, -2]);
    expect(error(() => ensembleSeeds(42, { seedList: '1,2,1' }))).toEqual(new UsageError('--seed-list names seed 1 twice: each seed is one run'));
    expect(error(() => ensembleSeeds(42, { seedList: '1,2.5' })).message).toMatch(/whole numbers separated by commas, got "2.5"/);
    expect(error(() => ensembleSeeds(42, { seedList: '1,,2' })).message).toMatch(/got "" in "1,,2"/);
    expect(error(() => ensembleSeeds(42, { seeds: '0' })).message).toBe('--seeds must be a whole number of at least 1, got "0"');
    expect(error(() => ensembleSeeds(42, { seeds: '3', seedList: '1' })).message).toMatch(/one of --seeds N or --seed-list/);
    expect(error(() => ensembleSeeds(42, {})).message).toMatch(/one of --seeds N or --seed-list/);
  });
});

describe('ensemble thresholds', () => {
  it('parses METRIC OP VALUE[@YEAR] with the four operators', () => {
    expect(parseThreshold('total_employer_plan_cost>15e6@2029')).toEqual({
      metric: 'total_employer_plan_cost', operator: '>', value: 15e6, year: 2029, label: 'Total employer plan cost > $15,000,000',
    });
    expect(parseThreshold(' participation_rate <= 0.8 ')).toMatchObject({ operator: '<=', value: 0.8, year: undefined, label: 'Participation rate <= 80.0 %' });
    expect(parseThreshold('compliance_adp_passed<1')).toMatchObject({ metric: 'compliance_adp_passed', operator: '<' });
    expect(parseThreshold('forfeitures>=0@2026')).toMatchObject({ operator: '>=', value: 0, year: 2026 });
  });

  it('refuses what it cannot evaluate, naming the known metrics', () => {
    const unknown = error(() => parseThreshold('employer_cost>1'));
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown.message).toMatch(/^--threshold "employer_cost>1": unknown metric "employer_cost"; known metrics: active_headcount, total_compensation, .*forfeitures, compliance_adp_passed/);
    expect(error(() => parseThreshold('active_headcount=5')).message).toMatch(/is not of the form METRIC>VALUE\[@YEAR\]/);
    expect(error(() => parseThreshold('active_headcount>lots')).message).toMatch(/"lots" is not a number/);
    expect(error(() => parseThreshold('active_headcount>5@29')).message).toMatch(/"@29" is not a year/);
    expect(error(() => resolveThresholds(undefined, ['active_headcount>5@2031'], YEARS)).message).toBe(
      'Threshold "active_headcount>5@2031": 2031 is not simulated (2025-2029)',
    );
  });

  it("merges the config's ensemble.thresholds (operator >, every year) before --threshold", () => {
    const merged = resolveThresholds(
      [{ metric: ' active_headcount ', value: 5000 }, { metric: 'total_employer_plan_cost', value: 1e6, label: 'cost over $1M' }],
      ['participation_rate<0.7@2027'],
      YEARS,
    );
    expect(merged.map((t) => [t.metric, t.operator, t.value, t.year, t.label])).toEqual([
      ['active_headcount', '>', 5000, undefined, 'Active headcount > 5,000'],
      ['total_employer_plan_cost', '>', 1e6, undefined, 'cost over $1M'],
      ['participation_rate', '<', 0.7, 2027, 'Participation rate < 70.0 %'],
    ]);
    const bad = error(() => resolveThresholds([{ metric: 'headcount', value: 1 }], [], YEARS));
    expect(bad).toBeInstanceOf(ConfigError);
    expect(bad.message).toMatch(/^ensemble\.thresholds\[0\]\.metric: unknown metric "headcount"; known metrics: active_headcount/);
  });

  it('ensemble.thresholds is read from the config, and leaves its hash (so every job id) unchanged', () => {
    const plain = defaultConfigObject();
    const withThresholds = { ...defaultConfigObject(), ensemble: { thresholds: [{ metric: 'active_headcount', value: 10, label: 'big' }] } };
    const loaded = parseConfig(withThresholds);
    expect(loaded.config.ensemble?.thresholds).toEqual([{ metric: 'active_headcount', value: 10, label: 'big' }]);
    expect(loaded.ignored).not.toContain('ensemble.thresholds');
    expect(loaded.hash).toBe(parseConfig(plain).hash);
  });
});
