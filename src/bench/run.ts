/**
 * `npm run bench`: benchmarks of the compiled CLI, run as a child process with the default config
 * (validation, audit and checkpoints on). Each figure is the median of repeated runs, with the min/max
 * of the samples as the run-to-run spread. See docs/PERFORMANCE.md.
 *
 *   node dist/bench/run.js [--profile quick|full] [--cases a,b] [--repeats n] [--out bench/results/latest.json]
 *                          [--compare bench/baseline.json] [--update-baseline [--baseline bench/baseline.json]]
 *                          [--results file.json]   compare/record an existing results file instead of measuring
 *                          [--wait-idle 300]   on a shared machine: wait for idle CPUs before each run, re-measure contended runs
 *                          [--sizes 10000,100000 --years 2025-2029]   the old options: simulate_<N>x<Y> cases
 *                          [--cases terms [--terms-sizes 1000,10000,60000] [--terms-years 5] [--startup-employees 10000]]
 *                                              the fixed and marginal cost of a year, and the start-up time
 *                          [--cases designs [--designs-employees 10000] [--designs-years 5]]
 *                                              the cost of each plan design (simulate_<N>x<Y>@<design> against simulate_<N>x<Y>)
 *
 * Exit codes: 0 done (no regression), 1 the comparison found a regression, 2 usage error or failed run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../paths.js';
import { CaseError, PROFILES, selectCases, type ProfileName } from './cases.js';
import { compareResults, formatComparison } from './compare.js';
import type { TermFit } from './derive.js';
import { runBenchmark } from './harness.js';
import { median } from './stats.js';
import type { BenchResults, DerivedMetric } from './types.js';

const USAGE = `usage: node dist/bench/run.js [--profile quick|full] [--cases a,b] [--repeats n] [--out file]
       [--compare baseline.json] [--update-baseline] [--baseline file] [--results file] [--keep-work]
       [--batch-employees n] [--batch-years n] [--wait-idle seconds] [--config file] [--sizes N,M --years YYYY-YYYY]
       [--terms-sizes N,M,K] [--terms-years n] [--startup-employees n] [--designs-employees n] [--designs-years n]`;

class UsageError extends Error {}

function writeJson(path: string, value: unknown): void {
  if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** The results in a few lines: one per case, then the derived and in-process figures. */
