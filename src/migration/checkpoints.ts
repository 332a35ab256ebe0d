import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Database } from '../db/database.js';
import { assertNotForeign, timestamp } from '../db/metadata.js';
import { ExitCode, UsageError } from '../errors.js';
import {
  canonicalPythonJson,
  isPlainObject,
  parsePythonJson,
  PyNumber,
  referenceIntegrityHash,
  type PyObject,
  type PyValue,
} from './python-json.js';

/**
 * Import of the Python engine's file checkpoints (`.planalign_checkpoints/`, formerly
 * `.navigator_checkpoints/`) into a PlanAlign database. Documents whose integrity hash still matches
 * become rows of planalign_imported_checkpoints; anything corrupt is moved to `<dir>/quarantine/`
 * with the reason, never deleted. The reference's MigrationManager deleted unreadable legacy files;
 * this keeps them.
 */

export const DEFAULT_CHECKPOINT_DIR = '.planalign_checkpoints';
export const LEGACY_CHECKPOINT_DIR = '.navigator_checkpoints';
export const QUARANTINE_DIR = 'quarantine';
export const IMPORTED_CHECKPOINTS_TABLE = 'planalign_imported_checkpoints';

/** Versions the reference's recovery code accepts (§9.4). */
const KNOWN_VERSIONS = ['2.0', '1.0'];

