import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  checkCensus,
  deleteCensus,
  listCensus,
  previewCensus,
  profileCensus,
  saveCensusMapping,
  saveCensusUpload,
} from '../../src/services/census.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { runCli } from '../support/cli.js';

/**
 * Nine active employees and one who left, at the census date 2024-12-31 of the bundled config (first
 * year 2025): ages 2024 - birth year, tenures 2024 - hire year, levels by config_job_levels.csv's pay
 * bands (1: 56k-80k, 2: 81k-120k, 3: 121k-160k, 4: 161k-300k, 5: 275k-500k; the lowest that holds it).
 * E03's 6 is a percent (above 1); E02 (empty) and E05 (0) do not participate.
 */
const HAND = `Employee ID,DOB,Hire Date,Term Date,Salary,Deferral Rate
E01,1999-05-01,2023-03-01,,60000,0.05
E02,2002-01-15,2024-06-01,,56000,
E03,1990-07-04,2019-01-01,,75000,6
E04,1985-03-10,2015-09-15,,90000,0.10
E05,1980-12-31,2010-01-04,,110000,0
E06,1975-06-30,2004-02-01,,130000,0.08
E07,1970-01-01,2000-05-05,,150000,0.15
E08,1965-08-08,2012-11-11,,200000,0.04
E09,1958-04-04,1995-01-01,,320000,0.10
E10,1988-02-02,2016-01-01,2024-03-31,70000,0.05
`;

/** Three deliberate errors: lines 3 (DOB), 4 (Salary) and 5 (Term Date). */
const BAD = `Employee ID,DOB,Hire Date,Term Date,Salary,Deferral Rate
B01,1990-01-01,2020-01-01,,60000,0.05
B02,notadate,2020-01-01,,60000,0.05
B03,1990-01-01,2020-01-01,,,0.05
B04,1990-01-01,2020-01-01,2019-06-30,60000,0.05
`;

/** A scenario over hand.csv starting in `startYear`, with two age bands of its own. */
function scenario(startYear: number): string {
  return `simulation:
  start_year: ${startYear}
  end_year: ${startYear + 1}
setup:
  census_parquet_path: census/hand.csv
age_bands:
  - {band_label: "< 40", min_value: 0, max_value: 40}
  - {band_label: "40+", min_value: 40, max_value: 999}
promotion_hazard:
  age_multipliers:
    - {age_band: "< 40", multiplier: 1.2}
    - {age_band: "40+", multiplier: 0.8}
`;
}

let root: string;
let ws: Workspace;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'census-service-'));
  ws = Workspace.open(join(root, 'ws'), { create: true });
  writeFileSync(ws.censusFile('hand.csv'), HAND);
  writeFileSync(ws.censusFile('bad.csv'), BAD);
  writeFileSync(ws.scenarioFile('late'), scenario(2026));
  writeFileSync(ws.scenarioFile('early'), scenario(2023));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function* chunks(parts: string[], pulled: { count: number } = { count: 0 }): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    pulled.count += 1;
    yield Buffer.from(part);
  }
}

