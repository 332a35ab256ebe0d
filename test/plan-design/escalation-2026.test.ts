import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { defaultConfigObject, query, simulate } from '../support/engine.js';
import { flatConfig, writeMatchCensus, type CensusRow, CEILING_4_8_BANDS } from './match-support.js';

/**
 * The 2026 meaning of the escalation delay for census participants (reference-plan-design.md §5): their
 * enrollment date is setup.plan_year_end_date (2024-12-31), so years enrolled in Y = Y - 2024 and with
 * delay 1 they escalate already in 2025, the start year; the 2025 meaning counts Y - 2025. Selected by
 * deferral_auto_escalation.census_escalates_in_start_year, which a dc_plan escalation key defaults to true.
 * 2025-2027, +1 % every Jan 1 up to 10 %, no hire-date cutoff; 20 % growth a year brings hires, who are
 * auto-enrolled at 2 % (nobody opts out) and escalate from their enrollment year + delay in every run.
 */
const CENSUS: CensusRow[] = [
  ['C_PART', '1980-01-01', '2015-01-01', 60000, '0.08'], // at its 8 % match ceiling: never responds
  ['A_UP', '1980-01-01', '2023-01-01', 60000, '0.02'], // response to its 4 % ceiling, then escalation from 4 %
  // 23,500 / 400,000 = 5.875 %: the response stops there (ceiling 8 %); an escalation the same year too.
  ['I_HIGH_PAY', '1980-01-01', '2015-01-01', 400000, '0.03'],
  ...Array.from({ length: 7 }, (_, i): CensusRow => [`F_${i}`, '1985-01-01', '2016-01-01', 50000, '0.05']),
];

interface Run {
  /** employee → end-of-year rates of 2025, 2026, 2027. */
  rates: Record<string, string[]>;
  /** employee → [year, new rate] of each escalation. */
  escalations: Record<string, Array<[number, string]>>;
  /** hire → year of its enrollment. */
  hireEnrollments: Record<string, number>;
}

async function run(prefix: string, change: (c: Record<string, any>) => void): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = flatConfig((c) => {
    c.simulation.end_year = 2027;
    c.simulation.target_growth_rate = 0.2;
    c.employer_match.employer_match_status = 'tenure_graded';
    c.employer_match.tenure_graded_bands = CEILING_4_8_BANDS;
    c.enrollment.auto_enrollment.enabled = true;
    c.enrollment.auto_enrollment.hire_date_cutoff = null;
    c.enrollment.auto_enrollment.default_deferral_rate = 0.02;
    c.enrollment.auto_enrollment.opt_out_rates.by_age = { young: 0, mid_career: 0, mature: 0, senior: 0 };
    Object.assign(c.deferral_auto_escalation, { enabled: true, effective_day: '01-01', increment_amount: 0.01, maximum_rate: 0.1, hire_date_cutoff: null });
    change(c);
  });
  const { database } = await simulate({ dir, census: writeMatchCensus(dir, CENSUS), config, name: prefix });
  const result: Run = { rates: {}, escalations: {}, hireEnrollments: {} };
  const state = await query<{ id: string; rate: string }>(
    database,
    `SELECT employee_id AS id, current_deferral_rate::VARCHAR AS rate FROM int_deferral_rate_state_accumulator
     WHERE employee_id IN ('C_PART', 'A_UP', 'I_HIGH_PAY') ORDER BY id, simulation_year`,
  );
  for (const s of state) (result.rates[s.id] ??= []).push(s.rate);
  const events = await query<{ id: string; y: number; type: string; rate: string }>(
    database,
    `SELECT employee_id AS id, simulation_year AS y, event_type AS type, employee_deferral_rate::VARCHAR AS rate
     FROM fct_yearly_events WHERE event_type IN ('deferral_escalation', 'enrollment') ORDER BY id, y, event_sequence`,
  );
  for (const e of events) {
    if (e.type === 'deferral_escalation') (result.escalations[e.id] ??= []).push([e.y, e.rate]);
    else if (e.id.startsWith('NH_')) result.hireEnrollments[e.id] = e.y;
  }
  return result;
}

const firstEscalation = (r: Run, id: string): number | undefined => r.escalations[id]?.[0]?.[0];
const RESPONSE = {
  enabled: true,
  upward_participation_rate: 1,
  upward_maximize_rate: 1,
  upward_partial_increase_rate: 0,
  downward_enabled: false,
};

