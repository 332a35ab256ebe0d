/**
 * How the census's text values become dates, amounts, rates and booleans: the SQL that parses them,
 * the problems a value can have, and how each problem reads. Everything here works on the census's
 * text temp table, whose column `"r_<name>"` holds the trimmed text of census column `<name>`
 * (NULL when empty), and writes the parsed value as `"<name>"`.
 *
 * Only this module's constant patterns and the census's constant column names are written into SQL.
 */
import type { Database } from '../db/database.js';
import { CensusError } from '../errors.js';
import { CENSUS_COLUMNS, type CensusColumn } from './columns.js';
import type { CensusIntakeOptions } from './intake.js';

export type DateOrder = 'us' | 'day-first';

/** How the values of one file are read: the intake options, with the date order settled. */
export interface ValueReading {
  decimalComma: boolean;
  /** Undefined when no date of the file needs one (ISO dates, or day and month equal). */
  dateOrder?: DateOrder;
  /** What the file's dates say about the order, whether or not it was given. */
  dates: DateEvidence;
}

/** A date of the file that only one order reads (`25/2/1990`), with how many such dates there are. */
export interface SettlingDate {
  order: DateOrder;
  /** The data row (`__census_row`), the census column, the value. */
  row: number;
  col: string;
  val: string;
  /** The number above 12 (the day), and which part of the date it is. */
  day: number;
  part: 'first' | 'second';
  count: number;
}

/** What the dates of a file say about the order of day and month. */
export interface DateEvidence {
  /** Some date has day and month in both orders different (`3/4/1990`, `25/2/1990`): the order matters. */
  orderMatters: boolean;
  /** The dates only day/month/year reads, and those only month/day/year reads (the first of each). */
  dayFirst?: SettlingDate;
  us?: SettlingDate;
  /** What sniffing gives without a given order: the order, none needed, or refused (mixed or ambiguous). */
  sniffed: DateOrder | 'none' | 'refused';
}

/** The parsed column that is true for a deferral rate written with `%` (a percent, whatever the unit rule). */
export const RATE_PERCENT_SIGN = 'employee_deferral_rate_percent_sign';

// --- patterns (RE2, as DuckDB's regexp functions read them) ---------------------------------------------