const V2_FILE = /^year_(\d+)\.checkpoint\.gz$/;
const LEGACY_FILE = /^year_(\d+)\.json$/;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${IMPORTED_CHECKPOINTS_TABLE} (
    simulation_year INTEGER NOT NULL,
    run_id VARCHAR,
    config_hash VARCHAR,
    source_file VARCHAR NOT NULL,     -- absolute path of the imported file
    format VARCHAR NOT NULL,          -- v2.0 | legacy
    table_counts VARCHAR,             -- JSON of database_state.table_counts
    integrity_hash VARCHAR,           -- verified (v2.0) or the legacy state_hash (unverifiable)
    created_at VARCHAR,               -- the document's own timestamp, as written
    imported_at TIMESTAMP NOT NULL
)`;

export type ImportedFormat = 'v2.0' | 'legacy';

export interface ImportedCheckpoint {
  file: string;
  year: number;
  format: ImportedFormat;
  runId: string | null;
  configHash: string | null;
  /** Set when something about the import deserves a word (legacy: integrity not verifiable). */
  note?: string;
}

export interface CheckpointMigrationReport {
  dir: string;
  database: string;
  imported: ImportedCheckpoint[];
  quarantined: Array<{ file: string; reason: string; movedTo: string }>;
  skipped: Array<{ file: string; reason: string }>;
}

export interface CheckpointListEntry {
  year: number;
  source: 'planalign' | 'imported';
  /** `planalign` for our own per-year rows; the file format for imported ones. */
  format: 'planalign' | ImportedFormat;
  runId: string | null;
  configHash: string | null;
  createdAt: string | null;
  file?: string;
}

interface ImportRow {
  entry: ImportedCheckpoint;
  sourceFile: string;
  tableCounts: string | null;
  integrityHash: string | null;
  createdAt: string | null;
}

type Verdict = { ok: ImportRow } | { corrupt: string } | { skip: string };

/** The folder to migrate: the one given, else `.planalign_checkpoints`, else `.navigator_checkpoints`. */
export function resolveCheckpointDir(dir: string | undefined): string {
  if (dir !== undefined) return dir;
  if (!existsSync(DEFAULT_CHECKPOINT_DIR) && existsSync(LEGACY_CHECKPOINT_DIR)) return LEGACY_CHECKPOINT_DIR;
  return DEFAULT_CHECKPOINT_DIR;
}

/**
 * Reads every checkpoint file of `dir`, imports the valid ones into `database` (one transaction) and
 * then moves the corrupt ones to `<dir>/quarantine/`. Nothing is moved when the database write fails.
 */
export async function migrateCheckpoints(
  dir: string,
  database: string,
  options: { now?: Date } = {},
): Promise<CheckpointMigrationReport> {
  if (!existsSync(dir)) {
    throw new UsageError(`No checkpoint folder at ${dir}`, { file: dir }, `Pass the reference engine's ${DEFAULT_CHECKPOINT_DIR} (or ${LEGACY_CHECKPOINT_DIR}) folder.`);
  }
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`, { file: dir });
  assertDatabaseFile(database);

  const report: CheckpointMigrationReport = { dir, database, imported: [], quarantined: [], skipped: [] };
  const rows: ImportRow[] = [];
  const corrupt: Array<{ file: string; reason: string }> = [];
  const importedV2Hashes = new Map<number, string | null>();

  // v2.0 documents first, so that a legacy copy can be recognised as one.
  const names = readdirSync(dir).sort(byYearThenName);
  const ordered = [...names.filter((n) => V2_FILE.test(n)), ...names.filter((n) => !V2_FILE.test(n))];
  for (const name of ordered) {
    const verdict = examine(dir, name, importedV2Hashes);
    if (verdict === undefined) continue;
    if ('ok' in verdict) {
      rows.push(verdict.ok);
      if (verdict.ok.entry.format === 'v2.0') importedV2Hashes.set(verdict.ok.entry.year, verdict.ok.integrityHash);
    } else if ('corrupt' in verdict) {
      corrupt.push({ file: name, reason: verdict.corrupt });
    } else {
      report.skipped.push({ file: name, reason: verdict.skip });
    }
  }

  // The database is checked (ours, writable, not held) even with nothing to import, before any move.
  const db = await Database.open(database);
  try {
    await assertNotForeign(db);
    const importedAt = timestamp(options.now ?? new Date());
    if (rows.length > 0) {
      await db.transaction(async () => {
        await db.run(CREATE_TABLE);
        for (const row of rows) {
          await db.run(`DELETE FROM ${IMPORTED_CHECKPOINTS_TABLE} WHERE source_file = $1`, [row.sourceFile]);
          await db.run(`INSERT INTO ${IMPORTED_CHECKPOINTS_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::TIMESTAMP)`, [
            row.entry.year,
            row.entry.runId,
            row.entry.configHash,
            row.sourceFile,
            row.entry.format,
            row.tableCounts,
            row.integrityHash,
            row.createdAt,
            importedAt,
          ]);
        }
      });
    }
  } finally {
    db.close();
  }
  report.imported = rows.map((r) => r.entry).sort((a, b) => a.year - b.year || byYearThenName(a.file, b.file));

  for (const { file, reason } of corrupt) {
    try {
      report.quarantined.push({ file, reason, movedTo: quarantine(dir, file) });
    } catch (error) {
      report.skipped.push({ file, reason: `${reason}; could not be moved to ${join(dir, QUARANTINE_DIR)}: ${messageOf(error)}` });
    }
  }
  return report;
}

function assertDatabaseFile(database: string): void {
  if (database === ':memory:' || !existsSync(database)) {
    throw new UsageError(
      `No database at ${database}`,
      { file: database },
      'Import checkpoints into an existing PlanAlign database (made by planalign simulate or planalign migrate database).',
    );
  }
}

function examine(dir: string, name: string, importedV2Hashes: ReadonlyMap<number, string | null>): Verdict | undefined {
  const path = join(dir, name);
  const stat = lstatSync(path);
  if (stat.isDirectory()) return name === QUARANTINE_DIR ? undefined : { skip: 'a folder, not a checkpoint file' };
  if (stat.isSymbolicLink()) {
    return { skip: name === 'latest_checkpoint.gz' ? 'link to the newest checkpoint, not a checkpoint of its own' : 'a symbolic link, not a checkpoint file' };
  }
  if (name.endsWith('.tmp')) return { skip: 'temporary file of an unfinished save' };
  const v2 = V2_FILE.exec(name);
  const legacy = LEGACY_FILE.exec(name);
  if (!v2 && !legacy) return { skip: 'not a checkpoint file (expected year_<Y>.checkpoint.gz or year_<Y>.json)' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    // An unreadable file (permissions) is left where it is.
    return { skip: `cannot be read: ${messageOf(error)}` };
  }
  const fileYear = Number((v2 ?? legacy)![1]);
  const source = { name, sourceFile: resolve(path), fileYear };
  return v2 ? examineV2(bytes, source) : examineLegacy(bytes, source, importedV2Hashes);
}

interface Source {
  name: string;
  sourceFile: string;
  fileYear: number;
}

function examineV2(bytes: Buffer, source: Source): Verdict {
  let text: string;
  try {
    text = decodeUtf8(gunzipSync(bytes));
  } catch (error) {
    return { corrupt: `not a readable gzip file: ${messageOf(error)}` };
  }
  const doc = parseDocument(text);
  if (typeof doc === 'string') return { corrupt: doc };
  const stored = doc.integrity_hash;
  if (typeof stored !== 'string') return { corrupt: missing('integrity_hash', stored) };
  const metadata = doc.metadata;
  if (!isPlainObject(metadata)) return { corrupt: missing('metadata', metadata) };
  const version = metadata.checkpoint_version;
  if (typeof version !== 'string') return { corrupt: missing('metadata.checkpoint_version', version) };
  if (!KNOWN_VERSIONS.includes(version)) return { corrupt: `unknown checkpoint_version "${version}" (expected ${KNOWN_VERSIONS.join(' or ')})` };
  const actual = referenceIntegrityHash(doc);
  if (actual !== stored) return { corrupt: `integrity hash mismatch: the file says ${stored}, its content hashes to ${actual}` };
  const year = integerOf(metadata.year);
  if (year === undefined) return { corrupt: missing('metadata.year', metadata.year, 'an integer') };
  if (year !== source.fileYear) return { corrupt: `the file name says year ${source.fileYear}, metadata.year is ${year}` };
  const runId = metadata.run_id;
  if (typeof runId !== 'string') return { corrupt: missing('metadata.run_id', runId) };
  const configHash = metadata.config_hash;
  if (typeof configHash !== 'string') return { corrupt: missing('metadata.config_hash', configHash) };
  const state = doc.database_state;
  const tableCounts = isPlainObject(state) && state.table_counts !== undefined ? canonicalPythonJson(state.table_counts) : null;
  const entry: ImportedCheckpoint = { file: source.name, year, format: 'v2.0', runId, configHash };
  if (version !== '2.0') entry.note = `checkpoint_version ${version}`;
  return {
    ok: {
      entry,
      sourceFile: source.sourceFile,
      tableCounts,
      integrityHash: stored,
      createdAt: stringOrNull(metadata.timestamp),
    },
  };
}

function examineLegacy(bytes: Buffer, source: Source, importedV2Hashes: ReadonlyMap<number, string | null>): Verdict {
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (error) {
    return { corrupt: messageOf(error) };
  }
  const doc = parseDocument(text);
  if (typeof doc === 'string') return { corrupt: doc };
  const year = integerOf(doc.year);
  if (year === undefined) return { corrupt: missing('year', doc.year, 'an integer') };
  if (year !== source.fileYear) return { corrupt: `the file name says year ${source.fileYear}, year is ${year}` };
  const stateHash = stringOrNull(doc.state_hash);
  if (importedV2Hashes.has(year)) {
    const twin = `year_${source.fileYear}.checkpoint.gz`;
    return {
      skip:
        importedV2Hashes.get(year) === stateHash
          ? `legacy copy of ${twin} (its state_hash is that file's integrity hash), which was imported`
          : `superseded by ${twin}, which was imported`,
    };
  }
  return {
    ok: {
      entry: {
        file: source.name,
        year,
        format: 'legacy',
        runId: null,
        configHash: null,
        note: 'legacy checkpoint: integrity not verifiable (no content hash to check it against)',
      },
      sourceFile: source.sourceFile,
      tableCounts: null,
      integrityHash: stateHash,
      createdAt: stringOrNull(doc.timestamp),
    },
  };
}

