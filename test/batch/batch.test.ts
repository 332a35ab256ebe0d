import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonHeaders, runBatch, type ScenarioResult } from '../../src/batch/index.js';
import { batchCommand } from '../../src/cli/commands/batch.js';
import { runCommand } from '../../src/cli/run-command.js';
import { loadConfig } from '../../src/config/index.js';
import { ExitCode } from '../../src/errors.js';
import type { ScenarioComparison } from '../../src/reporting/scenario-compare.js';
import { defaultMemoryLimit } from '../../src/db/database.js';
import { query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import {
  batchFixture,
  captureOutput,
  databasesBelow,
  memoryLimitShown,
  onlyBatchDir,
  runSettings,
  withoutConfigOverrides,
} from './helpers.js';

/** The batch's jobs run in children of the compiled job runner (`npm run build`; `npm test` builds first). */
const CHILD = resolve('dist/executor/child.js');
beforeAll(() => {
  if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run "npm run build" first`);
});
let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = withoutConfigOverrides();
});
afterAll(() => restoreEnv());

interface SummaryJson {
  batchDir: string;
  parallel: number;
  threads: number;
  memoryLimit: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  completed: string[];
  failed: string[];
  comparisonWorkbook: string | null;
  comparison: ScenarioComparison | null;
  warnings: string[];
  scenarios: Array<{
    name: string;
    status: string;
    job: string;
    inputs: string;
    attempts: number;
    reused: boolean;
    worker: string;
    startedAt: string;
    finishedAt: string;
    seconds: number;
    seed: number;
    configHash: string;
    config: string;
    database: string;
    log: string;
    error: string | null;
    years: Array<Record<string, number>>;
  }>;
}

/** Resolves once some file named `file` below `dir` matches `pattern`. */
async function waitFor(dir: string, file: string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const logs = (d: string): string[] =>
    existsSync(d)
      ? readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? logs(join(d, e.name)) : e.name === file ? [join(d, e.name)] : [],
        )
      : [];
  while (Date.now() < deadline) {
    if (logs(dir).some((log) => pattern.test(readFileSync(log, 'utf8')))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing below ${dir} matched ${pattern}`);
}

const readSummary = (batchDir: string) => JSON.parse(readFileSync(join(batchDir, 'batch_summary.json'), 'utf8')) as SummaryJson;

/** A sheet as objects keyed by its header row. */
function sheetRows(sheet: ExcelJS.Worksheet): Array<Record<string, unknown>> {
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Array<Record<string, unknown>> = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
  });
  return rows;
}

/** The comparison figures, computed here independently with SQL on one scenario database. */
async function figuresBySql(database: string) {
  const snapshot = await query<Record<string, number>>(
    database,
    `SELECT simulation_year AS year,
            count(*)::INTEGER AS employed,
            count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active,
            sum(prorated_annual_compensation)::DOUBLE AS comp,
            (count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')
              / count(*) FILTER (WHERE employment_status = 'active'))::DOUBLE AS participation,
            avg(current_deferral_rate) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')::DOUBLE AS deferral,
            sum(ytd_contributions)::DOUBLE AS contributions,
            sum(employer_match_amount)::DOUBLE AS match,
            sum(employer_core_amount)::DOUBLE AS core
     FROM fct_workforce_snapshot GROUP BY 1 ORDER BY 1`,
  );
  const events = await query<Record<string, number>>(
    database,
    `SELECT simulation_year AS year, event_type, count(*)::INTEGER AS n FROM fct_yearly_events
     WHERE event_type IN ('hire', 'termination') GROUP BY ALL`,
  );
  const count = (year: number, type: string) => events.find((e) => e.year === year && e.event_type === (type as unknown))?.n ?? 0;
  return snapshot.map((s) => ({ ...s, hires: count(s.year, 'hire'), terminations: count(s.year, 'termination') }));
}

