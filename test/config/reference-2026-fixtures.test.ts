/**
 * The reference-2026 fixtures (test/fixtures/reference-2026, written from the spec; see its README): every
 * section fixture, scenario override and edge fixture loads without allowUnknownKeys, and the scenarios and
 * edge cases run two years on small censuses with the boundary behaviour the spec gives them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { discoverScenarios, prepareScenarios } from '../../src/batch/index.js';
import { loadConfig } from '../../src/config/index.js';
import { defaultConfigObject, makeCensus, query, simulate } from '../support/engine.js';
import { matchRows, writeMatchCensus, type MatchRow } from '../plan-design/match-support.js';

const DIR = 'test/fixtures/reference-2026';
const yamlFiles = (sub: string): string[] => readdirSync(join(DIR, sub)).filter((f) => f.endsWith('.yaml')).sort();
const readYaml = (path: string): Record<string, any> => parse(readFileSync(path, 'utf8'), { version: '1.2', schema: 'core' }) as Record<string, any>;
const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` laid on `base` as the batch runner does: mappings merged, anything else (lists too) replaced. */
function deepMerge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out = structuredClone(base);
  for (const [key, value] of Object.entries(over)) out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key], value) : structuredClone(value);
  return out;
}

/** Half away from zero, as the growth solver rounds a headcount. */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

describe('every reference-2026 fixture loads without allow-unknown-keys', () => {
  const files = [...yamlFiles('sections').map((f) => `sections/${f}`), ...yamlFiles('edge').map((f) => `edge/${f}`)];
  it.each(files)('%s', (file) => {
    const loaded = loadConfig({ path: join(DIR, file), env: {} });
    expect(loaded.unknown).toEqual([]);
  });

  it('the compensation aliases move onto their decimal keys; a decimal key given beside its alias wins, with a notice', () => {
    const loaded = loadConfig({ path: join(DIR, 'sections/compensation_aliases.yaml'), env: {} });
    const c = loaded.config.compensation;
    expect([c.cola_rate, c.merit_budget, c.promotion_increase, c.promotion_distribution_range]).toEqual([0.02, 0.035, 0.125, 0.05]);
    expect(loaded.ignored).toEqual(['compensation.promotion_budget_percent']);
    const both = loadConfig({ path: join(DIR, 'sections/compensation_aliases.yaml'), env: {}, overrides: { 'compensation.cola_rate': 0.01 } });
    expect(both.config.compensation.cola_rate).toBe(0.01);
    expect(both.warnings).toContain('compensation.cola_rate_percent: 2 % not applied: compensation.cola_rate (0.01) is given and wins');
  });

  it('the five scenario override files load in a batch over our shipped config', () => {
    const prepared = prepareScenarios({ baseConfig: 'config/simulation_config.yaml', scenarios: discoverScenarios(join(DIR, 'scenarios')), env: {} });
    expect(prepared.map((p) => p.name).sort()).toEqual(['auto_enrollment_test', 'cost_control', 'enhanced_benefits', 'high_growth', 'magnet_points_based']);
    const byName = Object.fromEntries(prepared.map((p) => [p.name, p.config]));
    // Under the 2026 opt-out target the older by_age/by_income tables are dropped (keys-head §X.1).
    expect(byName.enhanced_benefits?.enrollment.auto_enrollment.opt_out_rates.by_age.young).not.toBe(0.05);
    expect(byName.cost_control?.employer_match.formulas.cost_control_match?.max_match_percentage).toBe(0.03);
    expect(byName.magnet_points_based?.employer_match.employer_match_status).toBe('points_based');
  });
});

interface Run {
  database: string;
  startActives: number;
}

