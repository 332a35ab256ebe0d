import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DatabaseStateError } from '../../src/errors.js';
import { parseConfig } from '../../src/config/index.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import type { ValidationRule } from '../../src/validation/rules.js';
import { censusRefusal, withDb } from '../census/helpers.js';
import { flatConfig } from '../plan-design/match-support.js';
import { contentDigest, query, simulate } from '../support/engine.js';

/**
 * fct_account_balances (issue 14), hand-computed to the cent on hand-made censuses: flat pay and
 * deferral rates, the default simple match (50 % of deferrals up to 6 % of pay) and the 1 % core, so
 * that each year's contributions are exact. Earnings = round(opening x r + contributions x r / 2, 2).
 */
const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';
const BALANCES = 'balance_pre_tax,balance_roth,balance_match,balance_core';

type Row = [string, number, string, string, string, string, string, string, string, string, string];
const COLUMNS = `employee_id, simulation_year, source, opening::VARCHAR AS opening, contributions::VARCHAR AS contributions,
  earnings::VARCHAR AS earnings, distributions::VARCHAR AS distributions, forfeitures::VARCHAR AS forfeitures,
  closing::VARCHAR AS closing, vested_percent::VARCHAR AS vested_percent, vested_balance::VARCHAR AS vested_balance`;

async function balances(database: string, where = 'true'): Promise<Row[]> {
  const rows = await query<Record<string, string | number>>(
    database,
    `SELECT ${COLUMNS} FROM fct_account_balances WHERE ${where} ORDER BY employee_id, simulation_year, source`,
  );
  return rows.map((r) => Object.values(r) as Row);
}

/** The violations of the reconciliation rule recorded by the run, per year. */
async function reconciliation(database: string): Promise<Array<{ y: number; v: number }>> {
  return query(
    database,
    `SELECT simulation_year AS y, violations::INTEGER AS v FROM planalign_validation_results
     WHERE rule = 'account_balances_reconcile' ORDER BY y`,
  );
}

