import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES, parseCase, selectCases } from '../../src/bench/cases.js';
import { compareCase, compareMetric, compareResults, formatComparison } from '../../src/bench/compare.js';
import { deriveMetrics } from '../../src/bench/derive.js';
import type { BenchResults, CaseResult, MachineFacts } from '../../src/bench/types.js';
import { cleanEnv } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

const machine: MachineFacts = {
  node: 'v20.0.0',
  platform: 'linux',
  arch: 'x64',
  kernel: '6',
  cpuModel: 'Test CPU',
  cpus: 2,
  memoryGiB: 24,
  duckdb: 'v1.5.6',
  duckdbNodeApi: '1.5.6-r.1',
  engineVersion: '0.1.0',
  loadAverageStart: [0, 0, 0],
  loadAverageEnd: [0.5, 0, 0],
};

/** A case from its samples' wall seconds and peak RSS MiB. */
function makeCase(name: string, wall: number[], rss: number[]): CaseResult {
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const med = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)] as number;
  return {
    name,
    kind: 'simulate',
    params: { employees: 10_000, years: 5 },
    repeats: wall.length,
    medianWallSeconds: med(wall),
    minWallSeconds: Math.min(...wall),
    maxWallSeconds: Math.max(...wall),
    medianPeakRssMiB: med(rss),
    minPeakRssMiB: Math.min(...rss),
    maxPeakRssMiB: Math.max(...rss),
    rssMethod: 'process',
    samples: wall.map((w, i) => ({ wallSeconds: w, peakRssMiB: rss[i] as number })),
  };
}

function makeResults(cases: CaseResult[], extra: Partial<BenchResults> = {}): BenchResults {
  return {
    schema: 1,
    profile: 'quick',
    measuredAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine,
    cases: Object.fromEntries(cases.map((c) => [c.name, c])),
    derived: {},
    inProcess: {},
    ...extra,
  };
}

describe('compareMetric: a change counts only when large and outside both spreads', () => {
  it('flags a slower median whose every sample is above every baseline sample', () => {
    const m = compareMetric({ median: 10, min: 9.8, max: 10.2 }, { median: 11, min: 10.9, max: 11.1 }, 5);
    expect(m.changePct).toBe(10);
    expect(m.outsideSpread).toBe(true);
    expect(m.verdict).toBe('REGRESSION');
  });

  it('keeps a large change unchanged when the spreads overlap (noise)', () => {
    const m = compareMetric({ median: 10, min: 9, max: 12 }, { median: 11, min: 10.5, max: 11.5 }, 5);
    expect(m.changePct).toBe(10);
    expect(m.outsideSpread).toBe(false);
    expect(m.verdict).toBe('unchanged');
  });

  it('keeps a small change unchanged even outside the spreads', () => {
    const m = compareMetric({ median: 10, min: 9.99, max: 10.01 }, { median: 10.4, min: 10.39, max: 10.41 }, 5);
    expect(m.outsideSpread).toBe(true);
    expect(m.verdict).toBe('unchanged');
  });

  it('flags the mirror image as an improvement', () => {
    expect(compareMetric({ median: 10, min: 9.8, max: 10.2 }, { median: 9, min: 8.9, max: 9.1 }, 5).verdict).toBe('IMPROVEMENT');
    // Faster by more than 5 %, but the slowest new sample is inside the baseline's spread.
    expect(compareMetric({ median: 10, min: 9.0, max: 10.2 }, { median: 9, min: 8.9, max: 9.1 }, 5).verdict).toBe('unchanged');
  });

  it('treats the threshold as strict and single samples as a zero-width spread', () => {
    expect(compareMetric({ median: 100, min: 100, max: 100 }, { median: 105, min: 105, max: 105 }, 5).verdict).toBe('unchanged');
    expect(compareMetric({ median: 100, min: 100, max: 100 }, { median: 105.1, min: 105.1, max: 105.1 }, 5).verdict).toBe('REGRESSION');
  });
});

