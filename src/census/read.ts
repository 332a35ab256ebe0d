/**
 * Reading a census file, whatever its format, into one raw TEMP table: every column as VARCHAR under
 * its header, plus `__census_row`, the number a problem names (CSV: the data record, shown as its
 * line; Parquet: the 1-based row; XLSX: the sheet's row number).
 *
 * - CSV: the separator is `intake.separator`, else sniffed among `,` `;` tab `|` from the first lines
 *   (quotes respected); double-quoted fields with doubled quotes, a UTF-8 BOM and CRLF are read.
 * - XLSX: the first visible sheet or `intake.sheet`, streamed (exceljs WorkbookReader) into a temp CSV
 *   that the CSV reader then reads, so a sheet's headers are named exactly as a CSV's would be and no
 *   header text is ever written into SQL.
 * - Parquet: as typed in the file, cast to text.
 *
 * Paths and the separator reach DuckDB only as bound parameters.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, posix } from 'node:path';
import type ExcelJS from 'exceljs';
import type { Database } from '../db/database.js';
import { CensusError } from '../errors.js';
import { isResourceError } from '../errors-catalog.js';
import type { CensusIntakeOptions } from './intake.js';

export type CensusFormat = 'csv' | 'parquet' | 'xlsx';

/** What was read into the raw table, and how its rows are named in messages. */
export interface RawCensus {
  format: CensusFormat;
  /** sha256 (hex) of the file bytes. */
  hash: string;
  /** Data rows read. */
  rows: number;
  /** CSV: the separator used (given or sniffed), and the one sniffing gives (the same when none was given). */
  separator?: string;
  sniffedSeparator?: string;
  /** XLSX: the sheet read, and the one read when none is named (the first visible). */
  sheet?: string;
  firstSheet?: string;
  /** Where the column names are: `line 1 (header)`, `schema`, `sheet Census row 1 (header)`. */
  header: string;
  /** The row number of the header, when it has one (CSV line 1, the sheet's header row). */
  headerRow?: number;
  /** How a problem names a `__census_row`: `line 5`, `record 4`, `row 4`, `sheet Census row 5`. */
  label(row: number): string;
  /** The number of that name (the line, the record, the row). */
  labelRow(row: number): number;
  /** What a row is called before its number: `line`, `record`, `row`, `sheet Census row`. */
  rowWord: string;
  warnings: string[];
}

/** The separators a CSV is sniffed for, in order of preference when several fit. */
const SEPARATORS = [',', ';', '\t', '|'] as const;
/** Bytes and records of a CSV's start that the separator is sniffed from. */
const SNIFF_BYTES = 64 * 1024;
const SNIFF_RECORDS = 50;
/** XLSX rows written to the temp CSV at a time. */
const XLSX_BATCH = 2000;

const SEPARATOR_HINT =
  'A census CSV needs a header line and the same number of fields on every line. If the separator is not the ' +
  'one used, name it: --separator (a tab as "\\t") or `separator:` in the sidecar <census file>.planalign.yaml.';

/** sha256 (hex) of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  return (await scanFile(path, false)).hash;
}

/** Reads `file` into the TEMP table `raw` (a generated name). */
export async function readRawCensus(
  db: Database,
  file: string,
  raw: string,
  intake: CensusIntakeOptions = {},
): Promise<RawCensus> {
  const format = await detectFormat(file);
  if (format === 'xlsx') return readXlsx(db, file, raw, intake);
  return withPlainPath(file, async (path) => {
    if (format === 'csv') return readCsv(db, file, path, raw, intake);
    const hash = await hashFile(file);
    await readParquet(db, file, path, raw, intake.decimalComma === true);
    const rows = await countRows(db, file, raw, 'row 1', 1);
    return { format, hash, rows, header: 'schema', label: (row) => `row ${row}`, labelRow: (row) => row, rowWord: 'row', warnings: [] };
  });
}

/**
 * DuckDB's readers expand glob characters in a path (`census[2024].csv` would read `census2.csv`), and
 * have no way to escape them: a census whose path has them is read through a symlink with a plain name.
 */
