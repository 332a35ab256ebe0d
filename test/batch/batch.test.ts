import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPARISON_HEADERS, runBatch } from '../../src/batch/index.js';
import { batchCommand } from '../../src/cli/commands/batch.js';
import { runCommand } from '../../src/cli/run-command.js';
import { loadConfig } from '../../src/config/index.js';
import { ExitCode } from '../../src/errors.js';
import { defaultMemoryLimit } from '../../src/db/database.js';
import { CLI } from '../support/cli.js';
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

/** The batch runs the compiled CLI (`npm run build`; `npm test` builds first). */
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
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
  warnings: string[];
  scenarios: Array<{
    name: string;
    status: string;
    exitCode: number | null;
    pid: number;
    startedAt: string;
    finishedAt: string;
    seconds: number;
    seed: number;
    configHash: string;
    config: string;
    database: string;
    stdoutPath: string;
    stderrPath: string;
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

  it('runs each in its own process and database, and writes a summary and a workbook that match the databases', async () => {
    const f = await batchFixture(tempDir(), {
      'growth_0.yaml': { simulation: { target_growth_rate: 0 } },
      'growth_3.yaml': { simulation: { target_growth_rate: 0.03 } },
      'growth_6.yml': { simulation: { target_growth_rate: 0.06 } },
    });
    const { value: code, stdout, stderr } = await captureOutput(() =>
      batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: '2' }),
    );
    expect(code, stderr).toBe(ExitCode.Success);
    const batchDir = onlyBatchDir(f.outputDir);
    expect(batchDir).toMatch(/batch_\d{8}_\d{6}$/);

    // Console: a line per start and finish, then the table.
    for (const name of ['growth_0', 'growth_3', 'growth_6']) {
      expect(stderr).toMatch(new RegExp(`\\[\\d/3\\] started   ${name} \\(pid \\d+\\)`));
      expect(stderr).toMatch(new RegExp(`\\[\\d/3\\] completed ${name} in \\d+\\.\\ds`));
      expect(stdout).toMatch(new RegExp(`^${name}\\s+completed\\s+0\\s`, 'm'));
    }
    expect(stdout).toContain('3 completed, 0 failed');
    expect(stdout).toContain('comparison.xlsx');

    // One database per scenario, and the merged config of each.
    expect(databasesBelow(batchDir).sort()).toEqual(['growth_0', 'growth_3', 'growth_6'].map((n) => join(batchDir, `${n}.duckdb`)));
    const summary = readSummary(batchDir);
    expect(summary.parallel).toBe(2);
    // Two runs at once share the cores and the memory: each child applied its share.
    const threads = Math.max(1, Math.floor(availableParallelism() / 2));
    const memory = defaultMemoryLimit(2);
    expect([summary.threads, summary.memoryLimit]).toEqual([threads, memory]);
    expect(stderr).toContain(`each with ${threads} DuckDB thread(s) and ${memory} of memory`);
    for (const name of ['growth_0', 'growth_3', 'growth_6']) {
      expect(runSettings(join(batchDir, `${name}.duckdb`)), name).toEqual({ threads, memory_limit: await memoryLimitShown(memory) });
    }
    expect(summary.exitCode).toBe(0);
    expect(summary.completed).toEqual(['growth_0', 'growth_3', 'growth_6']);
    expect(summary.failed).toEqual([]);
    expect(summary.warnings).toEqual([]);

    // Separate processes, two of which ran at the same time.
    const runs = summary.scenarios;
    expect(new Set(runs.map((r) => r.pid)).size).toBe(3);
    expect(runs.every((r) => Number.isInteger(r.pid) && r.pid !== process.pid)).toBe(true);
    const span = runs.map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const);
    const overlapping = span.some(([s1, e1], i) => span.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
    expect(overlapping).toBe(true);
    expect(Date.parse(summary.startedAt)).toBeLessThanOrEqual(Math.min(...span.map(([s]) => s)));
    expect(Date.parse(summary.finishedAt)).toBeGreaterThanOrEqual(Math.max(...span.map(([, e]) => e)));

    for (const run of runs) {
      expect(run).toMatchObject({ status: 'completed', exitCode: 0, error: null, seed: 42, database: join(batchDir, `${run.name}.duckdb`) });
      expect(run.seconds).toBeGreaterThan(0);
      expect(run.years.map((y) => y.year)).toEqual([2025, 2026]);
      // The config written for the run reloads, by hand and without the environment, to what it ran.
      expect(run.config).toBe(join(batchDir, run.name, 'simulation_config.yaml'));
      expect(loadConfig({ path: run.config, env: {} }).hash).toBe(run.configHash);
      const lastLine = readFileSync(run.stdoutPath, 'utf8').trim().split('\n').pop() as string;
      expect(JSON.parse(lastLine).configHash).toBe(run.configHash);
      expect(existsSync(run.stderrPath)).toBe(true);
    }
    const growth3 = loadConfig({ path: join(batchDir, 'growth_3', 'simulation_config.yaml'), env: {} }).config;
    expect(growth3.simulation).toMatchObject({ start_year: 2025, end_year: 2026, target_growth_rate: 0.03, random_seed: 42 });
    expect(growth3.setup.census_parquet_path).toBe(f.census);

    // More growth, more people.
    const finalActive = runs.map((r) => r.years[1]?.activeHeadcount ?? 0);
    expect(finalActive[0]).toBeLessThan(finalActive[1] as number);
    expect(finalActive[1]).toBeLessThan(finalActive[2] as number);

    // The workbook, read back, against SQL on each database and the runs' own summaries.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(batchDir, 'comparison.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Comparison', 'Final year', 'Scenarios']);
    const comparison = workbook.getWorksheet('Comparison') as ExcelJS.Worksheet;
    expect((comparison.getRow(1).values as unknown[]).slice(1)).toEqual(COMPARISON_HEADERS);
    expect(comparison.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(comparison.getCell('A1').font?.bold).toBe(true);
    expect(comparison.getColumn(1).width).toBeGreaterThanOrEqual(8);
    expect(comparison.getColumn(COMPARISON_HEADERS.indexOf('Growth %') + 1).numFmt).toBe('0.00%');

    const rows = sheetRows(comparison);
    expect(rows.map((r) => `${r.Scenario} ${r.Year}`)).toEqual([
      'growth_0 2025', 'growth_0 2026', 'growth_3 2025', 'growth_3 2026', 'growth_6 2025', 'growth_6 2026',
    ]);
    for (const run of runs) {
      const sql = await figuresBySql(run.database);
      expect(sql.map((s) => s.year)).toEqual([2025, 2026]);
      for (const s of sql) {
        const cell = rows.find((r) => r.Scenario === run.name && r.Year === s.year) as Record<string, number>;
        const json = run.years.find((y) => y.year === s.year) as Record<string, number>;
        expect(cell['Active headcount']).toBe(s.active);
        expect(cell.Hires).toBe(s.hires);
        expect(cell.Terminations).toBe(s.terminations);
        expect(cell['Starting headcount']).toBe(s.employed - s.hires);
        expect(cell['Total compensation']).toBeCloseTo(s.comp as number, 2);
        expect(cell['Participation rate']).toBeCloseTo(s.participation as number, 12);
        expect(cell['Avg deferral rate']).toBeCloseTo(s.deferral as number, 12);
        expect(cell['Employee contributions']).toBeCloseTo(s.contributions as number, 2);
        expect(cell['Employer match']).toBeCloseTo(s.match as number, 2);
        expect(cell['Employer core']).toBeCloseTo(s.core as number, 2);
        expect(cell['Employer cost']).toBeCloseTo((s.match as number) + (s.core as number), 2);
        // ...and the runs' own JSON summaries agree with the databases.
        expect(cell['Active headcount']).toBe(json.activeHeadcount);
        expect(cell['Starting headcount']).toBe(json.startingActives);
        expect(cell.Terminations).toBe((json.experiencedTerminations as number) + (json.newHireTerminations as number));
        expect((cell['Growth %'] as number) * 100).toBeCloseTo(json.growthPct as number, 9);
        expect(cell['Employer cost']).toBeCloseTo(json.employerCost as number, 2);
      }
    }

    const finals = sheetRows(workbook.getWorksheet('Final year') as ExcelJS.Worksheet);
    expect(finals.map((r) => [r.Scenario, r.Year])).toEqual([['growth_0', 2026], ['growth_3', 2026], ['growth_6', 2026]]);
    for (const final of finals) {
      const last = rows.find((r) => r.Scenario === final.Scenario && r.Year === 2026) as Record<string, number>;
      const first = rows.find((r) => r.Scenario === final.Scenario && r.Year === 2025) as Record<string, number>;
      expect(final['Active headcount']).toBe(last['Active headcount']);
      expect(final['Employer cost, all years']).toBeCloseTo((first['Employer cost'] as number) + (last['Employer cost'] as number), 2);
    }
    const scenarioSheet = sheetRows(workbook.getWorksheet('Scenarios') as ExcelJS.Worksheet);
    expect(scenarioSheet.map((r) => [r.Scenario, r.Status, r['Exit code'], r.Database])).toEqual(
      runs.map((r) => [r.name, 'completed', 0, r.database]),
    );
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
      batchCommand({ scenariosDir: f.scenariosDir, config: f.baseConfig, outputDir: f.outputDir, parallel: '3' }),
    );
    expect(code).toBe(ExitCode.RunFailure);
    expect(stderr).toMatch(/\[\d\/3\] FAILED {4}b_no_census in [\d.]+s: exit code 2: Error: .*\/no\/such\/census\.parquet/);
    expect(stdout).toMatch(/^b_no_census\s+failed\s+2\s/m);
    expect(stdout).toContain('2 completed, 1 failed');

    const batchDir = onlyBatchDir(f.outputDir);
    const summary = readSummary(batchDir);
    expect(summary.exitCode).toBe(1);
    expect(summary.completed).toEqual(['a_ok', 'c_ok']);
    expect(summary.failed).toEqual(['b_no_census']);
    const failed = summary.scenarios.find((s) => s.name === 'b_no_census');
    expect(failed).toMatchObject({ status: 'failed', exitCode: 2, years: [] });
    expect(failed?.error).toMatch(/^exit code 2: Error: .*\/no\/such\/census\.parquet/);
    expect(failed?.pid).toBeGreaterThan(0);
    expect(readFileSync(failed?.stderrPath as string, 'utf8')).toContain('/no/such/census.parquet');

    // The comparison holds the completed scenarios; the Scenarios sheet all three.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(batchDir, 'comparison.xlsx'));
    expect(sheetRows(workbook.getWorksheet('Comparison') as ExcelJS.Worksheet).map((r) => r.Scenario)).toEqual(['a_ok', 'a_ok', 'c_ok', 'c_ok']);
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
    await expect(runBatch({ ...base, cli: join(f.dir, 'missing.js') })).rejects.toMatchObject({ exitCode: ExitCode.RunFailure, message: expect.stringMatching(/compiled CLI .* is missing/) });
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
    expect(databasesBelow(result.batchDir).sort()).toEqual([join(result.batchDir, 'a.duckdb'), join(result.batchDir, 'b.duckdb')]);
    const runs = await query<{ seed: string; census_path: string }>(join(result.batchDir, 'a.duckdb'), 'SELECT seed::VARCHAR AS seed, census_path FROM planalign_runs');
    expect(runs).toEqual([{ seed: '7', census_path: f.census }]);
    expect(result.comparison.map((r) => `${r.scenario} ${r.year}`)).toEqual(['a 2025', 'a 2026', 'b 2025']);
    // --threads and --memory-limit given: every child gets them as they are.
    expect([result.threads, result.memoryLimit]).toEqual([2, '700MB']);
    for (const name of ['a', 'b']) {
      expect(runSettings(join(result.batchDir, `${name}.duckdb`)), name).toEqual({ threads: 2, memory_limit: await memoryLimitShown('700MB') });
    }
  });
});