describe('compareCase: time at 5 %, memory at 10 %', () => {
  const base = makeCase('simulate_10000x5', [7.2, 7.3, 7.4], [520, 540, 560]);

  it('memory 8 % higher outside the spread is not a regression; 12 % is', () => {
    const slightly = compareCase(base, makeCase('simulate_10000x5', [7.2, 7.3, 7.4], [580, 583, 585]));
    expect(slightly.memory?.changePct).toBeCloseTo(7.96, 1);
    expect(slightly.status).toBe('unchanged');
    const much = compareCase(base, makeCase('simulate_10000x5', [7.2, 7.3, 7.4], [600, 605, 610]));
    expect(much.memory?.verdict).toBe('REGRESSION');
    expect(much.time?.verdict).toBe('unchanged');
    expect(much.status).toBe('REGRESSION');
  });

  it('a regression in one metric wins over an improvement in the other', () => {
    const mixed = compareCase(base, makeCase('simulate_10000x5', [8.0, 8.1, 8.2], [400, 405, 410]));
    expect(mixed.time?.verdict).toBe('REGRESSION');
    expect(mixed.memory?.verdict).toBe('IMPROVEMENT');
    expect(mixed.status).toBe('REGRESSION');
  });

  it('an improvement alone is reported as one', () => {
    expect(compareCase(base, makeCase('simulate_10000x5', [6.5, 6.6, 6.7], [520, 540, 560])).status).toBe('IMPROVEMENT');
  });
});

describe('compareResults', () => {
  const baseline = makeResults(
    [makeCase('a', [1.0, 1.01, 1.02], [100, 101, 102]), makeCase('b', [2.0, 2.02, 2.04], [200, 201, 202]), makeCase('gone', [1, 1, 1], [1, 1, 1])],
    {
      derived: { scaling_100k_over_10k: { name: 'scaling_100k_over_10k', value: 3.2, unit: 'x', from: [], note: '' } },
    },
  );

  it('gives each case a status, lists new and unmeasured ones, and exits 1 only on a regression', () => {
    const current = makeResults(
      [makeCase('a', [1.2, 1.21, 1.22], [100, 101, 102]), makeCase('b', [2.0, 2.02, 2.04], [200, 201, 202]), makeCase('added', [1, 1, 1], [1, 1, 1])],
      { derived: { scaling_100k_over_10k: { name: 'scaling_100k_over_10k', value: 3.52, unit: 'x', from: [], note: '' } } },
    );
    const comparison = compareResults(baseline, current, { baselinePath: 'bench/baseline.json' });
    expect(Object.fromEntries(comparison.cases.map((c) => [c.name, c.status]))).toEqual({
      a: 'REGRESSION',
      b: 'unchanged',
      added: 'new',
      gone: 'not measured',
    });
    expect(comparison.regressions).toEqual(['a']);
    expect(comparison.exitCode).toBe(1);
    expect(comparison.derived).toEqual([{ name: 'scaling_100k_over_10k', unit: 'x', baseline: 3.2, current: 3.52, changePct: 10 }]);
    const text = formatComparison(comparison);
    expect(text).toContain('REGRESSION (time)');
    expect(text).toContain('1 REGRESSION(S): a');
  });

  it('exits 0 with improvements only, and warns when the machines differ', () => {
    const current = makeResults([makeCase('a', [0.8, 0.81, 0.82], [100, 101, 102]), makeCase('b', [2.0, 2.02, 2.04], [200, 201, 202])], {
      machine: { ...machine, cpus: 8, node: 'v22.0.0' },
    });
    const comparison = compareResults(baseline, current);
    expect(comparison.exitCode).toBe(0);
    expect(comparison.improvements).toEqual(['a']);
    expect(comparison.warnings.join('\n')).toMatch(/node differs[\s\S]*cpus differs/);
  });
});

