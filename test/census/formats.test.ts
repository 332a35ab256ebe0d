/**
 * Census files as they really arrive (CSV dialects, amounts, dates, rates): one test per intake rule,
 * each on a small hand-written file read through the real DuckDB.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeIntake, loadCensus } from '../../src/census/index.js';
import type { CensusIntakeOptions } from '../../src/census/intake.js';
import { sniffSeparator } from '../../src/census/read.js';
import { DEFAULT_CENSUS_RATE_RULES } from '../../src/census/columns.js';
import { Database } from '../../src/db/database.js';
import { CensusError } from '../../src/errors.js';
import { useTempDir } from '../support/tmp.js';
import { censusRefusal, withDb } from './helpers.js';

const tempDir = useTempDir();

const COLUMNS = ['employee_id', 'employee_birth_date', 'employee_hire_date', 'employee_gross_compensation', 'employee_deferral_rate'];

/** The clean form of the census the dialect tests write in other forms. */
const CLEAN = [
  COLUMNS.join(','),
  'E1,1993-02-25,2015-03-01,145555.00,0.06',
  'E2,1980-12-31,2010-11-15,62000.50,0',
  'E3,1975-07-04,2005-01-20,1234.56,0.1',
];

interface Loaded {
  rows: Record<string, unknown>[];
  warnings: string[];
}

/** Writes `text` (exactly, no newline added) and loads it; the stg_census_data rows without source_row. */
async function load(name: string, text: string | Buffer, intake: CensusIntakeOptions = {}): Promise<Loaded> {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, text);
  return withDb(join(dir, 'sim.duckdb'), async (db) => {
    const result = await loadCensus(db, path, DEFAULT_CENSUS_RATE_RULES, undefined, intake);
    const rows = await db.all('SELECT * EXCLUDE (source_row) FROM stg_census_data ORDER BY employee_id');
    return { rows, warnings: result.warnings };
  });
}

/** The load's CensusError; the database is left without tables. */
async function refusal(name: string, text: string, intake: CensusIntakeOptions = {}): Promise<CensusError> {
  const dir = tempDir();
  const path = join(dir, name);
  writeFileSync(path, text);
  return censusRefusal(join(dir, 'sim.duckdb'), path, intake);
}

const lines = (rows: string[], eol = '\n'): string => `${rows.join(eol)}${eol}`;

/** One column of the loaded rows, by employee_id. */
function column(loaded: Loaded, name: string): Record<string, unknown> {
  return Object.fromEntries(loaded.rows.map((r) => [r.employee_id, r[name]]));
}