describe('planalign batch: three growth scenarios, two at a time', () => {
  const tempDir = useTempDir();

  it('runs each as a job in a warm child, and writes a summary and a workbook that match the job databases; a rerun reuses the jobs', async () => {
    const f = await batchFixture(tempDir(), {
      'growth_0.yaml': { simulation: { target_growth_rate: 0 } },
      'growth_3.yaml': { simulation: { target_growth_rate: 0.03 } },
      'growth_6.yml': { simulation: { target_growth_rate: 0.06 } },
    });
    const { value: code, stdout, stderr } = await captureOutput(() =>
      batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: '2', baseline: 'growth_3', discountRate: '5%' }),
    );
    expect(code, stderr).toBe(ExitCode.Success);
    const batchDir = onlyBatchDir(f.outputDir);
    expect(batchDir).toMatch(/batch_\d{8}_\d{6}$/);

    // Console: a line per start and finish, then the table.
    for (const name of ['growth_0', 'growth_3', 'growth_6']) {
      expect(stderr).toMatch(new RegExp(`\\[\\d/3\\] started   ${name} \\(worker [^:]+:\\d+\\)`));
      expect(stderr).toMatch(new RegExp(`\\[\\d/3\\] completed ${name} in \\d+\\.\\ds`));
      expect(stdout).toMatch(new RegExp(`^${name}\\s+completed\\s+1\\s`, 'm'));
    }
    expect(stdout).toContain('3 completed, 0 failed');
    expect(stdout).toContain('comparison.xlsx');

    // One job database per scenario, under the output folder (not the batch's), and the merged config of each.
    const summary = readSummary(batchDir);
    expect(databasesBelow(f.outputDir).sort()).toEqual(summary.scenarios.map((r) => join(f.outputDir, 'jobs', r.job, 'simulation.duckdb')).sort());
    expect(summary.parallel).toBe(2);
    // Two runs at once share the cores and the memory: each child applied its share.
    const threads = Math.max(1, Math.floor(availableParallelism() / 2));
    const memory = defaultMemoryLimit(2);
    expect([summary.threads, summary.memoryLimit]).toEqual([threads, memory]);
    expect(stderr).toContain(`each with ${threads} DuckDB thread(s) and ${memory} of memory`);
    for (const name of ['growth_0', 'growth_3', 'growth_6']) {
      const run = summary.scenarios.find((r) => r.name === name);
      expect(runSettings(run?.log as string), name).toEqual({ threads, memory_limit: await memoryLimitShown(memory) });
    }
    expect(summary.exitCode).toBe(0);
    expect(summary.completed).toEqual(['growth_0', 'growth_3', 'growth_6']);
    expect(summary.failed).toEqual([]);
    expect(summary.warnings).toEqual([]);

    // Two warm children (not this process) ran the three jobs, two at the same time.
    const runs = summary.scenarios;
    expect(new Set(runs.map((r) => r.worker)).size).toBe(2);
    expect(runs.every((r) => /:\d+$/.test(r.worker) && !r.worker.endsWith(`:${process.pid}`))).toBe(true);
    const span = runs.map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const);
    const overlapping = span.some(([s1, e1], i) => span.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
    expect(overlapping).toBe(true);
    expect(Date.parse(summary.startedAt)).toBeLessThanOrEqual(Math.min(...span.map(([s]) => s)));
    expect(Date.parse(summary.finishedAt)).toBeGreaterThanOrEqual(Math.max(...span.map(([, e]) => e)));

    for (const run of runs) {
      expect(run).toMatchObject({ status: 'completed', attempts: 1, reused: false, error: null, seed: 42, database: join(f.outputDir, 'jobs', run.job, 'simulation.duckdb') });
      expect(run.seconds).toBeGreaterThan(0);
      expect(run.years.map((y) => y.year)).toEqual([2025, 2026]);
      // The config written for the run reloads, by hand and without the environment, to what it ran.
      expect(run.config).toBe(join(batchDir, run.name, 'simulation_config.yaml'));
      expect(loadConfig({ path: run.config, env: {} }).hash).toBe(run.configHash);
      expect(JSON.parse(readFileSync(join(f.outputDir, 'jobs', run.job, 'result.json'), 'utf8')).years).toEqual(run.years);
      expect(readFileSync(run.log, 'utf8')).toMatch(/"msg":"job finished"/);
    }
    const growth3 = loadConfig({ path: join(batchDir, 'growth_3', 'simulation_config.yaml'), env: {} }).config;
    expect(growth3.simulation).toMatchObject({ start_year: 2025, end_year: 2026, target_growth_rate: 0.03, random_seed: 42 });
    expect(growth3.setup.census_parquet_path).toBe(f.census);

    // More growth, more people.
    const finalActive = runs.map((r) => r.years[1]?.active_headcount ?? 0);
    expect(finalActive[0]).toBeLessThan(finalActive[1] as number);
    expect(finalActive[1]).toBeLessThan(finalActive[2] as number);

    // The comparison, in batch_summary.json: against the named baseline, every figure from the databases.
    const comparison = summary.comparison as ScenarioComparison;
    expect(comparison.baseline).toBe('growth_3');
    expect(comparison.discount_rate).toBe(0.05);
    expect(comparison.scenarios.map((s) => s.name)).toEqual(['growth_3', 'growth_0', 'growth_6']);
    const sql = Object.fromEntries(await Promise.all(runs.map(async (r) => [r.name, await figuresBySql(r.database)] as const)));
    const cost = (name: string, year: number) => {
      const y = sql[name]?.find((s) => s.year === year) as Record<string, number>;
      return (y.match as number) + (y.core as number);
    };
    const pv = (name: string) => cost(name, 2025) / 1.05 + cost(name, 2026) / 1.05 ** 2;
    const pvFigure = comparison.total.metrics.present_value_employer_cost;
    for (const name of ['growth_0', 'growth_3', 'growth_6']) expect(pvFigure.values[name]).toBeCloseTo(pv(name), 2);
    expect(pvFigure.delta.growth_6).toBeCloseTo(pv('growth_6') - pv('growth_3'), 2);
    expect(pvFigure.delta).not.toHaveProperty('growth_3');
    // The console shows the differences from the baseline.
    expect(stdout).toContain('Scenarios (baseline: growth_3; employer cost over 2025-2026 and its present value at 5.00 % a year to 2025-01-01;');
    expect(stdout).toMatch(/^growth_3\s+completed.*\bbaseline\b/m);
    const headcountDelta = (comparison.by_year[1]?.metrics.active_headcount.delta.growth_6 ?? 0);
    expect(headcountDelta).toBeGreaterThan(0);
    expect(stdout).toMatch(new RegExp(`^growth_6\\s+completed.*\\+${headcountDelta} \\(\\+\\d+\\.\\d %\\)`, 'm'));

    // The workbook, read back: scenarios as columns (the baseline first), rows metric × year.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(batchDir, 'comparison.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Comparison', 'Charts', 'Compliance', 'Scenarios', 'Notes']);
    const sheet = workbook.getWorksheet('Comparison') as ExcelJS.Worksheet;
    const headers = comparisonHeaders(comparison);
    expect(headers).toEqual([
      'Metric', 'Year', 'growth_3', 'growth_0', 'growth_6',
      'growth_0 − growth_3', 'growth_0 vs growth_3 %', 'growth_6 − growth_3', 'growth_6 vs growth_3 %',
    ]);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(headers);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 1 });
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    const rows = sheetRows(sheet);
    const find = (metric: string, year: number | string) => {
      const found = rows.filter((r) => r.Metric === metric && r.Year === year);
      expect(found, `${metric} ${year}`).toHaveLength(1);
      return found[0] as Record<string, number>;
    };
    expect(rows.filter((r) => r.Metric === 'Active headcount').map((r) => r.Year)).toEqual([2025, 2026]);
    expect(rows.filter((r) => r.Metric === 'Total employer plan cost').map((r) => r.Year)).toEqual([2025, 2026, 'All years']);
    for (const run of runs) {
      for (const s of sql[run.name] ?? []) {
        const json = run.years.find((y) => y.year === s.year) as Record<string, number>;
        expect(find('Active headcount', s.year)[run.name]).toBe(s.active);
        expect(find('Active headcount', s.year)[run.name]).toBe(json.active_headcount);
        expect(find('Total compensation', s.year)[run.name]).toBeCloseTo(s.comp as number, 2);
        expect(find('Participation rate', s.year)[run.name]).toBeCloseTo(s.participation as number, 12);
        expect(find('Average deferral rate', s.year)[run.name]).toBeCloseTo(s.deferral as number, 12);
        expect(find('Employee contributions', s.year)[run.name]).toBeCloseTo(s.contributions as number, 2);
        expect(find('Employer match', s.year)[run.name]).toBeCloseTo(s.match as number, 2);
        expect(find('Employer core', s.year)[run.name]).toBeCloseTo(s.core as number, 2);
        expect(find('Total employer plan cost', s.year)[run.name]).toBeCloseTo(cost(run.name, s.year), 2);
        expect(find('Employer cost, % of payroll', s.year)[run.name]).toBeCloseTo(cost(run.name, s.year) / (s.comp as number), 12);
      }
    }
    // The difference column is the scenario's cell minus the baseline's, with its unit's signed format.
    const cost2026 = find('Total employer plan cost', 2026);
    expect(cost2026['growth_6 − growth_3']).toBeCloseTo(cost2026.growth_6 - cost2026.growth_3, 2);
    expect(cost2026['growth_6 vs growth_3 %']).toBeCloseTo((cost2026.growth_6 - cost2026.growth_3) / cost2026.growth_3, 12);
    const costRow = sheet.getRow(rows.indexOf(cost2026) + 2);
    expect(costRow.getCell(headers.indexOf('growth_6') + 1).numFmt).toBe('"$"#,##0');
    expect(costRow.getCell(headers.indexOf('growth_6 − growth_3') + 1).numFmt).toBe('+"$"#,##0;-"$"#,##0;"$"0');
    expect(costRow.getCell(headers.indexOf('growth_6 vs growth_3 %') + 1).numFmt).toBe('+0.0%;-0.0%;0.0%');
    const head2026 = find('Active headcount', 2026);
    expect(head2026['growth_0 − growth_3']).toBe(head2026.growth_0 - head2026.growth_3);
    expect(find('Present value of employer cost', 'All years').growth_0).toBeCloseTo(pv('growth_0'), 2);
    expect(sheet.getRow(rows.indexOf(find('Participation rate', 2025)) + 2).getCell(3).numFmt).toBe('0.00%');

    // Charts: PNG images of headcount, employer cost, participation and cost ÷ payroll by year.
    const charts = workbook.getWorksheet('Charts') as ExcelJS.Worksheet;
    const images = charts.getImages();
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of images) {
      const media = workbook.getImage(Number(image.imageId));
      expect(media.extension).toBe('png');
      expect((media.buffer as unknown as Buffer).subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    const notes = sheetRows(workbook.getWorksheet('Notes') as ExcelJS.Worksheet);
    expect(notes.slice(0, 2).map((r) => Object.values(r))).toEqual([
      ['Differences', 'each scenario − growth_3, rates in percentage points (pt); relative (vs %): ÷ |growth_3|'],
      ['Discount rate', 0.05],
    ]);
    // A rate's difference in points, as the console's "pt", beside the relative "vs %".
    const rate2026 = find('Participation rate', 2026);
    expect(rate2026['growth_6 − growth_3']).toBeCloseTo((rate2026.growth_6 - rate2026.growth_3) * 100, 10);
    expect(sheet.getRow(rows.indexOf(rate2026) + 2).getCell(headers.indexOf('growth_6 − growth_3') + 1).numFmt).toBe('+0.00" pt";-0.00" pt";0.00" pt"');
    // Dated by the batch's start (the clock once, as the folder name), not by when it was written.
    expect(workbook.created.toISOString()).toBe((summary as { startedAt: string }).startedAt.replace(/\.\d{3}Z$/, '.000Z'));

    const scenarioSheet = sheetRows(workbook.getWorksheet('Scenarios') as ExcelJS.Worksheet);
    expect(scenarioSheet.map((r) => [r.Scenario, r.Status, r.Attempts, r.Reused, r.Job, r.Database])).toEqual(
      runs.map((r) => [r.name, 'completed', 1, 'no', r.job, r.database]),
    );

    // The same batch again into the same output folder: every job is found done, nothing runs.
    const again = await captureOutput(() =>
      batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: '2', baseline: 'growth_3', discountRate: '5%' }),
    );
    expect(again.value, again.stderr).toBe(ExitCode.Success);
    expect(again.stderr).not.toContain('started');
    for (const name of ['growth_0', 'growth_3', 'growth_6']) expect(again.stderr).toMatch(new RegExp(`\\[\\d/3\\] reused    ${name} \\(done before\\)`));
    expect(again.stdout).toMatch(/^growth_0\s+completed\s+reused\s/m);
    const second = readSummary(readdirSync(f.outputDir).filter((d) => d.startsWith('batch_') && join(f.outputDir, d) !== batchDir).map((d) => join(f.outputDir, d))[0] as string);
    expect(second.scenarios.map((r) => [r.name, r.reused, r.attempts, r.job, r.years])).toEqual(runs.map((r) => [r.name, true, 0, r.job, r.years]));
    expect(second.comparison).toEqual(summary.comparison);
  });
});