describe('accounts over 2025-2027: census balances, Roth share, a per-year return map (6 %, 6 %, -5 %)', () => {
  let database: string;
  let notices: string[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-accounts-'));
    const census = join(dir, 'census.csv');
    writeFileSync(
      census,
      [
        `${HEADER},${BALANCES},roth_deferral_share`,
        // 5 % of 100,000: 5,000 of deferrals, a quarter Roth; match 2,500; core 1,000.
        'A1,SSN-1,1980-01-01,2015-01-01,,100000,0.05,10000,2000,3000,1000,0.25',
        // 10 % of 60,000: 6,000, all pre-tax; match capped at 3 % of pay, 1,800; core 600; no opening balance.
        'A2,SSN-2,1980-01-01,2015-01-01,,60000,0.10,,,,,',
      ].join('\n') + '\n',
    );
    const config = flatConfig((c) => {
      c.simulation.end_year = 2027;
      c.accounts = { annual_return: { 2025: 0.06, 2026: 0.06, 2027: -0.05 } };
    });
    const run = await simulate({ dir, census, config });
    database = run.database;
    notices = run.result.notices;
  }, 120_000);

  it('opens 2025 with the census balances, adds the Roth share of the deferrals and earns at mid-year', async () => {
    expect(await balances(database, `employee_id = 'A1'`)).toEqual([
      // 2025, r = 0.06: earnings = opening x 0.06 + contributions x 0.03
      ['A1', 2025, 'core', '1000.00', '1000.00', '90.00', '0.00', '0.00', '2090.00', '1.0000', '2090.00'],
      ['A1', 2025, 'match', '3000.00', '2500.00', '255.00', '0.00', '0.00', '5755.00', '1.0000', '5755.00'],
      ['A1', 2025, 'pre_tax', '10000.00', '3750.00', '712.50', '0.00', '0.00', '14462.50', '1.0000', '14462.50'],
      ['A1', 2025, 'roth', '2000.00', '1250.00', '157.50', '0.00', '0.00', '3407.50', '1.0000', '3407.50'],
      // 2026, r = 0.06: 2,090 x 0.06 + 30 = 155.40 …
      ['A1', 2026, 'core', '2090.00', '1000.00', '155.40', '0.00', '0.00', '3245.40', '1.0000', '3245.40'],
      ['A1', 2026, 'match', '5755.00', '2500.00', '420.30', '0.00', '0.00', '8675.30', '1.0000', '8675.30'],
      ['A1', 2026, 'pre_tax', '14462.50', '3750.00', '980.25', '0.00', '0.00', '19192.75', '1.0000', '19192.75'],
      ['A1', 2026, 'roth', '3407.50', '1250.00', '241.95', '0.00', '0.00', '4899.45', '1.0000', '4899.45'],
      // 2027, r = -0.05: 3,245.40 x -0.05 - 25 = -187.27; 8,675.30 x -0.05 - 62.50 = -496.265, rounded away from 0
      ['A1', 2027, 'core', '3245.40', '1000.00', '-187.27', '0.00', '0.00', '4058.13', '1.0000', '4058.13'],
      ['A1', 2027, 'match', '8675.30', '2500.00', '-496.27', '0.00', '0.00', '10679.03', '1.0000', '10679.03'],
      ['A1', 2027, 'pre_tax', '19192.75', '3750.00', '-1053.39', '0.00', '0.00', '21889.36', '1.0000', '21889.36'],
      ['A1', 2027, 'roth', '4899.45', '1250.00', '-276.22', '0.00', '0.00', '5873.23', '1.0000', '5873.23'],
    ]);
  });

  it('starts an employee without census balances at zero, all deferrals pre-tax (no Roth row)', async () => {
    expect(await balances(database, `employee_id = 'A2'`)).toEqual([
      ['A2', 2025, 'core', '0.00', '600.00', '18.00', '0.00', '0.00', '618.00', '1.0000', '618.00'],
      ['A2', 2025, 'match', '0.00', '1800.00', '54.00', '0.00', '0.00', '1854.00', '1.0000', '1854.00'],
      ['A2', 2025, 'pre_tax', '0.00', '6000.00', '180.00', '0.00', '0.00', '6180.00', '1.0000', '6180.00'],
      ['A2', 2026, 'core', '618.00', '600.00', '55.08', '0.00', '0.00', '1273.08', '1.0000', '1273.08'],
      ['A2', 2026, 'match', '1854.00', '1800.00', '165.24', '0.00', '0.00', '3819.24', '1.0000', '3819.24'],
      ['A2', 2026, 'pre_tax', '6180.00', '6000.00', '550.80', '0.00', '0.00', '12730.80', '1.0000', '12730.80'],
      ['A2', 2027, 'core', '1273.08', '600.00', '-78.65', '0.00', '0.00', '1794.43', '1.0000', '1794.43'],
      ['A2', 2027, 'match', '3819.24', '1800.00', '-235.96', '0.00', '0.00', '5383.28', '1.0000', '5383.28'],
      ['A2', 2027, 'pre_tax', '12730.80', '6000.00', '-786.54', '0.00', '0.00', '17944.26', '1.0000', '17944.26'],
    ]);
  });

  it('reconciles every year (the validation rule), and says nothing about missing balances', async () => {
    expect(await reconciliation(database)).toEqual([
      { y: 2025, v: 0 },
      { y: 2026, v: 0 },
      { y: 2027, v: 0 },
    ]);
    expect(notices.filter((n) => /opening balances/.test(n))).toEqual([]);
  });
});

/**
 * Leavers: ten identical census employees hired 2023-01-01, not deferring, no core, with census
 * balances only (pre-tax 1,000, match 2,000, core 500), match vesting graded over 6 years and core a
 * 3-year cliff. One employee leaves in 2025 and one in 2027 (10 % turnover; hires have no money).
 * Whoever it is, a leaver of 2025 has 2 years of service (match 20 %, core 0 %), of 2027 4 years
 * (60 %, 100 %). At 6 % a year an account grows 1,000 -> 1,060 -> 1,123.60 -> 1,191.02,
 * 2,000 -> 2,120 -> 2,247.20 -> 2,382.03 and 500 -> 530 -> 561.80 -> 595.51.
 */
