/**
 * Census ingestion: read a CSV or Parquet census into `stg_census_data`, or reject it with one
 * CensusError that lists the first problems found (file, line/row, column, value).
 *
 * Everything is read as text first into TEMP tables (never persisted in the database file), checked
 * with set-based SQL, and only a fully valid census is written, by one `CREATE OR REPLACE TABLE ... AS`
 * statement. A rejected census therefore leaves the database exactly as it was. The caller may wrap the
 * call in a transaction; this module never begins or commits one itself.
 *
 * The file path reaches DuckDB only as a bound parameter (`read_csv($1, ...)`, `read_parquet($1, ...)`),
 * which DuckDB 1.5 accepts, so no path is ever spliced into SQL text. The only names written into SQL
 * are the constant census column names and internally generated temp-table names.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import { CensusError } from '../errors.js';
import { isResourceError } from '../errors-catalog.js';
import {
  CENSUS_COLUMNS,
  DEFAULT_CENSUS_RATE_RULES,
  REQUIRED_CENSUS_COLUMNS,
  type CensusColumn,
  type CensusRateRules,
} from './columns.js';

export interface CensusLoadResult {
  /** Absolute path of the file that was loaded. */
  path: string;
  format: 'csv' | 'parquet';
  /** sha256 (hex) of the file bytes. */
  hash: string;
  /** Rows written to `stg_census_data` (after duplicates were dropped). */
  rows: number;
  /** Rows without a termination date (the baseline workforce). */
  activeRows: number;
  /** Rows with a termination date. */
  terminatedRows: number;
  duplicatesDropped: number;
  warnings: string[];
}

/** At most this many problems are listed in a rejection message. */
export const MAX_REPORTED_PROBLEMS = 5;

const STAGING_TABLE = 'stg_census_data';
/** Our name for the deferral rate, whichever census column it is read from. */
const RATE = 'employee_deferral_rate';

/** `YYYY-MM-DD`, optionally followed by a time (`HH:MM[:SS[.fff]]`) and a zone suffix. */
const DATE_PATTERN = String.raw`\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?`;
/** A plain decimal number, optionally signed and with an exponent (Parquet doubles print as `1e-05`). */
const NUMBER_PATTERN = String.raw`[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?`;

const HINT =
  'Fix the listed values and load again (dates as YYYY-MM-DD, amounts and rates as plain numbers); ' +
  'nothing was written to the database.';

/** sha256 (hex) of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  return (await scanFile(path, false)).hash;
}

/**
 * Loads the census; `rules` (config section `deferral_rates`) say which column holds the deferral rate
 * and how it becomes each participant's starting rate in `stg_census_data.employee_deferral_rate`.
 * With `firstYear` (a simulation's first year), an employee hired after that year is refused: the
 * first year starts from the census, so nobody in it can be hired later.
 */
export async function loadCensus(
  db: Database,
  path: string,
  rules: CensusRateRules = DEFAULT_CENSUS_RATE_RULES,
  firstYear?: number,
): Promise<CensusLoadResult> {
  const file = resolve(path);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) {
    throw new CensusError(`Census file not found: ${file}`, { file }, 'Check the census path (setup.census_parquet_path or --census).');
  }
  if (!info.isFile()) {
    throw new CensusError(`Census path is not a file: ${file}`, { file }, 'Point the census path at a .csv or .parquet file.');
  }
  if (info.size === 0) {
    throw new CensusError(`Census file ${file} line 1: the file is empty (no header, no data rows)`, { file, row: 1 }, HINT);
  }

  const format = await detectFormat(file);
  const scan = await scanFile(file, format === 'csv');
  const tag = randomBytes(6).toString('hex');
  const raw = `census_raw_${tag}`;
  const typed = `census_typed_${tag}`;
  try {
    await readRaw(db, file, format, raw);
    return await validateAndStage(db, { file, format, scan, raw, typed, rules, firstYear });
  } finally {
    // Temp tables vanish with the connection anyway; dropping them keeps a long-lived session tidy.
    await db.run(`DROP TABLE IF EXISTS temp.main.${typed}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS temp.main.${raw}`).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------

interface FileScan {
  hash: string;
  /** Lines up to the last non-blank one (CSV only). */
  lines: number;
  /** A blank line occurs before a non-blank one (DuckDB skips those, so line numbers would shift). */
  blankLineInside: boolean;
}

/** Hashes the file and, for CSV, counts its lines in the same pass. */
async function scanFile(path: string, countLines: boolean): Promise<FileScan> {
  const hash = createHash('sha256');
  let lines = 0; // completed lines so far that end at or before the last non-blank content
  let pendingBlank = 0; // blank lines seen since the last non-blank content
  let lineHasContent = false;
  let sawContent = false;
  let blankLineInside = false;
  const stream = createReadStream(path);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (!countLines) continue;
    for (let i = 0; i < chunk.length; i += 1) {
      const byte = chunk[i];
      if (byte === 0x0a) {
        if (lineHasContent) {
          lines += pendingBlank + 1;
          pendingBlank = 0;
        } else {
          pendingBlank += 1;
        }
        lineHasContent = false;
      } else if (byte !== 0x0d) {
        if (!lineHasContent && pendingBlank > 0 && sawContent) blankLineInside = true;
        lineHasContent = true;
        sawContent = true;
      }
    }
  }
  if (lineHasContent) lines += pendingBlank + 1;
  return { hash: hash.digest('hex'), lines, blankLineInside };
}

