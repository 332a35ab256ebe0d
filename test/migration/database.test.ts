import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Database } from '../../src/db/database.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { migrateDatabaseSchema, rollbackMigration } from '../../src/migration/database.js';
import { runCli } from '../support/cli.js';
import { query, writeConfigFile } from '../support/engine.js';
import { referenceEngineDatabase } from './reference-db.js';

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('migration suite: database state migration', () => {
  it('migrates a Python-engine database: events, snapshot, run, rebuilt registries, checkpoints, findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-migrate-'));
    const { database, census } = await referenceEngineDatabase(dir);
    // The runner, registries, checkpoints and rules come from the builder, as a simulation's do.
    const services = vi.spyOn(OrchestratorBuilder.prototype, 'services');
    const result = await migrateDatabaseSchema(database, { config: 'config/simulation_config.yaml', census });
    expect(result.error).toBeUndefined();
    expect(result.success).toBe(true);
    expect(services).toHaveBeenCalledTimes(1);
    services.mockRestore();
    expect(result.completedSteps).toEqual([
      'backup', 'rename_reference_tables', 'create_planalign_schema', 'import_events', 'import_snapshot',
      'register_run', 'rebuild_registries', 'checkpoint_years', 'validation_report',
    ]);
    expect(result.years).toEqual([2025, 2026, 2027]);
    // D1: new enrollees' rates come back from their enrollment events.
    expect(result.deferralRatesChanged).toBeGreaterThan(100);
    const [lost] = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM fct_yearly_events e
       JOIN int_deferral_rate_state_accumulator r ON r.employee_id = e.employee_id AND r.simulation_year = e.simulation_year
       WHERE e.event_type = 'enrollment' AND r.current_deferral_rate = 0
         AND e.employee_id NOT IN (SELECT employee_id FROM fct_yearly_events WHERE event_type = 'enrollment_change')`,
    );
    expect(lost?.n).toBe(0);
    // The reference's own defects are reported, not fatal.
    const found = new Set(result.validation!.filter((f) => f.year === 2027).map((f) => f.rule));
    expect(found).toContain('events_unique');
    expect(found).toContain('no_events_after_termination');
    expect(await query(database, `SELECT DISTINCT scenario_id, plan_design_id FROM fct_workforce_snapshot`)).toEqual([
      { scenario_id: 'default', plan_design_id: 'default' },
    ]);
    expect(await query(database, `SELECT typeof(effective_date) AS t FROM fct_yearly_events LIMIT 1`)).toEqual([{ t: 'DATE' }]);
    expect((await query<{ y: number }>(database, `SELECT simulation_year AS y FROM planalign_checkpoints ORDER BY 1`)).map((r) => r.y)).toEqual([
      2025, 2026, 2027,
    ]);
    expect(await query(database, `SELECT count(*)::INTEGER AS n FROM legacy_int_deferral_rate_state_accumulator_v2`)).not.toEqual([{ n: 0 }]);

    // status and reports work on the migrated file.
    expect(runCli(['status', '--database', database]).stdout).toMatch(/simulated years: 2025, 2026, 2027/);
    expect(runCli(['analyze', '--database', database]).status).toBe(0);

    // It continues with --resume for two more years; the continued years pass the default rules.
    const resumed = runCli(['simulate', '2025-2029', '--resume', '--census', census, '--database', database]);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming run migrated-.* at 2028/);
    expect(resumed.stdout).toMatch(/all validation rules passed/);
    const [run] = await query<{ config_hash: string; census_hash: string; status: string }>(
      database,
      `SELECT config_hash, census_hash, status FROM planalign_runs`,
    );
    expect(run!.status).toBe('completed');
    expect(run!.config_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a run migrated by an earlier PlanAlign (checkpoints of an older hash scheme) is not resumed: the hint says to migrate it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-migrate-'));
    const { database, census } = await referenceEngineDatabase(dir);
    expect((await migrateDatabaseSchema(database, { config: 'config/simulation_config.yaml', census })).success).toBe(true);
    // As the PlanAlign before stored-table hashing wrote its checkpoints.
    const db = await Database.open(database);
    try {
      await db.run(`UPDATE planalign_checkpoints SET hash_algorithm = 'duckdb-hash/' || version()`);
    } finally {
      db.close();
    }
    const resumed = runCli(['simulate', '2025-2028', '--resume', '--census', census, '--database', database]);
    expect(resumed.status).toBe(2);
    expect(resumed.stderr).toMatch(/its years were written by an earlier PlanAlign/);
    expect(resumed.stderr).toMatch(/migrated from the Python engine by an earlier PlanAlign: restore the original with `planalign migrate rollback <database>` and migrate it again/);
    expect((await query<{ y: number }>(database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)).map((r) => r.y)).toEqual([2025, 2026, 2027]);
  });

  it('a fault in a middle step restores the original file byte for byte; rollback() after success too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-migrate-fault-'));
    const { database, census } = await referenceEngineDatabase(dir, [2025, 2026]);
    const original = sha256(database);
    const failed = await migrateDatabaseSchema(database, {
      census,
      onStep: (step) => {
        if (step === 'rebuild_registries') throw new Error('injected fault');
      },
    });
    expect(failed.success).toBe(false);
    expect(failed.error).toBe('injected fault');
    expect(failed.completedSteps).toEqual(['backup', 'rename_reference_tables', 'create_planalign_schema', 'import_events', 'import_snapshot', 'register_run']);
    expect(sha256(database)).toBe(original);
    expect(existsSync(`${database}.wal`)).toBe(false);

    const done = await migrateDatabaseSchema(database, { census });
    expect(done.success).toBe(true);
    expect(sha256(database)).not.toBe(original);
    const restored = rollbackMigration(database);
    expect(restored.sha256).toBe(original);
    expect(sha256(database)).toBe(original);
    // Migrated once more after the rollback: the steps are repeatable. Without the reference run's
    // config, the resume records this one's hash and says so.
    expect((await migrateDatabaseSchema(database, { census })).success).toBe(true);
    await expect(migrateDatabaseSchema(database, { census })).rejects.toThrow(/already a PlanAlign database/);
    const resumed = runCli(['simulate', '2025-2027', '--resume', '--census', census, '--database', database, '--quiet']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/did not record its config; recording this one's hash now/);
    expect(await query(database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)).toEqual([
      { y: 2025 }, { y: 2026 }, { y: 2027 },
    ]);
  });

  it('planalign migrate database and migrate rollback on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-migrate-cli-'));
    const { database, census } = await referenceEngineDatabase(dir, [2025, 2026]);
    const original = sha256(database);
    expect(runCli(['simulate', '2025', '--database', database, '--census', census]).stderr).toMatch(/planalign migrate database/);
    const migrated = runCli(['migrate', 'database', database, '--census', census, '--config', 'config/simulation_config.yaml']);
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/years 2025, 2026 registered as run migrated-/);
    expect(migrated.stdout).toMatch(/2026 breaks: .*events_unique/);
    expect(migrated.stderr).toMatch(/rebuild registries/);
    const again = runCli(['migrate', 'database', database]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already a PlanAlign database/);
    const rolled = runCli(['migrate', 'rollback', database]);
    expect(rolled.status, rolled.stderr).toBe(0);
    expect(sha256(database)).toBe(original);
    expect(runCli(['migrate', 'rollback', join(dir, 'never.duckdb')]).status).toBe(2);
    expect(runCli(['migrate', 'database', join(dir, 'none.duckdb')]).status).toBe(2);
  });

  it("--config's parameter tables are checked before anything is touched", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-migrate-tables-'));
    const { database } = await referenceEngineDatabase(dir, [2025, 2025]);
    const original = sha256(database);
    const tables = join(dir, 'tables');
    mkdirSync(tables);
    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.02,-1\n');
    const config = writeConfigFile(dir, undefined, (c) => (c.setup.parameter_tables_dir = tables));
    await expect(migrateDatabaseSchema(database, { config })).rejects.toThrow(/Invalid parameter table/);
    expect(sha256(database)).toBe(original);
  });
});
