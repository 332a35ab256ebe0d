import { Database } from '../../src/db/database.js';
import type { OrchestratorBuilder } from '../../src/factory.js';

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
 * databases before version 2: without the version-2 columns, and recording version 1. Returns its path.
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
    await db.run(`UPDATE planalign_schema_version SET version = 1`);
  } finally {
    db.close();
  }
  return path;
}
