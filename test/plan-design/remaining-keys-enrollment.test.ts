import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ignoredReason } from '../../src/config/ignored.js';
import { query, simulate } from '../support/engine.js';
import { flatConfig } from './match-support.js';

/**
 * enrollment.auto_enrollment.opt_out_rates.target and voluntary_enrollment_rate (reference-config-keys-head.md
 * §8.1), by hand over 2025-2026. Target 0.9: age rates 0.9 × 1.8 = 1.62 (a probability: 1), × 1.1 = 0.99,
 * income multipliers 1.3 / 1.0 / 0.8 / 0.5; the file's by_age of zeros (no opt-outs) is ignored. A
 * young moderate earner opts out with P = 1 × 1.0 = 1, a mid-career low earner with P = 0.99 × 1.3 ≥ 1.
 * voluntary_enrollment_rate 0 zeroes voluntary and conversion probabilities that are otherwise 1.
 */
const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';
const CENSUS = [
  HEADER,
  // Hired after the 2020-01-01 cutoff, not participating: auto-enrolled in 2025.
  'E_YOUNG,SSN-1,2000-03-01,2022-03-01,,60000,0',
  'E_MID_LOW,SSN-2,1985-03-01,2021-01-01,,40000,0',
  // Hired before the cutoff: only voluntary enrollment and conversion can enroll them.
  'E_OLD,SSN-3,1980-03-01,2015-01-01,,60000,0',
];

const rates = (young: number, mid_career: number, mature: number, senior: number) => ({ young, mid_career, mature, senior });

function config(): Record<string, any> {
  return flatConfig((c) => {
    c.enrollment.auto_enrollment.enabled = true;
    c.enrollment.auto_enrollment.hire_date_cutoff = '2020-01-01';
    c.enrollment.auto_enrollment.opt_out_rates = { target: 0.9, by_age: rates(0, 0, 0, 0) };
    c.enrollment.auto_enrollment.voluntary_enrollment_rate = 0;
    c.enrollment.voluntary_enrollment.enabled = true;
    c.enrollment.voluntary_enrollment.base_rates_by_age = rates(1, 1, 1, 1);
    c.enrollment.year_over_year_conversion.enabled = true;
    c.enrollment.year_over_year_conversion.base_rates_by_age = rates(1, 1, 1, 1);
  });
}

describe('opt-out target and voluntary enrollment rate through the engine (hand-computed, 2025-2026)', () => {
  let events: Array<[string, number, string, string]>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-remaining-enrollment-'));
    const census = join(dir, 'census.csv');
    writeFileSync(census, `${CENSUS.join('\n')}\n`);
    const { database } = await simulate({ dir, census, config: config() });
    events = (
      await query<{ id: string; y: number; t: string; d: string }>(
        database,
        `SELECT employee_id AS id, simulation_year AS y, event_category AS t, effective_date::VARCHAR AS d
         FROM fct_yearly_events WHERE event_type IN ('enrollment', 'enrollment_change') ORDER BY id, y, d`,
      )
    ).map((e) => [e.id, e.y, e.t, e.d]);
  }, 120_000);

  it('derives the opt-out rates from the target: both auto-enrollees opt out in 2025 and are never re-enrolled', () => {
    // Dates follow the engine's own rules (not these keys): only who, when and what is asserted.
    expect(events.filter(([id]) => id !== 'E_OLD').map(([id, y, t]) => [id, y, t])).toEqual([
      ['E_MID_LOW', 2025, 'auto_enrollment'],
      ['E_MID_LOW', 2025, 'enrollment_opt_out'],
      ['E_YOUNG', 2025, 'auto_enrollment'],
      ['E_YOUNG', 2025, 'enrollment_opt_out'],
    ]);
  });

  it('multiplies the voluntary and conversion probabilities by voluntary_enrollment_rate: 0 enrolls nobody in either year', () => {
    expect(events.filter(([id]) => id === 'E_OLD')).toEqual([]);
  });

  it('reports the by_age table as ignored under a target, with the derived rates in the resolved config', () => {
    const loaded = parseConfig(config());
    expect(loaded.ignored).toContain('enrollment.auto_enrollment.opt_out_rates.by_age');
    expect(loaded.ignored).not.toContain('enrollment.auto_enrollment.opt_out_rates.by_income');
    expect(ignoredReason('enrollment.auto_enrollment.opt_out_rates.by_age')).toMatch(/^enrollment\.auto_enrollment\.opt_out_rates\.target is given/);
    expect(loaded.config.enrollment.auto_enrollment.opt_out_rates.by_age).toEqual(rates(1, 0.99, 0.63, 0.36));
    expect(loaded.config.enrollment.auto_enrollment.opt_out_rates.by_income).toEqual({ low_income: 1.3, moderate: 1, high: 0.8, executive: 0.5 });
    // Without a target the file's tables apply, as in 2025.
    const { target: _, ...tables } = config().enrollment.auto_enrollment.opt_out_rates;
    const without = parseConfig(flatConfig((c) => (c.enrollment.auto_enrollment.opt_out_rates = tables)));
    expect(without.ignored).not.toContain('enrollment.auto_enrollment.opt_out_rates.by_age');
    expect(without.config.enrollment.auto_enrollment.opt_out_rates.by_age).toEqual(rates(0, 0, 0, 0));
  });
});
