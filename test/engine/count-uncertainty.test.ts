/**
 * simulation.count_uncertainty (docs/DECISIONS.md, "Count uncertainty"): the year's termination totals,
 * and with terminations_and_hires its target headcount, are drawn. The solver's counts are checked
 * against an independent count of the documented draws (test/support/rng.ts) over two years, at the
 * rates' and growth's edges; then two simulations check that the events follow the drawn counts and
 * that the headcount rule checks the drawn target.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyVaryCounts } from '../../src/cli/commands/simulate.js';
import { appliedOverrides, describeEffectiveInputs } from '../../src/config/effective.js';
import { parseConfig } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { MODELS } from '../../src/models/registry.js';
import type { CountUncertainty } from '../../src/models/rng.js';
import { ModelRunner } from '../../src/models/runner.js';
import { compileParameters } from '../../src/params/compile.js';
import { defaultConfigObject, makeCensus, query, simulate } from '../support/engine.js';
import { expectedDraw } from '../support/rng.js';

interface Case {
  mode: CountUncertainty;
  year: number;
  seed: number;
  growth: number;
  terminationRate: number;
  newHireTerminationRate: number;
  /** Start-of-year employees hired long ago, and (in a year after the first) hired the year before. */
  experienced: number;
  priorYearHires?: number;
}

interface Needs {
  n_start: number;
  target: number;
  exp_terms: number;
  hires: number;
  nh_terms: number;
  error: number;
  level_terms: number;
  level_hires: number;
}

const START = 2025;
const ids = (c: Case): Array<{ id: string; prior: boolean }> => [
  ...Array.from({ length: c.experienced }, (_, i) => ({ id: `E_${i}`, prior: false })),
  ...Array.from({ length: c.priorYearHires ?? 0 }, (_, i) => ({ id: `P_${i}`, prior: true })),
];

/** int_workforce_needs (and its level split) of the case, through the real models. */
async function solve(c: Case): Promise<Needs> {
  const raw = defaultConfigObject();
  raw.simulation.target_growth_rate = c.growth;
  raw.workforce.total_termination_rate = c.terminationRate;
  raw.workforce.new_hire_termination_rate = c.newHireTerminationRate;
  const db = await Database.open(':memory:');
  try {
    const runner = new ModelRunner(db);
    await runner.installMacros();
    await compileParameters(db, parseConfig(raw).config, { scenarioId: 'default', planDesignId: 'default', startedAt: new Date(0) });
    await db.run(`CREATE TABLE int_employee_compensation_by_year (
        simulation_year INTEGER, employee_id VARCHAR, employee_hire_date DATE,
        employee_compensation DECIMAL(18,2), level_id INTEGER, rng_key UBIGINT)`);
    for (const [prefix, count, hired] of [
      ['E_', c.experienced, '2015-06-01'],
      ['P_', c.priorYearHires ?? 0, `${c.year - 1}-03-01`],
    ] as const) {
      await db.run(
        `INSERT INTO int_employee_compensation_by_year
         SELECT $1, $2 || i, $3::DATE, 50000, 1 + i % 3, pa_key($2 || i) FROM range($4) t(i)`,
        [c.year, prefix, hired, count],
      );
    }
    await runner.setYear(c.year, START, c.seed, { countUncertainty: c.mode });
    for (const name of ['int_workforce_needs', 'int_workforce_needs_by_level']) await runner.runModel(MODELS.find((m) => m.name === name)!, c.year);
    const row = await db.one<Record<string, number>>(
      `SELECT starting_workforce_count::INTEGER AS n_start, target_ending_workforce::INTEGER AS target,
              expected_experienced_terminations::INTEGER AS exp_terms, total_hires_needed::INTEGER AS hires,
              expected_new_hire_terminations::INTEGER AS nh_terms, reconciliation_error::INTEGER AS error,
              (SELECT sum(expected_terminations)::INTEGER FROM int_workforce_needs_by_level) AS level_terms,
              (SELECT sum(hires_needed)::INTEGER FROM int_workforce_needs_by_level) AS level_hires
       FROM int_workforce_needs`,
    );
    return row as unknown as Needs;
  } finally {
    db.close();
  }
}

/** The same counts, computed here from the documented draws. */
function handCount(c: Case): Needs {
  const people = ids(c);
  const n = people.length;
  const draws = c.mode !== 'none';
  const below = (id: string, stream: string, rate: number): boolean => expectedDraw(id, c.seed, c.year, stream) < rate;
  const target =
    c.mode === 'terminations_and_hires'
      ? n + Math.sign(c.growth) * people.filter((p) => below(p.id, 'growth_count', Math.abs(c.growth))).length
      : Math.round(n * (1 + c.growth));
  const baseTerms = draws
    ? people.filter((p) => below(p.id, 'termination_count', p.prior ? c.newHireTerminationRate : c.terminationRate)).length
    : Math.floor(people.filter((p) => !p.prior).length * c.terminationRate + people.filter((p) => p.prior).length * c.newHireTerminationRate);
  const net = target - (n - baseTerms);
  const plannedHires = net <= 0 ? 0 : Math.ceil(net / (1 - c.newHireTerminationRate));
  let nhTerms = plannedHires - Math.max(net, 0);
  if (draws) {
    nhTerms = 0;
    for (let seq = 1; seq <= plannedHires; seq += 1) {
      if (below(`NH_${c.year}_${String(seq).padStart(6, '0')}`, 'nh_termination_count', c.newHireTerminationRate)) nhTerms += 1;
    }
  }
  const hires = Math.max(net, 0) + nhTerms;
  const expTerms = baseTerms + Math.max(-net, 0);
  return { n_start: n, target, exp_terms: expTerms, hires, nh_terms: nhTerms, error: 0, level_terms: expTerms, level_hires: hires };
}