/** Blanks: whitespace, no-break space, thin space, narrow no-break space. */
const BLANK = String.raw`[\s\x{00A0}\x{2009}\x{202F}]`;
/** `YYYY-MM-DD`, optionally followed by a time (`HH:MM[:SS[.fff]]`) and a zone suffix. */
const ISO_DATE = String.raw`\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?`;
/** Day and month in either order with `/`, `.` or `-`, a 2- or 4-digit year, optionally a time (`0:00`, `12:30 PM`). */
const NUMERIC_DATE = String.raw`(\d{1,2}/\d{1,2}/|\d{1,2}\.\d{1,2}\.|\d{1,2}-\d{1,2}-)(\d{4}|\d{2})( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?`;
const NUMERIC_DATE_PARTS = String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d+).*$`;
const TWO_DIGIT_YEAR = String.raw`^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}( .*)?$`;

const CURRENCY = String.raw`(\$|€|£|USD|EUR|GBP)`;
const EXPONENT = String.raw`([eE][+-]?\d+)?`;
/** `1,234.56`, `1234.56`, `.5`, `1e-05` (Parquet's doubles). */
const POINT_NUMBER = String.raw`(\d{1,3}(,\d{3})+(\.\d*)?|(\d+(\.\d*)?|\.\d+)${EXPONENT})`;
/** `1.234,56`, `1 234,56` (any blank), `1234,56`, `,5`. */
const COMMA_NUMBER = String.raw`(\d{1,3}(\.\d{3})+(,\d*)?|\d{1,3}(${BLANK}\d{3})+(,\d*)?|(\d+(,\d*)?|,\d+)${EXPONENT})`;
/** Without grouping, for rates. */
const POINT_PLAIN = String.raw`((\d+(\.\d*)?|\.\d+)${EXPONENT})`;
const COMMA_PLAIN = String.raw`((\d+(,\d*)?|,\d+)${EXPONENT})`;

/** A sign or a currency before the number, a currency after it, or accounting parentheses. */
function amountPattern(number: string): string {
  const unsigned = String.raw`(${CURRENCY}${BLANK}*)?${number}(${BLANK}*${CURRENCY})?`;
  return String.raw`(?i)([+-]?${BLANK}*${unsigned}|${CURRENCY}${BLANK}*[+-]${BLANK}*${number}(${BLANK}*${CURRENCY})?|\(${BLANK}*${unsigned}${BLANK}*\))`;
}
function ratePattern(number: string): string {
  return String.raw`[+-]?${BLANK}*${number}(${BLANK}*%)?`;
}
const POINT_AMOUNT = amountPattern(POINT_NUMBER);
const COMMA_AMOUNT = amountPattern(COMMA_NUMBER);
/** Unmistakably a decimal comma (2 decimals after the comma), when the option is off: `1234,56`, `1.234,56`. */
const COMMA_CENTS = amountPattern(String.raw`(\d{1,3}(\.\d{3})+,\d{2}|\d{1,3}(${BLANK}\d{3})+,\d{2}|\d+,\d{2})`);
const POINT_RATE = ratePattern(POINT_PLAIN);
const COMMA_RATE = ratePattern(COMMA_PLAIN);
/** Hours a week: a plain number, signed so that a negative one is named as such. */
const POINT_HOURS = String.raw`[+-]?${BLANK}*${POINT_PLAIN}`;
const COMMA_HOURS = String.raw`[+-]?${BLANK}*${COMMA_PLAIN}`;
/** The hours in a week: a schedule above it is a mistake (a month's or a year's hours?). */
export const MAX_WEEKLY_HOURS = 168;
/** A minus before the first digit, or an opening parenthesis: a negative amount. */
const NEGATIVE = String.raw`^[^0-9]*[-(]`;

function sqlString(constant: string): string {
  // Used for this module's own constants only, never for data.
  return `'${constant.replaceAll("'", "''")}'`;
}

/** The value without surrounding blanks of any kind (trim() removes spaces only). */
function stripped(r: string): string {
  return `regexp_replace(${r}, ${sqlString(`^${BLANK}+|${BLANK}+$`)}, '', 'g')`;
}

/** The number in `s` as `1234.56` text: the first number matched, grouping removed, the decimal mark a point. */
function digits(s: string, number: string, decimalComma: boolean): string {
  const found = `regexp_extract(${s}, ${sqlString(number)})`;
  return decimalComma
    ? `replace(regexp_replace(${found}, ${sqlString(`[.]|${BLANK}`)}, '', 'g'), ',', '.')`
    : `replace(${found}, ',', '')`;
}

/**
 * The first branch of a number's CASE: digits with at most one decimal mark (`57630.0`, `0.06`), what
 * Parquet numbers and most CSVs hold, read directly. The general patterns after it read such a value the
 * same, at a quarter of the speed (the amount patterns are long, and stripped and searched four times).
 */
function plainNumber(r: string, decimalComma: boolean, type: string): string {
  const [pattern, value] = decimalComma ? [String.raw`\d+(,\d+)?`, `replace(${r}, ',', '.')`] : [String.raw`\d+(\.\d+)?`, r];
  return `WHEN regexp_full_match(${r}, ${sqlString(pattern)}) THEN TRY_CAST(${value} AS ${type})`;
}

function signed(s: string, value: string): string {
  return `CASE WHEN regexp_matches(${s}, ${sqlString(NEGATIVE)}) THEN -${value} ELSE ${value} END`;
}

// --- parsing ----------------------------------------------------------------------------------------------

