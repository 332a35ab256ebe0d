/**
 * The shapes of `bench/results/latest.json`, `bench/baseline.json` (the same format) and
 * `bench/results/comparison.json`.
 */

export const RESULTS_SCHEMA = 1;

export interface MachineFacts {
  node: string;
  platform: string;
  arch: string;
  kernel: string;
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  duckdb: string;
  duckdbNodeApi: string;
  engineVersion: string;
  /** 1/5/15-minute load averages when the harness started and when it finished: other work on the
   *  machine shows here (the harness itself adds up to 1 while a run is going). */
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

/** One measured run of a case. */
export interface Sample {
  wallSeconds: number;
  peakRssMiB: number;
  /** User + system CPU of the measured process (its own, not its children's), when it reported it. */
  cpuSeconds?: number;
  /** simulate: the sum over years of each stage's seconds (NDJSON `stage_completed`). */
  stages?: Record<string, number>;
  /** simulate: each year's seconds (NDJSON `year_completed`). */
  yearSeconds?: number[];
  /** simulate: from the process's spawn to the start of its first year (census loaded, parameters
   *  compiled, schema ready), from the `firstYearStartedAtMs` of the resource report. */
  startupSeconds?: number;
  /** The machine's 1-minute load average when the run started (lags: it reflects the minute before). */
  load1?: number;
  /** CPU seconds used on the whole machine during the run (Linux), and of those, what processes other
   *  than the measured one used (simulate, help): other work competing for the CPUs. */
  machineCpuSeconds?: number;
  otherCpuSeconds?: number;
  /** batch: the parent `planalign batch` process's own peak RSS (the figure above is the tree's). */
  parentPeakRssMiB?: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export type CaseKind = 'simulate' | 'help' | 'batch' | 'ensemble';

export interface CaseResult {
  name: string;
  kind: CaseKind;
  /** What was run, e.g. employees, years, parallel. */
  params: Record<string, number | string>;
  repeats: number;
  medianWallSeconds: number;
  minWallSeconds: number;
  maxWallSeconds: number;
  medianPeakRssMiB: number;
  minPeakRssMiB: number;
  maxPeakRssMiB: number;
  /** How peak RSS was measured. */
  rssMethod: 'process' | 'tree-sampled';
  /** simulate: wall time per employee-year, microseconds (median run). */
  microsPerEmployeeYear?: number;
  /** ensemble: seeds run per second (median run). */
  runsPerSecond?: number;
  /** help: the median in milliseconds. */
  medianMs?: number;
  /** simulate: per stage, the sum over years, median/min/max over repeats. */
  stages?: Record<string, Spread>;
  samples: Sample[];
  /** With --wait-idle: runs measured again because other work competed for the CPUs during them. */
  discardedSamples?: number;
}

export interface ModelTiming {
  model: string;
  stage: string;
  layer: string;
  /** Sum over the run's years. */
  seconds: number;
  /** Share of the sum of the years' seconds. */
  pctOfYears: number;
  perYear: number[];
}

/** Single-sample figures measured inside one process built with OrchestratorBuilder (not the CLI). */
export interface InProcessResult {
  name: string;
  note: string;
  employees: number;
  years: number;
  startYear: number;
  endYear: number;
  /** executeMultiYearSimulation, including run setup (census load, parameters) and the final summary. */
  runSeconds: number;
  peakRssMiB: number;
  yearSeconds: number[];
  stages: Record<string, number>;
  /** Sorted by seconds, largest first. */
  models: ModelTiming[];
  /** Year time not spent in runModel: validation rules, checkpoint, audit, hooks, stage bookkeeping. */
  outsideModelsSeconds: number;
  /** Where the years' seconds went, summed over years, by wrapped engine method (largest first). */
  yearBreakdown: Record<string, number>;
  /** The run's seconds outside its years: setup before the first, summary and audits after the last. */
  outsideYears: Record<string, number>;
  checkpoint: CheckpointOverhead;
}

export interface CheckpointOverhead {
  /** Σ measure() on the finished database / Σ year seconds × 100. */
  pct: number;
  maxYearPct: number;
  method: string;
  perYear: Array<{
    year: number;
    /** Median of the repeated measure(year) calls on the finished database. */
    measureSeconds: number;
    measureSamples: number[];
    yearSeconds: number;
    pct: number;
    /** CheckpointManager.write(year) as it ran inside the year's transaction (measure + row write). */
    inRunWriteSeconds: number;
  }>;
  /** Σ in-run write() / Σ year seconds × 100. */
  inRunPct: number;
}

export interface DerivedMetric {
  name: string;
  value: number;
  unit: string;
  /** The value computed from the other ends of the spreads (best and worst case), when it has one. */
  range?: [number, number];
  from: string[];
  note: string;
  details?: Record<string, unknown>;
}

export interface BenchResults {
  schema: number;
  profile: string;
  measuredAt: string;
  durationSeconds: number;
  machine: MachineFacts;
  /** Which build was measured: a hash of dist/ (without dist/bench) taken before every run, that of the
   *  first run; when dist/ was rebuilt in between, `seen` lists every hash in order. */
  build?: { distSha256: string; changedDuringRun: boolean; seen?: string[] };
  /** Keyed by case name. */
  cases: Record<string, CaseResult>;
  /** Keyed by metric name (scaling_100k_over_10k, checkpoint_overhead_pct, ...). */
  derived: Record<string, DerivedMetric>;
  /** Keyed by in-process case name; single samples, never compared. */
  inProcess: Record<string, InProcessResult>;
}