async function detectFormat(file: string): Promise<'csv' | 'parquet'> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  const handle = await open(file, 'r');
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    return bytesRead === 4 && magic.toString('latin1') === 'PAR1' ? 'parquet' : 'csv';
  } finally {
    await handle.close();
  }
}

/** Copies the file, every column as VARCHAR, into a temp table with a 1-based `__census_row`. */
async function readRaw(db: Database, file: string, format: 'csv' | 'parquet', raw: string): Promise<void> {
  const sql =
    format === 'csv'
      ? // A fixed dialect: the sniffer must not guess a header or skip rows. Insertion order is preserved,
        // so row_number() OVER () is the data-row index.
        `CREATE TEMP TABLE ${raw} AS SELECT row_number() OVER () AS __census_row, * FROM read_csv($1,
           all_varchar = true, header = true, delim = ',', quote = '"', escape = '"', skip = 0)`
      : `CREATE TEMP TABLE ${raw} AS SELECT file_row_number + 1 AS __census_row,
           COLUMNS(* EXCLUDE (file_row_number))::VARCHAR FROM read_parquet($1, file_row_number = true)`;
  try {
    await db.run(sql, [file]);
  } catch (error) {
    // Running out of memory or disk says nothing about the file: report it as what it is.
    if (isResourceError(error)) throw error;
    const detail = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 2).join(' ');
    throw new CensusError(
      `Census file ${file} cannot be read as ${format === 'csv' ? 'CSV' : 'Parquet'}: ${detail}`,
      { file },
      format === 'csv'
        ? 'The census CSV must be comma-separated, with a header line and the same number of fields on every line.'
        : 'Check that the file is a valid Parquet file.',
      { cause: error },
    );
  }
}

interface StageContext {
  file: string;
  format: 'csv' | 'parquet';
  scan: FileScan;
  raw: string;
  typed: string;
  rules: CensusRateRules;
  firstYear: number | undefined;
}

