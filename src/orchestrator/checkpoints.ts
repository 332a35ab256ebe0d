import type { Database } from '../db/database.js';
import { MODEL_COLUMNS_SINCE, timestamp, UNKNOWN_HASH } from '../db/metadata.js';

/** The tables whose rows of a year a checkpoint vouches for: the outputs and the carried state. */
export const CHECKPOINTED_TABLES = [
  'fct_yearly_events',
  'fct_workforce_snapshot',
  'int_enrollment_state_accumulator',
  'int_deferral_rate_state_accumulator',
  'int_employee_contributions',
  'fct_employer_match_events',
  // Carried state under the hours service method.
  'int_vesting_service',
  'fct_account_balances',
  'fct_forfeiture_account',
  'fct_account_events',
] as const;

export interface CheckpointRecord {
  year: number;
  runId: string;
  configHash: string;
  censusHash: string;
  /** 'unknown' for a year checkpointed by schema version 1 or migrated from the Python engine. */
  parametersHash: string;
  rowCounts: Record<string, number>;
  contentHashes: Record<string, string>;
  createdAt: string;
  hashAlgorithm: string;
}

export interface CheckpointMismatch {
  year: number;
  table: string;
  expectedRows: number;
  actualRows: number;
  expectedHash: string;
  actualHash: string;
  /** Set when the year could not be checked (its hashes were computed by another DuckDB version). */
  unverifiable?: string;
}

/**
 * What checkpoints hash, named at the start of their hash_algorithm: the year's rows of the stored
 * tables of CHECKPOINTED_TABLES (a view is derived from them and not hashed). A new scheme whenever
 * the stored tables or what is hashed of them change: checkpoints of an older scheme are reported as
 * not verifiable, and a database holding them is not resumed (the orchestrator refuses).
 */
export const CHECKPOINT_HASH_SCHEME = 'stored-tables-1';

/** The scheme of a hash algorithm; undefined for one written before schemes were named ("duckdb-hash/v…"). */
export function hashScheme(algorithm: string): string | undefined {
  const at = algorithm.indexOf('/duckdb-hash/');
  return at < 0 ? undefined : algorithm.slice(0, at);
}

/** The row count `n` and content hash `h` of a table's rows of the year $1, labelled `i`. */
function contentQuery(table: string, i = 0): string {
  return `SELECT ${i} AS i, count(*)::INTEGER AS n, bit_xor(hash(t))::VARCHAR AS h FROM (SELECT * FROM ${table} WHERE simulation_year = $1) t`;
}

/**
 * Checkpoints are rows of planalign_checkpoints, written in the same transaction as the year they
 * describe: a year is complete exactly when its checkpoint exists. The content hash of a table's
 * rows for a year is the XOR of DuckDB's hash of each row, so row order does not matter. DuckDB's
 * hash is ~20x cheaper than an md5 of the row's text (which cost a quarter of a run) but may change
 * between DuckDB releases: the algorithm and version are recorded, and a checkpoint written by
 * another one is reported as not verifiable rather than as changed. (Simulation results never
 * depend on it: the random draws have their own versioned generator.)
 */
export class CheckpointManager {
  private algorithm: string | undefined;

  constructor(private readonly db: Database) {}

  /** The row-hash algorithm of this engine: the scheme, then DuckDB's hash named with the DuckDB version. */
  async hashAlgorithm(): Promise<string> {
    this.algorithm ??= `${CHECKPOINT_HASH_SCHEME}/duckdb-hash/${(await this.db.one<{ v: string }>(`SELECT version() AS v`))?.v ?? 'unknown'}`;
    return this.algorithm;
  }

