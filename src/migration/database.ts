import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hashCensus } from '../census/index.js';
import { configHash, configJson, loadConfig, type SimulationConfig } from '../config/index.js';
import { Database } from '../db/database.js';
import { ensureSchema, recordRunEnd, recordRunStart, UNKNOWN_HASH } from '../db/metadata.js';
import { PlanAlignError, UsageError } from '../errors.js';
import { DEFAULT_CONFIG_PATH, OrchestratorBuilder, type EngineServices } from '../factory.js';
import { compileParameters } from '../params/compile.js';
import type { ParameterTables } from '../params/tables.js';
import { packageRoot } from '../paths.js';

/** The steps of a database migration, in order; each is idempotent. */
export const MIGRATION_STEPS = [
  'backup',
  'rename_reference_tables',
  'create_planalign_schema',
  'import_events',
  'import_snapshot',
  'register_run',
  'rebuild_registries',
  'checkpoint_years',
  'validation_report',
] as const;
export type MigrationStep = (typeof MIGRATION_STEPS)[number];

export interface MigrationOptions {
  /** The config the reference run used: its hash is recorded, its plan settings rebuild the state. */
  config?: string;
  /** The census the reference run used: its hash is recorded. */
  census?: string;
  /** Called before each step (progress; a test may throw here to inject a fault). */
  onStep?: (step: MigrationStep) => void;
  clock?: () => Date;
}

export interface MigrationResult {
  success: boolean;
  database: string;
  backup?: string;
  completedSteps: MigrationStep[];
  error?: string;
  years?: number[];
  runId?: string;
  /** Per table: rows imported. */
  imported?: Record<string, number>;
  /** Employee-years whose deferral rate the rebuilt state changes (the reference's defect D1). */
  deferralRatesChanged?: number;
  /** What our rules find in the imported years (the reference's own defects); never fatal. */
  validation?: Array<{ year: number; rule: string; severity: string; violations: number }>;
  notApplicableRules?: string[];
}

/** Beside the database: where its backup is and what its bytes were, for `rollback`. */
interface Manifest {
  database: string;
  backup: string;
  sha256: string;
  createdAt: string;
}

/** Reference tables we keep as they are: census staging and baseline are read with their own columns. */
const KEPT_TABLES = new Set(['stg_census_data', 'int_baseline_workforce']);
const LEGACY_PREFIX = 'legacy_';

export function manifestPath(database: string): string {
  return `${resolve(database)}.migration.json`;
}

/**
 * Migrates a DuckDB file written by the Python engine into a PlanAlign database, in place, after a
 * verified backup. The reference's tables are kept under `legacy_` names; its events and snapshots are
 * imported into our contract tables (scenario and plan-design ids backfilled, dates as DATE); the
 * run is registered; the enrollment and deferral-rate registries are rebuilt from its events with our
 * semantics; each year gets a checkpoint, so `simulate --resume` continues after the last one. Any
 * failure restores the backup, byte for byte.
 */