describe('profileCensus', () => {
  it('the starting workforce under the bundled config: levels, bands, pay percentiles, participation', async () => {
    const profile = await profileCensus(ws, 'hand.csv');
    expect(profile.asOf).toBe('2024-12-31');
    expect(profile.activeHeadcount).toBe(9);
    expect(profile.byLevel).toEqual([
      { level: 1, count: 3, avgPay: 63666.67 }, // 191k / 3
      { level: 2, count: 2, avgPay: 100000 },
      { level: 3, count: 2, avgPay: 140000 },
      { level: 4, count: 1, avgPay: 200000 },
      { level: 5, count: 1, avgPay: 320000 },
    ]);
    // Ages 25, 22, 34, 39, 44, 49, 54, 59, 66.
    expect(profile.byAgeBand).toEqual([
      { band: '< 25', count: 1 },
      { band: '25-34', count: 2 },
      { band: '35-44', count: 2 },
      { band: '45-54', count: 2 },
      { band: '55-64', count: 1 },
      { band: '65+', count: 1 },
    ]);
    // Tenures 1, 0, 5, 9, 14, 20, 24, 12, 29.
    expect(profile.byTenureBand).toEqual([
      { band: '< 2', count: 2 },
      { band: '2-4', count: 0 },
      { band: '5-9', count: 2 },
      { band: '10-19', count: 2 },
      { band: '20+', count: 3 },
    ]);
    // Sorted pay 56k 60k 75k 90k 110k 130k 150k 200k 320k; quantile_cont at (n - 1) q = 8q, interpolated.
    const { histogram, ...pay } = profile.pay;
    expect(pay).toEqual({
      min: 56000,
      p10: 59200, // 56k + 0.8 x 4k
      p25: 75000,
      median: 110000,
      p75: 150000,
      p90: 224000, // 200k + 0.2 x 120k
      max: 320000,
      mean: 132333.33, // 1,191k / 9
      total: 1191000,
    });
    // Ten bins of (320k - 56k) / 10 = 26.4k.
    expect(histogram.map((b) => b.count)).toEqual([3, 1, 2, 1, 0, 1, 0, 0, 0, 1]);
    expect(histogram[0]).toEqual({ from: 56000, to: 82400, count: 3 });
    expect(histogram[9]).toEqual({ from: 293600, to: 320000, count: 1 });
    expect(profile.participation.participants).toBe(7);
    expect(profile.participation.rate).toBeCloseTo(7 / 9, 12);
    expect(profile.participation.avgDeferralRate).toBeCloseTo((0.05 + 0.06 + 0.1 + 0.08 + 0.15 + 0.04 + 0.1) / 7, 12);
  });

  it("a scenario's first year and bands: ages and tenures a year later, its own age bands", async () => {
    const profile = await profileCensus(ws, 'hand.csv', { scenario: 'late' });
    expect(profile.asOf).toBe('2025-12-31');
    // Ages 26, 23, 35 under 40; 40, 45, 50, 55, 60, 67 over.
    expect(profile.byAgeBand).toEqual([
      { band: '< 40', count: 3 },
      { band: '40+', count: 6 },
    ]);
    // Tenures 2, 1, 6, 10, 15, 21, 25, 13, 30.
    expect(profile.byTenureBand.map((b) => b.count)).toEqual([1, 1, 1, 3, 3]);
  });
});

describe('checkCensus', () => {
  it('a valid census: counts, hash, mapping and warnings as census check gives them', async () => {
    const check = await checkCensus(ws, 'hand.csv');
    expect(check.valid).toBe(true);
    expect([check.rows, check.activeRows, check.terminatedRows]).toEqual([10, 9, 1]);
    expect(check.hash).toBe(createHash('sha256').update(HAND).digest('hex'));
    expect(check.mapping?.columns.map((m) => [m.header, m.column])).toEqual([
      ['Employee ID', 'employee_id'],
      ['DOB', 'employee_birth_date'],
      ['Hire Date', 'employee_hire_date'],
      ['Term Date', 'employee_termination_date'],
      ['Salary', 'employee_gross_compensation'],
      ['Deferral Rate', 'employee_deferral_rate'],
    ]);
    const cli = runCli(['census', 'check', ws.censusFile('hand.csv')]);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain(`  read as: ${check.readAs}\n`);
    expect(cli.stdout.split('\n').filter((l) => l.startsWith('  warning: ')).map((l) => l.slice(11))).toEqual(check.warnings);
    expect(check.problems).toEqual([]);
  });

  it('a census with errors: every problem by row and column, as census check lists them', async () => {
    const check = await checkCensus(ws, 'bad.csv');
    expect(check.valid).toBe(false);
    expect(check.problems).toEqual([
      {
        row: 3,
        column: 'DOB',
        value: 'notadate',
        message: 'unparseable date "notadate" (expected YYYY-MM-DD, or month/day/year or day/month/year with a 4-digit year)',
      },
      { row: 4, column: 'Salary', value: null, message: 'empty value (the column is required)' },
      { row: 5, column: 'Term Date', value: '2019-06-30', message: 'termination date "2019-06-30" is before the hire date "2020-01-01"' },
    ]);
    const file = ws.censusFile('bad.csv');
    const cli = runCli(['census', 'check', file]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`Error: ${check.error}\nHint: ${check.hint}\n`);
    for (const p of check.problems) expect(cli.stderr).toContain(`  - ${file} line ${p.row}, column ${p.column}: ${p.message}\n`);
  });

  it("with a scenario: read as its run reads it (an employee hired after its first year's start is refused)", async () => {
    expect((await checkCensus(ws, 'hand.csv', { scenario: 'late' })).valid).toBe(true);
    const early = await checkCensus(ws, 'hand.csv', { scenario: 'early' });
    expect(early.valid).toBe(false);
    expect(early.problems.map((p) => [p.row, p.column, p.value])).toEqual([[3, 'Hire Date', '2024-06-01']]);
  });

  it('a missing required column is one problem naming the column, at the header line', async () => {
    writeFileSync(ws.censusFile('worker.csv'), HAND.replace('Employee ID', 'Worker'));
    const check = await checkCensus(ws, 'worker.csv');
    expect(check.valid).toBe(false);
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]).toMatchObject({ row: 1, column: 'employee_id', value: null });
    expect(check.problems[0]?.message).toMatch(/missing required column employee_id; columns found: Worker, DOB/);
  });
});