async function validateAndStage(db: Database, ctx: StageContext): Promise<CensusLoadResult> {
  const { file, format, scan, raw, typed, rules, firstYear } = ctx;
  const warnings: string[] = [];

  // --- columns --------------------------------------------------------------------------------------
  const found = (
    await db.all<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_catalog = 'temp' AND table_name = $1 AND column_name <> '__census_row'
        ORDER BY ordinal_position`,
      [raw],
    )
  ).map((r) => r.column_name);
  // The rate is read from the column named by deferral_rates.census_rate_field (matched, like every
  // census column, case-insensitively); a file column called employee_deferral_rate is then unknown.
  const rateKey = rules.census_rate_field.toLowerCase();
  if (rateKey !== RATE && CENSUS_COLUMNS.some((c) => c.name === rateKey)) {
    throw new CensusError(
      `deferral_rates.census_rate_field names the census column ${rules.census_rate_field}, which already means something else`,
      { file, column: rules.census_rate_field },
      'Name the census column that holds the deferral rates.',
    );
  }
  const known = new Set(CENSUS_COLUMNS.map((c) => (c.name === RATE ? rateKey : c.name)));
  const present = new Set(
    found.map((c) => c.toLowerCase()).filter((c) => known.has(c)).map((c) => (c === rateKey ? RATE : c)),
  );
  const missing = REQUIRED_CENSUS_COLUMNS.filter((c) => !present.has(c));
  const where = format === 'csv' ? 'line 1 (header)' : 'schema';
  if (missing.length > 0) {
    throw new CensusError(
      `Census file ${file} ${where}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `columns found: ${found.length > 0 ? found.join(', ') : '(none)'}`,
      { file, ...(format === 'csv' ? { row: 1 } : {}), column: missing[0] },
      `A census needs ${REQUIRED_CENSUS_COLUMNS.join(', ')} (column names are matched case-insensitively).`,
    );
  }
  // The standard column is optional (without it nobody participates); a column the config names is not.
  const rateColumn = found.find((c) => c.toLowerCase() === rateKey);
  if (rateColumn === undefined && rateKey !== RATE) {
    throw new CensusError(
      `Census file ${file} ${where}: missing deferral-rate column ${rules.census_rate_field} (deferral_rates.census_rate_field); ` +
        `columns found: ${found.join(', ')}`,
      { file, ...(format === 'csv' ? { row: 1 } : {}), column: rules.census_rate_field },
      'Add the column (0 or empty for a non-participant) or set deferral_rates.census_rate_field to the column that holds the rates.',
    );
  }
  if (rateColumn === undefined) {
    // The one optional column whose absence changes results: participation starts at zero.
    warnings.push(`No ${RATE} column: every census employee starts as a non-participant (add the column, or name yours in deferral_rates.census_rate_field)`);
  }
  // How problems name a column: the rate by its name in the file.
  const fileColumn = (column: string): string => (column === RATE ? (rateColumn ?? RATE) : column);
  const unknown = found.filter((c) => !known.has(c.toLowerCase()));
  if (unknown.length > 0) {
    warnings.push(`Ignored ${unknown.length} unknown census column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  }

  const count = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${raw}`);
  const rawRows = count?.n ?? 0;
  if (rawRows === 0) {
    throw new CensusError(
      `Census file ${file} ${format === 'csv' ? 'line 2' : 'row 1'}: no data rows (the file holds only ${format === 'csv' ? 'a header' : 'a schema'})`,
      { file, row: format === 'csv' ? 2 : 1 },
      HINT,
    );
  }

  // CSV line numbers are exact when every record is one line and no blank line was skipped.
  const linesExact = format === 'csv' && !scan.blankLineInside && scan.lines === rawRows + 1;
  if (format === 'csv' && !linesExact) {
    warnings.push(
      'The census CSV has blank lines or multi-line fields; problems are reported by record number instead of line number.',
    );
  }
  const label = (row: number): string =>
    format === 'parquet' ? `row ${row}` : linesExact ? `line ${row + 1}` : `record ${row}`;
  const labelRow = (row: number): number => (format === 'csv' && linesExact ? row + 1 : row);

  // --- parse -------------------------------------------------------------------------------------------
  await db.run(buildTypedTableSql(raw, typed, rateColumn !== undefined, present), rateColumn === undefined ? [] : [rateColumn]);

  // --- validate ----------------------------------------------------------------------------------------
  const problems = await db.all<{ source_row: number; col: string; value: string | null; other: string | null; code: string; total: number }>(
    `SELECT source_row::INTEGER AS source_row, col, value, other, code, (count(*) OVER ())::INTEGER AS total
       FROM (${buildProblemsSql(typed, firstYear)})
      ORDER BY source_row, ord
      LIMIT ${MAX_REPORTED_PROBLEMS}`,
  );
  if (problems.length > 0) {
    const total = problems[0]?.total ?? problems.length;
    const lines = problems.map(
      (p) => `  - ${file} ${label(p.source_row)}, column ${fileColumn(p.col)}: ${describeProblem(p.code, p.value, p.other)}`,
    );
    const first = problems[0];
    throw new CensusError(
      `Census file ${file} rejected: ${total} problem${total > 1 ? 's' : ''} found` +
        `${total > problems.length ? ` (first ${problems.length} shown)` : ''}:\n${lines.join('\n')}`,
      first === undefined ? { file } : { file, row: labelRow(first.source_row), column: fileColumn(first.col) },
      HINT,
    );
  }

  // --- duplicates and summary -------------------------------------------------------------------------
  const keepOrder = `PARTITION BY employee_id ORDER BY employee_hire_date DESC, employee_gross_compensation DESC, source_row ASC`;
  const dropped = await db.all<{ employee_id: string; n: number }>(
    `WITH dropped AS (SELECT employee_id, source_row FROM ${typed} QUALIFY row_number() OVER (${keepOrder}) > 1)
     SELECT employee_id, (SELECT count(*) FROM dropped)::INTEGER AS n FROM dropped ORDER BY source_row LIMIT 3`,
  );
  const duplicatesDropped = dropped[0]?.n ?? 0;
  if (duplicatesDropped > 0) {
    warnings.push(
      `${duplicatesDropped} duplicate employee_id row${duplicatesDropped > 1 ? 's' : ''} dropped ` +
        `(kept the latest hire date, then the highest pay), e.g. ${[...new Set(dropped.map((d) => d.employee_id))].join(', ')}`,
    );
  }

  const stats = await summarise(db, typed, keepOrder, rules);
  const values = (n: number): string => `${n} ${fileColumn(RATE)} value${n > 1 ? 's' : ''}`;
  if (stats.percent > 0) {
    warnings.push(
      `${values(stats.percent)} above 1 read as percents (divided by 100)` +
        (stats.fractions > 0 ? `, while ${stats.fractions} between 0 and 1 were read as fractions of pay: check the column's unit` : ''),
    );
  }
  if (stats.unusable > 0) {
    warnings.push(
      `${values(stats.unusable)} above ${rules.normalize_percentages ? '100 %' : '1 (deferral_rates.normalize_percentages is off)'} ` +
        `cannot be a deferral rate: ${stats.unusable > 1 ? 'those participants start' : 'that participant starts'} ` +
        `at deferral_rates.pre_enrolled_fallback (${rules.pre_enrolled_fallback})`,
    );
  }
  if (stats.capped > 0) {
    warnings.push(`${values(stats.capped)} capped at deferral_rates.plan_deferral_cap (${rules.plan_deferral_cap})`);
  }
  if (stats.inconsistent > 0) {
    warnings.push(
      `${stats.inconsistent} row${stats.inconsistent > 1 ? 's have' : ' has'} an 'active' flag that disagrees with ` +
        `employee_termination_date; the simulation treats rows without a termination date as active`,
    );
  }

  // --- stage (one statement: atomic) -------------------------------------------------------------------
  await db.run(
    `CREATE OR REPLACE TABLE ${STAGING_TABLE} AS
     SELECT employee_id::VARCHAR AS employee_id,
            coalesce(employee_ssn, 'SSN-' || employee_id)::VARCHAR AS employee_ssn,
            employee_birth_date::DATE AS employee_birth_date,
            employee_hire_date::DATE AS employee_hire_date,
            employee_termination_date::DATE AS employee_termination_date,
            employee_gross_compensation::DECIMAL(18,2) AS employee_gross_compensation,
            CAST(${startingRateSql()} AS DECIMAL(7,5)) AS employee_deferral_rate,
            employee_capped_compensation::DECIMAL(18,2) AS employee_capped_compensation,
            employee_contribution::DECIMAL(18,2) AS employee_contribution,
            pre_tax_contribution::DECIMAL(18,2) AS pre_tax_contribution,
            roth_contribution::DECIMAL(18,2) AS roth_contribution,
            after_tax_contribution::DECIMAL(18,2) AS after_tax_contribution,
            employer_core_contribution::DECIMAL(18,2) AS employer_core_contribution,
            employer_match_contribution::DECIMAL(18,2) AS employer_match_contribution,
            eligibility_entry_date::DATE AS eligibility_entry_date,
            coalesce(active, employee_termination_date IS NULL)::BOOLEAN AS active,
            source_row::INTEGER AS source_row
       FROM ${typed}
     QUALIFY row_number() OVER (${keepOrder}) = 1
      ORDER BY source_row`,
    rateRuleParams(rules, ['normalize', 'use_census', 'cap', 'fallback']),
  );

  return {
    path: file,
    format,
    hash: scan.hash,
    rows: stats.rows,
    activeRows: stats.active,
    terminatedRows: stats.terminated,
    duplicatesDropped,
    warnings,
  };
}