  /** Every checkpointed table's row count and content hash of one year, in one statement. */
  async measure(year: number): Promise<Pick<CheckpointRecord, 'rowCounts' | 'contentHashes'>> {
    // A table a year never wrote (e.g. contributions of years migrated from the reference engine) is empty.
    const stored = await this.db.storedTables(CHECKPOINTED_TABLES);
    const present = CHECKPOINTED_TABLES.filter((table) => stored.has(table));
    // Table names are our own constants (CHECKPOINTED_TABLES). A UNION ALL of the tables' aggregates
    // plans in a third of the time the same aggregates as scalar subqueries of one row took.
    const rows =
      present.length === 0
        ? []
        : await this.db.all<{ i: number; n: number; h: string | null }>(
            present.map((table, i) => contentQuery(table, i)).join('\nUNION ALL\n'),
            [year],
          );
    const rowCounts: Record<string, number> = {};
    const contentHashes: Record<string, string> = {};
    for (const table of CHECKPOINTED_TABLES) {
      const content = rows.find((r) => r.i === present.indexOf(table));
      rowCounts[table] = content?.n ?? 0;
      contentHashes[table] = content?.h ?? '0';
    }
    return { rowCounts, contentHashes };
  }

  /** A table's row count and order-independent hash of its rows of one year. */
  private async tableContent(table: string, year: number): Promise<{ n: number; h: string }> {
    const row = await this.db.one<{ n: number; h: string | null }>(contentQuery(table), [year]);
    return { n: row?.n ?? 0, h: row?.h ?? '0' };
  }

  async write(
    year: number,
    run: { runId: string; configHash: string; censusHash: string; parametersHash: string },
    createdAt: Date,
  ): Promise<CheckpointRecord> {
    const { rowCounts, contentHashes } = await this.measure(year);
    await this.db.run(`DELETE FROM planalign_checkpoints WHERE simulation_year = $1`, [year]);
    const hashAlgorithm = await this.hashAlgorithm();
    await this.db.run(
      `INSERT INTO planalign_checkpoints (simulation_year, run_id, config_hash, census_hash, row_counts, content_hashes,
          created_at, hash_algorithm, parameters_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMP, $8, $9)`,
      [
        year,
        run.runId,
        run.configHash,
        run.censusHash,
        JSON.stringify(rowCounts),
        JSON.stringify(contentHashes),
        timestamp(createdAt),
        hashAlgorithm,
        run.parametersHash,
      ],
    );
    return { year, ...run, rowCounts, contentHashes, createdAt: timestamp(createdAt), hashAlgorithm };
  }

  async list(): Promise<CheckpointRecord[]> {
    if (!(await this.db.tableExists('planalign_checkpoints'))) return [];
    const rows = await this.db.all<{
      simulation_year: number;
      run_id: string;
      config_hash: string;
      census_hash: string;
      row_counts: string;
      content_hashes: string;
      created_at: string;
      hash_algorithm: string;
      parameters_hash?: string | null;
    }>(
      // * so that a read-only look at a version-1 database (no parameters_hash yet) works too.
      `SELECT * REPLACE (created_at::VARCHAR AS created_at) FROM planalign_checkpoints ORDER BY simulation_year`,
    );
    return rows.map((r) => ({
      year: r.simulation_year,
      runId: r.run_id,
      configHash: r.config_hash,
      censusHash: r.census_hash,
      parametersHash: r.parameters_hash ?? UNKNOWN_HASH,
      rowCounts: JSON.parse(r.row_counts) as Record<string, number>,
      contentHashes: JSON.parse(r.content_hashes) as Record<string, string>,
      createdAt: r.created_at,
      hashAlgorithm: r.hash_algorithm,
    }));
  }