describe('CSV dialects', () => {
  it('reads a census whose name has glob characters as that file, not the files the pattern matches', async () => {
    const dir = tempDir();
    const census = join(dir, 'census[2024].csv');
    writeFileSync(census, lines(CLEAN));
    // census[2024].csv as a pattern matches census2.csv.
    writeFileSync(join(dir, 'census2.csv'), lines([COLUMNS.join(','), 'OTHER,1980-01-01,2010-01-01,1,0']));
    const star = join(dir, 'census*.csv');
    writeFileSync(star, lines(CLEAN));
    for (const path of [census, star]) {
      const ids = await withDb(join(tempDir(), 'sim.duckdb'), async (db) => {
        await loadCensus(db, path);
        return (await db.all<{ id: string }>('SELECT employee_id AS id FROM stg_census_data ORDER BY 1')).map((r) => r.id);
      });
      expect(ids, path).toEqual(['E1', 'E2', 'E3']);
    }
    const parquet = join(dir, 'census[2024].parquet');
    const toParquet = (rows: string[], out: string): Promise<void> => {
      const csv = join(tempDir(), 'plain.csv');
      writeFileSync(csv, lines(rows));
      return withDb(':memory:', (db) => db.run(`COPY (SELECT * FROM read_csv($1, all_varchar = true)) TO $2 (FORMAT parquet)`, [csv, out]));
    };
    await toParquet([COLUMNS.join(','), 'OTHER,1980-01-01,2010-01-01,1,0'], join(dir, 'census2.parquet'));
    await toParquet(CLEAN, parquet);
    const fromParquet = await withDb(join(tempDir(), 'sim.duckdb'), async (db) => (await loadCensus(db, parquet)).rows);
    expect(fromParquet).toBe(3);
  });

  it('reads the Excel export of the issue ($ amounts, M/D/YYYY dates, `;`) with no option, exactly as the clean CSV', async () => {
    const clean = await load('clean.csv', lines(CLEAN));
    const excel = await load(
      'excel.csv',
      lines([
        COLUMNS.join(';'),
        'E1;2/25/1993;3/1/2015;$145,555.00;0.06',
        'E2;12/31/1980;11/15/2010;$62,000.50;0',
        'E3;7/4/1975;1/20/2005;$1,234.56;0.1',
      ]),
    );
    expect(excel.rows).toEqual(clean.rows);
    expect(column(excel, 'employee_gross_compensation')).toEqual({ E1: '145555.00', E2: '62000.50', E3: '1234.56' });
    expect(column(excel, 'employee_birth_date')).toEqual({ E1: '1993-02-25', E2: '1980-12-31', E3: '1975-07-04' });
  });

  it('sniffs tabs and pipes', async () => {
    const clean = await load('clean.csv', lines(CLEAN));
    expect((await load('tab.txt', lines(CLEAN.map((l) => l.replaceAll(',', '\t'))))).rows).toEqual(clean.rows);
    expect((await load('pipe.csv', lines(CLEAN.map((l) => l.replaceAll(',', '|'))))).rows).toEqual(clean.rows);
  });

  it('reads a UTF-8 BOM and CRLF line ends, and keeps line numbers exact', async () => {
    const clean = await load('clean.csv', lines(CLEAN));
    const bom = await load('bom.csv', `\uFEFF${lines(CLEAN, '\r\n')}`);
    expect(bom.rows).toEqual(clean.rows);
    const bad = [...CLEAN];
    bad[2] = 'E2,1980-12-31,2010-11-15,lots,0';
    const error = await refusal('bad.csv', `\uFEFF${lines(bad, '\r\n')}`);
    expect(error.message).toContain('bad.csv line 3, column employee_gross_compensation: not a number: "lots"');
    expect(error.context.row).toBe(3);
  });

  it('reads quoted fields holding the separator and doubled quotes', async () => {
    const loaded = await load(
      'quoted.csv',
      lines([
        `${COLUMNS.join(',')},employee_ssn`,
        'E1,1993-02-25,2015-03-01,"$145,555.00",0.06,"a ""quoted"", name"',
        'E2,1980-12-31,2010-11-15,"62,000.50",0,plain',
      ]),
    );
    expect(column(loaded, 'employee_gross_compensation')).toEqual({ E1: '145555.00', E2: '62000.50' });
    expect(column(loaded, 'employee_ssn')).toEqual({ E1: 'a "quoted", name', E2: 'plain' });
    const semicolons = await load(
      'quoted-semicolons.csv',
      lines([`${COLUMNS.join(';')};employee_ssn`, 'E1;1993-02-25;2015-03-01;145555;0.06;"Smith; John"', 'E2;1980-12-31;2010-11-15;62000;0;x']),
    );
    expect(column(semicolons, 'employee_ssn')).toEqual({ E1: 'Smith; John', E2: 'x' });
  });

  it('uses the separator given, and names it and the option when the file cannot be read with it', async () => {
    // Commas inside unquoted amounts: the header splits on `;` only.
    const given = await load('given.csv', lines([COLUMNS.join(';'), 'E1;1993-02-25;2015-03-01;145,555.00;0.06']), { separator: ';' });
    expect(column(given, 'employee_gross_compensation')).toEqual({ E1: '145555.00' });
    const error = await refusal('wrong.csv', lines([COLUMNS.join(';'), 'E1;1993-02-25;2015-03-01;145555;0.06;extra']));
    expect(error.message).toContain('cannot be read as CSV separated by ";" (sniffed from the first lines)');
    expect(error.hint).toContain('--separator');
    expect(error.hint).toContain('`separator:` in the sidecar');
  });

  it('sniffs the separator that splits every sampled line alike, whatever splits the header', () => {
    // The header alone splits 3 ways on both; only `;` gives every line the same count.
    expect(sniffSeparator('a;b,x;c\n1;2,5;3\n4;5;6\n', true)).toBe(';');
    expect(sniffSeparator('a,b\n"x;y;z",1\n', true)).toBe(',');
    expect(sniffSeparator('a\tb|c\n1\t2|3\n', true)).toBe('\t');
    expect(sniffSeparator('only\n1\n', true)).toBe(',');
    // A cut sample's last line does not count.
    expect(sniffSeparator('a;b;c\n1;2;3\n4;5', false)).toBe(';');
  });
});

