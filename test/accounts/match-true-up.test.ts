import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configWith, runDcModels, type EmployeeInput } from '../dc/support.js';
import { defaultConfigObject, makeCensus, query, simulate, type SimulationRun } from '../support/engine.js';

/**
 * The year-end match true-up (employer_match.true_up). The per-period match is the match formula on
 * each deferral period (one salary and one deferral rate), summed; the annual match is the formula on
 * the year's deferrals and pay. true (default): the annual match is paid, the part above the
 * per-period sum as match_true_up_amount; false: the per-period sum is paid, no true-up.
 *
 * Hand computation, the tiered match (100 % of the first 3 % of pay, 50 % of the next 2 %, capped at
 * 4 % of pay): a period at a rate r >= 5 % earns 4 % of its pay, whatever the rest of the year did.
 * 2025 and 2026 both have 365 days; Jan 1 - Jun 30 is 181 days, Jul 1 - Dec 31 184, Apr 1 - Dec 31 275.
 */
const people = (y: number): EmployeeInput[] => {
  const base = { birthDate: '1980-03-15', hireDate: '2015-06-01', tenure: 9 };
  return [
    // 6 % to Jun 30, then opts out. Deferrals 6 % x 60,000 x 181/365 = 1,785.21 (1,785.2055 exact).
    // Annual: 100 % of 1,785.21 (all below 3 % of pay = 1,800) = 1,785.21.
    // Per period: 4 % x 29,753.4247 = 1,190.14; true-up 1,785.2055 - 1,190.1370 = 595.07.
    { ...base, id: 'S', salary: '60000', startRate: '0.06', events: [{ type: 'enrollment_change', date: `${y}-07-01`, rate: '0' }] },
    // Enrolls at 10 % on Apr 1. Deferrals 10 % x 80,000 x 275/365 = 6,027.40, above 5 % of pay (4,000):
    // annual 2,400 + 800 = 3,200. Per period: 4 % x 60,273.9726 = 2,410.96; true-up 789.04.
    { ...base, id: 'E', salary: '80000', startRate: '0', events: [{ type: 'enrollment', date: `${y}-04-01`, rate: '0.10' }] },
    // 4 % all year across a raise on Jul 1: pay 29,753.42 + 33,271.23 = 63,024.66, deferrals 2,520.99;
    // annual 1,890.74 + 50 % x 630.25 = 2,205.86; the formula scales with pay: no true-up.
    { ...base, id: 'C', salaryPeriods: [[`${y}-01-01`, '60000'], [`${y}-07-01`, '66000']], startRate: '0.04' },
    // 402(g): 20 % to Jun 30, then 2 %. Requested 29,753.42 + 3,024.66 = 32,778.08, cut to the limit
    // (23,500 in 2025, 24,500 in 2026) pro rata over the year (factor k = limit / 32,778.08). Annual:
    // 4 % x 300,000 = 12,000. Per period: 4 % x 148,767.12 (20 % k >= 5 %) + 3,024.6575 x k
    // (2 % k < 3 %: all matched) = 5,950.68 + 2,168.51 = 8,119.19 in 2025, + 2,260.78 = 8,211.47 in 2026.
    { ...base, id: 'H', salary: '300000', startRate: '0.20', events: [{ type: 'enrollment_change', date: `${y}-07-01`, rate: '0.02' }] },
    // 20 % all year reaches the 402(g) limit: the cut is spread over the year, so no true-up.
    { ...base, id: 'K', salary: '300000', startRate: '0.20' },
  ];
};

/** Per id: [match with true_up, its true-up, match with true_up false] */
const expected = (y: number): Record<string, [string, string, string]> => ({
  S: ['1785.21', '595.07', '1190.14'],
  E: ['3200.00', '789.04', '2410.96'],
  C: ['2205.86', '0.00', '2205.86'],
  H: y === 2025 ? ['12000.00', '3880.81', '8119.19'] : ['12000.00', '3788.53', '8211.47'],
  K: ['12000.00', '0.00', '12000.00'],
});

describe('match true-up on the tiered match, hand-computed', () => {
  for (const year of [2025, 2026]) {
    it(`${year}: true pays the annual formula with the shortfall as true-up; false pays the per-period match`, async () => {
      const withTrueUp = await runDcModels(people(year), configWith('tiered_match'), year);
      const without = await runDcModels(
        people(year),
        configWith('tiered_match', (raw) => {
          raw.employer_match.true_up = false;
        }),
        year,
      );
      for (const [id, [annual, trueUp, perPeriod]] of Object.entries(expected(year))) {
        const t = withTrueUp.match[id]!;
        const f = without.match[id]!;
        expect([t.employer_match_amount, t.match_true_up_amount, t.match_415_reduction], `${year} ${id} true`).toEqual([
          annual,
          trueUp,
          '0.00',
        ]);
        expect([f.employer_match_amount, f.match_true_up_amount, f.match_415_reduction], `${year} ${id} false`).toEqual([
          perPeriod,
          '0.00',
          '0.00',
        ]);
        // The deferrals do not depend on the setting.
        expect(f.annual_deferrals).toBe(t.annual_deferrals);
      }
    });
  }
});