describe('planalign batch: failures', () => {
  const tempDir = useTempDir();

  it('runs the other scenarios when one fails, exits 1 and says which failed and why', async () => {
    const f = await batchFixture(tempDir(), {
      'a_ok.yaml': {},
      'b_no_census.yaml': { setup: { census_parquet_path: '/no/such/census.parquet' } },
      'c_ok.yaml': { simulation: { target_growth_rate: 0.05 } },
    });
    const { value: code, stdout, stderr } = await captureOutput(() =>
      batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: '3', baseline: 'b_no_census' }),
    );
    expect(code).toBe(ExitCode.RunFailure);
    expect(stderr).toContain('Warning: comparison: the baseline b_no_census has no figures; differences are against a_ok');
    expect(stdout).toMatch(/^b_no_census\s+failed\s+0\s+-\s+2025-2026\s+-\s+-\s+-/m);
    expect(stderr).toMatch(/\[\d\/3\] FAILED {4}b_no_census: its inputs cannot be prepared: Census file \/no\/such\/census\.parquet not found/);
    expect(stdout).toContain('2 completed, 1 failed');

    const batchDir = onlyBatchDir(f.outputDir);
    const summary = readSummary(batchDir);
    expect(summary.exitCode).toBe(1);
    expect(summary.completed).toEqual(['a_ok', 'c_ok']);
    expect(summary.failed).toEqual(['b_no_census']);
    const failed = summary.scenarios.find((s) => s.name === 'b_no_census');
    expect(failed).toMatchObject({ status: 'failed', job: null, database: null, attempts: 0, years: [] });
    expect(failed?.error).toBe('its inputs cannot be prepared: Census file /no/such/census.parquet not found');

    // The comparison holds the completed scenarios (a_ok the baseline in b_no_census's stead); the Scenarios sheet all three.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(batchDir, 'comparison.xlsx'));
    expect((workbook.getWorksheet('Comparison')?.getRow(1).values as unknown[]).slice(1)).toEqual(['Metric', 'Year', 'a_ok', 'c_ok', 'c_ok − a_ok', 'c_ok vs a_ok %']);
    const scenarios = sheetRows(workbook.getWorksheet('Scenarios') as ExcelJS.Worksheet);
    expect(scenarios.map((r) => [r.Scenario, r.Status])).toEqual([['a_ok', 'completed'], ['b_no_census', 'failed'], ['c_ok', 'completed']]);
    expect(String(scenarios[1]?.Error)).toMatch(/census\.parquet/);
  });

  it('rejects invalid scenario configs with exit 2 before running or writing anything', async () => {
    const f = await batchFixture(tempDir(), {
      'good.yaml': {},
      'backwards.yaml': { simulation: { end_year: 2020 } },
      'typo.yaml': { workforce: { total_termination_rat: 0.1 } },
    });
    const { stderr } = await captureOutput(() =>
      runCommand(() => batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: '2' })),
    );
    const exitCode = process.exitCode;
    process.exitCode = 0;
    expect(exitCode).toBe(ExitCode.UsageError);
    expect(stderr).toMatch(/2 of 3 scenario config\(s\) invalid \(backwards, typo\); no scenario was run/);
    expect(stderr).toMatch(/backwards: simulation\.end_year: must be >= start_year/);
    expect(stderr).toMatch(/typo: workforce\.total_termination_rat: unknown key/);
    expect(stderr).not.toMatch(/started/);
    expect(existsSync(f.outputDir)).toBe(false);
    expect(databasesBelow(f.dir)).toEqual([]);
  });

  it('exits 2 on an unknown scenario name, listing the available ones, and on bad options', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {}, 'b.yml': {} });
    const exitOf = async (options: Parameters<typeof batchCommand>[0]) => {
      const { stderr } = await captureOutput(() => runCommand(() => batchCommand(options)));
      const code = process.exitCode;
      process.exitCode = 0;
      return { code, stderr };
    };
    const base = { scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir };
    expect(await exitOf({ ...base, scenarios: 'a,zzz' })).toEqual({ code: 2, stderr: 'Error: Unknown scenario "zzz"; available: a, b\n' });
    expect(await exitOf({ ...base, baseline: 'zzz' })).toEqual({ code: 2, stderr: 'Error: Unknown baseline "zzz"; the scenarios are: a, b\n' });
    expect((await exitOf({ ...base, scenarios: 'b', baseline: 'a' })).stderr).toBe('Error: Unknown baseline "a"; the scenarios are: b\n');
    expect((await exitOf({ ...base, discountRate: '7' })).stderr).toMatch(/--discount-rate must be below 100 %/);
    expect((await exitOf({ ...base, parallel: '0' })).stderr).toMatch(/--parallel must be at least 1/);
    expect((await exitOf({ ...base, threads: 'two' })).stderr).toMatch(/--threads must be a whole number/);
    expect(await exitOf({ ...base, memoryLimit: 'lots' })).toEqual({
      code: 2,
      stderr: 'Error: --memory-limit must be a size such as 512MB, 3GB or 2.5GiB, not "lots"\n',
    });
    expect((await exitOf({ ...base, scenariosDir: join(f.dir, 'nowhere') })).stderr).toMatch(/Scenarios folder not found/);
    expect((await exitOf({ ...base, parallel: '0' })).code).toBe(2);
    await expect(runBatch({ ...base, parallel: 1.5 })).rejects.toThrow(/--parallel must be a whole number of at least 1/);
    await expect(runBatch({ ...base, seed: 0.5 })).rejects.toThrow(/--seed must be a whole number/);
    await expect(runBatch({ ...base, attempts: 0 })).rejects.toThrow(/--attempts must be a whole number of at least 1, got 0/);
    expect(existsSync(f.outputDir)).toBe(false);
  });
});

