/**
 * Side-by-side validation of two simulation databases: ours against ours (a re-run, another seed) or
 * ours against one written by the Python/dbt PlanAlign Engine. Both files are attached read-only to
 * a throwaway in-memory DuckDB; every figure is computed by one SQL definition over the columns both
 * databases have, so a difference in the figures is a difference in the data, not in how it was read.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Database, inUseError, pathLiteral } from '../db/database.js';
import { CensusError, ConfigError, DatabaseStateError, UsageError } from '../errors.js';
import { OrchestratorBuilder } from '../factory.js';

export type Verdict = 'identical' | 'within tolerance' | 'different';
export type Engine = 'planalign' | 'python';

export const DEFAULT_TOLERANCE = 0.01;
export const DEFAULT_EMPLOYEE_LIMIT = 20;

export interface CompareOptions {
  /** Only these years (inclusive); default every year either database holds. */
  years?: [number, number];
  /** Relative tolerance for the metrics that are not solver outputs; default 0.01 (1 %). */
  tolerance?: number;
  /** How many differing employees to list (PlanAlign vs PlanAlign only); default 20. */
  employeeLimit?: number;
}

export interface MetricComparison {
  metric: MetricKey;
  label: string;
  a: number;
  b: number;
  /** b − a, in the metric's unit. */
  absoluteDifference: number;
  /** (b − a) / |a|; 0 when both are 0, null when only a is 0. */
  relativeDifference: number | null;
  verdict: Verdict;
  /** Solver outputs: any difference is `different`, whatever the tolerance. */
  exact: boolean;
}

export interface YearComparison {
  year: number;
  metrics: MetricComparison[];
  /** The worst verdict of the year's metrics. */
  verdict: Verdict;
}

export interface EventRow {
  year: number;
  eventType: string;
  effectiveDate: string;
  compensationAmount: number | null;
  employeeDeferralRate: number | null;
}

export interface EmployeeDifference {
  employeeId: string;
  years: number[];
  /** Events of A with no identical event in B (same year, type, date, compensation and rate). */
  onlyInA: EventRow[];
  onlyInB: EventRow[];
}

export interface EmployeeDifferences {
  /** Employees with at least one event that differs. */
  count: number;
  /** Differing event rows on each side, over all employees. */
  eventsOnlyInA: number;
  eventsOnlyInB: number;
  limit: number;
  /** The first `limit` of them, by employee_id. */
  employees: EmployeeDifference[];
}

export interface DatabaseSide {
  path: string;
  engine: Engine;
  years: number[];
}

/** A plain, JSON-serialisable value (no Dates, Maps or undefined). */
export interface ComparisonReport {
  a: DatabaseSide;
  b: DatabaseSide;
  tolerance: number;
  /** The year range asked for, or null for all years. */
  yearRange: [number, number] | null;
  years: { compared: number[]; onlyInA: number[]; onlyInB: number[] };
  comparisons: YearComparison[];
  /** Metrics that could not be computed because a column is missing on one side, and why. */
  skippedMetrics: Array<{ metric: MetricKey; reason: string }>;
  /** Null unless both databases are PlanAlign databases. */
  employeeDifferences: EmployeeDifferences | null;
  /** `different` when any metric of any year is, or a year is present in one database only. */
  verdict: Verdict;
  /** Count of (year, metric) pairs whose verdict is `different`. */
  differentMetrics: number;
  notes: string[];
}

export type MetricKey =
  | 'activeHeadcount'
  | 'hires'
  | 'experiencedTerminations'
  | 'newHireTerminations'
  | 'promotions'
  | 'raises'
  | 'enrollments'
  | 'optOuts'
  | 'escalations'
  | 'participationRate'
  | 'averageDeferralRate'
  | 'totalCompensation'
  | 'employeeContributions'
  | 'employerMatch'
  | 'employerCore';

type Unit = 'count' | 'rate' | 'money';

interface MetricDefinition {
  key: MetricKey;
  label: string;
  unit: Unit;
  exact: boolean;
  table: 'snapshot' | 'events';
  /** The aggregate over the year's rows, from the columns both sides have; a string saying why not otherwise. */
  sql: (cols: ReadonlySet<string>) => string | { missing: string };
}

