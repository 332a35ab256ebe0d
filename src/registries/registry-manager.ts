import type { Database } from '../db/database.js';
import { MODELS, type ModelDefinition } from '../models/registry.js';
import type { ModelRunner } from '../models/runner.js';

/**
 * The registries are the DC-plan state carried from year to year: the enrollment and deferral-rate
 * state accumulators, tables keyed by (employee_id, simulation_year). Each is an ordinary SQL model
 * (year Y from year Y-1's rows and year Y's events) that the year loop builds like any other; this
 * module is their owner for everything else: rebuilding a year, dropping years. Their integrity is
 * checked by the validation rules, like every other table's.
 */
export const REGISTRY_TABLES = ['int_enrollment_state_accumulator', 'int_deferral_rate_state_accumulator'] as const;

export class RegistryManager {
  private readonly models: ModelDefinition[];

  constructor(
    private readonly db: Database,
    private readonly runner: ModelRunner,
  ) {
    this.models = REGISTRY_TABLES.map((name) => {
      const model = MODELS.find((m) => m.name === name);
      if (model === undefined) throw new Error(`Registry ${name} is not a model`);
      return model;
    });
  }

  /** Rebuilds the registries of `year` from year-1's rows and the year's events (session year must be set). */
  async buildYear(year: number): Promise<void> {
    for (const model of this.models) await this.runner.runModel(model, year);
  }

  /** Removes the registries' rows of `year` and every later year (a rollback or a restart from `year`). */
  async dropFrom(year: number): Promise<void> {
    for (const table of REGISTRY_TABLES) {
      await this.db.run(`DELETE FROM ${table} WHERE simulation_year >= $1`, [year]);
    }
  }
}