describe('census participants escalate in the start year only in the 2026 meaning (hand-computed, 2025-2027)', () => {
  let runs: { default: Run; key: Run; delay2: Run; delay2DcPlan: Run };

  beforeAll(async () => {
    const [byDefault, key] = await Promise.all([
      run('planalign-esc2026-default-', () => undefined),
      run('planalign-esc2026-key-', (c) => {
        c.deferral_auto_escalation.census_escalates_in_start_year = true;
        c.deferral_match_response = RESPONSE;
      }),
    ]);
    const [delay2, delay2DcPlan] = await Promise.all([
      run('planalign-esc2026-delay2-', (c) => {
        c.deferral_auto_escalation.first_escalation_delay_years = 2;
      }),
      // A dc_plan escalation key gives the section its 2026 era, whose default is true.
      run('planalign-esc2026-dcplan-', (c) => {
        c.dc_plan = { escalation_delay_years: 2 };
      }),
    ]);
    runs = { default: byDefault, key, delay2, delay2DcPlan };
  }, 240_000);

  it('2025 meaning (default): a census participant first escalates in 2026, the start year + 1', () => {
    expect(runs.default.rates.C_PART).toEqual(['0.08000', '0.09000', '0.10000']);
    expect(runs.default.escalations.C_PART).toEqual([
      [2026, '0.09000'],
      [2027, '0.10000'],
    ]);
  });

  it('census_escalates_in_start_year: true: already in 2025, up to the 10 % cap', () => {
    expect(runs.key.rates.C_PART).toEqual(['0.09000', '0.10000', '0.10000']);
    expect(runs.key.escalations.C_PART).toEqual([
      [2025, '0.09000'],
      [2026, '0.10000'],
    ]);
  });

  it('delay 2: 2027 in the 2025 meaning, 2026 with a dc_plan escalation key (its era 2026)', () => {
    expect(runs.delay2.escalations.C_PART).toEqual([[2027, '0.09000']]);
    expect(runs.delay2DcPlan.escalations.C_PART).toEqual([
      [2026, '0.09000'],
      [2027, '0.10000'],
    ]);
  });

  it('a 2025 escalation starts from the match response rate and stops at the 402(g) limit / pay', () => {
    // A_UP: 2 % -> 4 % (response) -> 5 % (escalation, same Jan 1), then 6 %, 7 %.
    expect(runs.key.rates.A_UP).toEqual(['0.05000', '0.06000', '0.07000']);
    // I_HIGH_PAY: 3 % -> 5.875 % (response, 402(g) / pay); 6.875 % would pass 23,500 / 400,000: no 2025 escalation.
    expect(runs.key.rates.I_HIGH_PAY).toEqual(['0.05875', '0.06875', '0.07875']);
    expect(runs.key.escalations.I_HIGH_PAY).toEqual([
      [2026, '0.06875'],
      [2027, '0.07875'],
    ]);
  });

  it('hires escalate from their enrollment year + delay, whatever the key', () => {
    for (const r of [runs.default, runs.key, runs.delay2, runs.delay2DcPlan]) {
      const delay = r === runs.delay2 || r === runs.delay2DcPlan ? 2 : 1;
      const hires = Object.entries(r.hireEnrollments);
      expect(hires.length).toBeGreaterThan(0);
      for (const [id, year] of hires) {
        const expected = year + delay <= 2027 ? year + delay : undefined;
        expect([id, firstEscalation(r, id)]).toEqual([id, expected]);
      }
    }
    // 2025's hires enroll in 2025 (a hire of 2025 escalating in 2026 in both meanings).
    expect(Object.values(runs.default.hireEnrollments)).toContain(2025);
  });
});

describe('deferral_auto_escalation.census_escalates_in_start_year in the resolved config', () => {
  const withKeys = (escalation: Record<string, unknown>, dcPlan?: Record<string, unknown>): Record<string, any> => {
    const c = defaultConfigObject();
    Object.assign(c.deferral_auto_escalation, escalation);
    if (dcPlan) c.dc_plan = dcPlan;
    return c;
  };
  it('defaults to false in the 2025 era and to true when a dc_plan escalation key makes the section 2026; written, it stays', () => {
    expect(parseConfig(withKeys({})).config.deferral_auto_escalation.census_escalates_in_start_year).toBe(false);
    const studio = parseConfig(withKeys({}, { escalation_rate_percent: 2 }));
    expect(studio.config.deferral_auto_escalation.census_escalates_in_start_year).toBe(true);
    expect(studio.eras.find((e) => e.section === 'deferral_auto_escalation')).toEqual({
      section: 'deferral_auto_escalation',
      era: 2026,
      keys: ['dc_plan.escalation_rate_percent'],
    });
    const kept = parseConfig(withKeys({ census_escalates_in_start_year: false }, { escalation_rate_percent: 2 }));
    expect(kept.config.deferral_auto_escalation.census_escalates_in_start_year).toBe(false);
    // The resolved default is in the hash.
    expect(kept.hash).not.toBe(studio.hash);
    // Our key alone makes the section 2026 (so migrate --to-2026 can write it).
    expect(parseConfig(withKeys({ census_escalates_in_start_year: false })).eras.find((e) => e.section === 'deferral_auto_escalation')?.era).toBe(2026);
  });
});
