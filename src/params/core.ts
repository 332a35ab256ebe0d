import { bandLabel, baseCoreRate, CORE_SCHEDULES, coreRateRows, integrationLevel } from '../config/core.js';
import type { SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import { ConfigError } from '../errors.js';
import { formatMetric } from '../reporting/metrics.js';

/**
 * The employer core design as parameter tables (reference-plan-design.md §3), read by
 * int_employer_core_contributions:
 * - `param_core_schedule`: the rate by band of the status's measure, one row per band from
 *   `band_min` up to (not including) `band_end`, the next row's minimum (NULL: open-ended). A flat
 *   rate is one open band, status `none` one open band at 0. The schema guarantees that the bands
 *   start at 0 and follow each other, so every employee falls in exactly one. `measure` is the
 *   status, which the model maps to the measure it reads (years of service, points, age; 0 for flat and none).
 * - `param_core_integration`: Social Security integration (permitted disparity, §3.2), one row per
 *   year when it is enabled: the integration level of the year and the disparity rate. The level
 *   is computed from `param_irs_limits.social_security_wage_base`, the wage base the run uses, and
 *   checked for each simulated year against IRC 401(l) before anything runs.
 * Values are bound, never spliced into SQL.
 */
export async function compileCoreParameters(db: Database, config: SimulationConfig): Promise<void> {
  const core = config.employer_core_contribution;
  const rows = coreRateRows(core);
  await db.run(
    `CREATE OR REPLACE TABLE param_core_schedule (measure VARCHAR, band_min INTEGER, band_end INTEGER, contribution_rate DECIMAL(7,5), core_band VARCHAR)`,
  );
  await db.run(
    `INSERT INTO param_core_schedule VALUES ${rows.map((_, i) => `($${5 * i + 1}, $${5 * i + 2}, $${5 * i + 3}, $${5 * i + 4}::DECIMAL(7,5), $${5 * i + 5})`).join(', ')}`,
    rows.flatMap((r, i) => [
      core.status,
      r.min,
      rows[i + 1]?.min ?? null,
      String(r.contribution_rate),
      core.status === 'none' || core.status === 'flat' ? core.status : `${CORE_SCHEDULES[core.status].band} ${bandLabel(rows, i)}`,
    ]),
  );

  const s = core.integration;
  await db.run(`CREATE OR REPLACE TABLE param_core_integration (simulation_year INTEGER, integration_level DECIMAL(18,2), disparity_rate DECIMAL(7,5))`);
  if (!s.enabled) return;
  const limits = await db.all<{ year: number; wage_base: number | null }>(
    `SELECT simulation_year AS year, social_security_wage_base::DOUBLE AS wage_base FROM param_irs_limits ORDER BY simulation_year`,
  );
  const { start_year: start, end_year: end } = config.simulation;
  const problems = integrationProblems(config, limits.filter((l) => l.year >= start && l.year <= end).map((l) => ({ year: l.year, wageBase: l.wage_base })));
  if (problems.length > 0) {
    throw new ConfigError(
      'employer_core_contribution.integration breaks the permitted-disparity rules (IRC 401(l))',
      problems,
      { configKey: 'employer_core_contribution.integration' },
      'Lower disparity_rate or change the integration level (reference-plan-design.md §3.2 gives the limits).',
    );
  }
  const levels = limits.filter((l) => l.wage_base !== null).map((l) => [l.year, String(integrationLevel(s, l.wage_base as number))] as const);
  if (levels.length === 0) return;
  await db.run(
    `INSERT INTO param_core_integration VALUES ${levels.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}::DECIMAL(18,2), $${3 * i + 3}::DECIMAL(7,5))`).join(', ')}`,
    levels.flatMap(([year, level]) => [year, level, String(s.disparity_rate)]),
  );
}

/**
 * The permitted disparity of a level, IRC 401(l)(4)(A) and Treas. Reg. 1.401(l)-2(d)(4): 5.7 % (the
 * old-age OASDI rate) for a level at the wage base or at most the greater of $10,000 and 20 % of it,
 * 4.3 % up to 80 % of it, 5.4 % above 80 % and below 100 %.
 */
export function permittedDisparityFactor(level: number, wageBase: number): { factor: number; bound: string } {
  if (level === wageBase) return { factor: 0.057, bound: 'level = the wage base' };
  // compared in whole dollars, exactly: 20 % is level x 5 <= wage base, 80 % level x 5 <= wage base x 4
  if (level <= 10_000 || 5 * level <= wageBase) return { factor: 0.057, bound: 'level at most the greater of $10,000 and 20 % of the wage base' };
  if (5 * level <= 4 * wageBase) return { factor: 0.043, bound: 'level above 20 % and at most 80 % of the wage base' };
  return { factor: 0.054, bound: 'level above 80 % and below 100 % of the wage base' };
}

const percent = (rate: number): string => `${Number((rate * 100).toFixed(4))} %`;
const dollars = (amount: number): string => formatMetric('usd', amount);

/**
 * Every breach of §3.2's load-time rules in the years given (each with its Social Security wage
 * base; null when the IRS limits table has none): the level may not exceed the wage base, and the
 * disparity rate may not exceed the lesser of the base rate (the status's lowest rate) and the
 * level's factor. One message per year and rule, naming the key and the bound.
 */
export function integrationProblems(config: SimulationConfig, years: readonly { year: number; wageBase: number | null }[]): string[] {
  const core = config.employer_core_contribution;
  const s = core.integration;
  if (!s.enabled) return [];
  const key = 'employer_core_contribution.integration';
  const base = baseCoreRate(core);
  const problems: string[] = [];
  for (const { year, wageBase } of years) {
    if (wageBase === null) {
      problems.push(`${key}: no Social Security wage base for ${year} (irs_limits.csv, column social_security_wage_base)`);
      continue;
    }
    const level = integrationLevel(s, wageBase);
    if (level > wageBase) {
      problems.push(`${key}.level_value: the integration level ${dollars(level)} exceeds the ${year} Social Security wage base ${dollars(wageBase)}`);
      continue;
    }
    const { factor, bound } = permittedDisparityFactor(level, wageBase);
    const limit = Math.min(base, factor);
    if (s.disparity_rate > limit + 1e-12) {
      const why =
        base < factor
          ? `the base core rate ${percent(base)} (the lowest rate of status ${core.status})`
          : `${percent(factor)} for an integration level of ${dollars(level)} in ${year} (${bound}, wage base ${dollars(wageBase)})`;
      problems.push(`${key}.disparity_rate: ${percent(s.disparity_rate)} exceeds the permitted disparity ${percent(limit)}: at most ${why}`);
    }
  }
  // The base-rate bound is the same every year: said once.
  return [...new Set(problems)];
}
