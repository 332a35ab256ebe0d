import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCensus } from '../../src/census/index.js';
import { HEADER, withDb, writeText } from '../census/helpers.js';
import { query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { flatConfig } from './match-support.js';

/**
 * The census column auto_escalation_opt_out (reference-plan-design.md §0.5, §5): true ⇒ never
 * escalated; empty or false ⇒ escalated as the plan says. 2025-2027, 1 % a year up to 10 % on Jan 1,
 * delay 1 (census participants count as enrolled from 2025, so they first escalate in 2026), hire-date
 * cutoff 2020-01-01 inclusive.
 */
const CENSUS = [
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate,auto_escalation_opt_out',
  'E_IN,SSN-1,1980-01-01,2020-01-01,,100000,0.05,false',
  'E_OUT,SSN-2,1980-01-01,2020-06-01,,100000,0.05,true',
  'E_EMPTY,SSN-3,1980-01-01,2020-06-01,,100000,0.05,',
  'E_OLD,SSN-4,1980-01-01,2019-12-31,,100000,0.05,false',
  'E_CAP,SSN-5,1980-01-01,2021-03-01,,100000,0.095,',
];

type Event = [string, number, string, string];

describe('census auto_escalation_opt_out through the engine (hand-computed, 2025-2027)', () => {
  let events: Event[];
  let rates: Array<[string, number, string]>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-escalation-opt-out-'));
    const census = join(dir, 'census.csv');
    writeFileSync(census, `${CENSUS.join('\n')}\n`);
    const config = flatConfig((c) => {
      c.simulation.end_year = 2027;
      c.deferral_auto_escalation = { enabled: true, effective_day: '01-01', increment_amount: 0.01, maximum_rate: 0.1, hire_date_cutoff: '2020-01-01' };
    });
    const { database } = await simulate({ dir, census, config });
    events = (
      await query<{ id: string; y: number; d: string; r: string }>(
        database,
        `SELECT employee_id AS id, simulation_year AS y, effective_date::VARCHAR AS d, employee_deferral_rate::VARCHAR AS r
         FROM fct_yearly_events WHERE event_type = 'deferral_escalation' ORDER BY id, y`,
      )
    ).map((e) => [e.id, e.y, e.d, e.r]);
    rates = (
      await query<{ id: string; y: number; r: string }>(
        database,
        `SELECT employee_id AS id, simulation_year AS y, current_deferral_rate::VARCHAR AS r
         FROM int_deferral_rate_state_accumulator WHERE employee_id IN ('E_OUT', 'E_IN') ORDER BY id, y`,
      )
    ).map((e) => [e.id, e.y, e.r]);
  }, 120_000);

  it('escalates those not opted out (false or empty) from 2026, at the inclusive cutoff, up to the cap; never the opted-out', () => {
    expect(events).toEqual([
      ['E_CAP', 2026, '2026-01-01', '0.10000'],
      ['E_EMPTY', 2026, '2026-01-01', '0.06000'],
      ['E_EMPTY', 2027, '2027-01-01', '0.07000'],
      ['E_IN', 2026, '2026-01-01', '0.06000'],
      ['E_IN', 2027, '2027-01-01', '0.07000'],
    ]);
  });

  it('keeps the opted-out participant enrolled at the census rate', () => {
    expect(rates).toEqual([
      ['E_IN', 2025, '0.05000'],
      ['E_IN', 2026, '0.06000'],
      ['E_IN', 2027, '0.07000'],
      ['E_OUT', 2025, '0.05000'],
      ['E_OUT', 2026, '0.05000'],
      ['E_OUT', 2027, '0.05000'],
    ]);
  });
});

const tempDir = useTempDir();
const ROW = 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05';

describe('census auto_escalation_opt_out intake', () => {
  it('reads true/false; empty or a missing column is false', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [`${HEADER},auto_escalation_opt_out`, `${ROW},true`, `${ROW.replace('EMP_1', 'EMP_2')},`, `${ROW.replace('EMP_1', 'EMP_3')},false`]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      await loadCensus(db, csv);
      expect(await db.all(`SELECT employee_id, auto_escalation_opt_out FROM stg_census_data ORDER BY employee_id`)).toEqual([
        { employee_id: 'EMP_1', auto_escalation_opt_out: true },
        { employee_id: 'EMP_2', auto_escalation_opt_out: false },
        { employee_id: 'EMP_3', auto_escalation_opt_out: false },
      ]);
    });
    const bare = writeText(dir, 'bare.csv', [HEADER, ROW]);
    await withDb(join(dir, 'bare.duckdb'), async (db) => {
      const result = await loadCensus(db, bare);
      expect(result.mapping.missing).toContainEqual({ column: 'auto_escalation_opt_out', default: 'empty: no census employee is opted out of auto-escalation' });
      expect(await db.all(`SELECT auto_escalation_opt_out FROM stg_census_data`)).toEqual([{ auto_escalation_opt_out: false }]);
    });
  });
});