/** The type a column of each kind is parsed into. */
const PARSED_TYPE: Record<CensusColumn['kind'], string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  date: 'DATE',
  money: 'DECIMAL(18,2)',
  balance: 'DECIMAL(18,2)',
  rate: 'DOUBLE',
  share: 'DOUBLE',
  bool: 'BOOLEAN',
  hours: 'DOUBLE',
};

/** The SQL that parses one column's text `r` (NULL when the text is not a value of the kind). */
function parseSql(column: CensusColumn, r: string, reading: ValueReading): string {
  const s = stripped(r);
  switch (column.kind) {
    case 'id':
    case 'text':
      return r;
    case 'date': {
      // Day and month swap places by the order; without one (no value needs it) any reading gives the same.
      const ymd = reading.dateOrder === 'day-first' ? String.raw`\3-\2-\1` : String.raw`\3-\1-\2`;
      return `CASE WHEN regexp_full_match(${r}, ${sqlString(ISO_DATE)})
                    AND (length(${r}) = 10 OR TRY_CAST(regexp_extract(${r}, '^.{10}[ T]([0-9:.]+)', 1) AS TIME) IS NOT NULL)
                 THEN TRY_CAST(left(${r}, 10) AS DATE)
               WHEN regexp_full_match(${r}, ${sqlString(NUMERIC_DATE)}) AND NOT regexp_matches(${r}, ${sqlString(TWO_DIGIT_YEAR)})
                 THEN TRY_CAST(regexp_replace(${r}, ${sqlString(NUMERIC_DATE_PARTS)}, ${sqlString(ymd)}) AS DATE) END`;
    }
    case 'money':
    case 'balance': {
      const [pattern, number] = reading.decimalComma ? [COMMA_AMOUNT, COMMA_NUMBER] : [POINT_AMOUNT, POINT_NUMBER];
      return `CASE ${plainNumber(r, reading.decimalComma, 'DECIMAL(18,2)')}
                   WHEN regexp_full_match(${s}, ${sqlString(pattern)})
                   THEN ${signed(s, `TRY_CAST(${digits(s, number, reading.decimalComma)} AS DECIMAL(18,2))`)} END`;
    }
    case 'rate':
    case 'share': {
      const [pattern, number] = reading.decimalComma ? [COMMA_RATE, COMMA_PLAIN] : [POINT_RATE, POINT_PLAIN];
      return `CASE ${plainNumber(r, reading.decimalComma, 'DOUBLE')}
                   WHEN regexp_full_match(${s}, ${sqlString(pattern)})
                   THEN ${signed(s, `TRY_CAST(${digits(s, number, reading.decimalComma)} AS DOUBLE)`)} END`;
    }
    case 'hours': {
      const [pattern, number] = reading.decimalComma ? [COMMA_HOURS, COMMA_PLAIN] : [POINT_HOURS, POINT_PLAIN];
      return `CASE ${plainNumber(r, reading.decimalComma, 'DOUBLE')}
                   WHEN regexp_full_match(${s}, ${sqlString(pattern)})
                   THEN ${signed(s, `TRY_CAST(${digits(s, number, reading.decimalComma)} AS DOUBLE)`)} END`;
    }
    case 'bool':
      return `CASE WHEN lower(${r}) IN ('true', 't', '1', 'yes', 'y') THEN true
                   WHEN lower(${r}) IN ('false', 'f', '0', 'no', 'n') THEN false END`;
  }
}

/**
 * The parsed census columns, for `SELECT *, <these> FROM <text table>`, and RATE_PERCENT_SIGN. A rate is
 * parsed as written (`6%` is 6); the unit rule turns it into a fraction of pay. A column the file does
 * not have is NULL, typed: parsing it would only compile its patterns to read NULLs.
 */
export function parsedColumnsSql(reading: ValueReading, present: ReadonlySet<string>): string {
  return [
    ...CENSUS_COLUMNS.map(
      (c) => `${present.has(c.name) ? parseSql(c, `"r_${c.name}"`, reading) : `NULL::${PARSED_TYPE[c.kind]}`} AS "${c.name}"`,
    ),
    `coalesce(contains("r_employee_deferral_rate", '%'), false) AS ${RATE_PERCENT_SIGN}`,
  ].join(',\n ');
}

