/**
 * Census ingestion: read a CSV, XLSX or Parquet census (read.ts) into `stg_census_data`, or reject it
 * with one CensusError that lists the first problems found (file, line/row, column, value).
 *
 * Everything is read as text first into TEMP tables (never persisted in the database file), checked
 * with set-based SQL, and only a fully valid census is written, by one `CREATE OR REPLACE TABLE ... AS`
 * statement. A rejected census therefore leaves the database exactly as it was. The caller may wrap the
 * call in a transaction; this module never begins or commits one itself.
 *
 * The file path reaches DuckDB only as a bound parameter (read.ts), so no path is ever spliced into SQL
 * text. The only names written into SQL are the constant census column names and internally generated
 * temp-table names; values are parsed by values.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { canonicalJson } from '../config/hash.js';
import { Database } from '../db/database.js';
import { CensusError, UsageError } from '../errors.js';
import {
  CENSUS_COLUMNS,
  DEFAULT_CENSUS_RATE_RULES,
  type CensusRateRules,
} from './columns.js';
import { hashFile, readRawCensus, type CensusFormat, type RawCensus } from './read.js';
import {
  describeValueProblem,
  parsedColumnsSql,
  quoteValue as quote,
  RATE_PERCENT_SIGN,
  valueProblems,
  valueReading,
  type DateOrder,
  type ValueReading,
} from './values.js';
import type { CensusIntakeOptions } from './intake.js';
import { mapColumns, type CensusColumnMapping, type ExplicitHeader } from './mapping.js';
import { CensusProblemsError, PROBLEM_REPORT_HEADER, problemsOf, writeProblemReport, type CensusProblem } from './report.js';
import { mergeIntake, readingOptions, readSidecar, sidecarPath, type IntakeSource, type ReadingOptions, type Sidecar } from './sidecar.js';

export interface CensusLoadResult {
  /** Absolute path of the file that was loaded. */
  path: string;
  format: CensusFormat;
  /**
   * The census hash (recorded with a run; --resume refuses a changed one): `fileHash` when the file is
   * read as a plain load of it reads it (no sidecar, no flag), else the sha256 of `fileHash` and the
   * reading in effect (see readingHash).
   */
  hash: string;
  /** sha256 (hex) of the file bytes. */
  fileHash: string;
  /** Rows written to `stg_census_data` (after duplicates were dropped). */
  rows: number;
  /** Rows without a termination date (the baseline workforce). */
  activeRows: number;
  /** Rows with a termination date. */
  terminatedRows: number;
  duplicatesDropped: number;
  warnings: string[];
  /** Which file header became which census column, the optional columns not found, the ignored headers. */
  mapping: CensusColumnMapping;
  /** The reading options used (given, from the sidecar, sniffed) with the header mapping: what --save-mapping writes. */
  intake: ReadingOptions;
  /** How the file was read and where each choice came from (describeIntake says it in a line). */
  reading: CensusReading;
  /** The sidecar read, if any. */
  sidecar?: string;
}

/** At most this many problems are listed in a rejection message (--report-errors writes them all). */
export const MAX_REPORTED_PROBLEMS = 20;

const STAGING_TABLE = 'stg_census_data';
/** Of the rows of one employee_id, the one kept: the latest hire date, then the highest pay, then the first. */
const KEEP_ORDER = 'PARTITION BY employee_id ORDER BY employee_hire_date DESC, employee_gross_compensation DESC, source_row ASC';
/** The typed table's column ranking its row among its employee_id's rows by KEEP_ORDER (1: kept). */
const KEEP_RANK = '__keep_rank';
/** Our name for the deferral rate, whichever census column it is read from. */
const RATE = 'employee_deferral_rate';
const BALANCE_COLUMNS = CENSUS_COLUMNS.filter((c) => c.kind === 'balance').map((c) => c.name);

/**
 * What a run says once when the census gives no opening balance: not a census problem (a census
 * without them is normal), but every account then starts at zero.
 */
export function openingBalancesNotice(census: Pick<CensusLoadResult, 'mapping'>): string | undefined {
  return census.mapping.columns.some((m) => BALANCE_COLUMNS.includes(m.column))
    ? undefined
    : `No opening balances in the census (${BALANCE_COLUMNS.join(', ')}): accounts start at zero`;
}

const HINT = 'Fix the listed values and load again; nothing was written to the database.';

export { hashFile };

/**
 * The hash loadCensus records for this census read with these options and `rules` (its sidecar
 * included). Without a sidecar or an option it is the file's sha256; else the reading in effect decides
 * it, so the census is read (into a throwaway in-memory database).
 */
export async function hashCensus(path: string, intake: CensusIntakeOptions = {}, rules: CensusRateRules = DEFAULT_CENSUS_RATE_RULES): Promise<string> {
  const given = readingOptions(intake);
  if (Object.keys(given).length === 0 && (await readSidecar(path)) === undefined) return hashFile(path);
  const db = await Database.open(':memory:');
  try {
    return (await loadCensus(db, path, rules, undefined, given)).hash;
  } finally {
    db.close();
  }
}

