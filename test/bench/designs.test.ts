import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaseError, costInputs, costMetricName, parseCase, PROFILES, selectCases, splitDesignCase, type Profile } from '../../src/bench/cases.js';
import { compareResults } from '../../src/bench/compare.js';
import { costMetric, deriveMetrics } from '../../src/bench/derive.js';
import { DESIGN_NAMES, DESIGNS } from '../../src/bench/designs.js';
import { caseResult, writeDesignConfig } from '../../src/bench/harness.js';
import type { BenchResults, CaseResult, MachineFacts } from '../../src/bench/types.js';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { cleanEnv } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

const DEFAULT_CONFIG = resolve('config/simulation_config.yaml');

/** A simulate case of 500 × 2 (with a design, or the default) from its samples' wall seconds and RSS. */
function simulateCase(wall: number[], rss: number[], design?: string): CaseResult {
  const name = `simulate_500x2${design === undefined ? '' : `@${design}`}`;
  const params = { employees: 500, years: 2, startYear: 2025, census: 'parquet', ...(design === undefined ? {} : { design }) };
  return caseResult(name, 'simulate', params, wall.map((w, i) => ({ wallSeconds: w, peakRssMiB: rss[i] as number })), 'process');
}

describe('design case names', () => {
  it('parses simulate_<N>x<Y>[_csv]@<design> into a simulate case with its design', () => {
    expect(parseCase('simulate_10000x5@match_points', PROFILES.full)).toEqual({
      kind: 'simulate', name: 'simulate_10000x5@match_points', employees: 10_000, years: 5, census: 'parquet', repeats: 3, design: 'match_points',
    });
    expect(parseCase('simulate_500x2_csv@core_age_banded', PROFILES.quick, 1)).toMatchObject({ census: 'csv', design: 'core_age_banded', repeats: 1 });
    // The default case has no design at all.
    expect(parseCase('simulate_500x2', PROFILES.quick)).not.toHaveProperty('design');
  });

  it('refuses an unknown design, naming the known ones, and a name with nothing after @', () => {
    expect(() => parseCase('simulate_500x2@match_magic', PROFILES.quick)).toThrow(CaseError);
    expect(() => parseCase('simulate_500x2@match_magic', PROFILES.quick)).toThrow(/unknown design "match_magic": expected one of match_graded_by_service, .*dc_plan/);
    expect(() => parseCase('simulate_500x2@', PROFILES.quick)).toThrow(/Unknown case "simulate_500x2@"/);
  });

  it('maps a design case to its default case and its cost metric, and back', () => {
    expect(splitDesignCase('simulate_10000x5_csv@dc_plan')).toEqual({ base: 'simulate_10000x5_csv', design: 'dc_plan' });
    expect(splitDesignCase('simulate_10000x5')).toBeUndefined();
    expect(costMetricName('simulate_10000x5@dc_plan')).toBe('cost_10000x5@dc_plan');
    expect(costInputs('cost_10000x5@dc_plan')).toEqual(['simulate_10000x5', 'simulate_10000x5@dc_plan']);
    expect(costInputs('cost_10000x5')).toBeUndefined();
    expect(costInputs('scaling_100k_over_10k')).toBeUndefined();
  });

  it('every design has a one-line description and a name that is a valid case suffix', () => {
    expect(DESIGN_NAMES).toEqual(expect.arrayContaining(['match_tenure_graded', 'match_points', 'core_age_banded', 'core_integration', 'eligibility_quarterly_entry', 'hours_part_time', 'dc_plan']));
    for (const name of DESIGN_NAMES) {
      expect(DESIGNS[name].description).not.toMatch(/\n/);
      expect(parseCase(`simulate_10x1@${name}`, PROFILES.quick).kind).toBe('simulate');
    }
  });
});

