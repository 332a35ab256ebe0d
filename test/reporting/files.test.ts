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
import { YEARLY_AGGREGATE_COLUMNS } from '../../src/reporting/columns.js';
import { HEADLINE_METRIC_IDS } from '../../src/reporting/metrics.js';
import { csvField, toCsv, yearlyAggregatesCsv } from '../../src/reporting/render/csv.js';
import { auditRecord, summaryRecord, toJson } from '../../src/reporting/render/json.js';
import { yearSummaryMetric, type YearSummary } from '../../src/reporting/year-summary.js';
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

  it('writes the yearly aggregates with snake_case headers, the metric ids, fractions and cents', async () => {
    const rows = parseCsv(yearlyAggregatesCsv(report.summary.workforceProgression));
    const names = YEARLY_AGGREGATE_COLUMNS.map((c) => c.name);
    expect(rows[0]).toEqual(names);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(names).toEqual(expect.arrayContaining([...HEADLINE_METRIC_IDS]));
    expect(rows).toHaveLength(YEARS.length + 1);
    rows.slice(1).forEach((row, i) => {
      const year = report.summary.workforceProgression[i] as YearSummary;
      YEARLY_AGGREGATE_COLUMNS.forEach((column, c) => {
        const cell = row[c] as string;
        if (column.unit === 'usd') expect(cell, column.name).toMatch(/^-?\d+(\.\d{1,2})?$/);
        if (column.unit === 'fraction') expect(Math.abs(Number(cell)), column.name).toBeLessThanOrEqual(1);
        if (column.unit === 'count') expect(cell, column.name).toMatch(/^\d+$/);
      });
      for (const id of HEADLINE_METRIC_IDS) expect(Number(row[names.indexOf(id)]), id).toBe(yearSummaryMetric(year, id));
      expect(Number(row[names.indexOf('growth_rate')])).toBeCloseTo(year.growthPct / 100, 12);
    });
    // And against the database directly.
    const active2027 = await sql(
      `SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = 2027 AND employment_status = 'active'`,
    );
    const hires2026 = await sql(`SELECT count(*) FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'hire'`);
    const match2025 = await sql(`SELECT sum(employer_match_amount) FROM fct_workforce_snapshot WHERE simulation_year = 2025`);
    const col = (name: string): number => names.indexOf(name);
    expect(Number(rows[3]?.[col('active_headcount')])).toBe(active2027);
    expect(Number(rows[2]?.[col('hires')])).toBe(hires2026);
    expect(Number(rows[1]?.[col('employer_match_cost')])).toBe(match2025);
    // Rates are fractions: 2025's participation as participants / actives.
    const participants2025 = await sql(
      `SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = 2025 AND employment_status = 'active' AND participation_status = 'participating'`,
    );
    const active2025 = await sql(`SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = 2025 AND employment_status = 'active'`);
    expect(Number(rows[1]?.[col('participation_rate')])).toBe(participants2025 / active2025);
  });

  it('is read by DuckDB with the same figures', async () => {
    const dir = tempDir();
    const [path] = await writeReports(dir, ['csv'], report);
    const rows = await query<{ year: number; active_headcount: number; employer_core_cost: number }>(
      ':memory:',
      `SELECT year::INTEGER AS year, active_headcount::INTEGER AS active_headcount, employer_core_cost::DOUBLE AS employer_core_cost
       FROM read_csv('${path}', header = true) ORDER BY year`,
    );
    expect(rows).toEqual(
      report.summary.workforceProgression.map((y) => ({ year: y.year, active_headcount: y.activeHeadcount, employer_core_cost: y.employerCore })),
    );
  });
});

