import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { collectReport, type ReportData } from '../../src/reporting/collect.js';
import {
  createConsoleReporter,
  createFileReporter,
  isReportFormat,
  metadataFromSummary,
  REPORT_FILES,
  writeReports,
} from '../../src/reporting/file-reporter.js';
import { csvField, toCsv, YEARLY_AGGREGATE_COLUMNS, yearlyAggregatesCsv } from '../../src/reporting/render/csv.js';
import { toJson } from '../../src/reporting/render/json.js';
import { REPORT_SHEETS } from '../../src/reporting/render/xlsx.js';
import { ENGINE_VERSION } from '../../src/version.js';
import { query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { parseCsv, useSimulation, YEARS } from './helpers.js';

const simulation = useSimulation();
const tempDir = useTempDir();
const GENERATED_AT = new Date('2030-06-07T08:09:10.000Z');

/** The report of the shared database, read once (the database is closed again before any test runs). */
let report: ReportData;
beforeAll(async () => {
  const db = await Database.open(simulation().database);
  try {
    report = await collectReport(db, { generatedAt: GENERATED_AT });
  } finally {
    db.close();
  }
});

const sql = async (text: string): Promise<number> =>
  Number((await query<{ n: string }>(simulation().database, `SELECT (${text})::VARCHAR AS n`))[0]?.n);

describe('CSV', () => {
  it('quotes fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    const text = toCsv(['name', 'note'], [['x', 'a, "quoted", value\nwith a break'], ['y', null]]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['name', 'note'],
      ['x', 'a, "quoted", value\nwith a break'],
      ['y', ''],
    ]);
  });

  it('writes the yearly aggregates, which parse back to the same figures', async () => {
    const rows = parseCsv(yearlyAggregatesCsv(report.summary.workforceProgression));
    expect(rows[0]).toEqual([...YEARLY_AGGREGATE_COLUMNS]);
    expect(rows).toHaveLength(YEARS.length + 1);
    rows.slice(1).forEach((row, i) => {
      const year = report.summary.workforceProgression[i];
      expect(year).toBeDefined();
      YEARLY_AGGREGATE_COLUMNS.forEach((column, c) => {
        expect(Number(row[c]), column).toBeCloseTo(year?.[column] as number, 2);
      });
    });
    // And against the database directly.
    const active2027 = await sql(
      `SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = 2027 AND employment_status = 'active'`,
    );
    const hires2026 = await sql(`SELECT count(*) FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'hire'`);
    const match2025 = await sql(`SELECT sum(employer_match_amount) FROM fct_workforce_snapshot WHERE simulation_year = 2025`);
    const col = (name: string): number => YEARLY_AGGREGATE_COLUMNS.indexOf(name as (typeof YEARLY_AGGREGATE_COLUMNS)[number]);
    expect(Number(rows[3]?.[col('activeHeadcount')])).toBe(active2027);
    expect(Number(rows[2]?.[col('hires')])).toBe(hires2026);
    expect(Number(rows[1]?.[col('employerMatch')])).toBe(match2025);
    // Money is written in cents, never with float tails.
    for (const row of rows.slice(1)) expect(row[col('employerCost')]).toMatch(/^\d+(\.\d{1,2})?$/);
  });

  it('is read by DuckDB with the same figures', async () => {
    const dir = tempDir();
    const [path] = await writeReports(dir, ['csv'], report);
    const rows = await query<{ year: number; activeHeadcount: number; employerCore: number }>(
      ':memory:',
      `SELECT year::INTEGER AS year, "activeHeadcount"::INTEGER AS "activeHeadcount", "employerCore"::DOUBLE AS "employerCore"
       FROM read_csv('${path}', header = true) ORDER BY year`,
    );
    expect(rows).toEqual(
      report.summary.workforceProgression.map((y) => ({ year: y.year, activeHeadcount: y.activeHeadcount, employerCore: y.employerCore })),
    );
  });
});

describe('JSON', () => {
  it('writes the summary and the audits as they are', async () => {
    const dir = tempDir();
    const written = await writeReports(dir, ['json'], report);
    expect(written).toEqual(REPORT_FILES.json.map((f) => join(dir, f)));
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual(report.summary);
    expect(JSON.parse(readFileSync(join(dir, 'year_audits.json'), 'utf8'))).toEqual(report.audits);
    expect(toJson({ a: 1 })).toBe('{\n  "a": 1\n}\n');
  });
});

