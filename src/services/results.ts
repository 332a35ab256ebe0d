/**
 * The results of a finished run as the Studio asks for them: a validated result query (metric ids,
 * a group-by, filters, up to six runs) compiled to SQL over the run's database, the deferral-rate
 * distribution and the compliance tests. Every figure of a year comes from the one definition the
 * reports use (src/reporting/metrics.ts): the snapshot figures through SNAPSHOT_FIGURES_SQL, grouped
 * or not, and the plan-level ones (forfeitures, accounts) from readYearMetrics. Metric and group ids
 * select fixed SQL fragments; every value a caller gives (years, levels, bands, cohorts) is a bound
 * parameter.
 */
import { z } from 'zod';
import { listValue, type Database, type Params } from '../db/database.js';
import { ConflictError, DatabaseInUseError, UsageError } from '../errors.js';
import type { ColumnUnit } from '../reporting/columns.js';
import { complianceJson, complianceLabel, readComplianceResults } from '../reporting/compliance.js';
import {
  HEADLINE_METRICS,
  SNAPSHOT_FIGURES_SQL,
  cents,
  readYearMetrics,
  snapshotFigures,
  type MetricUnit,
  type SnapshotFigures,
  type YearMetrics,
} from '../reporting/metrics.js';
import { COMPARED_METRICS } from '../reporting/scenario-compare.js';
import { openSimulationDatabase } from '../reporting/source.js';

/** A run's database as the services read it; the caller resolves {scenario, runId} through the workspace. */
export interface RunSource {
  /** How results name the run (rows' `run`, error messages). */
  label: string;
  database: string;
  /** The run's config (YAML), when known: what compareRuns diffs when the database does not record it. */
  config?: string;
}

/**
 * Opens the run's database read-only for `work` and closes it after. A database its writer still
 * holds is a usage error naming the run: its results are not there yet.
 */