// --- problems ---------------------------------------------------------------------------------------------

/** A value problem: `code` and `other` are SQL expressions, `condition` selects the rows that have it. */
export interface ValueProblem {
  code: string;
  condition: string;
  other?: string;
}

/**
 * The problems of one column's values (`r` its text, `v` its parsed value); a required column's empty
 * value is the caller's.
 */
export function valueProblems(column: CensusColumn, r: string, v: string, reading: ValueReading): ValueProblem[] {
  const unparsed = `${r} IS NOT NULL AND ${v} IS NULL`;
  const s = stripped(r);
  const [own, other, otherCode] = reading.decimalComma
    ? [COMMA_AMOUNT, POINT_AMOUNT, 'decimal_point']
    : [POINT_AMOUNT, COMMA_CENTS, 'decimal_comma'];
  // A number the other decimal mark would read names the option instead of saying "not a number".
  const numberCode = (ownPattern: string, otherPattern: string, ifOwn: string, ifOther: string): string =>
    `CASE WHEN regexp_full_match(${s}, ${sqlString(ownPattern)}) THEN '${ifOwn}'
          WHEN regexp_full_match(${s}, ${sqlString(otherPattern)}) THEN '${ifOther}' ELSE 'number' END`;
  switch (column.kind) {
    case 'date':
      return [
        {
          code: `CASE WHEN regexp_matches(${r}, ${sqlString(TWO_DIGIT_YEAR)}) THEN 'date_year' ELSE 'date' END`,
          condition: unparsed,
          other: sqlString(expectedDates(reading.dateOrder)),
        },
      ];
    case 'money':
      return [
        { code: numberCode(own, other, 'range', otherCode), condition: unparsed },
        // Salary must not be negative; carried contribution amounts may be (corrections).
        ...(column.required ? [{ code: `'negative'`, condition: `${v} < 0` }] : []),
      ];
    case 'balance':
      return [
        { code: numberCode(own, other, 'range', otherCode), condition: unparsed },
        { code: `'negative'`, condition: `${v} < 0` },
      ];
    case 'share': {
      const [ownRate, otherRate] = reading.decimalComma ? [COMMA_RATE, POINT_RATE] : [POINT_RATE, COMMA_RATE];
      return [
        { code: numberCode(ownRate, otherRate, 'number', otherCode), condition: unparsed },
        { code: `'share'`, condition: `${v} < 0 OR ${v} > 1` },
      ];
    }
    case 'rate': {
      const [ownRate, otherRate] = reading.decimalComma ? [COMMA_RATE, POINT_RATE] : [POINT_RATE, COMMA_RATE];
      // A rate above 1 (or 100 %) is no problem here: the unit rule (ingest.ts) starts it at the fallback, with a warning.
      return [
        { code: numberCode(ownRate, otherRate, 'number', `rate_${otherCode}`), condition: unparsed },
        { code: `'negative'`, condition: `${v} < 0` },
      ];
    }
    case 'hours': {
      const [ownHours, otherHours] = reading.decimalComma ? [COMMA_HOURS, POINT_HOURS] : [POINT_HOURS, COMMA_HOURS];
      return [
        { code: numberCode(ownHours, otherHours, 'number', otherCode), condition: unparsed },
        { code: `'negative'`, condition: `${v} < 0` },
        { code: `'hours_week'`, condition: `${v} > ${MAX_WEEKLY_HOURS}` },
      ];
    }
    case 'bool':
      return [{ code: `'bool'`, condition: unparsed }];
    case 'id':
    case 'text':
      return [];
  }
}

function expectedDates(order: DateOrder | undefined): string {
  switch (order) {
    case 'us':
      return 'YYYY-MM-DD, or month/day/year as in 2/25/1993';
    case 'day-first':
      return 'YYYY-MM-DD, or day/month/year as in 25/2/1993';
    case undefined:
      return 'YYYY-MM-DD, or month/day/year or day/month/year with a 4-digit year';
  }
}

