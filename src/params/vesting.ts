import type { SimulationConfig } from '../config/index.js';
import { activeVesting, HOURS_PER_SERVICE_YEAR, vestingSteps } from '../config/vesting.js';
import type { Database } from '../db/database.js';

/**
 * Vesting (src/config/vesting.ts) as parameter tables, read by int_vesting_service:
 * - `param_vesting`: one row, the service method, the normal retirement age (NULL: none) and the
 *   hours that make a plan year a year of service;
 * - `param_vesting_schedules`: per source ('match', 'core'), the vested fraction from `service_years`
 *   up to (not including) `service_years_end` (NULL: from then on), so every whole number of years
 *   falls in exactly one row. The match's row already says what its formula type requires (a
 *   safe-harbor match: immediate). Values are bound, never spliced into SQL.
 */
export async function compileVestingParameters(db: Database, config: SimulationConfig, notices: string[]): Promise<void> {
  const v = activeVesting(config);
  notices.push(...v.notices);

  await db.run(
    `CREATE OR REPLACE TABLE param_vesting AS
     SELECT $method::VARCHAR AS service_method, $nra::INTEGER AS normal_retirement_age, $hours::INTEGER AS hours_per_service_year`,
    { method: v.serviceMethod, nra: v.normalRetirementAge, hours: HOURS_PER_SERVICE_YEAR },
  );
  const rows = (['match', 'core'] as const).flatMap((source) => {
    const steps = vestingSteps(v[source]);
    return steps.map((fraction, years) => [source, years, years + 1 < steps.length ? years + 1 : null, String(fraction)] as const);
  });
  await db.run(
    `CREATE OR REPLACE TABLE param_vesting_schedules (source VARCHAR, service_years INTEGER, service_years_end INTEGER, vested_fraction DECIMAL(7,4))`,
  );
  await db.run(
    `INSERT INTO param_vesting_schedules VALUES ${rows.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4}::DECIMAL(7,4))`).join(', ')}`,
    rows.flat(),
  );
}
