import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { MODEL_COLUMNS_SINCE, SCHEMA_VERSION } from '../../src/db/metadata.js';
import { DatabaseStateError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { CheckpointManager } from '../../src/orchestrator/checkpoints.js';
import { loadParameterTables } from '../../src/params/tables.js';
import { MultiYearReporter } from '../../src/reporting/multi-year-reporter.js';
import { latestRun } from '../../src/reporting/source.js';
import { contentDigest, defaultConfigObject, makeCensus, query } from '../support/engine.js';
import { makeVersion1Database } from '../support/schema-v1.js';

// The columns versions 2 and later added are NULL for the years computed before the migration (compared below).
const added = (table: string) => Object.values(MODEL_COLUMNS_SINCE).flatMap((tables) => (tables[table] ?? []).map(([column]) => column));
const TABLES: Record<string, string[]> = {
  fct_yearly_events: ['created_at'],
  fct_workforce_snapshot: ['snapshot_created_at', ...added('fct_workforce_snapshot')],
  int_enrollment_state_accumulator: [],
  int_deferral_rate_state_accumulator: [],
  int_employee_contributions: added('int_employee_contributions'),
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

  it('is neither resumed nor restarted from a middle year (its checkpoints hash the tables as version 1 stored them); --force-restart from its first year upgrades it in place with results identical to an uninterrupted run', async () => {
    const uninterrupted = builder('whole', [2025, 2027]);
    const whole = await uninterrupted.build();
    await whole.executeMultiYearSimulation();
    whole.close();

    const database = await makeVersion1Database(builder('migrated', [2025, 2026]));
    const resumed = await builder('migrated', [2025, 2027]).build();
    const refused = await resumed.executeMultiYearSimulation({ resume: true }).catch((e: unknown) => e);
    resumed.close();
    expect(refused).toBeInstanceOf(DatabaseStateError);
    expect((refused as Error).message).toMatch(/its years were written by an earlier PlanAlign, whose checkpoints \(hash algorithm duckdb-hash\//);
    expect((refused as DatabaseStateError).hint).toBe('Recompute the run from 2025 with --force-restart, or continue it with the PlanAlign that wrote it.');
    expect(await query(database, `SELECT max(version) AS v FROM planalign_schema_version`)).toEqual([{ v: 1 }]);

    // Building 2027 on the unverifiable 2026 would leave a run no later resume could continue.
    const middle = await builder('migrated', [2027, 2027]).build();
    const refusedMiddle = await middle.executeMultiYearSimulation({ forceRestart: true }).catch((e: unknown) => e);
    middle.close();
    expect(refusedMiddle).toBeInstanceOf(DatabaseStateError);
    expect((refusedMiddle as Error).message).toMatch(
      /^Cannot restart at 2027: year 2025 in .*migrated\.duckdb was written by an earlier PlanAlign \(checkpoint hash algorithm duckdb-hash\/v[\d.]+\), which this one cannot verify, so it does not build on it$/,
    );
    expect(await query(database, `SELECT max(version) AS v FROM planalign_schema_version`)).toEqual([{ v: 1 }]);

    const restarted = await builder('migrated', [2025, 2027]).build();
    const result = await restarted.executeMultiYearSimulation({ forceRestart: true });
    restarted.close();
    expect(result.years.map((y) => y.year)).toEqual([2025, 2026, 2027]);
    expect(await digests(database)).toEqual(await digests(join(dir, 'whole.duckdb')));
    // The model tables gained version 2's columns, and every year fills them.
    for (const [table, columns] of Object.entries(MODEL_COLUMNS_SINCE[2]!)) {
      for (const [column] of columns) {
        const filled = await query<{ y: number; n: number }>(
          database,
          `SELECT simulation_year AS y, count(${column})::INTEGER AS n FROM ${table} GROUP BY 1 ORDER BY 1`,
        );
        expect(filled.map((f) => f.y), `${table}.${column}`).toEqual([2025, 2026, 2027]);
        for (const f of filled) expect(f.n, `${table}.${column} ${f.y}`).toBeGreaterThan(0);
      }
    }
    // Every checkpoint is now of this engine's scheme, and verifies.
    const check = await Database.open(database, { readOnly: true });
    try {
      expect(await new CheckpointManager(check).validate()).toEqual([]);
    } finally {
      check.close();
    }
    expect(await query(database, `SELECT version FROM planalign_schema_version ORDER BY version`)).toEqual([{ version: 1 }, { version: SCHEMA_VERSION }]);
    const [run] = await query<{ config_json: string | null; parameters_hash: string }>(
      database,
      `SELECT config_json, parameters_hash FROM planalign_runs ORDER BY started_at DESC LIMIT 1`,
    );
    expect(JSON.parse(run!.config_json as string).simulation.end_year).toBe(2027);
    expect(run!.parameters_hash).toBe(loadParameterTables().hash);
    expect(result.inputs.parameters).toEqual([{ hash: loadParameterTables().hash, years: [2025, 2026, 2027] }]);
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
});
