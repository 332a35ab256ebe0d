import type { SimulationConfig } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import { ensureSchema } from '../../src/db/metadata.js';
import { ModelRunner } from '../../src/models/runner.js';
import { compileParameters } from '../../src/params/compile.js';

/**
 * An in-memory database as a year's models find it: the macros, the schema's contract tables and the
 * config's parameter tables. Tests add the input tables of the models they run by hand; the caller
 * closes the database.
 */
export async function openModelDatabase(config: SimulationConfig): Promise<{ db: Database; runner: ModelRunner; notices: string[] }> {
  const db = await Database.open(':memory:');
  const runner = new ModelRunner(db);
  await runner.installMacros();
  await ensureSchema(db, new Date(0));
  const { notices } = await compileParameters(db, config, { scenarioId: 'default', planDesignId: 'default', startedAt: new Date(0) });
  return { db, runner, notices };
}
