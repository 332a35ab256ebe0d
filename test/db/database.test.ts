import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database, DEFAULT_MEMORY_LIMIT, ROW_GROUP_SIZE, parseMemoryLimit, pathLiteral } from '../../src/db/database.js';
import { UsageError } from '../../src/errors.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/** DuckDB's memory setting in bytes, from its display form ("2.7 GiB", "286.1 MiB"). */
async function memoryLimitBytes(db: Database): Promise<number> {
  const row = await db.one<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
  const match = /^([\d.]+)\s*(KiB|MiB|GiB|TiB)$/.exec(row!.v);
  expect(match, row!.v).not.toBeNull();
  return Number(match![1]) * 1024 ** (['KiB', 'MiB', 'GiB', 'TiB'].indexOf(match![2]!) + 1);
}

describe('Database.open', () => {
  it(`writes ${ROW_GROUP_SIZE}-row row groups, leaves no WAL behind, and readers see the rows`, async () => {
    const path = join(tempDir(), "it's a test.duckdb");
    const db = await Database.open(path);
    await db.run(`CREATE TABLE t AS SELECT range AS v FROM range(40000)`);
    const groups = await db.one<{ n: number }>(`SELECT count(DISTINCT row_group_id)::INTEGER AS n FROM pragma_storage_info('t')`);
    expect(groups?.n).toBe(Math.ceil(40000 / ROW_GROUP_SIZE));
    db.close();
    expect(existsSync(path)).toBe(true);
    expect(existsSync(`${path}.wal`)).toBe(false);
    const reader = await Database.open(path, { readOnly: true });
    try {
      expect(await reader.one(`SELECT count(*)::INTEGER AS n, sum(v)::BIGINT AS s FROM t`)).toEqual({ n: 40000, s: String((39999 * 40000) / 2) });
    } finally {
      reader.close();
    }
  });

  it('applies the memory limit given, else the default of at most 3 GiB', async () => {
    const dir = tempDir();
    const limited = await Database.open(join(dir, 'a.duckdb'), { memoryLimit: parseMemoryLimit('300MB') });
    try {
      expect(await memoryLimitBytes(limited)).toBeCloseTo(300e6, -6);
    } finally {
      limited.close();
    }
    const byDefault = await Database.open(join(dir, 'b.duckdb'));
    try {
      const bytes = await memoryLimitBytes(byDefault);
      expect(bytes).toBeLessThanOrEqual(3 * 2 ** 30 * 1.001);
      expect(bytes).toBeCloseTo(Number(/^(\d+)MiB$/.exec(DEFAULT_MEMORY_LIMIT)![1]) * 2 ** 20, -7);
    } finally {
      byDefault.close();
    }
  });

  it('refuses a memory size it cannot read, and a path with control characters', () => {
    expect(parseMemoryLimit(' 2.5GiB ')).toBe('2.5GiB');
    expect(() => parseMemoryLimit('lots')).toThrow(UsageError);
    expect(() => parseMemoryLimit('3')).toThrow(/such as 512MB/);
    expect(pathLiteral("/tmp/it's.duckdb")).toBe("'/tmp/it''s.duckdb'");
    expect(() => pathLiteral('/tmp/a\nb.duckdb')).toThrow(UsageError);
  });
});

describe('Database.existingTables', () => {
  it('names the tables and views of a main schema (temp ones too), not system views, as they are at each call', async () => {
    const db = await Database.open(join(tempDir(), 'tables.duckdb'));
    try {
      await db.run(`CREATE TABLE t (a INTEGER)`);
      await db.run(`CREATE VIEW v AS SELECT 1 AS a`);
      await db.run(`CREATE TEMP TABLE tt (a INTEGER)`);
      const names = ['t', 'v', 'tt', 'missing', 'sqlite_master', 'duckdb_tables', 'T'];
      expect([...(await db.existingTables(names))].sort()).toEqual(['t', 'tt', 'v']);
      // The statement is prepared once: later calls see later DDL, also DDL rolled back.
      await db.run(`DROP VIEW v`);
      await db.transaction(async () => db.run(`CREATE TABLE later (a INTEGER)`));
      await db.run(`BEGIN TRANSACTION`);
      await db.run(`CREATE TABLE gone (a INTEGER)`);
      expect(await db.tableExists('gone')).toBe(true);
      await db.run(`ROLLBACK`);
      expect([...(await db.existingTables([...names, 'later', 'gone']))].sort()).toEqual(['later', 't', 'tt']);
      expect(await db.existingTables([])).toEqual(new Set());
      expect(await db.tableExists('t')).toBe(true);
      expect(await db.tableExists('v')).toBe(false);
    } finally {
      db.close();
    }
  });
});
