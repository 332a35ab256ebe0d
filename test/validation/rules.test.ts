import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { ModelRunner } from '../../src/models/runner.js';
import { RegistryManager } from '../../src/registries/registry-manager.js';
import { loadDefaultRules, runRules, type ValidationRule } from '../../src/validation/rules.js';
import { makeCensus, simulate } from '../support/engine.js';

/**
 * Every rule passes on a real run, and flags the corruption it exists to catch. Each corruption is
 * made inside a transaction that is rolled back, so the cases do not disturb one another.
 */
const CORRUPTIONS: Record<string, string> = {
  account_balances_reconcile: `UPDATE fct_account_balances SET closing = closing + 0.01
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM fct_account_balances WHERE simulation_year = 2026)`,
  forfeiture_account_reconciles: `UPDATE fct_forfeiture_account SET closing = closing + 0.01 WHERE simulation_year = 2026`,
  headcount_matches_growth_target: `DELETE FROM fct_workforce_snapshot WHERE employee_id =
      (SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employment_status = 'active')
      AND simulation_year = 2026`,
  snapshot_unique_employee_year: `INSERT INTO fct_workforce_snapshot SELECT * FROM fct_workforce_snapshot
      WHERE simulation_year = 2026 LIMIT 1`,
  events_unique: `INSERT INTO fct_yearly_events SELECT * FROM fct_yearly_events WHERE simulation_year = 2026 LIMIT 1`,
  no_events_after_termination: `UPDATE fct_yearly_events SET effective_date = DATE '2026-12-31'
      WHERE simulation_year = 2026 AND event_type = 'raise' AND employee_id IN
        (SELECT employee_id FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'termination'
         AND effective_date < DATE '2026-12-31')`,
  event_dates_within_year: `UPDATE fct_yearly_events SET effective_date = DATE '2027-01-05'
      WHERE event_id = (SELECT min(event_id) FROM fct_yearly_events WHERE simulation_year = 2026)`,
  year_continuity: `DELETE FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employee_id =
      (SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2025 AND employment_status = 'active')`,
  accepted_values: `UPDATE fct_workforce_snapshot SET level_id = 9
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2026)`,
  required_values: `UPDATE fct_workforce_snapshot SET current_age = NULL
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2026)`,
  new_hire_termination_integrity: `UPDATE fct_workforce_snapshot SET detailed_status_code = 'new_hire_active'
      WHERE simulation_year = 2026 AND detailed_status_code = 'new_hire_termination'`,
  compensation_bounds: `UPDATE fct_workforce_snapshot SET current_compensation = 9000
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot
        WHERE simulation_year = 2026 AND employment_status = 'active')`,
  hire_termination_ratio: `DELETE FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'termination'`,
  contributions_within_irs_limit: `UPDATE int_employee_contributions SET annual_contribution_amount = 40000
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM int_employee_contributions WHERE simulation_year = 2026)`,
  contributions_within_pay: `UPDATE int_employee_contributions SET annual_contribution_amount = eligible_compensation + 1
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM int_employee_contributions
        WHERE simulation_year = 2026 AND eligible_compensation < 20000)`,
  enrollment_consistency: `INSERT INTO fct_yearly_events SELECT * REPLACE (effective_date + 1 AS effective_date)
      FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'enrollment' LIMIT 1`,
  no_auto_reenrollment_after_opt_out: `INSERT INTO fct_yearly_events
      SELECT * REPLACE (2026 AS simulation_year, 'enrollment' AS event_type, 'auto_enrollment' AS event_category,
                        DATE '2026-03-01' AS effective_date)
      FROM fct_yearly_events WHERE simulation_year = 2025 AND event_type = 'enrollment_change' LIMIT 1`,
  deferral_rates_valid: `UPDATE fct_workforce_snapshot SET current_deferral_rate = current_deferral_rate + 0.01
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot
        WHERE simulation_year = 2026 AND participation_status = 'participating')`,
  escalation_within_cap: `UPDATE fct_yearly_events SET employee_deferral_rate = 0.2
      WHERE event_id = (SELECT min(event_id) FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'deferral_escalation')`,
  deferral_registry_integrity: `INSERT INTO int_deferral_rate_state_accumulator
      SELECT * FROM int_deferral_rate_state_accumulator WHERE simulation_year = 2026 LIMIT 1`,
  match_within_formula: `UPDATE int_employee_match_calculations SET employer_match_amount = eligible_compensation * 0.05
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM int_employee_match_calculations
        WHERE simulation_year = 2026 AND employer_match_amount > 0)`,
  no_match_for_ineligible_terminations: `UPDATE fct_workforce_snapshot SET employer_match_amount = 100
      WHERE simulation_year = 2026 AND detailed_status_code = 'experienced_termination'`,
  event_spike: `INSERT INTO fct_yearly_events SELECT e.* REPLACE (e.event_id || '_copy' || r.range AS event_id)
      FROM fct_yearly_events e, range(3) r WHERE e.simulation_year = 2026`,
  workforce_plan_feasible: `UPDATE int_workforce_needs SET total_hires_needed = starting_workforce_count WHERE simulation_year = 2026`,
  events_have_snapshot_rows: `DELETE FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employee_id =
      (SELECT min(employee_id) FROM fct_yearly_events WHERE simulation_year = 2026)`,
  employee_id_format: `UPDATE fct_workforce_snapshot SET employee_id = 'NH_26_1'
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot
        WHERE simulation_year = 2026 AND employee_id LIKE 'NH_%')`,
  annual_additions_within_limit: `UPDATE int_employer_core_contributions SET core_415_reduction = 5
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM int_employer_core_contributions
        WHERE simulation_year = 2026 AND employer_core_amount > 0)`,
  enrollment_follows_plan_eligibility: `UPDATE fct_yearly_events SET effective_date = DATE '2026-01-01'
      WHERE event_id = (SELECT min(x.event_id) FROM fct_yearly_events x
        JOIN int_plan_eligibility e ON e.employee_id = x.employee_id AND e.simulation_year = x.simulation_year
        WHERE x.simulation_year = 2026 AND x.event_type = 'enrollment' AND e.entry_date > DATE '2026-01-01')`,
  core_follows_eligibility: `UPDATE int_employer_core_contributions SET employer_core_amount = employer_core_amount + 1
      WHERE simulation_year = 2026 AND employee_id = (SELECT min(employee_id) FROM int_employer_core_contributions
        WHERE simulation_year = 2026 AND eligible_for_core)`,
};