describe('amounts', () => {
  const census = (pay: string[], match: string[] = pay.map(() => '')): string =>
    lines([
      `${COLUMNS.join('\t')}\temployer_match_contribution`,
      ...pay.map((p, i) => `E${i + 1}\t1980-01-01\t2010-01-01\t${p}\t0\t${match[i]}`),
    ]);

  it('reads currency signs and codes, thousands separators, blanks and accounting negatives', async () => {
    const loaded = await load(
      'amounts.tsv',
      census(
        ['$145,555.00', '145555', '145,555', ' $ 1,234.56 ', 'USD 1,234.56', '€1,234.56', '£ 1,234', '1234.5 USD'],
        ['(1,234.00)', '-$12.50', '$-12.50', '', '', '', '', ''],
      ),
    );
    expect(column(loaded, 'employee_gross_compensation')).toEqual({
      E1: '145555.00',
      E2: '145555.00',
      E3: '145555.00',
      E4: '1234.56',
      E5: '1234.56',
      E6: '1234.56',
      E7: '1234.00',
      E8: '1234.50',
    });
    expect(column(loaded, 'employer_match_contribution')).toMatchObject({ E1: '-1234.00', E2: '-12.50', E3: '-12.50', E4: null });
  });

  it('refuses a salary in accounting parentheses as negative, and malformed grouping as not a number', async () => {
    const error = await refusal('neg.tsv', census(['(1,234.00)', '1,23,4', '12,3456']));
    expect(error.message).toContain('line 2, column employee_gross_compensation: negative value "(1,234.00)"');
    expect(error.message).toContain('line 3, column employee_gross_compensation: not a number: "1,23,4"');
    expect(error.message).toContain('line 4, column employee_gross_compensation: not a number: "12,3456"');
  });

  it('reads decimal commas with the decimalComma option (space, no-break space, thin space or dot groups)', async () => {
    const loaded = await load(
      'comma.csv',
      lines([
        `${COLUMNS.join(';')}`,
        'E1;1980-01-01;2010-01-01;1 234,56;0,06',
        'E2;1980-01-01;2010-01-01;1.234,56;6,5',
        'E3;1980-01-01;2010-01-01;1234,56;0',
        'E4;1980-01-01;2010-01-01;1\u00A0234\u00A0567,5 €;0,1',
        'E5;1980-01-01;2010-01-01;12\u2009345;0',
        'E6;1980-01-01;2010-01-01;1.234;0',
      ]),
      { decimalComma: true },
    );
    expect(column(loaded, 'employee_gross_compensation')).toEqual({
      E1: '1234.56',
      E2: '1234.56',
      E3: '1234.56',
      E4: '1234567.50',
      E5: '12345.00',
      E6: '1234.00',
    });
    expect(column(loaded, 'employee_deferral_rate')).toEqual({ E1: '0.06000', E2: '0.06500', E3: '0.00000', E4: '0.10000', E5: '0.00000', E6: '0.00000' });
  });

  it('without decimalComma, refuses 1234,56 naming the option; with it, refuses 1,234.56 the same way', async () => {
    const error = await refusal('comma.csv', lines([COLUMNS.join(';'), 'E1;1980-01-01;2010-01-01;1234,56;0', 'E2;1980-01-01;2010-01-01;5000;0,06']));
    expect(error.message).toContain('line 2, column employee_gross_compensation: "1234,56" is written with a decimal comma: read such a file with --decimal-comma');
    expect(error.message).toContain('`decimal_comma: true` in the sidecar');
    // A rate is named as a rate, with a rate's example.
    expect(error.message).toContain(
      'line 3, column employee_deferral_rate: deferral rate "0,06" is written with a decimal comma: read such a file with --decimal-comma ' +
        '(or `decimal_comma: true` in the sidecar <census file>.planalign.yaml), or write the rate as 0.06 or 6%',
    );
    expect(error.message).toContain('By kind: 1 amount with a decimal comma in employee_gross_compensation; 1 rate with a decimal comma in employee_deferral_rate');
    const rate = await refusal('rate-point.csv', lines([COLUMNS.join(';'), 'E1;1980-01-01;2010-01-01;5000;0.06']), { decimalComma: true });
    expect(rate.message).toContain('deferral rate "0.06" is written with a decimal point, but the file is read with a decimal comma');
    expect(rate.message).toContain('write the rate as 0,06 or 6%');
    const point = await refusal('point.csv', lines([COLUMNS.join(';'), 'E1;1980-01-01;2010-01-01;1,234.56;0']), { decimalComma: true });
    expect(point.message).toContain('"1,234.56" is written with a decimal point, but the file is read with a decimal comma');
  });
});

