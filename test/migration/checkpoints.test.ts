import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/db/database.js';
import { ensureSchema } from '../../src/db/metadata.js';
import { DatabaseStateError, UsageError } from '../../src/errors.js';
import {
  formatCheckpointList,
  formatCheckpointMigration,
  listCheckpoints,
  migrateCheckpoints,
  migrateCheckpointsCommand,
  resolveCheckpointDir,
  type CheckpointMigrationReport,
} from '../../src/migration/checkpoints.js';
import {
  canonicalPythonJson,
  compareCodePoints,
  parsePythonJson,
  PyNumber,
  PythonJsonError,
  pythonFloatRepr,
  referenceIntegrityHash,
  type PyObject,
} from '../../src/migration/python-json.js';
import { useTempDir } from '../support/tmp.js';

const FIXTURE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'reference_checkpoints.py');
const NOW = new Date('2026-01-02T03:04:05.000Z');

/** Writes reference checkpoint files with real Python; returns {file: integrity hash}. */
function writeReferenceCheckpoints(dir: string, scenario: 'main' | 'extra' | 'single'): Record<string, string> {
  return JSON.parse(execFileSync('python3', [FIXTURE_SCRIPT, dir, scenario], { encoding: 'utf8' })) as Record<string, string>;
}

/** What Python's json.loads + json.dumps(sort_keys, compact) makes of each text (null: Python rejects it). */
function pythonCanonical(texts: string[]): Array<string | null> {
  const script = String.raw`
import json, sys
out = []
for text in json.loads(sys.stdin.read()):
    try:
        out.append(json.dumps(json.loads(text), sort_keys=True, separators=(',', ':')))
    except ValueError:
        out.append(None)
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' })) as Array<string | null>;
}

function ours(text: string): string | null {
  try {
    return canonicalPythonJson(parsePythonJson(text));
  } catch (error) {
    if (error instanceof PythonJsonError) return null;
    throw error;
  }
}

/** A PlanAlign database (our schema) with a checkpoint row for each year given. */
async function planAlignDatabase(path: string, years: number[] = []): Promise<void> {
  const db = await Database.open(path);
  try {
    await ensureSchema(db, NOW);
    for (const year of years) {
      await db.run(`INSERT INTO planalign_checkpoints VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMP, 'duckdb-hash/test', 'unknown')`, [
        year,
        'run-ours',
        'cfg-ours',
        'census-ours',
        '{"fct_workforce_snapshot":10}',
        '{"fct_workforce_snapshot":"1"}',
        '2026-01-01 00:00:00',
      ]);
    }
  } finally {
    db.close();
  }
}

async function importedRows(path: string): Promise<Array<Record<string, unknown>>> {
  const db = await Database.open(path, { readOnly: true });
  try {
    return await db.all(
      `SELECT simulation_year, run_id, config_hash, source_file, format, table_counts, integrity_hash, created_at, imported_at::VARCHAR AS imported_at
       FROM planalign_imported_checkpoints ORDER BY simulation_year, source_file`,
    );
  } finally {
    db.close();
  }
}

function snapshotFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.gz') || name.endsWith('.json')) {
      try {
        files.set(name, readFileSync(join(dir, name)));
      } catch {
        // the dangling or directory entries are not compared
      }
    }
  }
  return files;
}

describe('migration suite: checkpoint format migration', () => {
  const tempDir = useTempDir();
  afterEach(() => vi.restoreAllMocks());

  describe('Python canonical JSON', () => {
    it('matches json.dumps(sort_keys=True, separators=(",", ":")) on tricky documents', () => {
      const texts = [
        '{"b": 1, "a": [0.1, 1e-05, 1e+17, 3.0, -2.5e-07, 1e16, 1e15, 0.0001, 1.5e-05, 5e-324, 1.7976931348623157e+308]}',
        '[-0, -0.0, 0.0, 0e0, 1E5, 1.50, 100, -12345678901234567890123, 123456789e-30, 2.5E+300, 1e400, -1e400, 1e-400, -1e-400]',
        '[NaN, Infinity, -Infinity]',
        '{"z": 1, "Z": 2, "é": 3, "中文": 4, "😀": 5, "\\uffff": 6, "\\ud800": 7, "": 8, "a\\u0000": 9, "aa": 10, "a": 11}',
        '["é 中文 😀", "\\ud83d\\ude00", "\\ud83d", "\\udc00x", "\\"\\\\/\\b\\f\\n\\r\\t", "\\u0001\\u001f\\u007f\\u0080\\u2028", "a/b", "\u00e9 raw \u4e2d"]',
        '{"nested": {"b": [{"y": null, "x": true}, []], "a": {}}, "flag": false}',
        '{"a": 1, "a": 2}',
        '{"__proto__": {"x": 1}, "constructor": 2, "toString": "s"}',
        '\n [\r\n 1 ,\t2 ] \n',
        '"just a string"',
        '12',
        // Rejected by Python:
        '',
        ' ',
        '01',
        '1.',
        '.5',
        '+1',
        '-',
        '1e',
        '1e+',
        '[1,]',
        '[1 2]',
        '{"a":1,}',
        '{"a" 1}',
        '{1: 2}',
        '{"a"',
        '{"a":',
        '{',
        '[',
        '"abc',
        '"\\x"',
        '"\\u12"',
        '"\\u12G4"',
        '"tab\there"',
        '\ufeff{}',
        '\u00a0{}',
        'nan',
        'tru',
        'null x',
        '-NaN',
        '"\\',
      ];
      const python = pythonCanonical(texts);
      expect(texts.map(ours)).toEqual(python);
      // A sanity check that the comparison is not vacuous.
      expect(python.filter((p) => p !== null)).toHaveLength(11);
    });

    it('writes 3000 floats exactly as Python repr, from any token spelling', () => {
      const script = String.raw`