describe('selecting design cases', () => {
  const designCases = DESIGN_NAMES.map((d) => `simulate_10000x5@${d}`);
  const costs = DESIGN_NAMES.map((d) => `cost_10000x5@${d}`);

  it('--cases designs: the default 10,000 × 5 case first, one case per design, and each design’s cost', () => {
    const picked = selectCases(PROFILES.full, ['designs']);
    expect(picked.cases.map((c) => c.name)).toEqual(['simulate_10000x5', ...designCases]);
    expect(picked.derived).toEqual(costs);
    expect(picked.inputs['cost_10000x5@hours_part_time']).toEqual(['simulate_10000x5', 'simulate_10000x5@hours_part_time']);
  });

  it('the full profile runs them and derives their costs; the quick profile does not', () => {
    const full = selectCases(PROFILES.full, undefined);
    expect(full.cases.map((c) => c.name)).toEqual(expect.arrayContaining(designCases));
    expect(full.cases.filter((c) => c.name === 'simulate_10000x5')).toHaveLength(1);
    expect(full.derived).toEqual(expect.arrayContaining(costs));
    const quick = selectCases(PROFILES.quick, undefined);
    expect(quick.cases.filter((c) => c.name.includes('@'))).toEqual([]);
    expect(quick.derived.filter((d) => d.startsWith('cost_'))).toEqual([]);
  });

  it('follows the profile’s design size; one design case brings in its default case and its cost', () => {
    const small: Profile = { ...PROFILES.quick, designsEmployees: 500, designsYears: 2 };
    expect(selectCases(small, ['designs'], 1).cases.map((c) => c.name).slice(0, 2)).toEqual(['simulate_500x2', 'simulate_500x2@match_graded_by_service']);
    const one = selectCases(PROFILES.quick, ['simulate_500x2@core_integration']);
    expect(one.cases.map((c) => c.name)).toEqual(['simulate_500x2', 'simulate_500x2@core_integration']);
    expect(one.derived).toEqual(['cost_500x2@core_integration']);
    // Naming the cost selects the same.
    const byCost = selectCases(PROFILES.quick, ['cost_500x2@core_integration']);
    expect(byCost.cases.map((c) => c.name)).toEqual(['simulate_500x2', 'simulate_500x2@core_integration']);
    expect(byCost.inputs).toEqual({ 'cost_500x2@core_integration': ['simulate_500x2', 'simulate_500x2@core_integration'] });
    expect(() => selectCases(PROFILES.quick, ['cost_500x2@nothing'])).toThrow(/unknown design "nothing"/);
  });
});

describe('the cost of each feature', () => {
  // Default 10, 11, 12 s (median 11); design 11.5, 12.1, 13 s (median 12.1): +1.1 s = +10 %. Spread:
  // (11.5 − 12) / 12 = −4.17 % … (13 − 10) / 10 = +30 %. RSS medians 300 and 320.5 MiB: +20.5.
  const base = simulateCase([10, 11, 12], [290, 300, 310]);
  const design = simulateCase([12.1, 11.5, 13], [320.5, 330, 310], 'core_age_banded');

  it('is the design case’s median time over the default case’s, in %, with the seconds and RSS', () => {
    const cost = costMetric('cost_500x2@core_age_banded', base, design);
    expect(cost).toMatchObject({ name: 'cost_500x2@core_age_banded', value: 10, unit: '% over simulate_500x2', range: [-4.17, 30], from: ['simulate_500x2', 'simulate_500x2@core_age_banded'] });
    expect(cost.details).toEqual({
      design: 'core_age_banded',
      description: DESIGNS.core_age_banded.description,
      seconds: 12.1,
      defaultSeconds: 11,
      deltaSeconds: 1.1,
      peakRssMiB: 320.5,
      defaultPeakRssMiB: 300,
      deltaPeakRssMiB: 20.5,
    });
    expect(cost.note).toBe(`${DESIGNS.core_age_banded.description}: median 12.1 s against 11 s (+1.1 s)`);
    // A cheaper design costs a negative amount.
    expect(costMetric('x', design, base).details).toMatchObject({ deltaSeconds: -1.1 });
  });

  it('is derived for the selected design cases that were measured, not for those whose default case is missing', () => {
    const picked = selectCases(PROFILES.quick, ['simulate_500x2@core_age_banded', 'simulate_500x2@dc_plan']);
    const derived = deriveMetrics(picked.derived, picked.inputs, { [base.name]: base, [design.name]: design }, {});
    expect(Object.keys(derived)).toEqual(['cost_500x2@core_age_banded']);
    expect(deriveMetrics(picked.derived, picked.inputs, { [design.name]: design }, {})).toEqual({});
  });

  it('--compare judges design cases like any case; their costs are shown, not flagged', () => {
    const machine: MachineFacts = {
      node: 'v20.0.0', platform: 'linux', arch: 'x64', kernel: '6', cpuModel: 'Test CPU', cpus: 2, memoryGiB: 24,
      duckdb: 'v1.5.6', duckdbNodeApi: '1.5.6-r.1', engineVersion: '0.1.0', loadAverageStart: [0, 0, 0], loadAverageEnd: [0, 0, 0],
    };
    const results = (b: CaseResult, d: CaseResult): BenchResults => ({
      schema: 1, profile: 'full', measuredAt: '', durationSeconds: 1, machine, inProcess: {},
      cases: { [b.name]: b, [d.name]: d },
      derived: { 'cost_500x2@core_age_banded': costMetric('cost_500x2@core_age_banded', b, d) },
    });
    // The design case 20 % slower, every run slower than every baseline run; the default case unchanged.
    const slower = simulateCase([14.5, 13.8, 15.6], [320.5, 330, 310], 'core_age_banded');
    const c = compareResults(results(base, design), results(base, slower));
    expect(c.cases.map((x) => [x.name, x.status])).toEqual([
      ['simulate_500x2', 'unchanged'],
      ['simulate_500x2@core_age_banded', 'REGRESSION'],
    ]);
    expect(c.derived).toEqual([{ name: 'cost_500x2@core_age_banded', unit: '% over simulate_500x2', baseline: 10, current: 31.82, changePct: 218.2 }]);
    expect(c.regressions).toEqual(['simulate_500x2@core_age_banded']);
  });
});

