import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/db/database.js';
import { ModelRunner } from '../../src/models/runner.js';
import { loadDefaultRules, runRules } from '../../src/validation/rules.js';
import { contentDigest, defaultConfigObject, makeCensus, query, simulate, type SimulationRun } from '../support/engine.js';

const EVENT_STAMPS = ['created_at'];
const SNAPSHOT_STAMPS = ['snapshot_created_at'];

/** Rounds half away from zero, as the solver does. */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

describe('five-year workforce simulation', () => {
  let dir: string;
  let census: string;
  let base: SimulationRun;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-sim-'));
    census = await makeCensus(dir, 2000, 11);
    base = await simulate({ dir, census, name: 'base' });
  });

  it('meets every error-severity rule in every year, run through the rules folder', async () => {
    const rules = loadDefaultRules();
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'headcount_matches_growth_target',
        'snapshot_unique_employee_year',
        'events_unique',
        'no_events_after_termination',
        'event_dates_within_year',
        'year_continuity',
      ]),
    );
    const db = await Database.open(base.database);
    try {
      const runner = new ModelRunner(db);
      for (let year = 2025; year <= 2029; year += 1) {
        await runner.setYear(year, 2025, 42);
        const results = await runRules(db, rules);
        const failing = results.filter((r) => r.severity === 'error' && r.violations > 0);
        expect(failing, `${year}: ${JSON.stringify(failing)}`).toEqual([]);
      }
    } finally {
      db.close();
    }
    // The orchestrator ran the same rules per year.
    for (const year of base.result.years) {
      expect(year.validation.map((r) => r.rule).sort()).toEqual(rules.map((r) => r.name).sort());
    }
  });

  it('grows active headcount by exactly round(start x 1.03) each year', async () => {
    const rows = await query<{ simulation_year: number; active: number }>(
      base.database,
      `SELECT simulation_year, count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active
       FROM fct_workforce_snapshot GROUP BY 1 ORDER BY 1`,
    );
    let previous = base.result.census.activeRows;
    expect(rows.map((r) => r.simulation_year)).toEqual([2025, 2026, 2027, 2028, 2029]);
    for (const row of rows) {
      expect(row.active).toBe(roundHalfAway(previous * 1.03));
      previous = row.active;
    }
    expect(base.result.years.map((y) => y.audit.summary.activeHeadcount)).toEqual(rows.map((r) => r.active));
  });

  it('writes one snapshot row per employee and year, and no event after a termination', async () => {
    const [dupes] = await query<{ n: number }>(
      base.database,
      `SELECT count(*)::INTEGER AS n FROM (SELECT employee_id, simulation_year FROM fct_workforce_snapshot GROUP BY ALL HAVING count(*) > 1)`,
    );
    expect(dupes?.n).toBe(0);
    const [late] = await query<{ n: number }>(
      base.database,
      `SELECT count(*)::INTEGER AS n FROM fct_yearly_events e JOIN fct_yearly_events t
         ON t.employee_id = e.employee_id AND t.simulation_year = e.simulation_year AND t.event_type = 'termination'
       WHERE e.event_type <> 'termination' AND e.effective_date > t.effective_date`,
    );
    expect(late?.n).toBe(0);
  });

  it('produces every event kind with plausible volumes', async () => {
    const rows = await query<{ event_type: string; n: number }>(
      base.database,
      `SELECT event_type, count(*)::INTEGER AS n FROM fct_yearly_events WHERE simulation_year = 2025 GROUP BY 1`,
    );
    const counts = Object.fromEntries(rows.map((r) => [r.event_type, r.n]));
    const actives = base.result.census.activeRows;
    expect(counts.hire).toBeGreaterThan(0.1 * actives);
    expect(counts.termination).toBeGreaterThan(0.1 * actives);
    expect(counts.raise).toBeGreaterThan(0.6 * actives);
    expect(counts.promotion).toBeGreaterThan(0);
    expect(counts.promotion).toBeLessThan(0.1 * actives);
  });

  it('compounds promotion and raise in date order, and the next year starts from the year-end pay', async () => {
    const rows = await query<{ mismatches: number; checked: number }>(
      base.database,
      `WITH last_pay AS (
         SELECT employee_id, simulation_year, arg_max(compensation_amount, effective_date::VARCHAR || event_type) AS pay
         FROM fct_yearly_events WHERE event_type IN ('hire', 'promotion', 'raise') GROUP BY ALL
       )
       SELECT count(*) FILTER (WHERE s.current_compensation <> l.pay)::INTEGER AS mismatches, count(*)::INTEGER AS checked
       FROM fct_workforce_snapshot s JOIN last_pay l USING (employee_id, simulation_year)`,
    );
    expect(rows[0]?.checked).toBeGreaterThan(1000);
    expect(rows[0]?.mismatches).toBe(0);
    const [carry] = await query<{ bad: number }>(
      base.database,
      `SELECT count(*)::INTEGER AS bad FROM fct_workforce_snapshot prev
       JOIN int_employee_compensation_by_year cur
         ON cur.employee_id = prev.employee_id AND cur.simulation_year = prev.simulation_year + 1
       WHERE prev.employment_status = 'active'
         AND (cur.employee_compensation <> prev.full_year_equivalent_compensation
              OR cur.current_age <> prev.current_age + 1 OR cur.current_tenure <> prev.current_tenure + 1)`,
    );
    expect(carry?.bad).toBe(0);
  });

  it('is deterministic: the same census, config and seed give identical tables, whatever the thread count', async () => {
    const again = await simulate({ dir, census, name: 'again', threads: 1 });
    expect(await contentDigest(again.database, 'fct_yearly_events', EVENT_STAMPS)).toBe(
      await contentDigest(base.database, 'fct_yearly_events', EVENT_STAMPS),
    );
    expect(await contentDigest(again.database, 'fct_workforce_snapshot', SNAPSHOT_STAMPS)).toBe(
      await contentDigest(base.database, 'fct_workforce_snapshot', SNAPSHOT_STAMPS),
    );
  });

  it('another seed terminates different people but keeps the headcounts', async () => {
    const other = await simulate({ dir, census, name: 'seed7', seed: 7 });
    expect(other.result.years.map((y) => y.audit.summary.activeHeadcount)).toEqual(
      base.result.years.map((y) => y.audit.summary.activeHeadcount),
    );
    const terminated = async (database: string): Promise<Set<string>> =>
      new Set(
        (
          await query<{ employee_id: string }>(
            database,
            `SELECT employee_id FROM fct_yearly_events WHERE simulation_year = 2025 AND event_type = 'termination'`,
          )
        ).map((r) => r.employee_id),
      );
    const a = await terminated(base.database);
    const b = await terminated(other.database);
    expect(b.size).toBe(a.size);
    const shared = [...a].filter((id) => b.has(id)).length;
    expect(shared).toBeLessThan(0.5 * a.size);
  });

  it('records the run with engine, RNG, config and census identity', async () => {
    const [run] = await query<Record<string, string>>(
      base.database,
      `SELECT run_id, rng_version, config_hash, census_hash, status, start_year::VARCHAR AS start_year, end_year::VARCHAR AS end_year
       FROM planalign_runs`,
    );
    expect(run).toMatchObject({
      run_id: base.result.runId,
      rng_version: 'pa-rng-1',
      config_hash: base.result.configHash,
      census_hash: base.result.censusHash,
      status: 'completed',
      start_year: '2025',
      end_year: '2029',
    });
  });
});

