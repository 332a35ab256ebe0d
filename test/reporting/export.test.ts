import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../src/cli/commands/analyze.js';
import { exportCommand } from '../../src/cli/commands/export.js';
import { Database } from '../../src/db/database.js';
import { DatabaseStateError, ExitCode, PlanAlignError, UsageError } from '../../src/errors.js';
import { analyzeEvents, analyzeWorkforce, isAnalysisTarget } from '../../src/reporting/analysis.js';
import { isAnalysisExportFormat, writeAnalysis } from '../../src/reporting/analysis-export.js';
import { EXPORT_TABLES, exportDatabase, exportFileNames, type ExportFormat } from '../../src/reporting/export.js';
import { ensureOutDir, outputPath } from '../../src/reporting/paths.js';
import { openSimulationDatabase } from '../../src/reporting/source.js';
import { query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { captureOutput, parseCsv, useSimulation, YEARS } from './helpers.js';

const simulation = useSimulation();
const tempDir = useTempDir();

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
      const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as { runId: string };
      expect(summary.runId).toBe(simulation().result.runId);
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
    expect(readdirSync(outDir)).toEqual(['planalign_report.xlsx']);
    expect(result.files).toEqual([{ path: join(resolve(outDir), 'planalign_report.xlsx') }]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(outDir, 'planalign_report.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Metadata']);
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
    expect(stdout).toContain(`Exported run ${simulation().result.runId} (2025-2027) from ${simulation().database} to ${resolve(out)}:`);
    const events = await tableCount('fct_yearly_events');
    expect(stdout).toContain(`  fct_yearly_events.csv  ${events} rows`);
    expect(stdout).toContain('  yearly_aggregates.csv\n');
    expect(readdirSync(out)).toHaveLength(7);
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

describe('analysis', () => {
  it('workforce: per-year rows, active, participating, growth vs previous year, average pay', async () => {
    const db = await openSimulationDatabase(simulation().database);
    let analysis;
    try {
      analysis = await analyzeWorkforce(db);
    } finally {
      db.close();
    }
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
      const previous = i === 0 ? start : (expected[i - 1]?.active as number);
      expect(r).toEqual({
        year: e.year,
        totalRows: e.total,
        active: e.active,
        terminated: e.terminated,
        participating: e.participating,
        participationRate: e.participating / e.active,
        previousActives: previous,
        growthPct: ((e.active - previous) / previous) * 100,
        averagePay: expect.closeTo(e.pay, 6),
      });
    });
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
    expect(analysis.rows).toEqual(expected.map((e) => ({ year: e.year, eventType: e.t, events: e.n, uniqueEmployees: e.u })));
    expect(analysis.eventTypes).toEqual([...new Set(expected.map((e) => e.t))].sort());
    expect(analysis.totals.map((t) => t.year)).toEqual(YEARS);
    for (const t of analysis.totals) {
      expect(t.events).toBe(expected.filter((e) => e.year === t.year).reduce((a, e) => a + e.n, 0));
      expect(t.uniqueEmployees).toBeGreaterThanOrEqual(Math.max(...expected.filter((e) => e.year === t.year).map((e) => e.u)));
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
    const csv = await writeAnalysis(dir, workforce, 'csv');
    expect(csv).toBe(join(resolve(dir), 'workforce_analysis.csv'));
    const rows = parseCsv(readFileSync(csv, 'utf8'));
    expect(rows[0]).toEqual(['year', 'totalRows', 'active', 'terminated', 'participating', 'participationRate', 'previousActives', 'growthPct', 'averagePay']);
    expect(rows.slice(1).map((r) => Number(r[2]))).toEqual(workforce.rows.map((r) => r.active));

    const eventsCsv = parseCsv(readFileSync(await writeAnalysis(dir, events, 'csv'), 'utf8'));
    expect(eventsCsv).toHaveLength(1 + events.rows.length + events.totals.length);
    expect(eventsCsv.filter((r) => r[1] === 'all_events').map((r) => Number(r[2]))).toEqual(events.totals.map((t) => t.events));

    const xlsx = await writeAnalysis(dir, events, 'xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const sheet = workbook.getWorksheet('Events');
    expect(sheet?.getRow(1).values).toEqual([undefined, 'Year', 'Event type', 'Events', 'Unique employees']);
    expect(sheet?.rowCount).toBe(1 + events.rows.length + events.totals.length);
    const hire2026 = events.rows.find((r) => r.year === 2026 && r.eventType === 'hire');
    let found = false;
    sheet?.eachRow((row) => {
      if (row.getCell(1).value === 2026 && row.getCell(2).value === 'hire') {
        found = true;
        expect(row.getCell(3).value).toBe(hire2026?.events);
      }
    });
    expect(found).toBe(true);

    const wf = new ExcelJS.Workbook();
    await wf.xlsx.readFile(await writeAnalysis(dir, workforce, 'xlsx'));
    expect(wf.getWorksheet('Workforce')?.getCell('C2').value).toBe(workforce.rows[0]?.active);
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
    expect(lines[0]).toMatch(/^Year\s+Total rows\s+Active\s+Terminated\s+Participating\s+Participation %\s+Growth %\s+Avg pay$/);
    expect(lines).toHaveLength(2 + YEARS.length);
    const active2025 = Number(
      (await query<{ n: string }>(simulation().database, `SELECT count(*)::VARCHAR AS n FROM fct_workforce_snapshot WHERE simulation_year = 2025 AND employment_status = 'active'`))[0]?.n,
    );
    expect(lines[2]?.split(/\s+/)[2]).toBe(String(active2025));
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
      'Unknown analysis "payroll": expected workforce or events',
    );
    await expect(analyzeCommand('events', { database: simulation().database, export: 'parquet' })).rejects.toThrow(UsageError);
    const missing = join(tempDir(), 'missing.duckdb');
    const error = await analyzeCommand(undefined, { database: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });
});
