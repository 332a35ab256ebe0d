import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { query, simulate } from '../support/engine.js';
import { flatConfig } from './match-support.js';

/**
 * The dc_plan auto-enrollment keys (reference-config-keys-head.md §23) win over their YAML keys, by hand
 * over 2025-2026. The YAML: cutoff 2020-01-01, default 2 %, young opt-out rate 1 (certain), voluntary
 * and conversion rates 1 (certain). dc_plan: cutoff 2021-06-01, default 4 % (a percent), every opt-out
 * rate 0, voluntary_enrollment_rate 0. So E_IN (hired 2022) is auto-enrolled at 4 % in 2025 and stays;
 * E_BEFORE (hired 2021-01-01, before the dc_plan cutoff) is never enrolled.
 */
const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';
const CENSUS = [HEADER, 'E_IN,SSN-1,2000-03-01,2022-03-01,,60000,0', 'E_BEFORE,SSN-2,2000-03-01,2021-01-01,,60000,0'];

const rates = (young: number, mid_career: number, mature: number, senior: number) => ({ young, mid_career, mature, senior });

function config(): Record<string, any> {
  return flatConfig((c) => {
    c.enrollment.auto_enrollment.enabled = false;
    c.enrollment.auto_enrollment.hire_date_cutoff = '2020-01-01';
    c.enrollment.auto_enrollment.default_deferral_rate = 0.02;
    c.enrollment.auto_enrollment.opt_out_rates = { by_age: rates(1, 1, 1, 1) };
    c.enrollment.voluntary_enrollment.enabled = true;
    c.enrollment.voluntary_enrollment.base_rates_by_age = rates(1, 1, 1, 1);
    c.enrollment.year_over_year_conversion.enabled = true;
    c.enrollment.year_over_year_conversion.base_rates_by_age = rates(1, 1, 1, 1);
    c.dc_plan = {
      auto_enroll: true,
      auto_enroll_scope: 'all_eligible',
      auto_enroll_hire_date_cutoff: '2021-06-01',
      default_deferral_percent: 4,
      opt_out_rate_young: 0,
      opt_out_rate_mid: 0,
      opt_out_rate_mature: 0,
      opt_out_rate_senior: 0,
      voluntary_enrollment_rate: 0,
    };
  });
}

describe('the dc_plan auto-enrollment keys through the engine (hand-computed, 2025-2026)', () => {
  let events: Array<[string, number, string, string | null]>;
  let state: Array<[string, number, boolean, string | null]>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-remaining-dc-plan-'));
    const census = join(dir, 'census.csv');
    writeFileSync(census, `${CENSUS.join('\n')}\n`);
    const { database } = await simulate({ dir, census, config: config() });
    events = (
      await query<{ id: string; y: number; t: string; r: string | null }>(
        database,
        `SELECT employee_id AS id, simulation_year AS y, event_category AS t, employee_deferral_rate::VARCHAR AS r
         FROM fct_yearly_events WHERE event_type IN ('enrollment', 'enrollment_change') ORDER BY id, y`,
      )
    ).map((e) => [e.id, e.y, e.t, e.r]);
    state = (
      await query<{ id: string; y: number; e: boolean; r: string | null }>(
        database,
        `SELECT employee_id AS id, simulation_year AS y, is_enrolled_flag AS e, current_deferral_rate::VARCHAR AS r
         FROM fct_workforce_snapshot ORDER BY id, y`,
      )
    ).map((e) => [e.id, e.y, e.e, e.r]);
  }, 120_000);

  it('auto-enrolls from the dc_plan cutoff at the dc_plan default, with no opt-out and no voluntary enrollment', () => {
    expect(events).toEqual([['E_IN', 2025, 'auto_enrollment', '0.04000']]);
    expect(state).toEqual([
      ['E_BEFORE', 2025, false, '0.00000'],
      ['E_BEFORE', 2026, false, '0.00000'],
      ['E_IN', 2025, true, '0.04000'],
      ['E_IN', 2026, true, '0.04000'],
    ]);
  });

  it('names the dc_plan key that set each YAML key; the scope is ignored as the YAML scope is', () => {
    const loaded = parseConfig(config());
    expect(loaded.dcPlan).toContainEqual({ key: 'enrollment.auto_enrollment.default_deferral_rate', source: 'dc_plan.default_deferral_percent' });
    expect(loaded.config.enrollment.auto_enrollment.default_deferral_rate).toBe(0.04);
    expect(loaded.config.enrollment.auto_enrollment.voluntary_enrollment_rate).toBe(0);
    expect(loaded.ignored).toContain('dc_plan.auto_enroll_scope');
  });
});
