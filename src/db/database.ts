import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBValue } from '@duckdb/node-api';
import { DatabaseInUseError, PlanAlignError, UsageError } from '../errors.js';

/**
 * The DuckDB client, required rather than imported: an ES import of this CommonJS package first scans
 * its ~180 files for their exports (about 80 ms of every command's start), a require does not. Import
 * its values from here, never from the package, or the scan comes back.
 */
const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
const { DuckDBInstance, LIST, VARCHAR } = duckdb;
type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
export const { listValue } = duckdb;

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface DatabaseOptions {
  /** DuckDB worker threads; results never depend on it. */
  threads?: number;
  /** Open without taking the write lock (readers: status, reports, exports). */
  readOnly?: boolean;
  /** DuckDB's memory limit, e.g. "3GB" (see parseMemoryLimit); default DEFAULT_MEMORY_LIMIT. */
  memoryLimit?: string;
}

/**
 * DuckDB's memory limit unless one is given: 3 GiB, or 80 % of the machine's memory when that is
 * less (DuckDB's own default is 80 %). DuckDB keeps the blocks it has read cached up to its limit,
 * so without one a 1,000,000 × 10 run held 7.7 GiB, most of it the cache of earlier years; with
 * 3 GiB it ran as fast. A larger census can spill to disk at this limit: raise it with
 * `--memory-limit`.
 */
export function defaultMemoryLimit(runsAtOnce = 1): string {
  return `${Math.max(1, Math.floor(Math.min(3 * 1024, (0.8 * totalmem()) / 2 ** 20 / runsAtOnce)))}MiB`;
}
export const DEFAULT_MEMORY_LIMIT = defaultMemoryLimit();

/** Checks a memory size for DuckDB ("512MB", "3GB", "2.5GiB"); returns it unchanged. */
export function parseMemoryLimit(value: string, option = '--memory-limit'): string {
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim())) {
    throw new UsageError(`${option} must be a size such as 512MB, 3GB or 2.5GiB, not "${value}"`);
  }
  return value.trim();
}

/**
 * Rows per row group of a database we write, instead of DuckDB's 122,880. A year's tables hold tens
 * of thousands of rows: in several row groups, both cores scan them and finished row groups are
 * written while the year is built instead of all at its COMMIT (a 60,000-employee run takes a third
 * less time and a fifth less memory; a million-employee run the same). DuckDB does not keep this
 * size in the file, so every writer attaches the file to an in-memory instance with it.
 */
export const ROW_GROUP_SIZE = 16384;
const CATALOG = 'planalign';

/**
 * Which of the names ($1) are tables or views of a `main` schema, in any catalog: the rows of
 * information_schema.tables, read from the catalog functions it is made of (that view alone takes
 * longer to plan than this takes to run, prepared).
 */
const TABLES_SQL = `SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'main' AND list_contains($1, table_name)
                    UNION ALL
                    SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' AND list_contains($1, view_name)`;

/**
 * A file path as an SQL string literal, for ATTACH, whose grammar takes no bound parameter: quotes
 * are doubled, the SQL escape, so nothing in the path can end the literal.
 */
export function pathLiteral(path: string): string {
  if (/[\u0000-\u001f]/.test(path)) throw new UsageError(`A database path cannot contain control characters: ${JSON.stringify(path)}`);
  return `'${path.replaceAll("'", "''")}'`;
}

/**
 * The one seam to DuckDB. Queries on one connection are serialised (concurrent queries on a single
 * connection crashed older node-api releases), and every value is read back as JSON-safe data:
 * BIGINT and DECIMAL arrive as strings, which callers convert deliberately.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** TABLES_SQL, prepared at its first use: a run asks about tables some thirty times before its first year. */
  private tablesStatement: DuckDBPreparedStatement | undefined;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    config.memory_limit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    const attach = path !== ':memory:' && !options.readOnly;
    // Where DuckDB spills when it opens the file itself (an in-memory instance would use ./.tmp).
    if (attach) config.temp_directory = `${path}.tmp`;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(attach ? ':memory:' : path, config);
    } catch (error) {
      throw translateOpenError(path, error);
    }
    const connection = await instance.connect();
    if (attach) {
      try {
        await connection.run(`ATTACH ${pathLiteral(path)} AS ${CATALOG} (ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`);
        await connection.run(`USE ${CATALOG}`);
      } catch (error) {
        connection.closeSync();
        instance.closeSync();
        throw error instanceof UsageError ? error : translateOpenError(path, error);
      }
    }
    return new Database(path, instance, connection);
  }

  get isMemory(): boolean {
    return this.path === ':memory:';
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new PlanAlignError(`Database ${this.path} is closed`));
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.serialise(() => this.connection.run(sql, params));
  }

  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    return this.serialise(async () => {
      const reader = await this.connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    });
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  /**
   * Parses and binds `sql` without running it, throwing what its parse or bind would. It works in a
   * transaction a failed statement has aborted, where nothing can run any more.
   */
  async bind(sql: string): Promise<void> {
    await this.serialise(async () => (await this.connection.prepare(sql)).destroySync());
  }

  async tableExists(name: string): Promise<boolean> {
    return (await this.existingTables([name])).has(name);
  }

  /** Which of `names` are tables or views (of a `main` schema, in any catalog): one query for many. */
  async existingTables(names: readonly string[]): Promise<Set<string>> {
    return this.serialise(async () => {
      this.tablesStatement ??= await this.connection.prepare(TABLES_SQL);
      this.tablesStatement.bind([listValue([...names])], [LIST(VARCHAR)]);
      const rows = (await this.tablesStatement.runAndReadAll()).getRowObjectsJson() as Array<{ name: string }>;
      return new Set(rows.map((r) => r.name));
    });
  }

  /**
   * Which of `names` are tables stored in this database file (its `main` schema; no TEMP table, no
   * view): what a model writes into, a checkpoint hashes and an audit counts.
   */
  async storedTables(names: readonly string[]): Promise<Set<string>> {
    const rows = await this.all<{ name: string }>(
      `SELECT table_name AS name FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
          AND list_contains($1::VARCHAR[], table_name)`,
      [listValue([...names])],
    );
    return new Set(rows.map((r) => r.name));
  }

  /** Runs `work` inside one transaction; any error rolls the whole unit back. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tablesStatement?.destroySync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** DuckDB reports a held file lock with the holder's PID: that error as ours, else undefined. */
export function inUseError(path: string, error: unknown): DatabaseInUseError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/lock/i.test(message)) return undefined;
  const pid = /PID (\d+)/.exec(message)?.[1];
  return new DatabaseInUseError(path, pid === undefined ? undefined : Number(pid), { cause: error });
}

function translateOpenError(path: string, error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  return inUseError(path, error) ?? new PlanAlignError(`Cannot open database ${path}: ${message}`, { file: path }, undefined, { cause: error });
}
