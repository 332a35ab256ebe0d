import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query, simulate } from '../support/engine.js';
import { flatConfig, writeMatchCensus, type CensusRow, CEILING_4_8_BANDS } from './match-support.js';

export interface ResponseRun {
  /** employee → [year, previous rate, new rate] of each deferral_match_response event. */
  responses: Record<string, Array<[number, string, string]>>;
  /** employee → the end-of-year deferral rate of 2025, 2026, 2027. */
  rates: Record<string, string[]>;
  /** employee → [event type, effective date, new rate] of 2025's rate events in event_sequence order. */
  events2025: Record<string, Array<[string, string, string]>>;
  /** employee → 2025 deferrals (dollars). */
  deferrals2025: Record<string, string>;
}

/** Runs 2025-2027 with a tenure-graded match, no workforce change, the given census and changes. */
export async function runResponse(prefix: string, census: CensusRow[], change: (c: Record<string, any>) => void): Promise<ResponseRun> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = flatConfig((c) => {
    c.simulation.end_year = 2027;
    c.employer_match.employer_match_status = 'tenure_graded';
    c.employer_match.tenure_graded_bands = CEILING_4_8_BANDS;
    change(c);
  });
  const { database } = await simulate({ dir, census: writeMatchCensus(dir, census), config, name: prefix });
  const events = await query<{ employee_id: string; simulation_year: number; event_type: string; day: string; prev: string; rate: string }>(
    database,
    `SELECT employee_id, simulation_year, event_type, effective_date::VARCHAR AS day,
            prev_employee_deferral_rate::VARCHAR AS prev, employee_deferral_rate::VARCHAR AS rate
     FROM fct_yearly_events WHERE event_type IN ('deferral_match_response', 'deferral_escalation', 'enrollment', 'enrollment_change')
     ORDER BY employee_id, simulation_year, event_sequence`,
  );
  const state = await query<{ employee_id: string; rate: string }>(
    database,
    `SELECT employee_id, current_deferral_rate::VARCHAR AS rate FROM int_deferral_rate_state_accumulator ORDER BY employee_id, simulation_year`,
  );
  const contributions = await query<{ employee_id: string; amount: string }>(
    database,
    `SELECT employee_id, annual_contribution_amount::VARCHAR AS amount FROM int_employee_contributions WHERE simulation_year = 2025`,
  );
  const run: ResponseRun = { responses: {}, rates: {}, events2025: {}, deferrals2025: {} };
  for (const e of events) {
    if (e.event_type === 'deferral_match_response') (run.responses[e.employee_id] ??= []).push([e.simulation_year, e.prev, e.rate]);
    if (e.simulation_year === 2025) (run.events2025[e.employee_id] ??= []).push([e.event_type, e.day, e.rate]);
  }
  for (const s of state) (run.rates[s.employee_id] ??= []).push(s.rate);
  for (const c of contributions) run.deferrals2025[c.employee_id] = c.amount;
  return run;
}