describe('configuration reaches the simulation', () => {
  it('legacy raise timing dates every raise July 15; no growth keeps headcount flat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-sim-'));
    const census = await makeCensus(dir, 600, 3);
    const config = defaultConfigObject();
    config.raise_timing.methodology = 'legacy';
    config.simulation.target_growth_rate = 0;
    const run = await simulate({ dir, census, config, years: [2025, 2027] });
    const dates = await query<{ d: string }>(
      run.database,
      `SELECT DISTINCT strftime(effective_date, '%m-%d') AS d FROM fct_yearly_events WHERE event_type = 'raise'`,
    );
    expect(dates.map((r) => r.d)).toEqual(['07-15']);
    expect(new Set(run.result.years.map((y) => y.audit.summary.activeHeadcount))).toEqual(new Set([run.result.census.activeRows]));
  });

  it('the merit budget and COLA set the average raise, weighted by start-of-year pay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-sim-'));
    const census = await makeCensus(dir, 800, 5);
    const config = defaultConfigObject();
    config.compensation.merit_budget = 0.03;
    config.compensation.cola_rate = 0.02;
    const run = await simulate({ dir, census, config, years: [2025, 2025] });
    const [row] = await query<{ avg_rate: number }>(
      run.database,
      `SELECT (sum((e.compensation_amount / e.previous_compensation - 1) * c.employee_compensation)
                / sum(c.employee_compensation))::DOUBLE AS avg_rate
       FROM fct_yearly_events e JOIN int_employee_compensation_by_year c USING (employee_id, simulation_year)
       WHERE e.event_type = 'raise'`,
    );
    expect(row?.avg_rate).toBeGreaterThan(0.05 - 1e-6);
    expect(row?.avg_rate).toBeLessThan(0.05 + 1e-6);
  });
});
