import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { query, simulate } from '../support/engine.js';
import { flatConfig, matchRows, writeMatchCensus, type CensusRow, type MatchRow } from './match-support.js';

/**
 * Deferral-based safe-harbor presets and the master switch through the engine, 2025-2026,
 * hand-computed on 100,000 of pay at 1 %, 3 %, 4 %, 6 % and 10 % deferred.
 */

const CENSUS: CensusRow[] = [
  ['D_01', '1980-01-01', '2015-01-01', 100000, '0.01'],
  ['D_03', '1980-01-01', '2015-01-01', 100000, '0.03'],
  ['D_04', '1980-01-01', '2015-01-01', 100000, '0.04'],
  ['D_06', '1980-01-01', '2015-01-01', 100000, '0.06'],
  ['D_10', '1980-01-01', '2015-01-01', 100000, '0.10'],
];

const amounts = (rows: MatchRow[]) => rows.map((r) => [r.employee_id, r.simulation_year, r.employer_match_amount, r.match_status]);

describe('deferral-based presets and the switch (hand-computed, 2025-2026)', () => {
  let qaca: MatchRow[];
  let enhanced: MatchRow[];
  let disabled: MatchRow[];
  let disabledCore: Array<{ n: number; core: string }>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-match-deferral-'));
    const census = writeMatchCensus(dir, CENSUS);
    const run = async (name: string, change: (m: Record<string, any>) => void) =>
      (await simulate({ dir, census, name, config: flatConfig((c) => change(c.employer_match)) })).database;
    qaca = await matchRows(await run('qaca', (m) => (m.active_formula = 'qaca_safe_harbor')));
    enhanced = await matchRows(await run('enhanced', (m) => (m.active_formula = 'safe_harbor_enhanced')));
    const off = await run('disabled', (m) => (m.enabled = false));
    disabled = await matchRows(off);
    disabledCore = await query(off, `SELECT count(*)::INTEGER AS n, sum(employer_core_amount)::VARCHAR AS core FROM int_employer_core_contributions`);
  }, 120_000);

  it('qaca_safe_harbor: 100 % of the first 1 %, 50 % of the next 5 % (3.5 % of pay at most)', () => {
    expect(amounts(qaca)).toEqual(
      [
        ['D_01', '1000.00'],
        ['D_03', '2000.00'], // 1,000 + 50 % of 2,000
        ['D_04', '2500.00'],
        ['D_06', '3500.00'], // 1,000 + 50 % of 5,000
        ['D_10', '3500.00'],
      ].flatMap(([id, match]) => [2025, 2026].map((y) => [id, y, match, 'calculated'])),
    );
    expect(new Set(qaca.map((r) => `${r.formula_id}/${r.formula_type}`))).toEqual(new Set(['qaca_safe_harbor/qaca']));
    expect(qaca.every((r) => r.match_band === null && r.applied_points === null)).toBe(true);
  });

  it('safe_harbor_enhanced: 100 % of the first 4 %', () => {
    expect(amounts(enhanced)).toEqual(
      [
        ['D_01', '1000.00'],
        ['D_03', '3000.00'],
        ['D_04', '4000.00'],
        ['D_06', '4000.00'],
        ['D_10', '4000.00'],
      ].flatMap(([id, match]) => [2025, 2026].map((y) => [id, y, match, 'calculated'])),
    );
    expect(new Set(enhanced.map((r) => `${r.formula_id}/${r.formula_type}`))).toEqual(new Set(['safe_harbor_enhanced/safe_harbor']));
  });

  it('employer_match.enabled: false pays no match, every row disabled; the core is still paid', () => {
    expect(amounts(disabled)).toEqual(CENSUS.flatMap(([id]) => [2025, 2026].map((y) => [id, y, '0.00', 'disabled'])));
    // 1 % of 100,000 for 5 employees over 2 years.
    expect(disabledCore).toEqual([{ n: 10, core: '10000.00' }]);
  });
});
