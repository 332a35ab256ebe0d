/**
 * Every problem reported: `--report-errors FILE` writes all of them as CSV (line, column, value,
 * problem), the console lists the first MAX_REPORTED_PROBLEMS with a count per kind.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCensus, MAX_REPORTED_PROBLEMS, sidecarPath } from '../../src/census/index.js';
import { CensusError, UsageError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';
import { withDb, writeText } from './helpers.js';

const tempDir = useTempDir();

/** Splits RFC 4180 CSV text into records of fields. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r') continue;
    else if (ch === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
    } else field += ch;
  }
  return records;
}

/** 700 rows: 612 unparseable birth dates, 300 salaries that are not numbers, 12 empty ids = 924 problems. */
function badCensus(dir: string): string {
  const rows = Array.from({ length: 700 }, (_, i) => {
    const id = i >= 688 ? '' : `E${i}`;
    const dob = i < 612 ? 'someday' : '1980-01-01';
    const pay = i === 0 ? '"a,""b"' : i < 300 ? `pay${i}` : '50000';
    return `${id},${dob},2010-01-01,${pay}`;
  });
  return writeText(dir, 'bad.csv', ['Emp ID,DOB,Hire Date,Salary', ...rows]);
}

describe('--report-errors', () => {
  it('census check: the file holds all 924 problems, the console the first 20 and a count per kind', () => {
    const dir = tempDir();
    const csv = badCensus(dir);
    const report = join(dir, 'problems.csv');
    const result = runCli(['census', 'check', csv, '--report-errors', report]);
    expect(result.status).toBe(2);
    const records = readCsv(readFileSync(report, 'utf8'));
    expect(records[0]).toEqual(['line', 'column', 'value', 'problem']);
    expect(records).toHaveLength(1 + 924);
    // In file order; the value with a comma and a quote survives the quoting.
    expect(records[1]).toEqual(['2', 'DOB', 'someday', expect.stringContaining('unparseable date "someday"')]);
    expect(records[2]).toEqual(['2', 'Salary', 'a,"b', 'not a number: "a,\\"b"']);
    expect(records.filter((r) => r[1] === 'Emp ID').map((r) => r[0])).toEqual(Array.from({ length: 12 }, (_, i) => String(690 + i)));

    expect(result.stderr).toContain(`Census file ${csv} rejected: 924 problems found (first ${MAX_REPORTED_PROBLEMS} shown):`);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(20);
    expect(result.stderr).toContain('By kind: 612 unparseable dates in DOB; 300 values that are not numbers in Salary; 12 empty values in Emp ID');
    expect(result.stderr).toContain(`Every problem is listed in ${report}`);
  });

  it('without the option the console names it; a refused census keeps the first problem as its row and column', async () => {
    const dir = tempDir();
    const csv = badCensus(dir);
    const error = await withDb(join(dir, 'a.duckdb'), (db) => loadCensus(db, csv)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CensusError);
    expect((error as CensusError).context).toMatchObject({ file: csv, row: 2, column: 'DOB' });
    expect((error as CensusError).hint).toContain('--report-errors FILE writes every problem');
  });

  it('an accepted census leaves a report with no problem; a census refused before its values, one row', async () => {
    const dir = tempDir();
    const good = writeText(dir, 'good.csv', ['Emp ID,DOB,Hire Date,Salary', 'E1,1980-01-01,2010-01-01,50000']);
    const report = join(dir, 'r.csv');
    expect(runCli(['census', 'check', good, '--report-errors', report]).status).toBe(0);
    expect(readFileSync(report, 'utf8')).toBe('line,column,value,problem\r\n');

    const noId = writeText(dir, 'noid.csv', ['DOB,Hire Date,Salary', '1980-01-01,2010-01-01,50000']);
    await withDb(join(dir, 'b.duckdb'), (db) => loadCensus(db, noId, undefined, undefined, { reportErrors: report })).catch(() => undefined);
    const records = readCsv(readFileSync(report, 'utf8'));
    expect(records).toHaveLength(2);
    expect(records[1]?.slice(0, 3)).toEqual(['1', 'employee_id', '']);
    expect(records[1]?.[3]).toContain('missing required column employee_id');
  });

  it('refuses to write over the census, its sidecar or a file that is not a report, naming both paths', async () => {
    const dir = tempDir();
    const csv = badCensus(dir);
    const census = readFileSync(csv, 'utf8');
    const sidecar = sidecarPath(csv);
    writeFileSync(sidecar, 'separator: ","\n');
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes\n');
    const link = join(dir, 'link.csv');
    symlinkSync(csv, link);
    const refused = async (report: string): Promise<UsageError> => {
      const error = await withDb(join(tempDir(), 'a.duckdb'), (db) => loadCensus(db, csv, undefined, undefined, { reportErrors: report })).catch((e: unknown) => e);
      expect(error, report).toBeInstanceOf(UsageError);
      return error as UsageError;
    };
    expect((await refused(csv)).message).toBe(`--report-errors ${csv} is the census file ${csv}: the report would overwrite it`);
    expect((await refused(link)).message).toBe(`--report-errors ${link} is the census file ${csv}: the report would overwrite it`);
    expect((await refused(join(dir, '.', 'bad.csv.planalign.yaml'))).message).toContain(`is the census sidecar ${sidecar}`);
    expect((await refused(notes)).message).toBe(
      `--report-errors ${notes}: the file exists and is not a census problem report (its first line is not "line,column,value,problem"); it is left as it is`,
    );
    expect(readFileSync(csv, 'utf8')).toBe(census);
    expect(readFileSync(sidecar, 'utf8')).toBe('separator: ","\n');
    expect(readFileSync(notes, 'utf8')).toBe('my notes\n');
    // The CLI refuses it as a usage error.
    const cli = runCli(['census', 'check', csv, '--report-errors', csv]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`--report-errors ${csv} is the census file ${csv}`);
    expect(readFileSync(csv, 'utf8')).toBe(census);
    // An earlier report is replaced.
    const report = join(dir, 'problems.csv');
    writeFileSync(report, 'line,column,value,problem\r\n2,DOB,x,old\r\n');
    await withDb(join(tempDir(), 'a.duckdb'), (db) => loadCensus(db, csv, undefined, undefined, { reportErrors: report })).catch(() => undefined);
    expect(readCsv(readFileSync(report, 'utf8'))).toHaveLength(925);
  });

  it('simulate: a refused census writes the report and no database', () => {
    const dir = tempDir();
    const csv = badCensus(dir);
    const report = join(dir, 'problems.csv');
    const database = join(dir, 'sim.duckdb');
    const result = runCli(['simulate', '2025', '--census', csv, '--database', database, '--report-errors', report]);
    expect(result.status).toBe(2);
    expect(readCsv(readFileSync(report, 'utf8'))).toHaveLength(925);
    expect(existsSync(database)).toBe(false);
  });
});