describe('Parquet', () => {
  it('reads a timestamp with a time zone by its UTC date, whatever the session time zone', async () => {
    const dir = tempDir();
    const parquet = join(dir, 'tz.parquet');
    await withDb(':memory:', (db) =>
      db.run(
        `COPY (SELECT 'E1' AS employee_id, TIMESTAMPTZ '1990-02-25 00:00:00+00' AS employee_birth_date,
                      TIMESTAMPTZ '2015-03-01 00:00:00+00' AS employee_hire_date, 50000 AS employee_gross_compensation) TO $1 (FORMAT parquet)`,
        [parquet],
      ),
    );
    for (const zone of ['America/New_York', 'Asia/Tokyo']) {
      const dates = await withDb(join(tempDir(), 'sim.duckdb'), async (db) => {
        // What a machine in that zone gives the session: text of a TIMESTAMPTZ is written in it.
        await db.run(`SET TimeZone = '${zone}'`);
        await loadCensus(db, parquet);
        return db.one('SELECT employee_birth_date, employee_hire_date FROM stg_census_data');
      });
      expect(dates, zone).toEqual({ employee_birth_date: '1990-02-25', employee_hire_date: '2015-03-01' });
    }
  });

  it('reads typed numbers with the decimal-comma option like the text beside them', async () => {
    const dir = tempDir();
    const parquet = join(dir, 'typed.parquet');
    const db = await Database.open(':memory:');
    try {
      await db.run(
        `COPY (SELECT 'E1' AS employee_id, DATE '1980-01-01' AS employee_birth_date, TIMESTAMP '2010-01-01 00:00:00' AS employee_hire_date,
                      50000.5::DOUBLE AS employee_gross_compensation, 0.06::DOUBLE AS employee_deferral_rate,
                      1.5::DECIMAL(9,2) AS employer_core_contribution, '1 234,56' AS employer_match_contribution) TO $1 (FORMAT parquet)`,
        [parquet],
      );
    } finally {
      db.close();
    }
    const rows = async (intake: CensusIntakeOptions): Promise<Record<string, unknown>> => {
      const loaded = await withDb(join(tempDir(), 'sim.duckdb'), async (target) => {
        await loadCensus(target, parquet, DEFAULT_CENSUS_RATE_RULES, undefined, intake);
        return target.one(
          `SELECT employee_hire_date, employee_gross_compensation, employee_deferral_rate, employer_core_contribution, employer_match_contribution
             FROM stg_census_data`,
        );
      });
      return loaded ?? {};
    };
    expect(await rows({ decimalComma: true })).toEqual({
      employee_hire_date: '2010-01-01',
      employee_gross_compensation: '50000.50',
      employee_deferral_rate: '0.06000',
      employer_core_contribution: '1.50',
      employer_match_contribution: '1234.56',
    });
    const error = await withDb(join(tempDir(), 'sim.duckdb'), (target) =>
      loadCensus(target, parquet).then(
        () => undefined,
        (e: unknown) => e as CensusError,
      ),
    );
    // Without the option the typed values read as before, and the text one names it.
    expect(error?.message).toContain('1 problem found');
    expect(error?.message).toContain('row 1, column employer_match_contribution: "1 234,56" is written with a decimal comma: read such a file with --decimal-comma');
  });
});

