import type { SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';

/**
 * `param_forfeitures`: one row, the forfeiture policy (the `forfeitures` section, src/config/accounts.ts),
 * read by the reallocation model and fct_forfeiture_account. The value is bound, never spliced.
 */
export async function compileForfeitureParameters(db: Database, config: SimulationConfig): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE param_forfeitures AS SELECT $policy::VARCHAR AS policy`, {
    policy: config.forfeitures?.policy ?? 'offset_employer_contributions',
  });
}
