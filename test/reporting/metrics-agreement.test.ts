import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readComparison, writeComparisonWorkbook } from '../../src/batch/comparison.js';
import { Database } from '../../src/db/database.js';
import { compareScenarios, type ScenarioComparison } from '../../src/reporting/scenario-compare.js';
import { formatMetric, HEADLINE_METRICS, readYearMetrics, type HeadlineMetricId, type YearMetrics } from '../../src/reporting/metrics.js';
import { runCli } from '../support/cli.js';
import { makeCensus } from '../support/engine.js';
import { parseCsv } from './helpers.js';

/**
 * Every reader of the headline metrics gives the figures of readYearMetrics (their one definition) for
 * one simulated database, every metric and every year. A reader is one entry of READERS: what it
 * shows per year and metric, either the number itself or, for text meant for people, the text.
 */

interface Context {
  /** The run's console output (`planalign simulate`, text mode). */
  simulateStdout: string;
  database: string;
  /** A scratch folder of this file. */
  dir: string;
  /** The folder of `planalign export` into `dir`, once run. */
  exportDir?: string;
}

/** Per year, per metric id: the figure as the reader shows it. */
type Shown = Map<number, Partial<Record<HeadlineMetricId, number | string>>>;

interface Reader {
  name: string;
  /** 'number': equals the metric; 'text': equals formatMetric of the metric (consoles). */
  shows: 'number' | 'text';
  read(context: Context): Promise<Shown> | Shown;
}

/** A console table (`textTable`): header cells and rows split on runs of two or more spaces. */
function parseTextTables(text: string): Array<{ header: string[]; rows: string[][] }> {
  const tables: Array<{ header: string[]; rows: string[][] }> = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i + 1 < lines.length && /^-+(\s+-+)+$/.test(lines[i + 1] as string)) {
      const rows: string[][] = [];
      for (let j = i + 2; j < lines.length && (lines[j] as string).trim() !== ''; j += 1) rows.push((lines[j] as string).trim().split(/\s{2,}/));
      tables.push({ header: line.trim().split(/\s{2,}/), rows });
    }
  });
  return tables;
}

/** The cells of every table with a Year column whose header is a metric's label. */
function consoleFigures(text: string): Shown {
  const shown: Shown = new Map();
  for (const table of parseTextTables(text)) {
    if (table.header[0] !== 'Year') continue;
    for (const row of table.rows) {
      const year = Number(row[0]);
      if (!Number.isInteger(year)) continue;
      const figures = shown.get(year) ?? {};
      for (const metric of HEADLINE_METRICS) {
        const column = table.header.indexOf(metric.label);
        if (column >= 0) figures[metric.id] = row[column] as string;
      }
      shown.set(year, figures);
    }
  }
  return shown;
}

function byYear(rows: ReadonlyArray<Record<string, unknown>>, yearKey = 'year'): Shown {
  const shown: Shown = new Map();
  for (const row of rows) {
    const figures: Partial<Record<HeadlineMetricId, number>> = {};
    for (const metric of HEADLINE_METRICS) if (metric.id in row) figures[metric.id] = Number(row[metric.id]);
    shown.set(Number(row[yearKey]), figures);
  }
  return shown;
}

/** `planalign export` of the database (run once, read by every export reader). */
function exported(context: Context): string {
  if (context.exportDir === undefined) {
    const out = join(context.dir, 'export');
    const result = runCli(['export', '--database', context.database, '--out', out]);
    if (result.status !== 0) throw new Error(`export failed: ${result.stderr}`);
    context.exportDir = out;
  }
  return context.exportDir;
}

/** `planalign compare` of the database with itself (the text form): per year block, each metric's A cell. */
function compareConsoleFigures(text: string): Shown {
  const shown: Shown = new Map();
  let year: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('  ')) {
      // A block title: a year, or the scenario list, the all-years block, notes.
      if (line !== '') year = /^\d{4}$/.test(line) ? Number(line) : undefined;
      continue;
    }
    if (year === undefined) continue;
    const [label, a] = line.trim().split(/\s{2,}/);
    const metric = HEADLINE_METRICS.find((m) => m.label === label);
    if (metric !== undefined) shown.set(year, { ...shown.get(year), [metric.id]: a as string });
  }
  return shown;
}