async function withPlainPath<T>(file: string, work: (path: string) => Promise<T>): Promise<T> {
  if (!/[*?[\]{}]/.test(file)) return work(file);
  const dir = await mkdtemp(join(tmpdir(), 'planalign-census-'));
  try {
    const link = join(dir, `census${extname(file).replace(/[^.\w]/g, '')}`);
    await symlink(file, link);
    return await work(link);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- format --------------------------------------------------------------------------------------------

async function detectFormat(file: string): Promise<CensusFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  if (ext === '.xlsx') return 'xlsx';
  const magic = await readStart(file, 4);
  if (magic.toString('latin1') === 'PAR1') return 'parquet';
  // A zip archive: an XLSX workbook is one (a zip that is not a workbook is refused when read).
  if (magic.toString('latin1') === 'PK\x03\x04') return 'xlsx';
  if (magic.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new CensusError(
      `Census file ${file} is an Excel 97-2003 workbook (.xls), which is not read`,
      { file },
      'Save the sheet as .xlsx or CSV.',
    );
  }
  return 'csv';
}

async function readStart(file: string, bytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// --- CSV -----------------------------------------------------------------------------------------------

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

/** `file` names the census in messages; DuckDB reads `path` (the same file: withPlainPath). */
async function readCsv(db: Database, file: string, path: string, raw: string, intake: CensusIntakeOptions): Promise<RawCensus> {
  const scan = await scanFile(file, true);
  const start = await readStart(file, SNIFF_BYTES);
  const sniffedSeparator = sniffSeparator(start.toString('utf8'), start.length < SNIFF_BYTES);
  const separator = intake.separator === undefined ? sniffedSeparator : checkedSeparator(file, intake.separator);
  const how = intake.separator === undefined ? 'sniffed from the first lines' : 'as given';
  await runRead(
    db,
    file,
    `CSV separated by ${separatorName(separator)} (${how})`,
    SEPARATOR_HINT,
    `CREATE TEMP TABLE ${raw} AS SELECT row_number() OVER () AS __census_row, * FROM ${CSV_READ}`,
    [path, separator],
  );
  const rows = await countRows(db, file, raw, 'line 2', 2);
  // Line numbers are exact when every record is one line and no blank line was skipped.
  const exact = !scan.blankLineInside && scan.lines === rows + 1;
  return {
    format: 'csv',
    hash: scan.hash,
    rows,
    separator,
    sniffedSeparator,
    header: 'line 1 (header)',
    headerRow: 1,
    label: (row) => (exact ? `line ${row + 1}` : `record ${row}`),
    labelRow: (row) => (exact ? row + 1 : row),
    rowWord: exact ? 'line' : 'record',
    warnings: exact
      ? []
      : ['The census CSV has blank lines or multi-line fields; problems are reported by record number instead of line number.'],
  };
}

/**
 * A fixed dialect: DuckDB's sniffer must not guess a header or skip rows. Insertion order is preserved,
 * so row_number() OVER () is the data-row index. $1 is the path, $2 the separator.
 */
const CSV_READ = `read_csv($1, all_varchar = true, header = true, delim = $2, quote = '"', escape = '"', skip = 0)`;

function checkedSeparator(file: string, separator: string): string {
  const value = separator === '\\t' ? '\t' : separator;
  if (value.length !== 1 || value === '"' || value === '\n' || value === '\r') {
    throw new CensusError(
      `Census file ${file}: the separator ${JSON.stringify(separator)} cannot separate CSV fields`,
      { file },
      'Name one character other than a quote or a line break (a tab as "\\t"), or leave the separator out to sniff it.',
    );
  }
  return value;
}

function separatorName(separator: string): string {
  return separator === '\t' ? 'tabs' : `"${separator}"`;
}

/**
 * The separator that splits every sampled record into the same number (≥ 2) of fields, the most fields
 * when several do; else the one splitting the header most (reading then fails and names it); else `,`.
 */
export function sniffSeparator(sample: string, complete: boolean): string {
  let best: { separator: string; fields: number; consistent: boolean } | undefined;
  for (const separator of SEPARATORS) {
    const counts = fieldCounts(sample, separator, complete);
    const fields = counts[0] ?? 0;
    if (fields < 2) continue;
    const consistent = counts.every((n) => n === fields);
    if (
      best === undefined ||
      (consistent && !best.consistent) ||
      (consistent === best.consistent && fields > best.fields)
    ) {
      best = { separator, fields, consistent };
    }
  }
  return best?.separator ?? ',';
}

/** Fields per record of the sample's first records (quotes respected, blank lines skipped as DuckDB does). */
function fieldCounts(sample: string, separator: string, complete: boolean): number[] {
  const text = sample.startsWith('\uFEFF') ? sample.slice(1) : sample;
  const counts: number[] = [];
  let fields = 1;
  let empty = true; // the record so far is blank
  let quoted = false;
  let atFieldStart = true;
  for (let i = 0; i < text.length && counts.length < SNIFF_RECORDS; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i += 1;
        else quoted = false;
      }
    } else if (c === '"' && atFieldStart) {
      quoted = true;
      empty = false;
    } else if (c === separator) {
      fields += 1;
      empty = false;
      atFieldStart = true;
      continue;
    } else if (c === '\n' || c === '\r') {
      if (!empty) counts.push(fields);
      fields = 1;
      empty = true;
    } else {
      empty = false;
    }
    atFieldStart = c === '\n' || c === '\r';
  }
  // The last record of a cut sample may be cut too.
  if (complete && !empty && !quoted && counts.length < SNIFF_RECORDS) counts.push(fields);
  return counts;
}

