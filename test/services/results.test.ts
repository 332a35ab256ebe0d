import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readComplianceResults } from '../../src/reporting/compliance.js';
import { readYearMetrics, type YearMetrics } from '../../src/reporting/metrics.js';
import { readYearCounts } from '../../src/reporting/year-summary.js';
import {
  RESULT_GROUPS,
  RESULT_METRICS,
  complianceByYear,
  deferralDistribution,
  queryResults,
  type ResultQuery,
  type RunSource,
} from '../../src/services/results.js';
import { holdDatabase } from '../support/cli.js';
import { queryRun, readRun, sharedRun } from './shared-runs.js';

/** One real run of a 300-employee census over 2025-2026 (shared-runs.ts), and a folder for copies of it. */
let dir = '';
let run: RunSource = { label: 'r', database: '' };
let metrics: YearMetrics[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-results-'));
  run = { label: 'base', database: await sharedRun('base') };
  metrics = await readRun(run.database, (db) => readYearMetrics(db));
}, 120_000);
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const ADDITIVE = [
  'active_headcount',
  'terminated_headcount',
  'hires',
  'experienced_terminations',
  'new_hire_terminations',
  'participants',
  'total_compensation',
  'employee_contributions',
  'employer_match_cost',
  'employer_core_cost',
  'total_employer_plan_cost',
];
const SLICEABLE = RESULT_METRICS.filter((m) => m.groupable).map((m) => m.id);

const refusal = async (work: () => Promise<unknown>): Promise<string> => {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
};