export function quoteValue(value: string | null): string {
  if (value === null) return '(empty)';
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/** How a value problem reads; undefined for a code that is not one. */
export function describeValueProblem(code: string, value: string | null, other: string | null): string | undefined {
  switch (code) {
    case 'date':
      return `unparseable date ${quoteValue(value)} (expected ${other ?? expectedDates(undefined)})`;
    case 'date_year':
      return `date ${quoteValue(value)} has a two-digit year: write the year in full (1993, not 93)`;
    case 'number':
      return `not a number: ${quoteValue(value)}`;
    case 'range':
      return `number out of range: ${quoteValue(value)}`;
    case 'decimal_comma':
      return `${quoteValue(value)} is written with a decimal comma: read such a file with --decimal-comma (or \`decimal_comma: true\` in the sidecar <census file>.planalign.yaml), or write 1234.56`;
    case 'decimal_point':
      return `${quoteValue(value)} is written with a decimal point, but the file is read with a decimal comma (--decimal-comma, or \`decimal_comma: true\` in the sidecar): write 1234,56`;
    case 'negative':
      return `negative value ${quoteValue(value)}`;
    case 'rate_decimal_comma':
      return `deferral rate ${quoteValue(value)} is written with a decimal comma: read such a file with --decimal-comma (or \`decimal_comma: true\` in the sidecar <census file>.planalign.yaml), or write the rate as 0.06 or 6%`;
    case 'rate_decimal_point':
      return `deferral rate ${quoteValue(value)} is written with a decimal point, but the file is read with a decimal comma (--decimal-comma, or \`decimal_comma: true\` in the sidecar): write the rate as 0,06 or 6%`;
    case 'bool':
      return `not a boolean: ${quoteValue(value)} (expected true or false)`;
    case 'share':
      return `${quoteValue(value)} is not a share between 0 and 1 (write 0.25 for a quarter; 25% is read as 25)`;
    case 'hours_week':
      return `${quoteValue(value)} hours a week is more than the ${MAX_WEEKLY_HOURS} hours in a week (expected the hours scheduled in a week, e.g. 40 or 20)`;
    default:
      return undefined;
  }
}

// --- the date order ---------------------------------------------------------------------------------------

/** How a refusal names a value's place: `line 5, column DOB` and the number for the error's context. */
export interface ValuePlace {
  file: string;
  label(row: number): string;
  labelRow(row: number): number;
  fileColumn(column: string): string;
}

interface DateExample {
  row: number;
  col: string;
  val: string;
  a: number;
  b: number;
  y: string;
}

const DATE_ORDER_HINT =
  'Name the order of day and month: --date-order us (month/day/year) or --date-order day-first (day/month/year), ' +
  'or `date_order: us` / `date_order: day-first` in the sidecar <census file>.planalign.yaml.';

/**
 * Settles how the file's values are read. The dates of every date column are read in one pass: a first
 * number above 12 can only be a day (day/month/year), a second one only a day in US order. The date
 * order is `intake.dateOrder`, else what they say: a file with both is refused, and so is one where a
 * date reads two ways (3/4/1990) and no date settles which.
 */
export async function valueReading(db: Database, text: string, intake: CensusIntakeOptions, place: ValuePlace): Promise<ValueReading> {
  const dates = CENSUS_COLUMNS.filter((c) => c.kind === 'date');
  const values = dates.map((c, i) => `{'ord': ${i}, 'col': '${c.name}', 'val': "r_${c.name}"}`).join(', ');
  const example = `min_by({'row': source_row::INTEGER, 'col': col, 'val': val, 'a': a, 'b': b, 'y': y}, source_row * ${dates.length} + ord)`;
  const dayFirst = 'a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12';
  const us = 'b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12';
  const found = await db.one<{
    day_first: DateExample | null;
    day_first_n: number;
    us: DateExample | null;
    us_n: number;
    ambiguous: DateExample | null;
    order_matters: boolean;
  }>(
    `WITH v AS (SELECT source_row, d.ord AS ord, d.col AS col, d.val AS val
                  FROM (SELECT source_row, unnest([${values}]) AS d FROM ${text})
                 WHERE regexp_full_match(d.val, ${sqlString(NUMERIC_DATE)})),
          n AS (SELECT *, regexp_extract(val, ${sqlString(NUMERIC_DATE_PARTS)}, 1)::INTEGER AS a,
                          regexp_extract(val, ${sqlString(NUMERIC_DATE_PARTS)}, 2)::INTEGER AS b,
                          regexp_extract(val, ${sqlString(NUMERIC_DATE_PARTS)}, 3) AS y FROM v)
     SELECT ${example} FILTER (WHERE ${dayFirst}) AS day_first,
            count(*) FILTER (WHERE ${dayFirst})::INTEGER AS day_first_n,
            ${example} FILTER (WHERE ${us}) AS us,
            count(*) FILTER (WHERE ${us})::INTEGER AS us_n,
            ${example} FILTER (WHERE a <> b AND a BETWEEN 1 AND 12 AND b BETWEEN 1 AND 12) AS ambiguous,
            coalesce(bool_or(a <> b), false) AS order_matters
       FROM n`,
  );
  const settling = (e: DateExample | null | undefined, order: DateOrder, count: number): SettlingDate | undefined =>
    e === null || e === undefined
      ? undefined
      : { order, row: e.row, col: e.col, val: e.val, day: order === 'day-first' ? e.a : e.b, part: order === 'day-first' ? 'first' : 'second', count };
  const evidence: DateEvidence = {
    orderMatters: found?.order_matters === true,
    dayFirst: settling(found?.day_first, 'day-first', found?.day_first_n ?? 0),
    us: settling(found?.us, 'us', found?.us_n ?? 0),
    sniffed: 'none',
  };
  const ambiguous = found?.ambiguous ?? null;
  evidence.sniffed =
    evidence.dayFirst !== undefined && evidence.us !== undefined
      ? 'refused'
      : (evidence.dayFirst ?? evidence.us)?.order ?? (ambiguous === null ? 'none' : 'refused');
  const base = { decimalComma: intake.decimalComma === true, dates: evidence };
  if (intake.dateOrder !== undefined) return { ...base, dateOrder: intake.dateOrder };

  const where = (e: { row: number; col: string; val: string }): string =>
    `${quoteValue(e.val)} (${place.label(e.row)}, column ${place.fileColumn(e.col)})`;
  const context = (e: { row: number; col: string }): { file: string; row: number; column: string } => ({
    file: place.file,
    row: place.labelRow(e.row),
    column: place.fileColumn(e.col),
  });
  if (evidence.dayFirst !== undefined && evidence.us !== undefined) {
    throw new CensusError(
      `Census file ${place.file} mixes date orders: ${where(evidence.dayFirst)} can only be day/month/year, ` +
        `${where(evidence.us)} only month/day/year`,
      context(evidence.dayFirst),
      `Write every date in one order, or as YYYY-MM-DD. ${DATE_ORDER_HINT}`,
    );
  }
  const settled = evidence.dayFirst ?? evidence.us;
  if (settled !== undefined) return { ...base, dateOrder: settled.order };
  if (ambiguous !== null) {
    const reading = (month: number, day: number): string => `${ambiguous.y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    throw new CensusError(
      `Census file ${place.file}: the dates are ambiguous: ${where(ambiguous)} reads as ${reading(ambiguous.a, ambiguous.b)} ` +
        `(month/day/year, US) or ${reading(ambiguous.b, ambiguous.a)} (day/month/year), and no date of the file has a day above 12 to settle it`,
      context(ambiguous),
      DATE_ORDER_HINT,
    );
  }
  return base;
}