describe('validation rules', () => {
  let database: string;
  let db: Database;
  let rules: ValidationRule[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-rules-'));
    const census = await makeCensus(dir, 1200, 17);
    database = (await simulate({ dir, census, years: [2025, 2026] })).database;
    db = await Database.open(database);
    await new ModelRunner(db).setYear(2026, 2025, 42);
    rules = loadDefaultRules();
  });

  afterAll(() => db.close());

  it('has a corruption case for every rule in the rules folder', () => {
    expect(Object.keys(CORRUPTIONS).sort()).toEqual(rules.map((r) => r.name).sort());
  });

  it('every rule passes on a real run', async () => {
    const results = await runRules(db, rules);
    expect(results.filter((r) => r.violations > 0)).toEqual([]);
  });

  for (const [name, corruption] of Object.entries(CORRUPTIONS)) {
    it(`${name} flags its corruption, with sample rows`, async () => {
      const rule = rules.find((r) => r.name === name)!;
      await db.run('BEGIN TRANSACTION');
      try {
        await db.run(corruption);
        const [result] = await runRules(db, [rule]);
        expect(result!.violations, name).toBeGreaterThan(0);
        expect(result!.sample.length).toBeGreaterThan(0);
      } finally {
        await db.run('ROLLBACK');
      }
    });
  }

  it('no_match_for_ineligible_terminations: require_active_at_year_end overrides allow_experienced_terminations', async () => {
    const rule = rules.find((r) => r.name === 'no_match_for_ineligible_terminations')!;
    await db.run('BEGIN TRANSACTION');
    try {
      await db.run(`UPDATE param_dc_plan SET match_apply_eligibility = true, match_allow_exp_terminations = true`);
      await db.run(CORRUPTIONS.no_match_for_ineligible_terminations!);
      await db.run(`UPDATE param_dc_plan SET match_require_active_eoy = false`);
      expect((await runRules(db, [rule]))[0]!.violations).toBe(0);
      await db.run(`UPDATE param_dc_plan SET match_require_active_eoy = true`);
      expect((await runRules(db, [rule]))[0]!.violations).toBeGreaterThan(0);
    } finally {
      await db.run('ROLLBACK');
    }
  });

  it('the registry manager drops years and rebuilds them identically from the previous year and the events', async () => {
    const digest = async (table: string): Promise<string> =>
      (await db.one<{ d: string }>(`SELECT md5(string_agg(t::VARCHAR, '\n' ORDER BY t::VARCHAR)) AS d FROM ${table} t`))!.d;
    const runner = new ModelRunner(db);
    await runner.installMacros();
    await runner.setYear(2026, 2025, 42);
    const manager = new RegistryManager(db, runner);
    const before = [await digest('int_enrollment_state_accumulator'), await digest('int_deferral_rate_state_accumulator')];

    await manager.dropFrom(2026);
    const left = await db.all<{ y: number }>(`SELECT DISTINCT simulation_year AS y FROM int_deferral_rate_state_accumulator`);
    expect(left.map((r) => r.y)).toEqual([2025]);

    await manager.buildYear(2026);
    expect([await digest('int_enrollment_state_accumulator'), await digest('int_deferral_rate_state_accumulator')]).toEqual(before);
  });
});