describe('queryResults', () => {
  it('ungrouped, every figure readYearMetrics has equals it, and the counts equal the year counts', async () => {
    const { columns, rows } = await queryResults([run], { metrics: RESULT_METRICS.map((m) => m.id) });
    expect(columns.map((c) => c.id)).toEqual(['run', 'year', ...RESULT_METRICS.map((m) => m.id)]);
    expect(rows.map((r) => r.year)).toEqual([2025, 2026]);
    expect(metrics.map((m) => m.year)).toEqual([2025, 2026]);
    for (const [i, m] of metrics.entries()) {
      const row = rows[i] as Record<string, unknown>;
      expect(row.run).toBe('base');
      for (const id of RESULT_METRICS.map((r) => r.id)) {
        if (id in m) expect(row[id], id).toBe(m[id as keyof YearMetrics]);
      }
      expect(row.employer_cost_pct_of_payroll).toBeCloseTo(m.total_employer_plan_cost / m.total_compensation, 12);
      expect(row.employer_cost_per_participant).toBeCloseTo(m.total_employer_plan_cost / m.participants, 2);
      const counts = await readRun(run.database, (db) => readYearCounts(db, m.year));
      const status = (code: string) => counts.workforceByStatus.find((s) => s.status === code)?.count ?? 0;
      expect(row.hires).toBe(counts.eventsByType.find((e) => e.eventType === 'hire')?.count);
      expect(row.experienced_terminations).toBe(status('experienced_termination'));
      expect(row.new_hire_terminations).toBe(status('new_hire_termination'));
      expect(row.terminated_headcount).toBe(status('experienced_termination') + status('new_hire_termination'));
    }
    // The run has what the tests below need: hires, leavers of both kinds, money.
    expect(rows.every((r) => (r.hires as number) > 0 && (r.new_hire_terminations as number) > 0 && (r.employer_match_cost as number) > 0)).toBe(true);
  });

  it('each grouping adds up to the year for the additive figures', async () => {
    const whole = (await queryResults([run], { metrics: ADDITIVE })).rows;
    for (const groupBy of RESULT_GROUPS) {
      const { columns, rows } = await queryResults([run], { metrics: ADDITIVE, groupBy });
      expect(columns[2]).toMatchObject({ id: 'group', unit: 'text' });
      for (const year of whole) {
        const groups = rows.filter((r) => r.year === year.year);
        expect(groups.length, groupBy).toBeGreaterThan(1);
        for (const id of ADDITIVE) {
          const sum = groups.reduce((acc, r) => acc + (r[id] as number), 0);
          expect(sum, `${groupBy} ${id} ${year.year}`).toBeCloseTo(year[id] as number, 2);
        }
      }
    }
  });

  it('a group and a filter give the figures independent SQL gives', async () => {
    const byLevel = await queryResults([run], {
      metrics: ['active_headcount', 'total_compensation', 'avg_deferral_rate', 'participation_rate'],
      groupBy: 'level',
      filters: { years: { from: 2026, to: 2026 } },
    });
    const expected = await queryRun<{ level: number; actives: number; pay: number; rate: number; participating: number }>(
      run.database,
      `SELECT level_id AS level, count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS actives,
              sum(prorated_annual_compensation)::DOUBLE AS pay,
              avg(current_deferral_rate) FILTER (WHERE employment_status = 'active' AND current_deferral_rate > 0)::DOUBLE AS rate,
              count(*) FILTER (WHERE employment_status = 'active' AND current_deferral_rate > 0)::INTEGER AS participating
       FROM fct_workforce_snapshot WHERE simulation_year = 2026 GROUP BY 1 ORDER BY 1`,
    );
    expect(byLevel.rows.map((r) => r.group)).toEqual(expected.map((e) => e.level));
    for (const [i, e] of expected.entries()) {
      const row = byLevel.rows[i] as Record<string, number>;
      expect(row.year).toBe(2026);
      expect(row.active_headcount).toBe(e.actives);
      expect(row.total_compensation).toBeCloseTo(e.pay, 2);
      expect(row.avg_deferral_rate).toBeCloseTo(e.rate ?? 0, 10);
      expect(row.participation_rate).toBeCloseTo(e.actives === 0 ? 0 : e.participating / e.actives, 12);
    }
    // Filtering to two levels gives those levels' rows, added up.
    const [first, second] = expected;
    const filtered = await queryResults([run], {
      metrics: ['active_headcount', 'total_compensation'],
      filters: { years: { from: 2026, to: 2026 }, levels: [first!.level, second!.level] },
    });
    expect(filtered.rows).toEqual([
      { run: 'base', year: 2026, active_headcount: first!.actives + second!.actives, total_compensation: expect.closeTo(first!.pay + second!.pay, 2) },
    ]);
  });

  it('new-hire cohorts: the census, then each year of hire; a cohort filter keeps that cohort only', async () => {
    const { rows } = await queryResults([run], { metrics: ['active_headcount', 'hires'], groupBy: 'new_hire_cohort' });
    expect(rows.map((r) => [r.year, r.group])).toEqual([
      [2025, 'census'],
      [2025, 2025],
      [2026, 'census'],
      [2026, 2025],
      [2026, 2026],
    ]);
    // The 2025 hires still active at the end of 2026, counted from the events independently.
    const [{ n }] = (await queryRun<{ n: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot s
       WHERE s.simulation_year = 2026 AND s.employment_status = 'active'
         AND s.employee_id IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'hire' AND simulation_year = 2025)`,
    )) as [{ n: number }];
    expect(rows.find((r) => r.year === 2026 && r.group === 2025)?.active_headcount).toBe(n);
    expect(rows.find((r) => r.year === 2026 && r.group === 'census')?.hires).toBe(0);
    const only = await queryResults([run], { metrics: ['active_headcount'], filters: { newHireCohorts: [2025] } });
    expect(only.rows.map((r) => r.active_headcount)).toEqual(rows.filter((r) => r.group === 2025).map((r) => r.active_headcount));
  });

  it('several runs: one block of rows per run, in the order given', async () => {
    const other = { label: 'copy', database: join(dir, 'copy.duckdb') };
    copyFileSync(run.database, other.database);
    const { rows } = await queryResults([run, other], { metrics: ['active_headcount'] });
    expect(rows.map((r) => [r.run, r.year])).toEqual([
      ['base', 2025],
      ['base', 2026],
      ['copy', 2025],
      ['copy', 2026],
    ]);
    expect(rows[2]?.active_headcount).toBe(rows[0]?.active_headcount);
  });

  it('refuses an unknown metric or group, a plan-level figure sliced, and too many runs, naming what is wrong', async () => {
    expect(await refusal(() => queryResults([run], { metrics: ['active_headcount', 'headcount_x'] }))).toMatch(
      /metrics\.1: unknown metric "headcount_x"; the metrics are active_headcount, /,
    );
    expect(await refusal(() => queryResults([run], { metrics: ['hires'], groupBy: 'region' } as unknown as ResultQuery))).toMatch(
      /groupBy: cannot group by "region"/,
    );
    expect(await refusal(() => queryResults([run], { metrics: ['forfeitures'], groupBy: 'level' }))).toMatch(
      /metrics\.0: forfeitures is a figure of the whole plan: it cannot be grouped by level/,
    );
    expect(await refusal(() => queryResults([run], { metrics: ['account_balances'], filters: { ageBands: ['25-34'] } }))).toMatch(
      /account_balances is a figure of the whole plan: it cannot be filtered by ageBands/,
    );
    expect(await refusal(() => queryResults([run], { metrics: [] }))).toMatch(/metrics: ask for at least one metric/);
    expect(await refusal(() => queryResults([run], { metrics: ['hires'], filters: { years: { from: 2026, to: 2025 } } }))).toMatch(
      /filters\.years: from must not be after to/,
    );
    expect(await refusal(() => queryResults(Array(7).fill(run), { metrics: ['hires'] }))).toMatch(/1 to 6 runs, not 7/);
  });

  it('SQL in filter values is a value: it matches nothing and changes nothing', async () => {
    for (const attack of ["' OR 1=1 --", "25-34'); DROP TABLE fct_workforce_snapshot; --", '%']) {
      const { rows } = await queryResults([run], { metrics: ['active_headcount'], filters: { ageBands: [attack], tenureBands: [attack] } });
      expect(rows, attack).toEqual([]);
    }
    expect(await refusal(() => queryResults([run], { metrics: ['hires'], filters: { levels: ['1 OR 1=1'] } } as unknown as ResultQuery))).toMatch(
      /filters\.levels\.0: /,
    );
    const after = await readRun(run.database, (db) => readYearMetrics(db));
    expect(after).toEqual(metrics);
  });

  it('a run still being written is refused, naming the run', async () => {
    const held = { label: 'busy', database: join(dir, 'held.duckdb') };
    copyFileSync(run.database, held.database);
    const holder = await holdDatabase(held.database);
    try {
      expect(await refusal(() => queryResults([held], { metrics: ['hires'] }))).toBe(`run busy is still running (PID ${holder.pid})`);
    } finally {
      holder.release();
    }
  });
});

describe('deferralDistribution and complianceByYear', () => {
  it('every bucket of every year; the buckets add up to the actives, the non-zero ones to the participants', async () => {
    const buckets = await deferralDistribution(run);
    expect(buckets.map((b) => b.bucket).slice(0, 6)).toEqual(['0 %', '0-3 %', '3-6 %', '6-10 %', '10-15 %', '15 %+']);
    for (const m of metrics) {
      const year = buckets.filter((b) => b.year === m.year);
      expect(year).toHaveLength(6);
      expect(year.reduce((a, b) => a + b.count, 0)).toBe(m.active_headcount);
      expect(year.slice(1).reduce((a, b) => a + b.count, 0)).toBe(m.participants);
    }
    const [{ n }] = (await queryRun<{ n: number }>(
      run.database,
      `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot
       WHERE simulation_year = 2026 AND employment_status = 'active' AND current_deferral_rate >= 0.03 AND current_deferral_rate < 0.06`,
    )) as [{ n: number }];
    expect(buckets.find((b) => b.year === 2026 && b.bucket === '3-6 %')?.count).toBe(n);
    const level = await deferralDistribution(run, { levels: [1], years: { from: 2026, to: 2026 } });
    expect(level.map((b) => b.year)).toEqual(Array(6).fill(2026));
    expect(level.reduce((a, b) => a + b.count, 0)).toBeLessThan(metrics[1]!.active_headcount);
  });

  it('the compliance tests are the reports\' records', async () => {
    const records = await complianceByYear(run);
    const results = await readRun(run.database, (db) => readComplianceResults(db));
    expect(records.length).toBe(results.length);
    expect(records.length).toBeGreaterThan(0);
    expect(records[0]).toMatchObject({ year: results[0]!.year, test_name: results[0]!.test, passed: results[0]!.passed });
  });
});

// The figures the slicing leaves out can be asked for whole.
it('the metrics list says which figures can be sliced', () => {
  expect(SLICEABLE).not.toContain('forfeitures');
  expect(SLICEABLE).toContain('employer_cost_per_participant');
  expect(RESULT_METRICS.find((m) => m.id === 'employer_cost_pct_of_payroll')?.unit).toBe('fraction');
});