const LEAVER_CENSUS = [
  `${HEADER},${BALANCES}`,
  ...Array.from({ length: 10 }, (_, i) => `L${i},SSN-${i},1980-01-01,2023-01-01,,50000,0,1000,,2000,500`),
];

function leaverConfig(endYear: number, accounts: Record<string, unknown>, timing: string): Record<string, any> {
  return flatConfig((c) => {
    c.simulation.end_year = endYear;
    c.workforce.total_termination_rate = 0.1;
    c.employer_core_contribution.enabled = false;
    c.vesting = { match: { type: 'graded', years: 6 }, core: { type: 'cliff', years: 3 } };
    c.accounts = accounts;
    c.forfeitures = { timing };
  });
}

async function leaverYears(database: string): Promise<Map<string, number>> {
  const rows = await query<{ id: string; y: number }>(
    database,
    `SELECT employee_id AS id, simulation_year AS y FROM fct_yearly_events WHERE event_type = 'termination' AND employee_id LIKE 'L%'`,
  );
  return new Map(rows.map((r) => [r.id, r.y]));
}

describe('leavers, forfeiture in the termination year, vested balance distributed (2025-2027, 6 %)', () => {
  let database: string;
  let leavers: Map<string, number>;
  const dir = mkdtempSync(join(tmpdir(), 'planalign-accounts-leavers-'));
  const census = join(dir, 'census.csv');
  const config = leaverConfig(2027, { annual_return: 0.06, distribute_on_termination: true }, 'termination_year');

  beforeAll(async () => {
    writeFileSync(census, `${LEAVER_CENSUS.join('\n')}\n`);
    database = (await simulate({ dir, census, config, name: 'whole' })).database;
    leavers = await leaverYears(database);
  }, 120_000);

  it('one census employee leaves in 2025 and one in 2027 (the quota of 2026 rounds to none)', () => {
    expect([...leavers.values()].sort()).toEqual([2025, 2027]);
  });

  it('pays out the vested balance and forfeits the rest in the termination year; the account then closes', async () => {
    const of = (year: number) => [...leavers].find(([, y]) => y === year)![0];
    // 2025: match 2,120 x 20 % = 424 paid, 1,696 forfeited; core 0 % vested, all 530 forfeited.
    expect(await balances(database, `employee_id = '${of(2025)}'`)).toEqual([
      [of(2025), 2025, 'core', '500.00', '0.00', '30.00', '0.00', '530.00', '0.00', '1.0000', '0.00'],
      [of(2025), 2025, 'match', '2000.00', '0.00', '120.00', '424.00', '1696.00', '0.00', '1.0000', '0.00'],
      [of(2025), 2025, 'pre_tax', '1000.00', '0.00', '60.00', '1060.00', '0.00', '0.00', '1.0000', '0.00'],
    ]);
    // 2027: match 2,382.03 x 60 % = 1,429.218 -> 1,429.22 paid, 952.81 forfeited; core past its cliff, all paid.
    expect(await balances(database, `employee_id = '${of(2027)}' AND simulation_year = 2027`)).toEqual([
      [of(2027), 2027, 'core', '561.80', '0.00', '33.71', '595.51', '0.00', '0.00', '1.0000', '0.00'],
      [of(2027), 2027, 'match', '2247.20', '0.00', '134.83', '1429.22', '952.81', '0.00', '1.0000', '0.00'],
      [of(2027), 2027, 'pre_tax', '1123.60', '0.00', '67.42', '1191.02', '0.00', '0.00', '1.0000', '0.00'],
    ]);
    // A stayer's unvested money stays in its account, vested by the schedule: in 2027, 4 years: 60 %.
    const stayer = ['L0', 'L1', 'L2', 'L3', 'L4'].find((id) => !leavers.has(id))!;
    expect(await balances(database, `employee_id = '${stayer}' AND simulation_year = 2027 AND source <> 'pre_tax'`)).toEqual([
      [stayer, 2027, 'core', '561.80', '0.00', '33.71', '0.00', '0.00', '595.51', '1.0000', '595.51'],
      [stayer, 2027, 'match', '2247.20', '0.00', '134.83', '0.00', '0.00', '2382.03', '0.6000', '1429.22'],
    ]);
    expect(await reconciliation(database)).toEqual([
      { y: 2025, v: 0 },
      { y: 2026, v: 0 },
      { y: 2027, v: 0 },
    ]);
  });

  const builder = (name: string, years: [number, number], validator?: ValidationRule) => {
    const b = new OrchestratorBuilder().withConfig(config).withEnvironment({}).withCensus(census).withDatabase(join(dir, `${name}.duckdb`)).withYears(...years);
    return validator === undefined ? b : b.withCustomValidator(validator);
  };
  const digest = (name: string) => contentDigest(join(dir, `${name}.duckdb`), 'fct_account_balances', ['simulation_year']);

  it('a resumed run, a year rolled back then resumed, and a restart from 2026 give the same balances', async () => {
    const whole = await digest('whole');
    // Resume: 2025-2026, then on to 2027.
    const first = await builder('resumed', [2025, 2026]).build();
    await first.executeMultiYearSimulation();
    first.close();
    const resumed = await builder('resumed', [2025, 2027]).build();
    expect((await resumed.executeMultiYearSimulation({ resume: true })).resumedFrom).toBe(2027);
    resumed.close();
    expect(await digest('resumed')).toBe(whole);

    // Rollback: 2026 fails its validation and is rolled back; the resume rebuilds it from 2025's closing.
    const failing: ValidationRule = {
      name: 'fails_in_2026',
      severity: 'error',
      description: 'fails in 2026',
      check: async ({ year }) => ({ violations: year === 2026 ? 1 : 0, sample: [] }),
    };
    const rolled = await builder('rolled', [2025, 2027], failing).build();
    await expect(rolled.executeMultiYearSimulation({ failOnValidationError: true })).rejects.toThrow(/fails_in_2026/);
    rolled.close();
    expect(await query(join(dir, 'rolled.duckdb'), `SELECT DISTINCT simulation_year AS y FROM fct_account_balances`)).toEqual([{ y: 2025 }]);
    const again = await builder('rolled', [2025, 2027]).build();
    await again.executeMultiYearSimulation({ resume: true });
    again.close();
    expect(await digest('rolled')).toBe(whole);

    // Restart from 2026 over a complete copy: 2026-2027 cleared and rebuilt.
    copyFileSync(join(dir, 'whole.duckdb'), join(dir, 'restart.duckdb'));
    const restart = await builder('restart', [2026, 2027]).build();
    await restart.executeMultiYearSimulation({ forceRestart: true });
    restart.close();
    expect(await digest('restart')).toBe(whole);
  }, 180_000);

  it('does not continue a run whose years were written before the accounts existed (schema 3)', async () => {
    copyFileSync(join(dir, 'whole.duckdb'), join(dir, 'old.duckdb'));
    await withDb(join(dir, 'old.duckdb'), (db) => db.run(`UPDATE planalign_schema_version SET version = 3`));
    const extend = await builder('old', [2025, 2028]).build();
    const error = await extend.executeMultiYearSimulation({ resume: true }).catch((e: unknown) => e);
    extend.close();
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toMatch(
      /Cannot continue run \S+ in .*old\.duckdb at 2028: its years 2025–2027 were written by schema version 3, without fct_account_balances/,
    );
    expect((error as DatabaseStateError).hint).toBe('Recompute the run from 2025 with --force-restart.');
  });
});