describe('preview and mapping', () => {
  it('previews the header and first rows with the mapping the headers suggest', async () => {
    const preview = await previewCensus(ws, 'hand.csv', 2);
    expect(preview.header).toEqual(['Employee ID', 'DOB', 'Hire Date', 'Term Date', 'Salary', 'Deferral Rate']);
    expect(preview.rows).toEqual([
      ['E01', '1999-05-01', '2023-03-01', '', '60000', '0.05'],
      ['E02', '2002-01-15', '2024-06-01', '', '56000', ''],
    ]);
    expect(preview.suggested).toMatchObject({
      employee_id: 'Employee ID',
      employee_birth_date: 'DOB',
      employee_hire_date: 'Hire Date',
      employee_termination_date: 'Term Date',
      employee_gross_compensation: 'Salary',
      employee_deferral_rate: 'Deferral Rate',
      employee_ssn: null,
    });
    expect(preview.sidecar).toBeUndefined();
  });

  it('a saved mapping makes a census readable, and the preview suggests it', async () => {
    writeFileSync(ws.censusFile('mapped.csv'), HAND.replace('Employee ID', 'Worker'));
    expect((await previewCensus(ws, 'mapped.csv')).suggested.employee_id).toBeNull();
    const sidecar = await saveCensusMapping(ws, 'mapped.csv', { columns: { employee_id: 'Worker' } });
    expect(sidecar).toBe('census/mapped.csv.planalign.yaml');
    expect(readFileSync(join(ws.root, sidecar), 'utf8')).toContain('employee_id: Worker');
    const check = await checkCensus(ws, 'mapped.csv');
    expect(check.valid).toBe(true);
    expect(check.mapping?.columns[0]).toMatchObject({ header: 'Worker', column: 'employee_id', by: 'columns' });
    const preview = await previewCensus(ws, 'mapped.csv', 1);
    expect(preview.suggested.employee_id).toBe('Worker');
    expect(preview.sidecar?.columns?.employee_id).toBe('Worker');
    expect(listCensus(ws).find((c) => c.file === 'mapped.csv')?.sidecar).toBe(true);
  });

  it('a mapping naming a header the file lacks is refused and nothing is written', async () => {
    await expect(saveCensusMapping(ws, 'hand.csv', { columns: { employee_id: 'Nobody' } })).rejects.toThrow(/no column "Nobody"/);
    expect(existsSync(`${ws.censusFile('hand.csv')}.planalign.yaml`)).toBe(false);
  });
});