const base = { seed: 42, growth: 0.03, terminationRate: 0.12, newHireTerminationRate: 0.25, experienced: 400 };

describe('drawn counts in the solver, against a hand count of the draws', () => {
  it('terminations: first year (everyone experienced) and the next (prior-year hires at the new-hire rate)', async () => {
    for (const c of [
      { ...base, mode: 'terminations', year: 2025 },
      { ...base, mode: 'terminations', year: 2026, priorYearHires: 120 },
    ] as Case[]) {
      const needs = await solve(c);
      expect(needs, `${c.year}`).toEqual(handCount(c));
      // The target is still the exact one; the quotas are not the solver's exact ones.
      expect(needs.target).toBe(Math.round(needs.n_start * 1.03));
      const exact = handCount({ ...c, mode: 'none' });
      expect(await solve({ ...c, mode: 'none' })).toEqual(exact);
      expect([needs.exp_terms, needs.nh_terms]).not.toEqual([exact.exp_terms, exact.nh_terms]);
    }
  });

  it('terminations: another seed draws other counts, around the rates', async () => {
    const counts = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const c: Case = { ...base, mode: 'terminations', year: 2026, seed, priorYearHires: 120 };
      const needs = await solve(c);
      expect(needs).toEqual(handCount(c));
      counts.push(needs.exp_terms);
    }
    expect(new Set(counts).size).toBeGreaterThan(1);
    // 400 x 0.12 + 120 x 0.25 = 78 expected; sd ~7.
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.abs(mean - 78)).toBeLessThan(15);
  });

  it('terminations at the rates edges: 0 draws no one, 1 draws everyone (strict draw < rate)', async () => {
    const none = { ...base, mode: 'terminations', year: 2026, priorYearHires: 50, terminationRate: 0, newHireTerminationRate: 0 } as Case;
    const zero = await solve(none);
    expect(zero).toEqual(handCount(none));
    expect(zero).toMatchObject({ exp_terms: 0, nh_terms: 0, hires: 14, target: 464 });
    const all = { ...base, mode: 'terminations', year: 2026, priorYearHires: 50, terminationRate: 1, newHireTerminationRate: 0.5 } as Case;
    const everyone = await solve(all);
    expect(everyone).toEqual(handCount(all));
    // 400 experienced at rate 1, and the prior-year hires at 0.5; the year still ends on 464.
    expect(everyone.exp_terms).toBeGreaterThanOrEqual(400);
    expect(everyone.n_start + everyone.hires - everyone.exp_terms - everyone.nh_terms).toBe(464);
  });

  it('terminations_and_hires: the target is drawn, growing and shrinking; growth 0 and 1 are exact', async () => {
    for (const [growth, year] of [
      [0.03, 2025],
      [0.1, 2026],
      [-0.05, 2026],
      [-0.3, 2025],
    ] as const) {
      const c = { ...base, mode: 'terminations_and_hires', growth, year, priorYearHires: year > START ? 80 : 0 } as Case;
      const needs = await solve(c);
      expect(needs, `growth ${growth}`).toEqual(handCount(c));
      expect(needs.error).toBe(0);
    }
    const flat = await solve({ ...base, mode: 'terminations_and_hires', growth: 0, year: 2025 });
    expect(flat.target).toBe(400);
    const doubling = await solve({ ...base, mode: 'terminations_and_hires', growth: 1, year: 2025 });
    expect(doubling.target).toBe(800);
    const targets = new Set<number>();
    for (const seed of [1, 2, 3, 4]) targets.add((await solve({ ...base, mode: 'terminations_and_hires', seed, year: 2025 })).target);
    expect(targets.size).toBeGreaterThan(1);
  });
});