describe('dates', () => {
  const census = (births: string[], hires: string[]): string =>
    lines([COLUMNS.join(','), ...births.map((b, i) => `E${i + 1},${b},${hires[i]},50000,0`)]);

  it('reads a day-first file (/, . and -), settled by a day above 12 anywhere in the date columns', async () => {
    const loaded = await load('day-first.csv', census(['25/2/1993', '1.3.1980', '05-04-1975'], ['1/3/2015', '02.01.2010', '3-4-2005 0:00']));
    expect(column(loaded, 'employee_birth_date')).toEqual({ E1: '1993-02-25', E2: '1980-03-01', E3: '1975-04-05' });
    expect(column(loaded, 'employee_hire_date')).toEqual({ E1: '2015-03-01', E2: '2010-01-02', E3: '2005-04-03' });
  });

  it('refuses an ambiguous file, showing a value, its two readings and the option; the option then reads it', async () => {
    const text = census(['3/4/1990', '5/5/1985'], ['2015-01-01', '1/2/2010']);
    const error = await refusal('ambiguous.csv', text);
    expect(error.message).toContain(
      'the dates are ambiguous: "3/4/1990" (line 2, column employee_birth_date) reads as 1990-03-04 (month/day/year, US) or 1990-04-03 (day/month/year)',
    );
    expect(error.hint).toContain('--date-order us');
    expect(error.hint).toContain('`date_order: us`');
    expect(error.context).toMatchObject({ row: 2, column: 'employee_birth_date' });
    const us = await load('ambiguous.csv', text, { dateOrder: 'us' });
    expect(column(us, 'employee_birth_date')).toEqual({ E1: '1990-03-04', E2: '1985-05-05' });
    expect(column(us, 'employee_hire_date')).toEqual({ E1: '2015-01-01', E2: '2010-01-02' });
    const dayFirst = await load('ambiguous.csv', text, { dateOrder: 'day-first' });
    expect(column(dayFirst, 'employee_birth_date')).toEqual({ E1: '1990-04-03', E2: '1985-05-05' });
    expect(column(dayFirst, 'employee_hire_date')).toEqual({ E1: '2015-01-01', E2: '2010-02-01' });
  });

  it('refuses a file whose dates are in both orders, naming one of each', async () => {
    const error = await refusal('mixed.csv', census(['2/25/1993', '1/1/1980'], ['2015-01-01', '25/2/2010']));
    expect(error.message).toContain(
      'mixes date orders: "25/2/2010" (line 3, column employee_hire_date) can only be day/month/year, "2/25/1993" (line 2, column employee_birth_date) only month/day/year',
    );
    expect(error.hint).toContain('--date-order');
  });

  it('refuses two-digit years and impossible dates, showing the expected form', async () => {
    const error = await refusal('bad-dates.csv', census(['2/25/93', '2/30/1990', '12/13/1985'], ['2015-01-01', '2015-01-01', '2015-01-01']));
    expect(error.message).toContain('line 2, column employee_birth_date: date "2/25/93" has a two-digit year: write the year in full');
    expect(error.message).toContain(
      'line 3, column employee_birth_date: unparseable date "2/30/1990" (expected YYYY-MM-DD, or month/day/year as in 2/25/1993)',
    );
  });
});

describe('how the census was read, in one line', () => {
  const write = (name: string, rows: string[]): string => {
    const path = join(tempDir(), name);
    writeFileSync(path, lines(rows));
    return path;
  };
  const read = (path: string, intake: CensusIntakeOptions = {}): Promise<string> =>
    withDb(join(tempDir(), 'sim.duckdb'), async (db) => describeIntake(await loadCensus(db, path, DEFAULT_CENSUS_RATE_RULES, undefined, intake)));

  it('says what was sniffed, and which line settled the date order when one did', async () => {
    const one = write('one.csv', ['Emp ID;DOB;Hire Date;Salary', 'E1;3/4/1980;1/2/2010;50000', 'E2;2/25/1981;3/3/2011;60000']);
    expect(await read(one)).toBe(
      `separator ';' (sniffed), dates month/day/year (sniffed: 25 in the second part of "2/25/1981", line 3, column DOB, the only date that settles it), ` +
        'decimal point (default), rate unit: a percent above 1, else a fraction (deferral_rates.normalize_percentages)',
    );
    const many = write('many.csv', ['Emp ID,DOB,Hire Date,Salary', 'E1,13.4.1980,1.2.2010,50000', 'E2,25.2.1981,30.3.2011,60000']);
    expect(await read(many)).toContain('dates day/month/year (sniffed: 13 in the first part of "13.4.1980", line 2, column DOB, and 2 other dates)');
  });

  it('names the flag or the sidecar that gave an option', async () => {
    const iso = write('iso.csv', ['employee_id|employee_birth_date|employee_hire_date|employee_gross_compensation', 'E1|1980-01-01|2010-01-01|50000']);
    expect(await read(iso, { separator: '|', decimalComma: true, rateUnit: 'percent' })).toBe(
      "separator '|' (--separator), dates need no day/month order (ISO, or day and month equal), decimal comma (--decimal-comma), rate unit: percent (--rate-unit)",
    );
    writeFileSync(`${iso}.planalign.yaml`, 'date_order: day-first\ndecimal_comma: true\n');
    expect(await read(iso, { decimalComma: false })).toBe(
      "separator '|' (sniffed), dates day/month/year (sidecar), decimal point (--no-decimal-comma), rate unit: a percent above 1, else a fraction (deferral_rates.normalize_percentages)",
    );
  });
});