export async function withRun<T>(source: RunSource, work: (db: Database) => Promise<T>): Promise<T> {
  let db: Database;
  try {
    db = await openSimulationDatabase(source.database);
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    throw new ConflictError(
      `run ${source.label} is still running${error.pid === undefined ? '' : ` (PID ${error.pid})`}`,
      { file: source.database },
      'Its results can be read once it has finished (or been cancelled).',
      { cause: error },
    );
  }
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Metrics and groups

type SnapshotCounts = Record<(typeof SNAPSHOT_COUNTS)[number]['id'], number>;
type Figures = SnapshotFigures & SnapshotCounts;

/** Counts of the snapshot rows beside SNAPSHOT_FIGURES_SQL's; hires are the year's new-hire rows (one per hire event). */
const SNAPSHOT_COUNTS = [
  { id: 'terminated_headcount', sql: `count(*) FILTER (WHERE employment_status = 'terminated')::INTEGER` },
  { id: 'hires', sql: `count(*) FILTER (WHERE detailed_status_code IN ('new_hire_active', 'new_hire_termination'))::INTEGER` },
  { id: 'experienced_terminations', sql: `count(*) FILTER (WHERE detailed_status_code = 'experienced_termination')::INTEGER` },
  { id: 'new_hire_terminations', sql: `count(*) FILTER (WHERE detailed_status_code = 'new_hire_termination')::INTEGER` },
] as const;

export interface ResultMetric {
  id: string;
  label: string;
  unit: MetricUnit;
  description: string;
  /** Whether it can be grouped and filtered by population (level, band, cohort); plan-level figures cannot. */
  groupable: boolean;
}

interface MetricSpec extends ResultMetric {
  /** A snapshot figure (of the rows of a year or group) or a figure of the whole plan's year. */
  value: { snapshot: (f: Figures) => number | null } | { plan: (y: YearMetrics) => number };
}

const headline = (id: string): Omit<ResultMetric, 'groupable'> => {
  const m = HEADLINE_METRICS.find((h) => h.id === id) ?? COMPARED_METRICS.find((c) => c.id === id);
  if (m === undefined) throw new Error(`No metric ${id}`);
  return { id: m.id, label: m.label, unit: m.unit, description: m.description };
};
const snapshot = (id: keyof Figures, base?: Omit<ResultMetric, 'groupable'>): MetricSpec => ({
  ...(base ?? headline(id)),
  groupable: true,
  value: { snapshot: (f) => f[id] },
});
const plan = (id: 'net_employer_plan_cost' | 'account_balances'): MetricSpec => ({ ...headline(id), groupable: false, value: { plan: (y) => y[id] } });
const count = (id: keyof Figures, label: string, description: string): MetricSpec => snapshot(id, { id, label, unit: 'count', description });
const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

const METRIC_SPECS: readonly MetricSpec[] = [
  snapshot('active_headcount'),
  count('terminated_headcount', 'Terminated headcount', 'Employees who left during the year (experienced and new-hire terminations)'),
  count('hires', 'Hires', 'Employees hired during the year'),
  count('experienced_terminations', 'Experienced terminations', 'Employees hired before the year who left during it'),
  count('new_hire_terminations', 'New-hire terminations', 'Employees hired in the year who left during it'),
  snapshot('total_compensation'),
  snapshot('average_active_pay', { id: 'average_active_pay', label: 'Average active pay', unit: 'usd', description: 'Mean year-end pay of the actives' }),
  count('participants', 'Participants', 'Actives participating at year end (deferral rate > 0)'),
  snapshot('participation_rate'),
  snapshot('avg_deferral_rate'),
  snapshot('employee_contributions'),
  snapshot('employer_match_cost'),
  snapshot('employer_core_cost'),
  snapshot('total_employer_plan_cost'),
  plan('net_employer_plan_cost'),
  {
    id: 'forfeitures',
    label: 'Forfeitures',
    unit: 'usd',
    description: 'Unvested employer money forfeited in the year (the forfeiture account)',
    groupable: false,
    value: { plan: (y) => y.forfeitures },
  },
  plan('account_balances'),
  {
    ...headline('employer_cost_share_of_payroll'),
    id: 'employer_cost_pct_of_payroll',
    groupable: true,
    value: { snapshot: (f) => ratio(f.total_employer_plan_cost, f.total_compensation) },
  },
  {
    ...headline('employer_cost_per_participant'),
    groupable: true,
    value: {
      snapshot: (f) => {
        const r = ratio(f.total_employer_plan_cost, f.participants);
        return r === null ? null : cents(r);
      },
    },
  },
];

/** The metrics a result query can ask for. Units: count, usd (dollars to the cent), fraction (0.06 = 6 %). */
export const RESULT_METRICS: ReadonlyArray<ResultMetric> = METRIC_SPECS.map(({ value: _value, ...m }) => m);

export const RESULT_GROUPS = ['level', 'age_band', 'tenure_band', 'new_hire_cohort', 'employment_status'] as const;
export type ResultGroup = (typeof RESULT_GROUPS)[number];

/** Each group's column of the `rows` relation, its label, and the order of its values (an aggregate). */
const GROUPS: Record<ResultGroup, { column: string; label: string; order: string }> = {
  level: { column: 'level_id', label: 'Level', order: 'min(level_id)' },
  age_band: { column: 'age_band', label: 'Age band', order: 'min(current_age)' },
  tenure_band: { column: 'tenure_band', label: 'Tenure band', order: 'min(current_tenure)' },
  new_hire_cohort: { column: 'new_hire_cohort', label: 'New-hire cohort', order: 'min(hire_year) NULLS FIRST' },
  employment_status: { column: 'employment_status', label: 'Employment status', order: 'min(employment_status)' },
};

/**
 * The snapshot rows with each employee's new-hire cohort: the year of the hire event when hired during
 * the simulation, else 'census'.
 */
const ROWS_SQL = `WITH hire_years AS (
       SELECT employee_id, min(simulation_year)::INTEGER AS hire_year FROM fct_yearly_events WHERE event_type = 'hire' GROUP BY employee_id
     ),
     rows AS (
       SELECT s.*, h.hire_year, coalesce(h.hire_year::VARCHAR, 'census') AS new_hire_cohort
       FROM fct_workforce_snapshot s LEFT JOIN hire_years h ON h.employee_id = s.employee_id
     )`;

// ---------------------------------------------------------------------------------------------
// The query

const METRIC_IDS = METRIC_SPECS.map((m) => m.id) as [string, ...string[]];
const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must list at least one value');

export const ResultFiltersSchema = z.strictObject({
  years: z
    .strictObject({ from: z.int().min(1900).max(2200), to: z.int().min(1900).max(2200) })
    .refine((y) => y.from <= y.to, { error: 'from must not be after to' })
    .optional(),
  levels: nonEmpty(z.int()).optional(),
  ageBands: nonEmpty(z.string()).optional(),
  tenureBands: nonEmpty(z.string()).optional(),
  /** Hire years, or 'census' for the employees of the census. */
  newHireCohorts: nonEmpty(z.union([z.int(), z.literal('census')])).optional(),
});
export type ResultFilters = z.infer<typeof ResultFiltersSchema>;

const POPULATION_FILTERS = ['levels', 'ageBands', 'tenureBands', 'newHireCohorts'] as const;

export const ResultQuerySchema = z
  .strictObject({
    metrics: z
      .array(z.enum(METRIC_IDS, { error: (issue) => `unknown metric ${JSON.stringify(issue.input)}; the metrics are ${METRIC_IDS.join(', ')}` }))
      .min(1, 'ask for at least one metric')
      .max(20, 'ask for at most 20 metrics'),
    groupBy: z.enum(RESULT_GROUPS, { error: (issue) => `cannot group by ${JSON.stringify(issue.input)}; the groups are ${RESULT_GROUPS.join(', ')}` }).optional(),
    filters: ResultFiltersSchema.optional(),
  })
  .superRefine((query, ctx) => {
    const slicedBy = [
      ...(query.groupBy === undefined ? [] : [`grouped by ${query.groupBy}`]),
      ...POPULATION_FILTERS.filter((f) => query.filters?.[f] !== undefined).map((f) => `filtered by ${f}`),
    ];
    const seen = new Set<string>();
    query.metrics.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['metrics', i], message: `${id} is asked for twice`, input: id });
      seen.add(id);
      if (slicedBy.length > 0 && METRIC_SPECS.find((m) => m.id === id)?.groupable === false) {
        ctx.addIssue({ code: 'custom', path: ['metrics', i], message: `${id} is a figure of the whole plan: it cannot be ${slicedBy.join(' or ')}`, input: id });
      }
    });
  });
