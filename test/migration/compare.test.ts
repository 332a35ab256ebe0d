import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand, parseTolerance } from '../../src/cli/commands/compare.js';
import { Database } from '../../src/db/database.js';
import { ensureSchema } from '../../src/db/metadata.js';
import { CensusError, ConfigError, DatabaseInUseError, DatabaseStateError, ExitCode, UsageError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import {
  compareDatabases,
  comparisonJson,
  formatComparison,
  validateMigration,
  type ComparisonReport,
  type MetricKey,
} from '../../src/migration/compare.js';
import { captureOutput } from '../reporting/helpers.js';
import { holdDatabase, runCli } from '../support/cli.js';
import { defaultConfigObject, makeCensus, query, simulate, writeConfigFile } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const SOLVER: MetricKey[] = ['activeHeadcount', 'hires', 'experiencedTerminations', 'newHireTerminations'];

/** Every metric verdict of the report, as "year metric verdict". */
const verdicts = (report: ComparisonReport): string[] =>
  report.comparisons.flatMap((c) => c.metrics.map((m) => `${c.year} ${m.metric} ${m.verdict}`));


async function simulateFromFile(configPath: string, database: string, years: [number, number]): Promise<void> {
  const orchestrator = await new OrchestratorBuilder()
    .withConfig(configPath)
    .withEnvironment({})
    .withDatabase(database)
    .withYears(years[0], years[1])
    .build();
  try {
    await orchestrator.executeMultiYearSimulation();
  } finally {
    orchestrator.close();
  }
}

/**
 * A database shaped like the Python engine's: our two output tables without any planalign_* table,
 * effective_date a TIMESTAMP, and no scenario_id / plan_design_id in the snapshot.
 */
async function pythonStyleCopy(source: string, target: string, drop: { snapshot?: string[]; events?: string[] } = {}): Promise<string> {
  const db = await Database.open(target);
  try {
    await db.run(`ATTACH '${source}' AS src (READ_ONLY)`);
    const eventsExclude = drop.events?.length ? `EXCLUDE (${drop.events.join(', ')})` : '';
    await db.run(
      `CREATE TABLE fct_yearly_events AS
       SELECT * ${eventsExclude} REPLACE (effective_date::TIMESTAMP AS effective_date) FROM src.fct_yearly_events`,
    );
    await db.run(
      `CREATE TABLE fct_workforce_snapshot AS
       SELECT * EXCLUDE (scenario_id, plan_design_id${(drop.snapshot ?? []).map((c) => `, ${c}`).join('')}) FROM src.fct_workforce_snapshot`,
    );
    await db.run('DETACH src');
  } finally {
    db.close();
  }
  return target;
}

describe('migration suite: side-by-side result validation', () => {
  const tempDir = useTempDir();

  it('two identical runs: every figure identical, no employee differs, exit 0', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const a = await simulate({ dir, census, name: 'a', years: [2025, 2027] });
    const b = await simulate({ dir, census, name: 'b', years: [2025, 2027] });

    const report = await compareDatabases(a.database, b.database, {});
    expect(report.verdict).toBe('identical');
    expect(report.years).toEqual({ compared: [2025, 2026, 2027], onlyInA: [], onlyInB: [] });
    expect(report.a.engine).toBe('planalign');
    expect(report.b.engine).toBe('planalign');
    expect(report.tolerance).toBe(0.01);
    expect(report.skippedMetrics).toEqual([]);
    expect(report.comparisons[0]?.metrics).toHaveLength(15);
    expect(verdicts(report).every((v) => v.endsWith(' identical'))).toBe(true);
    expect(report.employeeDifferences).toEqual({ count: 0, eventsOnlyInA: 0, eventsOnlyInB: 0, limit: 20, employees: [] });
    expect(report.differentMetrics).toBe(0);

    // The figures are the ones the run itself reported.
    const y2027 = report.comparisons.find((c) => c.year === 2027);
    const summary = a.result.workforceProgression.find((y) => y.year === 2027);
    const figure = (key: MetricKey) => y2027?.metrics.find((m) => m.metric === key)?.a;
    expect(figure('activeHeadcount')).toBe(summary?.activeHeadcount);
    expect(figure('hires')).toBe(summary?.hires);
    expect(figure('experiencedTerminations')).toBe(summary?.experiencedTerminations);
    expect(figure('newHireTerminations')).toBe(summary?.newHireTerminations);
    expect(figure('promotions')).toBe(summary?.promotions);
    expect(figure('raises')).toBe(summary?.raises);
    expect(figure('participationRate')).toBeCloseTo(summary?.participationRate ?? NaN, 12);
    expect(figure('averageDeferralRate')).toBeCloseTo(summary?.averageDeferralRate ?? NaN, 12);
    expect(figure('totalCompensation')).toBeCloseTo(summary?.totalCompensation ?? NaN, 2);
    expect(figure('employeeContributions')).toBeCloseTo(summary?.employeeContributions ?? NaN, 2);
    expect(figure('employerMatch')).toBeCloseTo(summary?.employerMatch ?? NaN, 2);
    expect(figure('employerCore')).toBeCloseTo(summary?.employerCore ?? NaN, 2);
    const [counts] = await query<{ enrollments: number; opt_outs: number; escalations: number }>(
      a.database,
      `SELECT count(*) FILTER (WHERE event_type = 'enrollment')::INTEGER AS enrollments,
              count(*) FILTER (WHERE event_type = 'enrollment_change' AND employee_deferral_rate = 0)::INTEGER AS opt_outs,
              count(*) FILTER (WHERE event_type = 'deferral_escalation')::INTEGER AS escalations
       FROM fct_yearly_events WHERE simulation_year = 2027`,
    );
    expect(figure('enrollments')).toBe(counts?.enrollments);
    expect(figure('optOuts')).toBe(counts?.opt_outs);
    expect(figure('escalations')).toBe(counts?.escalations);

    const text = formatComparison(report);
    expect(text).toContain('2025: identical');
    expect(text).toContain('active headcount');
    expect(text).toContain('Events: identical for every employee');
    expect(text).toContain('Result: identical over 3 year(s) 2025-2027');
    expect(JSON.parse(comparisonJson(report))).toEqual(report);

    const out = await captureOutput(() => compareCommand(a.database, b.database, { identical: true }));
    expect(out.result).toBe(ExitCode.Success);
    expect(out.stdout).toContain('Result: identical');
    const json = await captureOutput(() => compareCommand(a.database, b.database, { identical: true, json: true, years: '2026-2027' }));
    expect(json.result).toBe(ExitCode.Success);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'identical', yearRange: [2026, 2027], years: { compared: [2026, 2027] } });

    // A database compared with itself (one file, attached once).
    expect((await compareDatabases(a.database, a.database)).verdict).toBe('identical');
  });

  it('another seed: headcount, hires and terminations identical; other figures may differ; employees listed', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const a = await simulate({ dir, census, name: 'a', years: [2025, 2027] });
    const b = await simulate({ dir, census, name: 'b', years: [2025, 2027], seed: 1234 });

    const report = await compareDatabases(a.database, b.database, { tolerance: 0 });
    for (const c of report.comparisons) {
      for (const m of c.metrics.filter((x) => SOLVER.includes(x.metric))) {
        expect(m.verdict, `${c.year} ${m.metric}`).toBe('identical');
        expect(m.exact).toBe(true);
      }
    }
    // With tolerance 0 every figure that moved is different.
    const moved = report.comparisons.flatMap((c) => c.metrics).filter((m) => m.a !== m.b);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((m) => m.verdict === 'different' && m.absoluteDifference !== 0)).toBe(true);
    expect(report.verdict).toBe('different');
    expect(report.differentMetrics).toBe(moved.length);

    const diff = report.employeeDifferences;
    expect(diff).not.toBeNull();
    expect(diff?.count).toBeGreaterThan(20);
    expect(diff?.employees).toHaveLength(20);
    const ids = diff?.employees.map((e) => e.employeeId) ?? [];
    expect([...ids].sort()).toEqual(ids);
    expect(diff?.employees.every((e) => e.onlyInA.length + e.onlyInB.length > 0 && e.years.length > 0)).toBe(true);
    expect(diff?.eventsOnlyInA).toBeGreaterThan(0);
    expect(diff?.eventsOnlyInB).toBeGreaterThan(0);
    // The count is the number of employees with at least one event not matched on the other side.
    const key = 'employee_id, simulation_year, event_type, effective_date, compensation_amount, employee_deferral_rate';
    const check = await Database.open(a.database, { readOnly: true });
    let expected: { n: number } | undefined;
    try {
      await check.run(`ATTACH '${b.database}' AS other (READ_ONLY)`);
      expected = await check.one<{ n: number }>(
        `SELECT count(DISTINCT employee_id)::INTEGER AS n FROM (
           (SELECT ${key} FROM main.fct_yearly_events EXCEPT ALL SELECT ${key} FROM other.fct_yearly_events)
           UNION ALL
           (SELECT ${key} FROM other.fct_yearly_events EXCEPT ALL SELECT ${key} FROM main.fct_yearly_events))`,
      );
    } finally {
      check.close();
    }
    expect(diff?.count).toBe(expected?.n);

    const limited = await compareDatabases(a.database, b.database, { employeeLimit: 3 });
    expect(limited.employeeDifferences?.employees.map((e) => e.employeeId)).toEqual(ids.slice(0, 3));

    const text = formatComparison(report);
    expect(text).toMatch(/Employees whose events differ: \d+ \(\d+ event\(s\) only in A, \d+ only in B\); the first 20:/);
    expect(text).toContain(`  ${ids[0]} (`);
    expect(text).toMatch(/only in [AB]: 20\d\d /);
    expect(text).toContain('different');

    // Tolerance honoured: at the largest relative move, every measurable figure passes; below it, not.
    const relatives = moved.filter((m) => m.relativeDifference !== null).map((m) => Math.abs(m.relativeDifference as number));
    const largest = Math.max(...relatives);
    const loose = await compareDatabases(a.database, b.database, { tolerance: largest });
    const looseMetrics = loose.comparisons.flatMap((c) => c.metrics);
    for (const m of looseMetrics.filter((x) => x.a !== x.b && x.relativeDifference !== null)) expect(m.verdict).toBe('within tolerance');
    const zeroBased = looseMetrics.filter((m) => m.a !== m.b && m.relativeDifference === null);
    expect(loose.verdict).toBe(zeroBased.length > 0 ? 'different' : 'within tolerance');
    const tight = await compareDatabases(a.database, b.database, { tolerance: largest * 0.999 });
    expect(tight.comparisons.flatMap((c) => c.metrics).some((m) => m.relativeDifference !== null && Math.abs(m.relativeDifference) === largest && m.verdict === 'different')).toBe(true);

    // The command line: the tolerance as a percentage, and the exit code follows the verdict.
    const cli = await captureOutput(() => compareCommand(a.database, b.database, { identical: true, tolerance: `${largest * 100}%`, limit: '2' }));
    expect(cli.result).toBe(zeroBased.length > 0 ? ExitCode.ValidationFailure : ExitCode.Success);
    const strict = await captureOutput(() => compareCommand(a.database, b.database, { identical: true, tolerance: '0' }));
    expect(strict.result).toBe(ExitCode.ValidationFailure);
  });

  it('another growth rate: headcount is different whatever the tolerance, exit 3', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = defaultConfigObject();
    config.simulation.target_growth_rate = 0.08;
    const a = await simulate({ dir, census, name: 'a', years: [2025, 2026] });
    const b = await simulate({ dir, census, name: 'b', years: [2025, 2026], config });

    const report = await compareDatabases(a.database, b.database, { tolerance: 0.5 });
    const headcount = report.comparisons.map((c) => c.metrics.find((m) => m.metric === 'activeHeadcount'));
    for (const m of headcount) {
      expect(m?.verdict).toBe('different');
      expect(m?.b).toBeGreaterThan(m?.a ?? Infinity);
      // Well inside a 50 % tolerance, and still different: it is a solver output.
      expect(Math.abs(m?.relativeDifference ?? 1)).toBeLessThan(0.5);
      expect(m?.absoluteDifference).toBe((m?.b ?? 0) - (m?.a ?? 0));
    }
    expect(report.verdict).toBe('different');

    const out = await captureOutput(() => compareCommand(a.database, b.database, { identical: true, tolerance: '0.5' }));
    expect(out.result).toBe(ExitCode.ValidationFailure);
    expect(out.stdout).toMatch(/active headcount .* different/);
    expect(out.stdout).toMatch(/Result: different over 2 year\(s\) 2025-2026; \d+ figure\(s\) different/);
  });

  it('a Python-engine database compares with ours on the columns both have, without an employee listing', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const ours = await simulate({ dir, census, name: 'ours', years: [2025, 2026] });
    const python = await pythonStyleCopy(ours.database, join(dir, 'python.duckdb'));
    const [types] = await query<{ t: string }>(
      python,
      `SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'fct_yearly_events' AND column_name = 'effective_date'`,
    );
    expect(types?.t).toBe('TIMESTAMP');

    for (const [a, b] of [
      [ours.database, python],
      [python, ours.database],
    ] as const) {
      const report = await compareDatabases(a, b);
      expect(report.verdict).toBe('identical');
      expect(report.skippedMetrics).toEqual([]);
      expect(report.employeeDifferences).toBeNull();
      expect(report.notes.join('\n')).toContain('needs two PlanAlign databases');
      expect([report.a.engine, report.b.engine].sort()).toEqual(['planalign', 'python']);
      const text = formatComparison(report);
      expect(text).toContain('(Python engine)');
      expect(text).not.toContain('Employees whose events differ');
    }

    // Columns one side lacks are left out: contributions fall back to ytd_contributions, opt-outs to
    // the rate, and a figure with no column at all is reported as not compared.
    const sparse = await pythonStyleCopy(ours.database, join(dir, 'sparse.duckdb'), {
      snapshot: ['employer_core_amount', 'prorated_annual_contributions'],
      events: ['event_category'],
    });
    const report = await compareDatabases(ours.database, sparse);
    expect(report.verdict).toBe('identical');
    expect(report.skippedMetrics).toEqual([
      { metric: 'employerCore', reason: 'column employer_core_amount missing in fct_workforce_snapshot of one database' },
    ]);
    const metrics = report.comparisons[0]?.metrics.map((m) => m.metric);
    expect(metrics).toContain('employeeContributions');
    expect(metrics).toContain('optOuts');
    expect(formatComparison(report)).toContain('Not compared: employerCore');

    const bare = await pythonStyleCopy(ours.database, join(dir, 'bare.duckdb'), {
      snapshot: ['prorated_annual_contributions', 'ytd_contributions'],
      events: ['event_category', 'employee_deferral_rate'],
    });
    const bareReport = await compareDatabases(bare, ours.database);
    expect(bareReport.skippedMetrics.map((s) => s.metric)).toEqual(['optOuts', 'employeeContributions']);
    expect(bareReport.verdict).toBe('identical');
  });

  it('reports years present in one database only, and --years narrows the comparison', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const three = await simulate({ dir, census, name: 'three', years: [2025, 2027] });
    const two = await simulate({ dir, census, name: 'two', years: [2025, 2026] });

    const report = await compareDatabases(three.database, two.database);
    expect(report.years).toEqual({ compared: [2025, 2026], onlyInA: [2027], onlyInB: [] });
    expect(report.comparisons.every((c) => c.verdict === 'identical')).toBe(true);
    expect(report.verdict).toBe('different');
    expect(report.notes).toContain(`Years only in A (${three.database}): 2027`);
    const reversed = await compareDatabases(two.database, three.database);
    expect(reversed.years.onlyInB).toEqual([2027]);
    expect(formatComparison(reversed)).toContain(`Note: Years only in B (${three.database}): 2027`);

    const narrowed = await compareDatabases(three.database, two.database, { years: [2025, 2026] });
    expect(narrowed.verdict).toBe('identical');
    expect(narrowed.yearRange).toEqual([2025, 2026]);
    expect(formatComparison(narrowed)).toContain('years 2025-2026');

    const onlyOne = await compareDatabases(three.database, two.database, { years: [2027, 2030] });
    expect(onlyOne.years).toEqual({ compared: [], onlyInA: [2027], onlyInB: [] });
    expect(onlyOne.employeeDifferences?.count).toBe(0);
    expect(formatComparison(onlyOne)).toContain('Result: different (no year in both databases)');

    await expect(compareDatabases(three.database, two.database, { years: [2040, 2041] })).rejects.toThrow(
      /Neither .* holds a simulated year in 2040-2041/,
    );
    const cli = await captureOutput(() => compareCommand(three.database, two.database, { identical: true }));
    expect(cli.result).toBe(ExitCode.ValidationFailure);
    const cliNarrowed = await captureOutput(() => compareCommand(three.database, two.database, { identical: true, years: '2025-2026' }));
    expect(cliNarrowed.result).toBe(ExitCode.Success);
  });

  it('usage errors: missing or foreign files, bad years, tolerance or limit (exit 2); a held database', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const run = await simulate({ dir, census, name: 'a', years: [2025, 2025] });
    const missing = join(dir, 'nope.duckdb');

    const usage = async (work: () => Promise<unknown>, message: RegExp): Promise<void> => {
      const error = await work().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(ExitCode.UsageError);
      expect((error as Error).message).toMatch(message);
    };
    await usage(() => compareCommand(run.database, missing, { identical: true }), /nope\.duckdb not found/);
    await usage(() => compareCommand(missing, run.database, { identical: true }), /not found/);
    await usage(() => compareCommand(run.database, run.database, { identical: true, years: '2025-20x' }), /YYYY or YYYY-YYYY/);
    await usage(() => compareCommand(run.database, run.database, { identical: true, years: '2026-2025' }), /before start year/);
    await usage(() => compareCommand(run.database, run.database, { identical: true, tolerance: 'abc' }), /--tolerance/);
    await usage(() => compareCommand(run.database, run.database, { identical: true, tolerance: '-0.1' }), /--tolerance/);
    await usage(() => compareCommand(run.database, run.database, { identical: true, limit: '-1' }), /--limit/);
    await usage(() => compareDatabases(run.database, run.database, { tolerance: Number.NaN }), /tolerance/);
    await usage(() => compareDatabases(run.database, run.database, { employeeLimit: 1.5 }), /employee limit/);
    await usage(() => compareDatabases(run.database, run.database, { years: [2026, 2025] }), /Invalid year range/);
    expect(parseTolerance('2.5%')).toBeCloseTo(0.025, 12);
    expect(parseTolerance(' .05 ')).toBe(0.05);

    const notDuckdb = join(dir, 'text.duckdb');
    writeFileSync(notDuckdb, 'not a database at all, just some text that is long enough to be read as a header');
    await usage(() => compareDatabases(run.database, notDuckdb), /Cannot open .*text\.duckdb as a DuckDB database/);

    const empty = join(dir, 'empty.duckdb');
    (await Database.open(empty)).close();
    await usage(() => compareDatabases(run.database, empty), /not a simulation database: it has no fct_workforce_snapshot table/);
    const noStatus = join(dir, 'nostatus.duckdb');
    const db = await Database.open(noStatus);
    await db.run(`CREATE TABLE fct_workforce_snapshot (simulation_year INTEGER, employee_id VARCHAR, employment_status VARCHAR)`);
    await db.run(`CREATE TABLE fct_yearly_events (simulation_year INTEGER, employee_id VARCHAR, event_type VARCHAR)`);
    db.close();
    await usage(() => compareDatabases(noStatus, run.database), /fct_workforce_snapshot lacks the column\(s\) detailed_status_code/);
    const noYears = join(dir, 'noyears.duckdb');
    const db2 = await Database.open(noYears);
    await db2.run(`CREATE TABLE fct_workforce_snapshot (simulation_year INTEGER, employee_id VARCHAR, employment_status VARCHAR, detailed_status_code VARCHAR)`);
    await db2.run(`CREATE TABLE fct_yearly_events (simulation_year INTEGER, employee_id VARCHAR, event_type VARCHAR)`);
    db2.close();
    await usage(() => compareDatabases(noYears, noYears), /Neither .* holds a simulated year$/);

    // A database another process holds for writing cannot be attached, even read-only.
    const held = await holdDatabase(run.database);
    try {
      const error = await compareDatabases(run.database, run.database).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseInUseError);
      expect((error as Error).message).toContain(`PID ${held.pid}`);
    } finally {
      held.release();
    }
  });

  it('validateMigration re-runs one of our databases from its recorded config and census: identical', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = writeConfigFile(dir, census);
    const database = join(dir, 'original.duckdb');
    await simulateFromFile(config, database, [2025, 2027]);

    const work = join(dir, 'work', 'nested');
    const report = await validateMigration(database, { workDir: work });
    expect(report.verdict).toBe('identical');
    expect(report.years.compared).toEqual([2025, 2026, 2027]);
    expect(report.employeeDifferences?.count).toBe(0);
    const kept = readdirSync(work);
    expect(kept).toHaveLength(1);
    expect(report.b.path).toBe(join(work, kept[0] as string, 'rerun.duckdb'));
    expect(existsSync(report.b.path)).toBe(true);
    expect(report.notes.some((n) => n.startsWith('Re-ran run-') && n.includes('2025-2027'))).toBe(true);
    expect(report.notes.some((n) => n.includes('config differs'))).toBe(false);

    // In a temporary folder, removed afterwards; years narrow the comparison, not the re-run.
    const out = await captureOutput(() => compareCommand(database, undefined, { years: '2026-2027', json: true }));
    expect(out.result).toBe(ExitCode.Success);
    const json = JSON.parse(out.stdout) as ComparisonReport;
    expect(json.years.compared).toEqual([2026, 2027]);
    expect(existsSync(json.b.path)).toBe(false);
    expect(json.notes.join('\n')).toContain('temporary database, since removed');
    await expect(validateMigration(database, { years: [2024, 2027] })).rejects.toThrow(/starts in 2025: it cannot be re-run from 2024/);
  });

  it('validateMigration: a changed config or census is named; unknown config, census or run are clear errors', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = writeConfigFile(dir, census);
    const database = join(dir, 'original.duckdb');
    await simulateFromFile(config, database, [2025, 2026]);

    // The inputs changed since the run: the re-run differs, and the report says why it may.
    writeConfigFile(dir, census, (c) => {
      c.compensation.cola_rate = 0.02;
    });
    const other = await makeCensus(dir, 400, 99);
    writeFileSync(census, readFileSync(other));
    const changed = await validateMigration(database, { workDir: join(dir, 'work') });
    expect(changed.verdict).toBe('different');
    expect(changed.notes.join('\n')).toMatch(/The config differs from run run-.*'s \(hash [0-9a-f]{12} then, [0-9a-f]{12} now/);
    expect(changed.notes.join('\n')).toContain(`The census ${census} changed since run`);
    expect(formatComparison(changed)).toContain('Note: The config differs');

    rmSync(join(dir, 'config.yaml'));
    const noConfig = await validateMigration(database).catch((e: unknown) => e);
    expect(noConfig).toBeInstanceOf(ConfigError);
    expect((noConfig as Error).message).toMatch(/config file of run run-.* no longer exists/);

    writeConfigFile(dir, census);
    rmSync(census);
    const noCensus = await validateMigration(database).catch((e: unknown) => e);
    expect(noCensus).toBeInstanceOf(CensusError);
    expect((noCensus as Error).message).toMatch(/census of run run-.* no longer exists/);

    // A run given its config in memory has no config file to re-run.
    const census2 = await makeCensus(dir, 400, 3);
    const inMemory = await simulate({ dir, census: census2, name: 'memory', years: [2025, 2025] });
    const unknown = await validateMigration(inMemory.database).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ConfigError);
    expect((unknown as ConfigError).exitCode).toBe(ExitCode.UsageError);
    expect((unknown as Error).message).toMatch(/config of run run-.* is unknown \(it was given in memory/);

    const python = await pythonStyleCopy(inMemory.database, join(dir, 'python.duckdb'));
    const foreign = await validateMigration(python).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(DatabaseStateError);
    expect((foreign as Error).message).toContain('has no PlanAlign run record');

    const noRuns = join(dir, 'noruns.duckdb');
    const db = await Database.open(noRuns);
    await ensureSchema(db, new Date());
    db.close();
    await expect(validateMigration(noRuns)).rejects.toThrow(/records no run/);
    await expect(validateMigration(join(dir, 'missing.duckdb'))).rejects.toThrow(UsageError);
  });

  it('planalign compare on the command line: exit 0, 3 and 2', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 400);
    const config = defaultConfigObject();
    config.simulation.target_growth_rate = 0.06;
    const a = await simulate({ dir, census, name: 'a', years: [2025, 2026] });
    const b = await simulate({ dir, census, name: 'b', years: [2025, 2026] });
    const c = await simulate({ dir, census, name: 'c', years: [2025, 2026], config });

    const same = runCli(['compare', '--identical', a.database, b.database]);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toContain('Result: identical');
    const json = runCli(['compare', '--identical', a.database, b.database, '--json', '--years', '2026']);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'identical', years: { compared: [2026] } });
    const differs = runCli(['compare', '--identical', a.database, c.database, '--tolerance', '50%']);
    expect(differs.status).toBe(3);
    expect(differs.stdout).toMatch(/active headcount .* different/);
    const usage = runCli(['compare', '--identical', a.database, join(dir, 'nope.duckdb')]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('not found');
    expect(runCli(['compare', '--identical', a.database, b.database, '--years', 'x']).status).toBe(2);
    expect(runCli(['compare', '--identical', a.database, b.database, '--tolerance', 'x']).status).toBe(2);
  });
});
