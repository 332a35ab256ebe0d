import { listValue, Database } from '../db/database.js';
import type { JobResult } from '../executor/types.js';
import { writeAtomically } from '../reporting/atomic.js';
import { ENSEMBLE_METRICS, seedMetricRows, type SeedMetricRow } from './metrics.js';
import type { Threshold, ThresholdOperator } from './thresholds.js';

/**
 * `ensemble.duckdb`, rebuilt from the jobs' result files every time: the per-seed figures, their
 * bands (mean, sample SD, P5–P95 by DuckDB's quantile_cont, linear interpolation) and the share of
 * seeds crossing each threshold. The rows go in sorted (scenario, seed, year, metric order) and the
 * database runs on one thread, so the sums behind the means are added in one order: the same result
 * files give the same figures, whichever job finished first.
 */

export const PERCENTILES = [5, 25, 50, 75, 95] as const;

export interface BandRow {
  scenario: string;
  simulation_year: number;
  metric: string;
  seeds: number;
  mean: number;
  /** Sample SD (n − 1); null for one seed. */
  sd: number | null;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface ThresholdRow {
  scenario: string;
  simulation_year: number;
  metric: string;
  operator: ThresholdOperator;
  value: number;
  label: string;
  /** Seeds with a figure for the metric that year; share is null without any. */
  seeds: number;
  share: number | null;
}

export interface EnsembleTables {
  seedMetrics: SeedMetricRow[];
  bands: BandRow[];
  thresholds: ThresholdRow[];
}

const METRIC_ORDER = listValue(ENSEMBLE_METRICS.map((m) => m.id));

/** The results sorted by scenario (in `scenarios` order) then seed. */
function sortedResults(results: readonly JobResult[], scenarios: readonly string[]): JobResult[] {
  const rank = (r: JobResult) => scenarios.indexOf(r.scenario);
  return [...results].sort((a, b) => rank(a) - rank(b) || a.seed - b.seed);
}

/** Writes `path` (through a temporary file renamed into place) from the results; returns its tables. */
export async function writeEnsembleDatabase(
  path: string,
  results: readonly JobResult[],
  scenarios: readonly string[],
  thresholds: readonly Threshold[],
): Promise<EnsembleTables> {
  const rows = sortedResults(results, scenarios).flatMap(seedMetricRows);
  let tables: EnsembleTables | undefined;
  await writeAtomically(path, async (temp) => {
    const db = await Database.open(temp, { threads: 1 });
    try {
      await createTables(db, rows, scenarios, thresholds);
      tables = await readTables(db);
    } finally {
      db.close();
    }
  });
  return tables as EnsembleTables;
}

async function createTables(db: Database, rows: readonly SeedMetricRow[], scenarios: readonly string[], thresholds: readonly Threshold[]): Promise<void> {
  await db.run(`CREATE TABLE ensemble_seed_metrics (scenario VARCHAR NOT NULL, seed BIGINT NOT NULL, simulation_year INTEGER NOT NULL,
                                                    metric VARCHAR NOT NULL, value DOUBLE NOT NULL)`);
  // The rows travel as one JSON text: bound lists take their type from their first value, and an empty one has none.
  await db.run(
    `INSERT INTO ensemble_seed_metrics
     SELECT unnest(from_json($rows, '[{"scenario":"VARCHAR","seed":"BIGINT","year":"INTEGER","metric":"VARCHAR","value":"DOUBLE"}]'),
                   recursive := true)`,
    { rows: JSON.stringify(rows) },
  );
  await db.run(
    `CREATE TABLE ensemble_bands AS
     SELECT scenario, simulation_year, metric, count(*)::INTEGER AS seeds, avg(value) AS mean, stddev_samp(value) AS sd,
            quantile_cont(value, 0.05) AS p5, quantile_cont(value, 0.25) AS p25, quantile_cont(value, 0.50) AS p50,
            quantile_cont(value, 0.75) AS p75, quantile_cont(value, 0.95) AS p95
       FROM ensemble_seed_metrics
      GROUP BY scenario, simulation_year, metric
      ORDER BY list_position($scenarios::VARCHAR[], scenario), simulation_year, list_position($metrics::VARCHAR[], metric)`,
    { scenarios: listValue([...scenarios]), metrics: METRIC_ORDER },
  );
  await db.run(`CREATE TABLE ensemble_thresholds AS ${THRESHOLD_SHARES}`, thresholdParams(thresholds, scenarios));
}

/**
 * Every threshold in every (scenario, year) that has figures, or only its year; the operator is
 * compared as a bound value, never spliced into the SQL.
 */
const THRESHOLD_SHARES = `
     WITH t AS (
       SELECT unnest(from_json($thresholds, '[{"position":"INTEGER","metric":"VARCHAR","operator":"VARCHAR","value":"DOUBLE","label":"VARCHAR","year":"INTEGER"}]'),
                     recursive := true)
     ), cells AS (SELECT DISTINCT scenario, simulation_year FROM ensemble_seed_metrics)
     SELECT c.scenario, c.simulation_year, t.metric, t.operator, t.value, t.label,
            count(m.value)::INTEGER AS seeds,
            count(m.value) FILTER (WHERE CASE t.operator WHEN '>' THEN m.value > t.value WHEN '>=' THEN m.value >= t.value
                                                         WHEN '<' THEN m.value < t.value ELSE m.value <= t.value END)::DOUBLE
              / nullif(count(m.value), 0) AS share
       FROM t CROSS JOIN cells c
       LEFT JOIN ensemble_seed_metrics m ON m.scenario = c.scenario AND m.simulation_year = c.simulation_year AND m.metric = t.metric
      WHERE t.year IS NULL OR t.year = c.simulation_year
      GROUP BY c.scenario, c.simulation_year, t.position, t.metric, t.operator, t.value, t.label
      ORDER BY list_position($scenarios::VARCHAR[], c.scenario), t.position, c.simulation_year`;

function thresholdParams(thresholds: readonly Threshold[], scenarios: readonly string[]) {
  return {
    thresholds: JSON.stringify(thresholds.map((t, position) => ({ position, metric: t.metric, operator: t.operator, value: t.value, label: t.label, year: t.year ?? null }))),
    scenarios: listValue([...scenarios]),
  };
}

const nullable = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function thresholdRow(r: Record<string, unknown>): ThresholdRow {
  return {
    scenario: String(r.scenario),
    simulation_year: Number(r.simulation_year),
    metric: String(r.metric),
    operator: String(r.operator) as ThresholdOperator,
    value: Number(r.value),
    label: String(r.label),
    seeds: Number(r.seeds),
    share: nullable(r.share),
  };
}

/**
 * The share of seeds crossing each threshold, from a written ensemble.duckdb's per-seed figures:
 * thresholds asked after the ensemble ran (the Studio's), the same query as ensemble_thresholds.
 */
export async function thresholdShares(db: Database, thresholds: readonly Threshold[], scenarios: readonly string[]): Promise<ThresholdRow[]> {
  return (await db.all<Record<string, unknown>>(THRESHOLD_SHARES, thresholdParams(thresholds, scenarios))).map(thresholdRow);
}

/** The three tables, their rows in the order they were written (scenario, then year or seed, then metric). */
export async function readTables(db: Database): Promise<EnsembleTables> {
  const seedMetrics = await db.all<Record<string, unknown>>(
    'SELECT scenario, seed, simulation_year, metric, value FROM ensemble_seed_metrics ORDER BY rowid',
  );
  const bands = await db.all<Record<string, unknown>>('SELECT * FROM ensemble_bands ORDER BY rowid');
  const thresholds = await db.all<Record<string, unknown>>('SELECT * FROM ensemble_thresholds ORDER BY rowid');
  return {
    seedMetrics: seedMetrics.map((r) => ({
      scenario: String(r.scenario),
      seed: Number(r.seed),
      year: Number(r.simulation_year),
      metric: String(r.metric),
      value: Number(r.value),
    })),
    bands: bands.map((r) => ({
      scenario: String(r.scenario),
      simulation_year: Number(r.simulation_year),
      metric: String(r.metric),
      seeds: Number(r.seeds),
      mean: Number(r.mean),
      sd: nullable(r.sd),
      p5: Number(r.p5),
      p25: Number(r.p25),
      p50: Number(r.p50),
      p75: Number(r.p75),
      p95: Number(r.p95),
    })),
    thresholds: thresholds.map(thresholdRow),
  };
}
