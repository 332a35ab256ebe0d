/**
 * The sidecar `<census file>.planalign.yaml`: how a census file is read (its intake options and its
 * header mapping), kept next to the file so that every command reads it the same way. It is read by
 * `loadCensus` itself (so `census check`, `simulate`, `batch` and the job workers all see it) and
 * written by `census check --save-mapping`.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { CensusError } from '../errors.js';
import { writeTextAtomically } from '../reporting/atomic.js';
import { CENSUS_COLUMNS } from './columns.js';
import type { CensusIntakeOptions } from './intake.js';

export const SIDECAR_SUFFIX = '.planalign.yaml';

const COLUMN_NAMES = CENSUS_COLUMNS.map((c) => c.name) as [string, ...string[]];

const SidecarSchema = z.strictObject({
  separator: z.string().length(1, 'must be one character (write a tab as "\\t")').optional(),
  decimal_comma: z.boolean().optional(),
  date_order: z.enum(['us', 'day-first']).optional(),
  sheet: z.string().min(1).optional(),
  rate_unit: z.enum(['percent', 'fraction']).optional(),
  /** Census column → the file's header for it. */
  columns: z.partialRecord(z.enum(COLUMN_NAMES), z.string().min(1)).optional(),
});
type SidecarFile = z.infer<typeof SidecarSchema>;

/** The intake options that change how a file is read (the ones a sidecar holds). */
export type ReadingOptions = Omit<CensusIntakeOptions, 'reportErrors'>;

export interface Sidecar {
  path: string;
  options: ReadingOptions;
}

/** Always next to the census: the census's own folder, its name plus the suffix. */
export function sidecarPath(censusFile: string): string {
  const file = resolve(censusFile);
  return join(dirname(file), `${basename(file)}${SIDECAR_SUFFIX}`);
}

/** The census's sidecar, or undefined when it has none; a sidecar that is not valid is an error naming it. */
export async function readSidecar(censusFile: string): Promise<Sidecar | undefined> {
  const path = sidecarPath(censusFile);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new CensusError(`Census sidecar ${path} cannot be read: ${error.message}`, { file: path }, undefined, { cause: error });
  });
  if (bytes === undefined) return undefined;
  let data: unknown;
  try {
    data = parse(bytes.toString('utf8')) ?? {};
  } catch (error) {
    throw new CensusError(
      `Census sidecar ${path} is not valid YAML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
      { file: path },
      SIDECAR_HINT,
      { cause: error },
    );
  }
  const parsed = SidecarSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const at = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => (at === '' ? k : `${at}.${k}`)).join(', ');
        return at === 'columns'
          ? `${keys}: not a census column (known: ${COLUMN_NAMES.join(', ')})`
          : `${keys}: unknown key${issue.keys.length > 1 ? 's' : ''} (known: ${Object.keys(SidecarSchema.shape).join(', ')})`;
      }
      return `${at === '' ? '(top level)' : at}: ${issue.message}`;
    });
    const first = parsed.error.issues[0];
    throw new CensusError(
      `Census sidecar ${path} is not valid:\n${issues.map((i) => `  - ${i}`).join('\n')}`,
      { file: path, ...(first === undefined ? {} : { configKey: first.path.map(String).join('.') }) },
      SIDECAR_HINT,
    );
  }
  return { path, options: fromFile(parsed.data) };
}

const SIDECAR_HINT =
  'The sidecar may hold separator, decimal_comma, date_order (us | day-first), sheet, rate_unit (percent | fraction) ' +
  'and columns (census column: file header); see docs/CENSUS.md. Delete it to read the census without it.';

/** Writes the sidecar next to the census, atomically (a reader sees the old file or the new one). */
export async function writeSidecar(censusFile: string, options: ReadingOptions): Promise<string> {
  const path = sidecarPath(censusFile);
  const header = `# How PlanAlign reads ${basename(censusFile)} (written by planalign census check --save-mapping; docs/CENSUS.md).\n`;
  await writeTextAtomically(path, header + stringify(toFile(options)));
  return path;
}

/** Only the options that are set and change how the file is read. */
export function readingOptions(options: CensusIntakeOptions): ReadingOptions {
  const { reportErrors: _report, ...reading } = options;
  return Object.fromEntries(Object.entries(reading).filter(([, v]) => v !== undefined)) as ReadingOptions;
}

/** Where each option in effect came from: the caller (command line) or the sidecar. */
export type IntakeSource = 'option' | 'sidecar';

/** Flags > sidecar, key by key (and column by column). */
export function mergeIntake(
  given: CensusIntakeOptions,
  sidecar: Sidecar | undefined,
): { options: CensusIntakeOptions; sources: Partial<Record<keyof ReadingOptions, IntakeSource>> } {
  const fromSidecar = sidecar?.options ?? {};
  const flags = readingOptions(given);
  const sources: Partial<Record<keyof ReadingOptions, IntakeSource>> = {};
  for (const key of Object.keys(fromSidecar) as (keyof ReadingOptions)[]) sources[key] = 'sidecar';
  for (const key of Object.keys(flags) as (keyof ReadingOptions)[]) sources[key] = 'option';
  const columns = fromSidecar.columns === undefined && flags.columns === undefined ? undefined : { ...fromSidecar.columns, ...flags.columns };
  return {
    options: { ...fromSidecar, ...flags, ...(columns === undefined ? {} : { columns }), reportErrors: given.reportErrors },
    sources,
  };
}

function fromFile(file: SidecarFile): ReadingOptions {
  return readingOptions({
    separator: file.separator,
    decimalComma: file.decimal_comma,
    dateOrder: file.date_order,
    sheet: file.sheet,
    rateUnit: file.rate_unit,
    columns: file.columns as Record<string, string> | undefined,
  });
}

function toFile(options: ReadingOptions): SidecarFile {
  const file: SidecarFile = {
    separator: options.separator,
    decimal_comma: options.decimalComma,
    date_order: options.dateOrder,
    sheet: options.sheet,
    rate_unit: options.rateUnit,
    columns: options.columns,
  };
  return Object.fromEntries(Object.entries(file).filter(([, v]) => v !== undefined)) as SidecarFile;
}
