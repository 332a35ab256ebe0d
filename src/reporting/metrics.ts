import type { Database } from '../db/database.js';

/**
 * The headline metrics: one definition of each, with the reference's ids, read by the console, `analyze`,
 * exports, `compare`, the batch workbook, the ensembles and the Studio. Every figure of a year comes from
 * that year's rows of `fct_workforce_snapshot` (which carries the year's contributions), so any two
 * readers of one database show the same numbers.
 *
 * Units: counts are whole numbers, money is in dollars rounded to the cent, rates are fractions (0.06 =
 * 6 %). Nothing here is formatted; renderers add `$` and `%`.
 */

export type MetricUnit = 'count' | 'usd' | 'fraction';

export interface MetricDefinition {
  readonly id: HeadlineMetricId;
  readonly label: string;
  readonly unit: MetricUnit;
  /** What the figure is, in words (help texts, export column notes, the workbook). */
  readonly description: string;
}

export const HEADLINE_METRIC_IDS = [
  'active_headcount',
  'total_compensation',
  'participation_rate',
  'avg_deferral_rate',
  'employee_contributions',
  'employer_match_cost',
  'employer_core_cost',
  'total_employer_plan_cost',
  'net_employer_plan_cost',
  'account_balances',
] as const;
export type HeadlineMetricId = (typeof HEADLINE_METRIC_IDS)[number];

export const HEADLINE_METRICS: readonly MetricDefinition[] = [
  { id: 'active_headcount', label: 'Active headcount', unit: 'count', description: 'Employees active at the end of the year' },
  {
    id: 'total_compensation',
    label: 'Total compensation',
    unit: 'usd',
    description: 'Σ prorated pay of everyone employed at some point in the year (leavers and hires for their days worked)',
  },
  {
    id: 'participation_rate',
    label: 'Participation rate',
    unit: 'fraction',
    description: 'Participating actives (deferral rate > 0 at year end) / actives at year end',
  },
  {
    id: 'avg_deferral_rate',
    label: 'Average deferral rate',
    unit: 'fraction',
    description: 'Mean year-end deferral rate of participating actives',
  },
  {
    id: 'employee_contributions',
    label: 'Employee contributions',
    unit: 'usd',
    description: 'Σ employee deferrals of the year, everyone employed in the year',
  },
  { id: 'employer_match_cost', label: 'Employer match', unit: 'usd', description: 'Σ employer match of the year' },
  { id: 'employer_core_cost', label: 'Employer core', unit: 'usd', description: 'Σ employer core (non-elective) contributions of the year' },
  {
    id: 'total_employer_plan_cost',
    label: 'Total employer plan cost',
    unit: 'usd',
    description: 'Employer match + employer core of the year',
  },
  {
    id: 'net_employer_plan_cost',
    label: 'Net employer plan cost',
    unit: 'usd',
    description: 'Total employer plan cost less the forfeitures used in the year (for employer contributions or plan expenses)',
  },
  {
    id: 'account_balances',
    label: 'Account balances (year end)',
    unit: 'usd',
    description: "Σ year-end balances of every participant's accounts, all sources, vested or not, leavers' undistributed money included",
  },
];

/**
 * The headline metrics of one simulated year, plus figures that are not headline metrics but have one
 * definition too: the participant count the per-participant figures divide by, the start-of-year
 * population growth is measured from, and the mean year-end pay of the actives.
 */
export type YearMetrics = {
  year: number;
  participants: number;
  /** The year's snapshot rows less its hires: the previous year's year-end actives (works on migrated files too). */
  starting_actives: number;
  /** Mean year-end pay of the year's actives. */
  average_active_pay: number;
  /** The forfeiture account (fct_forfeiture_account): the unvested employer money forfeited in the year, */
  forfeitures: number;
  /** what the year used of it (for employer contributions or plan expenses; net = total − this), */
  forfeitures_used: number;
  /** what it reallocated to participants, and what it carries into the next year. */
  forfeitures_reallocated: number;
  forfeiture_account_balance: number;
  /** The participant accounts (fct_account_balances): Σ opening balances, and the year's flows into and out of them */
  account_opening: number;
  account_contributions: number;
  account_earnings: number;
  account_distributions: number;
  /** and Σ the vested part of the year-end balances (account_balances is Σ all of them). */
  account_vested_balances: number;
} & Record<HeadlineMetricId, number>;

/** A database without the forfeiture account (written before issue 14, or migrated) forfeited nothing. */
const NO_FORFEITURE_ACCOUNT = `SELECT NULL::INTEGER AS simulation_year, 0 AS forfeitures, 0 AS forfeitures_used,
  0 AS forfeitures_reallocated, 0 AS forfeiture_account_balance WHERE false`;