/**
 * Loads the census; `rules` (config section `deferral_rates`) say which column holds the deferral rate
 * and how it becomes each participant's starting rate in `stg_census_data.employee_deferral_rate`.
 * With `firstYear` (a simulation's first year), an employee hired after that year is refused: the
 * first year starts from the census, so nobody in it can be hired later. `intake` (the command line's
 * options) wins over the census's sidecar, key by key; with `intake.reportErrors` every problem is
 * written there, the census refused or not.
 */
export async function loadCensus(
  db: Database,
  path: string,
  rules: CensusRateRules = DEFAULT_CENSUS_RATE_RULES,
  firstYear?: number,
  intake: CensusIntakeOptions = {},
): Promise<CensusLoadResult> {
  const file = resolve(path);
  const report = intake.reportErrors;
  if (report !== undefined) await checkReportPath(report, file);
  try {
    const sidecar = await readSidecar(file);
    const merged = mergeIntake(intake, sidecar);
    const result = await readCensus(db, file, rules, firstYear, { intake: merged.options, sources: merged.sources, sidecar, given: intake, report });
    if (report !== undefined) await writeProblemReport(report, []);
    return result;
  } catch (error) {
    if (report !== undefined && error instanceof CensusError) await writeProblemReport(report, problemsOf(error));
    throw error;
  }
}

/**
 * The problem report must not replace the census, its sidecar, or a file that is not an earlier report
 * (the report is written whether the census loads or not).
 */
async function checkReportPath(report: string, census: string): Promise<void> {
  // Where a path really leads (symlinks resolved), also for a file not written yet.
  const real = async (path: string): Promise<string> =>
    realpath(path).catch(async () => join(await realpath(dirname(resolve(path))).catch(() => dirname(resolve(path))), basename(path)));
  const target = await real(report);
  for (const [what, path] of [['the census file', census], ['the census sidecar', sidecarPath(census)]] as const) {
    if (target === (await real(path))) {
      throw new UsageError(
        `--report-errors ${report} is ${what} ${path}: the report would overwrite it`,
        { file: report },
        'Name another file for the problem report.',
      );
    }
  }
  const info = await stat(target).catch(() => undefined);
  if (info === undefined || (info.isFile() && info.size === 0)) return;
  const header = PROBLEM_REPORT_HEADER.join(',');
  let first = '';
  if (info.isFile()) {
    const handle = await open(target, 'r');
    try {
      const buffer = Buffer.alloc(header.length + 8);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      first = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    } finally {
      await handle.close();
    }
  }
  if (first !== header) {
    throw new UsageError(
      `--report-errors ${report}: the file exists and is not a census problem report (its first line is not "${header}"); it is left as it is`,
      { file: report },
      'Name a new file, or a report an earlier --report-errors wrote.',
    );
  }
}

/** How loadCensus reads this file: the merged intake options and where each came from. */
interface Intake {
  intake: CensusIntakeOptions;
  sources: Partial<Record<keyof ReadingOptions, IntakeSource>>;
  sidecar: Sidecar | undefined;
  /** The options given by the caller (the command line), before the sidecar's were merged in. */
  given: CensusIntakeOptions;
  /** Set when every problem is wanted (not just the first MAX_REPORTED_PROBLEMS). */
  report: string | undefined;
}

