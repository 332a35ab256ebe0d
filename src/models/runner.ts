import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type { Database } from '../db/database.js';
import { ModelExecutionError } from '../errors.js';
import { modelsSqlDir } from '../paths.js';
import { MODELS, type ModelDefinition } from './registry.js';
import { RNG_STREAMS } from './rng.js';

/**
 * Runs SQL models for one simulation year. A model's table is created from its own SELECT the first
 * time (contract tables already exist from the schema), then the year's rows are replaced: delete the
 * year, insert the SELECT by column name. A scratch model's table is TEMP and holds only the year
 * being built. The caller owns the transaction around a year.
 */
export class ModelRunner {
  private readonly sqlCache = new Map<string, string>();

  constructor(private readonly db: Database) {}

  /** Installs the shared macros (random draw, bands, calendar). Idempotent. */
  async installMacros(): Promise<void> {
    const dir = join(modelsSqlDir, 'macros');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      await this.db.run(readFileSync(join(dir, file), 'utf8'));
    }
  }

  /** Sets the DuckDB variables the models read: the year being built, the first year, the seed, and
   *  the year's salt of every random stream. */
  async setYear(year: number, startYear: number, seed: number | bigint): Promise<void> {
    await this.db.run(`SET VARIABLE simulation_year = $1::INTEGER`, [year]);
    await this.db.run(`SET VARIABLE start_year = $1::INTEGER`, [startYear]);
    await this.db.run(`SET VARIABLE random_seed = $1::BIGINT`, [String(seed)]);
    await this.db.run(
      `SET VARIABLE pa_salts = (
         SELECT map(list(stream ORDER BY stream), list(pa_salt($1::BIGINT, $2::INTEGER, stream) ORDER BY stream))
         FROM unnest($3::VARCHAR[]) AS t(stream))`,
      [String(seed), year, listValue([...RNG_STREAMS])],
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

  async runModel(model: ModelDefinition, year: number): Promise<void> {
    const select = this.sql(model);
    try {
      // Model names are our own constants (the registry), never user input.
      if (model.scratch) {
        await this.runScratch(model.name, select);
        return;
      }
      if (!(await this.db.tableExists(model.name))) {
        await this.db.run(`CREATE TABLE ${model.name} AS SELECT * FROM (\n${select}\n) LIMIT 0`);
      }
      await this.db.run(`DELETE FROM ${model.name} WHERE simulation_year = $1`, [year]);
      await this.db.run(`INSERT INTO ${model.name} BY NAME SELECT * FROM (\n${select}\n)`);
    } catch (error) {
      throw new ModelExecutionError(model.name, year, error);
    }
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
    for (const model of MODELS.filter((m) => m.scratch)) await this.db.run(`DROP TABLE IF EXISTS temp.main.${model.name}`);
  }
}