describe('simulations with drawn counts (300 employees, 2025-2026)', () => {
  const databases: Partial<Record<CountUncertainty, string>> = {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-counts-'));
    const census = await makeCensus(dir, 300, 7);
    for (const mode of ['terminations', 'terminations_and_hires'] as const) {
      const config = defaultConfigObject();
      config.simulation.count_uncertainty = mode;
      databases[mode] = (await simulate({ dir, census, name: mode, config, years: [2025, 2026] })).database;
    }
  }, 120_000);

  const perYear = (database: string) =>
    query<Record<string, number>>(
      database,
      `SELECT n.simulation_year::INTEGER AS year, n.starting_workforce_count::INTEGER AS n_start,
              n.target_ending_workforce::INTEGER AS target, n.expected_experienced_terminations::INTEGER AS exp_terms,
              n.expected_new_hire_terminations::INTEGER AS nh_terms, n.total_hires_needed::INTEGER AS hires,
              (SELECT count(*) FROM fct_yearly_events e WHERE e.simulation_year = n.simulation_year AND e.event_type = 'hire')::INTEGER AS hire_events,
              (SELECT count(*) FROM fct_yearly_events e WHERE e.simulation_year = n.simulation_year AND e.event_type = 'termination'
                 AND NOT starts_with(e.employee_id, 'NH_' || n.simulation_year || '_'))::INTEGER AS exp_term_events,
              (SELECT count(*) FROM fct_yearly_events e WHERE e.simulation_year = n.simulation_year AND e.event_type = 'termination'
                 AND starts_with(e.employee_id, 'NH_' || n.simulation_year || '_'))::INTEGER AS nh_term_events,
              (SELECT count(*) FROM fct_workforce_snapshot s WHERE s.simulation_year = n.simulation_year AND s.employment_status = 'active')::INTEGER AS actives,
              (SELECT sum(violations) FROM planalign_validation_results v
                 WHERE v.simulation_year = n.simulation_year AND v.rule = 'headcount_matches_growth_target')::INTEGER AS rule_violations,
              (SELECT count(*) FROM planalign_validation_results v
                 WHERE v.simulation_year = n.simulation_year AND v.rule = 'headcount_matches_growth_target')::INTEGER AS rule_checked
       FROM int_workforce_needs n ORDER BY n.simulation_year`,
    );

  it('terminations: the events are the drawn counts and the year ends on the exact growth target', async () => {
    const years = await perYear(databases.terminations!);
    expect(years).toHaveLength(2);
    for (const y of years) {
      expect(y).toMatchObject({ hire_events: y.hires, exp_term_events: y.exp_terms, nh_term_events: y.nh_terms, actives: y.target });
      expect(y.target).toBe(Math.round(y.n_start * 1.03));
      expect(y).toMatchObject({ rule_checked: 1, rule_violations: 0 });
    }
  });

  it('terminations_and_hires: the year ends on the drawn target, which the headcount rule checks', async () => {
    const years = await perYear(databases.terminations_and_hires!);
    expect(years).toHaveLength(2);
    for (const y of years) {
      expect(y).toMatchObject({ hire_events: y.hires, exp_term_events: y.exp_terms, nh_term_events: y.nh_terms, actives: y.target });
      expect(y).toMatchObject({ rule_checked: 1, rule_violations: 0 });
    }
    // The drawn target is not the exact one in some year: the rule checked the drawn one.
    expect(years.some((y) => y.target !== Math.round(y.n_start * 1.03))).toBe(true);
  });
});

describe('--vary-counts (applyVaryCounts, shared by simulate and ensemble)', () => {
  const modeAfter = (configured: CountUncertainty | undefined, env: Record<string, string> = {}): unknown => {
    const raw = defaultConfigObject();
    if (configured !== undefined) raw.simulation.count_uncertainty = configured;
    const builder = new OrchestratorBuilder().withConfig(raw).withEnvironment(env);
    expect(applyVaryCounts(builder)).toEqual({ key: 'simulation.count_uncertainty', source: '--vary-counts' });
    return builder.resolveInputs().config.config.simulation.count_uncertainty;
  };

  it('draws the termination counts, and keeps terminations_and_hires when the config or the environment says so', () => {
    expect(modeAfter(undefined)).toBe('terminations');
    expect(modeAfter('none')).toBe('terminations');
    expect(modeAfter('terminations')).toBe('terminations');
    expect(modeAfter('terminations_and_hires')).toBe('terminations_and_hires');
    expect(modeAfter(undefined, { PLANALIGN_SIMULATION__COUNT_UNCERTAINTY: 'terminations_and_hires' })).toBe('terminations_and_hires');
  });

  it('is said in the run output, with its source', () => {
    const builder = new OrchestratorBuilder().withConfig(defaultConfigObject()).withEnvironment({});
    const baseline = builder.resolveInputs().config.config;
    const source = applyVaryCounts(builder);
    const effective = builder.resolveInputs().config.config;
    const lines = describeEffectiveInputs(effective, baseline, 'census.csv', appliedOverrides(effective, baseline, [source]));
    expect(lines).toContain(
      '  terminations     experienced 12%, new hires 25%, totals drawn around the rates (from --vary-counts; config says experienced 12%, new hires 25%)',
    );
  });

  it('refuses an unknown mode in the config, naming the key', () => {
    const raw = defaultConfigObject();
    raw.simulation.count_uncertainty = 'hires';
    expect(() => parseConfig(raw)).toThrow(/simulation\.count_uncertainty: must be none, terminations or terminations_and_hires/);
  });
});