async function readCensus(
  db: Database,
  file: string,
  rules: CensusRateRules,
  firstYear: number | undefined,
  how: Intake,
): Promise<CensusLoadResult> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) {
    throw new CensusError(`Census file not found: ${file}`, { file }, 'Check the census path (setup.census_parquet_path or --census).');
  }
  if (!info.isFile()) {
    throw new CensusError(`Census path is not a file: ${file}`, { file }, 'Point the census path at a .csv, .xlsx or .parquet file.');
  }
  if (info.size === 0) {
    throw new CensusError(`Census file ${file} line 1: the file is empty (no header, no data rows)`, { file, row: 1 }, HINT);
  }

  const tag = randomBytes(6).toString('hex');
  const raw = `census_raw_${tag}`;
  const typed = `census_typed_${tag}`;
  try {
    const source = await readRawCensus(db, file, raw, how.intake);
    return await validateAndStage(db, { file, source, raw, typed, rules, firstYear, how });
  } finally {
    // Temp tables vanish with the connection anyway; dropping them keeps a long-lived session tidy.
    await db.run(`DROP TABLE IF EXISTS temp.main.${typed}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS temp.main.${raw}`).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------

interface StageContext {
  file: string;
  source: RawCensus;
  raw: string;
  typed: string;
  rules: CensusRateRules;
  firstYear: number | undefined;
  how: Intake;
}

async function validateAndStage(db: Database, ctx: StageContext): Promise<CensusLoadResult> {
  const { file, source, raw, typed, rules, firstYear, how } = ctx;
  const { label, labelRow } = source;
  const warnings: string[] = [...source.warnings];

  // --- columns --------------------------------------------------------------------------------------
  // DESCRIBE of the one table, not information_schema, which lists every column of the database.
  const found = (await db.all<{ column_name: string }>(`DESCRIBE temp.main.${raw}`))
    .map((r) => r.column_name)
    .filter((name) => name !== '__census_row');
  const mapping = mapColumns(found, explicitHeaders(file, rules, how), mapColumnsContext(file, source));
  const headerOf = new Map(mapping.columns.map((m) => [m.column, m.header]));
  const rateColumn = headerOf.get(RATE);
  if (rateColumn === undefined) {
    // The optional columns whose absence changes results: participation starts at zero, nobody has left.
    warnings.push(`No ${RATE} column: every census employee starts as a non-participant (add the column, or name yours in deferral_rates.census_rate_field)`);
  }
  if (!headerOf.has('employee_termination_date')) {
    warnings.push('No employee_termination_date column: every row is read as an active employee (none is skipped as terminated)');
  }
  // How problems name a column: by its header in the file.
  const fileColumn = (column: string): string => headerOf.get(column) ?? column;
  if (mapping.ignored.length > 0) {
    warnings.push(`Ignored ${mapping.ignored.length} unknown census column${mapping.ignored.length > 1 ? 's' : ''}: ${mapping.ignored.join(', ')}`);
  }

  // --- parse -------------------------------------------------------------------------------------------
  const typedTable = buildTypedTableSql(raw, typed, headerOf);
  await db.run(typedTable.sql, typedTable.params);
  // The date order is read from the whole file before any date is parsed.
  const reading = await valueReading(db, typed, how.intake, { file, label, labelRow, fileColumn });
  const present = new Set(headerOf.keys());
  // Which row of an employee_id is kept (rank 1), ranked once here for the checks and the staging. The
  // ranking is half the statement's time: when every row has its own (non-empty) id, each is rank 1.
  const distinct = await db.one<{ all_distinct: boolean }>(
    `SELECT count(*) = count(DISTINCT "r_employee_id") AS all_distinct FROM ${typed}`,
  );
  const rank = distinct?.all_distinct ? '1' : `row_number() OVER (${KEEP_ORDER})`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${typed} AS
     SELECT *, ${rank} AS ${KEEP_RANK} FROM (SELECT *, ${parsedColumnsSql(reading, present)} FROM ${typed})`,
  );

  // --- validate ----------------------------------------------------------------------------------------
  // Every problem is a row of one query: counted per kind, and only when there are some, the first
  // ones listed (all of them when a report is asked for).
  const problemsSql = buildProblemsSql(typed, firstYear, reading, present);
  const kinds = await db.all<{ code: string; col: string; n: number }>(
    `SELECT code, col, count(*)::INTEGER AS n FROM (${problemsSql}) GROUP BY code, col ORDER BY n DESC, min(ord)`,
  );
  if (kinds.length > 0) {
    const total = kinds.reduce((sum, k) => sum + k.n, 0);
    const rows = await db.all<{ source_row: number; col: string; value: string | null; other: string | null; code: string }>(
      `SELECT source_row::INTEGER AS source_row, col, value, other, code FROM (${problemsSql}) ORDER BY source_row, ord
       ${how.report === undefined ? `LIMIT ${MAX_REPORTED_PROBLEMS}` : ''}`,
    );
    const problems: CensusProblem[] = rows.map((p) => ({
      line: labelRow(p.source_row),
      column: fileColumn(p.col),
      value: p.value,
      problem: describeProblem(p.code, p.value, p.other),
    }));
    const shown = rows.slice(0, MAX_REPORTED_PROBLEMS);
    const lines = shown.map(
      (p) => `  - ${file} ${label(p.source_row)}, column ${fileColumn(p.col)}: ${describeProblem(p.code, p.value, p.other)}`,
    );
    const first = shown[0];
    throw new CensusProblemsError(
      `Census file ${file} rejected: ${total} problem${total > 1 ? 's' : ''} found` +
        `${total > shown.length ? ` (first ${shown.length} shown)` : ''}:\n${lines.join('\n')}\n` +
        `By kind: ${kinds.map((k) => `${k.n} ${kindLabel(k.code, k.n)} in ${fileColumn(k.col)}`).join('; ')}`,
      first === undefined ? { file } : { file, row: labelRow(first.source_row), column: fileColumn(first.col) },
      how.report === undefined
        ? `${HINT} --report-errors FILE writes every problem (line, column, value, problem) to a CSV file.`
        : `${HINT} Every problem is listed in ${how.report}.`,
      problems,
    );
  }

  // --- duplicates and summary -------------------------------------------------------------------------
  const rate = rateRule(rules, how);
  const stats = await summarise(db, typed, rate, firstYear);
  const duplicatesDropped = stats.duplicates;
  if (duplicatesDropped > 0) {
    warnings.push(
      `${duplicatesDropped} duplicate employee_id row${duplicatesDropped > 1 ? 's' : ''} dropped ` +
        `(kept the latest hire date, then the highest pay), e.g. ${[...new Set(stats.duplicate_ids)].join(', ')}`,
    );
  }
  const values = (n: number): string => `${n} ${fileColumn(RATE)} value${n > 1 ? 's' : ''}`;
  const rowsWord = source.rowWord;
  /** `lines 2, 7, 9` (the first few), then `…` when there are more. */
  const firstRows = (list: string, n: number): string => {
    const shown = list === '' ? [] : list.split(',').map((r) => labelRow(Number(r)));
    return `${rowsWord}${n > 1 ? 's' : ''} ${shown.join(', ')}${n > shown.length ? ', …' : ''}`;
  };
  if (stats.percent > 0) {
    // `fractions`: values of 1 or less without `%`. The percent unit reads them as percents too (they
    // are among `percent`); the above-1 rule reads them as fractions (they are not).
    const small =
      stats.fractions === 0
        ? ''
        : rate.unit === 'percent'
          ? `; ${stats.fractions} of them ${stats.fractions > 1 ? 'are' : 'is'} 1 or less (0.06 is read as 0.06 %): check the column's unit (--rate-unit fraction reads every value as a fraction)`
          : `, while ${stats.fractions} between 0 and 1 ${stats.fractions > 1 ? 'were' : 'was'} read as fractions of pay: check the column's unit (--rate-unit percent or fraction settles it)`;
    warnings.push(
      `${values(stats.percent)} read as percents (divided by 100: 6 is 0.06) by ${rate.why}, ${firstRows(stats.percent_rows, stats.percent)}${small}`,
    );
  }
  if (stats.unusable > 0) {
    warnings.push(
      `${values(stats.unusable)} above ${rate.unit === 'fraction' ? `1 (read as fractions by ${rate.why})` : '100 %'} ` +
        `cannot be a deferral rate, ${firstRows(stats.unusable_rows, stats.unusable)}: ${stats.unusable > 1 ? 'those participants start' : 'that participant starts'} ` +
        `at deferral_rates.pre_enrolled_fallback (${rules.pre_enrolled_fallback})` +
        (rate.unit === 'fraction' ? '; percents are written with % (6%) or read with --rate-unit percent' : ''),
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
  if (stats.terminated > 0) {
    warnings.push(
      `${stats.terminated} row${stats.terminated > 1 ? 's have' : ' has'} a termination date: past employees, skipped ` +
        `(the starting workforce is the ${stats.active.toLocaleString('en-US')} other${stats.active === 1 ? '' : 's'})`,
    );
  }
  // About the starting workforce (the rows that are simulated): values that are likely mistakes.
  const pay = fileColumn('employee_gross_compensation');
  if (stats.pay_outliers > 0) {
    warnings.push(
      `${stats.pay_outliers} ${pay} value${stats.pay_outliers > 1 ? 's look' : ' looks'} implausible for a year's pay ` +
        `(below $${PAY_FLOOR.toLocaleString('en-US')}, above $${PAY_CEILING.toLocaleString('en-US')} or above ${PAY_MEDIAN_MULTIPLE}× the median ` +
        `$${Math.round(stats.median_pay).toLocaleString('en-US')}), ${firstRows(stats.pay_outlier_rows, stats.pay_outliers)}: ` +
        'they are simulated as given (pay drives raises, contributions, match, core and the job level); check the unit (a monthly or hourly figure?)',
    );
  }
  if (firstYear !== undefined && stats.hired_late > 0) {
    warnings.push(
      `${stats.hired_late} employee${stats.hired_late > 1 ? 's' : ''} hired after the census date ${firstYear - 1}-12-31, ` +
        `${firstRows(stats.hired_late_rows, stats.hired_late)}: they start in the workforce of ${firstYear} (not as its new hires), ` +
        'paid from their hire date',
    );
  }
  if (stats.odd_age > 0) {
    warnings.push(
      `${stats.odd_age} employee${stats.odd_age > 1 ? 's are' : ' is'} younger than ${MIN_HIRE_AGE} or older than ${MAX_HIRE_AGE} at hire ` +
        `(${fileColumn('employee_birth_date')} vs ${fileColumn('employee_hire_date')}), ${firstRows(stats.odd_age_rows, stats.odd_age)}: ` +
        'simulated as given (age drives terminations, promotions, enrollment and eligibility); check the dates',
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
            eligibility_override::BOOLEAN AS eligibility_override,
            scheduled_hours_per_week::DECIMAL(5,2) AS scheduled_hours_per_week,
            coalesce(auto_escalation_opt_out, false)::BOOLEAN AS auto_escalation_opt_out,
            coalesce(balance_pre_tax, 0)::DECIMAL(18,2) AS balance_pre_tax,
            coalesce(balance_roth, 0)::DECIMAL(18,2) AS balance_roth,
            coalesce(balance_match, 0)::DECIMAL(18,2) AS balance_match,
            coalesce(balance_core, 0)::DECIMAL(18,2) AS balance_core,
            coalesce(roth_deferral_share, 0)::DECIMAL(7,4) AS roth_deferral_share,
            coalesce(is_officer, false)::BOOLEAN AS is_officer,
            coalesce(ownership_pct, 0)::DECIMAL(7,6) AS ownership_pct,
            source_row::INTEGER AS source_row
       FROM ${typed}
      WHERE ${KEEP_RANK} = 1
      ORDER BY source_row`,
    rateRuleParams(rate, ['unit', 'use_census', 'cap', 'fallback']),
  );

  const censusReading = readingInEffect(source, reading, rate, how, (row, column) => `${label(row)}, column ${fileColumn(column)}`);
  const effective = readingKey(source.format, {
    separator: source.separator,
    sheet: source.sheet,
    decimalComma: reading.decimalComma,
    dateOrder: reading.dates.orderMatters ? reading.dateOrder : undefined,
    rateUnit: rate.unit,
    columns: mapping,
  });
  const plain = readingKey(source.format, {
    separator: source.sniffedSeparator,
    sheet: source.firstSheet,
    decimalComma: false,
    // Read from the same text (compared only when the mapping is the same too).
    dateOrder: reading.dates.orderMatters ? reading.dates.sniffed : undefined,
    rateUnit: rateRule(rules, PLAIN).unit,
    columns: plainMapping(file, found, rules, mapColumnsContext(file, source)),
  });
  return {
    path: file,
    format: source.format,
    hash: effective === plain ? source.hash : createHash('sha256').update(canonicalJson({ census: source.hash, reading: JSON.parse(effective) })).digest('hex'),
    fileHash: source.hash,
    reading: censusReading,
    rows: stats.rows,
    activeRows: stats.active,
    terminatedRows: stats.terminated,
    duplicatesDropped,
    warnings,
    mapping,
    intake: { ...sniffed(source, reading), ...readingOptions(how.intake), columns: Object.fromEntries(mapping.columns.map((m) => [m.column, m.header])) },
    ...(how.sidecar === undefined ? {} : { sidecar: how.sidecar.path }),
  };
}

type CensusStats = {
  /** Rows dropped as duplicates of an employee_id, and the ids of the first three (by row). */
  duplicates: number;
  duplicate_ids: string[];
  rows: number;
  active: number;
  terminated: number;
  inconsistent: number;
  /** Rates read as percents, and the rates of 1 or less beside them. */
  percent: number;
  fractions: number;
  /** Participants whose rate cannot be one (they start at the fallback). */
  unusable: number;
  capped: number;
  /** The starting workforce: pay outliers, hires after the census date, odd ages at hire. */
  median_pay: number;
  pay_outliers: number;
  hired_late: number;
  odd_age: number;
} & Record<`${'percent' | 'unusable' | 'pay_outlier' | 'hired_late' | 'odd_age'}_rows`, string>;

/** Pay below or above these, or above this multiple of the median, is likely not a year's pay. */
const PAY_FLOOR = 1_000;
const PAY_CEILING = 10_000_000;
const PAY_MEDIAN_MULTIPLE = 20;
/** An age at hire outside these is likely a wrong date. */
const MIN_HIRE_AGE = 14;
const MAX_HIRE_AGE = 80;
/** Rows named in a warning. */
const WARNING_ROWS = 5;

async function summarise(
  db: Database,
  typed: string,
  rate: RateRule,
  firstYear: number | undefined,
): Promise<CensusStats> {
  // The first source rows of a set, as text (`2,7,9`).
  const rows = (condition: string): string =>
    `coalesce(array_to_string(list_slice(list(source_row ORDER BY source_row) FILTER (WHERE ${condition}), 1, ${WARNING_ROWS}), ','), '')`;
  const percent = `employee_deferral_rate > 0 AND NOT ${RATE_PERCENT_SIGN} AND ($unit = 'percent' OR ($unit = 'auto' AND employee_deferral_rate > 1))`;
  const payOutlier = `(employee_gross_compensation < ${PAY_FLOOR} OR employee_gross_compensation > ${PAY_CEILING}
                      OR employee_gross_compensation > ${PAY_MEDIAN_MULTIPLE} * median_pay)`;
  // A whole number from the validated config, not text.
  const hiredLate = firstYear === undefined ? 'false' : `employee_hire_date > make_date(${Math.trunc(firstYear) - 1}, 12, 31)`;
  // date_sub counts whole years (date_diff would count the year boundaries crossed).
  const oddAge = `(date_sub('year', employee_birth_date, employee_hire_date) < ${MIN_HIRE_AGE}
                  OR date_sub('year', employee_birth_date, employee_hire_date) > ${MAX_HIRE_AGE})`;
  const row = await db.one<CensusStats>(
    `WITH kept AS (SELECT *, ${normalizedRateSql()} AS normalized_rate FROM ${typed} WHERE ${KEEP_RANK} = 1),
          duplicates AS (
            SELECT count(*)::INTEGER AS duplicates, coalesce(list_slice(list(employee_id ORDER BY source_row), 1, 3), []) AS duplicate_ids
              FROM ${typed} WHERE ${KEEP_RANK} > 1),
          workforce AS (SELECT *, median(employee_gross_compensation) OVER () AS median_pay
                          FROM kept WHERE employee_termination_date IS NULL),
          rates AS (
            SELECT count(*)::INTEGER AS rows,
                   count(*) FILTER (WHERE employee_termination_date IS NULL)::INTEGER AS active,
                   count(*) FILTER (WHERE employee_termination_date IS NOT NULL)::INTEGER AS terminated,
                   count(*) FILTER (WHERE active IS NOT NULL AND active <> (employee_termination_date IS NULL))::INTEGER AS inconsistent,
                   count(*) FILTER (WHERE ${percent})::INTEGER AS percent,
                   ${rows(percent)} AS percent_rows,
                   count(*) FILTER (WHERE employee_deferral_rate > 0 AND employee_deferral_rate <= 1 AND NOT ${RATE_PERCENT_SIGN})::INTEGER AS fractions,
                   count(*) FILTER (WHERE normalized_rate > 1)::INTEGER AS unusable,
                   ${rows('normalized_rate > 1')} AS unusable_rows,
                   count(*) FILTER (WHERE $use_census AND normalized_rate <= 1 AND normalized_rate > $cap)::INTEGER AS capped
              FROM kept),
          checks AS (
            SELECT coalesce(any_value(median_pay), 0)::DOUBLE AS median_pay,
                   count(*) FILTER (WHERE ${payOutlier})::INTEGER AS pay_outliers,
                   ${rows(payOutlier)} AS pay_outlier_rows,
                   count(*) FILTER (WHERE ${hiredLate})::INTEGER AS hired_late,
                   ${rows(hiredLate)} AS hired_late_rows,
                   count(*) FILTER (WHERE ${oddAge})::INTEGER AS odd_age,
                   ${rows(oddAge)} AS odd_age_rows
              FROM workforce)
     SELECT * FROM duplicates, rates, checks`,
    rateRuleParams(rate, ['unit', 'use_census', 'cap']),
  );
  if (row === undefined) throw new Error('census summary returned no row');
  return row;
}

// --- the starting deferral rate (one definition, used by the staging and the warnings) --------------------

/**
 * How the rate column's values become fractions: `percent` (every value is divided by 100), `fraction`
 * (read as is), `auto` (a value above 1 is a percent: deferral_rates.normalize_percentages). The
 * `--rate-unit` option wins over the sidecar's `rate_unit`, which wins over the config.
 */
interface RateRule {
  rules: CensusRateRules;
  unit: 'percent' | 'fraction' | 'auto';
  /** Which setting decided the unit: the flag, the sidecar or the config. */
  source: IntakeSource | 'config';
  /** That setting in words, for the warnings. */
  why: string;
}

/**
 * The one rule for the rate unit, whichever setting gives it: `fraction` from --rate-unit, the sidecar
 * or `normalize_percentages: false` alike reads every value as is, and one above 1 cannot be a rate:
 * that participant starts at pre_enrolled_fallback, with a warning (the config's meaning, kept for all).
 */
function rateRule(rules: CensusRateRules, how: Pick<Intake, 'intake' | 'sources' | 'sidecar'>): RateRule {
  const unit = how.intake.rateUnit;
  if (unit !== undefined) {
    const fromSidecar = how.sources.rateUnit === 'sidecar' && how.sidecar !== undefined;
    return { rules, unit, source: fromSidecar ? 'sidecar' : 'option', why: fromSidecar ? `rate_unit: ${unit} in ${how.sidecar?.path}` : `--rate-unit ${unit}` };
  }
  return rules.normalize_percentages
    ? { rules, unit: 'auto', source: 'config', why: 'deferral_rates.normalize_percentages (a value above 1 is a percent)' }
    : { rules, unit: 'fraction', source: 'config', why: 'deferral_rates.normalize_percentages: false' };
}

/** A load without a sidecar or an option: what the census hash compares the reading in effect with. */
const PLAIN: Pick<Intake, 'intake' | 'sources' | 'sidecar' | 'given'> = { intake: {}, sources: {}, sidecar: undefined, given: {} };

type RateParam = 'use_census' | 'fallback' | 'cap' | 'unit';

/** The named parameters a statement uses (DuckDB refuses a bound name the statement does not use). */
function rateRuleParams(rate: RateRule, names: readonly RateParam[]): Record<string, number | boolean | string> {
  const all: Record<RateParam, number | boolean | string> = {
    use_census: rate.rules.use_census_rates,
    fallback: rate.rules.pre_enrolled_fallback,
    cap: rate.rules.plan_deferral_cap,
    unit: rate.unit,
  };
  return Object.fromEntries(names.map((n) => [n, all[n]]));
}

/** The census value as a fraction of pay, by the unit rule; a value written with `%` is a percent. */
function normalizedRateSql(): string {
  return `(CASE WHEN ${RATE_PERCENT_SIGN} OR $unit = 'percent' OR ($unit = 'auto' AND employee_deferral_rate > 1)
                THEN employee_deferral_rate / 100 ELSE employee_deferral_rate END)`;
}

/** 0 for a non-participant (no value, or 0); the fallback without census rates or for a rate above 1; else capped. */
function startingRateSql(): string {
  return `CASE WHEN coalesce(employee_deferral_rate, 0) = 0 THEN 0
               WHEN NOT $use_census OR ${normalizedRateSql()} > 1 THEN $fallback
               ELSE least($cap, ${normalizedRateSql()}) END`;
}

// --- SQL builders (only constant column names and generated temp names are written into SQL) ------------

/**
 * The census's text table (the values.ts parse adds the typed columns) and its parameters: the file's
 * headers, bound ($1, $2...), never written into SQL.
 */
function buildTypedTableSql(raw: string, typed: string, headerOf: ReadonlyMap<string, string>): { sql: string; params: string[] } {
  const params: string[] = [];
  const rawColumns = CENSUS_COLUMNS.map((c) => {
    const header = headerOf.get(c.name);
    if (header === undefined) return `NULL::VARCHAR AS "r_${c.name}"`;
    params.push(header);
    return `NULLIF(trim(CAST(COLUMNS(c -> c = $${params.length}) AS VARCHAR)), '') AS "r_${c.name}"`;
  });
  const sql = `CREATE TEMP TABLE ${typed} AS SELECT __census_row AS source_row, ${rawColumns.join(',\n ')} FROM ${raw}`;
  return { sql, params };
}

/**
 * The headers named explicitly, by census column: the `columns` intake option, else the sidecar's, and
 * for the rate, else `deferral_rates.census_rate_field` when it names another column than the standard.
 */
function explicitHeaders(file: string, rules: CensusRateRules, how: Intake): Record<string, ExplicitHeader> {
  const explicit: Record<string, ExplicitHeader> = {};
  const rateKey = rules.census_rate_field.toLowerCase();
  if (rateKey !== RATE) {
    if (CENSUS_COLUMNS.some((c) => c.name === rateKey)) {
      throw new CensusError(
        `deferral_rates.census_rate_field names the census column ${rules.census_rate_field}, which already means something else`,
        { file, column: rules.census_rate_field },
        'Name the census column that holds the deferral rates.',
      );
    }
    explicit[RATE] = { header: rules.census_rate_field, source: 'deferral_rates.census_rate_field', by: 'census_rate_field' };
  }
  for (const [column, header] of Object.entries(how.intake.columns ?? {})) {
    const fromOption = how.given.columns?.[column] !== undefined;
    const source = fromOption || how.sidecar === undefined ? 'the columns intake option' : `columns.${column} in ${how.sidecar.path}`;
    explicit[column] = { header, source, by: 'columns' };
  }
  return explicit;
}

/** `present`: the census columns the file has; the values of the others are all NULL and have no problem. */
function buildProblemsSql(typed: string, firstYear: number | undefined, reading: ValueReading, present: ReadonlySet<string>): string {
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
    if (!present.has(c.name)) continue;
    for (const p of valueProblems(c, r, v, reading)) add(c.name, p.code, p.condition, p.other);
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

/** A kind of problem, counted: `612 unparseable dates`. */
function kindLabel(code: string, n: number): string {
  const labels: Record<string, [string, string]> = {
    empty: ['empty value', 'empty values'],
    date: ['unparseable date', 'unparseable dates'],
    date_year: ['date with a two-digit year', 'dates with a two-digit year'],
    decimal_comma: ['amount with a decimal comma', 'amounts with a decimal comma'],
    decimal_point: ['amount with a decimal point', 'amounts with a decimal point'],
    rate_decimal_comma: ['rate with a decimal comma', 'rates with a decimal comma'],
    rate_decimal_point: ['rate with a decimal point', 'rates with a decimal point'],
    number: ['value that is not a number', 'values that are not numbers'],
    range: ['number out of range', 'numbers out of range'],
    negative: ['negative value', 'negative values'],
    bool: ['value that is not a boolean', 'values that are not booleans'],
    hours_week: ['weekly schedule above 168 hours', 'weekly schedules above 168 hours'],
    share: ['share outside 0 to 1', 'shares outside 0 to 1'],
    term_before_hire: ['termination date before the hire date', 'termination dates before the hire date'],
    birth_after_hire: ['birth date after the hire date', 'birth dates after the hire date'],
    hired_after_start: ['hire date after the first simulated year', 'hire dates after the first simulated year'],
  };
  const [one, many] = labels[code] ?? ['invalid value', 'invalid values'];
  return n === 1 ? one : many;
}

function describeProblem(code: string, value: string | null, other: string | null): string {
  switch (code) {
    case 'empty':
      return 'empty value (the column is required)';
    case 'term_before_hire':
      return `termination date ${quote(value)} is before the hire date ${quote(other)}`;
    case 'birth_after_hire':
      return `birth date ${quote(value)} is after the hire date ${quote(other)}`;
    case 'hired_after_start':
      return `hire date ${quote(value)} is after the first simulated year (it ends ${quote(other)}): the census is the workforce of that year, so leave the row out or start the simulation in its hire year`;
    default:
      return describeValueProblem(code, value, other) ?? `invalid value ${quote(value)}`;
  }
}

/** What was sniffed from the file (the separator, the sheet read, the date order), for --save-mapping. */
function sniffed(source: RawCensus, reading: ValueReading): ReadingOptions {
  return {
    ...(source.separator === undefined ? {} : { separator: source.separator }),
    ...(source.sheet === undefined ? {} : { sheet: source.sheet }),
    ...(reading.dateOrder === undefined ? {} : { dateOrder: reading.dateOrder }),
  };
}

function mapColumnsContext(file: string, source: RawCensus): { file: string; where: string; row?: number } {
  return { file, where: source.header, ...(source.headerRow === undefined ? {} : { row: source.headerRow }) };
}

/** The mapping a load without sidecar or option makes of these headers; undefined when it refuses them. */
function plainMapping(
  file: string,
  headers: readonly string[],
  rules: CensusRateRules,
  ctx: { file: string; where: string; row?: number },
): CensusColumnMapping | undefined {
  try {
    return mapColumns(headers, explicitHeaders(file, rules, { ...PLAIN, report: undefined }), ctx);
  } catch (error) {
    if (error instanceof CensusError) return undefined;
    throw error;
  }
}

/**
 * A reading as the census hash sees it (canonical JSON): what changes how the file's bytes become the
 * staged rows, never how it was asked for. The date order counts only when some date reads differently
 * in the two orders.
 */
function readingKey(
  format: CensusFormat,
  r: {
    separator: string | undefined;
    sheet: string | undefined;
    decimalComma: boolean;
    dateOrder: DateOrder | 'none' | 'refused' | undefined;
    rateUnit: RateRule['unit'];
    columns: CensusColumnMapping | undefined;
  },
): string {
  return canonicalJson({
    format,
    separator: r.separator ?? null,
    sheet: r.sheet ?? null,
    decimal_comma: r.decimalComma,
    date_order: r.dateOrder ?? null,
    rate_unit: r.rateUnit,
    columns: r.columns === undefined ? null : Object.fromEntries(r.columns.columns.map((m) => [m.column, m.header])),
  });
}

/** Where a reading choice came from: a flag, the sidecar, the file (sniffed), the default, the config. */
export type ReadingSource = IntakeSource | 'sniffed' | 'default' | 'config';

/** How a census was read: each choice and where it came from. */
export interface CensusReading {
  format: CensusFormat;
  /** CSV only. */
  separator?: { value: string; source: ReadingSource };
  /** XLSX only; `default` is the first visible sheet. */
  sheet?: { value: string; source: ReadingSource };
  decimalComma: { value: boolean; source: ReadingSource };
  /**
   * Undefined `value`: no date needed an order. `settledBy`: for a sniffed order, the first date only
   * that order reads, where it is, and how many such dates the file has.
   */
  dateOrder: {
    value?: DateOrder;
    source: ReadingSource;
    settledBy?: { value: string; day: number; part: 'first' | 'second'; where: string; count: number };
  };
  rateUnit: { value: RateRule['unit']; source: ReadingSource; why: string };
}

function readingInEffect(source: RawCensus, reading: ValueReading, rate: RateRule, how: Intake, place: (row: number, column: string) => string): CensusReading {
  const from = (key: keyof ReadingOptions, otherwise: ReadingSource): ReadingSource => how.sources[key] ?? otherwise;
  const settled = reading.dateOrder === reading.dates.dayFirst?.order ? reading.dates.dayFirst : reading.dates.us;
  const dateSource = from('dateOrder', 'sniffed');
  return {
    format: source.format,
    ...(source.separator === undefined ? {} : { separator: { value: source.separator, source: from('separator', 'sniffed') } }),
    ...(source.sheet === undefined ? {} : { sheet: { value: source.sheet, source: from('sheet', 'default') } }),
    decimalComma: { value: reading.decimalComma, source: from('decimalComma', 'default') },
    dateOrder: {
      ...(reading.dateOrder === undefined ? {} : { value: reading.dateOrder }),
      source: dateSource,
      ...(dateSource !== 'sniffed' || settled === undefined || settled.order !== reading.dateOrder
        ? {}
        : { settledBy: { value: settled.val, day: settled.day, part: settled.part, where: place(settled.row, settled.col), count: settled.count } }),
    },
    rateUnit: { value: rate.unit, source: rate.source, why: rate.why },
  };
}

const FLAGS: Record<keyof Omit<ReadingOptions, 'columns'>, string> = {
  separator: '--separator',
  sheet: '--sheet',
  decimalComma: '--decimal-comma',
  dateOrder: '--date-order',
  rateUnit: '--rate-unit',
};

/**
 * How the census was read, in one line: `separator ';' (sniffed), dates month/day/year (sniffed: 25 in
 * the second part of "2/25/1993", line 7, column DOB, the only date that settles it), decimal point
 * (default), rate unit: above 1 a percent (deferral_rates.normalize_percentages)`.
 */
export function describeIntake(result: Pick<CensusLoadResult, 'reading'>): string {
  const r = result.reading;
  const src = (source: ReadingSource, key: keyof typeof FLAGS): string => (source === 'option' ? FLAGS[key] : source);
  const parts: string[] = [];
  if (r.separator !== undefined) {
    parts.push(`separator ${r.separator.value === '\t' ? 'tab' : `'${r.separator.value}'`} (${src(r.separator.source, 'separator')})`);
  }
  if (r.sheet !== undefined) {
    parts.push(`sheet ${JSON.stringify(r.sheet.value)} (${r.sheet.source === 'default' ? 'the first visible' : src(r.sheet.source, 'sheet')})`);
  }
  const d = r.dateOrder;
  if (d.value === undefined) {
    parts.push('dates need no day/month order (ISO, or day and month equal)');
  } else {
    const by = d.settledBy;
    const why =
      by === undefined
        ? src(d.source, 'dateOrder')
        : `sniffed: ${by.day} in the ${by.part} part of ${JSON.stringify(by.value)}, ${by.where}` +
          (by.count === 1 ? ', the only date that settles it' : `, and ${by.count - 1} other date${by.count > 2 ? 's' : ''}`);
    parts.push(`dates ${d.value === 'us' ? 'month/day/year' : 'day/month/year'} (${why})`);
  }
  const mark = r.decimalComma.value ? 'comma' : 'point';
  parts.push(`decimal ${mark} (${r.decimalComma.source === 'option' && !r.decimalComma.value ? '--no-decimal-comma' : src(r.decimalComma.source, 'decimalComma')})`);
  const unit = { percent: 'percent', fraction: 'fraction', auto: 'a percent above 1, else a fraction' }[r.rateUnit.value];
  parts.push(`rate unit: ${unit} (${r.rateUnit.source === 'config' ? 'deferral_rates.normalize_percentages' : src(r.rateUnit.source, 'rateUnit')})`);
  return parts.join(', ');
}