describe('planalign batch: name filter, .yaml over .yml, census, seed and threads', () => {
  const tempDir = useTempDir();

  it('runs only the named scenarios, each from its .yaml file, with the given census and seed', async () => {
    const f = await batchFixture(tempDir(), {
      'a.yaml': { simulation: { target_growth_rate: 0.02 } },
      'a.yml': { simulation: { end_year: 1990 } }, // invalid: would fail the batch if it were read
      'b.yml': { simulation: { end_year: 2025 } },
      'c.yaml': { simulation: { end_year: 1990 } }, // invalid, but not selected
    });
    const events: string[] = [];
    const result = await runBatch({
      scenariosDir: f.scenariosDir,
      config: f.baseConfig,
      outputDir: f.outputDir,
      scenarios: ['b', 'a'],
      parallel: 2,
      census: f.census,
      seed: 7,
      threads: 2,
      memoryLimit: '700MB',
      env: {},
      onEvent: (e) => events.push(e.type === 'finish' ? `finish ${e.result.name}` : e.type === 'start' ? `start ${e.scenario}` : e.type),
    });
    expect(result.exitCode).toBe(0);
    expect(result.scenarios.map((s) => [s.name, s.status, s.seed, s.endYear])).toEqual([
      ['a', 'completed', 7, 2026],
      ['b', 'completed', 7, 2025],
    ]);
    expect(events[0]).toBe('prepared');
    expect(events.filter((e) => e.startsWith('start')).sort()).toEqual(['start a', 'start b']);
    expect(existsSync(join(result.batchDir, 'c'))).toBe(false);
    const [a, b] = result.scenarios as [ScenarioResult, ScenarioResult];
    expect(databasesBelow(f.outputDir).sort()).toEqual([a.database, b.database].sort());
    // The job ran the inputs folder's copy of the given census.
    const runs = await query<{ seed: string; census_path: string }>(a.database as string, 'SELECT seed::VARCHAR AS seed, census_path FROM planalign_runs');
    expect(runs).toEqual([{ seed: '7', census_path: join(f.outputDir, 'inputs', a.inputs as string, 'census.parquet') }]);
    expect(readFileSync(runs[0]?.census_path as string)).toEqual(readFileSync(f.census));
    // b ends in 2025: its 2026 is shown empty and named, and the all-years figures cover 2025.
    expect(result.comparison?.years).toEqual({ shown: [2025, 2026], in_all: [2025], missing: { a: [], b: [2026] } });
    expect(result.comparison?.notes).toEqual([`b (${b.database}) has no year 2026: left out of the all-years figures and the present value`]);
    // --threads and --memory-limit given: every child gets them as they are.
    expect([result.threads, result.memoryLimit]).toEqual([2, '700MB']);
    for (const run of [a, b]) {
      expect(runSettings(run.log as string), run.name).toEqual({ threads: 2, memory_limit: await memoryLimitShown('700MB') });
    }
  });
});

