import type { SimulationConfig } from '../config/index.js';
import { MARKET_SCENARIO_PERCENT } from '../config/schema.js';
import type { Database } from '../db/database.js';
import { ConfigError } from '../errors.js';

/**
 * The new-hire inputs (config `new_hire`, the reference's plan-design §8) as parameter tables:
 *
 * - `param_new_hire_ages (slot, age)`: hire number `seq` of a year is `age` of slot `seq % slots`
 *   (the hiring model). Without `new_hire.age_distribution` the five slots 25, 28, 32, 35, 40,
 *   the engine's cycle since issue 1. With it, 1,000 slots by systematic sampling: slot j takes the age
 *   whose cumulative weight (ages ascending) contains u = ((j × 617) mod 1000 + 0.5) / 1000, so each
 *   age holds its weight's share of the slots to 0.1 %, and as 617 is prime to 1000 (near 1000 / φ)
 *   consecutive hires, whatever their number, spread over the distribution rather than up the ages.
 *   Closed-form like the rest of hiring: the year's draws table is keyed on the hires it follows.
 * - `param_new_hire_pay (level_id, min_compensation, max_compensation, market_factor)`: the band of
 *   each job level's hire-pay centre, min + (max - min) × percentile × market multiplier × market_factor
 *   (int_effective_parameters.sql). The job-levels table's band unless `new_hire.job_level_compensation`
 *   gives the level's (used for hire pay only: census levels keep the table's bands); market_factor is
 *   1 + the `new_hire.market_scenario` percent / 100, so the scenario scales the spread above the minimum.
 */

const DEFAULT_AGE_CYCLE = [25, 28, 32, 35, 40];
const AGE_SLOTS = 1000;
const AGE_STRIDE = 617;

/** The age of each slot of the hire-age cycle. */
export function hireAgeSlots(distribution: readonly { age: number; weight: number }[] | undefined): number[] {
  if (distribution === undefined) return DEFAULT_AGE_CYCLE;
  const ages = [...distribution].sort((a, b) => a.age - b.age);
  const total = ages.reduce((sum, a) => sum + a.weight, 0);
  return Array.from({ length: AGE_SLOTS }, (_, j) => {
    const u = ((j * AGE_STRIDE) % AGE_SLOTS + 0.5) / AGE_SLOTS;
    let cumulative = 0;
    // The last age with weight takes any u beyond the rounded total.
    const found = ages.find((a) => (cumulative += a.weight / total) >= u) ?? ages.filter((a) => a.weight > 0).at(-1);
    return (found as { age: number }).age;
  });
}

export async function compileNewHireParameters(db: Database, config: SimulationConfig): Promise<void> {
  const newHire = config.new_hire;
  const slots = hireAgeSlots(newHire.age_distribution);
  await db.run(
    `CREATE OR REPLACE TABLE param_new_hire_ages AS
       SELECT (generate_subscripts(ages, 1) - 1)::INTEGER AS slot, unnest(ages)::INTEGER AS age
       FROM (SELECT from_json($ages, '["INTEGER"]') AS ages)
       ORDER BY slot`,
    { ages: JSON.stringify(slots) },
  );

  const bands = newHire.job_level_compensation ?? [];
  const levels = new Set(
    (await db.all<{ level_id: number }>(`SELECT level_id FROM param_job_levels`)).map((r) => Number(r.level_id)),
  );
  const unknown = bands.flatMap((b, i) =>
    levels.has(b.level)
      ? []
      : [`new_hire.job_level_compensation[${i}].level: ${b.level} is not a level of config_job_levels.csv (${[...levels].sort((x, y) => x - y).join(', ')})`],
  );
  if (unknown.length > 0) {
    throw new ConfigError('new_hire.job_level_compensation names an unknown job level', unknown, {
      configKey: 'new_hire.job_level_compensation',
    });
  }
  await db.run(
    `CREATE OR REPLACE TABLE param_new_hire_pay AS
       WITH configured AS (
          SELECT r.level::INTEGER AS level_id, r.min::DECIMAL(18,2) AS min_compensation, r.max::DECIMAL(18,2) AS max_compensation
          FROM (SELECT unnest(from_json($bands, '[{"level": "VARCHAR", "min": "VARCHAR", "max": "VARCHAR"}]')) AS r)
       )
       SELECT j.level_id,
              coalesce(c.min_compensation, j.min_compensation) AS min_compensation,
              coalesce(c.max_compensation, j.max_compensation) AS max_compensation,
              $factor::DOUBLE AS market_factor
       FROM param_job_levels j LEFT JOIN configured c USING (level_id)
       ORDER BY j.level_id`,
    {
      // Text, so that the cents arrive exactly.
      bands: JSON.stringify(bands.map((b) => ({ level: String(b.level), min: String(b.min_compensation), max: String(b.max_compensation) }))),
      factor: 1 + MARKET_SCENARIO_PERCENT[newHire.market_scenario] / 100,
    },
  );
}
