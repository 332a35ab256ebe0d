import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseStateError } from '../errors.js';
import { ENGINE_VERSION } from '../version.js';
import type { Database } from './database.js';

/**
 * 2: runs keep their canonical config JSON and parameter-table hashes; checkpoints their parameters hash.
 * 3: the plan-design columns of issue 12 (match and core modes, plan and employer-money eligibility, hours).
 * 4: accounts, vesting and forfeitures of issue 14 (the match true-up column).
 * 5: the compliance tables of issue 15 (populations, top-heavy minimum, test results).
 */
export const SCHEMA_VERSION = 5;


const schemaSql = (): string => readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'schema.sql'), 'utf8');

/** Tables the Python/dbt engine leaves behind; with none of ours beside them, the file is not ours. */
const REFERENCE_ENGINE_TABLES = ['fct_yearly_events', 'fct_workforce_snapshot', 'int_baseline_workforce', 'stg_census_data'];

/**
 * Refuses a database we must not write into: one written by the reference engine, or one from a newer
 * PlanAlign. (Whether it may hold years already is the orchestrator's call: --resume, --force-restart.)
 */
export async function assertNotForeign(db: Database): Promise<void> {
  const found = await db.existingTables(['planalign_schema_version', ...REFERENCE_ENGINE_TABLES]);
  if (!found.has('planalign_schema_version')) {
    for (const table of REFERENCE_ENGINE_TABLES) {
      if (found.has(table)) {
        throw new DatabaseStateError(
          `Database ${db.path} was not written by PlanAlign (it has ${table} but no planalign_schema_version); it looks like a Python PlanAlign Engine database`,
          { file: db.path },
          `Migrate it first with: planalign migrate database ${db.path}   (or choose another --database)`,
        );
      }
    }
    return;
  }
  const version = await db.one<{ v: number | null }>(`SELECT max(version) AS v FROM planalign_schema_version`);
  if (version?.v != null && version.v > SCHEMA_VERSION) {
    throw new DatabaseStateError(
      `Database ${db.path} has schema version ${version.v}, newer than this PlanAlign (${SCHEMA_VERSION})`,
      { file: db.path },
      'Upgrade PlanAlign, or use another --database.',
    );
  }
}

/**
 * Columns the models gained in a schema version, appended to their tables (after the reference's
 * columns). A new database gets them when the model first creates its table; an older one has them
 * added by CheckpointManager.upgradeTables, NULL for the years it already holds.
 */
export const MODEL_COLUMNS_SINCE: Readonly<Record<number, Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>>> = {
  2: {
    int_employee_contributions: [
      ['annual_additions_limit', 'DECIMAL(18,2)'],
      ['annual_additions_deferrals', 'DECIMAL(18,2)'],
    ],
    int_employee_match_calculations: [
      ['match_415_reduction', 'DECIMAL(18,2)'],
      ['formula_name', 'VARCHAR'],
    ],
    int_employer_core_contributions: [['core_415_reduction', 'DECIMAL(18,2)']],
    fct_workforce_snapshot: [
      ['match_415_reduction', 'DECIMAL(18,2)'],
      ['core_415_reduction', 'DECIMAL(18,2)'],
    ],
  },
  3: {
    int_plan_eligibility: [
      ['entry_date', 'DATE'],
      ['is_plan_ineligible_override', 'BOOLEAN'],
      ['eligibility_status', 'VARCHAR'],
      ['eligibility_reason', 'VARCHAR'],
    ],
    int_employer_eligibility: [
      ['scheduled_hours_per_week', 'DECIMAL(5,2)'],
      ['match_years_of_service', 'INTEGER'],
      ['core_years_of_service', 'INTEGER'],
    ],
    int_employee_match_calculations: [
      ['applied_years_of_service', 'INTEGER'],
      ['applied_points', 'INTEGER'],
      ['match_band', 'VARCHAR'],
      ['irs_401a17_limit', 'DECIMAL(18,2)'],
      ['irs_401a17_limit_applied', 'BOOLEAN'],
    ],
    int_employer_core_contributions: [
      ['applied_years_of_service', 'INTEGER'],
      ['applied_age', 'INTEGER'],
      ['applied_points', 'INTEGER'],
      ['core_band', 'VARCHAR'],
      ['standard_core_rate', 'DECIMAL(7,5)'],
      ['irs_401a17_limit_applied', 'BOOLEAN'],
      ['integration_level_applied', 'DECIMAL(18,2)'],
      ['excess_compensation', 'DECIMAL(18,2)'],
      ['base_core_amount', 'DECIMAL(18,2)'],
      ['disparity_core_amount', 'DECIMAL(18,2)'],
    ],
    fct_workforce_snapshot: [['scheduled_hours_per_week', 'DECIMAL(5,2)']],
  },
  4: {
    int_employee_match_calculations: [['match_true_up_amount', 'DECIMAL(18,2)']],
  },
  5: {
    int_employer_eligibility: [['match_eligibility_met', 'BOOLEAN']],
  },
};