function formatResults(results: BenchResults): string {
  const lines = [
    `PlanAlign ${results.machine.engineVersion} on Node ${results.machine.node}, DuckDB ${results.machine.duckdb}, ` +
      `${results.machine.cpus} CPUs (${results.machine.cpuModel}), ${results.machine.memoryGiB} GiB; profile ${results.profile}; ` +
      `load ${results.machine.loadAverageStart.join('/')} → ${results.machine.loadAverageEnd.join('/')}`,
    '',
  ];
  const header = ['Case', 'Median s', 'Min–max s', 'Peak RSS MiB', 'Min–max MiB', 'To 1st year ms', 'n'];
  const rows = Object.values(results.cases).map((c) => {
    const startup = c.samples.map((s) => s.startupSeconds).filter((s): s is number => s !== undefined);
    return [
      c.name,
      c.kind === 'help' ? `${c.medianMs} ms` : c.medianWallSeconds.toFixed(3),
      `${c.minWallSeconds.toFixed(3)}–${c.maxWallSeconds.toFixed(3)}`,
      `${c.medianPeakRssMiB.toFixed(0)}${c.rssMethod === 'tree-sampled' ? ' (tree)' : ''}`,
      `${c.minPeakRssMiB.toFixed(0)}–${c.maxPeakRssMiB.toFixed(0)}`,
      startup.length === 0 ? '' : (median(startup) * 1000).toFixed(0),
      String(c.repeats),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  if (rows.length > 0) lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  const { year_fixed_ms: fixed, year_marginal_us: marginal } = results.derived;
  if (fixed !== undefined && marginal !== undefined) lines.push('', ...formatTerms(fixed, marginal));
  const costs = Object.values(results.derived).filter((d) => d.name.startsWith('cost_'));
  if (costs.length > 0) lines.push('', ...formatCosts(costs));
  for (const d of Object.values(results.derived)) {
    if (d === fixed || d === marginal || costs.includes(d)) continue;
    lines.push('', `${d.name}: ${d.value} ${d.unit}${d.range ? ` (spread ${d.range[0]}–${d.range[1]})` : ''}`, `  ${d.note}`);
  }
  for (const p of Object.values(results.inProcess)) {
    const years = p.yearSeconds.reduce((a, b) => a + b, 0);
    lines.push('', `${p.name} (in-process, single sample): run ${p.runSeconds} s, years ${years.toFixed(3)} s; where the years went:`);
    for (const [what, seconds] of Object.entries(p.yearBreakdown)) {
      lines.push(`  ${what.padEnd(52)} ${seconds.toFixed(3).padStart(8)} s  ${((seconds / years) * 100).toFixed(1).padStart(5)} %`);
    }
    lines.push('  top models:');
    for (const m of p.models.slice(0, 8)) lines.push(`    ${m.model.padEnd(50)} ${m.seconds.toFixed(3).padStart(8)} s  ${m.pctOfYears.toFixed(1).padStart(5)} %`);
  }
  return `${lines.join('\n')}\n`;
}

/** The fixed and marginal cost of a year, overall and per stage, as a table. */
function formatTerms(fixed: DerivedMetric, marginal: DerivedMetric): string[] {
  const stagesOf = (d: DerivedMetric) => (d.details?.stages ?? {}) as Record<string, TermFit>;
  const f = stagesOf(fixed);
  const m = stagesOf(marginal);
  const header = ['Per year', 'Fixed ms', 'Min–max', 'Marginal µs/emp-yr', 'Min–max', 'R²'];
  const rows = Object.keys(f).map((stage) => {
    const a = f[stage] as TermFit;
    const b = m[stage] as TermFit;
    return [stage, a.value.toFixed(1), `${a.range[0].toFixed(1)}–${a.range[1].toFixed(1)}`, b.value.toFixed(2), `${b.range[0].toFixed(2)}–${b.range[1].toFixed(2)}`, a.r2.toFixed(3)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    `Fixed cost per year (year_fixed_ms) and marginal cost per employee-year (year_marginal_us): ${fixed.note}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
}

/** The cost of each feature: each design case against the default case of its size, as a table. */
function formatCosts(costs: DerivedMetric[]): string[] {
  const header = ['Design', 'Against', 'Median s', 'Default s', 'Δ s', 'Δ %', 'Δ % spread', 'Δ RSS MiB'];
  const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
  const rows = costs.map((c) => {
    const d = c.details as { design: string; seconds: number; defaultSeconds: number; deltaSeconds: number; deltaPeakRssMiB: number };
    return [
      d.design,
      c.from[0] ?? '',
      d.seconds.toFixed(3),
      d.defaultSeconds.toFixed(3),
      signed(d.deltaSeconds, 3),
      signed(c.value, 1),
      c.range === undefined ? '' : `${signed(c.range[0], 1)}…${signed(c.range[1], 1)}`,
      signed(d.deltaPeakRssMiB, 0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    'Cost of each feature (cost_<N>x<Y>@<design>: median wall time of the design case against the default case of its size):',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...costs.map((c) => `  ${String(c.details?.design)}: ${String(c.details?.description)}`),
  ];
}

function positiveOption(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a positive whole number, got ${text}`);
  return n;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        profile: { type: 'string', default: 'quick' },
        cases: { type: 'string' },
        repeats: { type: 'string' },
        out: { type: 'string', default: join('bench', 'results', 'latest.json') },
        compare: { type: 'string' },
        'update-baseline': { type: 'boolean', default: false },
        baseline: { type: 'string', default: join('bench', 'baseline.json') },
        results: { type: 'string' },
        config: { type: 'string', default: join(packageRoot, 'config', 'simulation_config.yaml') },
        'keep-work': { type: 'boolean', default: false },
        'batch-employees': { type: 'string' },
        'batch-years': { type: 'string' },
        'wait-idle': { type: 'string' },
        sizes: { type: 'string' },
        years: { type: 'string' },
        'terms-sizes': { type: 'string' },
        'terms-years': { type: 'string' },
        'startup-employees': { type: 'string' },
        'designs-employees': { type: 'string' },
        'designs-years': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const out = resolve(values.out);

  let results: BenchResults;
  if (values.results !== undefined) {
    results = JSON.parse(readFileSync(resolve(values.results), 'utf8')) as BenchResults;
  } else {
    const base = PROFILES[values.profile as ProfileName];
    if (base === undefined) throw new UsageError(`--profile must be quick or full, got ${values.profile}`);
    const profile = { ...base };
    if (values['batch-employees'] !== undefined) profile.batchEmployees = positiveOption(values['batch-employees'], '--batch-employees');
    if (values['batch-years'] !== undefined) profile.batchYears = positiveOption(values['batch-years'], '--batch-years');
    if (values['terms-sizes'] !== undefined) {
      profile.termsSizes = values['terms-sizes'].split(',').map((n) => positiveOption(n.trim(), '--terms-sizes'));
      // Two sizes always fit a line exactly: a third shows whether the year is linear at all.
      if (new Set(profile.termsSizes).size < 3) throw new UsageError(`--terms-sizes needs three different sizes at least, got ${values['terms-sizes']}`);
    }
    if (values['terms-years'] !== undefined) profile.termsYears = positiveOption(values['terms-years'], '--terms-years');
    if (values['startup-employees'] !== undefined) profile.startupEmployees = positiveOption(values['startup-employees'], '--startup-employees');
    if (values['designs-employees'] !== undefined) profile.designsEmployees = positiveOption(values['designs-employees'], '--designs-employees');
    if (values['designs-years'] !== undefined) profile.designsYears = positiveOption(values['designs-years'], '--designs-years');
    const customised = ['batch-employees', 'batch-years', 'terms-sizes', 'terms-years', 'startup-employees', 'designs-employees', 'designs-years'].some((o) => values[o as keyof typeof values] !== undefined);
    let repeats: number | undefined;
    if (values.repeats !== undefined) {
      repeats = positiveOption(values.repeats, '--repeats');
    }
    let names = values.cases?.split(',');
    if (values.sizes !== undefined || values.years !== undefined) {
      // The first harness's options: --sizes N,M --years YYYY-YYYY.
      const m = /^(\d{4})(?:-(\d{4}))?$/.exec(values.years ?? '2025-2029');
      if (m === null) throw new UsageError(`--years must be YYYY or YYYY-YYYY, got ${values.years}`);
      const count = m[2] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1;
      if (count < 1) throw new UsageError(`--years ${values.years} is empty`);
      const sizes = (values.sizes ?? '10000,100000').split(',').map((s) => s.trim());
      names = [...(names ?? []), ...sizes.map((n) => `simulate_${n}x${count}`)];
    }
    const selection = selectCases(profile, names, repeats);
    const config = resolve(values.config);
    if (!existsSync(config)) throw new UsageError(`Config ${config} not found`);
    process.stderr.write(`Benchmark (profile ${profile.name}): ${selection.cases.map((c) => c.name).join(', ')}\n`);
    results = await runBenchmark({
      profile: names === undefined && !customised ? profile.name : `${profile.name} (custom)`,
      cases: selection.cases,
      derived: selection.derived,
      derivedInputs: selection.inputs,
      config,
      keepWork: values['keep-work'],
      idleWaitSeconds: values['wait-idle'] === undefined ? 0 : positiveOption(values['wait-idle'], '--wait-idle'),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    writeJson(out, results);
    process.stdout.write(formatResults(results));
    process.stdout.write(`\nWritten to ${show(out)}\n`);
  }

  let exitCode = 0;
  if (values.compare !== undefined) {
    const baselinePath = resolve(values.compare);
    const baseline = JSON.parse(readFileSync(baselinePath, 'utf8')) as BenchResults;
    const comparison = compareResults(baseline, results, { baselinePath: show(baselinePath) });
    const comparisonPath = join(dirname(out), 'comparison.json');
    writeJson(comparisonPath, comparison);
    process.stdout.write(`\n${formatComparison(comparison)}Comparison written to ${show(comparisonPath)}\n`);
    exitCode = comparison.exitCode;
  }
  if (values['update-baseline']) {
    const baselinePath = resolve(values.baseline);
    if (existsSync(baselinePath)) {
      const previous = JSON.parse(readFileSync(baselinePath, 'utf8')) as BenchResults;
      const dropped = Object.keys(previous.cases ?? {}).filter((name) => !(name in results.cases));
      if (dropped.length > 0) process.stderr.write(`Warning: the new baseline no longer has ${dropped.join(', ')}\n`);
    }
    writeJson(baselinePath, results);
    process.stdout.write(`Baseline written to ${show(baselinePath)}\n`);
  }
  return exitCode;
}

try {
  process.exitCode = await main();
} catch (error) {
  const usage = error instanceof UsageError || error instanceof CaseError;
  process.stderr.write(`${usage ? 'Usage error' : 'Benchmark failed'}: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exitCode = 2;
}