const FORFEITURE_ACCOUNT = `SELECT simulation_year, forfeitures, used_for_contributions + used_for_expenses AS forfeitures_used,
  reallocated AS forfeitures_reallocated, closing AS forfeiture_account_balance FROM fct_forfeiture_account`;
/** Nor does it have participant accounts. */
const NO_ACCOUNTS = `SELECT NULL::INTEGER AS simulation_year, 0 AS account_opening, 0 AS account_contributions, 0 AS account_earnings,
  0 AS account_distributions, 0 AS account_balances, 0 AS account_vested_balances WHERE false`;
/** `filter`: the years' WHERE clause (one year's audit must not aggregate every year's accounts). */
const ACCOUNTS = (filter: string): string => `SELECT simulation_year, sum(opening) AS account_opening, sum(contributions) AS account_contributions,
  sum(earnings) AS account_earnings, sum(distributions) AS account_distributions, sum(closing) AS account_balances,
  sum(vested_balance) AS account_vested_balances FROM fct_account_balances ${filter} GROUP BY simulation_year`;

/**
 * The figures a set of fct_workforce_snapshot rows gives (a year's here; one group's of a year in the
 * Studio's result queries, src/services/results.ts): the select list of an aggregate over the rows,
 * read back through snapshotFigures. One definition for every reader that slices the snapshot.
 */
export const SNAPSHOT_FIGURES_SQL = `count(*) FILTER (WHERE employment_status = 'active')::INTEGER AS active_headcount,
            count(*) FILTER (WHERE employment_status = 'active' AND participation_status = 'participating')::INTEGER
              AS participants,
            count(*) FILTER (WHERE detailed_status_code IN ('continuous_active', 'experienced_termination'))::INTEGER
              AS starting_actives,
            coalesce(avg(current_compensation) FILTER (WHERE employment_status = 'active'), 0)::DOUBLE AS average_active_pay,
            round(coalesce(sum(prorated_annual_compensation), 0), 2)::DOUBLE AS total_compensation,
            coalesce(avg(current_deferral_rate) FILTER (WHERE employment_status = 'active'
                                                          AND participation_status = 'participating'), 0)::DOUBLE
              AS avg_deferral_rate,
            round(coalesce(sum(ytd_contributions), 0), 2)::DOUBLE AS employee_contributions,
            round(coalesce(sum(employer_match_amount), 0), 2)::DOUBLE AS employer_match_cost,
            round(coalesce(sum(employer_core_amount), 0), 2)::DOUBLE AS employer_core_cost`;

export type SnapshotFigures = Pick<
  YearMetrics,
  | 'participants'
  | 'starting_actives'
  | 'average_active_pay'
  | 'active_headcount'
  | 'total_compensation'
  | 'participation_rate'
  | 'avg_deferral_rate'
  | 'employee_contributions'
  | 'employer_match_cost'
  | 'employer_core_cost'
  | 'total_employer_plan_cost'
>;

/** The figures of a row selected with SNAPSHOT_FIGURES_SQL (in the key order of YearMetrics). */
export function snapshotFigures(r: Record<string, unknown>): SnapshotFigures {
  const activeHeadcount = Number(r.active_headcount);
  const participants = Number(r.participants);
  const match = Number(r.employer_match_cost);
  const core = Number(r.employer_core_cost);
  return {
    participants,
    starting_actives: Number(r.starting_actives),
    average_active_pay: Number(r.average_active_pay),
    active_headcount: activeHeadcount,
    total_compensation: Number(r.total_compensation),
    participation_rate: activeHeadcount === 0 ? 0 : participants / activeHeadcount,
    avg_deferral_rate: Number(r.avg_deferral_rate),
    employee_contributions: Number(r.employee_contributions),
    employer_match_cost: match,
    employer_core_cost: core,
    total_employer_plan_cost: cents(match + core),
  };
}

/**
 * The headline metrics of every simulated year in the database (ascending), or of the years
 * `from`..`to` (inclusive) only. One statement over the snapshot and the forfeiture account: a year
 * without snapshot rows is absent, never zero-filled.
 */