import json, random, struct, math
random.seed(20260102)
values = []
while len(values) < 2000:
    x = struct.unpack('<d', struct.pack('<Q', random.getrandbits(64)))[0]
    if math.isfinite(x):
        values.append(x)
for k in range(-30, 31):
    for _ in range(15):
        values.append(random.uniform(-1, 1) * 10 ** k)
values += [0.0, -0.0, 1.0, -1.0, 0.5, 1e16, 1e15, 9999999999999998.0, 1e-4, 1e-5, 0.00011, 2.0 ** 53, 2.0 ** 60, 123.456, 1e22, 1e-7, 5e-324]
print(json.dumps({'doc': json.dumps(values), 'canonical': json.dumps(values, sort_keys=True, separators=(',', ':'))}))
`;
      const { doc, canonical } = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as { doc: string; canonical: string };
      const parsed = parsePythonJson(doc) as PyNumber[];
      expect(parsed.length).toBeGreaterThanOrEqual(2900);
      const tokens = (text: string): string[] => text.slice(1, -1).split(',');
      const expected = tokens(canonical);
      // Token by token first (a readable diff), then the whole text.
      expect(parsed.map((n) => n.toPython())).toEqual(expected);
      expect(canonicalPythonJson(parsed)).toBe(canonical);
      // From JS numbers too (PyNumber.float), and from other spellings of the same values.
      expect(parsed.map((n) => canonicalPythonJson(PyNumber.float(n.value)))).toEqual(expected);
      const respell = (x: number): string => `${Object.is(x, -0) ? '-' : ''}${x.toExponential().toUpperCase()}`;
      expect(tokens(canonicalPythonJson(parsePythonJson(`[${parsed.map((n) => respell(n.value)).join(',')}]`)))).toEqual(expected);
    });

    it('keeps number tokens and serializes plain JS data as Python would', () => {
      const doc = parsePythonJson('{"i": 12345678901234567890, "f": 1.0, "e": 1e+17}') as PyObject;
      expect(doc.i).toBeInstanceOf(PyNumber);
      expect((doc.i as PyNumber).kind).toBe('int');
      expect((doc.i as PyNumber).text).toBe('12345678901234567890');
      expect((doc.f as PyNumber).kind).toBe('float');
      expect((doc.f as PyNumber).value).toBe(1);
      expect(canonicalPythonJson(doc)).toBe('{"e":1e+17,"f":1.0,"i":12345678901234567890}');
      expect(canonicalPythonJson({ b: [1, 1.5, -0, 1e21, 1e-7, 10n, PyNumber.float(3), PyNumber.int(7n), PyNumber.int(8)], a: 'é' })).toBe(
        '{"a":"\\u00e9","b":[1,1.5,-0.0,1000000000000000000000,1e-07,10,3.0,7,8]}',
      );
      expect(pythonFloatRepr(NaN)).toBe('NaN');
      expect(() => PyNumber.int(1.5)).toThrow(TypeError);
      expect(() => canonicalPythonJson({ a: undefined })).toThrow(/not JSON serializable/);
      expect(compareCodePoints('\uffff', '😀')).toBe(-1);
      expect(compareCodePoints('😀', '\uffff')).toBe(1);
      expect(compareCodePoints('ab', 'a')).toBe(1);
      expect(compareCodePoints('a', 'ab')).toBe(-1);
      expect(compareCodePoints('a😀', 'a😀')).toBe(0);
    });

    it('reports JSON errors with line and column as Python does', () => {
      expect(() => parsePythonJson('{\n  "a": 1,\n  "b" 2\n}')).toThrow("Expecting ':' delimiter: line 3 column 7 (char 18)");
      expect(() => parsePythonJson('[1, 2')).toThrow(PythonJsonError);
    });

    it('hashes a document as the reference does, leaving it unchanged', () => {
      const doc = parsePythonJson(
        '{"integrity_hash": "x", "metadata": {"year": 2025, "timestamp": "t"}, "performance_metrics": {"checkpoint_creation_time": "c", "total_tables": 3}}',
      ) as PyObject;
      const script = String.raw`
