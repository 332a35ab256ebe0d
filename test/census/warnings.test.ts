/**
 * Warnings for what changes results silently (CensusLoadResult.warnings): missing optional columns,
 * pay outliers, hires after the census date, implausible ages at hire, terminated rows skipped; and
 * that `simulate` prints them and puts them in its --json output and its run log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCensus } from '../../src/census/index.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';
import { withDb, writeText } from './helpers.js';

const tempDir = useTempDir();
const HEAD = 'employee_id,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';

async function warningsOf(lines: string[], firstYear?: number): Promise<string[]> {
  const dir = tempDir();
  const csv = writeText(dir, 'c.csv', lines);
  return withDb(join(dir, 'a.duckdb'), async (db) => (await loadCensus(db, csv, undefined, firstYear)).warnings);
}

/** `n` ordinary employees (pay 60,000–69,900: median 64,950), ids P0.. */
function ordinary(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `P${i},1980-01-01,2010-01-01,,${60_000 + i * 100},0.05`);
}

describe('census warnings', () => {
  it('a missing termination column: everyone is active', async () => {
    const warnings = await warningsOf(['employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate', 'E1,1980-01-01,2010-01-01,50000,0.05']);
    expect(warnings).toEqual(['No employee_termination_date column: every row is read as an active employee (none is skipped as terminated)']);
  });

  it('pay below $1,000, above $10,000,000 or above 20x the median, among the active rows only', async () => {
    const warnings = await warningsOf([
      HEAD,
      ...ordinary(100),
      'LOW,1980-01-01,2010-01-01,,999.99,0.05', // line 102: below the floor
      'FLOOR,1980-01-01,2010-01-01,,1000,0.05', // at the floor: fine
      'HIGH,1980-01-01,2010-01-01,,1299001,0.05', // line 104: above 20 x 64,950 = 1,299,000
      'EDGE,1980-01-01,2010-01-01,,1299000,0.05', // exactly 20 x the median: fine
      'GONE,1980-01-01,2010-01-01,2020-01-01,5,0.05', // terminated: not simulated, not checked
    ]);
    expect(warnings).toContainEqual(
      '2 employee_gross_compensation values look implausible for a year\'s pay (below $1,000, above $10,000,000 or above 20× the median $64,950), ' +
        'lines 102, 104: they are simulated as given (pay drives raises, contributions, match, core and the job level); check the unit (a monthly or hourly figure?)',
    );
  });

  it('hire dates after the census date (Dec 31 before the first year), only when the first year is known', async () => {
    const lines = [HEAD, 'A,1980-01-01,2024-12-31,,50000,0.05', 'B,1980-01-01,2025-01-01,,50000,0.05', 'C,1980-01-01,2025-12-31,,50000,0.05'];
    expect(await warningsOf(lines, 2025)).toContainEqual(
      '2 employees hired after the census date 2024-12-31, lines 3, 4: they start in the workforce of 2025 (not as its new hires), paid from their hire date',
    );
    expect((await warningsOf(lines)).some((w) => w.includes('census date'))).toBe(false);
  });

  it('ages at hire below 14 or above 80', async () => {
    const warnings = await warningsOf([
      HEAD,
      'A,2000-01-02,2014-01-01,,50000,0.05', // 13 at hire
      'B,2000-01-01,2014-01-01,,50000,0.05', // 14: fine
      'C,1930-01-01,2010-12-31,,50000,0.05', // 80: fine
      'D,1929-01-01,2010-01-01,,50000,0.05', // 81
    ]);
    expect(warnings).toContainEqual(
      '2 employees are younger than 14 or older than 80 at hire (employee_birth_date vs employee_hire_date), lines 2, 5: ' +
        'simulated as given (age drives terminations, promotions, enrollment and eligibility); check the dates',
    );
  });

  it('terminated rows skipped, and at most five rows named', async () => {
    const warnings = await warningsOf([HEAD, ...ordinary(3), 'T1,1980-01-01,2010-01-01,2020-01-01,50000,0']);
    expect(warnings).toEqual(['1 row has a termination date: past employees, skipped (the starting workforce is the 3 others)']);
    const many = await warningsOf([HEAD, ...Array.from({ length: 7 }, (_, i) => `L${i},1980-01-01,2010-01-01,,500,0.05`)]);
    expect(many).toContainEqual(expect.stringContaining('lines 2, 3, 4, 5, 6, …: they are simulated as given'));
  });
});

describe('simulate shows the census warnings and mapping', () => {
  it('on the console, in the --json output and in the run log', () => {
    const dir = tempDir();
    const csv = writeText(dir, 'export.csv', [
      'Emp ID,DOB,Hire Date,Salary,Deferral %',
      ...Array.from({ length: 60 }, (_, i) => `E${i},${1960 + (i % 30)}-03-01,${2000 + (i % 20)}-06-01,${50_000 + i * 1000},${i % 3 === 0 ? 0 : 0.04}`),
    ]);
    const database = join(dir, 'sim.duckdb');
    const warning = 'No employee_termination_date column: every row is read as an active employee (none is skipped as terminated)';
    const result = runCli(['simulate', '2025', '--census', csv, '--database', database, '--json', '--quiet']);
    expect(result.status).toBe(0);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(events).toContainEqual(expect.objectContaining({ event: 'notice', message: warning }));
    const summary = events.find((e) => e.event === 'summary');
    expect(summary?.census.warnings).toContain(warning);
    expect(summary?.census.mapping.columns[0]).toEqual({ header: 'Emp ID', column: 'employee_id', by: 'synonym' });
    expect(result.stderr).toContain(`Note: ${warning}`);
    expect(readFileSync(`${database}.log`, 'utf8')).toContain(warning);
  });
});
