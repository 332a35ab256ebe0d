import { Database } from '../../src/db/database.js';
import { MODEL_COLUMNS_SINCE, MODEL_TABLES_SINCE } from '../../src/db/metadata.js';
import type { OrchestratorBuilder } from '../../src/factory.js';
import { CheckpointManager } from '../../src/orchestrator/checkpoints.js';

/**
 * The columns schema version 2 appended to version 1's metadata tables. Version 1 is version 2
 * without them (schema.sql appends them last, by CREATE for a new database and by ALTER for an old one).
 */
const VERSION_2_COLUMNS = [
  ['planalign_runs', 'config_json'],
  ['planalign_runs', 'parameters_hash'],
  ['planalign_runs', 'parameter_tables'],
  ['planalign_checkpoints', 'parameters_hash'],
] as const;

/**
 * Runs the builder's simulation, then takes the database back to schema version 1, as main wrote
 * databases before version 2: without the version-2 columns of the metadata tables and any later model column or table, its
 * checkpoints sealed over the version-1 rows under that version's hash algorithm, and recording version 1. Returns its path.
 */
export async function makeVersion1Database(builder: OrchestratorBuilder): Promise<string> {
  const orchestrator = await builder.build();
  const path = orchestrator.database.path;
  try {
    await orchestrator.executeMultiYearSimulation();
  } finally {
    orchestrator.close();
  }
  const db = await Database.open(path);
  try {
    // Table and column names are this file's constants.
    for (const [table, column] of VERSION_2_COLUMNS) await db.run(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    // Version 1 had none of the model columns of later versions.
    for (const tables of Object.values(MODEL_COLUMNS_SINCE)) {
      for (const [table, columns] of Object.entries(tables)) {
        for (const [column] of columns) await db.run(`ALTER TABLE ${table} DROP COLUMN ${column}`);
      }
    }
    for (const table of Object.values(MODEL_TABLES_SINCE).flat()) await db.run(`DROP TABLE ${table}`);
    const checkpoints = new CheckpointManager(db);
    for (const { year } of await checkpoints.list()) {
      const { contentHashes } = await checkpoints.measure(year);
      await db.run(`UPDATE planalign_checkpoints SET content_hashes = $2 WHERE simulation_year = $1`, [year, JSON.stringify(contentHashes)]);
    }
    // Sealed as that version named its hash: DuckDB's hash and version, before hash schemes.
    await db.run(`UPDATE planalign_checkpoints SET hash_algorithm = 'duckdb-hash/' || version()`);
    await db.run(`UPDATE planalign_schema_version SET version = 1`);
  } finally {
    db.close();
  }
  return path;
}
