import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { analyzeCommand } from '../../src/cli/commands/analyze.js';
import { exportCommand } from '../../src/cli/commands/export.js';
import { Database } from '../../src/db/database.js';
import { DatabaseInUseError, DatabaseStateError, ExitCode, PlanAlignError, UsageError } from '../../src/errors.js';
import { analyzeEvents, analyzeWorkforce, isAnalysisTarget } from '../../src/reporting/analysis.js';
import { isAnalysisExportFormat, writeAnalysis } from '../../src/reporting/analysis-export.js';
import { WORKFORCE_ANALYSIS_COLUMNS } from '../../src/reporting/columns.js';
import { EXPORT_TABLES, exportDatabase, exportFileNames, type ExportFormat } from '../../src/reporting/export.js';
import { HEADLINE_METRIC_IDS } from '../../src/reporting/metrics.js';
import { ensureOutDir, outputPath } from '../../src/reporting/paths.js';
import { openSimulationDatabase } from '../../src/reporting/source.js';
import { holdDatabase } from '../support/cli.js';
import { query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { captureOutput, copyDatabase, parseCsv, useSimulation, YEARS } from './helpers.js';

const simulation = useSimulation();
const tempDir = useTempDir();
const STAMP = new Date('2031-02-03T04:05:06.000Z');

/** Runs `work` with the clock at `now` (Date only: timers and I/O run as usual). */
async function at<T>(now: string, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(now));
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

const tableCount = async (table: string): Promise<number> =>
  Number((await query<{ n: string }>(simulation().database, `SELECT count(*)::VARCHAR AS n FROM ${table}`))[0]?.n);

/** Reads a file back with DuckDB: its row count and a digest of its content in a stable order. */
async function readBack(path: string, format: 'csv' | 'parquet'): Promise<number> {
  const db = await Database.open(':memory:');
  try {
    const reader = format === 'csv' ? 'read_csv($1, header = true)' : 'read_parquet($1)';
    const row = await db.one<{ n: string }>(`SELECT count(*)::VARCHAR AS n FROM ${reader}`, [path]);
    return Number(row?.n);
  } finally {
    db.close();
  }
}

describe('exportDatabase', () => {
  for (const format of ['csv', 'parquet'] as const) {
    it(`${format}: every employee-level table, read back with the same row counts, plus the report files`, async () => {
      const outDir = join(tempDir(), 'new', 'folder');
      expect(existsSync(outDir)).toBe(false);
      const result = await exportDatabase({ database: simulation().database, format, outDir });
      expect(existsSync(outDir)).toBe(true);
      expect(result.outDir).toBe(resolve(outDir));
      expect(result.years).toEqual(YEARS);
      expect(result.runId).toBe(simulation().result.runId);
      expect(readdirSync(outDir).sort()).toEqual(exportFileNames(format).sort());
      for (const file of result.files) expect(file.path.startsWith(`${resolve(outDir)}/`)).toBe(true);

      for (const { table } of EXPORT_TABLES) {
        const file = result.files.find((f) => f.table === table);
        expect(file?.path).toBe(join(resolve(outDir), `${table}.${format}`));
        const rows = await tableCount(table);
        expect(rows).toBeGreaterThan(0);
        expect(file?.rows).toBe(rows);
        expect(await readBack(file?.path as string, format)).toBe(rows);
      }
      const aggregates = parseCsv(readFileSync(join(outDir, 'yearly_aggregates.csv'), 'utf8'));
      expect(aggregates.slice(1).map((r) => Number(r[0]))).toEqual(YEARS);
      const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as { run_id: string };
      expect(summary.run_id).toBe(simulation().result.runId);
    });
  }

  it('parquet keeps the columns and values of the table', async () => {
    const outDir = tempDir();
    await exportDatabase({ database: simulation().database, format: 'parquet', outDir });
    const db = await Database.open(':memory:');
    try {
      const path = join(outDir, 'fct_workforce_snapshot.parquet');
      const exported = await db.one<{ n: string; pay: string }>(
        `SELECT count(DISTINCT employee_id)::VARCHAR AS n, sum(current_compensation)::VARCHAR AS pay FROM read_parquet($1)`,
        [path],
      );
      const source = (
        await query<{ n: string; pay: string }>(
          simulation().database,
          `SELECT count(DISTINCT employee_id)::VARCHAR AS n, sum(current_compensation)::VARCHAR AS pay FROM fct_workforce_snapshot`,
        )
      )[0];
      expect(exported).toEqual(source);
    } finally {
      db.close();
    }
  });

  it('xlsx: only the report workbook of aggregates', async () => {
    const outDir = tempDir();
    const result = await exportDatabase({ database: simulation().database, format: 'xlsx', outDir, generatedAt: new Date(0) });
    expect(readdirSync(outDir).sort()).toEqual(['README.txt', 'columns.csv', 'planalign_report.xlsx']);
    expect(result.files).toEqual(['planalign_report.xlsx', 'README.txt', 'columns.csv'].map((f) => ({ path: join(resolve(outDir), f) })));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(outDir, 'planalign_report.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Compliance', 'Metadata']);
    let generatedAt: unknown;
    workbook.getWorksheet('Metadata')?.eachRow((row) => {
      if (row.getCell(1).value === 'generated_at') generatedAt = row.getCell(2).value;
    });
    expect(generatedAt).toBe('1970-01-01T00:00:00.000Z');
  });

  it('keeps every output inside the output folder', () => {
    const outDir = tempDir();
    expect(outputPath(outDir, 'fct_yearly_events.csv')).toBe(join(resolve(outDir), 'fct_yearly_events.csv'));
    for (const name of ['../escape.csv', '..', '.', '', 'a/b.csv', '/etc/passwd', 'sub\\..\\x', '.hidden', `${resolve(outDir)}/x.csv`]) {
      expect(() => outputPath(outDir, name), name).toThrow(UsageError);
    }
    expect(() => ensureOutDir('  ')).toThrow(UsageError);
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    expect(() => ensureOutDir(join(file, 'sub'))).toThrow(/Cannot create output folder/);
  });

  it('refuses an unknown format', async () => {
    await expect(
      exportDatabase({ database: simulation().database, format: 'xml' as ExportFormat, outDir: tempDir() }),
    ).rejects.toThrow(/Unknown export format "xml"/);
  });

  it('refuses a missing database with its path, and creates nothing', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.duckdb');
    const error = await exportDatabase({ database: missing, format: 'csv', outDir: join(dir, 'out') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(`Database ${missing} does not exist`);
    expect((error as UsageError).exitCode).toBe(ExitCode.UsageError);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    await expect(openSimulationDatabase(':memory:')).rejects.toBeInstanceOf(UsageError);
  });

  it('refuses a database without simulated years, or without a run record', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.duckdb');
    const db = await Database.open(empty);
    await db.run(`CREATE TABLE fct_workforce_snapshot (simulation_year INTEGER)`);
    db.close();
    const error = await exportDatabase({ database: empty, format: 'csv', outDir: join(dir, 'out') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toBe(`Database ${empty} holds no simulated years`);

    const blank = join(dir, 'blank.duckdb');
    (await Database.open(blank)).close();
    await expect(openSimulationDatabase(blank)).rejects.toThrow(/holds no simulated years/);

    const foreign = join(dir, 'foreign.duckdb');
    const fdb = await Database.open(foreign);
    await fdb.run(`CREATE TABLE fct_workforce_snapshot AS SELECT 2025 AS simulation_year`);
    fdb.close();
    await expect(exportDatabase({ database: foreign, format: 'xlsx', outDir: join(dir, 'x') })).rejects.toThrow(
      /has no PlanAlign run record/,
    );
    await expect(exportDatabase({ database: foreign, format: 'csv', outDir: join(dir, 'y') })).rejects.toThrow(
      /has no table fct_yearly_events/,
    );
  });

  it('reports a file that is not a database clearly', async () => {
    const file = join(tempDir(), 'not.duckdb');
    writeFileSync(file, 'this is not a database');
    await expect(exportDatabase({ database: file, format: 'csv', outDir: tempDir() })).rejects.toBeInstanceOf(PlanAlignError);
  });
});

describe('exportCommand', () => {
  it('exports and prints what it wrote', async () => {
    const out = join(tempDir(), 'exports');
    const { result, stdout } = await captureOutput(() => exportCommand({ database: simulation().database, format: 'CSV', out }));
    expect(result).toBe(ExitCode.Success);
    expect(stdout).toContain(`Exported run ${simulation().result.runId} (2025–2027) from ${simulation().database} to ${resolve(out)}:`);
    const events = await tableCount('fct_yearly_events');
    expect(stdout).toContain(`  fct_yearly_events.csv  ${events.toLocaleString('en-US')} rows`);
    expect(stdout).toContain('  yearly_aggregates.csv\n');
    expect(stdout).toContain('  compliance_tests.csv\n');
    expect(stdout).toContain('rates as fractions');
    expect(readdirSync(out)).toHaveLength(10);
  });

  it('names a single year on its own', async () => {
    const out = tempDir();
    const database = join(tempDir(), 'one.duckdb');
    const db = await Database.open(database);
    try {
      await db.run(`ATTACH '${simulation().database}' AS src (READ_ONLY)`);
      for (const table of ['planalign_runs', 'planalign_validation_results', 'int_employee_compensation_by_year', 'param_simulation']) {
        await db.run(`CREATE TABLE ${table} AS SELECT * FROM src.${table}`);
      }
      for (const table of ['fct_workforce_snapshot', 'fct_yearly_events', 'fct_employer_match_events']) {
        await db.run(`CREATE TABLE ${table} AS SELECT * FROM src.${table} WHERE simulation_year = 2026`);
      }
      await db.run('DETACH src');
    } finally {
      db.close();
    }
    const { stdout } = await captureOutput(() => exportCommand({ database, format: 'xlsx', out }));
    expect(stdout).toContain('(2026)');
    expect(stdout).toContain('  planalign_report.xlsx');
  });

  it('refuses an unknown format with a usage error (exit 2)', async () => {
    const error = await exportCommand({ database: simulation().database, format: 'json', out: tempDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toBe('--format must be one of csv, parquet, xlsx, got "json"');
  });
});

/** `analyze workforce` of the shared simulation. */
async function workforceAnalysis(): Promise<Awaited<ReturnType<typeof analyzeWorkforce>>> {
  const db = await openSimulationDatabase(simulation().database);
  try {
    return await analyzeWorkforce(db);
  } finally {
    db.close();
  }
}

describe('analysis', () => {
  it('workforce: per-year rows, active, participating, growth from the starting actives, average active pay', async () => {
    const analysis = await workforceAnalysis();
    expect(analysis.rows.map((r) => r.year)).toEqual(YEARS);
    const expected = await query<{ year: number; total: number; active: number; terminated: number; participating: number; pay: number }>(
      simulation().database,
      `SELECT simulation_year AS year, count(*)::INTEGER AS total,
              count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active,
              count(*) FILTER (WHERE employment_status = 'terminated')::INTEGER AS terminated,
              count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')::INTEGER AS participating,
              avg(current_compensation) FILTER (WHERE employment_status = 'active')::DOUBLE AS pay
       FROM fct_workforce_snapshot GROUP BY 1 ORDER BY 1`,
    );
    const start = Number(
      (await query<{ n: string }>(simulation().database, `SELECT count(*)::VARCHAR AS n FROM int_employee_compensation_by_year WHERE simulation_year = 2025`))[0]?.n,
    );
    expected.forEach((e, i) => {
      const r = analysis.rows[i];
      // The start-of-year population: the census actives in the first year, the previous year-end actives after.
      const starting = i === 0 ? start : (expected[i - 1]?.active as number);
      expect(r).toMatchObject({
        year: e.year,
        total_rows: e.total,
        active_headcount: e.active,
        terminated: e.terminated,
        participants: e.participating,
        participation_rate: e.participating / e.active,
        starting_actives: starting,
        growth_rate: (e.active - starting) / starting,
        average_active_pay: expect.closeTo(e.pay, 6),
      });
    });
  });

  it('analyze and yearly_aggregates.csv share one definition of starting actives, growth and average active pay', async () => {
    const analysis = await workforceAnalysis();
    const outDir = tempDir();
    await exportDatabase({ database: simulation().database, format: 'csv', outDir });
    const [header, ...rows] = parseCsv(readFileSync(join(outDir, 'yearly_aggregates.csv'), 'utf8'));
    const analysisColumns = WORKFORCE_ANALYSIS_COLUMNS.map((c) => c.name);
    for (const name of ['starting_actives', 'growth_rate', 'average_active_pay'] as const) {
      // The same name in both files, with the same meaning…
      expect(analysisColumns, name).toContain(name);
      expect(header, name).toContain(name);
      const documented = (file: string) => parseCsv(readFileSync(join(outDir, 'columns.csv'), 'utf8')).find((c) => c[0] === file && c[1] === name)?.[3];
      expect(WORKFORCE_ANALYSIS_COLUMNS.find((c) => c.name === name)?.description, name).toBe(documented('yearly_aggregates.csv'));
      // …and the same figure every year.
      rows.forEach((row, i) => {
        const fromFile = Number(row[(header as string[]).indexOf(name)]);
        expect(fromFile, `${name} ${row[0]}`).toBeCloseTo(analysis.rows[i]?.[name] as number, 2);
      });
    }
    expect(analysisColumns).not.toContain('previous_actives');
    expect(analysisColumns).not.toContain('average_pay');
  });

  it('events: year x event type with unique employees, and year totals', async () => {
    const db = await openSimulationDatabase(simulation().database);
    let analysis;
    try {
      analysis = await analyzeEvents(db);
    } finally {
      db.close();
    }
    const expected = await query<{ year: number; t: string; n: number; u: number }>(
      simulation().database,
      `SELECT simulation_year AS year, event_type AS t, count(*)::INTEGER AS n, count(DISTINCT employee_id)::INTEGER AS u
       FROM (SELECT simulation_year, event_type, employee_id FROM fct_yearly_events
             UNION ALL SELECT simulation_year, event_type, employee_id FROM fct_employer_match_events)
       GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(analysis.rows).toEqual(expected.map((e) => ({ year: e.year, event_type: e.t, events: e.n, unique_employees: e.u })));
    expect(analysis.event_types).toEqual([...new Set(expected.map((e) => e.t))].sort());
    expect(analysis.totals.map((t) => t.year)).toEqual(YEARS);
    for (const t of analysis.totals) {
      expect(t.events).toBe(expected.filter((e) => e.year === t.year).reduce((a, e) => a + e.n, 0));
      expect(t.unique_employees).toBeGreaterThanOrEqual(Math.max(...expected.filter((e) => e.year === t.year).map((e) => e.u)));
    }
  });

  it('writes the analyses as CSV and XLSX inside the folder', async () => {
    const db = await openSimulationDatabase(simulation().database);
    const [workforce, events] = await (async () => {
      try {
        return [await analyzeWorkforce(db), await analyzeEvents(db)] as const;
      } finally {
        db.close();
      }
    })();
    const dir = join(tempDir(), 'reports');
    const csv = await writeAnalysis(dir, workforce, 'csv', STAMP);
    expect(csv).toBe(join(resolve(dir), 'workforce_analysis.csv'));
    const rows = parseCsv(readFileSync(csv, 'utf8'));
    expect(rows[0]).toEqual(WORKFORCE_ANALYSIS_COLUMNS.map((c) => c.name));
    expect(rows[0]).toEqual(
      expect.arrayContaining([...HEADLINE_METRIC_IDS, 'total_rows', 'terminated', 'participants', 'starting_actives', 'growth_rate', 'average_active_pay']),
    );
    expect(rows.slice(1).map((r) => Number(r[2]))).toEqual(workforce.rows.map((r) => r.active_headcount));

    const eventsCsv = parseCsv(readFileSync(await writeAnalysis(dir, events, 'csv', STAMP), 'utf8'));
    expect(eventsCsv).toHaveLength(1 + events.rows.length + events.totals.length);
    expect(eventsCsv.filter((r) => r[1] === 'all_events').map((r) => Number(r[2]))).toEqual(events.totals.map((t) => t.events));

    const xlsx = await writeAnalysis(dir, events, 'xlsx', STAMP);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const sheet = workbook.getWorksheet('Events');
    expect(sheet?.getRow(1).values).toEqual([undefined, 'year', 'event_type', 'events', 'unique_employees']);
    expect(sheet?.rowCount).toBe(1 + events.rows.length + events.totals.length);
    const hire2026 = events.rows.find((r) => r.year === 2026 && r.event_type === 'hire');
    let found = false;
    sheet?.eachRow((row) => {
      if (row.getCell(1).value === 2026 && row.getCell(2).value === 'hire') {
        found = true;
        expect(row.getCell(3).value).toBe(hire2026?.events);
      }
    });
    expect(found).toBe(true);

    const wf = new ExcelJS.Workbook();
    await wf.xlsx.readFile(await writeAnalysis(dir, workforce, 'xlsx', STAMP));
    expect(wf.getWorksheet('Workforce')?.getCell('C2').value).toBe(workforce.rows[0]?.active_headcount);
    expect(wf.getWorksheet('Workforce')?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    expect(isAnalysisTarget('events')).toBe(true);
    expect(isAnalysisTarget('payroll')).toBe(false);
    expect(isAnalysisExportFormat('parquet')).toBe(false);
  });
});

describe('analyzeCommand', () => {
  it('prints the workforce table by default', async () => {
    const { result, stdout } = await captureOutput(() => analyzeCommand(undefined, { database: simulation().database }));
    expect(result).toBe(ExitCode.Success);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Year\s+Total rows\s+Active headcount\s+Terminated\s+Participants\s+Growth\s+Avg pay$/);
    expect(lines).toHaveLength(3 * (2 + YEARS.length) + 2);
    const active2025 = Number(
      (await query<{ n: string }>(simulation().database, `SELECT count(*)::VARCHAR AS n FROM fct_workforce_snapshot WHERE simulation_year = 2025 AND employment_status = 'active'`))[0]?.n,
    );
    expect(lines[2]?.split(/\s{2,}/)[2]).toBe(active2025.toLocaleString('en-US'));
    // Units on every figure: $ on money, % on rates.
    expect(lines[2]).toMatch(/\d\s+[+-]\d+\.\d\d %\s+\$[\d,]+$/);
    expect(stdout).toMatch(/\n2027\s+\$[\d,]+\s+\d+\.\d %\s+\d+\.\d %\s+\$[\d,]+\n/);
    // Match, core, total, net cost and the year-end account balances.
    expect(lines.at(-1)).toMatch(/^2027(\s+\$[\d,]+){5}$/);
  });

  it('prints the events table, and JSON on --json', async () => {
    const { stdout } = await captureOutput(() => analyzeCommand('events', { database: simulation().database }));
    expect(stdout).toMatch(/^Year\s+deferral_escalation\s+employer_match/);
    expect(stdout).toContain('Cells: events (unique employees)');
    const json = await captureOutput(() => analyzeCommand('Events', { database: simulation().database, json: true }));
    const parsed = JSON.parse(json.stdout) as { target: string; rows: unknown[] };
    expect(parsed.target).toBe('events');
    expect(parsed.rows.length).toBeGreaterThan(YEARS.length);
  });

  it('--export writes into --out (and keeps stdout pure JSON with --json)', async () => {
    const out = join(tempDir(), 'reports');
    const csv = await captureOutput(() => analyzeCommand('workforce', { database: simulation().database, export: 'csv', out }));
    expect(csv.stdout).toContain(`Wrote ${join(resolve(out), 'workforce_analysis.csv')}`);
    const xlsx = await captureOutput(() =>
      analyzeCommand('events', { database: simulation().database, export: 'xlsx', out, json: true }),
    );
    expect(() => JSON.parse(xlsx.stdout)).not.toThrow();
    expect(xlsx.stderr).toContain(`Wrote ${join(resolve(out), 'events_analysis.xlsx')}`);
    expect(readdirSync(out).sort()).toEqual(['events_analysis.xlsx', 'workforce_analysis.csv']);
  });

  it('defaults --out to reports/ in the working folder', async () => {
    const cwd = process.cwd();
    const dir = tempDir();
    process.chdir(dir);
    try {
      await captureOutput(() => analyzeCommand(undefined, { database: simulation().database, export: 'csv' }));
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(join(dir, 'reports'))).toEqual(['workforce_analysis.csv']);
  });

  it('refuses an unknown target or export format, and a missing database', async () => {
    await expect(analyzeCommand('payroll', { database: simulation().database })).rejects.toThrow(
      'Unknown analysis "payroll": expected workforce, events or compliance',
    );
    await expect(analyzeCommand('events', { database: simulation().database, export: 'parquet' })).rejects.toThrow(UsageError);
    const missing = join(tempDir(), 'missing.duckdb');
    const error = await analyzeCommand(undefined, { database: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('export: years, files per year, units and notes', () => {
  /** The rows of an exported CSV as text, read by DuckDB. */
  async function csvRows(path: string): Promise<Array<Record<string, string | null>>> {
    const db = await Database.open(':memory:');
    try {
      return await db.all<Record<string, string | null>>(`SELECT * FROM read_csv($1, header = true, all_varchar = true)`, [path]);
    } finally {
      db.close();
    }
  }
  const yearsIn = (rows: Array<Record<string, string | null>>, column = 'simulation_year'): number[] =>
    [...new Set(rows.map((r) => Number(r[column])))].sort();

  it('--years limits every file to those years', async () => {
    const outDir = tempDir();
    const result = await exportDatabase({ database: simulation().database, format: 'csv', outDir, years: { from: 2026, to: 2027 } });
    expect(result.years).toEqual([2026, 2027]);
    for (const { table } of EXPORT_TABLES) {
      const rows = await csvRows(join(outDir, `${table}.csv`));
      expect(yearsIn(rows), table).toEqual([2026, 2027]);
      expect(rows.length).toBe(
        Number((await query<{ n: string }>(simulation().database, `SELECT count(*)::VARCHAR AS n FROM ${table} WHERE simulation_year >= 2026`))[0]?.n),
      );
    }
    expect(yearsIn(await csvRows(join(outDir, 'yearly_aggregates.csv')), 'year')).toEqual([2026, 2027]);
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as Record<string, any>;
    expect([summary.start_year, summary.end_year]).toEqual([2026, 2027]);
    expect(summary.workforce_progression.map((y: { year: number }) => y.year)).toEqual([2026, 2027]);
    const audits = JSON.parse(readFileSync(join(outDir, 'year_audits.json'), 'utf8')) as Array<{ year: number }>;
    expect(audits.map((a) => a.year)).toEqual([2026, 2027]);
    expect(readFileSync(join(outDir, 'README.txt'), 'utf8')).toContain('years 2026–2027');

    const error = await exportDatabase({ database: simulation().database, format: 'csv', outDir: tempDir(), years: { from: 2027, to: 2029 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`Database ${simulation().database} holds no simulated year 2028–2029: it holds 2025–2027`);
  });

  it('--per-year writes one file per table and year, each holding that year only', async () => {
    const outDir = tempDir();
    const result = await exportDatabase({ database: simulation().database, format: 'csv', outDir, perYear: true, years: { from: 2025, to: 2026 } });
    for (const { table } of EXPORT_TABLES) {
      expect(existsSync(join(outDir, `${table}.csv`))).toBe(false);
      for (const year of [2025, 2026]) {
        const path = join(outDir, `${table}_${year}.csv`);
        const rows = await csvRows(path);
        expect(yearsIn(rows), path).toEqual([year]);
        expect(result.files.find((f) => f.path === path)).toMatchObject({ table, year, rows: rows.length });
      }
    }
    expect(existsSync(join(outDir, 'fct_workforce_snapshot_2027.csv'))).toBe(false);
    const columns = parseCsv(readFileSync(join(outDir, 'columns.csv'), 'utf8'));
    expect(columns.filter((c) => c[0] === 'fct_workforce_snapshot_2026.csv' && c[1] === 'employer_match_amount')).toEqual([
      ['fct_workforce_snapshot_2026.csv', 'employer_match_amount', 'US dollars, rounded to the cent', 'DuckDB type DECIMAL(18,2)'],
    ]);
    await expect(exportDatabase({ database: simulation().database, format: 'xlsx', outDir: tempDir(), perYear: true })).rejects.toThrow(
      /--per-year applies to/,
    );
  });

  it('refuses a folder holding files of an earlier export that this one would not write, naming them; deletes nothing', async () => {
    const outDir = tempDir();
    await exportDatabase({ database: simulation().database, format: 'csv', outDir, perYear: true, years: { from: 2025, to: 2026 } });
    writeFileSync(join(outDir, 'my_notes.csv'), 'mine\n');
    const before = readdirSync(outDir).sort();
    const perYearFiles = EXPORT_TABLES.flatMap(({ table }) => [`${table}_2025.csv`, `${table}_2026.csv`]);

    // The whole-run export would leave the per-year files beside its own, listed nowhere.
    const error = await exportDatabase({ database: simulation().database, format: 'csv', outDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${resolve(outDir)} holds ${perYearFiles.length} file(s) of an earlier export that this export would not write: ${perYearFiles.join(', ')}`,
    );
    expect((error as UsageError).hint).toMatch(/^Export into a new --out folder, or delete those files first/);
    // A file the export did not write is never named, and nothing was deleted or written.
    expect((error as Error).message).not.toContain('my_notes.csv');
    expect(readdirSync(outDir).sort()).toEqual(before);

    // Other years, or another format, are refused the same way; the same export again is not.
    await expect(exportDatabase({ database: simulation().database, format: 'csv', outDir, perYear: true, years: { from: 2026, to: 2026 } })).rejects.toThrow(
      /would not write: fct_yearly_events_2025\.csv, fct_workforce_snapshot_2025\.csv/,
    );
    await expect(exportDatabase({ database: simulation().database, format: 'xlsx', outDir })).rejects.toThrow(/yearly_aggregates\.csv, compliance_tests\.csv, summary\.json, year_audits\.json$/);
    await exportDatabase({ database: simulation().database, format: 'csv', outDir, perYear: true, years: { from: 2025, to: 2026 } });

    // Once the user removes them, the whole-run export goes ahead and its notes list only its files.
    for (const name of perYearFiles) rmSync(join(outDir, name));
    await exportDatabase({ database: simulation().database, format: 'csv', outDir });
    expect(readdirSync(outDir).sort()).toEqual([...exportFileNames('csv'), 'my_notes.csv'].sort());
  });

  it('workbooks are dated by the data, not the clock: the same database gives the same bytes', async () => {
    // The report workbook, with the report's generated-at given, written at two different times.
    const exportAt = (now: string) =>
      at(now, async () => {
        const outDir = tempDir();
        await exportDatabase({ database: simulation().database, format: 'xlsx', outDir, generatedAt: STAMP });
        return readFileSync(join(outDir, 'planalign_report.xlsx'));
      });
    const first = await exportAt('2040-01-01T00:00:00Z');
    const second = await exportAt('2041-06-15T12:34:56Z');
    expect(first.equals(second)).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(first);
    expect(workbook.created.toISOString()).toBe(STAMP.toISOString());
    expect(workbook.modified.toISOString()).toBe(STAMP.toISOString());

    // The analysis workbook of `analyze --export xlsx`: dated by the run's end.
    const analyzeAt = (now: string) =>
      at(now, async () => {
        const out = tempDir();
        await captureOutput(() => analyzeCommand('workforce', { database: simulation().database, export: 'xlsx', out }));
        return readFileSync(join(out, 'workforce_analysis.xlsx'));
      });
    const a = await analyzeAt('2040-01-01T00:00:00Z');
    expect(a.equals(await analyzeAt('2041-06-15T12:34:56Z'))).toBe(true);
    const analysis = new ExcelJS.Workbook();
    await analysis.xlsx.load(a);
    const finished = (await query<{ t: string }>(simulation().database, `SELECT strftime(max(finished_at), '%Y-%m-%dT%H:%M:%SZ') AS t FROM planalign_runs`))[0]?.t;
    expect(analysis.created.toISOString().replace('.000', '')).toBe(finished);
  });

  it("warns when a CSV has more rows than a spreadsheet opens, suggesting --per-year", async () => {
    const snapshotRows = await tableCount('fct_workforce_snapshot');
    const limit = snapshotRows; // the header makes the whole-table file one row too long
    const whole = await exportDatabase({ database: simulation().database, format: 'csv', outDir: tempDir(), spreadsheetMaxRows: limit });
    const warning = whole.warnings.find((w) => w.startsWith('fct_workforce_snapshot.csv'));
    expect(warning).toBe(
      `fct_workforce_snapshot.csv has ${snapshotRows.toLocaleString('en-US')} rows: more than a spreadsheet opens ` +
        `(${limit.toLocaleString('en-US')} rows with the header); export one file per year with --per-year, or fewer years with --years`,
    );
    const perYear = await exportDatabase({ database: simulation().database, format: 'csv', outDir: tempDir(), spreadsheetMaxRows: limit, perYear: true });
    expect(perYear.warnings.filter((w) => w.startsWith('fct_workforce_snapshot'))).toEqual([]);
    const parquet = await exportDatabase({ database: simulation().database, format: 'parquet', outDir: tempDir(), spreadsheetMaxRows: limit });
    expect(parquet.warnings).toEqual([]);
    const fits = await exportDatabase({ database: simulation().database, format: 'csv', outDir: tempDir() });
    expect(fits.warnings).toEqual([]);
  });

  it('documents every column in columns.csv: money to the cent, rates as fractions, snake_case', async () => {
    const outDir = tempDir();
    await exportDatabase({ database: simulation().database, format: 'csv', outDir });
    const columns = parseCsv(readFileSync(join(outDir, 'columns.csv'), 'utf8'));
    expect(columns[0]).toEqual(['file', 'column', 'unit', 'description']);
    const readme = readFileSync(join(outDir, 'README.txt'), 'utf8');
    expect(readme).toContain('US dollars, rounded to the cent');
    expect(readme).toContain('fractions: 0.062 = 6.2 %');
    for (const file of readdirSync(outDir).filter((f) => f.endsWith('.csv') && f !== 'columns.csv')) {
      const documented = columns.filter((c) => c[0] === file);
      const rows = await csvRows(join(outDir, file));
      expect(documented.map((c) => c[1]), file).toEqual(Object.keys(rows[0] ?? {}));
      for (const [, column, unit] of documented) {
        expect(column).toMatch(/^[a-z][a-z0-9_]*$/);
        const values = rows.map((r) => r[column as string]).filter((v): v is string => v !== null && v !== '');
        if (unit === 'US dollars, rounded to the cent') {
          for (const v of values) expect(v, `${file} ${column}`).toMatch(/^-?\d+(\.\d{1,2})?$/);
        }
        if (unit === 'fraction (0.062 = 6.2 %)') {
          for (const v of values) expect(Math.abs(Number(v)), `${file} ${column}`).toBeLessThanOrEqual(1);
        }
      }
    }
    // The headline metrics are documented under their ids, with their definitions.
    const aggregates = columns.filter((c) => c[0] === 'yearly_aggregates.csv');
    expect(aggregates.find((c) => c[1] === 'participation_rate')?.[2]).toBe('fraction (0.062 = 6.2 %)');
    expect(aggregates.find((c) => c[1] === 'total_employer_plan_cost')?.[3]).toBe('Employer match + employer core of the year');
  });

  it('names the process holding the database for writing, and what to do', async () => {
    const database = copyDatabase(simulation().database, tempDir());
    const holder = await holdDatabase(database);
    try {
      const error = await exportDatabase({ database, format: 'csv', outDir: tempDir() }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseInUseError);
      expect((error as Error).message).toBe(`Database ${database} is in use by PID ${holder.pid}`);
      // Wait or stop: copying the file and its WAL of a run in progress gives no consistent snapshot.
      expect((error as DatabaseInUseError).hint).toBe(
        `PID ${holder.pid} has it open for writing. Wait for the run to finish (planalign status --database ${database} shows its progress), ` +
          `or stop it (a stopped run resumes with planalign simulate --resume); then read it again.`,
      );
      await expect(analyzeCommand(undefined, { database })).rejects.toThrow(`is in use by PID ${holder.pid}`);
    } finally {
      holder.release();
    }
  });
});
