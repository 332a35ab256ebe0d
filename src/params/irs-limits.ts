import type { SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import { formatYears } from '../reporting/inputs.js';
import { lastParameterYear, outsideRangeNotice } from './seeds.js';
import type { ParameterTables } from './tables.js';

/**
 * The IRS limits of every simulated year (`param_irs_limits`): the published ones of irs_limits.csv,
 * and past its last year a projection at `setup.irs_limit_indexing_rate`.
 *
 * The statutes index each limit from a fixed base amount (402(g): $15,000 of 2006; 415(c): $40,000
 * of 2002; Social Security: $60,600 of 1994 ...) by the cost-of-living or wage index since its base
 * period, and round only that year's result. So the projection compounds the rate on the last
 * published value and rounds once per year:
 *
 *     limit_Y = max(limit_L, round(limit_L × (1 + r)^(Y − L), increment))     L = last published year
 *
 * rather than rounding each year and indexing the rounded value, which would lose up to one
 * increment a year. Rounding is down to the statutory increment, except the Social Security wage base,
 * rounded to the nearest $300 (a multiple of $150 up: Social Security Act §230(b), 42 U.S.C. 430(b)).
 * The statutes adjust for increases only, hence never below the last published value. Arithmetic is
 * exact (integers), so a value on an increment stays on it.
 */

type Rounding = 'down' | 'nearest';

/** Each projected column of param_irs_limits: its increment in dollars, its rounding and the statute. */
export const IRS_LIMIT_INDEXING = {
  base_limit: { increment: 500, rounding: 'down', statute: 'IRC 402(g)(4)' },
  catch_up: { increment: 500, rounding: 'down', statute: 'IRC 414(v)(2)(C)' },
  super_catch_up: { increment: 500, rounding: 'down', statute: 'IRC 414(v)(2)(E)' },
  compensation_limit: { increment: 5000, rounding: 'down', statute: 'IRC 401(a)(17)(B)' },
  annual_additions_limit: { increment: 1000, rounding: 'down', statute: 'IRC 415(d)(4)(A)' },
  hce_compensation_threshold: { increment: 5000, rounding: 'down', statute: 'IRC 414(q)(1)' },
  key_employee_compensation_threshold: { increment: 5000, rounding: 'down', statute: 'IRC 416(i)(1)(A)' },
  social_security_wage_base: { increment: 300, rounding: 'nearest', statute: 'SSA §230(b)' },
} as const satisfies Record<string, { increment: number; rounding: Rounding; statute: string }>;

export type IrsLimit = keyof typeof IRS_LIMIT_INDEXING;

/** A decimal written in text or as a number (`24500`, `0.025`, `1e-7`) as an exact fraction. */
function fraction(value: string | number): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(String(value).trim());
  if (!m) throw new Error(`not a non-negative decimal: ${value}`);
  const decimals = m[2] ?? '';
  const exponent = Number(m[3] ?? 0) - decimals.length;
  const digits = BigInt(`${m[1]}${decimals}`);
  return exponent >= 0 ? { num: digits * 10n ** BigInt(exponent), den: 1n } : { num: digits, den: 10n ** BigInt(-exponent) };
}

/**
 * `published` (the last published value) indexed `years` years at `rate`, rounded as the limit's
 * statute rounds it and never below `published`; whole dollars as text, or `published` itself.
 */
export function projectIrsLimit(limit: IrsLimit, published: string, rate: string | number, years: number): string {
  const { increment, rounding } = IRS_LIMIT_INDEXING[limit];
  const v = fraction(published);
  const r = fraction(rate);
  // v × (1 + r)^years = n / d
  const n = v.num * (r.den + r.num) ** BigInt(years);
  const d = v.den * r.den ** BigInt(years);
  const step = BigInt(increment);
  const steps = rounding === 'down' ? n / (d * step) : (2n * n + d * step) / (2n * d * step);
  const projected = steps * step;
  return projected * v.den > v.num ? projected.toString() : published;
}

/** The columns of param_irs_limits and their types. */
const COLUMNS = [
  ['simulation_year', 'INTEGER'],
  // The published year the values come from: for a projected year, the year projected from.
  ['limit_year', 'INTEGER'],
  ['base_limit', 'DECIMAL(18,2)'],
  ['catch_up', 'DECIMAL(18,2)'],
  ['catch_up_age', 'INTEGER'],
  ['super_catch_up', 'DECIMAL(18,2)'],
  ['super_catch_up_min_age', 'INTEGER'],
  ['super_catch_up_max_age', 'INTEGER'],
  ['compensation_limit', 'DECIMAL(18,2)'],
  ['annual_additions_limit', 'DECIMAL(18,2)'],
  ['hce_compensation_threshold', 'DECIMAL(18,2)'],
  ['key_employee_compensation_threshold', 'DECIMAL(18,2)'],
  ['social_security_wage_base', 'DECIMAL(18,2)'],
  ['is_projected', 'BOOLEAN'],
  // The HCE threshold of the year before (the look-back year's; a year before the table's first takes its first).
  ['lookback_hce_compensation_threshold', 'DECIMAL(18,2)'],
] as const;

type Column = (typeof COLUMNS)[number][0];
type LimitRow = Record<Column, string | number | boolean | null>;