type CensusStats = {
  rows: number;
  active: number;
  terminated: number;
  inconsistent: number;
  /** Rates read as percents, and rates between 0 and 1 beside them. */
  percent: number;
  fractions: number;
  /** Participants whose rate cannot be one (they start at the fallback). */
  unusable: number;
  capped: number;
};

async function summarise(db: Database, typed: string, keepOrder: string, rules: CensusRateRules): Promise<CensusStats> {
  const row = await db.one<CensusStats>(
    `WITH kept AS (SELECT *, ${normalizedRateSql()} AS normalized_rate
                     FROM ${typed} QUALIFY row_number() OVER (${keepOrder}) = 1)
     SELECT count(*)::INTEGER AS rows,
            count(*) FILTER (WHERE employee_termination_date IS NULL)::INTEGER AS active,
            count(*) FILTER (WHERE employee_termination_date IS NOT NULL)::INTEGER AS terminated,
            count(*) FILTER (WHERE active IS NOT NULL AND active <> (employee_termination_date IS NULL))::INTEGER AS inconsistent,
            count(*) FILTER (WHERE $normalize AND employee_deferral_rate > 1)::INTEGER AS percent,
            count(*) FILTER (WHERE employee_deferral_rate > 0 AND employee_deferral_rate <= 1)::INTEGER AS fractions,
            count(*) FILTER (WHERE normalized_rate > 1)::INTEGER AS unusable,
            count(*) FILTER (WHERE $use_census AND normalized_rate <= 1 AND normalized_rate > $cap)::INTEGER AS capped
       FROM kept`,
    rateRuleParams(rules, ['normalize', 'use_census', 'cap']),
  );
  return row ?? { rows: 0, active: 0, terminated: 0, inconsistent: 0, percent: 0, fractions: 0, unusable: 0, capped: 0 };
}

