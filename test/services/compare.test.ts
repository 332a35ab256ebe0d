import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { UsageError } from '../../src/errors.js';
import { compareScenarios, readScenarioMetrics } from '../../src/reporting/scenario-compare.js';
import { compareRuns } from '../../src/services/compare.js';
import { diffConfigs, readRunConfig } from '../../src/services/config-diff.js';
import { defaultConfigObject, withDb } from '../support/engine.js';
import { readRun, sharedRun } from './shared-runs.js';

/** Two runs of one 300-employee census over 2025-2026 (shared-runs.ts): the default plan, and a 100 % match instead of 50 %. */
let dir = '';
let base = '';
let richer = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-compare-runs-'));
  [base, richer] = await Promise.all([sharedRun('base'), sharedRun('richer')]);
}, 120_000);
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const MATCH_RATE = 'employer_match.formulas.simple_match.match_rate';

describe('compareRuns', () => {
  it('the scenario comparison of `planalign compare`, and the config diff naming the one key changed', async () => {
    const sources = [
      { label: 'richer', database: richer },
      { label: 'base', database: base },
    ];
    const { comparison, configDiff } = await compareRuns(sources, { baseline: 'base', discountRate: 0.05 });
    const expected = compareScenarios([await readScenarioMetrics('richer', richer), await readScenarioMetrics('base', base)], {
      baseline: 'base',
      discountRate: 0.05,
    });
    expect(comparison).toEqual(expected);
    expect(comparison.scenarios.map((s) => s.name)).toEqual(['base', 'richer']);
    // A richer match costs more, by the figures' own difference.
    const match = comparison.total.metrics.employer_match_cost;
    expect(match.delta.richer).toBeGreaterThan(0);
    expect(match.delta.richer).toBeCloseTo((match.values.richer as number) - (match.values.base as number), 2);
    expect(configDiff).toEqual({ richer: [{ key: MATCH_RATE, a: 0.5, b: 1 }] });
  });

  it('the years asked for only; configDiff: false reads no config', async () => {
    const sources = [
      { label: 'base', database: base },
      { label: 'richer', database: richer },
    ];
    const { comparison, configDiff } = await compareRuns(sources, { baseline: 'base', years: [2026, 2026], configDiff: false });
    expect(comparison.years.shown).toEqual([2026]);
    expect(comparison.year_range).toEqual([2026, 2026]);
    expect(configDiff).toEqual({});
  });

  it('refuses one run, an unknown baseline, and years no run has', async () => {
    const refusal = async (work: () => Promise<unknown>): Promise<string> => {
      const error = await work().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    };
    const both = [
      { label: 'base', database: base },
      { label: 'richer', database: richer },
    ];
    expect(await refusal(() => compareRuns(both.slice(0, 1), { baseline: 'base' }))).toBe('A comparison takes 2 to 6 runs, not 1');
    expect(await refusal(() => compareRuns(both, { baseline: 'other' }))).toBe('Unknown baseline "other"; the scenarios are: base, richer');
    expect(await refusal(() => compareRuns(both, { baseline: 'base', years: [2040, 2041] }))).toBe(
      `Neither ${base} nor ${richer} holds a simulated year in 2040-2041`,
    );
  });
});

describe('diffConfigs', () => {
  it('the effective configs: defaults filled, so a key written out at its default is no difference', () => {
    const a = parseConfig(defaultConfigObject()).config;
    const withDefault = defaultConfigObject();
    const b = defaultConfigObject();
    b.simulation.target_growth_rate = 0.05;
    b.employer_match.formulas.simple_match.match_rate = 0.75;
    expect(diffConfigs(a, parseConfig(withDefault).config)).toEqual([]);
    expect(diffConfigs(a, parseConfig(b).config)).toEqual([
      { key: MATCH_RATE, a: 0.5, b: 0.75 },
      { key: 'simulation.target_growth_rate', a: a.simulation.target_growth_rate, b: 0.05 },
    ]);
  });

  it("a run's config: the one its database recorded, else its YAML", async () => {
    const recorded = await readRun(base, (db) => readRunConfig(db, { label: 'base', database: base }));
    expect(recorded?.employer_match?.formulas?.simple_match?.match_rate).toBe(0.5);
    const yaml = join(dir, 'other.yaml');
    const config = defaultConfigObject();
    config.simulation.random_seed = 99;
    writeFileSync(yaml, stringify(config));
    const fromYaml = await withDb(':memory:', (db) => readRunConfig(db, { label: 'x', database: ':memory:', config: yaml }));
    expect(fromYaml?.simulation.random_seed).toBe(99);
    expect(await withDb(':memory:', (db) => readRunConfig(db, { label: 'x', database: ':memory:' }))).toBeUndefined();
  });
});
