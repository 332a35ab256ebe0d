import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile, loadCensus } from '../../src/census/index.js';
import { Database } from '../../src/db/database.js';
import { CensusError } from '../../src/errors.js';
import { resolutionHint } from '../../src/errors-catalog.js';
import { useTempDir } from '../support/tmp.js';
import { HEADER, csvToParquet, tableNames, withDb, writeText } from './helpers.js';

const tempDir = useTempDir();

const GOOD_ROWS = [
  HEADER,
  'EMP_000001,SSN-100000001,1980-05-01,2010-03-15,,85000,0.06',
  'EMP_000002,SSN-100000002,1990-01-20,2018-07-01,2023-06-30,62000.50,0',
  'EMP_000003,SSN-100000003,1975-11-11,2005-01-01,,310000,0.1',
];

async function rejection(promise: Promise<unknown>): Promise<CensusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CensusError);
  return error as CensusError;
}

describe('loadCensus: valid files', () => {
  it('loads a CSV into stg_census_data with typed columns and a content hash', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', GOOD_ROWS);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      expect(result).toMatchObject({
        path: csv,
        format: 'csv',
        rows: 3,
        activeRows: 2,
        terminatedRows: 1,
        duplicatesDropped: 0,
        warnings: ['1 row has a termination date: past employees, skipped (the starting workforce is the 2 others)'],
      });
      expect(result.hash).toBe(await hashFile(csv));
      expect(result.hash).toMatch(/^[0-9a-f]{64}$/);

      const types = await db.all<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_name = 'stg_census_data' ORDER BY ordinal_position`,
      );
      expect(Object.fromEntries(types.map((t) => [t.column_name, t.data_type]))).toEqual({
        employee_id: 'VARCHAR',
        employee_ssn: 'VARCHAR',
        employee_birth_date: 'DATE',
        employee_hire_date: 'DATE',
        employee_termination_date: 'DATE',
        employee_gross_compensation: 'DECIMAL(18,2)',
        employee_deferral_rate: 'DECIMAL(7,5)',
        employee_capped_compensation: 'DECIMAL(18,2)',
        employee_contribution: 'DECIMAL(18,2)',
        pre_tax_contribution: 'DECIMAL(18,2)',
        roth_contribution: 'DECIMAL(18,2)',
        after_tax_contribution: 'DECIMAL(18,2)',
        employer_core_contribution: 'DECIMAL(18,2)',
        employer_match_contribution: 'DECIMAL(18,2)',
        eligibility_entry_date: 'DATE',
        active: 'BOOLEAN',
        eligibility_override: 'BOOLEAN',
        scheduled_hours_per_week: 'DECIMAL(5,2)',
        auto_escalation_opt_out: 'BOOLEAN',
        balance_pre_tax: 'DECIMAL(18,2)',
        balance_roth: 'DECIMAL(18,2)',
        balance_match: 'DECIMAL(18,2)',
        balance_core: 'DECIMAL(18,2)',
        roth_deferral_share: 'DECIMAL(7,4)',
        is_officer: 'BOOLEAN',
        ownership_pct: 'DECIMAL(7,6)',
        source_row: 'INTEGER',
      });
      const rows = await db.all(
        `SELECT employee_id, employee_termination_date, employee_gross_compensation, employee_deferral_rate, active
           FROM stg_census_data ORDER BY employee_id`,
      );
      expect(rows).toEqual([
        { employee_id: 'EMP_000001', employee_termination_date: null, employee_gross_compensation: '85000.00', employee_deferral_rate: '0.06000', active: true },
        { employee_id: 'EMP_000002', employee_termination_date: '2023-06-30', employee_gross_compensation: '62000.50', employee_deferral_rate: '0.00000', active: false },
        { employee_id: 'EMP_000003', employee_termination_date: null, employee_gross_compensation: '310000.00', employee_deferral_rate: '0.10000', active: true },
      ]);
      // The temp tables used for validation are gone.
      expect(await tableNames(db)).toEqual(['db.stg_census_data']);
    });
  });

  it('loads the same census from Parquet (row numbers 1-based) with the same content', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', GOOD_ROWS);
    const parquet = join(dir, 'census.parquet');
    await csvToParquet(csv, parquet);
    const fromCsv = await withDb(join(dir, 'a.duckdb'), async (db) => {
      await loadCensus(db, csv);
      return db.all('SELECT * EXCLUDE (source_row) FROM stg_census_data ORDER BY employee_id');
    });
    const fromParquet = await withDb(join(dir, 'b.duckdb'), async (db) => {
      const result = await loadCensus(db, parquet);
      expect(result.format).toBe('parquet');
      expect(result.rows).toBe(3);
      return db.all('SELECT * EXCLUDE (source_row) FROM stg_census_data ORDER BY employee_id');
    });
    expect(fromParquet).toEqual(fromCsv);
  });

  it('sniffs Parquet by its magic bytes when the extension says nothing', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', GOOD_ROWS);
    const parquet = join(dir, 'census.data');
    await csvToParquet(csv, parquet);
    const plainCsv = writeText(dir, 'census.txt', GOOD_ROWS);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      expect((await loadCensus(db, parquet)).format).toBe('parquet');
      expect((await loadCensus(db, plainCsv)).format).toBe('csv');
    });
  });

  it('drops duplicate ids by the reference rule (latest hire, then highest pay) and counts them', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'dups.csv', [
      HEADER,
      'EMP_A,,1980-01-01,2010-01-01,,50000,0.05', // older hire: dropped
      'EMP_A,,1980-01-01,2015-06-01,,60000,0.05', // latest hire: kept
      'EMP_B,,1985-01-01,2012-01-01,,70000,0.05', // same hire, lower pay: dropped
      'EMP_B,,1985-01-01,2012-01-01,,90000,0.05', // same hire, higher pay: kept
      'EMP_B,,1985-01-01,2012-01-01,,90000,0.07', // full tie: the first row wins
      'EMP_C,,1990-01-01,2020-01-01,,55000,0',
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      expect(result.rows).toBe(3);
      expect(result.duplicatesDropped).toBe(3);
      expect(result.warnings).toContainEqual(
        expect.stringMatching(/^3 duplicate employee_id rows dropped \(kept the latest hire date, then the highest pay\), e\.g\. EMP_A/),
      );
      const kept = await db.all(
        `SELECT employee_id, employee_hire_date, employee_gross_compensation, employee_deferral_rate, source_row
           FROM stg_census_data ORDER BY employee_id`,
      );
      expect(kept).toEqual([
        { employee_id: 'EMP_A', employee_hire_date: '2015-06-01', employee_gross_compensation: '60000.00', employee_deferral_rate: '0.05000', source_row: 2 },
        { employee_id: 'EMP_B', employee_hire_date: '2012-01-01', employee_gross_compensation: '90000.00', employee_deferral_rate: '0.05000', source_row: 4 },
        { employee_id: 'EMP_C', employee_hire_date: '2020-01-01', employee_gross_compensation: '55000.00', employee_deferral_rate: '0.00000', source_row: 6 },
      ]);
    });
  });

  it('normalises deferral rates like the reference (7.5 → 0.075, cap 0.75) and warns', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'rates.csv', [
      'employee_id,employee_birth_date,employee_hire_date,employee_gross_compensation,employee_deferral_rate',
      'E1,1980-01-01,2010-01-01,80000,7.5',
      'E2,1980-01-01,2010-01-01,80000,0.9',
      'E3,1980-01-01,2010-01-01,80000,1',
      'E4,1980-01-01,2010-01-01,80000,',
      'E5,1980-01-01,2010-01-01,80000,0.06',
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      const rates = await db.all<{ employee_id: string; employee_deferral_rate: string }>(
        'SELECT employee_id, employee_deferral_rate FROM stg_census_data ORDER BY employee_id',
      );
      expect(Object.fromEntries(rates.map((r) => [r.employee_id, r.employee_deferral_rate]))).toEqual({
        E1: '0.07500',
        E2: '0.75000',
        E3: '0.75000',
        E4: '0.00000',
        E5: '0.06000',
      });
      expect(result.warnings).toContainEqual(
        '1 employee_deferral_rate value read as percents (divided by 100: 6 is 0.06) by deferral_rates.normalize_percentages ' +
          "(a value above 1 is a percent), line 2, while 3 between 0 and 1 were read as fractions of pay: check the column's unit " +
          '(--rate-unit percent or fraction settles it)',
      );
      expect(result.warnings).toContainEqual('2 employee_deferral_rate values capped at deferral_rates.plan_deferral_cap (0.75)');
    });
  });

  it('fills defaults for missing optional columns, warns that without deferral rates nobody participates, and ignores unknown ones', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'minimal.csv', [
      'Employee_ID,employee_birth_date,employee_hire_date,employee_gross_compensation,department,cost_center',
      'EMP_000010,1970-02-03,2001-04-05 08:30:00,120000,Finance,CC1',
      'EMP_000011,1999-12-31,2022-01-10T00:00:00,58000,IT,CC2',
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      expect(result.warnings).toEqual([
        'No employee_deferral_rate column: every census employee starts as a non-participant (add the column, or name yours in deferral_rates.census_rate_field)',
        'No employee_termination_date column: every row is read as an active employee (none is skipped as terminated)',
        'Ignored 2 unknown census columns: department, cost_center',
      ]);
      expect(result.activeRows).toBe(2);
      const rows = await db.all(
        `SELECT employee_id, employee_ssn, employee_hire_date, employee_termination_date, employee_deferral_rate,
                employee_capped_compensation, eligibility_entry_date, active
           FROM stg_census_data ORDER BY employee_id`,
      );
      expect(rows).toEqual([
        { employee_id: 'EMP_000010', employee_ssn: 'SSN-EMP_000010', employee_hire_date: '2001-04-05', employee_termination_date: null, employee_deferral_rate: '0.00000', employee_capped_compensation: null, eligibility_entry_date: null, active: true },
        { employee_id: 'EMP_000011', employee_ssn: 'SSN-EMP_000011', employee_hire_date: '2022-01-10', employee_termination_date: null, employee_deferral_rate: '0.00000', employee_capped_compensation: null, eligibility_entry_date: null, active: true },
      ]);
    });
  });

  it('carries the optional reference columns, typed', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'full.csv', [
      'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,' +
        'employee_capped_compensation,employee_deferral_rate,employee_contribution,pre_tax_contribution,roth_contribution,' +
        'after_tax_contribution,employer_core_contribution,employer_match_contribution,eligibility_entry_date,active,eligibility_override',
      'EMP_1,SSN-1,1980-01-01,2010-01-01,,400000,345000,0.05,17250,10000,7250,0,3450,5175,2010-02-01,true,no',
      'EMP_2,SSN-2,1982-01-01,2011-01-01,2024-03-31,90000,90000,0,0,0,0,0,0,0,2011-02-01,true,',
    ]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const result = await loadCensus(db, csv);
      expect(result.warnings).toEqual([
        "1 row has an 'active' flag that disagrees with employee_termination_date; the simulation treats rows without a termination date as active",
        '1 row has a termination date: past employees, skipped (the starting workforce is the 1 other)',
      ]);
      const row = await db.one(`SELECT * EXCLUDE (source_row) FROM stg_census_data WHERE employee_id = 'EMP_1'`);
      expect(row).toEqual({
        employee_id: 'EMP_1',
        employee_ssn: 'SSN-1',
        employee_birth_date: '1980-01-01',
        employee_hire_date: '2010-01-01',
        employee_termination_date: null,
        employee_gross_compensation: '400000.00',
        employee_deferral_rate: '0.05000',
        employee_capped_compensation: '345000.00',
        employee_contribution: '17250.00',
        pre_tax_contribution: '10000.00',
        roth_contribution: '7250.00',
        after_tax_contribution: '0.00',
        employer_core_contribution: '3450.00',
        employer_match_contribution: '5175.00',
        eligibility_entry_date: '2010-02-01',
        active: true,
        eligibility_override: false,
        scheduled_hours_per_week: null,
        auto_escalation_opt_out: false,
        // No balance columns: accounts open at zero, deferrals all pre-tax.
        balance_pre_tax: '0.00',
        balance_roth: '0.00',
        balance_match: '0.00',
        balance_core: '0.00',
        roth_deferral_share: '0.0000',
        is_officer: false,
        ownership_pct: '0.000000',
      });
    });
  });

  it('works inside a caller transaction', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'census.csv', GOOD_ROWS);
    const dbPath = join(dir, 'sim.duckdb');
    await withDb(dbPath, async (db) => {
      const result = await db.transaction(() => loadCensus(db, csv));
      expect(result.rows).toBe(3);
    });
    await withDb(dbPath, async (db) => {
      expect(await tableNames(db)).toEqual(['db.stg_census_data']);
    });
  });
});

describe('loadCensus: rejected files leave the database untouched', () => {
  interface BadCase {
    name: string;
    lines: string[];
    /** Fragments the message must contain (file path is always checked). */
    expected: string[];
    row?: number;
    column?: string;
  }
  const cases: BadCase[] = [
    {
      name: 'missing required column',
      lines: [
        'employee_id,employee_birth_date,employee_gross_compensation',
        'EMP_1,1980-01-01,50000',
      ],
      expected: ['line 1', 'missing required column employee_hire_date', 'columns found: employee_id, employee_birth_date, employee_gross_compensation'],
      row: 1,
      column: 'employee_hire_date',
    },
    {
      name: 'unparseable date',
      lines: [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05', 'EMP_2,,1980-01-01,13/45/2020,,50000,0.05'],
      expected: ['line 3', 'column employee_hire_date', 'unparseable date "13/45/2020"'],
      row: 3,
      column: 'employee_hire_date',
    },
    {
      name: 'impossible calendar date',
      lines: [HEADER, 'EMP_1,,1980-02-30,2010-01-01,,50000,0.05'],
      expected: ['line 2', 'column employee_birth_date', 'unparseable date "1980-02-30"'],
      row: 2,
      column: 'employee_birth_date',
    },
    {
      name: 'non-numeric salary',
      lines: [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,fifty thousand,0.05'],
      expected: ['line 2', 'column employee_gross_compensation', 'not a number: "fifty thousand"'],
      row: 2,
      column: 'employee_gross_compensation',
    },
    {
      name: 'negative salary',
      lines: [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05', 'EMP_2,,1980-01-01,2010-01-01,,-100,0.05'],
      expected: ['line 3', 'column employee_gross_compensation', 'negative value "-100"'],
      row: 3,
      column: 'employee_gross_compensation',
    },
    {
      name: 'empty salary',
      lines: [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,,0.05'],
      expected: ['line 2', 'column employee_gross_compensation', 'empty value'],
      row: 2,
      column: 'employee_gross_compensation',
    },
    {
      name: 'empty employee_id',
      lines: [HEADER, ' ,,1980-01-01,2010-01-01,,50000,0.05'],
      expected: ['line 2', 'column employee_id', 'empty value'],
      row: 2,
      column: 'employee_id',
    },
    {
      name: 'bad deferral rate',
      lines: [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,50000,six', 'EMP_2,,1980-01-01,2010-01-01,,50000,-0.01'],
      expected: ['line 2, column employee_deferral_rate: not a number: "six"', 'line 3, column employee_deferral_rate: negative value "-0.01"'],
      row: 2,
      column: 'employee_deferral_rate',
    },
    {
      name: 'bad eligibility_override',
      lines: [`${HEADER},eligibility_override`, 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05,', 'EMP_2,,1980-01-01,2010-01-01,,50000,0.05,excluded'],
      expected: ['line 3, column eligibility_override: not a boolean: "excluded" (expected true or false)'],
      row: 3,
      column: 'eligibility_override',
    },
    {
      name: 'termination before hire',
      lines: [HEADER, 'EMP_1,,1980-01-01,2010-01-01,2009-12-31,50000,0.05'],
      expected: ['line 2', 'column employee_termination_date', 'termination date "2009-12-31" is before the hire date "2010-01-01"'],
      row: 2,
      column: 'employee_termination_date',
    },
    {
      name: 'birth after hire',
      lines: [HEADER, 'EMP_1,,2011-01-01,2010-01-01,,50000,0.05'],
      expected: ['line 2', 'column employee_birth_date', 'birth date "2011-01-01" is after the hire date "2010-01-01"'],
      row: 2,
      column: 'employee_birth_date',
    },
    {
      name: 'header only',
      lines: [HEADER],
      expected: ['line 2', 'no data rows'],
      row: 2,
    },
    {
      name: 'zero-byte file',
      lines: [],
      expected: ['line 1', 'the file is empty'],
      row: 1,
    },
  ];

  for (const c of cases) {
    it(`rejects: ${c.name}`, async () => {
      const dir = tempDir();
      const csv = writeText(dir, 'bad.csv', c.lines);
      const dbPath = join(dir, 'sim.duckdb');
      await withDb(dbPath, async (db) => {
        const error = await rejection(loadCensus(db, csv));
        expect(error.message).toContain(csv);
        for (const fragment of c.expected) expect(error.message).toContain(fragment);
        expect(error.context.file).toBe(csv);
        if (c.row !== undefined) expect(error.context.row).toBe(c.row);
        if (c.column !== undefined) expect(error.context.column).toBe(c.column);
        expect(error.exitCode).toBe(2);
        expect(await tableNames(db)).toEqual([]);
      });
      await withDb(dbPath, async (db) => {
        expect(await tableNames(db)).toEqual([]);
      });
    });
  }

  it('reports problems in Parquet files by 1-based row number', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'bad.csv', [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05', 'EMP_2,,1980-01-01,2010-01-01,,abc,0.05']);
    const parquet = join(dir, 'bad.parquet');
    await csvToParquet(csv, parquet);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await rejection(loadCensus(db, parquet));
      expect(error.message).toContain(`${parquet} row 2, column employee_gross_compensation: not a number: "abc"`);
      expect(error.context).toEqual({ file: parquet, row: 2, column: 'employee_gross_compensation' });
      expect(await tableNames(db)).toEqual([]);
    });
  });

  it('lists at most twenty problems, in file order, and counts the rest', async () => {
    const dir = tempDir();
    const bad = Array.from({ length: 23 }, (_, i) => `EMP_${i},,1980-01-01,2010-01-01,,x${i},0.05`);
    const csv = writeText(dir, 'many.csv', [HEADER, ...bad]);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await rejection(loadCensus(db, csv));
      expect(error.message).toContain('23 problems found (first 20 shown)');
      const listed = error.message.split('\n').filter((l) => l.startsWith('  - '));
      expect(listed.map((l) => /line (\d+)/.exec(l)?.[1])).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 2)));
      for (const line of listed) expect(line).toContain(csv);
    });
  });

  it('keeps an earlier valid census when a later one is rejected', async () => {
    const dir = tempDir();
    const good = writeText(dir, 'good.csv', GOOD_ROWS);
    const bad = writeText(dir, 'bad.csv', [HEADER, 'EMP_9,,1980-01-01,2010-01-01,,-5,0']);
    const dbPath = join(dir, 'sim.duckdb');
    await withDb(dbPath, async (db) => {
      await loadCensus(db, good);
      await rejection(loadCensus(db, bad));
      await rejection(db.transaction(() => loadCensus(db, bad)));
    });
    await withDb(dbPath, async (db) => {
      expect(await tableNames(db)).toEqual(['db.stg_census_data']);
      expect(await db.one('SELECT count(*)::INTEGER AS n FROM stg_census_data')).toEqual({ n: 3 });
    });
  });

  it('names the path of a missing file', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.parquet');
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await rejection(loadCensus(db, missing));
      expect(error.message).toBe(`Census file not found: ${missing}`);
      expect(error.context.file).toBe(missing);
      expect(await tableNames(db)).toEqual([]);
    });
  });

  it('reports running out of memory as that, not as a bad file', async () => {
    const dir = tempDir();
    const db = await Database.open(join(dir, 'sim.duckdb'), { memoryLimit: '1MB' });
    try {
      const error = await loadCensus(db, 'examples/census_5000.parquet').catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(CensusError);
      expect((error as Error).message).toMatch(/Out of Memory/);
      expect(resolutionHint(error)).toMatch(/Raise --memory-limit/);
    } finally {
      db.close();
    }
  });

  it('rejects a CSV with ragged lines', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'ragged.csv', [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05,extra,fields']);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await rejection(loadCensus(db, csv));
      expect(error.message).toContain(`Census file ${csv} cannot be read as CSV`);
      expect(await tableNames(db)).toEqual([]);
    });
  });

  it('falls back to record numbers when blank lines make line numbers unreliable', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'blank.csv', [HEADER, 'EMP_1,,1980-01-01,2010-01-01,,50000,0.05', '', 'EMP_2,,1980-01-01,2010-01-01,,oops,0.05']);
    await withDb(join(dir, 'sim.duckdb'), async (db) => {
      const error = await rejection(loadCensus(db, csv));
      expect(error.message).toContain(`${csv} record 2, column employee_gross_compensation`);
    });
  });
});