describe('planalign batch: census intake flags', () => {
  const tempDir = useTempDir();

  it('passes them to every run: a census whose dates only day-first settles is refused without, read day-first with', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': { simulation: { end_year: 2025 } } });
    // Every date reads both ways (both parts ≤ 12): refused unless the order is given.
    const rows = Array.from({ length: 40 }, (_, i) => `E${i + 1},${(i % 12) + 1}/${(i % 11) + 2}/1980,3/4/2015,${60000 + i * 1000},0.05`);
    const census = join(f.dir, 'ambiguous.csv');
    writeFileSync(census, ['employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate', ...rows].join('\n'));
    const base = { scenariosDir: f.scenariosDir, config: f.baseConfig, census, env: {} };

    const refused = await runBatch({ ...base, outputDir: join(f.dir, 'out1') });
    // Refused by the job (not retried: another run would refuse it too).
    expect(refused.scenarios.map((s) => [s.status, s.attempts])).toEqual([['failed', 1]]);
    expect(refused.scenarios[0]?.error).toMatch(/ambiguous[\s\S]*--date-order/);

    const read = await runBatch({ ...base, outputDir: join(f.dir, 'out2'), censusIntake: { dateOrder: 'day-first' } });
    expect(read.exitCode).toBe(0);
    const staged = await query<{ birth: string; hire: string }>(
      read.scenarios[0]?.database as string,
      `SELECT employee_birth_date::VARCHAR AS birth, employee_hire_date::VARCHAR AS hire FROM stg_census_data WHERE employee_id = 'E1'`,
    );
    expect(staged).toEqual([{ birth: '1980-02-01', hire: '2015-04-03' }]);
  });
});