describe('deferral rates', () => {
  const census = (rates: string[]): string => lines([COLUMNS.join(';'), ...rates.map((r, i) => `E${i + 1};1980-01-01;2010-01-01;50000;${r}`)]);

  it('reads a value with % as a percent whatever the rule; others by the rule (above 1: a percent)', async () => {
    const loaded = await load('rates.csv', census(['6%', '0.5 %', '0.06', '6', '150%']));
    expect(column(loaded, 'employee_deferral_rate')).toEqual({ E1: '0.06000', E2: '0.00500', E3: '0.06000', E4: '0.06000', E5: '0.03000' });
    // 6 is read as a percent by the rule, beside 0.06 (not 0.5 %) as a fraction; 150 % cannot be a rate (the fallback).
    expect(loaded.warnings).toContainEqual(
      expect.stringMatching(/^1 employee_deferral_rate value read as percents .*, line 5, while 1 between 0 and 1 was read as fractions/),
    );
    expect(loaded.warnings).toContainEqual(expect.stringMatching(/^1 employee_deferral_rate value above 100 % cannot be a deferral rate, line 6/));
  });

  it('rate unit percent: every value is divided by 100 (0.5 is 0.5 %)', async () => {
    const loaded = await load('percent.csv', census(['0.5', '6', '6%']), { rateUnit: 'percent' });
    expect(column(loaded, 'employee_deferral_rate')).toEqual({ E1: '0.00500', E2: '0.06000', E3: '0.06000' });
  });

  it('rate unit percent: the values of 1 or less are counted among the percents, not beside them', async () => {
    const loaded = await load('percent-small.csv', census(['6', '0.06', '0.5', '7']), { rateUnit: 'percent' });
    expect(loaded.warnings).toContainEqual(
      '4 employee_deferral_rate values read as percents (divided by 100: 6 is 0.06) by --rate-unit percent, lines 2, 3, 4, 5; ' +
        "2 of them are 1 or less (0.06 is read as 0.06 %): check the column's unit (--rate-unit fraction reads every value as a fraction)",
    );
  });

  it('rate unit fraction: a value above 1 starts at the fallback with a warning, as normalize_percentages: false does; 6% still reads', async () => {
    const ok = await load('fraction.csv', census(['0.06', '6%', '6']), { rateUnit: 'fraction' });
    expect(column(ok, 'employee_deferral_rate')).toEqual({ E1: '0.06000', E2: '0.06000', E3: '0.03000' });
    expect(ok.warnings).toContainEqual(
      '1 employee_deferral_rate value above 1 (read as fractions by --rate-unit fraction) cannot be a deferral rate, line 4: ' +
        'that participant starts at deferral_rates.pre_enrolled_fallback (0.03); percents are written with % (6%) or read with --rate-unit percent',
    );
    // The config's fraction gives the same rates.
    const dir = tempDir();
    const path = join(dir, 'fraction.csv');
    writeFileSync(path, census(['0.06', '6%', '6']));
    const config = await withDb(join(dir, 'sim.duckdb'), async (db) => {
      await loadCensus(db, path, { ...DEFAULT_CENSUS_RATE_RULES, normalize_percentages: false });
      return db.all<{ r: string }>('SELECT employee_deferral_rate::VARCHAR AS r FROM stg_census_data ORDER BY employee_id');
    });
    expect(config.map((r) => r.r)).toEqual(['0.06000', '0.06000', '0.03000']);
  });
});
