import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_CENSUS_RATE_RULES } from '../../src/census/columns.js';
import { loadCensus } from '../../src/census/index.js';
import type { CensusIntakeOptions } from '../../src/census/intake.js';
import { Database } from '../../src/db/database.js';
import { CensusError } from '../../src/errors.js';
import { withDb } from '../support/engine.js';

export { withDb };

export const HEADER =
  'employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date,employee_gross_compensation,employee_deferral_rate';

/** Writes `lines` (joined with newlines, trailing newline added) to dir/name and returns the path. */
export function writeText(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  return path;
}

/** Converts a CSV file to Parquet with a throwaway in-memory DuckDB (columns kept as text). */
export async function csvToParquet(csv: string, parquet: string): Promise<void> {
  const db = await Database.open(':memory:');
  try {
    await db.run(
      `COPY (SELECT * FROM read_csv($1, all_varchar = true, header = true)) TO $2 (FORMAT parquet)`,
      [csv, parquet],
    );
  } finally {
    db.close();
  }
}

/** Every table the database holds, temp ones included: `db.<name>` for the file's, `temp.<name>`. */
export async function tableNames(db: Database): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `SELECT CASE WHEN table_catalog = current_database() THEN 'db' ELSE table_catalog END || '.' || table_name AS name
     FROM information_schema.tables ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}


/** Loading `path` into a fresh database at `dbPath` is refused: the CensusError; the database is left without tables. */
export async function censusRefusal(dbPath: string, path: string, intake: CensusIntakeOptions = {}): Promise<CensusError> {
  return withDb(dbPath, async (db) => {
    const error = await loadCensus(db, path, DEFAULT_CENSUS_RATE_RULES, undefined, intake).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CensusError);
    expect(await tableNames(db)).toEqual([]);
    return error as CensusError;
  });
}