describe('the census files of a workspace', () => {
  it('lists each file with its size, format, sidecar and the scenarios using it', () => {
    const list = listCensus(ws);
    expect(list.map((c) => c.file)).toEqual([...list.map((c) => c.file)].sort());
    const hand = list.find((c) => c.file === 'hand.csv');
    expect(hand).toMatchObject({ format: 'csv', bytes: Buffer.byteLength(HAND), sidecar: false, usedBy: ['early', 'late'] });
    expect(hand?.modifiedAt).toBe(statSync(ws.censusFile('hand.csv')).mtime.toISOString());
    expect(list.find((c) => c.file === 'census_5000.parquet')).toMatchObject({ format: 'parquet', usedBy: ['default'] });
  });

  it('uploads a stream into place; an existing file is replaced only when asked', async () => {
    const info = await saveCensusUpload(ws, 'up.csv', chunks([HAND.slice(0, 100), HAND.slice(100)]));
    expect(info).toMatchObject({ file: 'up.csv', format: 'csv', bytes: Buffer.byteLength(HAND), sidecar: false, usedBy: [] });
    expect(readFileSync(ws.censusFile('up.csv'), 'utf8')).toBe(HAND);
    await expect(saveCensusUpload(ws, 'up.csv', chunks(['x']))).rejects.toThrow(/Census file up\.csv exists/);
    // A web ReadableStream (what an HTTP body is) works the same.
    const web = new Blob([BAD]).stream();
    expect((await saveCensusUpload(ws, 'up.csv', web, { overwrite: true })).bytes).toBe(Buffer.byteLength(BAD));
    expect(readFileSync(ws.censusFile('up.csv'), 'utf8')).toBe(BAD);
  });

  it('stops reading an upload past the cap and leaves nothing behind', async () => {
    const before = readdirSync(join(ws.root, 'census')).sort();
    const pulled = { count: 0 };
    const upload = saveCensusUpload(ws, 'big.csv', chunks(Array.from({ length: 10 }, () => 'x'.repeat(64)), pulled), { maxBytes: 150 });
    await expect(upload).rejects.toThrow(UsageError);
    await expect(upload).rejects.toThrow('Census upload big.csv is larger than 150 bytes');
    expect(pulled.count).toBe(3); // 64 + 64 + 64 > 150: the rest was never read
    expect(readdirSync(join(ws.root, 'census')).sort()).toEqual(before);
  });

  it('refuses names that are paths, and files a scenario uses', async () => {
    await expect(saveCensusUpload(ws, '../escape.csv', chunks(['x']))).rejects.toThrow(/Invalid census file name/);
    await expect(saveCensusUpload(ws, 'notes.txt', chunks(['x']))).rejects.toThrow(/Invalid census file name/);
    expect(existsSync(join(ws.root, 'escape.csv'))).toBe(false);
    expect(() => deleteCensus(ws, 'hand.csv')).toThrow('Census file hand.csv is used by scenarios early, late');
    await expect(checkCensus(ws, 'absent.csv')).rejects.toThrow(/Census file absent\.csv not found/);
    // A census file that is a link leading out of the workspace is never read.
    const outside = join(root, 'outside.csv');
    writeFileSync(outside, HAND);
    symlinkSync(outside, ws.censusFile('link.csv'));
    await expect(previewCensus(ws, 'link.csv')).rejects.toThrow(/census file link\.csv "census\/link\.csv" is outside the workspace/);
    await expect(checkCensus(ws, 'link.csv')).rejects.toThrow(UsageError);
    rmSync(ws.censusFile('link.csv'));
  });

  it('deletes an unused file with its sidecar', async () => {
    writeFileSync(ws.censusFile('gone.csv'), HAND.replace('Employee ID', 'Worker'));
    await saveCensusMapping(ws, 'gone.csv', { columns: { employee_id: 'Worker' } });
    deleteCensus(ws, 'gone.csv');
    expect(existsSync(ws.censusFile('gone.csv'))).toBe(false);
    expect(existsSync(`${ws.censusFile('gone.csv')}.planalign.yaml`)).toBe(false);
    expect(listCensus(ws).some((c) => c.file === 'gone.csv')).toBe(false);
  });
});