describe('planalign batch: interruption', () => {
  const tempDir = useTempDir();

  it('starts no more scenarios once aborted, interrupts the running one and exits 130', async () => {
    const f = await batchFixture(tempDir(), {
      'a.yaml': {},
      'b.yaml': { simulation: { target_growth_rate: 0.01 } },
      'c.yaml': { simulation: { target_growth_rate: 0.02 } },
    });
    const controller = new AbortController();
    const result = await runBatch({
      scenariosDir: f.scenariosDir,
      config: f.baseConfig,
      outputDir: f.outputDir,
      env: {},
      signal: controller.signal,
      onEvent: (e) => {
        // Once the first run has started simulating (its SIGINT handler is in place), interrupt the batch.
        if (e.type === 'start') void waitFor(f.outputDir, 'job.log', /"run started"/).then(() => controller.abort());
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(ExitCode.Interrupted);
    const [a, b, c] = result.scenarios;
    expect(a).toMatchObject({ status: 'failed', attempts: 1 });
    expect(a?.error).toBe('interrupted: Interrupted; the year in progress was rolled back');
    for (const s of [b, c]) expect(s).toMatchObject({ status: 'failed', attempts: 0, startedAt: null, error: 'not started: the batch was interrupted' });
    const summary = readSummary(result.batchDir);
    expect(summary).toMatchObject({ exitCode: 130, failed: ['a', 'b', 'c'] });
    expect(readdirSync(result.batchDir)).toContain('comparison.xlsx');
  });
});
