import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Database } from '../db/database.js';
import { UNKNOWN_HASH } from '../db/metadata.js';
import { DatabaseInUseError, DatabaseStateError, UsageError } from '../errors.js';

/**
 * Reading a finished simulation database: opening it for reports and exports, the simulated years,
 * the run record and the metadata a report carries.
 */

/** The run record of planalign_runs, as the reports use it. */
export interface RunRecord {
  runId: string;
  engineVersion: string;
  rngVersion: string;
  configHash: string;
  censusHash: string;
  /** 'unknown' for a run of schema version 1 or migrated from the Python engine. */
  parametersHash: string;
  configPath: string | null;
  censusPath: string | null;
  scenarioId: string;
  planDesignId: string;
  seed: number;
  startYear: number;
  endYear: number;
  /** ISO-8601 UTC. */
  startedAt: string;
  /** ISO-8601 UTC, or null while the run has not ended. */
  finishedAt: string | null;
  status: string;
}

/** Everything the Metadata sheet shows: the run record, the DuckDB version and the resolved parameters. */
export interface RunMetadata extends RunRecord {
  duckdbVersion: string;
  /** The resolved configuration as the run compiled it: one key/value per column of param_simulation and param_dc_plan. */
  parameters: Array<{ key: string; value: string }>;
}

/** One-row parameter tables whose columns are the resolved configuration of the run. */
const PARAMETER_TABLES = ['param_simulation', 'param_dc_plan'] as const;

/**
 * Opens an existing simulation database for reading. A missing file is a usage error naming the path
 * (never an empty database created on the spot, which is what opening a missing path would do), and
 * a database without simulated years is refused. Read-only: reports and exports never write, and can
 * run beside other readers. Every report and export goes through this one function.
 */