describe('the scenarios and edge cases run with the spec boundary behaviour (2025-2026)', () => {
  const runs = new Map<string, Run>();
  let aeCutoffDb = '';
  let tenureMatch: MatchRow[] = [];

  // One directory for the whole describe: its tests read the runs of beforeAll.
  const dir = mkdtempSync(join(tmpdir(), 'planalign-reference-2026-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const census = await makeCensus(dir, 150);
    const years: [number, number] = [2025, 2026];
    const configs: Array<[string, Record<string, any>]> = [
      ...yamlFiles('scenarios').map((f): [string, Record<string, any>] => [f.replace('.yaml', ''), deepMerge(defaultConfigObject(), readYaml(join(DIR, 'scenarios', f)))]),
      ...['zero_growth', 'negative_growth', 'new_hire_eligibility_suppression', 'low_escalation_cap', 'custom_new_hire_inputs'].map(
        (name): [string, Record<string, any>] => [name, readYaml(join(DIR, 'edge', `${name}.yaml`))],
      ),
    ];
    // Two at a time: one per core.
    const queue = [...configs];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [name, config] = next;
        const { result, database } = await simulate({ dir, census, name, config, years, threads: 1 });
        runs.set(name, { database, startActives: result.census.activeRows });
      }
    };

    // AE cutoff: two non-participants, hired on the cutoff date and the day before; nobody leaves.
    const aeCensus = join(dir, 'ae_census.csv');
    writeFileSync(
      aeCensus,
      [
        'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate',
        'ON_CUTOFF,SSN-1,1985-05-05,2024-06-01,,70000,0',
        'DAY_BEFORE,SSN-2,1985-05-05,2024-05-31,,70000,0',
      ].join('\n'),
    );
    const ae = readYaml(join(DIR, 'edge', 'ae_hire_date_cutoff.yaml'));
    ae.workforce = { total_termination_rate: 0, new_hire_termination_rate: 0 };
    ae.simulation.target_growth_rate = 0;

    // Tenure-graded match: full-year employees on flat pay deferring 6 %, at and below the 2-year edge.
    const tenureCensus = writeMatchCensus(dir, [
      ['AT_2', '1980-01-01', '2023-01-01', 100000, '0.06'], // 2 years of service in 2025, 3 in 2026
      ['BELOW_2', '1980-01-01', '2024-01-01', 100000, '0.06'], // 1 in 2025, 2 in 2026
      ['AT_5', '1980-01-01', '2020-01-01', 100000, '0.06'], // 5 in 2025, 6 in 2026
    ]);
    const tenure = readYaml(join(DIR, 'edge', 'tenure_graded_match.yaml'));
    tenure.workforce = { total_termination_rate: 0, new_hire_termination_rate: 0 };
    tenure.simulation.target_growth_rate = 0;
    tenure.compensation = { ...tenure.compensation, cola_rate: 0, merit_budget: 0, promotion_rate_multiplier: 0 };
    tenure.enrollment = { auto_enrollment: { enabled: false }, voluntary_enrollment: { enabled: false }, year_over_year_conversion: { enabled: false } };
    tenure.deferral_auto_escalation = { enabled: false };

    await Promise.all([
      worker(),
      (async () => {
        aeCutoffDb = (await simulate({ dir, census: aeCensus, name: 'ae_cutoff', config: ae, years, threads: 1 })).database;
        tenureMatch = await matchRows((await simulate({ dir, census: tenureCensus, name: 'tenure_graded', config: tenure, years, threads: 1 })).database);
        await worker();
      })(),
    ]);
  }, 120_000);

  const activeByYear = async (name: string): Promise<number[]> => {
    const rows = await query<{ n: number }>(
      (runs.get(name) as Run).database,
      `SELECT count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS n FROM fct_workforce_snapshot GROUP BY simulation_year ORDER BY simulation_year`,
    );
    return rows.map((r) => r.n);
  };

  it('every scenario runs both years', async () => {
    for (const name of yamlFiles('scenarios').map((f) => f.replace('.yaml', ''))) {
      expect((await activeByYear(name)).length, name).toBe(2);
    }
  });

  it('high_growth grows active headcount by round(start x 1.08) each year', async () => {
    const start = (runs.get('high_growth') as Run).startActives;
    const [y1, y2] = await activeByYear('high_growth');
    expect([y1, y2]).toEqual([roundHalfAway(start * 1.08), roundHalfAway(roundHalfAway(start * 1.08) * 1.08)]);
  });

  it('cost_control pays its 25 %-of-3 % formula; magnet_points_based matches by points with no auto-enrollment', async () => {
    const cost = await matchRows((runs.get('cost_control') as Run).database);
    expect(new Set(cost.map((r) => r.formula_id))).toEqual(new Set(['cost_control_match']));
    for (const r of cost) expect(Number(r.employer_match_amount)).toBeLessThanOrEqual(0.25 * 0.03 * Number(r.eligible_compensation) + 0.01);
    const points = await matchRows((runs.get('magnet_points_based') as Run).database);
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((r) => r.applied_points !== null)).toBe(true);
    const [auto] = await query<{ n: number }>(
      (runs.get('magnet_points_based') as Run).database,
      `SELECT count(*)::INTEGER AS n FROM fct_yearly_events WHERE event_category = 'auto_enrollment'`,
    );
    expect(auto?.n).toBe(0);
  });

  it('zero growth: each year ends with the active headcount it started with', async () => {
    const start = (runs.get('zero_growth') as Run).startActives;
    expect(await activeByYear('zero_growth')).toEqual([start, start]);
  });

  it('negative growth: each year shrinks by 5 %, rounded half away from zero', async () => {
    const start = (runs.get('negative_growth') as Run).startActives;
    const y1 = roundHalfAway(start * 0.95);
    expect(await activeByYear('negative_growth')).toEqual([y1, roundHalfAway(y1 * 0.95)]);
    expect(y1).toBeLessThan(start);
  });

  it('AE hire-date cutoff: hired on the cutoff date is auto-enrolled, the day before is never', async () => {
    const rows = await query<{ id: string; y: number; t: string }>(
      aeCutoffDb,
      `SELECT employee_id AS id, simulation_year AS y, event_category AS t FROM fct_yearly_events
       WHERE event_type IN ('enrollment', 'enrollment_change') ORDER BY id, y`,
    );
    expect(rows.map((r) => [r.id, r.y, r.t])).toEqual([['ON_CUTOFF', 2025, 'auto_enrollment']]);
  });

  it('new-hire ineligible pct 1.0: there are hires, and no hire enrolls in either year', async () => {
    const { database } = runs.get('new_hire_eligibility_suppression') as Run;
    const [counts] = await query<{ hires: number; enrolled: number }>(
      database,
      `SELECT (SELECT count(*) FROM fct_yearly_events WHERE event_type = 'hire')::INTEGER AS hires,
              (SELECT count(*) FROM fct_yearly_events e WHERE e.event_type = 'enrollment'
                 AND e.employee_id IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'hire'))::INTEGER AS enrolled`,
    );
    expect(counts?.hires).toBeGreaterThan(10);
    expect(counts?.enrolled).toBe(0);
  });

  it('tenure-graded match: an employee exactly at a band edge gets that band (25 % / 50 % / 100 % of 6,000)', () => {
    const got = tenureMatch.map((r) => [r.employee_id, r.simulation_year, r.applied_years_of_service, r.employer_match_amount]);
    expect(got).toEqual([
      ['AT_2', 2025, 2, '3000.00'],
      ['AT_2', 2026, 3, '3000.00'],
      ['AT_5', 2025, 5, '6000.00'],
      ['AT_5', 2026, 6, '6000.00'],
      ['BELOW_2', 2025, 1, '1500.00'],
      ['BELOW_2', 2026, 2, '3000.00'],
    ]);
  });

  it('low escalation cap: escalations happen, and nobody escalates above 4 % in either year', async () => {
    const { database } = runs.get('low_escalation_cap') as Run;
    const events = await query<{ y: number; rate: number }>(
      database,
      `SELECT simulation_year AS y, employee_deferral_rate::DOUBLE AS rate FROM fct_yearly_events WHERE event_type = 'deferral_escalation'`,
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.rate > 0.04 + 1e-9)).toEqual([]);
    // Whoever escalated ends each year at or below the cap.
    const [above] = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot s
       WHERE s.current_deferral_rate > 0.04 + 1e-9
         AND s.employee_id IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'deferral_escalation')`,
    );
    expect(above?.n).toBe(0);
  });

  it('custom new-hire inputs: ages only from the distribution; pay = centre x (0.90 + (n mod 10) x 0.02), centre within the level band', async () => {
    const { database } = runs.get('custom_new_hire_inputs') as Run;
    const hires = await query<{ y: number; seq: number; level: number; age: number; salary: number }>(
      database,
      `SELECT simulation_year AS y, right(employee_id, 6)::INTEGER AS seq, level_id AS level, employee_age AS age,
              compensation_amount::DOUBLE AS salary FROM fct_yearly_events WHERE event_type = 'hire'`,
    );
    expect(hires.length).toBeGreaterThan(20);
    expect(new Set(hires.map((h) => h.age))).toEqual(new Set([24, 33, 51]));
    const bands: Record<number, [number, number]> = { 1: [50000, 70000], 2: [85000, 110000] };
    const centres = new Map<string, number[]>();
    for (const h of hires) {
      const key = `${h.y} ${h.level}`;
      centres.set(key, [...(centres.get(key) ?? []), h.salary / (0.9 + (h.seq % 10) * 0.02)]);
    }
    let checked = 0;
    for (const [key, values] of centres) {
      const level = Number(key.split(' ')[1]);
      // One centre per level and year (up to the cent rounding of each salary).
      expect(Math.max(...values) - Math.min(...values), key).toBeLessThan(0.05);
      const band = bands[level];
      if (band === undefined) continue;
      checked += 1;
      expect(values[0], key).toBeGreaterThanOrEqual(band[0]);
      expect(values[0], key).toBeLessThanOrEqual(band[1]);
    }
    expect(checked).toBeGreaterThan(0);
  });
});