describe('planalign batch: interruption', () => {
  const tempDir = useTempDir();

  it('starts no more scenarios once aborted, interrupts the running one and exits 130', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {}, 'b.yaml': {}, 'c.yaml': {} });
    const controller = new AbortController();
    const result = await runBatch({
      scenariosDir: f.scenariosDir,
      config: f.baseConfig,
      outputDir: f.outputDir,
      env: {},
      signal: controller.signal,
      onEvent: (e) => {
        // Once the first run has started simulating (its SIGINT handler is in place), interrupt the batch.
        if (e.type === 'start') void waitFor(f.outputDir, 'stdout.json', /"run_started"/).then(() => controller.abort());
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(ExitCode.Interrupted);
    const [a, b, c] = result.scenarios;
    expect(a?.status).toBe('failed');
    expect(a?.pid).toBeGreaterThan(0);
    expect(a?.exitCode).toBe(ExitCode.Interrupted);
    expect(a?.error).toMatch(/^exit code 130: Error: Interrupted; the year in progress was rolled back/);
    for (const s of [b, c]) expect(s).toMatchObject({ status: 'failed', pid: null, exitCode: null, error: 'not started: the batch was interrupted' });
    const summary = readSummary(result.batchDir);
    expect(summary).toMatchObject({ exitCode: 130, failed: ['a', 'b', 'c'] });
    expect(readdirSync(result.batchDir)).toContain('comparison.xlsx');
  });
});