/** A row of irs_limits.csv (validated by tables.ts) as the columns of param_irs_limits. */
function publishedRow(csv: Record<string, string | null>): Omit<LimitRow, 'simulation_year' | 'is_projected' | 'lookback_hce_compensation_threshold'> {
  const value = (column: string): string | null => (csv[column] === '' ? null : (csv[column] ?? null));
  return {
    limit_year: Number(csv.limit_year),
    base_limit: value('elective_deferral_limit'),
    catch_up: value('catch_up_contribution'),
    catch_up_age: value('catch_up_age'),
    // Without an age-60–63 catch-up, the age-50 one applies at those ages too.
    super_catch_up: value('super_catch_up_contribution') ?? value('catch_up_contribution'),
    super_catch_up_min_age: value('super_catch_up_min_age'),
    super_catch_up_max_age: value('super_catch_up_max_age'),
    compensation_limit: value('compensation_limit'),
    annual_additions_limit: value('annual_additions_limit'),
    hce_compensation_threshold: value('hce_compensation_threshold'),
    key_employee_compensation_threshold: value('key_employee_compensation_threshold'),
    social_security_wage_base: value('social_security_wage_base'),
  };
}

/**
 * Writes param_irs_limits: one row per year from the run's start to the last year a run from it may
 * reach. A year before the table's first takes the first year's values (and a notice says so); a
 * year after its last is projected from the last.
 */
export async function compileIrsLimits(db: Database, config: SimulationConfig, notices: string[], tables: ParameterTables): Promise<void> {
  const path = tables.path('irs_limits.csv');
  const csv = await db.all<Record<string, string | null>>(
    `SELECT * FROM read_csv($path, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"') ORDER BY limit_year::INTEGER`,
    { path },
  );
  const published = csv.map(publishedRow);
  const first = published[0];
  const last = published[published.length - 1];
  if (first === undefined || last === undefined) throw new Error(`${path} has no rows`);
  const [firstYear, lastYear] = [Number(first.limit_year), Number(last.limit_year)];
  const rate = config.setup.irs_limit_indexing_rate;
  const { start_year: start, end_year: end } = config.simulation;

  const limitsOf = (year: number): Omit<LimitRow, 'lookback_hce_compensation_threshold'> => {
    if (year <= lastYear) {
      const row = published[Math.max(year, firstYear) - firstYear] as (typeof published)[number];
      return { simulation_year: year, ...row, is_projected: false };
    }
    const projected: Omit<LimitRow, 'lookback_hce_compensation_threshold'> = { ...last, simulation_year: year, is_projected: true };
    for (const limit of Object.keys(IRS_LIMIT_INDEXING) as IrsLimit[]) {
      const value = last[limit];
      projected[limit] = value === null ? null : projectIrsLimit(limit, String(value), rate, year - lastYear);
    }
    return projected;
  };
  const rows: LimitRow[] = [];
  for (let year = start; year <= lastParameterYear(start); year += 1) {
    // The HCE test of year Y compares Y-1 pay with Y-1's threshold (IRC 414(q)(1)(B)): the start
    // year's look-back year is before the run, so it is carried on each year's row.
    rows.push({ ...limitsOf(year), lookback_hce_compensation_threshold: limitsOf(year - 1).hce_compensation_threshold });
  }

  await db.run(`CREATE OR REPLACE TABLE param_irs_limits (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`);
  // The rows are bound as one JSON text of text values, each cast to its column's type: bound one by
  // one, the ~700 values took four times as long. Column names and types are this file's constants.
  const shape = JSON.stringify([Object.fromEntries(COLUMNS.map(([name]) => [name, 'VARCHAR']))]);
  const json = rows.map((row) => Object.fromEntries(COLUMNS.map(([name]) => [name, row[name] === null ? null : String(row[name])])));
  await db.run(
    `INSERT INTO param_irs_limits SELECT ${COLUMNS.map(([name, type]) => `r.${name}::${type}`).join(', ')}
       FROM (SELECT unnest(from_json($1, '${shape}')) AS r)`,
    [JSON.stringify(json)],
  );

  // Years before the first published one take its values, said here; projected years are reported
  // with the run's result (irsLimitProjection).
  const sim = { start_year: start, end_year: Math.min(end, lastYear) };
  const notice = outsideRangeNotice('IRS limits (published)', firstYear, lastYear, sim);
  if (notice) notices.push(notice);
}

/** The projected years among `from`–`to`, the year they are projected from and the rate. */
export interface IrsLimitProjection {
  years: number[];
  fromYear: number;
  rate: number;
}

/** The projection of the years `from`–`to` as param_irs_limits holds it, or undefined when every year is published. */
export async function irsLimitProjection(db: Database, from: number, to: number, rate: number): Promise<IrsLimitProjection | undefined> {
  const rows = await db.all<{ year: number; from_year: number }>(
    `SELECT simulation_year AS year, limit_year AS from_year FROM param_irs_limits
     WHERE is_projected AND simulation_year BETWEEN $from AND $to ORDER BY simulation_year`,
    { from, to },
  );
  const fromYear = rows[0]?.from_year;
  return fromYear === undefined ? undefined : { years: rows.map((r) => r.year), fromYear, rate };
}

/** "IRS limits 2027–2029 projected at 2.5 %/yr from 2026 (setup.irs_limit_indexing_rate)" */
export function describeIrsLimitProjection(p: IrsLimitProjection): string {
  const percent = Number((p.rate * 100).toFixed(6));
  return `IRS limits ${formatYears(p.years)} projected at ${percent} %/yr from ${p.fromYear} (setup.irs_limit_indexing_rate)`;
}