export type ResultQuery = z.infer<typeof ResultQuerySchema>;

/** `schema`'s parse of `value`, or a usage error listing every problem with its path. */
export function parseOrRefuse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message}`);
  throw new UsageError(`Invalid ${what}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
}

type NamedParams = Exclude<Params, unknown[]>;

/** The WHERE clause and bound values of the filters, over the `rows` relation. */
function whereClause(filters: ResultFilters = {}): { where: string; params: NamedParams } {
  const conditions: string[] = [];
  const params: NamedParams = {};
  if (filters.years !== undefined) {
    conditions.push('simulation_year BETWEEN $from AND $to');
    params.from = filters.years.from;
    params.to = filters.years.to;
  }
  const list = (name: string, column: string, type: 'INTEGER' | 'VARCHAR', values: ReadonlyArray<string | number> | undefined): void => {
    if (values === undefined) return;
    conditions.push(`list_contains($${name}::${type}[], ${column})`);
    params[name] = listValue([...values]);
  };
  list('levels', 'level_id', 'INTEGER', filters.levels);
  list('age_bands', 'age_band', 'VARCHAR', filters.ageBands);
  list('tenure_bands', 'tenure_band', 'VARCHAR', filters.tenureBands);
  list('cohorts', 'new_hire_cohort', 'VARCHAR', filters.newHireCohorts?.map(String));
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

export type ResultValue = string | number | null;
export interface ResultTable {
  columns: Array<{ id: string; label: string; unit: ColumnUnit }>;
  /** One per run, year and group (when grouped): `run`, `year`, `group`, then each metric by its id. */
  rows: Array<Record<string, ResultValue>>;
}

/**
 * The figures `query` asks for, of each run (1 to 6), per year and, when grouped, per group. The
 * ungrouped figures are readYearMetrics'; the groups of an additive figure add up to the year's.
 */
export async function queryResults(sources: readonly RunSource[], query: ResultQuery): Promise<ResultTable> {
  const q = parseOrRefuse(ResultQuerySchema, query, 'result query');
  if (sources.length < 1 || sources.length > 6) throw new UsageError(`A result query reads 1 to 6 runs, not ${sources.length}`);
  const specs = q.metrics.map((id) => METRIC_SPECS.find((m) => m.id === id) as MetricSpec);
  const group = q.groupBy === undefined ? undefined : GROUPS[q.groupBy];
  const { where, params } = whereClause(q.filters);
  const sql = `${ROWS_SQL}
     SELECT simulation_year::INTEGER AS year, ${group === undefined ? 'NULL' : group.column}::VARCHAR AS grp,
            ${SNAPSHOT_FIGURES_SQL}, ${SNAPSHOT_COUNTS.map((c) => `${c.sql} AS ${c.id}`).join(', ')}
     FROM rows ${where}
     GROUP BY ALL
     ORDER BY year${group === undefined ? '' : `, ${group.order}, grp`}`;
  const needsPlan = specs.some((s) => 'plan' in s.value);

  const rows: ResultTable['rows'] = [];
  for (const source of sources) {
    await withRun(source, async (db) => {
      const figures = await db.all<Record<string, number | string | null> & { year: number; grp: string | null }>(sql, params);
      const years = q.filters?.years;
      const planYears = needsPlan ? new Map((await readYearMetrics(db, years)).map((y) => [y.year, y])) : undefined;
      for (const r of figures) {
        const f: Figures = { ...snapshotFigures(r), ...Object.fromEntries(SNAPSHOT_COUNTS.map((c) => [c.id, Number(r[c.id])])) } as Figures;
        const row: Record<string, ResultValue> = { run: source.label, year: r.year };
        if (q.groupBy !== undefined) row.group = groupValue(q.groupBy, r.grp);
        for (const spec of specs) {
          if ('snapshot' in spec.value) row[spec.id] = spec.value.snapshot(f);
          else {
            const year = planYears?.get(r.year);
            row[spec.id] = year === undefined ? null : spec.value.plan(year);
          }
        }
        rows.push(row);
      }
    });
  }
  return {
    columns: [
      { id: 'run', label: 'Run', unit: 'text' },
      { id: 'year', label: 'Year', unit: 'year' },
      ...(group === undefined ? [] : [{ id: 'group', label: group.label, unit: 'text' as const }]),
      ...specs.map((s) => ({ id: s.id, label: s.label, unit: s.unit })),
    ],
    rows,
  };
}

/** Levels and hire years as numbers; bands, statuses and 'census' as text. */
function groupValue(group: ResultGroup, value: string | null): ResultValue {
  if (value === null) return null;
  return (group === 'level' || group === 'new_hire_cohort') && /^-?\d+$/.test(value) ? Number(value) : value;
}

// ---------------------------------------------------------------------------------------------
// Deferral rates and compliance

/** The deferral-rate buckets: [from, to) as fractions; the first is the actives not deferring. */
export const DEFERRAL_BUCKETS: ReadonlyArray<{ bucket: string; from: number; to: number }> = [
  { bucket: '0 %', from: 0, to: 0 },
  { bucket: '0-3 %', from: 0, to: 0.03 },
  { bucket: '3-6 %', from: 0.03, to: 0.06 },
  { bucket: '6-10 %', from: 0.06, to: 0.1 },
  { bucket: '10-15 %', from: 0.1, to: 0.15 },
  { bucket: '15 %+', from: 0.15, to: 1 },
];

function deferralBucket(rate: number): number {
  if (rate <= 0) return 0;
  const index = DEFERRAL_BUCKETS.findIndex((b, i) => i > 0 && rate < b.to);
  return index === -1 ? DEFERRAL_BUCKETS.length - 1 : index;
}

/** The year-end actives by deferral rate, per year: every bucket of every year, counts 0 included. */
export async function deferralDistribution(
  source: RunSource,
  filters: ResultFilters = {},
): Promise<Array<{ year: number; bucket: string; from: number; to: number; count: number }>> {
  const f = parseOrRefuse(ResultFiltersSchema, filters, 'filters');
  const { where, params } = whereClause(f);
  const rates = await withRun(source, (db) =>
    db.all<{ year: number; rate: number; count: number }>(
      `${ROWS_SQL}
       SELECT simulation_year::INTEGER AS year, coalesce(current_deferral_rate, 0)::DOUBLE AS rate, count(*)::INTEGER AS count
       FROM rows ${where === '' ? 'WHERE' : `${where} AND`} employment_status = 'active'
       GROUP BY ALL ORDER BY year`,
      params,
    ),
  );
  const years = [...new Set(rates.map((r) => r.year))];
  return years.flatMap((year) => {
    const counts = DEFERRAL_BUCKETS.map(() => 0);
    for (const r of rates) if (r.year === year) counts[deferralBucket(r.rate)] = (counts[deferralBucket(r.rate)] ?? 0) + r.count;
    return DEFERRAL_BUCKETS.map((b, i) => ({ year, ...b, count: counts[i] ?? 0 }));
  });
}

/**
 * Every year's compliance tests (the reports' reader), as the JSON records `analyze compliance --json` uses,
 * each with the test's label as the reports name it ("ADP 401(k)(3)"), so the Studio shows the same names.
 */
export async function complianceByYear(source: RunSource) {
  return withRun(source, async (db) => (await readComplianceResults(db)).map((r) => ({ ...complianceJson(r), label: complianceLabel(r.test) })));
}