const SNAPSHOT = 'fct_workforce_snapshot';
const EVENTS = 'fct_yearly_events';
const ACTIVE = `employment_status = 'active'`;
const PARTICIPATING = `${ACTIVE} AND participation_status = 'participating'`;

/** Σ exactly (DECIMAL), then as a DOUBLE: identical rows give identical figures whatever the scan order. */
const money = (column: string): string => `coalesce(sum(${column}::DECIMAL(18,2)), 0)::DOUBLE`;
const count = (filter: string): string => `count(*) FILTER (WHERE ${filter})::DOUBLE`;
const need =
  (columns: string[], sql: string) =>
  (cols: ReadonlySet<string>): string | { missing: string } => {
    const missing = columns.filter((c) => !cols.has(c));
    return missing.length > 0 ? { missing: missing.join(', ') } : sql;
  };

export const METRICS: readonly MetricDefinition[] = [
  { key: 'activeHeadcount', label: 'active headcount', unit: 'count', exact: true, table: 'snapshot', sql: need([], count(ACTIVE)) },
  {
    key: 'hires',
    label: 'hires',
    unit: 'count',
    exact: true,
    table: 'snapshot',
    sql: need([], count(`detailed_status_code IN ('new_hire_active', 'new_hire_termination')`)),
  },
  {
    key: 'experiencedTerminations',
    label: 'experienced terminations',
    unit: 'count',
    exact: true,
    table: 'snapshot',
    sql: need([], count(`detailed_status_code = 'experienced_termination'`)),
  },
  {
    key: 'newHireTerminations',
    label: 'new-hire terminations',
    unit: 'count',
    exact: true,
    table: 'snapshot',
    sql: need([], count(`detailed_status_code = 'new_hire_termination'`)),
  },
  { key: 'promotions', label: 'promotions', unit: 'count', exact: false, table: 'events', sql: need([], count(`event_type = 'promotion'`)) },
  { key: 'raises', label: 'raises', unit: 'count', exact: false, table: 'events', sql: need([], count(`event_type = 'raise'`)) },
  { key: 'enrollments', label: 'enrollments', unit: 'count', exact: false, table: 'events', sql: need([], count(`event_type = 'enrollment'`)) },
  {
    key: 'optOuts',
    label: 'opt-outs',
    unit: 'count',
    exact: false,
    table: 'events',
    sql: (cols) => {
      const marks = [
        ...(cols.has('employee_deferral_rate') ? ['employee_deferral_rate = 0'] : []),
        ...(cols.has('event_category') ? [`event_category = 'enrollment_opt_out'`] : []),
      ];
      if (marks.length === 0) return { missing: 'employee_deferral_rate and event_category' };
      return count(`event_type = 'enrollment_change' AND (${marks.join(' OR ')})`);
    },
  },
  {
    key: 'escalations',
    label: 'escalations',
    unit: 'count',
    exact: false,
    table: 'events',
    sql: need([], count(`event_type = 'deferral_escalation'`)),
  },
  {
    key: 'participationRate',
    label: 'participation rate',
    unit: 'rate',
    exact: false,
    table: 'snapshot',
    sql: need(['participation_status'], `coalesce(count(*) FILTER (WHERE ${PARTICIPATING}) / nullif(count(*) FILTER (WHERE ${ACTIVE}), 0), 0)::DOUBLE`),
  },
  {
    key: 'averageDeferralRate',
    label: 'average deferral rate',
    unit: 'rate',
    exact: false,
    table: 'snapshot',
    // An exact DECIMAL sum divided by the count: deterministic, unlike a floating-point avg().
    sql: need(
      ['participation_status', 'current_deferral_rate'],
      `coalesce(sum(current_deferral_rate::DECIMAL(18,5)) FILTER (WHERE ${PARTICIPATING})::DOUBLE
         / nullif(count(*) FILTER (WHERE ${PARTICIPATING}), 0), 0)::DOUBLE`,
    ),
  },
  {
    key: 'totalCompensation',
    label: 'total compensation',
    unit: 'money',
    exact: false,
    table: 'snapshot',
    sql: need(['prorated_annual_compensation'], money('prorated_annual_compensation')),
  },
  {
    key: 'employeeContributions',
    label: 'employee contributions',
    unit: 'money',
    exact: false,
    table: 'snapshot',
    sql: (cols) => {
      const column = ['prorated_annual_contributions', 'ytd_contributions'].find((c) => cols.has(c));
      return column === undefined ? { missing: 'prorated_annual_contributions (or ytd_contributions)' } : money(column);
    },
  },
  { key: 'employerMatch', label: 'employer match', unit: 'money', exact: false, table: 'snapshot', sql: need(['employer_match_amount'], money('employer_match_amount')) },
  { key: 'employerCore', label: 'employer core', unit: 'money', exact: false, table: 'snapshot', sql: need(['employer_core_amount'], money('employer_core_amount')) },
];

