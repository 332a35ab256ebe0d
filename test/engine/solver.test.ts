import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import { MODELS } from '../../src/models/registry.js';
import { ModelRunner } from '../../src/models/runner.js';
import { compileParameters } from '../../src/params/compile.js';
import { defaultConfigObject } from '../support/engine.js';

/**
 * The growth solver and the level allocation, run through the real SQL models on parameter tables
 * loaded per case, over a start-of-year population of the given level sizes.
 */
async function solve(options: {
  levels: number[];
  growth: number;
  terminationRate: number;
  newHireTerminationRate: number;
}): Promise<{ needs: Record<string, string>; byLevel: Array<Record<string, string>> }> {
  const raw = defaultConfigObject();
  raw.simulation.target_growth_rate = options.growth;
  raw.workforce.total_termination_rate = options.terminationRate;
  raw.workforce.new_hire_termination_rate = options.newHireTerminationRate;
  const config = parseConfig(raw).config;
  const db = await Database.open(':memory:');
  try {
    const runner = new ModelRunner(db);
    await runner.installMacros();
    await compileParameters(db, config, { scenarioId: 'default', planDesignId: 'default', startedAt: new Date(0) });
    await db.run(`CREATE TABLE int_employee_compensation_by_year (
        simulation_year INTEGER, employee_id VARCHAR, employee_hire_date DATE,
        employee_compensation DECIMAL(18,2), current_tenure INTEGER, level_id INTEGER, rng_key UBIGINT)`);
    for (const [index, count] of options.levels.entries()) {
      await db.run(
        `INSERT INTO int_employee_compensation_by_year
         SELECT 2025, 'L' || $1 || '_' || i, DATE '2015-06-01', 50000, 5, $1, pa_key('L' || $1 || '_' || i) FROM range($2) t(i)`,
        [index + 1, count],
      );
    }
    await runner.setYear(2025, 2025, 42);
    for (const name of ['int_workforce_needs', 'int_workforce_needs_by_level']) {
      await runner.runModel(MODELS.find((m) => m.name === name)!, 2025);
    }
    const needs = (await db.one<Record<string, string>>(
      `SELECT starting_workforce_count::VARCHAR AS n_start, target_ending_workforce::VARCHAR AS target,
              total_hires_needed::VARCHAR AS hires, expected_experienced_terminations::VARCHAR AS exp_terms,
              expected_new_hire_terminations::VARCHAR AS nh_terms, reconciliation_error::VARCHAR AS error
       FROM int_workforce_needs`,
    ))!;
    const byLevel = await db.all<Record<string, string>>(
      `SELECT level_id::VARCHAR AS level_id, expected_terminations::VARCHAR AS terms, hires_needed::VARCHAR AS hires
       FROM int_workforce_needs_by_level ORDER BY level_id`,
    );
    return { needs, byLevel };
  } finally {
    db.close();
  }
}

const sum = (rows: Array<Record<string, string>>, key: string): number => rows.reduce((s, r) => s + Number(r[key]), 0);

describe('growth solver (reference-simulation.md §4.2) through the SQL models', () => {
  it('golden case: start 7 000, g 3 %, r_e 25 %, r_n 40 %', async () => {
    const { needs, byLevel } = await solve({ levels: [7000], growth: 0.03, terminationRate: 0.25, newHireTerminationRate: 0.4 });
    expect(needs).toEqual({ n_start: '7000', target: '7210', hires: '3267', exp_terms: '1750', nh_terms: '1307', error: '0' });
    expect(sum(byLevel, 'terms')).toBe(1750);
    expect(sum(byLevel, 'hires')).toBe(3267);
  });

  it('golden case: start 100, g 3 % ends at 103', async () => {
    const { needs } = await solve({ levels: [60, 25, 10, 4, 1], growth: 0.03, terminationRate: 0.12, newHireTerminationRate: 0.25 });
    expect(needs.target).toBe('103');
    expect(needs.error).toBe('0');
    expect(Number(needs.n_start) + Number(needs.hires) - Number(needs.exp_terms) - Number(needs.nh_terms)).toBe(103);
  });

  it('reproduces the reference worked example and its level quotas for year 2025', async () => {
    const { needs, byLevel } = await solve({
      levels: [3446, 1632, 852, 747, 87],
      growth: 0.03,
      terminationRate: 0.12,
      newHireTerminationRate: 0.25,
    });
    expect(needs).toEqual({ n_start: '6764', target: '6967', hires: '1352', exp_terms: '811', nh_terms: '338', error: '0' });
    expect(byLevel.map((r) => Number(r.terms))).toEqual([413, 196, 102, 90, 10]);
    expect(byLevel.map((r) => Number(r.hires))).toEqual([689, 326, 170, 150, 17]);
  });

  it('rounds a half headcount away from zero', async () => {
    // 150 x 1.03 = 154.5 -> 155
    const { needs } = await solve({ levels: [150], growth: 0.03, terminationRate: 0.1, newHireTerminationRate: 0.2 });
    expect(needs.target).toBe('155');
  });

  it('moderate negative growth still hires (SQL-mode branch), deep cuts add reduction-in-force terminations', async () => {
    const mild = await solve({ levels: [1000], growth: -0.1, terminationRate: 0.12, newHireTerminationRate: 0.25 });
    expect(mild.needs).toEqual({ n_start: '1000', target: '900', hires: '27', exp_terms: '120', nh_terms: '7', error: '0' });
    const deep = await solve({ levels: [700, 300], growth: -0.2, terminationRate: 0.12, newHireTerminationRate: 0.25 });
    expect(deep.needs).toEqual({ n_start: '1000', target: '800', hires: '0', exp_terms: '200', nh_terms: '0', error: '0' });
    expect(sum(deep.byLevel, 'terms')).toBe(200);
  });

  it('keeps level quotas summing to the totals for awkward shares', async () => {
    const { needs, byLevel } = await solve({ levels: [1, 2, 3, 5, 7], growth: 0.5, terminationRate: 0.33, newHireTerminationRate: 0.3 });
    expect(sum(byLevel, 'terms')).toBe(Number(needs.exp_terms));
    expect(sum(byLevel, 'hires')).toBe(Number(needs.hires));
    for (const row of byLevel) expect(Number(row.terms)).toBeLessThanOrEqual([1, 2, 3, 5, 7][Number(row.level_id) - 1]!);
  });
});
