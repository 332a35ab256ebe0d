/**
 * Column mapping (src/census/mapping.ts): header synonyms with case and spacing ignored, explicit
 * headers (the columns option, deferral_rates.census_rate_field) over synonyms, two headers for one
 * column refused naming both, and the mapping printed by `census check`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCensus } from '../../src/census/index.js';
import { normalizeHeader } from '../../src/census/mapping.js';
import { CensusError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';
import { HEADER, withDb, writeText } from './helpers.js';

const tempDir = useTempDir();

const ROWS = ['E1,SSN-1,1980-05-01,2010-03-15,,85000,0.06', 'E2,SSN-2,1990-01-20,2018-07-01,2023-06-30,62000.50,0'];

/** The rows staged from `csv` (in a database beside it, named after it). */
async function staged(csv: string): Promise<unknown[]> {
  return withDb(`${csv}.duckdb`, async (db) => {
    await loadCensus(db, csv);
    return db.all('SELECT * EXCLUDE (source_row) FROM stg_census_data ORDER BY employee_id');
  });
}

async function refusal(promise: Promise<unknown>): Promise<CensusError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CensusError);
  return error as CensusError;
}

describe('header synonyms', () => {
  it('ignore case, spaces, _, - and .', () => {
    expect(['Employee ID', 'employee-id', 'EMPLOYEE.ID', ' employee_id '].map(normalizeHeader)).toEqual(
      Array(4).fill('employeeid'),
    );
  });

  it('an export with other header names stages exactly what the canonical file stages', async () => {
    const dir = tempDir();
    const canonical = writeText(dir, 'canonical.csv', [HEADER, ...ROWS]);
    const exported = writeText(dir, 'export.csv', [
      'EE ID,SSN,Date of Birth,Date of Hire,Term Date,Annual Salary,401k %',
      ...ROWS,
    ]);
    const result = await withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, exported));
    expect(result.mapping.columns).toEqual([
      { header: 'EE ID', column: 'employee_id', by: 'synonym' },
      { header: 'SSN', column: 'employee_ssn', by: 'synonym' },
      { header: 'Date of Birth', column: 'employee_birth_date', by: 'synonym' },
      { header: 'Date of Hire', column: 'employee_hire_date', by: 'synonym' },
      { header: 'Term Date', column: 'employee_termination_date', by: 'synonym' },
      { header: 'Annual Salary', column: 'employee_gross_compensation', by: 'synonym' },
      { header: '401k %', column: 'employee_deferral_rate', by: 'synonym' },
    ]);
    expect(result.mapping.missing.map((m) => m.column)).toContain('active');
    expect(await staged(exported)).toEqual(await staged(canonical));
  });

  it('two headers meaning one column are refused, naming both; naming one explicitly settles it', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'two.csv', [
      'Employee ID,DOB,Hire Date,Salary,Annual Salary',
      'E1,1980-05-01,2010-03-15,85000,90000',
    ]);
    const error = await refusal(withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv)));
    expect(error.message).toBe(
      `Census file ${csv} line 1 (header): columns "Salary" and "Annual Salary" both mean employee_gross_compensation`,
    );
    expect(error.context).toMatchObject({ file: csv, row: 1, column: 'Annual Salary' });
    expect(error.hint).toContain("sidecar's columns");

    const chosen = { columns: { employee_gross_compensation: 'Annual Salary' } };
    const result = await withDb(join(dir, 'b.duckdb'), async (db) => {
      const loaded = await loadCensus(db, csv, undefined, undefined, chosen);
      return { loaded, pay: await db.one<{ p: string }>('SELECT employee_gross_compensation::VARCHAR AS p FROM stg_census_data') };
    });
    expect(result.pay?.p).toBe('90000.00');
    expect(result.loaded.mapping.columns).toContainEqual({
      header: 'Annual Salary',
      column: 'employee_gross_compensation',
      by: 'columns',
      source: 'the columns intake option',
    });
    expect(result.loaded.warnings).toContain('Ignored 1 unknown census column: Salary');
  });

  it("a column's own name wins over its synonyms, which are then ignored", async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'own.csv', [
      'employee_id,DOB,Hire Date,Annual Salary,Salary,employee_gross_compensation',
      'E1,1980-05-01,2010-03-15,1,2,85000',
    ]);
    const result = await withDb(join(dir, 'a.duckdb'), async (db) => {
      const loaded = await loadCensus(db, csv);
      return { loaded, pay: await db.one<{ p: string }>('SELECT employee_gross_compensation::VARCHAR AS p FROM stg_census_data') };
    });
    expect(result.pay?.p).toBe('85000.00');
    expect(result.loaded.mapping.ignored).toEqual(['Annual Salary', 'Salary']);
  });

  it('a named header that is not in the file, or a name that is no census column, is refused', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'c.csv', [HEADER, ...ROWS]);
    const missing = await refusal(
      withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv, undefined, undefined, { columns: { employee_id: 'Worker' } })),
    );
    expect(missing.message).toContain(`Census file ${csv} line 1 (header): no column "Worker" (the columns intake option); columns found: employee_id,`);
    const unknown = await refusal(
      withDb(join(dir, 'b.duckdb'), (db) => loadCensus(db, csv, undefined, undefined, { columns: { department: 'employee_id' } })),
    );
    expect(unknown.message).toBe('the columns intake option names department, which is not a census column');
  });

  it('a required column missing names the synonyms and the sidecar', async () => {
    const dir = tempDir();
    const csv = writeText(dir, 'c.csv', ['Worker,DOB,Hire Date,Salary', 'E1,1980-05-01,2010-03-15,85000']);
    const error = await refusal(withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv)));
    expect(error.message).toBe(`Census file ${csv} line 1 (header): missing required column employee_id; columns found: Worker, DOB, Hire Date, Salary`);
    expect(error.hint).toContain("Name yours in the sidecar's columns");
  });
});

describe('planalign census check prints the mapping', () => {
  it('file header -> census column, the columns not found with their default, the ignored headers', () => {
    const dir = tempDir();
    const csv = writeText(dir, 'export.csv', ['Emp ID,DOB,Hire Date,Salary,Deferral %,Dept', 'E1,1980-05-01,2010-03-15,85000,0.06,X']);
    const result = runCli(['census', 'check', csv]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      [
        '  columns (file header -> census column):',
        '    "Emp ID" -> employee_id (synonym)',
        '    "DOB" -> employee_birth_date (synonym)',
        '    "Hire Date" -> employee_hire_date (synonym)',
        '    "Salary" -> employee_gross_compensation (synonym)',
        '    "Deferral %" -> employee_deferral_rate (synonym)',
        '    employee_ssn not found: SSN-<employee_id> (a label; no result changes)',
        '    employee_termination_date not found: empty: every row is an active employee (none is skipped as terminated)',
      ].join('\n'),
    );
    expect(result.stdout).toContain('    ignored: "Dept"\n');
  });
});
