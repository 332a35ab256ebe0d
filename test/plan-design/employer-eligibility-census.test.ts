import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCensus } from '../../src/census/index.js';
import { CensusError } from '../../src/errors.js';
import { HEADER, withDb, writeText } from '../census/helpers.js';
import { useTempDir } from '../support/tmp.js';

/** The census column scheduled_hours_per_week (hours a week, 0-168; empty: full time). */
const tempDir = useTempDir();
const ROW = 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05';

describe('census scheduled_hours_per_week', () => {
  it('reads hours a week under its name or a synonym; an empty value stays empty (full time)', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [
      `${HEADER},Weekly Hours`,
      `${ROW},37.5`,
      'EMP_2,,1980-01-01,2010-01-01,,50000,0.05,',
      'EMP_3,,1980-01-01,2010-01-01,,50000,0.05,0',
      'EMP_4,,1980-01-01,2010-01-01,,50000,0.05,168',
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      expect(result.mapping.columns).toContainEqual({ header: 'Weekly Hours', column: 'scheduled_hours_per_week', by: 'synonym' });
      const rows = await db.all(`SELECT employee_id, scheduled_hours_per_week FROM stg_census_data ORDER BY employee_id`);
      expect(rows).toEqual([
        { employee_id: 'EMP_1', scheduled_hours_per_week: '37.50' },
        { employee_id: 'EMP_2', scheduled_hours_per_week: null },
        { employee_id: 'EMP_3', scheduled_hours_per_week: '0.00' },
        { employee_id: 'EMP_4', scheduled_hours_per_week: '168.00' },
      ]);
    });
  });

  it('names the default when the column is missing', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', [HEADER, ROW]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      expect(result.mapping.missing).toContainEqual({
        column: 'scheduled_hours_per_week',
        default: 'empty: full time, 40 hours a week (2,080 a year) for the employer-money hours rule',
      });
    });
  });

  it('refuses a value that is not hours a week, naming the line, the column and the value', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'bad.csv', [
      `${HEADER},scheduled_hours_per_week`,
      `${ROW},forty`,
      `${ROW.replace('EMP_1', 'EMP_2')},-20`,
      `${ROW.replace('EMP_1', 'EMP_3')},169`,
      `${ROW.replace('EMP_1', 'EMP_4')},"37,5"`,
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await loadCensus(db, csv).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CensusError);
      const message = (error as CensusError).message;
      expect(message).toContain('line 2, column scheduled_hours_per_week: not a number: "forty"');
      expect(message).toContain('line 3, column scheduled_hours_per_week: negative value "-20"');
      expect(message).toContain(
        'line 4, column scheduled_hours_per_week: "169" hours a week is more than the 168 hours in a week (expected the hours scheduled in a week, e.g. 40 or 20)',
      );
      expect(message).toContain('line 5, column scheduled_hours_per_week: "37,5" is written with a decimal comma');
      expect(message).toContain('1 weekly schedule above 168 hours in scheduled_hours_per_week');
      expect((error as CensusError).context).toMatchObject({ row: 2, column: 'scheduled_hours_per_week' });
    });
  });
});
