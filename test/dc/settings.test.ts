import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { defaultConfigObject, query, simulate } from '../support/engine.js';
import { configWith, type EmployeeInput, runDcModels } from './support.js';

/**
 * Plan settings that once loaded and changed nothing: each honoured one moves the output (hand-computed),
 * each ignored one is reported as ignored and stays out of the config hash.
 */

describe('require_active_at_year_end against the allow_* flags (2025, 73,000 = 200 a day, 6 % deferral)', () => {
  const leavers: EmployeeInput[] = [
    // experienced termination Oct 31: 304 days, 1,732 hours; deferrals 3,648, match 1,824, core 608
    { id: 'EXP', birthDate: '1985-08-08', hireDate: '2018-03-01', tenure: 6, terminationDate: '2025-10-31', salary: '73000', startRate: '0.06' },
    // new-hire termination Feb 1 - Nov 30: 303 days, 1,727 hours; deferrals 3,636, match 1,818, core 606
    {
      id: 'NHT',
      birthDate: '1995-05-05',
      hireDate: '2025-02-01',
      terminationDate: '2025-11-30',
      isNewHire: true,
      tenure: 0,
      salary: '73000',
      startRate: '0',
      events: [{ type: 'enrollment', date: '2025-02-01', rate: '0.06' }],
    },
    // active all year: deferrals 4,380, match 2,190, core 730
    { id: 'ACT', birthDate: '1985-08-08', hireDate: '2018-03-01', tenure: 6, salary: '73000', startRate: '0.06' },
  ];
  const withEligibility = (requireActive: boolean, allowLeavers: boolean) =>
    configWith('simple_match', (raw) => {
      for (const block of [raw.employer_match.eligibility, raw.employer_core_contribution.eligibility]) {
        block.require_active_at_year_end = requireActive;
        block.allow_terminated_new_hires = allowLeavers;
        block.allow_experienced_terminations = allowLeavers;
      }
    });
  const paid = async (requireActive: boolean, allowLeavers: boolean) => {
    const result = await runDcModels(leavers, withEligibility(requireActive, allowLeavers));
    return Object.fromEntries(
      ['EXP', 'NHT', 'ACT'].map((id) => [
        id,
        [result.match[id]!.employer_match_amount, result.core[id]!.employer_core_amount, result.eligibility[id]!.match_eligibility_reason],
      ]),
    );
  };

  it('true excludes every leaver, whatever the allow_* flags say', async () => {
    const expected = {
      EXP: ['0.00', '0.00', 'inactive_eoy'],
      NHT: ['0.00', '0.00', 'inactive_eoy'],
      ACT: ['2190.00', '730.00', 'eligible'],
    };
    expect(await paid(true, true)).toEqual(expected);
    expect(await paid(true, false)).toEqual(expected);
  });

  it('false lets the allow_* flags decide', async () => {
    expect(await paid(false, true)).toEqual({
      EXP: ['1824.00', '608.00', 'eligible'],
      NHT: ['1818.00', '606.00', 'eligible'],
      ACT: ['2190.00', '730.00', 'eligible'],
    });
    expect(await paid(false, false)).toEqual({
      EXP: ['0.00', '0.00', 'inactive_eoy'],
      NHT: ['0.00', '0.00', 'inactive_eoy'],
      ACT: ['2190.00', '730.00', 'eligible'],
    });
  });

  it('the config warns when the requirement makes an allow_* flag dead', () => {
    expect(parseConfig(withEligibility(false, true)).warnings).toEqual([]);
    expect(parseConfig(withEligibility(true, false)).warnings).toEqual([]);
    const { warnings } = parseConfig(
      configWith('simple_match', (raw) => {
        raw.employer_match.eligibility.allow_experienced_terminations = true;
        raw.employer_core_contribution.eligibility.allow_terminated_new_hires = true;
      }),
    );
    expect(warnings).toEqual([
      'employer_match.eligibility: require_active_at_year_end is true, so allow_experienced_terminations: true has no effect ' +
        '(every leaver is excluded); set require_active_at_year_end: false to let the allow_* flags decide',
      'employer_core_contribution.eligibility: require_active_at_year_end is true, so allow_terminated_new_hires: true has no effect ' +
        '(every leaver is excluded); set require_active_at_year_end: false to let the allow_* flags decide',
    ]);
    // Without apply_eligibility the match's block is not used: nothing to warn about.
    const simple = parseConfig(
      configWith('simple_match', (raw) => {
        raw.employer_match.apply_eligibility = false;
        raw.employer_match.eligibility.allow_experienced_terminations = true;
      }),
    );
    expect(simple.warnings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';

describe('deferral_auto_escalation.require_active_enrollment (hand-computed, 2025-2026, escalation on Jul 1, no delay)', () => {
  let dir: string;
  let census: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-dc-escalation-'));
    census = join(dir, 'census.csv');
    const rows = [
      // Non-participant eligible before 2025: auto-enrolled 2025-02-15 at 2 %.
      'E_AE,SSN-100001,1980-05-05,2021-03-01,,60000,0',
      // Census participant at 5 %: enrolled at the start of every year.
      'E_CENSUS,SSN-100002,1980-05-05,2022-03-01,,60000,0.05',
      // Auto-enrolled 2025-02-15 and opts out (pay under 50,000): never escalated.
      'E_OPTOUT,SSN-100003,1980-05-05,2021-03-01,,40000,0',
      // 21 on 2025-06-20: auto-enrolled 2025-08-04, after the escalation date.
      'E_LATE,SSN-100004,2004-06-20,2023-01-01,,60000,0',
    ];
    writeFileSync(census, `${[HEADER, ...rows].join('\n')}\n`);
  });

  const config = (requireActive: boolean) => {
    const c = defaultConfigObject();
    c.simulation.target_growth_rate = 0;
    c.workforce.total_termination_rate = 0;
    c.workforce.new_hire_termination_rate = 0;
    const e = c.enrollment;
    e.proactive_enrollment.enabled = false;
    e.voluntary_enrollment.enabled = false;
    e.year_over_year_conversion.enabled = false;
    e.auto_enrollment.opt_out_rates.by_age = { young: 1, mid_career: 1, mature: 1, senior: 1 };
    e.auto_enrollment.opt_out_rates.by_income = { low_income: 1, moderate: 0, high: 0, executive: 0 };
    Object.assign(c.deferral_auto_escalation, {
      effective_day: '07-01',
      first_escalation_delay_years: 0,
      require_active_enrollment: requireActive,
    });
    return c;
  };

  const escalations = async (requireActive: boolean) => {
    const run = await simulate({ dir, census, config: config(requireActive), name: `require_${requireActive}`, years: [2025, 2026] });
    const rows = await query<{ line: string }>(
      run.database,
      `SELECT employee_id || ' ' || effective_date || ' ' || prev_employee_deferral_rate::VARCHAR || '->'
              || employee_deferral_rate::VARCHAR AS line
       FROM fct_yearly_events WHERE event_type IN ('enrollment', 'deferral_escalation') ORDER BY employee_id, effective_date`,
    );
    return rows.map((r) => r.line);
  };

  it('true: only those enrolled at the start of the year are escalated', async () => {
    expect(await escalations(true)).toEqual([
      'E_AE 2025-02-15 0.00000->0.02000',
      'E_AE 2026-07-01 0.02000->0.03000',
      'E_CENSUS 2025-07-01 0.05000->0.06000',
      'E_CENSUS 2026-07-01 0.06000->0.07000',
      'E_LATE 2025-08-04 0.00000->0.02000',
      'E_LATE 2026-07-01 0.02000->0.03000',
      'E_OPTOUT 2025-02-15 0.00000->0.02000',
    ]);
  });

  it('false: the year\'s own enrollees are escalated too, if enrolled before the date and still in', async () => {
    expect(await escalations(false)).toEqual([
      'E_AE 2025-02-15 0.00000->0.02000',
      'E_AE 2025-07-01 0.02000->0.03000',
      'E_AE 2026-07-01 0.03000->0.04000',
      'E_CENSUS 2025-07-01 0.05000->0.06000',
      'E_CENSUS 2026-07-01 0.06000->0.07000',
      'E_LATE 2025-08-04 0.00000->0.02000',
      'E_LATE 2026-07-01 0.02000->0.03000',
      'E_OPTOUT 2025-02-15 0.00000->0.02000',
    ]);
  });

  it('the config warns when false can change nothing', () => {
    const shipped = defaultConfigObject();
    shipped.deferral_auto_escalation.require_active_enrollment = false;
    expect(parseConfig(shipped).warnings).toEqual([
      "deferral_auto_escalation.require_active_enrollment: false adds the year's own enrollees to the escalation, which needs " +
        'first_escalation_delay_years: 0 and an effective_day after they enroll (here 1 and 01-01): it changes nothing',
    ]);
    expect(parseConfig(config(false)).warnings).toEqual([]);
  });
});

describe('settings ignored with their reason', () => {
  it.each([
    ['setup.eligibility_waiting_period_days', (c: Record<string, any>) => (c.setup.eligibility_waiting_period_days = 365)],
    [
      'enrollment.year_over_year_conversion.deferral_rates.conservative',
      (c: Record<string, any>) => (c.enrollment.year_over_year_conversion.deferral_rates.conservative = false),
    ],
  ])('%s is listed as ignored and does not change the config hash', (path, change) => {
    const shipped = parseConfig(defaultConfigObject());
    const changedRaw = defaultConfigObject();
    change(changedRaw);
    const changed = parseConfig(changedRaw);
    expect(shipped.ignored).toContain(path);
    expect(changed.ignored).toContain(path);
    expect(changed.hash).toBe(shipped.hash);
  });
});