export async function migrateDatabaseSchema(path: string, options: MigrationOptions = {}): Promise<MigrationResult> {
  const database = resolve(path);
  const clock = options.clock ?? (() => new Date());
  const completedSteps: MigrationStep[] = [];
  const result: MigrationResult = { success: false, database, completedSteps };
  if (!existsSync(database)) throw new UsageError(`No database at ${database}`, { file: database });
  // Inputs are checked before anything is touched.
  // With --config, its parameter tables (setup.parameter_tables_dir) rebuild the registries, as a simulation would read them.
  const inputs =
    options.config !== undefined ? new OrchestratorBuilder().withConfig(options.config).withEnvironment({}).resolveInputs() : undefined;
  const config = inputs?.config.config ?? defaultConfig();
  const censusHash = options.census !== undefined ? await hashCensus(resolve(options.census)) : UNKNOWN_HASH;

  const step = async <T>(name: MigrationStep, work: () => Promise<T>): Promise<T> => {
    options.onStep?.(name);
    const value = await work();
    completedSteps.push(name);
    return value;
  };

  // Read-only first: a file that is already ours, or not the reference's, is refused before any backup
  // (a second backup would replace the one that rollback needs).
  const inspect = await Database.open(database, { readOnly: true });
  try {
    assertReferenceDatabase(database, await tableNames(inspect));
  } finally {
    inspect.close();
  }

  let backup: Manifest | undefined;
  let db: Database | undefined;
  try {
    backup = await step('backup', async () => makeBackup(database, clock()));
    result.backup = backup.backup;
    db = await Database.open(database);
    const opened = db;
    // The runner, registries, checkpoints and rules a simulation would use on this database.
    const engine = new OrchestratorBuilder().services(opened);
    await opened.transaction(async () => {
      await step('rename_reference_tables', () => renameReferenceTables(opened));
      await step('create_planalign_schema', async () => {
        await ensureSchema(opened, clock());
        await engine.runner.installMacros();
      });
      const scenarioId = config.scenario_id ?? 'default';
      const planDesignId = config.plan_design_id ?? 'default';
      result.imported = {
        fct_yearly_events: await step('import_events', () =>
          importTable(opened, 'fct_yearly_events', { scenario_id: scenarioId, plan_design_id: planDesignId }),
        ),
      };
      result.imported.fct_workforce_snapshot = await step('import_snapshot', () =>
        importTable(opened, 'fct_workforce_snapshot', { scenario_id: scenarioId, plan_design_id: planDesignId }),
      );
      const years = (await opened.all<{ y: number }>(`SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)).map(
        (r) => r.y,
      );
      if (years.length === 0) throw new PlanAlignError(`${database} holds no simulated years to migrate`);
      result.years = years;
      const first = years[0] as number;
      const last = years.at(-1) as number;
      const runConfig = { ...config, simulation: { ...config.simulation, start_year: first, end_year: last } };
      const startedAt = clock();
      result.runId = `migrated-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
      await step('register_run', async () => {
        await recordRunStart(opened, {
          runId: result.runId as string,
          rngVersion: 'reference-engine',
          configHash: options.config !== undefined ? configHash(runConfig) : UNKNOWN_HASH,
          configJson: options.config !== undefined ? configJson(runConfig) : null,
          censusHash,
          // The reference read its own seeds: which tables it used is not known.
          parametersHash: UNKNOWN_HASH,
          parameterTables: null,
          configPath: options.config !== undefined ? resolve(options.config) : undefined,
          censusPath: options.census !== undefined ? resolve(options.census) : '',
          scenarioId,
          planDesignId,
          seed: config.simulation.random_seed,
          startYear: first,
          endYear: last,
          startedAt,
        });
        await recordRunEnd(opened, result.runId as string, 'completed', clock(), 'migrated from the Python engine');
      });
      result.deferralRatesChanged = await step('rebuild_registries', () =>
        rebuildRegistries(opened, engine, runConfig, years, startedAt, inputs?.parameterTables),
      );
      await step('checkpoint_years', async () => {
        for (const year of years) {
          const inputs = { configHash: UNKNOWN_HASH, censusHash, parametersHash: UNKNOWN_HASH };
          await engine.checkpoints.write(year, { runId: result.runId as string, ...inputs }, clock());
        }
      });
    });
    // After the commit: a rule that cannot run on the reference's tables is reported, and aborts nothing.
    const years = result.years as number[];
    const report = await step('validation_report', () =>
      validationReport(opened, engine, years, years[0] as number, config.simulation.random_seed),
    );
    result.validation = report.findings;
    result.notApplicableRules = report.notApplicable;
    db.close();
    db = undefined;
    result.success = true;
    return result;
  } catch (error) {
    db?.close();
    if (backup !== undefined) restoreBackup(backup);
    result.error = error instanceof Error ? error.message : String(error);
    return result;
  }
}

/** Restores the pre-migration file, byte for byte, from the backup the migration recorded. */
export function rollbackMigration(path: string): { restored: string; backup: string; sha256: string } {
  const file = manifestPath(path);
  if (!existsSync(file)) throw new UsageError(`No migration recorded for ${resolve(path)} (no ${file})`, { file });
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  restoreBackup(manifest);
  return { restored: manifest.database, backup: manifest.backup, sha256: manifest.sha256 };
}

function makeBackup(database: string, now: Date): Manifest {
  const wal = `${database}.wal`;
  if (existsSync(wal)) {
    throw new UsageError(
      `${database} has an unfinished write-ahead log (${wal}): open and close it once with the Python engine or DuckDB first`,
      { file: database },
    );
  }
  const sha256 = sha256Of(database);
  const backup = `${database}.backup-${now.toISOString().replace(/[-:.]/g, '')}`;
  copyFileSync(database, backup);
  if (sha256Of(backup) !== sha256) throw new PlanAlignError(`Backup ${backup} does not match ${database}`);
  const manifest: Manifest = { database, backup, sha256, createdAt: now.toISOString() };
  writeFileSync(manifestPath(database), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function restoreBackup(manifest: Manifest): void {
  if (sha256Of(manifest.backup) !== manifest.sha256) {
    throw new PlanAlignError(`Backup ${manifest.backup} no longer matches the original (sha256 ${manifest.sha256})`);
  }
  copyFileSync(manifest.backup, manifest.database);
  rmSync(`${manifest.database}.wal`, { force: true });
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function tableNames(db: Database): Promise<string[]> {
  return (
    await db.all<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY 1`,
    )
  ).map((r) => r.name);
}

function assertReferenceDatabase(path: string, names: readonly string[]): void {
  if (names.includes('planalign_schema_version')) {
    throw new UsageError(`${path} is already a PlanAlign database: there is nothing to migrate`, { file: path });
  }
  if (!names.includes('fct_workforce_snapshot') || !names.includes('fct_yearly_events')) {
    throw new UsageError(`${path} has no fct_workforce_snapshot and fct_yearly_events: not a PlanAlign Engine database`, {
      file: path,
    });
  }
}

/** Every reference table but the census staging and baseline moves to `legacy_<name>`. */
async function renameReferenceTables(db: Database): Promise<void> {
  const names = await tableNames(db);
  for (const name of names) {
    if (KEPT_TABLES.has(name) || name.startsWith(LEGACY_PREFIX)) continue;
    // The name comes from the file's own catalog: quote it as an identifier.
    await db.run(`ALTER TABLE ${identifier(name)} RENAME TO ${identifier(LEGACY_PREFIX + name)}`);
  }
}

function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Copies the reference's rows of `table` into ours: the columns both have, cast to our types; the
 * given constants where the reference had no such column (its snapshot had no scenario ids).
 */
async function importTable(db: Database, table: string, fill: Record<string, string>): Promise<number> {
  const ours = await db.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'main' ORDER BY ordinal_position`,
    [table],
  );
  const theirs = new Set(
    (
      await db.all<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'main'`,
        [LEGACY_PREFIX + table],
      )
    ).map((r) => r.column_name),
  );
  const values: Record<string, string> = {};
  const select = ours.map(({ column_name: column, data_type: type }) => {
    if (fill[column] !== undefined) {
      values[column] = fill[column];
      const constant = `$${column}::VARCHAR`;
      return theirs.has(column) ? `coalesce(${identifier(column)}::VARCHAR, ${constant}) AS ${column}` : `${constant} AS ${column}`;
    }
    return theirs.has(column) ? `CAST(${identifier(column)} AS ${type}) AS ${column}` : `NULL::${type} AS ${column}`;
  });
  await db.run(`INSERT INTO ${table} BY NAME SELECT ${select.join(', ')} FROM ${LEGACY_PREFIX}${table}`, values);
  const row = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return row?.n ?? 0;
}

/**
 * Rebuilds the enrollment and deferral-rate registries of every imported year with the registry
 * models themselves, from the reference's events. Their population is each year's snapshot, staged
 * as the year's plan-eligibility rows for the duration of the step. Returns how many employee-years
 * end with another deferral rate than the reference recorded.
 */
async function rebuildRegistries(
  db: Database,
  { runner, registries }: EngineServices,
  config: SimulationConfig,
  years: number[],
  startedAt: Date,
  tables?: ParameterTables, // default: the bundled tables
): Promise<number> {
  await compileParameters(
    db,
    config,
    { scenarioId: config.scenario_id ?? 'default', planDesignId: config.plan_design_id ?? 'default', startedAt },
    tables,
  );
  await db.run(
    `CREATE TABLE int_plan_eligibility AS SELECT simulation_year, employee_id FROM fct_workforce_snapshot`,
  );
  for (const year of years) {
    await runner.setYear(year, years[0] as number, config.simulation.random_seed);
    await registries.buildYear(year);
  }
  await db.run(`DROP TABLE int_plan_eligibility`);
  const legacy = await tableNames(db);
  const reference = ['legacy_int_deferral_rate_state_accumulator_v2', 'legacy_int_deferral_rate_state_accumulator'].find((t) =>
    legacy.includes(t),
  );
  if (reference === undefined) return 0;
  const changed = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n
     FROM int_deferral_rate_state_accumulator ours
     LEFT JOIN ${reference} theirs USING (employee_id, simulation_year)
     WHERE coalesce(theirs.current_deferral_rate, 0) <> ours.current_deferral_rate`,
  );
  return changed?.n ?? 0;
}

/** Runs our rules on each imported year; a rule that cannot run on the reference's tables is "not applicable". */
async function validationReport(
  db: Database,
  { runner, validator }: EngineServices,
  years: number[],
  baseYear: number,
  seed: number,
): Promise<{ findings: NonNullable<MigrationResult['validation']>; notApplicable: string[] }> {
  const findings: NonNullable<MigrationResult['validation']> = [];
  const notApplicable = new Set<string>();
  for (const year of years) {
    await runner.setYear(year, baseYear, seed);
    for (const rule of validator.rules) {
      if (notApplicable.has(rule.name)) continue;
      try {
        const { violations } = await rule.check({ db, year });
        if (violations > 0) findings.push({ year, rule: rule.name, severity: rule.severity, violations });
      } catch {
        notApplicable.add(rule.name);
      }
    }
  }
  return { findings, notApplicable: [...notApplicable].sort() };
}

/** Without the reference run's config, the plan settings of our default config rebuild the state. */
function defaultConfig(): SimulationConfig {
  return loadConfig({ path: resolve(packageRoot, DEFAULT_CONFIG_PATH), env: {} }).config;
}
