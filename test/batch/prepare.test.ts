import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createBatchDir, deepMerge, discoverScenarios, normalizeSections, prepareScenarios, selectScenarios } from '../../src/batch/index.js';
import { readComparison } from '../../src/batch/comparison.js';
import { writeScenarioConfig } from '../../src/batch/prepare.js';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError, ExitCode, UsageError } from '../../src/errors.js';
import { batchFixture } from './helpers.js';
import { useTempDir } from '../support/tmp.js';

describe('deep merge of a scenario over the base config', () => {
  it('merges mappings key by key, replaces lists and scalars, and leaves both inputs untouched', () => {
    const base = {
      simulation: { start_year: 2025, end_year: 2029, target_growth_rate: 0.03 },
      employer_match: {
        active_formula: 'simple_match',
        formulas: { tiered_match: { max_match_percentage: 0.04, tiers: [{ tier: 1 }, { tier: 2 }] } },
      },
      setup: { clear_table_patterns: ['int_'] },
    };
    const overlay = {
      simulation: { target_growth_rate: 0.06 },
      employer_match: { formulas: { tiered_match: { tiers: [{ tier: 9 }] } } },
      setup: { clear_table_patterns: 'fct_' },
      workforce: { total_termination_rate: 0.1 },
    };
    const before = structuredClone(base);
    const merged = deepMerge(base, overlay);
    expect(merged).toEqual({
      simulation: { start_year: 2025, end_year: 2029, target_growth_rate: 0.06 },
      employer_match: {
        active_formula: 'simple_match',
        formulas: { tiered_match: { max_match_percentage: 0.04, tiers: [{ tier: 9 }] } },
      },
      setup: { clear_table_patterns: 'fct_' },
      workforce: { total_termination_rate: 0.1 },
    });
    expect(base).toEqual(before);
    // The result shares nothing with its inputs.
    (merged.workforce as Record<string, unknown>).total_termination_rate = 0.5;
    expect(overlay.workforce.total_termination_rate).toBe(0.1);
  });

  it('replaces a mapping by a scalar or null, and a null section by a mapping', () => {
    expect(deepMerge({ a: { b: 1 }, c: null }, { a: null, c: { d: 2 } })).toEqual({ a: null, c: { d: 2 } });
  });

  it('keeps a key named __proto__ as data, never as a prototype', () => {
    const overlay = JSON.parse('{"__proto__": {"polluted": true}, "x": {"__proto__": 1}}') as Record<string, unknown>;
    const merged = deepMerge({}, overlay);
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  it('lower-cases section names and reports a section given twice', () => {
    expect(normalizeSections({ Simulation: { a: 1 }, setup: {} }, 'f.yaml')).toEqual({ sections: { simulation: { a: 1 }, setup: {} }, issues: [] });
    const twice = normalizeSections({ simulation: {}, SIMULATION: {} }, 'f.yaml');
    expect(twice.issues).toEqual(['f.yaml: section simulation given twice (as "simulation" and "SIMULATION")']);
  });
});

describe('scenario discovery', () => {
  const tempDir = useTempDir();

  it('takes *.yaml then *.yml, a .yaml beating the .yml of the same stem, sorted by name', () => {
    const dir = tempDir();
    for (const file of ['b.yml', 'a.yaml', 'a.yml', 'c.YAML', 'notes.txt', '.yaml']) writeFileSync(join(dir, file), '');
    mkdirSync(join(dir, 'sub.yaml'));
    const found = discoverScenarios(dir);
    expect(found.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(found.find((s) => s.name === 'a')?.path).toBe(join(dir, 'a.yaml'));
    expect(found.find((s) => s.name === 'b')?.path).toBe(join(dir, 'b.yml'));
  });

  it('rejects a missing folder, a file, and a folder without scenario files', () => {
    const dir = tempDir();
    expect(() => discoverScenarios(join(dir, 'nope'))).toThrow(/Scenarios folder not found/);
    writeFileSync(join(dir, 'file.yaml'), '');
    expect(() => discoverScenarios(join(dir, 'file.yaml'))).toThrow(/is not a folder/);
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'readme.md'), '');
    const error = (() => {
      try {
        discoverScenarios(join(dir, 'empty'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.UsageError);
    expect((error as Error).message).toMatch(/No scenario files/);
  });

  it('filters by name and rejects unknown names, listing the available ones', () => {
    const all = ['a', 'b', 'c'].map((name) => ({ name, path: `/x/${name}.yaml` }));
    expect(selectScenarios(all, undefined).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(selectScenarios(all, ['c', ' a ', 'c']).map((s) => s.name)).toEqual(['a', 'c']);
    expect(() => selectScenarios(all, ['a', 'x', 'y'])).toThrow('Unknown scenarios "x", "y"; available: a, b, c');
    expect(() => selectScenarios(all, ['x'])).toThrow(UsageError);
    expect(() => selectScenarios(all, ['', ' '])).toThrow(/names no scenario/);
  });
});

describe('scenario preparation (before anything runs)', () => {
  const tempDir = useTempDir();

  it('merges, resolves seed, census and environment overrides, and writes a config that reloads identically', async () => {
    const f = await batchFixture(tempDir(), {
      'plain.yaml': '# same as the base\n',
      'tiers.yaml': {
        simulation: { target_growth_rate: 0.05 },
        employer_match: { active_formula: 'tiered_match', formulas: { tiered_match: { tiers: [{ tier: 1, employee_min: 0, employee_max: 0.06, match_rate: 0.5 }] } } },
      },
    });
    const scenarios = discoverScenarios(f.scenariosDir);
    const env = { PLANALIGN_WORKFORCE__TOTAL_TERMINATION_RATE: '0.2', PLANALIGN_CONFIG: 'not an override' };
    const [plain, tiers] = prepareScenarios({ baseConfig: f.baseConfig, scenarios, env });
    if (plain === undefined || tiers === undefined) throw new Error('expected two scenarios');

    const base = parse(readFileSync(f.baseConfig, 'utf8'));
    // Nested keys the scenario did not name are kept; its list replaced the base list whole.
    expect(tiers.raw.simulation).toMatchObject({ start_year: 2025, end_year: 2026, target_growth_rate: 0.05, random_seed: 42 });
    const match = tiers.raw.employer_match as Record<string, any>;
    expect(match.eligibility).toEqual(base.employer_match.eligibility);
    expect(match.formulas.tiered_match.tiers).toEqual([{ tier: 1, employee_min: 0, employee_max: 0.06, match_rate: 0.5 }]);
    expect(match.formulas.tiered_match.max_match_percentage).toBe(base.employer_match.formulas.tiered_match.max_match_percentage);
    expect(match.formulas.simple_match).toEqual(base.employer_match.formulas.simple_match);

    // Resolved here: the seed, the census (relative to the base config's folder) and the env override.
    for (const s of [plain, tiers]) {
      expect(s.seed).toBe(42);
      expect(s.census).toBe(f.census);
      expect((s.raw.setup as Record<string, unknown>).census_parquet_path).toBe(f.census);
      expect((s.raw.workforce as Record<string, unknown>).total_termination_rate).toBe(0.2);
      expect(s.config.workforce.total_termination_rate).toBe(0.2);
      expect([s.startYear, s.endYear]).toEqual([2025, 2026]);
    }
    expect(plain.configHash).not.toBe(tiers.configHash);

    // Written, it reloads (without the environment) to exactly the validated config.
    const path = join(f.dir, 'tiers.yaml');
    writeScenarioConfig(path, tiers, f.baseConfig);
    expect(loadConfig({ path, env: {} }).hash).toBe(tiers.configHash);
    expect(readFileSync(path, 'utf8')).toMatch(/^# Scenario tiers, written by planalign batch/);
  });

  it('lets --seed win over the config and the environment, and --census over every config', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': { simulation: { random_seed: 5 } } });
    const [a] = prepareScenarios({
      baseConfig: f.baseConfig,
      scenarios: discoverScenarios(f.scenariosDir),
      env: { PLANALIGN_SIMULATION__RANDOM_SEED: '9' },
      seed: 11,
      census: join(f.dir, 'other.parquet'),
    });
    expect(a?.seed).toBe(11);
    expect(a?.config.simulation.random_seed).toBe(11);
    expect(a?.census).toBe(join(f.dir, 'other.parquet'));
    const [envSeed] = prepareScenarios({ baseConfig: f.baseConfig, scenarios: discoverScenarios(f.scenariosDir), env: { PLANALIGN_SIMULATION__RANDOM_SEED: '9' } });
    expect(envSeed?.seed).toBe(9);
  });

  it('resolves a census path a scenario sets against the scenario folder, and keeps a missing one', async () => {
    const f = await batchFixture(tempDir(), {
      'own.yaml': { setup: { census_parquet_path: 'mine.parquet' } },
      'missing.yaml': { setup: { census_parquet_path: 'does/not/exist.parquet' } },
      'absolute.yaml': { setup: { census_parquet_path: '/abs/census.parquet' } },
    });
    writeFileSync(join(f.scenariosDir, 'mine.parquet'), '');
    const prepared = prepareScenarios({ baseConfig: f.baseConfig, scenarios: discoverScenarios(f.scenariosDir), env: {} });
    const census = Object.fromEntries(prepared.map((p) => [p.name, p.census]));
    expect(census).toEqual({
      absolute: '/abs/census.parquet',
      missing: join(process.cwd(), 'does/not/exist.parquet'),
      own: join(f.scenariosDir, 'mine.parquet'),
    });
  });

  it('reports every invalid scenario at once, each problem with its scenario and key', async () => {
    const f = await batchFixture(tempDir(), {
      'good.yaml': { simulation: { target_growth_rate: 0.01 } },
      'backwards.yaml': { simulation: { end_year: 2020 } },
      'typo.yml': { workforce: { total_termination_rat: 0.1 } },
      'syntax.yaml': 'simulation:\n  start_year: [2025\n',
      'list.yaml': '- 1\n- 2\n',
      'twice.yaml': 'simulation: {}\nSimulation: {}\n',
    });
    let error: unknown;
    try {
      prepareScenarios({ baseConfig: f.baseConfig, scenarios: discoverScenarios(f.scenariosDir), env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const config = error as ConfigError;
    expect(config.exitCode).toBe(ExitCode.UsageError);
    expect(config.message).toMatch(/^5 of 6 scenario config\(s\) invalid \(backwards, list, syntax, twice, typo\); no scenario was run:/);
    expect(config.issues.find((i) => i.startsWith('backwards: simulation.end_year'))).toMatch(/must be >= start_year \(2025\)/);
    expect(config.issues.find((i) => i.startsWith('typo: workforce.total_termination_rat'))).toMatch(/did you mean "total_termination_rate"/);
    expect(config.issues.find((i) => i.startsWith('syntax: '))).toMatch(new RegExp(`syntax\\.yaml:\\d+:\\d+: `));
    expect(config.issues).toContain(`list: ${join(f.scenariosDir, 'list.yaml')}: must be a mapping of config sections`);
    expect(config.issues.find((i) => i.startsWith('twice: '))).toMatch(/given twice/);
    expect(config.issues.some((i) => i.startsWith('good:'))).toBe(false);
  });

  it('rejects a missing or malformed base config', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {} });
    const scenarios = discoverScenarios(f.scenariosDir);
    expect(() => prepareScenarios({ baseConfig: join(f.dir, 'nope.yaml'), scenarios, env: {} })).toThrow(/Cannot read the base config .*nope\.yaml:\n {2}- .*nope\.yaml: file not found/);
    writeFileSync(join(f.dir, 'twice.yaml'), 'setup: {}\nSETUP: {}\n');
    expect(() => prepareScenarios({ baseConfig: join(f.dir, 'twice.yaml'), scenarios, env: {} })).toThrow(/Invalid base config/);
    // A folder is not readable as a file.
    expect(() => prepareScenarios({ baseConfig: f.scenariosDir, scenarios, env: {} })).toThrow(/EISDIR/);
  });

  it('completes an incomplete base config with the scenario (only the merge is validated)', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': { simulation: { start_year: 2025, end_year: 2025 } } });
    writeFileSync(f.baseConfig, stringify({ setup: { census_parquet_path: f.census } }));
    const [a] = prepareScenarios({ baseConfig: f.baseConfig, scenarios: discoverScenarios(f.scenariosDir), env: {} });
    expect([a?.startYear, a?.endYear]).toEqual([2025, 2025]);
  });
});

describe('batch helpers', () => {
  const tempDir = useTempDir();

  it('names the batch folder by local time and adds a suffix when it exists', () => {
    const dir = tempDir();
    const at = new Date(2026, 0, 2, 3, 4, 5);
    expect(createBatchDir(join(dir, 'out'), at)).toBe(join(dir, 'out', 'batch_20260102_030405'));
    expect(createBatchDir(join(dir, 'out'), at)).toBe(join(dir, 'out', 'batch_20260102_030405_2'));
    expect(createBatchDir(join(dir, 'out'), at)).toBe(join(dir, 'out', 'batch_20260102_030405_3'));
    writeFileSync(join(dir, 'blocker'), '');
    expect(() => createBatchDir(join(dir, 'blocker'), at)).toThrow();
  });

  it('reports a database it cannot attach instead of failing the comparison', async () => {
    const dir = tempDir();
    expect(await readComparison([])).toEqual({ scenarios: [], errors: [] });
    const read = await readComparison([{ name: 'ghost', database: join(dir, "it's missing.duckdb") }]);
    expect(read.scenarios).toEqual([]);
    expect(read.errors).toHaveLength(1);
    expect(read.errors[0]?.scenario).toBe('ghost');
    expect(existsSync(join(dir, "it's missing.duckdb"))).toBe(false);
  });
});