// --- Parquet -------------------------------------------------------------------------------------------

/**
 * Each column as text by its type. A timestamp with a time zone is written in UTC: cast to text it would
 * be written in the session's zone, the machine's, and its date would move with it. Typed numbers print
 * with a decimal point; with the decimal-comma option the census's text values use a comma, so typed
 * ones are written the same way and one parser reads the whole column. The column names are bound.
 */
async function readParquet(db: Database, file: string, path: string, raw: string, decimalComma: boolean): Promise<void> {
  const hint = 'Check that the file is a valid Parquet file.';
  let columns: { column_name: string; column_type: string }[] = [];
  await runRead(db, file, 'Parquet', hint, async () => {
    columns = await db.all(`DESCRIBE SELECT * FROM read_parquet($1)`, [path]);
  });
  const text = columns.map((c, i) => {
    const column = `COLUMNS(c -> c = $${i + 2})`;
    if (c.column_type === 'TIMESTAMP WITH TIME ZONE') return `timezone('UTC', ${column})::VARCHAR`;
    if (decimalComma && /^(FLOAT|DOUBLE|DECIMAL)/.test(c.column_type)) return `replace(${column}::VARCHAR, '.', ',')`;
    return `${column}::VARCHAR`;
  });
  await runRead(db, file, 'Parquet', hint, `CREATE TEMP TABLE ${raw} AS SELECT file_row_number + 1 AS __census_row, ${text.join(', ')}
            FROM read_parquet($1, file_row_number = true)`, [path, ...columns.map((c) => c.column_name)]);
}

// --- XLSX ----------------------------------------------------------------------------------------------

interface SheetInfo {
  name: string;
  state?: string;
  rId?: string;
}