describe('leavers, forfeiture after five breaks in service, not distributed (2025-2030, 6 %)', () => {
  let database: string;
  let leaver: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-accounts-breaks-'));
    const census = join(dir, 'census.csv');
    writeFileSync(census, `${LEAVER_CENSUS.join('\n')}\n`);
    const config = leaverConfig(2030, { annual_return: 0.06 }, 'after_five_breaks');
    database = (await simulate({ dir, census, config })).database;
    leaver = [...(await leaverYears(database))].find(([, y]) => y === 2025)![0];
  }, 180_000);

  it("keeps a 2025 leaver's unvested balance, earning, at its frozen vested percent; forfeits it in 2030", async () => {
    expect(await balances(database, `employee_id = '${leaver}' AND source <> 'pre_tax'`)).toEqual([
      [leaver, 2025, 'core', '500.00', '0.00', '30.00', '0.00', '0.00', '530.00', '0.0000', '0.00'],
      [leaver, 2025, 'match', '2000.00', '0.00', '120.00', '0.00', '0.00', '2120.00', '0.2000', '424.00'],
      [leaver, 2026, 'core', '530.00', '0.00', '31.80', '0.00', '0.00', '561.80', '0.0000', '0.00'],
      [leaver, 2026, 'match', '2120.00', '0.00', '127.20', '0.00', '0.00', '2247.20', '0.2000', '449.44'],
      [leaver, 2027, 'core', '561.80', '0.00', '33.71', '0.00', '0.00', '595.51', '0.0000', '0.00'],
      [leaver, 2027, 'match', '2247.20', '0.00', '134.83', '0.00', '0.00', '2382.03', '0.2000', '476.41'],
      [leaver, 2028, 'core', '595.51', '0.00', '35.73', '0.00', '0.00', '631.24', '0.0000', '0.00'],
      [leaver, 2028, 'match', '2382.03', '0.00', '142.92', '0.00', '0.00', '2524.95', '0.2000', '504.99'],
      [leaver, 2029, 'core', '631.24', '0.00', '37.87', '0.00', '0.00', '669.11', '0.0000', '0.00'],
      [leaver, 2029, 'match', '2524.95', '0.00', '151.50', '0.00', '0.00', '2676.45', '0.2000', '535.29'],
      // 2025 + 5: the unvested part goes; the vested 20 % (2,837.04 x 0.2 = 567.408 -> 567.41) stays, all vested.
      [leaver, 2030, 'core', '669.11', '0.00', '40.15', '0.00', '709.26', '0.00', '1.0000', '0.00'],
      [leaver, 2030, 'match', '2676.45', '0.00', '160.59', '0.00', '2269.63', '567.41', '1.0000', '567.41'],
    ]);
  });

  it('keeps the pre-tax balance of a leaver who takes no distribution, earning every year', async () => {
    expect((await balances(database, `employee_id = '${leaver}' AND source = 'pre_tax'`)).map((r) => [r[1], r[8]])).toEqual([
      [2025, '1060.00'],
      [2026, '1123.60'],
      [2027, '1191.02'],
      [2028, '1262.48'],
      [2029, '1338.23'],
      [2030, '1418.52'],
    ]);
    expect((await reconciliation(database)).every((r) => r.v === 0)).toBe(true);
  });
});

