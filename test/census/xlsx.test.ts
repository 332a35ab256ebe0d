/**
 * XLSX censuses: real workbooks written with exceljs into the test's temp dir, read through the real
 * DuckDB: the first sheet or a named one, Excel's cell kinds (dates, numbers, formulas, currency and
 * percent formats), and problems named by sheet and row.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CENSUS_RATE_RULES } from '../../src/census/columns.js';
import { loadCensus } from '../../src/census/index.js';
import type { CensusIntakeOptions } from '../../src/census/intake.js';
import { CensusError } from '../../src/errors.js';
import { useTempDir } from '../support/tmp.js';
import { censusRefusal, withDb, writeText } from './helpers.js';

const tempDir = useTempDir();

const HEADER = ['employee_id', 'employee_birth_date', 'employee_hire_date', 'employee_gross_compensation', 'employee_deferral_rate', 'employee_ssn'];

/** The census the workbook holds, as a clean CSV. */
const CLEAN = [
  HEADER.join(','),
  '1001,1993-02-25,2015-03-01,145555.00,0.06,SSN-1',
  'E2,1980-12-31,2010-11-15,62000.50,0.065,SSN-2',
  'E3,1975-07-04,2005-01-20,124000.00,0,SSN-3',
];

const utc = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m - 1, d));

/**
 * A workbook whose sheet `Census` holds CLEAN the way Excel users type it: a numeric id, date cells under
 * a date format, a currency-formatted amount, a formula with its cached result (an amount and a date),
 * a percent-formatted rate, a rate as text; then empty trailing rows. A `Notes` sheet comes before it
 * when `notesFirst`.
 */
async function writeWorkbook(path: string, notesFirst: boolean, bad?: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const notes = (): void => {
    workbook.addWorksheet('Notes').addRows([['exported from payroll'], ['2024-12-31']]);
  };
  if (notesFirst) notes();
  const sheet = workbook.addWorksheet('Census');
  sheet.addRow(HEADER);
  const r2 = sheet.addRow([1001, utc(1993, 2, 25), utc(2015, 3, 1), 145555, 0.06, 'SSN-1']);
  r2.getCell(2).numFmt = 'm/d/yyyy';
  r2.getCell(3).numFmt = 'dd-mmm-yy';
  r2.getCell(4).numFmt = '"$"#,##0.00';
  r2.getCell(5).numFmt = '0%';
  const r3 = sheet.addRow(['E2', utc(1980, 12, 31), null, { formula: 'D4/2+0.5', result: 62000.5 }, '6.5%', 'SSN-2']);
  r3.getCell(2).numFmt = 'yyyy-mm-dd';
  // A date computed by a formula: its cached result is a serial number under a date format.
  r3.getCell(3).value = { formula: 'DATE(2010,11,15)', result: utc(2010, 11, 15) };
  r3.getCell(3).numFmt = 'm/d/yyyy';
  sheet.addRow(['E3', utc(1975, 7, 4), utc(2005, 1, 20), bad ?? 124000, 0, 'SSN-3']);
  // Formatted but empty rows at the end, as spreadsheets leave them.
  sheet.getRow(5).getCell(1).numFmt = '@';
  sheet.getRow(6).getCell(4).numFmt = '0.00';
  if (!notesFirst) notes();
  await workbook.xlsx.writeFile(path);
}

async function stage(path: string, intake: CensusIntakeOptions = {}): Promise<{ rows: Record<string, unknown>[]; format: string }> {
  return withDb(join(tempDir(), 'sim.duckdb'), async (db) => {
    const result = await loadCensus(db, path, DEFAULT_CENSUS_RATE_RULES, undefined, intake);
    const rows = await db.all('SELECT * EXCLUDE (source_row) FROM stg_census_data ORDER BY employee_id');
    return { rows, format: result.format };
  });
}

async function refusal(path: string, intake: CensusIntakeOptions = {}): Promise<CensusError> {
  return censusRefusal(join(tempDir(), 'sim.duckdb'), path, intake);
}