  /**
   * Adds the columns the models gained since schema version `from` to the tables of an older
   * database. An added column (NULL for the years already there) changes the hash of every row, not
   * what the checkpoint vouches for: a year whose rows still matched its checkpoint before is
   * re-sealed after; one that no longer matched stays a mismatch.
   */
  async upgradeTables(from: number | null): Promise<void> {
    if (from === null) return;
    const algorithm = await this.hashAlgorithm();
    const checkpoints = (await this.list()).filter((c) => c.hashAlgorithm === algorithm);
    for (const [version, tables] of Object.entries(MODEL_COLUMNS_SINCE)) {
      if (Number(version) <= from) continue;
      for (const [table, columns] of Object.entries(tables)) {
        if (!(await this.db.tableExists(table))) continue;
        const sealed = (CHECKPOINTED_TABLES as readonly string[]).includes(table) ? checkpoints : [];
        const before = new Map<number, boolean>();
        for (const c of sealed) before.set(c.year, (await this.tableContent(table, c.year)).h === c.contentHashes[table]);
        // Table and column names and types are MODEL_COLUMNS_SINCE's constants.
        for (const [name, type] of columns) await this.db.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${name} ${type}`);
        for (const c of sealed.filter((s) => before.get(s.year))) {
          const contentHashes = { ...c.contentHashes, [table]: (await this.tableContent(table, c.year)).h };
          c.contentHashes = contentHashes;
          await this.db.run(`UPDATE planalign_checkpoints SET content_hashes = $2 WHERE simulation_year = $1`, [
            c.year,
            JSON.stringify(contentHashes),
          ]);
        }
      }
    }
  }

  /** Recomputes every checkpointed year's hashes; returns what no longer matches. */
  async validate(): Promise<CheckpointMismatch[]> {
    const mismatches: CheckpointMismatch[] = [];
    const algorithm = await this.hashAlgorithm();
    for (const checkpoint of await this.list()) {
      if (checkpoint.hashAlgorithm !== algorithm) {
        mismatches.push({
          year: checkpoint.year,
          table: '*',
          expectedRows: -1,
          actualRows: -1,
          expectedHash: checkpoint.hashAlgorithm,
          actualHash: algorithm,
          unverifiable:
            hashScheme(checkpoint.hashAlgorithm) === CHECKPOINT_HASH_SCHEME
              ? `written with ${checkpoint.hashAlgorithm}, this engine uses ${algorithm}`
              : `written with ${checkpoint.hashAlgorithm} by an earlier PlanAlign, over the tables as it stored them; this one uses ${algorithm}`,
        });
        continue;
      }
      const now = await this.measure(checkpoint.year);
      // A checkpoint vouches for the tables it measured: one written before a table existed does not.
      for (const table of CHECKPOINTED_TABLES.filter((t) => t in checkpoint.contentHashes)) {
        const expectedHash = checkpoint.contentHashes[table] ?? '';
        const expectedRows = checkpoint.rowCounts[table] ?? -1;
        if (now.contentHashes[table] !== expectedHash || now.rowCounts[table] !== expectedRows) {
          mismatches.push({
            year: checkpoint.year,
            table,
            expectedRows,
            actualRows: now.rowCounts[table] ?? 0,
            expectedHash,
            actualHash: now.contentHashes[table] ?? '',
          });
        }
      }
    }
    return mismatches;
  }

  /**
   * A resume that extends a run changes its config hash only through simulation.end_year, which no
   * year's computation reads: the years already checkpointed under the old hash take the new one, so
   * that they are not reported as computed under another config.
   */
  async extendConfigHash(from: string, to: string): Promise<void> {
    await this.db.run(`UPDATE planalign_checkpoints SET config_hash = $2 WHERE config_hash = $1`, [from, to]);
  }

  async clearFrom(year: number): Promise<void> {
    await this.db.run(`DELETE FROM planalign_checkpoints WHERE simulation_year >= $1`, [year]);
  }

  /** Removes checkpoints whose year no longer has a snapshot; returns the years removed. */
  async cleanup(): Promise<number[]> {
    const orphans = await this.db.all<{ y: number }>(
      `SELECT simulation_year AS y FROM planalign_checkpoints
       WHERE simulation_year NOT IN (SELECT DISTINCT simulation_year FROM fct_workforce_snapshot) ORDER BY 1`,
    );
    for (const { y } of orphans) await this.db.run(`DELETE FROM planalign_checkpoints WHERE simulation_year = $1`, [y]);
    return orphans.map((o) => o.y);
  }
}