describe('account inputs', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'planalign-accounts-input-'));

  it('refuses a map of returns that misses a simulated year, naming the key and the years', () => {
    const config = flatConfig((c) => {
      c.simulation.end_year = 2027;
      c.accounts = { annual_return: { 2025: 0.06 } };
    });
    const error = (() => {
      try {
        parseConfig(config);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as ConfigError).issues)).toMatch(/accounts\.annual_return.*has no rate for simulated years 2026, 2027/);
  });

  it('refuses a negative balance and a Roth share above 1, naming the file, line and column', async () => {
    const d = dir();
    const path = join(d, 'census.csv');
    writeFileSync(path, `${HEADER},balance_match,roth_deferral_share\nE1,SSN-1,1980-01-01,2015-01-01,,50000,0.05,-5,0.2\nE2,SSN-2,1980-01-01,2015-01-01,,50000,0.05,5,25%\n`);
    const error = await censusRefusal(join(d, 'db.duckdb'), path);
    expect(error.message).toContain(`${path} line 2, column balance_match: negative value "-5"`);
    expect(error.message).toContain(`${path} line 3, column roth_deferral_share: "25%" is not a share between 0 and 1`);
  });

  it('says once in the run output that accounts start at zero when the census has no balance column', async () => {
    const d = dir();
    const census = join(d, 'census.csv');
    writeFileSync(census, `${HEADER}\nE1,SSN-1,1980-01-01,2015-01-01,,50000,0.05\n`);
    const { result } = await simulate({ dir: d, census, config: flatConfig((c) => (c.simulation.end_year = 2025)) });
    expect(result.notices.filter((n) => /opening balances/.test(n))).toEqual([
      'No opening balances in the census (balance_pre_tax, balance_roth, balance_match, balance_core): accounts start at zero',
    ]);
  });
});
