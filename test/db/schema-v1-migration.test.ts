import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { SCHEMA_VERSION } from '../../src/db/metadata.js';
import { DatabaseStateError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { CheckpointManager } from '../../src/orchestrator/checkpoints.js';
import { loadParameterTables } from '../../src/params/tables.js';
import { MultiYearReporter } from '../../src/reporting/multi-year-reporter.js';
import { latestRun } from '../../src/reporting/source.js';
import { contentDigest, defaultConfigObject, makeCensus, query } from '../support/engine.js';
import { makeVersion1Database } from '../support/schema-v1.js';

const TABLES: Record<string, string[]> = {
  fct_yearly_events: ['created_at'],
  fct_workforce_snapshot: ['snapshot_created_at'],
  int_enrollment_state_accumulator: [],
  int_deferral_rate_state_accumulator: [],
  int_employee_contributions: [],
};

let dir: string;
let census: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-v1-'));
  census = await makeCensus(dir, 300, 9);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function builder(name: string, years: [number, number], config = defaultConfigObject()): OrchestratorBuilder {
  return new OrchestratorBuilder()
    .withConfig(config)
    .withEnvironment({})
    .withCensus(census)
    .withDatabase(join(dir, `${name}.duckdb`))
    .withYears(...years);
}

async function digests(database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, exclude] of Object.entries(TABLES)) {
    out[table] = await contentDigest(database, table, exclude.length > 0 ? exclude : ['simulation_year']);
  }
  return out;
}

describe('a schema-version-1 database (as main wrote them before version 2)', () => {
  it('reads read-only as it is: checkpoints, run record and summary, with the parameter tables unknown', async () => {
    const database = await makeVersion1Database(builder('read', [2025, 2026]));
    const db = await Database.open(database, { readOnly: true });
    try {
      expect((await db.one<{ v: number }>(`SELECT max(version) AS v FROM planalign_schema_version`))?.v).toBe(1);
      const checkpoints = await new CheckpointManager(db).list();
      expect(checkpoints.map((c) => [c.year, c.parametersHash])).toEqual([
        [2025, 'unknown'],
        [2026, 'unknown'],
      ]);
      const run = await latestRun(db);
      expect(run.parametersHash).toBe('unknown');
      const summary = await new MultiYearReporter(db).summarize({
        runId: run.runId,
        startYear: 2025,
        endYear: 2026,
        startTime: new Date(0),
        generatedAt: new Date(0),
      });
      expect(summary.configHash).toBe(run.configHash);
      expect(summary.parametersHash).toBe('unknown');
    } finally {
      db.close();
    }
  });

  it('is migrated in place by --resume, which continues it with results identical to an uninterrupted run', async () => {
    const uninterrupted = builder('whole', [2025, 2027]);
    const whole = await uninterrupted.build();
    await whole.executeMultiYearSimulation();
    whole.close();

    const database = await makeVersion1Database(builder('migrated', [2025, 2026]));
    const resumed = await builder('migrated', [2025, 2027]).build();
    const result = await resumed.executeMultiYearSimulation({ resume: true });
    resumed.close();

    expect(result.resumedFrom).toBe(2027);
    expect(result.notices).toContain(`Run ${result.runId} did not record its parameter tables; recording this one's hash now`);
    expect(await digests(database)).toEqual(await digests(join(dir, 'whole.duckdb')));
    expect(await query(database, `SELECT version FROM planalign_schema_version ORDER BY version`)).toEqual([{ version: 1 }, { version: SCHEMA_VERSION }]);
    const [run] = await query<{ config_json: string | null; parameters_hash: string }>(database, `SELECT config_json, parameters_hash FROM planalign_runs`);
    expect(JSON.parse(run!.config_json as string).simulation.end_year).toBe(2027);
    expect(run!.parameters_hash).toBe(loadParameterTables().hash);
    // The years computed before the migration keep "unknown": nothing says which tables made them.
    expect(result.inputs.parameters).toEqual([
      { hash: 'unknown', years: [2025, 2026] },
      { hash: loadParameterTables().hash, years: [2027] },
    ]);
    expect(result.parametersHash).toBe('mixed');
    expect(result.inputs.config).toEqual([{ hash: result.configHash, years: [2025, 2026, 2027] }]);
  });

  it('a refused resume of a version-1 run says the keys cannot be named (it kept no config)', async () => {
    await makeVersion1Database(builder('refused', [2025, 2025]));
    const config = defaultConfigObject();
    config.simulation.random_seed = 8;
    const resumed = await builder('refused', [2025, 2026], config).build();
    const error = await resumed.executeMultiYearSimulation({ resume: true }).catch((e: unknown) => e);
    resumed.close();
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toMatch(/config changed since that run \(.*\): that run did not keep its config, so the keys cannot be named/);
    // Refused before anything was written: still version 1.
    expect(await query(join(dir, 'refused.duckdb'), `SELECT max(version) AS v FROM planalign_schema_version`)).toEqual([{ v: 1 }]);
  });

  it('model tables written before a column existed gain it when the run goes on (NULL for the earlier years)', async () => {
    const first = await builder('columns', [2025, 2025]).build();
    await first.executeMultiYearSimulation();
    const database = first.database.path;
    first.close();
    // As main wrote them before the 415(c) limit and the formula name.
    const db = await Database.open(database);
    try {
      for (const column of ['match_415_reduction', 'formula_name']) await db.run(`ALTER TABLE int_employee_match_calculations DROP COLUMN ${column}`);
      for (const column of ['annual_additions_limit', 'annual_additions_deferrals']) await db.run(`ALTER TABLE int_employee_contributions DROP COLUMN ${column}`);
      for (const column of ['match_415_reduction', 'core_415_reduction']) await db.run(`ALTER TABLE fct_workforce_snapshot DROP COLUMN ${column}`);
    } finally {
      db.close();
    }

    const resumed = await builder('columns', [2025, 2026]).build();
    const result = await resumed.executeMultiYearSimulation({ resume: true });
    resumed.close();
    expect(result.resumedFrom).toBe(2026);
    const filled = async (table: string, column: string) =>
      query<{ y: number; filled: number }>(
        database,
        `SELECT simulation_year AS y, count(${column})::INTEGER AS filled FROM ${table} GROUP BY 1 ORDER BY 1`,
      );
    for (const [table, column] of [
      ['int_employee_match_calculations', 'formula_name'],
      ['int_employee_contributions', 'annual_additions_limit'],
      ['fct_workforce_snapshot', 'core_415_reduction'],
    ] as const) {
      const [y2025, y2026] = await filled(table, column);
      expect(y2025, `${table}.${column}`).toEqual({ y: 2025, filled: 0 });
      expect(y2026!.filled, `${table}.${column}`).toBeGreaterThan(0);
    }
  });
});