// --- the starting deferral rate (one definition, used by the staging and the warnings) --------------------

type RateParam = 'use_census' | 'fallback' | 'cap' | 'normalize';

/** The named parameters a statement uses (DuckDB refuses a bound name the statement does not use). */
function rateRuleParams(rules: CensusRateRules, names: readonly RateParam[]): Record<string, number | boolean> {
  const all: Record<RateParam, number | boolean> = {
    use_census: rules.use_census_rates,
    fallback: rules.pre_enrolled_fallback,
    cap: rules.plan_deferral_cap,
    normalize: rules.normalize_percentages,
  };
  return Object.fromEntries(names.map((n) => [n, all[n]]));
}

/** The census value as a fraction of pay: above 1 it is a percent when normalizing. */
function normalizedRateSql(): string {
  return `(CASE WHEN $normalize AND employee_deferral_rate > 1 THEN employee_deferral_rate / 100 ELSE employee_deferral_rate END)`;
}

/** 0 for a non-participant (no value, or 0); the fallback without census rates or for a rate above 1; else capped. */
function startingRateSql(): string {
  return `CASE WHEN coalesce(employee_deferral_rate, 0) = 0 THEN 0
               WHEN NOT $use_census OR ${normalizedRateSql()} > 1 THEN $fallback
               ELSE least($cap, ${normalizedRateSql()}) END`;
}

// --- SQL builders (only constant column names and generated temp names are written into SQL) ------------

function sqlString(constant: string): string {
  // Used for the module's own constant patterns only, never for data or paths.
  return `'${constant.replaceAll("'", "''")}'`;
}

function parseExpr(column: CensusColumn, r: string): string {
  switch (column.kind) {
    case 'id':
    case 'text':
      return r;
    case 'date':
      return `CASE WHEN regexp_full_match(${r}, ${sqlString(DATE_PATTERN)})
                    AND (length(${r}) = 10 OR TRY_CAST(regexp_extract(${r}, '^.{10}[ T]([0-9:.]+)', 1) AS TIME) IS NOT NULL)
               THEN TRY_CAST(left(${r}, 10) AS DATE) END`;
    case 'money':
      return `CASE WHEN regexp_full_match(${r}, ${sqlString(NUMBER_PATTERN)}) THEN TRY_CAST(${r} AS DECIMAL(18,2)) END`;
    case 'rate':
      return `CASE WHEN regexp_full_match(${r}, ${sqlString(NUMBER_PATTERN)}) THEN TRY_CAST(${r} AS DOUBLE) END`;
    case 'bool':
      return `CASE WHEN lower(${r}) IN ('true', 't', '1', 'yes', 'y') THEN true
                   WHEN lower(${r}) IN ('false', 'f', '0', 'no', 'n') THEN false END`;
  }
}