const REQUIRED: Record<string, string[]> = {
  [SNAPSHOT]: ['simulation_year', 'employee_id', 'employment_status', 'detailed_status_code'],
  [EVENTS]: ['simulation_year', 'employee_id', 'event_type'],
};

/** The event columns the employee-level comparison matches on. */
const EVENT_KEY = ['employee_id', 'simulation_year', 'event_type', 'effective_date', 'compensation_amount', 'employee_deferral_rate'];

interface Side {
  alias: string;
  path: string;
  engine: Engine;
  columns: Record<string, Set<string>>;
  years: number[];
}

/**
 * Compares two simulation databases year by year. Throws UsageError when a file is missing or is
 * not a simulation database (no snapshot or event table, or one without its key columns).
 */
export async function compareDatabases(a: string, b: string, options: CompareOptions = {}): Promise<ComparisonReport> {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new UsageError(`The tolerance must be a number ≥ 0, got ${tolerance}`);
  const limit = options.employeeLimit ?? DEFAULT_EMPLOYEE_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`The employee limit must be a whole number ≥ 0, got ${limit}`);
  const range = options.years ?? null;
  if (range !== null && (!Number.isInteger(range[0]) || !Number.isInteger(range[1]) || range[1] < range[0])) {
    throw new UsageError(`Invalid year range ${range[0]}-${range[1]}`);
  }
  for (const path of [a, b]) {
    if (!existsSync(path)) throw new UsageError(`Database ${path} not found`, { file: path });
  }

  const db = await Database.open(':memory:', { threads: 2 });
  try {
    const sideA = await attach(db, a, 'side_a');
    // The same file on both sides is attached once: DuckDB refuses a second handle on one file.
    const sideB = resolve(a) === resolve(b) ? { ...sideA, path: b } : await attach(db, b, 'side_b');
    const inRange = (y: number): boolean => range === null || (y >= range[0] && y <= range[1]);
    const yearsA = sideA.years.filter(inRange);
    const yearsB = sideB.years.filter(inRange);
    const compared = yearsA.filter((y) => yearsB.includes(y));
    const onlyInA = yearsA.filter((y) => !yearsB.includes(y));
    const onlyInB = yearsB.filter((y) => !yearsA.includes(y));
    if (compared.length === 0 && onlyInA.length === 0 && onlyInB.length === 0) {
      throw new UsageError(
        range === null
          ? `Neither ${a} nor ${b} holds a simulated year`
          : `Neither ${a} nor ${b} holds a simulated year in ${range[0]}-${range[1]}`,
      );
    }

    const notes: string[] = [];
    const skippedMetrics: ComparisonReport['skippedMetrics'] = [];
    const common = {
      snapshot: intersect(sideA.columns[SNAPSHOT], sideB.columns[SNAPSHOT]),
      events: intersect(sideA.columns[EVENTS], sideB.columns[EVENTS]),
    };
    const active: Array<{ def: MetricDefinition; sql: string }> = [];
    for (const def of METRICS) {
      const sql = def.sql(common[def.table]);
      if (typeof sql === 'string') active.push({ def, sql });
      else skippedMetrics.push({ metric: def.key, reason: `column ${sql.missing} missing in ${def.table === 'snapshot' ? SNAPSHOT : EVENTS} of one database` });
    }

    const figuresA = await figures(db, sideA, active, compared);
    const figuresB = await figures(db, sideB, active, compared);
    const comparisons: YearComparison[] = compared.map((year) => {
      const metrics = active.map(({ def }) =>
        compareMetric(def, figuresA.get(year)?.[def.key] ?? 0, figuresB.get(year)?.[def.key] ?? 0, tolerance),
      );
      return { year, metrics, verdict: worst(metrics.map((m) => m.verdict)) };
    });

    let employeeDifferences: EmployeeDifferences | null = null;
    if (sideA.engine === 'planalign' && sideB.engine === 'planalign') {
      employeeDifferences = await differingEmployees(db, sideA.alias, sideB.alias, compared, limit);
    } else {
      notes.push('Employee-level event comparison needs two PlanAlign databases; only the yearly figures are compared');
    }
    if (onlyInA.length > 0) notes.push(`Years only in A (${a}): ${onlyInA.join(', ')}`);
    if (onlyInB.length > 0) notes.push(`Years only in B (${b}): ${onlyInB.join(', ')}`);

    const verdicts = comparisons.map((c) => c.verdict);
    if (onlyInA.length > 0 || onlyInB.length > 0) verdicts.push('different');
    return {
      a: { path: a, engine: sideA.engine, years: sideA.years },
      b: { path: b, engine: sideB.engine, years: sideB.years },
      tolerance,
      yearRange: range === null ? null : [range[0], range[1]],
      years: { compared, onlyInA, onlyInB },
      comparisons,
      skippedMetrics,
      employeeDifferences,
      verdict: worst(verdicts),
      differentMetrics: comparisons.reduce((n, c) => n + c.metrics.filter((m) => m.verdict === 'different').length, 0),
      notes,
    };
  } finally {
    db.close();
  }
}