import hashlib, json
doc = {"metadata": {"year": 2025}, "performance_metrics": {"total_tables": 3}}
print(hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(',', ':')).encode()).hexdigest())
`;
      expect(referenceIntegrityHash(doc)).toBe(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim());
      expect(canonicalPythonJson(doc)).toContain('"timestamp":"t"');
      expect(referenceIntegrityHash({ metadata: 'not an object' })).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('migrateCheckpoints', () => {
    it('imports valid and legacy checkpoints, quarantines corrupt ones byte for byte and skips the rest', async () => {
      const root = tempDir();
      const dir = join(root, '.planalign_checkpoints');
      const hashes = writeReferenceCheckpoints(dir, 'main');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const before = snapshotFiles(dir);

      const report = await migrateCheckpoints(dir, database, { now: NOW });

      expect(report.imported).toEqual([
        {
          file: 'year_2024.json',
          year: 2024,
          format: 'legacy',
          runId: null,
          configHash: null,
          note: 'legacy checkpoint: integrity not verifiable (no content hash to check it against)',
        },
        { file: 'year_2025.checkpoint.gz', year: 2025, format: 'v2.0', runId: 'multiyear_20251124_101500', configHash: '0123456789abcdef' },
      ]);
      const quarantined = Object.fromEntries(report.quarantined.map((q) => [q.file, q]));
      expect(Object.keys(quarantined).sort()).toEqual(['year_2026.checkpoint.gz', 'year_2027.json', 'year_2028.checkpoint.gz']);
      expect(quarantined['year_2026.checkpoint.gz']!.reason).toMatch(/^integrity hash mismatch: the file says [0-9a-f]{64}, its content hashes to [0-9a-f]{64}$/);
      expect(quarantined['year_2027.json']!.reason).toMatch(/^invalid JSON: Expecting property name enclosed in double quotes: line 1 column 36/);
      expect(quarantined['year_2028.checkpoint.gz']!.reason).toMatch(/^not a readable gzip file: incorrect header check/);
      for (const q of report.quarantined) {
        expect(q.movedTo).toBe(join(dir, 'quarantine', q.file));
        expect(existsSync(join(dir, q.file))).toBe(false);
        expect(readFileSync(q.movedTo).equals(before.get(q.file)!)).toBe(true);
      }
      expect(report.skipped).toEqual([
        { file: 'year_2025.json', reason: "legacy copy of year_2025.checkpoint.gz (its state_hash is that file's integrity hash), which was imported" },
        { file: 'year_2029.checkpoint.tmp', reason: 'temporary file of an unfinished save' },
        { file: 'latest_checkpoint.gz', reason: 'link to the newest checkpoint, not a checkpoint of its own' },
        { file: 'notes.txt', reason: 'not a checkpoint file (expected year_<Y>.checkpoint.gz or year_<Y>.json)' },
      ]);
      // The imported and skipped files stay where they were.
      for (const name of ['year_2024.json', 'year_2025.checkpoint.gz', 'year_2025.json']) expect(existsSync(join(dir, name))).toBe(true);

      const rows = await importedRows(database);
      expect(rows).toEqual([
        {
          simulation_year: 2024,
          run_id: null,
          config_hash: null,
          source_file: resolve(dir, 'year_2024.json'),
          format: 'legacy',
          table_counts: null,
          integrity_hash: 'ab'.repeat(32),
          created_at: '2025-11-24T09:00:00',
          imported_at: '2026-01-02 03:04:05',
        },
        {
          simulation_year: 2025,
          run_id: 'multiyear_20251124_101500',
          config_hash: '0123456789abcdef',
          source_file: resolve(dir, 'year_2025.checkpoint.gz'),
          format: 'v2.0',
          table_counts:
            '{"fct_workforce_snapshot":5012,"fct_yearly_events":251,"int_workforce_needs":"ERROR: Catalog Error: Table with name int_workforce_needs does not exist!"}',
          integrity_hash: hashes['year_2025.checkpoint.gz'],
          created_at: '2025-11-24T10:15:01.000000',
          imported_at: '2026-01-02 03:04:05',
        },
      ]);

      const text = formatCheckpointMigration(report);
      expect(text).toContain(`Checkpoints in ${dir} -> ${database}`);
      expect(text).toContain('Imported 2:');
      expect(text).toContain('year_2025.checkpoint.gz  year 2025  v2.0  run multiyear_20251124_101500  config 0123456789abcdef');
      expect(text).toContain('year_2024.json  year 2024  legacy  (legacy checkpoint: integrity not verifiable');
      expect(text).toContain('Quarantined 3 (moved, not deleted):');
      expect(text).toContain(`    -> ${join(dir, 'quarantine', 'year_2027.json')}`);
      expect(text).toContain('Skipped 4:');
    });

    it('replaces an earlier import of the same file and never overwrites a quarantined file', async () => {
      const root = tempDir();
      const dir = join(root, '.planalign_checkpoints');
      writeReferenceCheckpoints(dir, 'single');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      mkdirSync(join(dir, 'quarantine'));
      writeFileSync(join(dir, 'quarantine', 'year_2028.checkpoint.gz'), 'an earlier one');
      writeFileSync(join(dir, 'quarantine', 'year_2028.checkpoint.1.gz'), 'another earlier one');

      const first = await migrateCheckpoints(dir, database);
      expect(first.quarantined).toEqual([
        { file: 'year_2028.checkpoint.gz', reason: expect.stringMatching(/gzip/), movedTo: join(dir, 'quarantine', 'year_2028.checkpoint.2.gz') },
      ]);
      expect(readFileSync(join(dir, 'quarantine', 'year_2028.checkpoint.gz'), 'utf8')).toBe('an earlier one');
      expect(readFileSync(join(dir, 'quarantine', 'year_2028.checkpoint.2.gz'), 'utf8')).toBe('this is not gzip\n');

      const second = await migrateCheckpoints(dir, database);
      expect(second.imported.map((i) => i.file)).toEqual(['year_2025.checkpoint.gz']);
      expect(second.quarantined).toEqual([]);
      expect(second.skipped).toEqual([]);
      expect((await importedRows(database)).map((r) => r.source_file)).toEqual([resolve(dir, 'year_2025.checkpoint.gz')]);
    });

    it('accepts the old .navigator_checkpoints folder, and finds it by default', async () => {
      const root = tempDir();
      const dir = join(root, '.navigator_checkpoints');
      writeReferenceCheckpoints(dir, 'single');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const report = await migrateCheckpoints(dir, database);
      expect(report.imported.map((i) => [i.file, i.year, i.format])).toEqual([['year_2025.checkpoint.gz', 2025, 'v2.0']]);
      expect(report.quarantined.map((q) => q.movedTo)).toEqual([join(dir, 'quarantine', 'year_2028.checkpoint.gz')]);

      const cwd = process.cwd();
      try {
        process.chdir(root);
        expect(resolveCheckpointDir(undefined)).toBe('.navigator_checkpoints');
        mkdirSync('.planalign_checkpoints');
        expect(resolveCheckpointDir(undefined)).toBe('.planalign_checkpoints');
        expect(resolveCheckpointDir('elsewhere')).toBe('elsewhere');
      } finally {
        process.chdir(cwd);
      }
    });

    it('quarantines each kind of broken document with its reason', async () => {
      const root = tempDir();
      const dir = join(root, 'checkpoints');
      writeReferenceCheckpoints(dir, 'extra');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);

      const report = await migrateCheckpoints(dir, database);
      expect(report.imported).toEqual([
        { file: 'year_2031.checkpoint.gz', year: 2031, format: 'v2.0', runId: 'multiyear_20251124_101500', configHash: '0123456789abcdef', note: 'checkpoint_version 1.0' },
      ]);
      const reasons = Object.fromEntries(report.quarantined.map((q) => [q.file, q.reason]));
      expect(reasons).toEqual({
        'year_2030.checkpoint.gz': 'unknown checkpoint_version "3.0" (expected 2.0 or 1.0)',
        'year_2032.checkpoint.gz': 'missing field metadata.run_id',
        'year_2033.checkpoint.gz': 'the file name says year 2033, metadata.year is 2099',
        'year_2034.checkpoint.gz': 'missing field integrity_hash',
        'year_2035.checkpoint.gz': 'invalid checkpoint: the document is not a JSON object',
        'year_2036.checkpoint.gz': expect.stringMatching(/^not a readable gzip file: unexpected end of file/),
        'year_2037.checkpoint.gz': 'missing field metadata.checkpoint_version',
        'year_2038.checkpoint.gz': 'missing field metadata',
        'year_2039.checkpoint.gz': 'not a readable gzip file: not UTF-8 text',
        'year_2040.json': 'missing field year',
        'year_2041.json': 'field year is not an integer',
        'year_2042.json': 'not UTF-8 text',
        'year_2043.json': 'the file name says year 2043, year is 2044',
        'year_2045.checkpoint.gz': 'field metadata.config_hash is not a string',
      });
      expect(readdirSync(join(dir, 'quarantine')).sort()).toEqual(Object.keys(reasons).sort());
      expect(report.skipped).toEqual([{ file: 'old', reason: 'a folder, not a checkpoint file' }]);
    });

    it('writes nothing and moves nothing when the database write fails', async () => {
      const root = tempDir();
      const dir = join(root, '.planalign_checkpoints');
      writeReferenceCheckpoints(dir, 'main');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const db = await Database.open(database);
      try {
        // A table of the right shape whose constraint rejects the second row (2025).
        await db.run(`CREATE TABLE planalign_imported_checkpoints (
            simulation_year INTEGER CHECK (simulation_year < 2025), run_id VARCHAR, config_hash VARCHAR, source_file VARCHAR,
            format VARCHAR, table_counts VARCHAR, integrity_hash VARCHAR, created_at VARCHAR, imported_at TIMESTAMP)`);
      } finally {
        db.close();
      }
      const before = snapshotFiles(dir);
      await expect(migrateCheckpoints(dir, database)).rejects.toThrow(/CHECK constraint/i);
      expect(await importedRows(database)).toEqual([]);
      expect(existsSync(join(dir, 'quarantine'))).toBe(false);
      expect(snapshotFiles(dir)).toEqual(before);
    });

    it('refuses a missing folder, a file given as folder, a missing database and a Python engine database', async () => {
      const root = tempDir();
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const missing = join(root, 'nope');
      await expect(migrateCheckpoints(missing, database)).rejects.toThrow(UsageError);
      await expect(migrateCheckpoints(missing, database)).rejects.toThrow(`No checkpoint folder at ${missing}`);
      await expect(migrateCheckpoints(database, database)).rejects.toThrow(UsageError);
      await expect(migrateCheckpoints(database, database)).rejects.toThrow('is not a folder');

      const dir = join(root, 'ckpt');
      writeReferenceCheckpoints(dir, 'single');
      const absent = join(root, 'absent.duckdb');
      await expect(migrateCheckpoints(dir, absent)).rejects.toThrow(`No database at ${absent}`);
      expect(existsSync(absent)).toBe(false);
      await expect(listCheckpoints(absent)).rejects.toThrow(UsageError);

      const python = join(root, 'python.duckdb');
      const db = await Database.open(python);
      try {
        await db.run('CREATE TABLE fct_yearly_events (employee_id VARCHAR)');
      } finally {
        db.close();
      }
      await expect(migrateCheckpoints(dir, python)).rejects.toThrow(DatabaseStateError);
      expect(existsSync(join(dir, 'quarantine'))).toBe(false);
      expect(existsSync(join(dir, 'year_2028.checkpoint.gz'))).toBe(true);
    });

    it('reports files it could not move to the quarantine folder and leaves them in place', async () => {
      const root = tempDir();
      const dir = join(root, '.planalign_checkpoints');
      writeReferenceCheckpoints(dir, 'single');
      writeFileSync(join(dir, 'quarantine'), 'a file where the folder should be');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const report = await migrateCheckpoints(dir, database);
      expect(report.quarantined).toEqual([]);
      expect(report.skipped).toEqual([
        { file: 'quarantine', reason: 'not a checkpoint file (expected year_<Y>.checkpoint.gz or year_<Y>.json)' },
        { file: 'year_2028.checkpoint.gz', reason: expect.stringMatching(/^not a readable gzip file: .*; could not be moved to .*quarantine: E/) },
      ]);
      expect(existsSync(join(dir, 'year_2028.checkpoint.gz'))).toBe(true);
    });

    it('handles an empty folder', async () => {
      const root = tempDir();
      const dir = join(root, '.planalign_checkpoints');
      mkdirSync(dir);
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const report = await migrateCheckpoints(dir, database);
      expect(report).toEqual({ dir, database, imported: [], quarantined: [], skipped: [] });
      expect(formatCheckpointMigration(report)).toBe(`Checkpoints in ${dir} -> ${database}\n  no files`);
    });
  });

  describe('listCheckpoints', () => {
    it('shows our checkpoints and the imported ones by year then source', async () => {
      const root = tempDir();
      const dir = join(root, '.planalign_checkpoints');
      writeReferenceCheckpoints(dir, 'main');
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database, [2026, 2025]);
      await migrateCheckpoints(dir, database, { now: NOW });

      const list = await listCheckpoints(database);
      expect(list).toEqual([
        { year: 2024, source: 'imported', format: 'legacy', runId: null, configHash: null, createdAt: '2025-11-24T09:00:00', file: resolve(dir, 'year_2024.json') },
        {
          year: 2025,
          source: 'imported',
          format: 'v2.0',
          runId: 'multiyear_20251124_101500',
          configHash: '0123456789abcdef',
          createdAt: '2025-11-24T10:15:01.000000',
          file: resolve(dir, 'year_2025.checkpoint.gz'),
        },
        { year: 2025, source: 'planalign', format: 'planalign', runId: 'run-ours', configHash: 'cfg-ours', createdAt: '2026-01-01 00:00:00' },
        { year: 2026, source: 'planalign', format: 'planalign', runId: 'run-ours', configHash: 'cfg-ours', createdAt: '2026-01-01 00:00:00' },
      ]);
      const text = formatCheckpointList(list);
      expect(text.split('\n')).toHaveLength(4);
      expect(text).toContain('2024  imported  legacy    -');
      expect(text).toContain('2026  planalign planalign run-ours');
    });

    it('is empty for a database without checkpoint tables', async () => {
      const root = tempDir();
      const database = join(root, 'empty.duckdb');
      (await Database.open(database)).close();
      expect(await listCheckpoints(database)).toEqual([]);
      expect(formatCheckpointList([])).toBe('No checkpoints');
    });
  });

  describe('migrateCheckpointsCommand', () => {
    it('prints the report as text or JSON and exits 0 even when files were quarantined', async () => {
      const root = tempDir();
      const database = join(root, 'planalign.duckdb');
      await planAlignDatabase(database);
      const out: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk));
        return true;
      });

      const dir = join(root, 'a');
      writeReferenceCheckpoints(dir, 'single');
      expect(await migrateCheckpointsCommand(dir, { database })).toBe(0);
      expect(out.join('')).toContain('Quarantined 1 (moved, not deleted):');

      out.length = 0;
      const other = join(root, 'b');
      writeReferenceCheckpoints(other, 'single');
      expect(await migrateCheckpointsCommand(other, { database, json: true })).toBe(0);
      const report = JSON.parse(out.join('')) as CheckpointMigrationReport;
      expect(report.imported.map((i) => i.year)).toEqual([2025]);
      expect(report.quarantined.map((q) => q.file)).toEqual(['year_2028.checkpoint.gz']);

      await expect(migrateCheckpointsCommand(join(root, 'missing'), { database })).rejects.toMatchObject({ exitCode: 2 });
    });
  });
});