describe('JSON', () => {
  it('writes the summary and the audits with snake_case keys and the metric ids', async () => {
    const dir = tempDir();
    const written = await writeReports(dir, ['json'], report);
    expect(written).toEqual(REPORT_FILES.json.map((f) => join(dir, f)));
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, any>;
    expect(summary).toEqual(summaryRecord(report.summary));
    expect(summary.run_id).toBe(report.summary.runId);
    expect(summary.workforce_progression).toHaveLength(YEARS.length);
    for (const [i, y] of report.summary.workforceProgression.entries()) {
      for (const id of HEADLINE_METRIC_IDS) expect(summary.workforce_progression[i][id], id).toBe(yearSummaryMetric(y, id));
    }
    expect(summary.growth_analysis.cagr).toBeCloseTo(report.summary.growthAnalysis.cagrPct / 100, 12);
    expect(summary.employer_cost.total_employer_plan_cost).toBe(report.summary.employerCost.total);
    // Every key of every object is snake_case (event types and hashes are values, years are keys of none).
    const keys = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.flatMap(keys)
        : value !== null && typeof value === 'object'
          ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)])
          : [];
    const audits = JSON.parse(readFileSync(join(dir, 'year_audits.json'), 'utf8')) as unknown[];
    expect(audits).toEqual(report.audits.map(auditRecord));
    for (const key of [...keys(summary), ...keys(audits)]) expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
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
    expect(header(sheet('Summary'))).toEqual(['metric', 'value', 'description']);
    expect(kv.get('run_id')).toBe(summary.runId);
    expect(kv.get('starting_actives')).toBe(start);
    expect(kv.get('ending_actives')).toBe(end);
    expect(kv.get('net_change')).toBe(end - start);
    // Rates are fractions, shown as percentages.
    expect(kv.get('cagr')).toBeCloseTo((end / start) ** (1 / 3) - 1, 10);
    expect(kv.get('total_growth_rate')).toBeCloseTo((end - start) / start, 10);
    expect(kv.get('hires')).toBe(await sql(`SELECT count(*) FROM fct_yearly_events WHERE event_type = 'hire'`));
    expect(kv.get('total_employer_plan_cost')).toBeCloseTo(
      await sql(`SELECT sum(employer_match_amount + employer_core_amount) FROM fct_workforce_snapshot`),
      2,
    );
    expect(kv.get('events_employer_match')).toBe(await sql(`SELECT count(*) FROM fct_employer_match_events`));
    expect(sheet('Summary').getCell('B9').numFmt).toBe('0.00%');
  });

  it('Events summary: year x event type counts', async () => {
    const rows = records(sheet('Events summary'));
    expect(rows.map((r) => r.year)).toEqual(YEARS);
    const names = header(sheet('Events summary'));
    expect(names[0]).toBe('year');
    expect(names.at(-1)).toBe('all_events');
    expect(names).toEqual(expect.arrayContaining(['hire', 'termination', 'raise', 'employer_match']));
    for (const row of rows) {
      const counts = await query<{ t: string; n: number }>(
        simulation().database,
        `SELECT event_type AS t, count(*)::INTEGER AS n FROM fct_yearly_events WHERE simulation_year = ${row.year} GROUP BY 1`,
      );
      for (const c of counts) expect(row[c.t], `${row.year} ${c.t}`).toBe(c.n);
      const match = await sql(`SELECT count(*) FROM fct_employer_match_events WHERE simulation_year = ${row.year}`);
      expect(row.employer_match).toBe(match);
      expect(row.all_events).toBe(counts.reduce((a, c) => a + c.n, 0) + match);
    }
    // A type absent from a year reads 0 (no escalations in the first year).
    expect(rows[0]?.deferral_escalation).toBe(0);
  });

  it('Workforce by year: headcount by status, pay, participation, contributions, match and core', async () => {
    const ws = sheet('Workforce by year');
    const rows = records(ws);
    // The columns of yearly_aggregates.csv (the metric ids among them), plus the head count by status.
    const statuses = new Set(report.audits.flatMap((a) => a.workforceByStatus.map((s) => s.status)));
    expect(header(ws).filter((h) => !statuses.has(h))).toEqual(YEARLY_AGGREGATE_COLUMNS.map((c) => c.name));
    expect(rows.map((r) => r.year)).toEqual(YEARS);
    for (const row of rows) {
      const y = row.year as number;
      const statuses = await query<{ s: string; n: number }>(
        simulation().database,
        `SELECT detailed_status_code AS s, count(*)::INTEGER AS n FROM fct_workforce_snapshot WHERE simulation_year = ${y} GROUP BY 1`,
      );
      for (const s of statuses) expect(row[s.s], `${y} ${s.s}`).toBe(s.n);
      expect(row.active_headcount).toBe(
        await sql(`SELECT count(*) FROM fct_workforce_snapshot WHERE simulation_year = ${y} AND employment_status = 'active'`),
      );
      expect(row.starting_actives).toBe(await sql(`SELECT count(*) FROM int_employee_compensation_by_year WHERE simulation_year = ${y}`));
      expect(row.average_active_pay).toBeCloseTo(
        await sql(`SELECT avg(current_compensation) FROM fct_workforce_snapshot WHERE simulation_year = ${y} AND employment_status = 'active'`),
        2,
      );
      expect(row.employee_contributions).toBeCloseTo(
        await sql(`SELECT sum(ytd_contributions) FROM fct_workforce_snapshot WHERE simulation_year = ${y}`),
        2,
      );
      expect(row.employer_match_cost).toBeCloseTo(
        await sql(`SELECT sum(employer_match_amount) FROM fct_workforce_snapshot WHERE simulation_year = ${y}`),
        2,
      );
      expect(row.employer_core_cost).toBeCloseTo(
        await sql(`SELECT sum(employer_core_amount) FROM fct_workforce_snapshot WHERE simulation_year = ${y}`),
        2,
      );
      const rate = row.participation_rate as number;
      expect(rate).toBeGreaterThan(0);
      expect(rate).toBeLessThanOrEqual(1);
    }
    const rateColumn = header(ws).indexOf('participation_rate') + 1;
    expect(ws.getRow(2).getCell(rateColumn).numFmt).toBe('0.00%');
  });

  it('Validation: one row per year and rule of the run', async () => {
    const rows = records(sheet('Validation'));
    expect(header(sheet('Validation'))).toEqual(['year', 'rule', 'severity', 'violations', 'description']);
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
    expect(rows[0]).toEqual({ year: 2025, rule: first?.rule, severity: first?.severity, violations: first?.v, description: first?.d });
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
        ['compliance_tests.csv', 'planalign_report.xlsx', 'summary.json', 'summary.txt', 'year_audits.json', 'yearly_aggregates.csv'],
      );
      expect(reporter.written).toHaveLength(6);
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
    expect(readdirSync(dir).sort()).toEqual(['compliance_tests.csv', 'planalign_report.xlsx', 'summary.json', 'year_audits.json', 'yearly_aggregates.csv']);
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
    expect(api.REPORT_SHEETS).toEqual(['Summary', 'Events summary', 'Workforce by year', 'Validation', 'Compliance', 'Metadata']);
  });
});