function buildTypedTableSql(raw: string, typed: string, hasRate: boolean, present: ReadonlySet<string>): string {
  // The rate's column is named by the config: it is selected by a bound name ($1), never written here.
  const rawColumns = CENSUS_COLUMNS.map((c) =>
    c.name === RATE && hasRate
      ? `NULLIF(trim(CAST(COLUMNS(c -> c = $1) AS VARCHAR)), '') AS "r_${c.name}"`
      : present.has(c.name)
        ? `NULLIF(trim(CAST("${c.name}" AS VARCHAR)), '') AS "r_${c.name}"`
        : `NULL::VARCHAR AS "r_${c.name}"`,
  );
  const parsed = CENSUS_COLUMNS.map((c) => `${parseExpr(c, `"r_${c.name}"`)} AS "${c.name}"`);
  return `CREATE TEMP TABLE ${typed} AS
          WITH r AS (SELECT __census_row AS source_row, ${rawColumns.join(',\n ')} FROM ${raw})
          SELECT *, ${parsed.join(',\n ')} FROM r`;
}

function buildProblemsSql(typed: string, firstYear: number | undefined): string {
  const parts: string[] = [];
  let ord = 0;
  const add = (column: string, code: string, condition: string, other = 'NULL::VARCHAR'): void => {
    ord += 1;
    parts.push(
      `SELECT source_row, ${ord} AS ord, '${column}' AS col, "r_${column}" AS value, ${other} AS other, ${code} AS code
         FROM ${typed} WHERE ${condition}`,
    );
  };
  for (const c of CENSUS_COLUMNS) {
    const r = `"r_${c.name}"`;
    const v = `"${c.name}"`;
    if (c.required) add(c.name, `'empty'`, `${r} IS NULL`);
    switch (c.kind) {
      case 'date':
        add(c.name, `'date'`, `${r} IS NOT NULL AND ${v} IS NULL`);
        break;
      case 'money':
        add(
          c.name,
          `CASE WHEN regexp_full_match(${r}, ${sqlString(NUMBER_PATTERN)}) THEN 'range' ELSE 'number' END`,
          `${r} IS NOT NULL AND ${v} IS NULL`,
        );
        // Salary must not be negative; carried contribution amounts may be (corrections).
        if (c.required) add(c.name, `'negative'`, `${v} < 0`);
        break;
      case 'rate':
        add(c.name, `'number'`, `${r} IS NOT NULL AND ${v} IS NULL`);
        add(c.name, `'negative'`, `${v} < 0`);
        break;
      case 'bool':
        add(c.name, `'bool'`, `${r} IS NOT NULL AND ${v} IS NULL`);
        break;
      case 'id':
      case 'text':
        break;
    }
  }
  add(
    'employee_termination_date',
    `'term_before_hire'`,
    `employee_termination_date < employee_hire_date`,
    `"r_employee_hire_date"`,
  );
  add('employee_birth_date', `'birth_after_hire'`, `employee_birth_date > employee_hire_date`, `"r_employee_hire_date"`);
  if (firstYear !== undefined) {
    // A whole number from the validated config, not text.
    const lastDay = `make_date(${Math.trunc(firstYear)}, 12, 31)`;
    add('employee_hire_date', `'hired_after_start'`, `employee_hire_date > ${lastDay}`, `${lastDay}::VARCHAR`);
  }
  return parts.join('\nUNION ALL\n');
}

function quote(value: string | null): string {
  if (value === null) return '(empty)';
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function describeProblem(code: string, value: string | null, other: string | null): string {
  switch (code) {
    case 'empty':
      return 'empty value (the column is required)';
    case 'date':
      return `unparseable date ${quote(value)} (expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)`;
    case 'number':
      return `not a number: ${quote(value)}`;
    case 'range':
      return `number out of range: ${quote(value)}`;
    case 'negative':
      return `negative value ${quote(value)}`;
    case 'bool':
      return `not a boolean: ${quote(value)} (expected true or false)`;
    case 'term_before_hire':
      return `termination date ${quote(value)} is before the hire date ${quote(other)}`;
    case 'birth_after_hire':
      return `birth date ${quote(value)} is after the hire date ${quote(other)}`;
    case 'hired_after_start':
      return `hire date ${quote(value)} is after the first simulated year (it ends ${quote(other)}): the census is the workforce of that year, so leave the row out or start the simulation in its hire year`;
    default:
      return `invalid value ${quote(value)}`;
  }
}