describe('writeDesignConfig: each design laid over the default config', () => {
  const tempDir = useTempDir();

  it('validates, reloads, and changes the resolved config (no design is a no-op), with no warning of its own', () => {
    const dir = tempDir();
    const base = loadConfig({ path: DEFAULT_CONFIG, env: {} });
    const hashes = new Set([base.hash]);
    for (const design of DESIGN_NAMES) {
      const written = loadConfig({ path: writeDesignConfig(dir, design, DEFAULT_CONFIG, {}), env: {} });
      expect(written.warnings, design).toEqual(base.warnings);
      hashes.add(written.hash);
    }
    // Every design resolves to a config of its own.
    expect(hashes.size).toBe(DESIGN_NAMES.length + 1);
  });

  it('is refused, naming the key, when a design does not fit the base config', () => {
    const dir = tempDir();
    // The base gives the legacy tenure tiers; the design adds tenure_graded_bands: one or the other.
    const baseConfig = join(dir, 'legacy.yaml');
    writeFileSync(
      baseConfig,
      'simulation:\n  start_year: 2025\n  end_year: 2026\nemployer_match:\n  employer_match_status: tenure_based\n  tenure_match_tiers:\n    - { min_years: 0, max_years: null, match_rate: 50, max_deferral_pct: 6 }\n',
    );
    const refused = (() => {
      try {
        writeDesignConfig(dir, 'match_tenure_graded', baseConfig, {});
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).issues.join('\n')).toMatch(/employer_match\.tenure_match_tiers/);
    // The same base with a design that leaves the match alone is fine.
    expect(existsSync(writeDesignConfig(dir, 'core_age_banded', baseConfig, {}))).toBe(true);
  });
});

describe('the harness on a tiny design case', () => {
  const tempDir = useTempDir();

  it('runs simulate_300x1 and simulate_300x1@core_age_banded once, and prints and writes the cost', () => {
    const harness = resolve('dist/bench/run.js');
    if (!existsSync(harness)) throw new Error(`${harness} is missing: run "npm run build"`);
    const out = join(tempDir(), 'latest.json');
    const run = spawnSync(process.execPath, [harness, '--cases', 'simulate_300x1@core_age_banded', '--repeats', '1', '--out', out], {
      encoding: 'utf8',
      env: cleanEnv(),
      timeout: 90_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Cost of each feature');
    expect(run.stdout).toMatch(/core_age_banded +simulate_300x1 /);

    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(Object.keys(results.cases)).toEqual(['simulate_300x1', 'simulate_300x1@core_age_banded']);
    const base = results.cases.simulate_300x1 as CaseResult;
    const design = results.cases['simulate_300x1@core_age_banded'] as CaseResult;
    expect(base.params).not.toHaveProperty('design');
    expect(design).toMatchObject({ kind: 'simulate', params: { employees: 300, years: 1, design: 'core_age_banded' }, repeats: 1 });
    expect(design.samples[0]?.yearSeconds).toHaveLength(1);
    const cost = results.derived['cost_300x1@core_age_banded'];
    expect(cost).toMatchObject({ from: ['simulate_300x1', 'simulate_300x1@core_age_banded'], details: { design: 'core_age_banded' } });
    expect(cost?.details?.deltaSeconds).toBeCloseTo(design.medianWallSeconds - base.medianWallSeconds, 3);
  });
});