/**
 * Model tables a schema version added. The years an older database holds have no rows in them, and
 * those that carry state from year to year cannot be rebuilt for past years without the rest of them:
 * the orchestrator does not continue such years (a year built on them would open every account at zero).
 */
export const MODEL_TABLES_SINCE: Readonly<Record<number, readonly string[]>> = {
  4: ['fct_account_balances', 'int_vesting_service', 'fct_forfeiture_account', 'fct_account_events'],
  5: ['int_top_heavy_minimum', 'int_compliance_population', 'fct_compliance_tests'],
};

/** The schema version of the database (null: none yet). */
export async function storedSchemaVersion(db: Database): Promise<number | null> {
  if (!(await db.tableExists('planalign_schema_version'))) return null;
  return (await db.one<{ v: number | null }>(`SELECT max(version) AS v FROM planalign_schema_version`))?.v ?? null;
}

/**
 * Creates the schema, or brings an older PlanAlign database's metadata tables up to this version in
 * place (schema.sql adds what a later version added with ALTER … IF NOT EXISTS), in the caller's
 * transaction. Returns the version the database had (null: new); the model tables are upgraded from it
 * by CheckpointManager.upgradeTables.
 */
export async function ensureSchema(db: Database, now: Date): Promise<number | null> {
  const version = await storedSchemaVersion(db);
  await db.run(schemaSql());
  if (version !== SCHEMA_VERSION) {
    await db.run(`INSERT INTO planalign_schema_version VALUES ($1, $2, $3::TIMESTAMP)`, [
      SCHEMA_VERSION,
      ENGINE_VERSION,
      timestamp(now),
    ]);
  }
  return version;
}

export interface RunRecord {
  runId: string;
  rngVersion: string;
  configHash: string;
  /** The canonical JSON whose hash is configHash; null when the config is not known (a migrated run). */
  configJson: string | null;
  censusHash: string;
  parametersHash: string;
  /** Canonical JSON {table file: SHA-256}; null when not known. */
  parameterTables: string | null;
  configPath: string | undefined;
  censusPath: string;
  scenarioId: string;
  planDesignId: string;
  seed: number;
  startYear: number;
  endYear: number;
  startedAt: Date;
}

export async function recordRunStart(db: Database, run: RunRecord): Promise<void> {
  await db.run(
    `INSERT INTO planalign_runs (run_id, engine_version, rng_version, config_hash, census_hash, config_path,
        census_path, scenario_id, plan_design_id, seed, start_year, end_year, started_at, status,
        config_json, parameters_hash, parameter_tables)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::TIMESTAMP, 'running', $14, $15, $16)`,
    [
      run.runId,
      ENGINE_VERSION,
      run.rngVersion,
      run.configHash,
      run.censusHash,
      run.configPath ?? null,
      run.censusPath,
      run.scenarioId,
      run.planDesignId,
      String(run.seed),
      run.startYear,
      run.endYear,
      timestamp(run.startedAt),
      run.configJson,
      run.parametersHash,
      run.parameterTables,
    ],
  );
}

/** A resumed run continues under its own id: running again, up to the requested end year, with its inputs. */
export async function reopenRun(
  db: Database,
  runId: string,
  endYear: number,
  inputs: Pick<RunRecord, 'configHash' | 'configJson' | 'censusHash' | 'parametersHash' | 'parameterTables'>,
): Promise<void> {
  await db.run(
    `UPDATE planalign_runs SET status = 'running', finished_at = NULL, error = NULL, end_year = $2, config_hash = $3,
            config_json = $4, census_hash = $5, parameters_hash = $6, parameter_tables = $7 WHERE run_id = $1`,
    [runId, endYear, inputs.configHash, inputs.configJson, inputs.censusHash, inputs.parametersHash, inputs.parameterTables],
  );
}

/** A run migrated without its config, census or tables (or written by schema version 1) records their hashes as unknown until resumed. */
export const UNKNOWN_HASH = 'unknown';

/** Runs left 'running' by a process that died become 'interrupted' (except the one being resumed). */
export async function markAbandonedRuns(db: Database, except: string | undefined): Promise<void> {
  await db.run(
    `UPDATE planalign_runs SET status = 'interrupted', error = 'the process ended before the run finished'
     WHERE status = 'running' AND run_id IS DISTINCT FROM $1`,
    [except ?? null],
  );
}

export async function recordRunEnd(
  db: Database,
  runId: string,
  status: 'completed' | 'failed' | 'interrupted',
  finishedAt: Date,
  error?: string,
): Promise<void> {
  await db.run(`UPDATE planalign_runs SET status = $1, finished_at = $2::TIMESTAMP, error = $3 WHERE run_id = $4`, [
    status,
    timestamp(finishedAt),
    error ?? null,
    runId,
  ]);
}

export function timestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
