import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { comparisonHeaders, writeComparisonWorkbook } from '../../src/batch/comparison.js';
import { compareCommand } from '../../src/cli/commands/compare.js';
import { parseDiscountRate } from '../../src/cli/options.js';
import { Database } from '../../src/db/database.js';
import { DatabaseInUseError, ExitCode, UsageError } from '../../src/errors.js';
import { HEADLINE_METRICS, formatMetric, readYearMetrics, type YearMetrics } from '../../src/reporting/metrics.js';
import {
  chooseBaseline,
  compareScenarios,
  formatDelta,
  formatDeltaPct,
  formatScenarioComparison,
  readScenarioMetrics,
  type ScenarioComparison,
} from '../../src/reporting/scenario-compare.js';
import { holdDatabase, runCli } from '../support/cli.js';
import { defaultConfigObject, makeCensus, simulate } from '../support/engine.js';
import { captureOutput } from './helpers.js';

/**
 * Two real scenarios of one 300-employee census: A the default plan for 2025-2026; B with 6 % growth
 * and a 100 % match (instead of 50 %) for 2025-2027, so B has a year A lacks.
 */
let dir = '';
let a = '';
let b = '';
let metricsA: YearMetrics[] = [];
let metricsB: YearMetrics[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-scenario-compare-'));
  const census = await makeCensus(dir, 300);
  const config = defaultConfigObject();
  config.simulation.target_growth_rate = 0.06;
  config.employer_match.formulas.simple_match.match_rate = 1.0;
  a = (await simulate({ dir, census, name: 'a', years: [2025, 2026] })).database;
  b = (await simulate({ dir, census, name: 'b', years: [2025, 2027], config })).database;
  const read = async (path: string): Promise<YearMetrics[]> => {
    const db = await Database.open(path, { readOnly: true });
    try {
      return await readYearMetrics(db);
    } finally {
      db.close();
    }
  };
  metricsA = await read(a);
  metricsB = await read(b);
}, 180_000);
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const year = (metrics: YearMetrics[], y: number): YearMetrics => {
  const found = metrics.find((m) => m.year === y);
  if (found === undefined) throw new Error(`no ${y}`);
  return found;
};

