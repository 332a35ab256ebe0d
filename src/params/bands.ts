import { runBands } from '../config/bands.js';
import type { SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import { ConfigError } from '../errors.js';
import type { ParameterTables } from './tables.js';

/**
 * The age and tenure bands and the promotion hazard (config `age_bands`, `tenure_bands`,
 * `promotion_hazard`; src/config/bands.ts) as parameter tables:
 *
 * - `param_age_bands`, `param_tenure_bands (band_label, min_value, max_value)`: the run's bands in
 *   order, each [min_value, max_value), the last open-ended (max_value NULL).
 * - `param_band_lookup`: one row holding each kind's band minimums and labels as lists, in order, which
 *   the models join to label a row with pa_band(value, minimums, labels) (macros/calendar.sql): a list
 *   lookup costs a few nanoseconds a row, where a join of every row to the band rows would not.
 * - `param_promotion_hazard (base_rate, level_dampener_factor)` and
 *   `param_promotion_age_multipliers (age_band, multiplier)`, `param_promotion_tenure_multipliers
 *   (tenure_band, multiplier)`: the promotion-hazard tables, one multiplier row per band of the run,
 *   each value from `promotion_hazard` where it gives one, else from the table file. A band neither
 *   gives is an error naming both.
 *
 * The band tables are kept, as the other parameter tables, so that a database says which bands its
 * labels mean; the lookup row is TEMP, a form of them for the models rebuilt at the start of every run.
 */
export async function compileBandsAndPromotionHazard(db: Database, config: SimulationConfig, tables: ParameterTables): Promise<void> {
  const bands = runBands(config);
  for (const [table, list] of [
    ['param_age_bands', bands.age],
    ['param_tenure_bands', bands.tenure],
  ] as const) {
    await db.run(
      `CREATE OR REPLACE TABLE ${table} AS
         WITH given AS (SELECT unnest(from_json($bands, '[{"band_label":"VARCHAR","min_value":"DOUBLE"}]'), recursive := true))
         SELECT band_label, min_value, lead(min_value) OVER (ORDER BY min_value) AS max_value
         FROM given
         ORDER BY min_value`,
      // Bands are contiguous (src/config/bands.ts): each ends where the next starts.
      { bands: JSON.stringify(list.map(({ band_label, min_value }) => ({ band_label, min_value }))) },
    );
  }
  await db.run(
    `CREATE OR REPLACE TEMP TABLE param_band_lookup AS SELECT
       (SELECT list(min_value ORDER BY min_value) FROM param_age_bands) AS age_min_values,
       (SELECT list(band_label ORDER BY min_value) FROM param_age_bands) AS age_labels,
       (SELECT list(min_value ORDER BY min_value) FROM param_tenure_bands) AS tenure_min_values,
       (SELECT list(band_label ORDER BY min_value) FROM param_tenure_bands) AS tenure_labels`,
  );

  const hazard = config.promotion_hazard;
  await db.run(
    `CREATE OR REPLACE TABLE param_promotion_hazard AS
       SELECT coalesce($base_rate::DOUBLE, base_rate::DOUBLE) AS base_rate,
              coalesce($dampener::DOUBLE, level_dampener_factor::DOUBLE) AS level_dampener_factor
       FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
    {
      path: tables.path('config_promotion_hazard_base.csv'),
      base_rate: hazard?.base_rate ?? null,
      dampener: hazard?.level_dampener_factor ?? null,
    },
  );

  const missing: string[] = [];
  for (const [table, file, key, bandTable, given, configKey] of [
    [
      'param_promotion_age_multipliers',
      'config_promotion_hazard_age_multipliers.csv',
      'age_band',
      'param_age_bands',
      (hazard?.age_multipliers ?? []).map((m) => ({ band: m.age_band, multiplier: m.multiplier })),
      'promotion_hazard.age_multipliers',
    ],
    [
      'param_promotion_tenure_multipliers',
      'config_promotion_hazard_tenure_multipliers.csv',
      'tenure_band',
      'param_tenure_bands',
      (hazard?.tenure_multipliers ?? []).map((m) => ({ band: m.tenure_band, multiplier: m.multiplier })),
      'promotion_hazard.tenure_multipliers',
    ],
  ] as const) {
    const path = tables.path(file);
    await db.run(
      `CREATE OR REPLACE TABLE ${table} AS
         WITH from_file AS (
            SELECT ${key} AS band, multiplier::DOUBLE AS multiplier
            FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
         ),
         from_config AS (
            SELECT unnest(from_json($given, '[{"band":"VARCHAR","multiplier":"DOUBLE"}]'), recursive := true)
         )
         SELECT b.band_label AS ${key}, coalesce(c.multiplier, f.multiplier) AS multiplier
         FROM ${bandTable} b
         LEFT JOIN from_config c ON c.band = b.band_label
         LEFT JOIN from_file f ON f.band = b.band_label
         ORDER BY b.min_value`,
      { path, given: JSON.stringify(given) },
    );
    for (const row of await db.all<{ band: string }>(`SELECT ${key} AS band FROM ${table} WHERE multiplier IS NULL`)) {
      missing.push(`${path}: no row for the ${key} "${row.band}", and ${configKey} gives none`);
    }
  }
  if (missing.length > 0) {
    throw new ConfigError(
      'A promotion multiplier is missing for a band',
      missing,
      { configKey: 'promotion_hazard' },
      'Give every band of age_bands and tenure_bands a multiplier, in promotion_hazard or in the table file (setup.parameter_tables_dir).',
    );
  }
}
