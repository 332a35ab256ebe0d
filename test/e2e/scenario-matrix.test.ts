import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { contentDigest, defaultConfigObject, makeCensus, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * The scenario matrix: each case end to end on a small census, checking that every error-severity
 * rule holds in every year and that the results move in the expected direction.
 */
type Config = ReturnType<typeof defaultConfigObject>;

function errorsOf(run: SimulationRun): string[] {
  return run.result.years.flatMap((y) =>
    y.validation.filter((r) => r.severity === 'error' && r.violations > 0).map((r) => `${y.year} ${r.rule} (${r.violations})`),
  );
}

async function rewriteCensus(source: string, target: string, select: string): Promise<string> {
  const db = await Database.open(':memory:');
  try {
    await db.run(`COPY (SELECT ${select} FROM read_parquet($1)) TO $2 (FORMAT parquet)`, [source, target]);
  } finally {
    db.close();
  }
  return target;
}

const count = async (run: SimulationRun, where: string): Promise<number> =>
  (await query<{ n: number }>(run.database, `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE ${where}`))[0]!.n;

/** One employee-year of the match or the core: the amount paid, the band that applied and what picked it. */
type MoneyRow = {
  amount: number;
  band: string | null;
  years: number;
  points: number | null;
  age: number | null;
  pay: number;
  excess: number | null;
  status: string | null;
};

/** Every match row of a run by `employee_id|year`. */
async function matchByKey(run: SimulationRun): Promise<Map<string, MoneyRow>> {
  const rows = await query<MoneyRow & { key: string }>(
    run.database,
    `SELECT employee_id || '|' || simulation_year AS key, employer_match_amount::DOUBLE AS amount, match_band AS band,
            applied_years_of_service AS years, applied_points AS points, NULL AS age, eligible_compensation::DOUBLE AS pay,
            NULL AS excess, match_status AS status
     FROM int_employee_match_calculations`,
  );
  return new Map(rows.map(({ key, ...row }) => [key, row]));
}

/** Every core row of a run by `employee_id|year`. */
async function coreByKey(run: SimulationRun): Promise<Map<string, MoneyRow>> {
  const rows = await query<MoneyRow & { key: string }>(
    run.database,
    `SELECT employee_id || '|' || simulation_year AS key, employer_core_amount::DOUBLE AS amount, core_band AS band,
            applied_years_of_service AS years, applied_points AS points, applied_age AS age, eligible_compensation::DOUBLE AS pay,
            excess_compensation::DOUBLE AS excess, NULL AS status
     FROM int_employer_core_contributions`,
  );
  return new Map(rows.map(({ key, ...row }) => [key, row]));
}

const sum = (rows: Iterable<MoneyRow>): number => [...rows].reduce((total, r) => total + r.amount, 0);
const byYear = (run: SimulationRun, part: 'match' | 'core'): number[] => run.result.employerCost.byYear.map((y) => y[part]);

describe('scenario matrix', () => {
  let dir: string;
  let census: string;
  let base: SimulationRun;
  const years: [number, number] = [2025, 2027];

  const run = async (name: string, change: (c: Config) => void, options: { census?: string; years?: [number, number] } = {}) => {
    const config = defaultConfigObject();
    change(config);
    const result = await simulate({ dir, census: options.census ?? census, config, name, years: options.years ?? years });
    expect(errorsOf(result), name).toEqual([]);
    return result;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-matrix-'));
    census = await makeCensus(dir, 400, 23);
    base = await run('base', () => undefined);
  });

  it('zero growth keeps headcount flat', async () => {
    const flat = await run('zero_growth', (c) => (c.simulation.target_growth_rate = 0));
    const start = flat.result.census.activeRows;
    expect(flat.result.workforceProgression.map((y) => y.activeHeadcount)).toEqual([start, start, start]);
  });

  it('negative growth is a reduction in force: fewer actives every year, fewer hires than the base', async () => {
    const rif = await run('rif', (c) => (c.simulation.target_growth_rate = -0.2));
    const heads = rif.result.workforceProgression.map((y) => y.activeHeadcount);
    expect(heads[0]).toBeLessThan(rif.result.census.activeRows);
    expect(heads[1]).toBeLessThan(heads[0]!);
    expect(rif.result.eventTotals.hire ?? 0).toBeLessThan(base.result.eventTotals.hire!);
  });

  it('high growth hires more than the base', async () => {
    const high = await run('high_growth', (c) => (c.simulation.target_growth_rate = 0.25));
    expect(high.result.eventTotals.hire).toBeGreaterThan(base.result.eventTotals.hire!);
    expect(high.result.growthAnalysis.cagrPct).toBeCloseTo(25, 0);
  });

  it('auto-enrollment off: no auto-enrollment, lower participation', async () => {
    const off = await run('ae_off', (c) => (c.enrollment.auto_enrollment.enabled = false));
    expect(await count(off, `event_category = 'auto_enrollment'`)).toBe(0);
    expect(off.result.workforceProgression.at(-1)!.participationRate).toBeLessThan(base.result.workforceProgression.at(-1)!.participationRate);
  });

  it('no hire-date cutoff auto-enrolls at least as many as the 2020 cutoff', async () => {
    const all = await run('ae_no_cutoff', (c) => {
      c.enrollment.auto_enrollment.hire_date_cutoff = null;
    });
    expect(await count(all, `event_category = 'auto_enrollment'`)).toBeGreaterThanOrEqual(await count(base, `event_category = 'auto_enrollment'`));
  });

  it('match off pays no match; core off pays no core', async () => {
    const noMatch = await run('match_off', (c) => (c.employer_match.formulas.simple_match.match_rate = 0));
    expect(noMatch.result.employerCost.byYear.every((y) => y.match === 0)).toBe(true);
    const noCore = await run('core_off', (c) => (c.employer_core_contribution.enabled = false));
    expect(noCore.result.employerCost.byYear.every((y) => y.core === 0)).toBe(true);
    expect(noCore.result.employerCost.total).toBeLessThan(base.result.employerCost.total);
  });

  it('an escalation cap below the default rate: nobody is escalated past it', async () => {
    const capped = await run('low_cap', (c) => (c.deferral_auto_escalation.maximum_rate = 0.015));
    const [row] = await query<{ above: number }>(
      capped.database,
      `SELECT count(*) FILTER (WHERE employee_deferral_rate > 0.015)::INTEGER AS above FROM fct_yearly_events WHERE event_type = 'deferral_escalation'`,
    );
    expect(row?.above).toBe(0);
  });

  it('a one-year run', async () => {
    const one = await run('one_year', () => undefined, { years: [2025, 2025] });
    expect(one.result.workforceProgression).toHaveLength(1);
  });

  it('a 30-year horizon keeps headcount on target every year (parameters past their tables carried forward)', async () => {
    const small = await makeCensus(dir, 150, 29);
    const long = await run('thirty_years', () => undefined, { census: small, years: [2025, 2054] });
    expect(long.result.workforceProgression).toHaveLength(30);
    // IRS limits are projected past 2026 (setup.irs_limit_indexing_rate), not carried forward.
    expect(long.result.irsLimitProjection).toEqual({ years: Array.from({ length: 28 }, (_, i) => 2027 + i), fromYear: 2026, rate: 0.025 });
    let previous = long.result.census.activeRows;
    for (const y of long.result.workforceProgression) {
      expect(y.activeHeadcount).toBe(Math.round(previous * 1.03));
      previous = y.activeHeadcount;
    }
  }, 120_000);

  it('a census with only one job level', async () => {
    const oneLevel = await rewriteCensus(census, join(dir, 'one_level.parquet'), `* REPLACE (60000 + (hash(employee_id) % 19000)::DOUBLE AS employee_gross_compensation)`);
    const result = await run('one_level', () => undefined, { census: oneLevel });
    const levels = await query<{ level_id: number }>(result.database, `SELECT DISTINCT level_id FROM int_baseline_workforce ORDER BY 1`);
    expect(levels).toEqual([{ level_id: 1 }]);
    // Hiring mirrors the level mix: one level in the first year (promotions open level 2 later).
    expect(await count(result, `event_type = 'hire' AND simulation_year = 2025 AND level_id <> 1`)).toBe(0);
    expect(await count(result, `event_type = 'hire' AND simulation_year = 2025`)).toBeGreaterThan(0);
  });

  it('a census where nobody participates', async () => {
    const none = await rewriteCensus(census, join(dir, 'none.parquet'), `* REPLACE (0::DOUBLE AS employee_deferral_rate)`);
    const result = await run('nobody', () => undefined, { census: none });
    const [first] = await query<{ census_participants: number }>(
      result.database,
      `SELECT count(*) FILTER (WHERE employee_deferral_rate > 0)::INTEGER AS census_participants FROM stg_census_data`,
    );
    expect(first?.census_participants).toBe(0);
    expect(result.result.workforceProgression[0]!.participationRate).toBeLessThan(base.result.workforceProgression[0]!.participationRate);
    expect(result.result.workforceProgression[0]!.participationRate).toBeGreaterThan(0);
  });

  describe.concurrent('plan designs (issue 12): one run per mode', () => {
    // Runs that several cases compare with, each made once whichever case asks first.
    const made = new Map<string, Promise<SimulationRun>>();
    const once = (name: string, change: (c: Config) => void): Promise<SimulationRun> => {
      if (!made.has(name)) made.set(name, run(name, change));
      return made.get(name)!;
    };

    /**
     * Per employee and year against the base run (same workforce, same deferrals): where `richer`
     * holds the design pays at least the base, more whenever the base pays anything; elsewhere
     * exactly the base. Returns how many employee-years it raised.
     */
    function raisedOverBase(design: Map<string, MoneyRow>, baseRows: Map<string, MoneyRow>, richer: (r: MoneyRow) => boolean): number {
      expect([...design.keys()].sort()).toEqual([...baseRows.keys()].sort());
      let raised = 0;
      for (const [key, r] of design) {
        const b = baseRows.get(key)!;
        if (!richer(r)) expect(r.amount, key).toBe(b.amount);
        else if (b.amount > 0) expect(r.amount, key).toBeGreaterThan(b.amount);
        else expect(r.amount, key).toBeGreaterThanOrEqual(0);
        if (r.amount > b.amount) raised += 1;
      }
      return raised;
    }

    const expectMoreEveryYear = (design: SimulationRun, part: 'match' | 'core') =>
      byYear(design, part).forEach((amount, i) => expect(amount, `${years[0] + i}`).toBeGreaterThan(byYear(base, part)[i]!));

    // The base match is simple_match: 50 % of the deferrals up to 6 % of pay. Each banded design below
    // keeps that below its edge and pays 100 % of them from it.
    const HALF = { match_rate: 50, max_deferral_pct: 6 };
    const FULL = { match_rate: 100, max_deferral_pct: 6 };
    const tenureGraded = (c: Config) => {
      c.employer_match.employer_match_status = 'tenure_graded';
      c.employer_match.tenure_graded_bands = [
        { min_years: 0, max_years: 5, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 0.5 }] },
        { min_years: 5, max_years: null, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 1 }] },
      ];
    };

    it('match graded_by_service: 3+ years of service get the richer row, the others the base match', async () => {
      const graded = await run('match_graded', (c) => {
        c.employer_match.employer_match_status = 'graded_by_service';
        c.employer_match.graded_schedule = [{ min_years: 0, max_years: 3, ...HALF }, { min_years: 3, max_years: null, ...FULL }];
      });
      const rows = await matchByKey(graded);
      expect(new Set([...rows.values()].map((r) => r.band))).toEqual(new Set(['0-2 years', '3+ years']));
      expect(raisedOverBase(rows, await matchByKey(base), (r) => r.years >= 3)).toBeGreaterThan(100);
      expectMoreEveryYear(graded, 'match');
    });

    it('match tenure_graded: the 5+ years band pays more, the 0-5 band what the base pays', async () => {
      const graded = await once('match_tenure_graded', tenureGraded);
      const rows = await matchByKey(graded);
      expect(raisedOverBase(rows, await matchByKey(base), (r) => r.years >= 5)).toBeGreaterThan(100);
      expectMoreEveryYear(graded, 'match');
    });

    it('legacy tenure_based tiers give the same results as the equivalent tenure_graded bands', async () => {
      const legacy = await run('match_tenure_based', (c) => {
        c.employer_match.employer_match_status = 'tenure_based';
        c.employer_match.tenure_match_tiers = [{ min_years: 0, max_years: 5, ...HALF }, { min_years: 5, max_years: null, ...FULL }];
      });
      const graded = await once('match_tenure_graded', tenureGraded);
      expect(await matchByKey(legacy)).toEqual(await matchByKey(graded));
      const digest = (r: SimulationRun) => contentDigest(r.database, 'fct_workforce_snapshot', ['snapshot_created_at']);
      expect(await digest(legacy)).toBe(await digest(graded));
    });

    it('match points_based: 60+ points (age + service) get the richer tier, the others the base match', async () => {
      const points = await run('match_points', (c) => {
        c.employer_match.employer_match_status = 'points_based';
        c.employer_match.points_match_tiers = [{ min_points: 0, max_points: 60, ...HALF }, { min_points: 60, max_points: null, ...FULL }];
      });
      const rows = await matchByKey(points);
      expect(raisedOverBase(rows, await matchByKey(base), (r) => r.points! >= 60)).toBeGreaterThan(100);
      expectMoreEveryYear(points, 'match');
    });

    const safeHarborBasic = (c: Config) => (c.employer_match.active_formula = 'safe_harbor_basic');

    it('safe-harbor presets: each capped at its share of pay, all richer than the base, enhanced >= basic > QACA', async () => {
      const basic = await once('match_safe_harbor_basic', safeHarborBasic);
      const qaca = await run('match_qaca', (c) => (c.employer_match.active_formula = 'qaca_safe_harbor'));
      const enhanced = await run('match_safe_harbor_enhanced', (c) => (c.employer_match.active_formula = 'safe_harbor_enhanced'));
      for (const [design, cap] of [[basic, 0.04], [qaca, 0.035], [enhanced, 0.04]] as const) {
        const rows = [...(await matchByKey(design)).values()];
        // Never above the cap; the cap reached by those deferring enough.
        expect(rows.filter((r) => r.amount > cap * r.pay + 0.005)).toEqual([]);
        expect(rows.filter((r) => r.amount > 0 && Math.abs(r.amount - cap * r.pay) <= 0.005).length).toBeGreaterThan(50);
        expectMoreEveryYear(design, 'match');
      }
      // QACA (100 % of 1 %, 50 % of the next 5 %) pays more than 50 % of 6 % at every deferral rate, and
      // both make 6 % the rate that earns the full match: the same deferrals, so per employee.
      expect(raisedOverBase(await matchByKey(qaca), await matchByKey(base), () => true)).toBeGreaterThan(500);
      byYear(basic, 'match').forEach((amount, i) => {
        expect(amount).toBeGreaterThan(byYear(qaca, 'match')[i]!);
        expect(byYear(enhanced, 'match')[i]).toBeGreaterThanOrEqual(amount);
      });
      // Three simulations: 40 s each on a loaded 2-core host.
    }, 240_000);

    it('match disabled (employer_match.enabled false): no match in any year, the core as in the base', async () => {
      const off = await run('match_disabled', (c) => (c.employer_match.enabled = false));
      const rows = [...(await matchByKey(off)).values()];
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['disabled']));
      expect(byYear(off, 'match')).toEqual([0, 0, 0]);
      expect(byYear(off, 'core')).toEqual(byYear(base, 'core'));
    });

    // Core: the base pays a flat 1 % to everyone eligible.
    const gradedCore = (c: Config) => {
      c.employer_core_contribution.status = 'graded_by_service';
      c.employer_core_contribution.graded_schedule = [
        { min_years: 0, max_years: 2, contribution_rate: 0.01 },
        { min_years: 3, max_years: 5, contribution_rate: 0.02 },
        { min_years: 6, contribution_rate: 0.03 },
      ];
    };

    it('core none: pays no core, the match as in the base', async () => {
      const none = await run('core_none', (c) => (c.employer_core_contribution.status = 'none'));
      expect(byYear(none, 'core')).toEqual([0, 0, 0]);
      expect(sum((await coreByKey(none)).values())).toBe(0);
      expect(byYear(none, 'match')).toEqual(byYear(base, 'match'));
    });

    it('core graded_by_service: 3+ years of service get 2 % or 3 %, the others the base 1 %', async () => {
      const graded = await once('core_graded', gradedCore);
      const rows = await coreByKey(graded);
      expect(new Set([...rows.values()].map((r) => r.band))).toEqual(new Set(['service 0-2', 'service 3-5', 'service 6+']));
      expect(raisedOverBase(rows, await coreByKey(base), (r) => r.years >= 3)).toBeGreaterThan(200);
      expectMoreEveryYear(graded, 'core');
    });

    it('core points_based: 60+ points get 3 %, the others the base 1 %', async () => {
      const points = await run('core_points', (c) => {
        c.employer_core_contribution.status = 'points_based';
        c.employer_core_contribution.points_schedule = [
          { min_points: 0, max_points: 60, contribution_rate: 0.01 },
          { min_points: 60, contribution_rate: 0.03 },
        ];
      });
      const rows = await coreByKey(points);
      for (const [key, r] of rows) expect(r.points, key).toBe(r.age! + r.years);
      expect(raisedOverBase(rows, await coreByKey(base), (r) => r.points! >= 60)).toBeGreaterThan(100);
      expectMoreEveryYear(points, 'core');
    });

    it('core age_banded: 40 and over (age on Dec 31) get 2 %, the younger the base 1 %', async () => {
      const aged = await run('core_age', (c) => {
        c.employer_core_contribution.status = 'age_banded';
        c.employer_core_contribution.age_schedule = [
          { min_age: 0, max_age: 39, contribution_rate: 0.01 },
          { min_age: 40, rate: 2 },
        ];
      });
      const rows = await coreByKey(aged);
      expect(raisedOverBase(rows, await coreByKey(base), (r) => r.age! >= 40)).toBeGreaterThan(100);
      expectMoreEveryYear(aged, 'core');
    });

    it('core integrated at the Social Security wage base: 1 % more on the pay above it, the same core below it', async () => {
      const integrated = await run('core_integration', (c) => {
        c.employer_core_contribution.integration = { enabled: true, level_mode: 'ss_wage_base', disparity_rate: 0.01 };
      });
      const rows = await coreByKey(integrated);
      const baseRows = await coreByKey(base);
      expect(raisedOverBase(rows, baseRows, (r) => r.excess! > 0)).toBeGreaterThan(20);
      for (const [key, r] of rows) {
        if (r.excess! > 0 && r.amount > 0) expect(r.amount - baseRows.get(key)!.amount, key).toBeCloseTo(0.01 * r.excess!, 1);
      }
      expectMoreEveryYear(integrated, 'core');
      expect(byYear(integrated, 'match')).toEqual(byYear(base, 'match'));
    });

    it("plan entry_date_type quarterly: entry on a quarter's first day, no enrollment before it, enrollments later than the base", async () => {
      const quarterly = await run('entry_quarterly', (c) => (c.eligibility.entry_date_type = 'quarterly'));
      const [entries] = await query<{ n: number; off_quarter: number }>(
        quarterly.database,
        `SELECT count(*)::INTEGER AS n,
                count(*) FILTER (WHERE day(entry_date) <> 1 OR month(entry_date) NOT IN (1, 4, 7, 10))::INTEGER AS off_quarter
         FROM int_plan_eligibility`,
      );
      expect(entries!.n).toBeGreaterThan(1000);
      expect(entries!.off_quarter).toBe(0);
      expect(
        await count(
          quarterly,
          `event_type = 'enrollment' AND EXISTS (SELECT 1 FROM int_plan_eligibility e WHERE e.employee_id = fct_yearly_events.employee_id
             AND e.simulation_year = fct_yearly_events.simulation_year AND fct_yearly_events.effective_date < e.entry_date)`,
        ),
      ).toBe(0);
      // Hires wait for the next quarter: fewer enroll in their hire year, and later after hire.
      const lag = async (r: SimulationRun) =>
        (
          await query<{ same_year: number; days: number }>(
            r.database,
            `SELECT count(*) FILTER (WHERE x.simulation_year = h.simulation_year)::INTEGER AS same_year,
                    avg(x.effective_date - h.effective_date)::DOUBLE AS days
             FROM fct_yearly_events h JOIN fct_yearly_events x ON x.employee_id = h.employee_id AND x.event_type = 'enrollment'
             WHERE h.event_type = 'hire'`,
          )
        )[0]!;
      const [q, b] = [await lag(quarterly), await lag(base)];
      expect(q.same_year).toBeLessThan(b.same_year);
      expect(q.days).toBeGreaterThan(b.days + 20);
    });

    it('new_hire_ineligible_pct: the excluded hires never enroll nor get employer money; participation falls', async () => {
      const excluded = await run('new_hire_ineligible', (c) => (c.eligibility.new_hire_ineligible_pct = 0.3));
      const [row] = await query<{ excluded: number; enrolled: number; paid: number }>(
        excluded.database,
        `SELECT count(*)::INTEGER AS excluded,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM fct_yearly_events x WHERE x.employee_id = e.employee_id
                                               AND x.event_type IN ('enrollment', 'enrollment_change')))::INTEGER AS enrolled,
                count(*) FILTER (WHERE s.employer_match_amount + s.employer_core_amount > 0)::INTEGER AS paid
         FROM int_plan_eligibility e JOIN fct_workforce_snapshot s USING (employee_id, simulation_year)
         WHERE e.is_plan_ineligible_override`,
      );
      expect(row!.excluded).toBeGreaterThan(40);
      expect([row!.enrolled, row!.paid]).toEqual([0, 0]);
      expect(excluded.result.workforceProgression.at(-1)!.participationRate).toBeLessThan(base.result.workforceProgression.at(-1)!.participationRate);
      expect(excluded.result.employerCost.total).toBeLessThan(base.result.employerCost.total);
    });

    it('part-time hires and a census with scheduled hours: under 1,000 hours no match and no core', async () => {
      // A fifth of the census at 19 hours a week (988 hours a year), the others full time (empty).
      const withHours = await rewriteCensus(
        census,
        join(dir, 'hours.parquet'),
        `*, CASE WHEN hash(employee_id) % 5 = 0 THEN 19 END::DOUBLE AS scheduled_hours_per_week`,
      );
      const partTime = await run('part_time', (c) => (c.workforce.part_time_new_hire_pct = 0.3), { census: withHours });
      const [row] = await query<{ census_19h: number; part_time_hires: number; under: number; paid_under: number; eligible_under: number }>(
        partTime.database,
        `SELECT count(*) FILTER (WHERE NOT el.is_new_hire AND el.scheduled_hours_per_week = 19)::INTEGER AS census_19h,
                count(*) FILTER (WHERE el.is_new_hire AND el.scheduled_hours_per_week = 20)::INTEGER AS part_time_hires,
                count(*) FILTER (WHERE el.annual_hours_worked < 1000)::INTEGER AS under,
                count(*) FILTER (WHERE el.annual_hours_worked < 1000
                                   AND s.employer_match_amount + s.employer_core_amount > 0)::INTEGER AS paid_under,
                count(*) FILTER (WHERE el.annual_hours_worked < 1000 AND (el.eligible_for_match OR el.eligible_for_core))::INTEGER AS eligible_under
         FROM int_employer_eligibility el JOIN fct_workforce_snapshot s USING (employee_id, simulation_year)`,
      );
      expect(row!.census_19h).toBeGreaterThan(100);
      expect(row!.part_time_hires).toBeGreaterThan(20);
      expect(row!.under).toBeGreaterThan(row!.census_19h + row!.part_time_hires);
      expect([row!.paid_under, row!.eligible_under]).toEqual([0, 0]);
      for (const part of ['match', 'core'] as const) {
        byYear(partTime, part).forEach((amount, i) => expect(amount, `${part} ${years[0] + i}`).toBeLessThan(byYear(base, part)[i]!));
      }
    });

    it('a dc_plan overlay means what its YAML keys mean: the safe-harbor template and a graded core', async () => {
      const overlay = await run('dc_plan_overlay', (c) => {
        c.dc_plan = {
          match_template: 'safe_harbor',
          core_status: 'graded_by_service',
          // The Studio's names of min_years / max_years.
          core_graded_schedule: [
            { service_years_min: 0, service_years_max: 2, contribution_rate: 0.01 },
            { service_years_min: 3, service_years_max: 5, contribution_rate: 0.02 },
            { service_years_min: 6, contribution_rate: 0.03 },
          ],
        };
      });
      // The match of the YAML's safe_harbor_basic, the core of its graded schedule, employee by employee.
      expect(await matchByKey(overlay)).toEqual(await matchByKey(await once('match_safe_harbor_basic', safeHarborBasic)));
      expect(await coreByKey(overlay)).toEqual(await coreByKey(await once('core_graded', gradedCore)));
      expectMoreEveryYear(overlay, 'match');
    });
  });
});