describe('XLSX report workbook', () => {
  let workbook: ExcelJS.Workbook;
  let path: string;

  beforeAll(async () => {
    const dir = tempDir();
    const written = await writeReports(dir, ['xlsx'], report);
    path = written[0] as string;
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
  });

  const sheet = (name: string): ExcelJS.Worksheet => {
    const ws = workbook.getWorksheet(name);
    if (ws === undefined) throw new Error(`no sheet ${name}`);
    return ws;
  };
  const header = (ws: ExcelJS.Worksheet): string[] => (ws.getRow(1).values as unknown[]).slice(1).map(String);
  /** Key/value sheets: column A → column B. */
  const keyValues = (ws: ExcelJS.Worksheet): Map<string, unknown> => {
    const map = new Map<string, unknown>();
    ws.eachRow((row, n) => {
      if (n > 1) map.set(String(row.getCell(1).value), row.getCell(2).value);
    });
    return map;
  };
  /** A table sheet's rows as objects keyed by header. */
  const records = (ws: ExcelJS.Worksheet): Array<Record<string, unknown>> => {
    const names = header(ws);
    const out: Array<Record<string, unknown>> = [];
    ws.eachRow((row, n) => {
      if (n > 1) out.push(Object.fromEntries(names.map((h, i) => [h, row.getCell(i + 1).value])));
    });
    return out;
  };

  it('has the five sheets, each with a styled, frozen header and fitted columns', () => {
    expect(path.endsWith('planalign_report.xlsx')).toBe(true);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([...REPORT_SHEETS]);
    for (const ws of workbook.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(ws.getRow(1).getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
      for (let c = 1; c <= ws.columnCount; c += 1) {
        const width = ws.getColumn(c).width ?? 0;
        expect(width).toBeGreaterThanOrEqual(8);
        expect(width).toBeLessThanOrEqual(60);
      }
    }
  });

  it('never holds employee-level rows', async () => {
    const employees = await sql(`SELECT count(DISTINCT employee_id) FROM fct_workforce_snapshot`);
    const ids = new Set((await query<{ id: string }>(simulation().database, `SELECT DISTINCT employee_id AS id FROM fct_workforce_snapshot`)).map((r) => r.id));
    for (const ws of workbook.worksheets) {
      expect(ws.rowCount).toBeLessThan(employees / 5);
      ws.eachRow((row) => {
        row.eachCell((cell) => expect(ids.has(String(cell.value))).toBe(false));
      });
    }
  });

  it('Summary: growth analysis, totals and CAGR', async () => {
    const kv = keyValues(sheet('Summary'));
    const { summary } = report;
    const start = await sql(`SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = 2025`);
    const end = await sql(`SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = 2027 AND employment_status = 'active'`);
    expect(kv.get('Run id')).toBe(summary.runId);
    expect(kv.get('Start-of-year actives 2025')).toBe(start);
    expect(kv.get('Year-end actives 2027')).toBe(end);
    expect(kv.get('Net change')).toBe(end - start);
    expect(kv.get('CAGR %')).toBeCloseTo(((end / start) ** (1 / 3) - 1) * 100, 10);
    expect(kv.get('Total growth %')).toBeCloseTo(((end - start) / start) * 100, 10);
    expect(kv.get('Total hires')).toBe(await sql(`SELECT count(*) FROM fct_yearly_events WHERE event_type = 'hire'`));
    expect(kv.get('Total employer cost')).toBeCloseTo(
      await sql(`SELECT sum(employer_match_amount + employer_core_amount) FROM fct_workforce_snapshot`),
      2,
    );
    expect(kv.get('Events: employer_match')).toBe(await sql(`SELECT count(*) FROM fct_employer_match_events`));
    expect(sheet('Summary').getCell('B9').numFmt).toBe('0.00');
  });

  it('Events summary: year x event type counts', async () => {
    const rows = records(sheet('Events summary'));
    expect(rows.map((r) => r.Year)).toEqual(YEARS);
    const names = header(sheet('Events summary'));
    expect(names[0]).toBe('Year');
    expect(names.at(-1)).toBe('Total');
    expect(names).toEqual(expect.arrayContaining(['hire', 'termination', 'raise', 'employer_match']));
    for (const row of rows) {
      const counts = await query<{ t: string; n: number }>(
        simulation().database,
        `SELECT event_type AS t, count(*)::INTEGER AS n FROM fct_yearly_events WHERE simulation_year = ${row.Year} GROUP BY 1`,
      );
      for (const c of counts) expect(row[c.t], `${row.Year} ${c.t}`).toBe(c.n);
      const match = await sql(`SELECT count(*) FROM fct_employer_match_events WHERE simulation_year = ${row.Year}`);
      expect(row.employer_match).toBe(match);
      expect(row.Total).toBe(counts.reduce((a, c) => a + c.n, 0) + match);
    }
    // A type absent from a year reads 0 (no escalations in the first year).
    expect(rows[0]?.deferral_escalation).toBe(0);
  });

  it('Workforce by year: headcount by status, pay, participation, contributions, match and core', async () => {
    const ws = sheet('Workforce by year');
    const rows = records(ws);
    expect(rows.map((r) => r.Year)).toEqual(YEARS);
    for (const row of rows) {
      const y = row.Year as number;
      const statuses = await query<{ s: string; n: number }>(
        simulation().database,
        `SELECT detailed_status_code AS s, count(*)::INTEGER AS n FROM fct_workforce_snapshot WHERE simulation_year = ${y} GROUP BY 1`,
      );
      for (const s of statuses) expect(row[s.s], `${y} ${s.s}`).toBe(s.n);
      expect(row['Active headcount']).toBe(
        await sql(`SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = ${y} AND employment_status = 'active'`),
      );
      expect(row['Starting actives']).toBe(await sql(`SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = ${y}`));
      expect(row['Average active pay']).toBeCloseTo(
        await sql(`SELECT avg(current_compensation) FROM fct_workforce_snapshot WHERE simulation_year = ${y} AND employment_status = 'active'`),
        6,
      );
      expect(row['Employee contributions']).toBeCloseTo(
        await sql(`SELECT sum(ytd_contributions) FROM fct_workforce_snapshot WHERE simulation_year = ${y}`),
        2,
      );
      expect(row['Employer match']).toBeCloseTo(
        await sql(`SELECT sum(employer_match_amount) FROM fct_workforce_snapshot WHERE simulation_year = ${y}`),
        2,
      );
      expect(row['Employer core']).toBeCloseTo(
        await sql(`SELECT sum(employer_core_amount) FROM fct_workforce_snapshot WHERE simulation_year = ${y}`),
        2,
      );
      const rate = row['Participation rate'] as number;
      expect(rate).toBeGreaterThan(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    const rateColumn = header(ws).indexOf('Participation rate') + 1;
    expect(ws.getRow(2).getCell(rateColumn).numFmt).toBe('0.00%');
  });

  it('Validation: one row per year and rule of the run', async () => {
    const rows = records(sheet('Validation'));
    expect(header(sheet('Validation'))).toEqual(['Year', 'Rule', 'Severity', 'Violations', 'Description']);
    expect(rows).toHaveLength(
      await sql(`SELECT count(*) FROM planalign_validation_results WHERE run_id = '${report.summary.runId}'`),
    );
    const first = (
      await query<{ rule: string; severity: string; v: number; d: string }>(
        simulation().database,
        `SELECT rule, severity, violations::INTEGER AS v, description AS d FROM planalign_validation_results
         WHERE simulation_year = 2025 ORDER BY rule LIMIT 1`,
      )
    )[0];
    expect(rows[0]).toEqual({ Year: 2025, Rule: first?.rule, Severity: first?.severity, Violations: first?.v, Description: first?.d });
  });

  it('Metadata: run identity, versions, years, generated at and the resolved parameters', async () => {
    const kv = keyValues(sheet('Metadata'));
    const run = (
      await query<Record<string, string>>(
        simulation().database,
        `SELECT run_id, config_path, config_hash, census_path, census_hash, seed::VARCHAR AS seed, engine_version, rng_version
         FROM planalign_runs`,
      )
    )[0] as Record<string, string>;
    for (const key of ['run_id', 'config_path', 'config_hash', 'census_path', 'census_hash', 'engine_version', 'rng_version']) {
      expect(kv.get(key), key).toBe(run[key]);
    }
    expect(kv.get('seed')).toBe(Number(run.seed));
    expect(kv.get('duckdb_version')).toBe((await query<{ v: string }>(':memory:', 'SELECT version() AS v'))[0]?.v);
    expect(kv.get('start_year')).toBe(2025);
    expect(kv.get('end_year')).toBe(2027);
    expect(kv.get('generated_at')).toBe(GENERATED_AT.toISOString());
    expect(kv.get('param_simulation.random_seed')).toBe('42');
    expect(kv.get('param_simulation.target_growth_rate')).toMatch(/^0\.03/);
    expect(kv.get('param_dc_plan.ae_window_days')).toBeDefined();
  });
});

describe('reporters', () => {
  it('the file reporter writes every format into its folder when the run ends', async () => {
    const dir = join(tempDir(), 'nested', 'reports');
    const db = await Database.open(simulation().database);
    try {
      const reporter = createFileReporter(dir, ['console', 'json', 'csv', 'xlsx'], { database: () => db });
      expect(reporter.name).toBe('files');
      await reporter.onRunEnd?.(report.summary, report.audits);
      expect(readdirSync(dir).sort()).toEqual(
        ['planalign_report.xlsx', 'summary.json', 'summary.txt', 'year_audits.json', 'yearly_aggregates.csv'],
      );
      expect(reporter.written).toHaveLength(5);
      expect(readFileSync(join(dir, 'summary.txt'), 'utf8')).toContain('Year 2027 audit');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(join(dir, 'planalign_report.xlsx'));
      const meta = workbook.getWorksheet('Metadata');
      expect(meta?.getCell('A4').value).toBe('config_path');
      expect(meta?.getCell('B4').value).toBe('<in-memory>');
    } finally {
      db.close();
    }
  });

  it('without a database, the Metadata sheet holds what the summary carries', async () => {
    const dir = tempDir();
    const reporter = createFileReporter(dir, ['xlsx', 'xlsx']);
    await reporter.onRunEnd?.(report.summary, report.audits);
    expect(reporter.written).toEqual([join(dir, 'planalign_report.xlsx')]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, 'planalign_report.xlsx'));
    const meta = workbook.getWorksheet('Metadata');
    const kv = new Map<string, unknown>();
    meta?.eachRow((row) => kv.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(kv.get('run_id')).toBe(report.summary.runId);
    expect(kv.get('engine_version')).toBe(ENGINE_VERSION);
    expect(kv.get('config_hash')).toBe(report.summary.configHash);
    expect(metadataFromSummary(report.summary, 'v9').duckdbVersion).toBe('v9');
  });

  it('the file reporter defaults to json, csv and xlsx, and takes a database directly', async () => {
    const dir = tempDir();
    const db = await Database.open(simulation().database);
    try {
      const reporter = createFileReporter(dir, undefined, { database: db });
      await reporter.onRunEnd?.(report.summary, report.audits);
    } finally {
      db.close();
    }
    expect(readdirSync(dir).sort()).toEqual(['planalign_report.xlsx', 'summary.json', 'year_audits.json', 'yearly_aggregates.csv']);
    expect(isReportFormat('xlsx')).toBe(true);
    expect(isReportFormat('pdf')).toBe(false);
  });

  it('the console reporter prints each year and the summary', async () => {
    let text = '';
    const reporter = createConsoleReporter({ write: (t: string) => (text += t) });
    for (const audit of report.audits) await reporter.onYear?.(audit);
    await reporter.onRunEnd?.(report.summary, report.audits);
    expect(text).toContain('Year 2025 audit');
    expect(text).toContain('Year 2027 audit');
    expect(text).toContain(`Run ${report.summary.runId}`);
    expect(existsSync(join(process.cwd(), 'summary.txt'))).toBe(false);
  });
});

describe('public API', () => {
  it('re-exports the reporting entry points', async () => {
    const api = await import('../../src/reporting/index.js');
    expect(typeof api.YearAuditor).toBe('function');
    expect(typeof api.MultiYearReporter).toBe('function');
    expect(typeof api.createFileReporter).toBe('function');
    expect(typeof api.exportDatabase).toBe('function');
    expect(api.REPORT_SHEETS).toEqual(['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Metadata']);
  });
});