function compareMetric(def: MetricDefinition, a: number, b: number, tolerance: number): MetricComparison {
  const absoluteDifference = def.unit === 'money' ? Math.round((b - a) * 100) / 100 : b - a;
  const relativeDifference = a === b ? 0 : a === 0 ? null : (b - a) / Math.abs(a);
  let verdict: Verdict;
  if (a === b) verdict = 'identical';
  else if (!def.exact && relativeDifference !== null && Math.abs(relativeDifference) <= tolerance) verdict = 'within tolerance';
  else verdict = 'different';
  return { metric: def.key, label: def.label, a, b, absoluteDifference, relativeDifference, verdict, exact: def.exact };
}

const RANK: Record<Verdict, number> = { identical: 0, 'within tolerance': 1, different: 2 };
function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((w, v) => (RANK[v] > RANK[w] ? v : w), 'identical');
}

function intersect(x: ReadonlySet<string> | undefined, y: ReadonlySet<string> | undefined): Set<string> {
  return new Set([...(x ?? [])].filter((c) => y?.has(c)));
}

/** Attaches a database read-only under `alias`. */
async function attach(db: Database, path: string, alias: string): Promise<Side> {
  try {
    await db.run(`ATTACH ${pathLiteral(resolve(path))} AS ${alias} (READ_ONLY)`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw inUseError(path, error) ?? new UsageError(`Cannot open ${path} as a DuckDB database: ${message}`, { file: path });
  }
  const rows = await db.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = $1 AND schema_name = 'main'`,
    [alias],
  );
  const columns: Record<string, Set<string>> = {};
  for (const row of rows) (columns[row.table_name] ??= new Set()).add(row.column_name.toLowerCase());
  for (const [table, required] of Object.entries(REQUIRED)) {
    const have = columns[table];
    if (have === undefined) throw new UsageError(`${path} is not a simulation database: it has no ${table} table`, { file: path });
    const missing = required.filter((c) => !have.has(c));
    if (missing.length > 0) {
      throw new UsageError(`${path}: ${table} lacks the column(s) ${missing.join(', ')}`, { file: path });
    }
  }
  const engine: Engine = columns.planalign_schema_version !== undefined ? 'planalign' : 'python';
  const years = await db.all<{ y: number }>(`SELECT DISTINCT simulation_year::INTEGER AS y FROM ${alias}.main.${SNAPSHOT} ORDER BY 1`);
  return { alias, path, engine, columns, years: years.map((r) => r.y) };
}

/** The metrics of one side for the given years: year → metric → value. */
async function figures(
  db: Database,
  side: Side,
  metrics: ReadonlyArray<{ def: MetricDefinition; sql: string }>,
  years: readonly number[],
): Promise<Map<number, Partial<Record<MetricKey, number>>>> {
  const out = new Map<number, Partial<Record<MetricKey, number>>>(years.map((y) => [y, {}]));
  if (years.length === 0) return out;
  for (const [table, name] of [
    ['snapshot', SNAPSHOT],
    ['events', EVENTS],
  ] as const) {
    const selected = metrics.filter((m) => m.def.table === table);
    const rows = await db.all<Record<string, number>>(
      `SELECT simulation_year::INTEGER AS year, ${selected.map((m) => `${m.sql} AS "${m.def.key}"`).join(',\n')}
       FROM ${side.alias}.main.${name}
       WHERE simulation_year IN (${years.map((y) => String(y)).join(', ')})
       GROUP BY 1`,
    );
    for (const row of rows) {
      const entry = out.get(Number(row.year)) as Partial<Record<MetricKey, number>>;
      for (const { def } of selected) entry[def.key] = Number(row[def.key] ?? 0);
    }
  }
  return out;
}

/** Full outer comparison of the two event logs on (employee, year, type, date, compensation, rate). */
async function differingEmployees(db: Database, a: string, b: string, years: readonly number[], limit: number): Promise<EmployeeDifferences> {
  if (years.length === 0) return { count: 0, eventsOnlyInA: 0, eventsOnlyInB: 0, limit, employees: [] };
  const select = (alias: string): string =>
    `SELECT ${EVENT_KEY.map((c) => (c === 'effective_date' ? 'effective_date::DATE AS effective_date' : c)).join(', ')}
     FROM ${alias}.main.${EVENTS} WHERE simulation_year IN (${years.map((y) => String(y)).join(', ')})`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE event_differences AS
     SELECT 'a' AS side, * FROM (${select(a)} EXCEPT ALL ${select(b)})
     UNION ALL
     SELECT 'b' AS side, * FROM (${select(b)} EXCEPT ALL ${select(a)})`,
  );
  const totals = await db.one<{ employees: number; only_a: number; only_b: number }>(
    `SELECT count(DISTINCT employee_id)::INTEGER AS employees,
            count(*) FILTER (WHERE side = 'a')::INTEGER AS only_a,
            count(*) FILTER (WHERE side = 'b')::INTEGER AS only_b
     FROM event_differences`,
  );
  const rows = await db.all<{
    side: 'a' | 'b';
    employee_id: string;
    simulation_year: number;
    event_type: string;
    effective_date: string;
    compensation_amount: string | number | null;
    employee_deferral_rate: string | number | null;
  }>(
    `WITH listed AS (SELECT DISTINCT employee_id FROM event_differences ORDER BY employee_id LIMIT ${limit})
     SELECT d.side, d.employee_id, d.simulation_year::INTEGER AS simulation_year, d.event_type,
            strftime(d.effective_date, '%Y-%m-%d') AS effective_date,
            d.compensation_amount::DOUBLE AS compensation_amount, d.employee_deferral_rate::DOUBLE AS employee_deferral_rate
     FROM event_differences d JOIN listed USING (employee_id)
     ORDER BY d.employee_id, d.simulation_year, d.effective_date, d.event_type, d.side`,
  );
  const byEmployee = new Map<string, EmployeeDifference>();
  for (const row of rows) {
    let entry = byEmployee.get(row.employee_id);
    if (entry === undefined) {
      entry = { employeeId: row.employee_id, years: [], onlyInA: [], onlyInB: [] };
      byEmployee.set(row.employee_id, entry);
    }
    if (!entry.years.includes(row.simulation_year)) entry.years.push(row.simulation_year);
    (row.side === 'a' ? entry.onlyInA : entry.onlyInB).push({
      year: row.simulation_year,
      eventType: row.event_type,
      effectiveDate: row.effective_date,
      compensationAmount: row.compensation_amount === null ? null : Number(row.compensation_amount),
      employeeDeferralRate: row.employee_deferral_rate === null ? null : Number(row.employee_deferral_rate),
    });
  }
  return {
    count: totals?.employees ?? 0,
    eventsOnlyInA: totals?.only_a ?? 0,
    eventsOnlyInB: totals?.only_b ?? 0,
    limit,
    employees: [...byEmployee.values()],
  };
}