describe('match true-up under the 415(c) limit: the year-end cut falls on the true-up first', () => {
  // 100 % of deferrals up to 10 % of pay, no core. Pay 20,000 (the 415(c) limit: 100 % of pay); 99 % to
  // Nov 30 (334 days), 0 in December: deferrals 99 % x 18,301.37 = 18,118.36, room 1,881.64.
  // Annual 2,000 cut to 1,881.64 (cut 118.36); per period 10 % x 18,301.3699 = 1,830.14, so the true-up
  // is what the room leaves above it, 51.50. false: 1,830.14 fits in the room, nothing cut.
  const config = (trueUp: boolean) =>
    configWith('simple_match', (raw) => {
      raw.employer_match.formulas.simple_match.match_rate = 1.0;
      raw.employer_match.formulas.simple_match.max_match_percentage = 0.1;
      raw.employer_match.true_up = trueUp;
      raw.employer_core_contribution.enabled = false;
    });
  for (const year of [2025, 2026]) {
    it(`${year}`, async () => {
      const person: EmployeeInput = {
        id: 'L',
        birthDate: '1980-03-15',
        hireDate: '2015-06-01',
        tenure: 9,
        salary: '20000',
        startRate: '0.99',
        events: [{ type: 'enrollment_change', date: `${year}-12-01`, rate: '0' }],
      };
      const t = (await runDcModels([person], config(true), year)).match.L!;
      const f = (await runDcModels([person], config(false), year)).match.L!;
      expect([t.employer_match_amount, t.match_true_up_amount, t.match_415_reduction]).toEqual(['1881.64', '51.50', '118.36']);
      expect([f.employer_match_amount, f.match_true_up_amount, f.match_415_reduction]).toEqual(['1830.14', '0.00', '0.00']);
    });
  }
});

describe('match true-up through the engine (default config, 2 years)', () => {
  let withTrueUp: SimulationRun;
  let without: SimulationRun;
  type Row = { employee_id: string; simulation_year: number; paid: string; true_up: string; cut: string; rate_events: number };
  const rows = (run: SimulationRun) =>
    query<Row>(
      run.database,
      `SELECT m.employee_id, m.simulation_year, m.employer_match_amount::VARCHAR AS paid, m.match_true_up_amount::VARCHAR AS true_up,
              m.match_415_reduction::VARCHAR AS cut,
              (SELECT count(*)::INTEGER FROM fct_yearly_events e
               WHERE e.employee_id = m.employee_id AND e.simulation_year = m.simulation_year
                 AND e.event_type IN ('enrollment', 'enrollment_change', 'deferral_match_response', 'deferral_escalation')) AS rate_events
       FROM int_employee_match_calculations m ORDER BY m.simulation_year, m.employee_id`,
    );

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-true-up-'));
    const census = await makeCensus(dir, 300, 11);
    withTrueUp = await simulate({ dir, census, name: 'true', years: [2025, 2026] });
    const config = defaultConfigObject();
    config.employer_match.true_up = false;
    without = await simulate({ dir, census, name: 'false', config, years: [2025, 2026] });
  });

  it('false pays the annual match less the true-up; only employees whose rate changed get one', async () => {
    const t = await rows(withTrueUp);
    const f = new Map((await rows(without)).map((r) => [`${r.simulation_year} ${r.employee_id}`, r]));
    expect(f.size).toBe(t.length);
    const trueUps = t.filter((r) => Number(r.true_up) > 0);
    // Mid-year enrollees above the 6 % the default simple match matches.
    expect(trueUps.length).toBeGreaterThan(0);
    expect(trueUps.every((r) => r.rate_events > 0)).toBe(true);
    for (const r of t) {
      const g = f.get(`${r.simulation_year} ${r.employee_id}`)!;
      expect(g.true_up, r.employee_id).toBe('0.00');
      if (r.cut === '0.00' && g.cut === '0.00') {
        expect(Math.round(Number(g.paid) * 100), `${r.simulation_year} ${r.employee_id}`).toBe(
          Math.round(Number(r.paid) * 100) - Math.round(Number(r.true_up) * 100),
        );
      }
    }
  });

  it('the snapshot and the match events show the match paid under false', async () => {
    const [r] = await query<{ snapshot: number; events: number }>(
      without.database,
      `SELECT count(*) FILTER (WHERE s.employer_match_amount IS DISTINCT FROM m.employer_match_amount)::INTEGER AS snapshot,
              count(*) FILTER (WHERE m.employer_match_amount > 0 AND e.amount IS DISTINCT FROM m.employer_match_amount)::INTEGER AS events
       FROM int_employee_match_calculations m
       JOIN fct_workforce_snapshot s USING (employee_id, simulation_year)
       LEFT JOIN fct_employer_match_events e USING (employee_id, simulation_year)`,
    );
    expect(r).toEqual({ snapshot: 0, events: 0 });
  });
});