describe('planalign compare A B: the scenario comparison', () => {
  it('the scenarios really differ (so the deltas below are not all zero)', () => {
    expect(metricsA.map((m) => m.year)).toEqual([2025, 2026]);
    expect(metricsB.map((m) => m.year)).toEqual([2025, 2026, 2027]);
    expect(year(metricsB, 2026).active_headcount).toBeGreaterThan(year(metricsA, 2026).active_headcount);
    expect(year(metricsB, 2026).employer_match_cost).toBeGreaterThan(year(metricsA, 2026).employer_match_cost * 1.5);
  });

  it('--json: every headline metric per year for A, B, B − A and % delta; cost share, per participant and PV by hand', async () => {
    const out = await captureOutput(() => compareCommand(a, b, { json: true, discountRate: '5%' }));
    expect(out.result).toBe(ExitCode.Success);
    const json = JSON.parse(out.stdout) as ScenarioComparison;
    expect(json.baseline).toBe('A');
    expect(json.discount_rate).toBe(0.05);
    expect(json.scenarios).toEqual([
      { name: 'A', database: a, years: [2025, 2026] },
      { name: 'B', database: b, years: [2025, 2026, 2027] },
    ]);
    // 2027 is shown and named, not dropped; the all-years figures cover the years both have.
    expect(json.years).toEqual({ shown: [2025, 2026, 2027], in_all: [2025, 2026], missing: { A: [2027], B: [] } });
    expect(json.notes).toEqual([`A (${a}) has no year 2027: left out of the all-years figures and the present value`]);
    expect(json.valuation_date).toBe('2025-01-01');

    for (const y of [2025, 2026]) {
      const ya = year(metricsA, y);
      const yb = year(metricsB, y);
      const figures = json.by_year.find((r) => r.year === y)?.metrics;
      for (const id of ['active_headcount', 'total_compensation', 'participation_rate', 'avg_deferral_rate', 'employee_contributions',
        'employer_match_cost', 'employer_core_cost', 'total_employer_plan_cost'] as const) {
        const f = figures?.[id];
        expect(f?.values, `${y} ${id}`).toEqual({ A: ya[id], B: yb[id] });
        expect(f?.delta.B, `${y} ${id}`).toBeCloseTo(yb[id] - ya[id], 6);
        expect(f?.delta_pct.B, `${y} ${id}`).toBeCloseTo((yb[id] - ya[id]) / ya[id], 12);
        expect(f?.delta).not.toHaveProperty('A');
      }
      // Dollars to the cent: the differences of money are whole cents.
      const costDelta = figures?.total_employer_plan_cost.delta.B as number;
      expect(Math.round(costDelta * 100)).toBeCloseTo(costDelta * 100, 6);
      expect(figures?.employer_cost_share_of_payroll.values.B).toBeCloseTo(yb.total_employer_plan_cost / yb.total_compensation, 12);
      expect(figures?.employer_cost_per_participant.values.A).toBe(Math.round((ya.total_employer_plan_cost / ya.participants) * 100) / 100);
    }
    const y2027 = json.by_year.find((r) => r.year === 2027)?.metrics;
    expect(y2027?.active_headcount).toEqual({
      values: { A: null, B: year(metricsB, 2027).active_headcount },
      delta: { B: null },
      delta_pct: { B: null },
    });

    // PV at 5 %, valued at Jan 1 2025: each year's cost discounted from its year end.
    const cost = (m: YearMetrics[], y: number) => year(m, y).total_employer_plan_cost;
    const pvA = cost(metricsA, 2025) / 1.05 + cost(metricsA, 2026) / 1.05 ** 2;
    const pvB = cost(metricsB, 2025) / 1.05 + cost(metricsB, 2026) / 1.05 ** 2;
    const pv = json.total.metrics.present_value_employer_cost;
    expect(pv.values.A).toBeCloseTo(pvA, 2);
    expect(pv.values.B).toBeCloseTo(pvB, 2);
    expect(pv.delta.B).toBeCloseTo(pvB - pvA, 2);
    // All years: money summed, ratios of the sums, headcount not summed.
    expect(json.total.years).toEqual([2025, 2026]);
    expect(json.total.metrics.total_employer_plan_cost.values.B).toBeCloseTo(cost(metricsB, 2025) + cost(metricsB, 2026), 2);
    expect(json.total.metrics.active_headcount.values).toEqual({ A: null, B: null });
    const compA = year(metricsA, 2025).total_compensation + year(metricsA, 2026).total_compensation;
    expect(json.total.metrics.employer_cost_share_of_payroll.values.A).toBeCloseTo((cost(metricsA, 2025) + cost(metricsA, 2026)) / compA, 12);
    const partsB = year(metricsB, 2025).participants + year(metricsB, 2026).participants;
    const activesB = year(metricsB, 2025).active_headcount + year(metricsB, 2026).active_headcount;
    expect(json.total.metrics.participation_rate.values.B).toBeCloseTo(partsB / activesB, 12);
    expect(json.total.metrics.employer_cost_per_participant.values.B).toBeCloseTo((cost(metricsB, 2025) + cost(metricsB, 2026)) / partsB, 2);
  });

  it('PV by hand at r = 0 and r = 0.05 over two years, on made-up figures', () => {
    const y = (yr: number, cost: number): YearMetrics => ({
      year: yr,
      participants: 10,
      starting_actives: 20,
      average_active_pay: 50_000,
      active_headcount: 20,
      total_compensation: 1_000_000,
      participation_rate: 0.5,
      avg_deferral_rate: 0.06,
      employee_contributions: 0,
      employer_match_cost: cost,
      employer_core_cost: 0,
      total_employer_plan_cost: cost,
    });
    const scenarios = [
      { name: 'base', database: 'x', years: [y(2030, 10_500), y(2031, 22_050)] },
      { name: 'alt', database: 'y', years: [y(2030, 21_000), y(2031, 11_025)] },
    ];
    const at0 = compareScenarios(scenarios, { baseline: 'base' }).total.metrics.present_value_employer_cost;
    expect(at0.values).toEqual({ base: 32_550, alt: 32_025 });
    expect(at0.delta).toEqual({ alt: -525 });
    expect(at0.delta_pct.alt).toBeCloseTo(-525 / 32_550, 12);
    // 10,500 / 1.05 + 22,050 / 1.05² = 10,000 + 20,000; 21,000 / 1.05 + 11,025 / 1.05² = 20,000 + 10,000.
    const at5 = compareScenarios(scenarios, { baseline: 'base', discountRate: 0.05 }).total.metrics.present_value_employer_cost;
    expect(at5.values).toEqual({ base: 30_000, alt: 30_000 });
    expect(at5.delta).toEqual({ alt: 0 });
    expect(at5.delta_pct).toEqual({ alt: 0 });
    // Per participant and share of payroll, each year and over both.
    const c = compareScenarios(scenarios, { baseline: 'base' });
    expect(c.by_year[0]?.metrics.employer_cost_per_participant.values).toEqual({ base: 1_050, alt: 2_100 });
    expect(c.by_year[0]?.metrics.employer_cost_share_of_payroll.values).toEqual({ base: 0.0105, alt: 0.021 });
    expect(c.total.metrics.employer_cost_per_participant.values).toEqual({ base: 1_627.5, alt: 1_601.25 });
  });

  it('console text: units on every figure, the differences, and the year only B has', async () => {
    const out = await captureOutput(() => compareCommand(a, b, { discountRate: '0.05' }));
    expect(out.result).toBe(ExitCode.Success);
    const text = out.stdout;
    expect(text).toContain('Scenario comparison against the baseline A');
    expect(text).toContain('Present value at 5.00 % a year, valued at 2025-01-01');
    const ya = year(metricsA, 2026);
    const yb = year(metricsB, 2026);
    const block2026 = text.slice(text.indexOf('\n2026\n'), text.indexOf('\n2027'));
    const row = (label: string) => block2026.split('\n').find((l) => l.trimStart().startsWith(label)) ?? '';
    const cost = row('Total employer plan cost');
    expect(cost).toContain(formatMetric('usd', ya.total_employer_plan_cost));
    expect(cost).toContain(formatMetric('usd', yb.total_employer_plan_cost));
    expect(cost).toContain(formatDelta('usd', yb.total_employer_plan_cost, ya.total_employer_plan_cost));
    expect(cost).toMatch(/\+\$[\d,]+ +\+\d+\.\d %$/);
    const headcount = row('Active headcount');
    expect(headcount).toContain(`+${yb.active_headcount - ya.active_headcount}`);
    expect(row('Participation rate')).toMatch(/\d+\.\d % +\d+\.\d % +[+-]?\d+\.\d pt +[+-]?\d+\.\d %$|n\/a$/);
    expect(row('Employer cost, % of payroll')).toMatch(/%/);
    expect(text).toContain('2027 (not in A)');
    expect(text).toMatch(/All years 2025-2026\n/);
    expect(text).toMatch(/Present value of employer cost +\$[\d,]+ +\$[\d,]+ +\+\$[\d,]+ +\+\d+\.\d %/);
    expect(text).toContain(`Note: A (${a}) has no year 2027`);
  });

  it('console differences are those of the figures shown; a difference that shows as zero has no sign', () => {
    const y = (cost: number, rate: number): YearMetrics => ({
      year: 2030,
      participants: 10,
      starting_actives: 20,
      average_active_pay: 50_000,
      active_headcount: 20,
      total_compensation: 1_000_000,
      participation_rate: rate,
      avg_deferral_rate: 0.06,
      employee_contributions: 0,
      employer_match_cost: cost,
      employer_core_cost: 0,
      total_employer_plan_cost: cost,
    });
    // $868,107.50 shows as $868,108 and $882,382.49 as $882,382: the shown difference is $14,274, not
    // the $14,274.99 of the exact one rounded to $14,275. 78.41 % and 78.405 % both show as 78.4 %.
    const comparison = compareScenarios(
      [
        { name: 'A', database: 'a', years: [y(868_107.5, 0.7841)] },
        { name: 'B', database: 'b', years: [y(882_382.49, 0.78405)] },
      ],
      { baseline: 'A' },
    );
    const text = formatScenarioComparison(comparison);
    const row = (label: string) => text.split('\n').find((l) => l.trimStart().startsWith(label)) ?? '';
    expect(row('Total employer plan cost')).toMatch(/ \$868,108 +\$882,382 +\+\$14,274 +\+1\.6 %$/);
    expect(row('Participation rate')).toMatch(/ 78\.4 % +78\.4 % +0\.0 pt +0\.0 %$/);
    // --json keeps the exact differences.
    const cost = comparison.by_year[0]?.metrics.total_employer_plan_cost;
    expect(cost?.delta.B).toBe(14_274.99);
    expect(comparison.by_year[0]?.metrics.participation_rate.delta.B).toBeCloseTo(-0.00005, 12);
    // Never a negative zero, in any unit.
    expect(formatDelta('fraction', 0.78405, 0.7841)).toBe('0.0 pt');
    expect(formatDelta('fraction', 0.783, 0.7841)).toBe('-0.1 pt');
    expect(formatDelta('usd', 100.4, 100.45)).toBe('$0');
    expect(formatDelta('count', 7, 9)).toBe('-2');
    expect(formatDeltaPct(-0.00004)).toBe('0.0 %');
    expect(formatDeltaPct(-0.0004)).toBe('0.0 %');
    expect(formatDeltaPct(-0.0006)).toBe('-0.1 %');
    expect(formatMetric('fraction', -0.00001)).toBe('0.0 %');
    expect(formatMetric('usd', -0.4)).toBe('$0');
  });

  it('--years narrows both; --identical keeps the identity report and exit 3', async () => {
    const narrowed = await captureOutput(() => compareCommand(a, b, { json: true, years: '2026-2027' }));
    const json = JSON.parse(narrowed.stdout) as ScenarioComparison;
    expect(json.year_range).toEqual([2026, 2027]);
    expect(json.years.shown).toEqual([2026, 2027]);
    expect(json.valuation_date).toBe('2026-01-01');
    // r = 0: the PV is the plain sum of the years both have (here 2026 alone).
    expect(json.total.metrics.present_value_employer_cost.values.A).toBe(year(metricsA, 2026).total_employer_plan_cost);

    const identical = await captureOutput(() => compareCommand(a, b, { identical: true }));
    expect(identical.result).toBe(ExitCode.ValidationFailure);
    expect(identical.stdout).toMatch(/Result: different over 2 year\(s\) 2025-2026/);
  });

  it('usage errors: options of the other mode, bad discount rates, files that are not simulations', async () => {
    const usage = async (work: () => Promise<unknown>, message: RegExp): Promise<void> => {
      const error = await work().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    };
    await usage(() => compareCommand(a, b, { tolerance: '1%' }), /--tolerance belongs to the identity check: add --identical/);
    await usage(() => compareCommand(a, b, { limit: '3' }), /--limit belongs to the identity check/);
    await usage(() => compareCommand(a, b, { identical: true, discountRate: '3%' }), /--discount-rate belongs to the scenario comparison/);
    await usage(() => compareCommand(a, b, { discountRate: 'abc' }), /--discount-rate must be a rate/);
    await usage(() => compareCommand(a, b, { discountRate: '3' }), /below 100 %.*write 0\.03 or 3%/);
    await usage(() => compareCommand(a, b, { years: '2040-2041' }), /Neither .* holds a simulated year in 2040-2041/);
    await usage(() => compareCommand(a, join(dir, 'nope.duckdb'), {}), /nope\.duckdb not found/);
    const text = join(dir, 'text.duckdb');
    writeFileSync(text, 'not a database at all, just some text that is long enough to be read as a header');
    await usage(() => readScenarioMetrics('T', text), /Cannot open .*text\.duckdb as a DuckDB database/);
    const empty = join(dir, 'empty.duckdb');
    (await Database.open(empty)).close();
    await usage(() => readScenarioMetrics('E', empty), /not a simulation database: it has no fct_workforce_snapshot table/);
    expect(parseDiscountRate('3%')).toBeCloseTo(0.03, 12);
    expect(parseDiscountRate(' .05 ')).toBe(0.05);
    expect(parseDiscountRate('0')).toBe(0);
    // The baseline: named, else `baseline`, else the first by name; an unknown name lists them.
    expect(chooseBaseline(['b', 'a'])).toBe('a');
    expect(chooseBaseline(['z', 'baseline'])).toBe('baseline');
    expect(() => chooseBaseline(['b', 'a'], 'c')).toThrow('Unknown baseline "c"; the scenarios are: a, b');
  });

  it('agreement: compare --json and the batch workbook give readYearMetrics\' figures exactly', async () => {
    const json = JSON.parse((await captureOutput(() => compareCommand(a, b, { json: true }))).stdout) as ScenarioComparison;
    const comparison = compareScenarios([
      await readScenarioMetrics('A', a),
      await readScenarioMetrics('B', b),
    ]);
    expect(comparison).toEqual({ ...json, scenarios: comparison.scenarios });
    const path = join(dir, 'comparison.xlsx');
    await writeComparisonWorkbook(path, comparison, [], new Date(0));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('Comparison') as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(comparisonHeaders(comparison));
    expect(comparisonHeaders(comparison)).toEqual(['Metric', 'Year', 'A', 'B', 'B − A', 'B vs A %']);
    const cells = new Map<string, unknown[]>();
    sheet.eachRow((row, n) => {
      if (n > 1) cells.set(`${String(row.getCell(1).value)} ${String(row.getCell(2).value)}`, (row.values as unknown[]).slice(3));
    });
    for (const [name, metrics] of [['A', metricsA], ['B', metricsB]] as const) {
      for (const m of metrics) {
        for (const def of HEADLINE_METRICS) {
          const [va, vb] = cells.get(`${def.label} ${m.year}`) ?? [];
          expect(name === 'A' ? va : vb, `${name} ${m.year} ${def.id}`).toBe(m[def.id]);
        }
      }
    }
    // A rate's difference is in percentage points, formatted "pt" like the console's, beside the relative "vs %".
    const rateRow = (() => {
      let found: ExcelJS.Row | undefined;
      sheet.eachRow((row) => {
        if (row.getCell(1).value === 'Participation rate' && row.getCell(2).value === 2026) found = row;
      });
      return found as ExcelJS.Row;
    })();
    const rateDelta = comparison.by_year.find((y) => y.year === 2026)?.metrics.participation_rate.delta.B as number;
    expect(rateRow.getCell(5).value).toBeCloseTo(rateDelta * 100, 10);
    expect(rateRow.getCell(5).numFmt).toBe('+0.00" pt";-0.00" pt";0.00" pt"');
    expect(rateRow.getCell(6).numFmt).toBe('+0.0%;-0.0%;0.0%');
    // A year B alone has: A's cell is empty.
    expect(cells.get('Active headcount 2027')?.slice(0, 2)).toEqual([undefined, year(metricsB, 2027).active_headcount]);
    expect(workbook.getWorksheet('Charts')?.getImages().length).toBe(4);
  });

  it('the workbook is dated by its stamp, not the clock: the same figures give the same bytes', async () => {
    const comparison = compareScenarios([await readScenarioMetrics('A', a), await readScenarioMetrics('B', b)]);
    const stamp = new Date('2030-05-06T07:08:09.000Z');
    const writeAt = async (now: string, name: string): Promise<Buffer> => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(now));
      try {
        const path = join(dir, name);
        await writeComparisonWorkbook(path, comparison, [], stamp);
        return readFileSync(path);
      } finally {
        vi.useRealTimers();
      }
    };
    const first = await writeAt('2040-01-01T00:00:00Z', 'first.xlsx');
    expect(first.equals(await writeAt('2041-06-15T12:34:56Z', 'second.xlsx'))).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(first);
    expect(workbook.created.toISOString()).toBe(stamp.toISOString());
  });

  it('a database held for writing: the readers\' message naming the holder, wait or stop (never copy)', async () => {
    const held = join(dir, 'held.duckdb');
    copyFileSync(a, held);
    const holder = await holdDatabase(held);
    try {
      const error = await compareCommand(held, b, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseInUseError);
      expect((error as Error).message).toBe(`Database ${held} is in use by PID ${holder.pid}`);
      expect((error as DatabaseInUseError).hint).toBe(
        `PID ${holder.pid} has it open for writing. Wait for the run to finish (planalign status --database ${held} shows its progress), ` +
          `or stop it (a stopped run resumes with planalign simulate --resume); then read it again.`,
      );
    } finally {
      holder.release();
    }
  });

  it('on the command line: exit 0 for two different scenarios, 3 with --identical, 2 on usage errors', () => {
    const run = runCli(['compare', a, b, '--discount-rate', '5%']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Present value of employer cost');
    const json = runCli(['compare', a, b, '--json']);
    expect(json.status, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as ScenarioComparison).discount_rate).toBe(0);
    expect(runCli(['compare', '--identical', a, b]).status).toBe(3);
    const bad = runCli(['compare', a, b, '--discount-rate', 'x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--discount-rate must be a rate');
    expect(runCli(['compare', a, b, '--tolerance', '1%']).status).toBe(2);
  });
});
