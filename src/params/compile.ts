import type { SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import { timestamp } from '../db/metadata.js';
import { compileAccountParameters } from './accounts.js';
import { compileComplianceParameters } from './compliance.js';
import { compileForfeitureParameters } from './forfeitures.js';
import { compileBandsAndPromotionHazard } from './bands.js';
import { compileDcPlanParameters } from './dc-plan.js';
import { compileNewHireParameters } from './new-hire.js';
import { lastParameterYear, outsideRangeNotice } from './seeds.js';
import { loadParameterTables, type ParameterTables } from './tables.js';
import { compileVestingParameters } from './vesting.js';

/**
 * Compiles the configuration and the parameter tables (data/seeds/, or setup.parameter_tables_dir)
 * into `param_*` tables that the SQL models join. Every value is bound, never spliced into SQL
 * text. Tables indexed by year are expanded to one row per simulation year; a year outside a
 * table's range takes the nearest row, and that is reported once per table in `notices`.
 */
export interface CompiledParameters {
  notices: string[];
}

export interface RunIdentity {
  scenarioId: string;
  planDesignId: string;
  /** The run's start time: every created_at-style column takes it, so reruns differ only there. */
  startedAt: Date;
}

/**
 * The promotion raise midpoint: the 2026 flat compensation.promotion_increase when set to anything but
 * 0.125, which the reference reads as "not set" (docs/DECISIONS.md), else the nested base_increase_pct.
 */
function promotionMidpoint(c: SimulationConfig['compensation']): number {
  const flat = c.promotion_increase;
  return flat !== undefined && flat !== 0.125 ? flat : c.promotion_compensation.base_increase_pct;
}

/** The promotion raise spread: the 2026 flat compensation.promotion_distribution_range when set to anything but its 0.05 default, else the nested one. */
function promotionSpread(c: SimulationConfig['compensation']): number {
  const flat = c.promotion_distribution_range;
  return flat !== undefined && flat !== 0.05 ? flat : c.promotion_compensation.distribution_range;
}

/** Scale of the exact decimals used by the growth solver. */
const RATE_DECIMAL = 'DECIMAL(38,12)';

export async function compileParameters(
  db: Database,
  config: SimulationConfig,
  run: RunIdentity,
  tables: ParameterTables = loadParameterTables(),
): Promise<CompiledParameters> {
  const notices: string[] = [...tables.notices];
  const sim = config.simulation;
  const promo = config.compensation.promotion_compensation;

  await db.run(
    `CREATE OR REPLACE TABLE param_simulation AS SELECT
        $scenario_id::VARCHAR AS scenario_id,
        $plan_design_id::VARCHAR AS plan_design_id,
        $start_year::INTEGER AS start_year,
        $end_year::INTEGER AS end_year,
        $random_seed::BIGINT AS random_seed,
        $g::${RATE_DECIMAL} AS target_growth_rate,
        $re::${RATE_DECIMAL} AS total_termination_rate,
        $rn::${RATE_DECIMAL} AS new_hire_termination_rate,
        $cola::DOUBLE AS cola_rate,
        $merit::DOUBLE AS merit_budget,
        $promo_base::DOUBLE AS promotion_base_increase_pct,
        $promo_range::DOUBLE AS promotion_distribution_range,
        $promo_cap_pct::DOUBLE AS promotion_max_cap_pct,
        $promo_cap_amount::DOUBLE AS promotion_max_cap_amount,
        $promo_type::VARCHAR AS promotion_distribution_type,
        $promo_std::DOUBLE AS promotion_normal_std_dev,
        $promo_rate_multiplier::DOUBLE AS promotion_rate_multiplier,
        $raise_timing::VARCHAR AS raise_timing_methodology,
        $started_at::TIMESTAMP AS run_started_at`,
    {
      scenario_id: run.scenarioId,
      plan_design_id: run.planDesignId,
      start_year: sim.start_year,
      end_year: sim.end_year,
      random_seed: String(sim.random_seed),
      // Rates travel as their decimal text so that the solver's arithmetic is exact.
      g: String(sim.target_growth_rate),
      re: String(config.workforce.total_termination_rate),
      rn: String(config.workforce.new_hire_termination_rate),
      cola: config.compensation.cola_rate,
      merit: config.compensation.merit_budget,
      promo_base: promotionMidpoint(config.compensation),
      promo_range: promotionSpread(config.compensation),
      promo_cap_pct: promo.max_cap_pct,
      promo_cap_amount: promo.max_cap_amount,
      promo_type: promo.distribution_type,
      promo_std: promo.advanced.normal_std_dev,
      promo_rate_multiplier: config.compensation.promotion_rate_multiplier ?? 1,
      raise_timing: config.raise_timing.methodology,
      started_at: timestamp(run.startedAt),
    },
  );

  await db.run(
    `CREATE OR REPLACE TABLE param_promotion_level_overrides (level_id INTEGER PRIMARY KEY, base_increase_pct DOUBLE)`,
  );
  for (const [level, pct] of Object.entries(promo.level_overrides ?? {})) {
    await db.run(`INSERT INTO param_promotion_level_overrides VALUES ($1, $2)`, [Number(level), pct]);
  }

  // Every table is read as tables.ts validated it (RFC 4180: commas, double quotes), never sniffed.
  await db.run(
    `CREATE OR REPLACE TABLE param_job_levels AS
       SELECT level_id::INTEGER AS level_id, name::VARCHAR AS level_name,
              min_compensation::DECIMAL(18,2) AS min_compensation,
              max_compensation::DECIMAL(18,2) AS max_compensation
       FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
       ORDER BY level_id`,
    { path: tables.path('config_job_levels.csv') },
  );

  await compileBandsAndPromotionHazard(db, config, tables);

  // The shipped distribution sums to 1.07, not 1: shares are normalised by their total (and said so).
  await db.run(
    `CREATE OR REPLACE TABLE param_raise_timing AS
       WITH seed AS (
          SELECT month::INTEGER AS month, percentage::DECIMAL(18,6) AS percentage
          FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
          WHERE industry_profile = 'general_corporate'
       )
       SELECT month,
              percentage::DOUBLE AS seed_share,
              (percentage / sum(percentage) OVER ())::DOUBLE AS share,
              ((sum(percentage) OVER (ORDER BY month) - percentage) / sum(percentage) OVER ())::DOUBLE AS cumulative_from
       FROM seed
       ORDER BY month`,
    { path: tables.path('config_raise_timing_distribution.csv') },
  );
  const timing = await db.one<{ total: number }>(`SELECT sum(seed_share) AS total FROM param_raise_timing`);
  if (config.raise_timing.methodology === 'realistic' && timing !== undefined && Math.abs(timing.total - 1) > 0.001) {
    notices.push(
      `config_raise_timing_distribution sums to ${timing.total.toFixed(3)}, not 1; its month shares are normalised by that total`,
    );
  }

  // comp_levers: the scenario's own rows when it has them, else the 'default' scenario's (defect D10).
  await db.run(
    `CREATE OR REPLACE TABLE param_comp_levers AS
     WITH seed AS (
        SELECT scenario_id, fiscal_year::INTEGER AS fiscal_year, job_level::INTEGER AS level_id,
               upper(event_type) AS event_type, parameter_name, parameter_value::DECIMAL(18,6) AS value
        FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
        WHERE parameter_value::DECIMAL(18,6) >= 0
     ),
     scoped AS (
        SELECT * FROM seed
        WHERE scenario_id = $scenario
           OR (scenario_id = 'default' AND NOT EXISTS (SELECT 1 FROM seed WHERE scenario_id = $scenario))
     ),
     years AS (SELECT range::INTEGER AS simulation_year FROM range($start_year, $end_year + 1)),
     bounds AS (SELECT min(fiscal_year) AS first_year, max(fiscal_year) AS last_year FROM scoped),
     mapped AS (
        SELECT y.simulation_year, greatest(b.first_year, least(b.last_year, y.simulation_year)) AS fiscal_year
        FROM years y CROSS JOIN bounds b
     )
     SELECT m.simulation_year, s.level_id,
            max(s.value) FILTER (WHERE s.event_type = 'RAISE' AND s.parameter_name = 'merit_base') AS merit_base,
            max(s.value) FILTER (WHERE s.event_type = 'HIRE' AND s.parameter_name = 'compensation_percentile') AS hire_percentile,
            max(s.value) FILTER (WHERE s.event_type = 'HIRE' AND s.parameter_name = 'market_adjustment_multiplier') AS hire_market_adjustment
     FROM mapped m JOIN scoped s USING (fiscal_year)
     GROUP BY ALL
     ORDER BY 1, 2`,
    { path: tables.path('comp_levers.csv'), scenario: run.scenarioId, start_year: sim.start_year, end_year: lastParameterYear(sim.start_year) },
  );
  const range = await db.one<{ first_year: number; last_year: number }>(
    `SELECT min(fiscal_year::INTEGER) AS first_year, max(fiscal_year::INTEGER) AS last_year
     FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
    { path: tables.path('comp_levers.csv') },
  );
  if (range !== undefined) {
    const notice = outsideRangeNotice('comp_levers (merit, new-hire pay)', range.first_year, range.last_year, sim);
    if (notice) notices.push(notice);
  }

  await compileNewHireParameters(db, config);
  await compileDcPlanParameters(db, config, notices, tables);
  await compileAccountParameters(db, config);
  await compileForfeitureParameters(db, config);
  await compileVestingParameters(db, config, notices);
  await compileComplianceParameters(db, config, notices);
  return { notices };
}