describe('XLSX census', () => {
  it('reads the first sheet as the equivalent CSV: dates, numbers, formulas, currency and percent formats', async () => {
    const dir = tempDir();
    const xlsx = join(dir, 'census.xlsx');
    await writeWorkbook(xlsx, false);
    const fromCsv = await stage(writeText(dir, 'census.csv', CLEAN));
    const fromXlsx = await stage(xlsx);
    expect(fromXlsx.format).toBe('xlsx');
    expect(fromXlsx.rows).toEqual(fromCsv.rows);
    expect(fromXlsx.rows.map((r) => [r.employee_id, r.employee_birth_date, r.employee_hire_date, r.employee_gross_compensation, r.employee_deferral_rate])).toEqual([
      ['1001', '1993-02-25', '2015-03-01', '145555.00', '0.06000'],
      ['E2', '1980-12-31', '2010-11-15', '62000.50', '0.06500'],
      ['E3', '1975-07-04', '2005-01-20', '124000.00', '0.00000'],
    ]);
    // Recognised by its zip content when the extension says nothing.
    const renamed = join(dir, 'census.data');
    await writeWorkbook(renamed, false);
    expect((await stage(renamed)).rows).toEqual(fromCsv.rows);
  });

  it('reads a named sheet, and refuses an unknown one listing the sheets', async () => {
    const dir = tempDir();
    const xlsx = join(dir, 'census.xlsx');
    await writeWorkbook(xlsx, true);
    // The first sheet is Notes: no census columns there.
    const first = await refusal(xlsx);
    expect(first.message).toContain('sheet Notes row 1 (header)');
    expect((await stage(xlsx, { sheet: 'Census' })).rows.map((r) => r.employee_id)).toEqual(['1001', 'E2', 'E3']);
    const unknown = await refusal(xlsx, { sheet: 'Census 2024' });
    expect(unknown.message).toBe(`Census file ${xlsx} has no sheet named "Census 2024"; its sheets: Notes, Census`);
    expect(unknown.hint).toContain('--sheet');
  });

  it('reads a workbook written by openpyxl (pandas to_excel): absolute part targets in workbook.xml.rels', async () => {
    const dir = tempDir();
    const xlsx = join(dir, 'pandas.xlsx');
    await writeWorkbook(xlsx, true);
    // openpyxl writes every target of xl/_rels/workbook.xml.rels from the package root: /xl/worksheets/sheet1.xml.
    const zip = await JSZip.loadAsync(readFileSync(xlsx));
    const rels = (await zip.file('xl/_rels/workbook.xml.rels')?.async('string')) ?? '';
    const absolute = rels.replace(/Target="(?!\/)/g, 'Target="/xl/');
    expect(absolute).toContain('Target="/xl/worksheets/sheet2.xml"');
    zip.file('xl/_rels/workbook.xml.rels', absolute);
    writeFileSync(xlsx, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));

    expect((await stage(xlsx, { sheet: 'Census' })).rows).toEqual((await stage(writeText(dir, 'census.csv', CLEAN))).rows);
    // The first visible sheet is found by name too (Notes: no census columns there).
    expect((await refusal(xlsx)).message).toContain('sheet Notes row 1 (header)');
    const unknown = await refusal(xlsx, { sheet: 'Census 2024' });
    expect(unknown.message).toBe(`Census file ${xlsx} has no sheet named "Census 2024"; its sheets: Notes, Census`);
  });

  it('never says a listed sheet is missing: a sheet whose part cannot be found is named as unreadable', async () => {
    const dir = tempDir();
    const xlsx = join(dir, 'broken.xlsx');
    await writeWorkbook(xlsx, true);
    const zip = await JSZip.loadAsync(readFileSync(xlsx));
    const rels = (await zip.file('xl/_rels/workbook.xml.rels')?.async('string')) ?? '';
    zip.file('xl/_rels/workbook.xml.rels', rels.replace('worksheets/sheet2.xml', 'worksheets/elsewhere.xml'));
    writeFileSync(xlsx, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const error = await refusal(xlsx, { sheet: 'Census' });
    expect(error.message).toBe(
      `Census file ${xlsx}: sheet "Census" cannot be read: the workbook lists it, but its worksheet part is not where xl/_rels/workbook.xml.rels says`,
    );
  });

  it('names problems by sheet and Excel row number', async () => {
    const dir = tempDir();
    const xlsx = join(dir, 'bad.xlsx');
    await writeWorkbook(xlsx, false, 'n/a');
    const error = await refusal(xlsx);
    expect(error.message).toContain(`${xlsx} sheet Census row 4, column employee_gross_compensation: not a number: "n/a"`);
    expect(error.context).toMatchObject({ row: 4, column: 'employee_gross_compensation' });
  });

  it('refuses a value right of the last header', async () => {
    const dir = tempDir();
    const xlsx = join(dir, 'wide.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Census');
    sheet.addRow(HEADER);
    sheet.addRow(['E1', '1980-01-01', '2010-01-01', 50000, 0, 'SSN-1']);
    sheet.getCell('H3').value = 'note';
    await workbook.xlsx.writeFile(xlsx);
    const error = await refusal(xlsx);
    expect(error.message).toBe(`Census file ${xlsx} sheet Census row 3: a value in column H, right of the last header (column F)`);
  });

  it('refuses an .xlsx file that is no workbook', async () => {
    const dir = tempDir();
    const zip = join(dir, 'census.xlsx');
    writeText(dir, 'census.xlsx', ['not a zip at all']);
    const error = await refusal(zip);
    expect(error.message).toContain(`Census file ${zip} cannot be read as XLSX`);
  });
});
