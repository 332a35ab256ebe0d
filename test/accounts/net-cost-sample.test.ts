import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatMetric, readYearMetrics, type YearMetrics } from '../../src/reporting/metrics.js';
import { runCli, type CliResult } from '../support/cli.js';
import { query, withDb, writeConfigFile } from '../support/engine.js';

/**
 * Issue 14, "done when": ten years (2025-2034) of the bundled sample (examples/census_5000.parquet,
 * about 9 s) with a graded 6-year match schedule, a 6 % return and the offset policy, through the
 * CLI: every account and the forfeiture account reconcile every year, forfeitures happen, the net
 * employer cost is the gross less the forfeitures used and below it once there are forfeitures to
 * use, in the console, the export and `compare`.
 */
describe('net employer plan cost: ten years of the sample, graded 6-year match, 6 % return, offset', () => {
  let dir: string;
  let database: string;
  let simulated: CliResult;
  let metrics: YearMetrics[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-net-cost-'));
    const config = writeConfigFile(dir, undefined, (c) => {
      c.simulation.start_year = 2025;
      c.simulation.end_year = 2034;
      c.vesting = { match: { type: 'graded', years: 6 } };
      c.accounts = { annual_return: 0.06 };
      c.forfeitures = { policy: 'offset_employer_contributions' };
    });
    database = join(dir, 'sim.duckdb');
    simulated = runCli(['simulate', '--config', config, '--database', database, '--quiet']);
    metrics = await withDb(database, (db) => readYearMetrics(db));
  }, 180_000);

  it('runs with every validation rule passing in every year, the two reconciliations among them', async () => {
    expect(simulated.status, simulated.stderr).toBe(0);
    expect(await query(database, `SELECT rule, simulation_year FROM planalign_validation_results WHERE violations > 0 AND severity = 'error'`)).toEqual([]);
    const checked = await query<{ rule: string; years: number }>(
      database,
      `SELECT rule, count(DISTINCT simulation_year)::INTEGER AS years FROM planalign_validation_results
       WHERE rule IN ('account_balances_reconcile', 'forfeiture_account_reconciles') GROUP BY 1 ORDER BY 1`,
    );
    expect(checked).toEqual([
      { rule: 'account_balances_reconcile', years: 10 },
      { rule: 'forfeiture_account_reconciles', years: 10 },
    ]);
  });

  it('earns the 6 % return on the opening balance and on half the money paid during the year; the Dec 31 true-up earns nothing', async () => {
    const wrong = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM fct_account_balances
       WHERE earnings <> round(opening * 0.06 + CASE WHEN source = 'true_up' THEN 0 ELSE contributions * 0.03 END, 2)`,
    );
    expect(wrong).toEqual([{ n: 0 }]);
    const trueUps = await query<{ n: number }>(database, `SELECT count(*)::INTEGER AS n FROM fct_account_balances WHERE source = 'true_up' AND contributions > 0`);
    expect(trueUps[0]!.n).toBeGreaterThan(0);
  });

  it('forfeits, uses the forfeitures from the next year, and nets them off the gross cost', async () => {
    const firstForfeitures = metrics.find((m) => m.forfeitures > 0)?.year;
    expect(firstForfeitures).toBeDefined();
    for (const m of metrics) {
      expect(m.net_employer_plan_cost, String(m.year)).toBeCloseTo(m.total_employer_plan_cost - m.forfeitures_used, 2);
      // The offset never exceeds the year's employer contributions.
      expect(m.forfeitures_used).toBeLessThanOrEqual(m.total_employer_plan_cost);
      if (m.year <= firstForfeitures!) expect(m.net_employer_plan_cost, String(m.year)).toBe(m.total_employer_plan_cost);
      else expect(m.net_employer_plan_cost, String(m.year)).toBeLessThan(m.total_employer_plan_cost);
    }
    // Money forfeited is the accounts' forfeitures; it is the forfeiture events' too.
    const [sums] = await query<{ accounts: string; account: string; events: string }>(
      database,
      `SELECT (SELECT sum(forfeitures) FROM fct_account_balances)::VARCHAR AS accounts,
              (SELECT sum(forfeitures) FROM fct_forfeiture_account)::VARCHAR AS account,
              (SELECT sum(compensation_amount) FROM fct_account_events WHERE event_type = 'forfeiture')::VARCHAR AS events`,
    );
    expect(Number(sums!.accounts)).toBeGreaterThan(0);
    expect(sums!.account).toBe(sums!.accounts);
    expect(sums!.events).toBe(sums!.accounts);
  });

  it('shows the net cost and the forfeiture account in the console summary, with units', () => {
    expect(simulated.stdout).toMatch(/Net employer plan cost/);
    expect(simulated.stdout).toMatch(/Forfeiture account/);
    const last = metrics.at(-1)!;
    const row = simulated.stdout.split('\n').find((line) => line.startsWith('2034') && line.includes(formatMetric('usd', last.total_employer_plan_cost)));
    expect(row).toContain(formatMetric('usd', last.net_employer_plan_cost));
  });

  it('exports net_employer_plan_cost and the forfeiture figures in yearly_aggregates.csv, documented in columns.csv', () => {
    const out = join(dir, 'export');
    const exported = runCli(['export', '--database', database, '--out', out]);
    expect(exported.status, exported.stderr).toBe(0);
    const [header, ...lines] = readFileSync(join(out, 'yearly_aggregates.csv'), 'utf8').trim().split(/\r?\n/);
    const columns = header!.split(',');
    const column = (name: string) => lines.map((line) => Number(line.split(',')[columns.indexOf(name)]));
    expect(column('net_employer_plan_cost')).toEqual(metrics.map((m) => m.net_employer_plan_cost));
    expect(column('forfeitures_used')).toEqual(metrics.map((m) => m.forfeitures_used));
    expect(column('forfeiture_account_balance')).toEqual(metrics.map((m) => m.forfeiture_account_balance));
    expect(readFileSync(join(out, 'columns.csv'), 'utf8')).toMatch(/yearly_aggregates.csv,net_employer_plan_cost,"US dollars, rounded to the cent",Total employer plan cost less the forfeitures used/);
  });

  it('compares the net cost between scenarios', () => {
    const other = join(dir, 'copy.duckdb');
    copyFileSync(database, other);
    const compared = runCli(['compare', database, other]);
    expect(compared.status, compared.stderr).toBe(0);
    const last = metrics.at(-1)!;
    const row = compared.stdout.split('\n').find((line) => line.includes('Net employer plan cost') && line.includes(formatMetric('usd', last.net_employer_plan_cost)));
    expect(row).toBeDefined();
  });
});