// ---------------------------------------------------------------------------------------------
// Re-running a database's run

export interface ValidateMigrationOptions extends CompareOptions {
  /** Folder for the re-run's database (kept); default a temporary folder, removed afterwards. */
  workDir?: string;
}

type RecordedRun = {
  run_id: string;
  config_path: string | null;
  census_path: string | null;
  config_hash: string;
  census_hash: string;
  seed: string | number;
  start_year: number;
  end_year: number;
};

/**
 * Re-runs the latest run recorded in `database` (its config file, census, seed and years) with this
 * engine into a fresh database, and compares the two. The re-run covers the run's whole span (a year
 * depends on every year before it); `years` only narrows what is compared.
 */
export async function validateMigration(database: string, options: ValidateMigrationOptions = {}): Promise<ComparisonReport> {
  if (!existsSync(database)) throw new UsageError(`Database ${database} not found`, { file: database });
  const run = await latestRun(database);
  if (run.config_path === null || run.config_path === '' || run.config_path.startsWith('<')) {
    throw new ConfigError(
      `The config of run ${run.run_id} in ${database} is unknown (it was given in memory, not as a file), so the run cannot be re-run`,
      [],
      { file: database },
      'Compare against a run of the same config with: planalign compare --identical A B',
    );
  }
  if (!existsSync(run.config_path)) {
    throw new ConfigError(`The config file of run ${run.run_id} no longer exists: ${run.config_path}`, [], { file: run.config_path });
  }
  if (run.census_path === null || !existsSync(run.census_path)) {
    throw new CensusError(`The census of run ${run.run_id} no longer exists: ${run.census_path ?? '(not recorded)'}`, {
      file: run.census_path ?? undefined,
    });
  }
  if (options.years !== undefined && options.years[0] < run.start_year) {
    throw new UsageError(`Run ${run.run_id} starts in ${run.start_year}: it cannot be re-run from ${options.years[0]}`);
  }

  const ownDir = options.workDir === undefined;
  if (!ownDir) mkdirSync(options.workDir as string, { recursive: true });
  const dir = mkdtempSync(ownDir ? join(tmpdir(), 'planalign-validate-') : join(options.workDir as string, 'validate-'));
  const fresh = join(dir, 'rerun.duckdb');
  try {
    const orchestrator = await new OrchestratorBuilder()
      .withConfig(run.config_path)
      .withCensus(run.census_path)
      .withDatabase(fresh)
      .withYears(run.start_year, run.end_year)
      .withSeed(Number(run.seed))
      .build();
    let rerun;
    try {
      rerun = await orchestrator.executeMultiYearSimulation();
    } finally {
      orchestrator.close();
    }
    const report = await compareDatabases(database, fresh, options);
    if (rerun.configHash !== run.config_hash) {
      report.notes.push(
        `The config differs from run ${run.run_id}'s (hash ${run.config_hash.slice(0, 12)} then, ${rerun.configHash.slice(0, 12)} now: the file or an environment override changed), so differences may come from the config`,
      );
    }
    if (rerun.censusHash !== run.census_hash) {
      report.notes.push(`The census ${run.census_path} changed since run ${run.run_id}, so differences may come from the census`);
    }
    report.notes.push(
      ownDir
        ? `Re-ran ${run.run_id} (${run.start_year}-${run.end_year}, seed ${run.seed}) into a temporary database, since removed`
        : `Re-ran ${run.run_id} (${run.start_year}-${run.end_year}, seed ${run.seed}) into ${fresh}`,
    );
    return report;
  } finally {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}

async function latestRun(database: string): Promise<RecordedRun> {
  const db = await Database.open(database, { readOnly: true });
  try {
    if (!(await db.tableExists('planalign_runs'))) {
      throw new DatabaseStateError(
        `${database} has no PlanAlign run record (planalign_runs), so the config and census that made it are unknown`,
        { file: database },
        'Run the simulation with planalign simulate, then compare the two databases with: planalign compare --identical A B',
      );
    }
    const run = await db.one<RecordedRun>(
      `SELECT run_id, config_path, census_path, config_hash, census_hash, seed::VARCHAR AS seed, start_year, end_year
       FROM planalign_runs ORDER BY started_at DESC, run_id DESC LIMIT 1`,
    );
    if (run === undefined) throw new DatabaseStateError(`${database} records no run`, { file: database });
    return run;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

const SIDE_NAME: Record<Engine, string> = { planalign: 'PlanAlign', python: 'Python engine' };

function formatValue(unit: Unit, value: number): string {
  if (unit === 'count') return Math.round(value).toLocaleString('en-US');
  if (unit === 'rate') return `${(value * 100).toFixed(3)} %`;
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function formatDifference(unit: Unit, value: number): string {
  const sign = value > 0 ? '+' : '';
  if (unit === 'rate') return `${sign}${(value * 100).toFixed(3)} pt`;
  return `${sign}${formatValue(unit, value)}`;
}

const unitOf = (key: MetricKey): Unit => (METRICS.find((m) => m.key === key) as MetricDefinition).unit;

/** A readable report: a table per year, the differing employees, the notes and the outcome. */
export function formatComparison(report: ComparisonReport): string {
  const lines = [
    `A: ${report.a.path} (${SIDE_NAME[report.a.engine]})`,
    `B: ${report.b.path} (${SIDE_NAME[report.b.engine]})`,
    `Tolerance ${(report.tolerance * 100).toFixed(2)} % (headcount, hires and terminations must be identical)` +
      (report.yearRange === null ? '' : `; years ${report.yearRange[0]}-${report.yearRange[1]}`),
  ];
  const header = ['metric', 'A', 'B', 'difference', 'relative', 'verdict'];
  for (const year of report.comparisons) {
    const rows = year.metrics.map((m) => {
      const unit = unitOf(m.metric);
      return [
        m.label,
        formatValue(unit, m.a),
        formatValue(unit, m.b),
        formatDifference(unit, m.absoluteDifference),
        m.relativeDifference === null ? 'n/a' : `${m.relativeDifference > 0 ? '+' : ''}${(m.relativeDifference * 100).toFixed(2)} %`,
        m.verdict,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (cells: string[]): string =>
      `  ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`.trimEnd();
    lines.push('', `${year.year}: ${year.verdict}`, line(header), ...rows.map(line));
  }
  for (const skipped of report.skippedMetrics) lines.push(`Not compared: ${skipped.metric} (${skipped.reason})`);
  const diff = report.employeeDifferences;
  if (diff !== null) {
    lines.push('');
    if (diff.count === 0) {
      lines.push('Events: identical for every employee');
    } else {
      lines.push(
        `Employees whose events differ: ${diff.count} (${diff.eventsOnlyInA} event(s) only in A, ${diff.eventsOnlyInB} only in B)` +
          (diff.count > diff.employees.length ? `; the first ${diff.employees.length}:` : ':'),
      );
      const event = (e: EventRow): string =>
        `${e.eventType} ${e.effectiveDate}${e.compensationAmount === null ? '' : ` ${formatValue('money', e.compensationAmount)}`}` +
        (e.employeeDeferralRate === null ? '' : ` rate ${formatValue('rate', e.employeeDeferralRate)}`);
      for (const employee of diff.employees) {
        lines.push(`  ${employee.employeeId} (${employee.years.join(', ')})`);
        for (const e of employee.onlyInA) lines.push(`    only in A: ${e.year} ${event(e)}`);
        for (const e of employee.onlyInB) lines.push(`    only in B: ${e.year} ${event(e)}`);
      }
    }
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `Note: ${n}`));
  const compared = report.years.compared;
  lines.push(
    '',
    `Result: ${report.verdict}` +
      (compared.length === 0 ? ' (no year in both databases)' : ` over ${compared.length} year(s) ${compared[0]}-${compared[compared.length - 1]}`) +
      (report.differentMetrics > 0 ? `; ${report.differentMetrics} figure(s) different` : ''),
  );
  return `${lines.join('\n')}\n`;
}

/** The report as JSON text (it is plain data already). */
export function comparisonJson(report: ComparisonReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