/** What exceljs's streaming reader keeps of the workbook (xl/workbook.xml and its relationships). */
interface WorkbookParts {
  model?: { sheets?: SheetInfo[] };
  workbookRels?: { Id: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
}

/**
 * The sheet of the streamed part `xl/worksheets/sheet<n>.xml`. exceljs names it only when
 * xl/_rels/workbook.xml.rels gives the part as a relative target (`worksheets/sheet1.xml`), else calls
 * it `Sheet<n>`; openpyxl, which pandas' to_excel uses, writes absolute ones (`/xl/worksheets/sheet1.xml`),
 * so the target is resolved here, whichever it is.
 */
function sheetOf(workbook: WorkbookParts, part: string | undefined): SheetInfo | undefined {
  const path = `xl/worksheets/sheet${part}.xml`;
  const rel = workbook.workbookRels?.find((r) => posix.normalize(r.Target.startsWith('/') ? r.Target.slice(1) : `xl/${r.Target}`) === path);
  return rel === undefined ? undefined : workbook.model?.sheets?.find((s) => s.rId === rel.Id);
}

function firstVisible(workbook: WorkbookParts): string | undefined {
  const sheets = workbook.model?.sheets ?? [];
  return (sheets.find((s) => s.state !== 'hidden' && s.state !== 'veryHidden') ?? sheets[0])?.name;
}

async function readXlsx(db: Database, file: string, raw: string, intake: CensusIntakeOptions): Promise<RawCensus> {
  const hash = await hashFile(file);
  const dir = await mkdtemp(join(tmpdir(), 'planalign-census-'));
  try {
    const csv = join(dir, 'sheet.csv');
    const sheet = await xlsxToCsv(file, csv, intake).catch((error: unknown) => {
      if (error instanceof CensusError || isResourceError(error)) throw error;
      throw new CensusError(
        `Census file ${file} cannot be read as XLSX: ${error instanceof Error ? error.message : String(error)}`,
        { file },
        'Check that the file is an Excel workbook (.xlsx), or save the census as CSV.',
        { cause: error },
      );
    });
    await runRead(
      db,
      file,
      `the CSV made from sheet ${sheet.name}`,
      'Check the sheet: one header row, then one row per employee.',
      // The sheet's row number is the temp CSV's first column.
      `CREATE TEMP TABLE ${raw} AS SELECT "__census_row"::INTEGER AS __census_row, * EXCLUDE ("__census_row") FROM ${CSV_READ}`,
      [csv, ','],
    );
    const rows = await countRows(db, file, raw, `sheet ${sheet.name} row ${sheet.headerRow + 1}`, sheet.headerRow + 1);
    return {
      format: 'xlsx',
      hash,
      rows,
      sheet: sheet.name,
      firstSheet: sheet.firstSheet,
      header: `sheet ${sheet.name} row ${sheet.headerRow} (header)`,
      headerRow: sheet.headerRow,
      label: (row) => `sheet ${sheet.name} row ${row}`,
      labelRow: (row) => row,
      rowWord: `sheet ${sheet.name} row`,
      warnings: [],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Streams the chosen sheet into `csv` (comma-separated, every field quoted): the sheet's row number, then
 * the cells up to the last header cell, as text. Rows without any value are left out (so trailing empty
 * rows are ignored), the row numbers of the others are kept.
 */
async function xlsxToCsv(file: string, csv: string, intake: CensusIntakeOptions): Promise<{ name: string; headerRow: number; firstSheet: string }> {
  // exceljs takes a fifth of a second to load: only a workbook census pays for it.
  const excel = createRequire(import.meta.url)('exceljs') as typeof ExcelJS;
  const reader = new excel.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const workbook = reader as unknown as WorkbookParts;
  // The part number of the worksheet about to be yielded: exceljs announces it just before.
  let part: string | undefined;
  (reader as unknown as NodeJS.EventEmitter).on('entry', (entry: { type?: string; id?: string }) => {
    if (entry.type === 'worksheet') part = entry.id;
  });
  const out = await open(csv, 'w');
  let result: { name: string; headerRow: number } | undefined;
  try {
    for await (const worksheet of reader) {
      const wanted = intake.sheet ?? firstVisible(workbook);
      const name = sheetOf(workbook, part)?.name;
      if (result !== undefined || name === undefined || name !== wanted) continue; // the archive drains it
      const date1904 = workbook.properties?.model?.date1904 === true;
      const cellText = (cell: ExcelJS.Cell): string => excelText(cell.value, cell.numFmt, date1904, intake.decimalComma === true);
      let width = 0;
      let headerRow = 0;
      let batch: string[] = [];
      for await (const row of worksheet) {
        const values: string[] = [];
        row.eachCell({ includeEmpty: false }, (cell, column) => {
          values[column - 1] = cellText(cell);
        });
        const last = lastValue(values);
        if (last < 0) continue;
        if (headerRow === 0) {
          headerRow = row.number;
          width = last + 1;
          batch.push(csvLine(['__census_row', ...padded(values, width)]));
        } else {
          if (last >= width) {
            throw new CensusError(
              `Census file ${file} sheet ${name} row ${row.number}: a value in column ${columnLetter(last + 1)}, ` +
                `right of the last header (column ${columnLetter(width)})`,
              { file, row: row.number, column: columnLetter(last + 1) },
              'Give the column a header, or clear the cells outside the table.',
            );
          }
          batch.push(csvLine([String(row.number), ...padded(values, width)]));
        }
        if (batch.length >= XLSX_BATCH) {
          await out.write(batch.join(''));
          batch = [];
        }
      }
      await out.write(batch.join(''));
      if (headerRow === 0) {
        throw new CensusError(`Census file ${file} sheet ${name}: the sheet is empty (no header, no data rows)`, { file }, 'Choose the sheet that holds the census.');
      }
      result = { name, headerRow };
    }
  } finally {
    await out.close();
  }
  const names = (workbook.model?.sheets ?? []).map((s) => s.name);
  const wanted = intake.sheet ?? firstVisible(workbook);
  if (result !== undefined) return { ...result, firstSheet: firstVisible(workbook) ?? result.name };
  if (wanted === undefined || names.length === 0) {
    throw new CensusError(`Census file ${file} cannot be read as XLSX: it holds no worksheet`, { file }, 'Save the census as .xlsx, CSV or Parquet.');
  }
  if (names.includes(wanted)) {
    throw new CensusError(
      `Census file ${file}: sheet ${JSON.stringify(wanted)} cannot be read: the workbook lists it, but its worksheet part is not where xl/_rels/workbook.xml.rels says`,
      { file },
      'Open the workbook in Excel and save it again, or save the sheet as CSV.',
    );
  }
  throw new CensusError(
    `Census file ${file} has no sheet named ${JSON.stringify(intake.sheet)}; its sheets: ${names.join(', ')}`,
    { file },
    'Name one of them with --sheet or `sheet:` in the sidecar <census file>.planalign.yaml.',
  );
}

function lastValue(values: string[]): number {
  for (let i = values.length - 1; i >= 0; i -= 1) if ((values[i] ?? '').trim() !== '') return i;
  return -1;
}

function padded(values: string[], width: number): string[] {
  return Array.from({ length: width }, (_, i) => values[i] ?? '');
}

function csvLine(fields: string[]): string {
  return `${fields.map((f) => (f === '' ? '' : `"${f.replaceAll('"', '""')}"`)).join(',')}\n`;
}

function columnLetter(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * A cell as the census reads it: dates (date cells, or serial numbers under a date format) as
 * YYYY-MM-DD, numbers as plain decimals (a percent format's as `6%`), formulas as their cached result,
 * rich text as its text, errors as `#N/A` and the like.
 */
export function excelText(value: ExcelJS.CellValue, numFmt: string | undefined, date1904: boolean, decimalComma: boolean): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'number') {
    if (isDateFormat(numFmt)) return isoDate(new Date(Date.UTC(date1904 ? 1904 : 1899, date1904 ? 0 : 11, date1904 ? 1 : 30) + Math.floor(value) * 86_400_000));
    const percent = numFmt !== undefined && unquoted(numFmt).includes('%');
    const text = plainNumber(percent ? Number((value * 100).toPrecision(15)) : value);
    return `${decimalComma ? text.replace('.', ',') : text}${percent ? '%' : ''}`;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if ('formula' in value || 'sharedFormula' in value) {
    // No cached result (a file saved without calculating): shown as the formula, which no column accepts.
    return value.result === undefined ? `=${'formula' in value ? value.formula : value.sharedFormula}` : excelText(value.result as ExcelJS.CellValue, numFmt, date1904, decimalComma);
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('error' in value) return value.error;
  if ('text' in value) return typeof value.text === 'string' ? value.text : excelText(value.text, numFmt, date1904, decimalComma);
  return '';
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A number format's codes without its quoted text, escaped characters and [colour]/[$-locale] parts. */
function unquoted(numFmt: string): string {
  return numFmt.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '');
}

function isDateFormat(numFmt: string | undefined): boolean {
  return numFmt !== undefined && /[dmy]/i.test(unquoted(numFmt).replace(/General/gi, ''));
}

/** Decimal digits without an exponent (1e-7 → 0.0000001). */
function plainNumber(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return Math.abs(value) < 1 ? value.toFixed(20).replace(/\.?0+$/, '') : BigInt(Math.round(value)).toString();
}

// --- shared ------------------------------------------------------------------------------------------

/** Runs the statement (or `read`), turning DuckDB's refusal into a CensusError naming the file. */
async function runRead(db: Database, file: string, what: string, hint: string, read: string | (() => Promise<void>), params: string[] = []): Promise<void> {
  try {
    if (typeof read === 'string') await db.run(read, params);
    else await read();
  } catch (error) {
    // Running out of memory or disk says nothing about the file: report it as what it is.
    if (isResourceError(error)) throw error;
    const detail = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 2).join(' ');
    throw new CensusError(`Census file ${file} cannot be read as ${what}: ${detail}`, { file }, hint, { cause: error });
  }
}

/** Data rows in the raw table; none is an error naming where the first would be. */
async function countRows(db: Database, file: string, raw: string, firstLabel: string, firstRow: number): Promise<number> {
  const count = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${raw}`);
  const rows = count?.n ?? 0;
  if (rows === 0) {
    throw new CensusError(`Census file ${file} ${firstLabel}: no data rows (the file holds only column names)`, { file, row: firstRow }, 'Add one row per employee.');
  }
  return rows;
}
