import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { DatabaseInUseError, PlanAlignError } from '../errors.js';

export type Row = Record<string, unknown>;
export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

export interface DatabaseOptions {
  /** DuckDB worker threads; results never depend on it. */
  threads?: number;
  /** Open without taking the write lock (readers: status, reports, exports). */
  readOnly?: boolean;
}

/**
 * The one seam to DuckDB. Queries on one connection are serialised (concurrent queries on a single
 * connection crashed older node-api releases), and every value is read back as JSON-safe data:
 * BIGINT and DECIMAL arrive as strings, which callers convert deliberately.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (error) {
      throw translateOpenError(path, error);
    }
    const connection = await instance.connect();
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

  async tableExists(name: string): Promise<boolean> {
    const row = await this.one<{ n: string }>(
      `SELECT count(*)::VARCHAR AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1`,
      [name],
    );
    return row?.n !== '0';
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
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** DuckDB reports a held file lock with the holder's PID; turn that into our typed error. */
function translateOpenError(path: string, error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new DatabaseInUseError(path, pid === undefined ? undefined : Number(pid), { cause: error });
  }
  return new PlanAlignError(`Cannot open database ${path}: ${message}`, { file: path }, undefined, { cause: error });
}