/** The document as an object, or the reason it is not one. */
function parseDocument(text: string): PyObject | string {
  let doc: PyValue;
  try {
    doc = parsePythonJson(text);
  } catch (error) {
    return `invalid JSON: ${messageOf(error)}`;
  }
  return isPlainObject(doc) ? (doc as PyObject) : 'invalid checkpoint: the document is not a JSON object';
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error('not UTF-8 text');
  }
}

function integerOf(value: PyValue | undefined): number | undefined {
  if (!(value instanceof PyNumber)) return undefined;
  const n = value.value;
  return Number.isSafeInteger(n) ? n : undefined;
}

function stringOrNull(value: PyValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function missing(field: string, value: PyValue | undefined, expected = 'a string'): string {
  return value === undefined ? `missing field ${field}` : `field ${field} is not ${expected}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byYearThenName(a: string, b: string): number {
  const ya = Number(/^year_(\d+)\./.exec(a)?.[1] ?? Infinity);
  const yb = Number(/^year_(\d+)\./.exec(b)?.[1] ?? Infinity);
  if (ya !== yb) return ya < yb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Moves `<dir>/<name>` into `<dir>/quarantine/`, never over an existing file: `name`, `name.1.ext`, ... */
function quarantine(dir: string, name: string): string {
  const folder = join(dir, QUARANTINE_DIR);
  mkdirSync(folder, { recursive: true });
  const ext = extname(name);
  const stem = basename(name, ext);
  for (let n = 0; ; n++) {
    const target = join(folder, n === 0 ? name : `${stem}.${n}${ext}`);
    if (moveIfAbsent(join(dir, name), target)) return target;
  }
}

/** Renames `from` to `to` unless `to` exists; false when it does. */
function moveIfAbsent(from: string, to: string): boolean {
  try {
    // A hard link fails when the target exists, so two concurrent moves cannot overwrite each other.
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // File systems without hard links.
    if (existsSync(to)) return false;
    renameSync(from, to);
    return true;
  }
  unlinkSync(from);
  return true;
}

/** Our per-year checkpoints and the imported ones, by year then source. */
export async function listCheckpoints(database: string): Promise<CheckpointListEntry[]> {
  assertDatabaseFile(database);
  const db = await Database.open(database, { readOnly: true });
  try {
    const entries: CheckpointListEntry[] = [];
    if (await db.tableExists('planalign_checkpoints')) {
      const rows = await db.all<{ simulation_year: number; run_id: string; config_hash: string; created_at: string }>(
        `SELECT simulation_year, run_id, config_hash, created_at::VARCHAR AS created_at FROM planalign_checkpoints`,
      );
      for (const r of rows) {
        entries.push({ year: r.simulation_year, source: 'planalign', format: 'planalign', runId: r.run_id, configHash: r.config_hash, createdAt: r.created_at });
      }
    }
    if (await db.tableExists(IMPORTED_CHECKPOINTS_TABLE)) {
      const rows = await db.all<{
        simulation_year: number;
        run_id: string | null;
        config_hash: string | null;
        format: ImportedFormat;
        created_at: string | null;
        source_file: string;
      }>(`SELECT simulation_year, run_id, config_hash, format, created_at, source_file FROM ${IMPORTED_CHECKPOINTS_TABLE}`);
      for (const r of rows) {
        entries.push({
          year: r.simulation_year,
          source: 'imported',
          format: r.format,
          runId: r.run_id,
          configHash: r.config_hash,
          createdAt: r.created_at,
          file: r.source_file,
        });
      }
    }
    const key = (e: CheckpointListEntry): string => `${e.source}\u0000${e.file ?? ''}`;
    return entries.sort((a, b) => a.year - b.year || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  } finally {
    db.close();
  }
}

/** The report as lines for the terminal. */
export function formatCheckpointMigration(report: CheckpointMigrationReport): string {
  const { imported, quarantined, skipped } = report;
  const lines = [`Checkpoints in ${report.dir} -> ${report.database}`];
  if (imported.length + quarantined.length + skipped.length === 0) lines.push('  no files');
  if (imported.length > 0) {
    lines.push(`Imported ${imported.length}:`);
    for (const i of imported) {
      const run = i.runId === null ? '' : `  run ${i.runId}  config ${i.configHash ?? '-'}`;
      lines.push(`  ${i.file}  year ${i.year}  ${i.format}${run}${i.note ? `  (${i.note})` : ''}`);
    }
  }
  if (quarantined.length > 0) {
    lines.push(`Quarantined ${quarantined.length} (moved, not deleted):`);
    for (const q of quarantined) lines.push(`  ${q.file}: ${q.reason}`, `    -> ${q.movedTo}`);
  }
  if (skipped.length > 0) {
    lines.push(`Skipped ${skipped.length}:`);
    for (const s of skipped) lines.push(`  ${s.file}: ${s.reason}`);
  }
  return lines.join('\n');
}

/** Our and imported checkpoints as lines for the terminal. */
export function formatCheckpointList(entries: readonly CheckpointListEntry[]): string {
  if (entries.length === 0) return 'No checkpoints';
  return entries
    .map((e) => `${e.year}  ${e.source.padEnd(9)} ${e.format.padEnd(9)} ${(e.runId ?? '-').padEnd(38)} ${e.createdAt ?? '-'}${e.file ? `  ${e.file}` : ''}`)
    .join('\n');
}

/** `planalign migrate checkpoints [DIR] --database F [--json]`: 0 also when files were quarantined. */
export async function migrateCheckpointsCommand(dir: string | undefined, options: { database: string; json?: boolean }): Promise<number> {
  const report = await migrateCheckpoints(resolveCheckpointDir(dir), options.database);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheckpointMigration(report)}\n`);
  return ExitCode.Success;
}