export async function readYearMetrics(db: Database, years?: { from: number; to: number }): Promise<YearMetrics[]> {
  const filter = years === undefined ? '' : 'WHERE simulation_year BETWEEN $from AND $to';
  const account = (await db.tableExists('fct_forfeiture_account')) ? FORFEITURE_ACCOUNT : NO_FORFEITURE_ACCOUNT;
  const accounts = (await db.tableExists('fct_account_balances')) ? ACCOUNTS(filter) : NO_ACCOUNTS;
  const rows = await db.all<Record<string, number>>(
    `SELECT s.*,
            coalesce(f.forfeitures, 0)::DOUBLE AS forfeitures,
            coalesce(f.forfeitures_used, 0)::DOUBLE AS forfeitures_used,
            coalesce(f.forfeitures_reallocated, 0)::DOUBLE AS forfeitures_reallocated,
            coalesce(f.forfeiture_account_balance, 0)::DOUBLE AS forfeiture_account_balance,
            coalesce(a.account_opening, 0)::DOUBLE AS account_opening,
            coalesce(a.account_contributions, 0)::DOUBLE AS account_contributions,
            coalesce(a.account_earnings, 0)::DOUBLE AS account_earnings,
            coalesce(a.account_distributions, 0)::DOUBLE AS account_distributions,
            coalesce(a.account_balances, 0)::DOUBLE AS account_balances,
            coalesce(a.account_vested_balances, 0)::DOUBLE AS account_vested_balances
     FROM (
     SELECT simulation_year::INTEGER AS year, ${SNAPSHOT_FIGURES_SQL}
       FROM fct_workforce_snapshot ${filter}
      GROUP BY 1) s
     LEFT JOIN (${account}) f ON f.simulation_year = s.year
     LEFT JOIN (${accounts}) a ON a.simulation_year = s.year
     ORDER BY s.year`,
    years === undefined ? [] : { from: years.from, to: years.to },
  );
  return rows.map((r) => {
    const figures = snapshotFigures(r);
    const used = Number(r.forfeitures_used);
    return {
      year: Number(r.year),
      ...figures,
      net_employer_plan_cost: cents(figures.employer_match_cost + figures.employer_core_cost - used),
      forfeitures: Number(r.forfeitures),
      forfeitures_used: used,
      forfeitures_reallocated: Number(r.forfeitures_reallocated),
      forfeiture_account_balance: Number(r.forfeiture_account_balance),
      account_balances: Number(r.account_balances),
      account_opening: Number(r.account_opening),
      account_contributions: Number(r.account_contributions),
      account_earnings: Number(r.account_earnings),
      account_distributions: Number(r.account_distributions),
      account_vested_balances: Number(r.account_vested_balances),
    };
  });
}

/** (active_headcount − starting_actives) / starting_actives, a fraction; 0 without starting actives. */
export function growthRate(metrics: Pick<YearMetrics, 'active_headcount' | 'starting_actives'>): number {
  const start = metrics.starting_actives;
  return start === 0 ? 0 : (metrics.active_headcount - start) / start;
}

/** Dollars rounded to the cent (sums of rounded figures drift in binary floating point). */
export function cents(dollars: number): number {
  return Math.round(dollars * 100) / 100;
}

/** The definition of a metric id (throws on an id that is not a headline metric: a programming error). */
export function metricDefinition(id: HeadlineMetricId): MetricDefinition {
  const definition = HEADLINE_METRICS.find((m) => m.id === id);
  if (definition === undefined) throw new Error(`Unknown headline metric ${id}`);
  return definition;
}

/**
 * A figure in the integer steps a console shows it in: whole counts, whole dollars (cents with
 * `cents`), tenths of a percent for fractions. Halves round away from zero, as toLocaleString does;
 * never -0. Differences of shown figures are computed on these steps, so they match what is shown.
 */
export function shownSteps(unit: MetricUnit, value: number, options: { cents?: boolean } = {}): number {
  const scale = unit === 'fraction' ? 1000 : unit === 'usd' && options.cents ? 100 : 1;
  const steps = Math.sign(value) * Math.round(Math.abs(value) * scale);
  return steps === 0 ? 0 : steps;
}

/** Shown steps as text, without a sign for positives: `$1,234`, `78.4 %`, `4,512`. */
export function formatSteps(unit: MetricUnit, steps: number, options: { cents?: boolean } = {}): string {
  switch (unit) {
    case 'count':
      return steps.toLocaleString('en-US');
    case 'usd': {
      const digits = options.cents ? 2 : 0;
      const text = (Math.abs(steps) / 10 ** digits).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
      return `${steps < 0 ? '-' : ''}$${text}`;
    }
    case 'fraction':
      return `${(steps / 10).toFixed(1)} %`;
  }
}

/** A metric value with its unit, for consoles: `$1,234,567`, `78.4 %`, `4,512`. */
export function formatMetric(unit: MetricUnit, value: number, options: { cents?: boolean } = {}): string {
  return formatSteps(unit, shownSteps(unit, value, options), options);
}