describe('cases and derived metrics', () => {
  it('parses case names and applies the profile and --repeats', () => {
    expect(parseCase('simulate_60000x5', PROFILES.quick)).toEqual({ kind: 'simulate', name: 'simulate_60000x5', employees: 60_000, years: 5, census: 'parquet', repeats: 3 });
    expect(parseCase('simulate_10000x1_csv', PROFILES.quick)).toMatchObject({ employees: 10_000, years: 1, census: 'csv' });
    expect(parseCase('simulate_1000000x5', PROFILES.full)).toMatchObject({ repeats: 2 });
    expect(parseCase('batch_4_parallel2', PROFILES.quick)).toMatchObject({ scenarios: 4, parallel: 2, employees: 5_000, years: 3 });
    expect(parseCase('batch_4_parallel2', PROFILES.full)).toMatchObject({ employees: 20_000 });
    expect(parseCase('help_ms', PROFILES.quick, 4)).toEqual({ kind: 'help', name: 'help_ms', repeats: 4 });
    expect(() => parseCase('simulate_0x5', PROFILES.quick)).toThrow(/positive/);
    expect(() => parseCase('nonsense', PROFILES.quick)).toThrow(/Unknown case/);
  });

  it('quick never measures a million employees; full does; derived names pull in their inputs', () => {
    const quick = selectCases(PROFILES.quick, undefined).cases.map((c) => c.name);
    expect(quick).toEqual(expect.arrayContaining(['simulate_10000x1', 'simulate_10000x5', 'simulate_10000x10', 'simulate_60000x5', 'simulate_100000x5', 'help_ms', 'batch_4_parallel1', 'batch_4_parallel2']));
    expect(quick.some((n) => n.includes('1000000'))).toBe(false);
    expect(selectCases(PROFILES.full, undefined).cases.map((c) => c.name)).toEqual(expect.arrayContaining(['simulate_1000000x5', 'simulate_1000000x10']));
    const picked = selectCases(PROFILES.quick, ['scaling_100k_over_10k'], 1);
    expect(picked.cases.map((c) => c.name)).toEqual(['simulate_10000x5', 'simulate_100000x5']);
    expect(picked.derived).toEqual(['scaling_100k_over_10k']);
  });

  it('scaling is the ratio of the medians, its range from the opposite ends of the spreads', () => {
    const small = { ...makeCase('simulate_10000x5', [7, 7.2, 7.4], [500, 500, 500]), microsPerEmployeeYear: 144 };
    const large = { ...makeCase('simulate_100000x5', [23, 24, 25], [1200, 1200, 1200]), params: { employees: 100_000, years: 5 } };
    const names = ['scaling_100k_over_10k', 'scaling_1m_over_100k'];
    const derived = deriveMetrics(names, selectCases(PROFILES.full, names).inputs, { [small.name]: small, [large.name]: large }, {});
    expect(Object.keys(derived)).toEqual(['scaling_100k_over_10k']);
    const s = derived.scaling_100k_over_10k!;
    expect(s.value).toBeCloseTo(24 / 7.2, 3);
    expect(s.range).toEqual([Number((23 / 7.4).toFixed(3)), Number((25 / 7).toFixed(3))]);
    expect(s.details).toMatchObject({ employeeYearsRatio: 10, perEmployeeYearRatio: Number((24 / 7.2 / 10).toFixed(3)) });
  });
});

describe('node dist/bench/run.js --results R --compare B', () => {
  const tempDir = useTempDir();
  const harness = resolve('dist/bench/run.js');

  function run(args: string[]) {
    if (!existsSync(harness)) throw new Error(`${harness} is missing: run "npm run build"`);
    return spawnSync(process.execPath, [harness, ...args], { encoding: 'utf8', env: cleanEnv(), timeout: 30_000 });
  }

  it('exits 1 on a regression, 0 otherwise, and writes comparison.json beside --out', () => {
    const dir = tempDir();
    const base = join(dir, 'baseline.json');
    const slower = join(dir, 'slower.json');
    const same = join(dir, 'same.json');
    writeFileSync(base, JSON.stringify(makeResults([makeCase('a', [1.0, 1.01, 1.02], [100, 101, 102])])));
    writeFileSync(slower, JSON.stringify(makeResults([makeCase('a', [1.2, 1.21, 1.22], [100, 101, 102])])));
    writeFileSync(same, JSON.stringify(makeResults([makeCase('a', [1.0, 1.02, 1.03], [100, 101, 102])])));
    const out = join(dir, 'results', 'latest.json');

    const regressed = run(['--results', slower, '--compare', base, '--out', out]);
    expect(regressed.status, regressed.stderr).toBe(1);
    expect(regressed.stdout).toContain('REGRESSION');
    const written = JSON.parse(readFileSync(join(dir, 'results', 'comparison.json'), 'utf8'));
    expect(written).toMatchObject({ exitCode: 1, regressions: ['a'], cases: [{ name: 'a', status: 'REGRESSION' }] });

    const unchanged = run(['--results', same, '--compare', base, '--out', out]);
    expect(unchanged.status, unchanged.stderr).toBe(0);
    expect(unchanged.stdout).toContain('No regression');

    // --update-baseline records the results as the new baseline.
    const newBase = join(dir, 'new-baseline.json');
    expect(run(['--results', slower, '--update-baseline', '--baseline', newBase, '--out', out]).status).toBe(0);
    expect(JSON.parse(readFileSync(newBase, 'utf8')).cases.a.medianWallSeconds).toBe(1.21);

    expect(run(['--cases', 'bogus_case', '--out', out]).status).toBe(2);
  });
});
