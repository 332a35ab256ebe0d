import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listValue, type Database } from '../db/database.js';
import { ModelExecutionError } from '../errors.js';
import { modelsSqlDir } from '../paths.js';
import { MODELS, type ModelDefinition } from './registry.js';
import { RNG_STREAMS, streamSeeds, type DrawSettings } from './rng.js';

/**
 * Runs SQL models for one simulation year, one statement per model: a model's table is created from
 * its own SELECT the first time (contract tables already exist from the schema), later years insert
 * the SELECT by column name, after deleting the year's rows unless the caller knows there are none.
 * A scratch model's table is TEMP and holds only the year being built. The caller owns the
 * transaction around a year.
 */
export class ModelRunner {
  private readonly sqlCache = new Map<string, string>();
  /** The model tables the database holds, read once a year (setYear): a lookup per model cost more
   *  than most models. A year rolled back also rolls back the tables it created. */
  private tables: Set<string> | undefined;

  constructor(private readonly db: Database) {}

  /** Installs the shared macros (random draw, bands, calendar). Idempotent. */
  async installMacros(): Promise<void> {
    const dir = join(modelsSqlDir, 'macros');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      await this.db.run(readFileSync(join(dir, file), 'utf8'));
    }
  }

  /** Sets the DuckDB variables the models read: the year being built, the first year, the seed, the
   *  year's salt of every random stream (from its subsystem's frozen seed when pinned) and the count
   *  uncertainty. */
  async setYear(year: number, startYear: number, seed: number | bigint, draws: DrawSettings = {}): Promise<void> {
    this.tables = undefined;
    const streams = [...RNG_STREAMS].sort();
    await this.db.run(`SET VARIABLE simulation_year = $1::INTEGER`, [year]);
    await this.db.run(`SET VARIABLE start_year = $1::INTEGER`, [startYear]);
    await this.db.run(`SET VARIABLE random_seed = $1::BIGINT`, [String(seed)]);
    await this.db.run(`SET VARIABLE count_uncertainty = $1::VARCHAR`, [draws.countUncertainty ?? 'none']);
    await this.db.run(
      `SET VARIABLE pa_salts = map($3::VARCHAR[], list_transform($3::VARCHAR[], (s, i) -> pa_salt(($1::BIGINT[])[i], $2::INTEGER, s)))`,
      [listValue(streamSeeds(streams, seed, draws.frozenSeeds)), year, listValue(streams)],
    );
  }

  sql(model: ModelDefinition): string {
    let text = this.sqlCache.get(model.name);
    if (text === undefined) {
      text = readFileSync(join(modelsSqlDir, model.layer, `${model.name}.sql`), 'utf8').trim().replace(/;\s*$/, '');
      this.sqlCache.set(model.name, text);
    }
    return text;
  }

  /**
   * Builds the model's rows of `year`. `yearIsEmpty`: the caller knows the table holds no rows of the
   * year (its years from this one on were cleared), so there is nothing to delete first.
   */
  async runModel(model: ModelDefinition, year: number, yearIsEmpty = false): Promise<void> {
    const select = this.sql(model);
    try {
      // Model names are our own constants (the registry), never user input.
      if (model.scratch) {
        await this.runScratch(model.name, select);
        return;
      }
      const tables = await this.existingTables();
      if (!tables.has(model.name)) {
        await this.db.run(`CREATE TABLE ${model.name} AS SELECT * FROM (\n${select}\n)`);
        tables.add(model.name);
        return;
      }
      if (!yearIsEmpty) await this.db.run(`DELETE FROM ${model.name} WHERE simulation_year = $1`, [year]);
      await this.db.run(`INSERT INTO ${model.name} BY NAME SELECT * FROM (\n${select}\n)`);
    } catch (error) {
      throw new ModelExecutionError(model.name, year, error);
    }
  }

  private async existingTables(): Promise<Set<string>> {
    this.tables ??= await this.db.storedTables(MODELS.map((m) => m.name));
    return this.tables;
  }

  /** A scratch model's TEMP table is replaced by the year's rows. */
  private async runScratch(name: string, select: string): Promise<void> {
    await this.db.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT * FROM (\n${select}\n)`);
  }

  /**
   * Drops the scratch tables once their year is committed: a table replaced inside the year's
   * transaction keeps its old rows until the commit, so a year would otherwise hold two years of them.
   */
  async dropScratch(): Promise<void> {
    // One round trip: no parameters, the names are the registry's constants.
    await this.db.run(MODELS.filter((m) => m.scratch).map((m) => `DROP TABLE IF EXISTS temp.main.${m.name};`).join('\n'));
  }
}