export async function openSimulationDatabase(path: string): Promise<Database> {
  if (path === ':memory:' || path.trim() === '') {
    throw new UsageError(`A simulation database file is needed, not "${path}"`, {}, 'Pass --database <file>.');
  }
  if (!existsSync(path)) {
    throw new UsageError(
      `Database ${path} does not exist`,
      { file: path },
      'Run planalign simulate first, or pass the database file with --database <file>.',
    );
  }
  const db = await openForReading(path);
  try {
    await requireSimulatedYears(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Opens a database file read-only, as every reader does (reports, exports, `analyze`, `compare`, the
 * batch comparison). One held for writing (a simulation still running, say) cannot be read until its
 * holder lets go, since DuckDB locks the file: the error names the holder and what to do.
 */
export async function openForReading(path: string, options: { threads?: number } = {}): Promise<Database> {
  try {
    return await Database.open(resolve(path), { readOnly: true, ...options });
  } catch (error) {
    throw error instanceof DatabaseInUseError ? readerInUseError(path, error) : error;
  }
}

/**
 * Copying the file of a run in progress is no way round the lock: the database and its write-ahead log
 * copied one after the other are not one consistent state. So: wait, or stop the run.
 */
function readerInUseError(path: string, error: DatabaseInUseError): DatabaseInUseError {
  const holder = error.pid === undefined ? 'Another process' : `PID ${error.pid}`;
  return new DatabaseInUseError(path, error.pid, {
    cause: error.cause,
    hint:
      `${holder} has it open for writing. Wait for the run to finish (planalign status --database ${path} shows its progress), ` +
      `or stop it (a stopped run resumes with planalign simulate --resume); then read it again.`,
  });
}

/** The simulated years of the database, ascending; [] when it has no snapshot table. */
export async function simulatedYears(db: Database): Promise<number[]> {
  if (!(await db.tableExists('fct_workforce_snapshot'))) return [];
  const rows = await db.all<{ year: number }>(
    `SELECT DISTINCT simulation_year::INTEGER AS year FROM fct_workforce_snapshot ORDER BY 1`,
  );
  return rows.map((r) => r.year);
}

export async function requireSimulatedYears(db: Database, label: string = db.path): Promise<number[]> {
  const years = await simulatedYears(db);
  if (years.length === 0) {
    throw new DatabaseStateError(
      `Database ${label} holds no simulated years`,
      { file: label },
      'Run planalign simulate into it first, or pass another --database.',
    );
  }
  return years;
}

interface RunRow extends Record<string, unknown> {
  run_id: string;
  engine_version: string;
  rng_version: string;
  config_hash: string;
  census_hash: string;
  parameters_hash?: string | null;
  config_path: string | null;
  census_path: string | null;
  scenario_id: string;
  plan_design_id: string;
  seed: string;
  start_year: number;
  end_year: number;
  started_at: string;
  finished_at: string | null;
  status: string;
}

/** Every column (* so that a version-1 database, read-only and not migrated, reads too), times as ISO text. */
const RUN_COLUMNS = `* REPLACE (seed::VARCHAR AS seed, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
  strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at)`;

function toRunRecord(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    engineVersion: row.engine_version,
    rngVersion: row.rng_version,
    configHash: row.config_hash,
    censusHash: row.census_hash,
    parametersHash: row.parameters_hash ?? UNKNOWN_HASH,
    configPath: row.config_path,
    censusPath: row.census_path,
    scenarioId: row.scenario_id,
    planDesignId: row.plan_design_id,
    seed: Number(row.seed),
    startYear: row.start_year,
    endYear: row.end_year,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
  };
}

/** The run record of `runId`; a DatabaseStateError when the database has no such run. */
export async function readRun(db: Database, runId: string): Promise<RunRecord> {
  const row = (await db.tableExists('planalign_runs'))
    ? await db.one<RunRow>(`SELECT ${RUN_COLUMNS} FROM planalign_runs WHERE run_id = $1`, [runId])
    : undefined;
  if (row === undefined) {
    throw new DatabaseStateError(`Run ${runId} is not recorded in database ${db.path}`, { file: db.path });
  }
  return toRunRecord(row);
}

/** The latest run of the database (by start time): the one whose years the output tables hold. */
export async function latestRun(db: Database): Promise<RunRecord> {
  const row = (await db.tableExists('planalign_runs'))
    ? await db.one<RunRow>(`SELECT ${RUN_COLUMNS} FROM planalign_runs ORDER BY planalign_runs.started_at DESC, run_id DESC LIMIT 1`)
    : undefined;
  if (row === undefined) {
    throw new DatabaseStateError(
      `Database ${db.path} has no PlanAlign run record (planalign_runs)`,
      { file: db.path },
      'Reports need a database written by planalign simulate.',
    );
  }
  return toRunRecord(row);
}

/** What an export of a database without a run record (migrated, say) is dated: the earliest time a zip holds. */
export const UNDATED = new Date(Date.UTC(1980, 0, 1));

/**
 * When the database's latest run ended (its start while unfinished; UNDATED without a run record):
 * what files derived from the database are dated, so the same database gives the same bytes.
 */
export async function runStamp(db: Database): Promise<Date> {
  if (!(await db.tableExists('planalign_runs'))) return UNDATED;
  const run = await latestRun(db);
  return new Date(run.finishedAt ?? run.startedAt);
}

export async function duckdbVersion(db: Database): Promise<string> {
  const row = await db.one<{ v: string }>(`SELECT version() AS v`);
  return row?.v ?? 'unknown';
}

/** The run record plus the DuckDB version and the resolved parameters (param_simulation, param_dc_plan). */
export async function readRunMetadata(db: Database, runId: string): Promise<RunMetadata> {
  const run = await readRun(db, runId);
  const parameters: RunMetadata['parameters'] = [];
  for (const table of PARAMETER_TABLES) {
    if (!(await db.tableExists(table))) continue;
    const row = await db.one(`SELECT * FROM ${table} LIMIT 1`);
    for (const [column, value] of Object.entries(row ?? {})) {
      parameters.push({ key: `${table}.${column}`, value: parameterText(value) });
    }
  }
  return { ...run, duckdbVersion: await duckdbVersion(db), parameters };
}

function parameterText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