const READERS: Reader[] = [
  { name: 'planalign simulate console tables', shows: 'text', read: (c) => consoleFigures(c.simulateStdout) },
  {
    name: 'planalign analyze workforce (console)',
    shows: 'text',
    read: (c) => consoleFigures(runCli(['analyze', 'workforce', '--database', c.database]).stdout),
  },
  {
    name: 'planalign analyze workforce --json',
    shows: 'number',
    read: (c) => byYear((JSON.parse(runCli(['analyze', 'workforce', '--database', c.database, '--json']).stdout) as { rows: Array<Record<string, unknown>> }).rows),
  },
  {
    name: 'export yearly_aggregates.csv',
    shows: 'number',
    read: (c) => {
      const [header, ...rows] = parseCsv(readFileSync(join(exported(c), 'yearly_aggregates.csv'), 'utf8'));
      return byYear(rows.map((row) => Object.fromEntries((header as string[]).map((h, i) => [h, row[i]]))));
    },
  },
  {
    name: 'export summary.json',
    shows: 'number',
    read: (c) => {
      const summary = JSON.parse(readFileSync(join(exported(c), 'summary.json'), 'utf8')) as { workforce_progression: Array<Record<string, unknown>> };
      return byYear(summary.workforce_progression);
    },
  },
  {
    name: 'planalign compare A A (console)',
    shows: 'text',
    read: (c) => compareConsoleFigures(runCli(['compare', c.database, c.database]).stdout),
  },
  {
    name: 'planalign compare A A --json',
    shows: 'number',
    read: (c) => {
      const json = JSON.parse(runCli(['compare', c.database, c.database, '--json']).stdout) as ScenarioComparison;
      return new Map(json.by_year.map((y) => [y.year, Object.fromEntries(HEADLINE_METRICS.map((m) => [m.id, y.metrics[m.id].values.A as number]))]));
    },
  },
  {
    name: 'batch comparison.xlsx (Comparison sheet)',
    shows: 'number',
    read: async (c) => {
      // The batch's own path after its runs: read the scenario databases, compare, write the workbook.
      const read = await readComparison([{ name: 'S', database: c.database }]);
      const path = join(c.dir, 'comparison.xlsx');
      await writeComparisonWorkbook(path, compareScenarios(read.scenarios), [], new Date(0));
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(path);
      const shown: Shown = new Map();
      workbook.getWorksheet('Comparison')?.eachRow((row, n) => {
        const metric = HEADLINE_METRICS.find((m) => m.label === row.getCell(1).value);
        const year = row.getCell(2).value;
        if (n === 1 || metric === undefined || typeof year !== 'number') return;
        shown.set(year, { ...shown.get(year), [metric.id]: row.getCell(3).value as number });
      });
      return shown;
    },
  },
];

describe('every reader gives the headline metrics of readYearMetrics', () => {
  const context: Context = { simulateStdout: '', database: '', dir: '' };
  let metrics: YearMetrics[] = [];

  beforeAll(async () => {
    context.dir = mkdtempSync(join(tmpdir(), 'planalign-agreement-'));
    const census = await makeCensus(context.dir, 400);
    context.database = join(context.dir, 'sim.duckdb');
    const run = runCli(['simulate', '2025-2026', '--census', census, '--database', context.database]);
    if (run.status !== 0) throw new Error(`simulate failed: ${run.stderr}`);
    context.simulateStdout = run.stdout;
    const db = await Database.open(context.database, { readOnly: true });
    try {
      metrics = await readYearMetrics(db);
    } finally {
      db.close();
    }
  }, 120_000);
  afterAll(() => rmSync(context.dir, { recursive: true, force: true }));

  it('reads two years with non-zero figures', () => {
    expect(metrics.map((m) => m.year)).toEqual([2025, 2026]);
    for (const m of metrics) for (const metric of HEADLINE_METRICS) expect(m[metric.id], metric.id).toBeGreaterThan(0);
  });

  for (const reader of READERS) {
    it(reader.name, async () => {
      const shown = await reader.read(context);
      expect([...shown.keys()].sort()).toEqual(metrics.map((m) => m.year));
      for (const m of metrics) {
        const figures = shown.get(m.year) ?? {};
        for (const metric of HEADLINE_METRICS) {
          const expected = reader.shows === 'text' ? formatMetric(metric.unit, m[metric.id]) : m[metric.id];
          expect(figures[metric.id], `${reader.name} ${m.year} ${metric.id}`).toBe(expected);
        }
      }
    });
  }
});
