/**
 * The executor's contract (ARCHITECTURE "Growing the house"): batch and ensemble submit jobs
 * (scenario × seed) to a RunExecutor; the local back-end runs them in a pool of warm child processes,
 * the queue back-end on BullMQ workers. A job is pure: its id is derived from its inputs, its seed and
 * the engine version, so a retried or re-submitted job is found done by its result file, never run twice.
 */

/** The resolved inputs of a scenario, written once to `<outputDir>/inputs/<hash>/` by the coordinator. */
export interface JobInputsRef {
  /** sha256 hex of `planalign-inputs-1|<configHash>|<censusHash>|<parametersHash>`. */
  hash: string;
  configHash: string;
  censusHash: string;
  parametersHash: string;
}

/** What travels to a worker: hashes and names only, never an absolute path (workers mount the folder anywhere). */
export interface JobSpec {
  /** sha256 hex, first 32 digits, of `planalign-job-1|<engineVersion>|<inputs hash>|<seed>`. */
  id: string;
  /** The scenario's name (batch: the scenario file's stem; ensemble: the scenario, `default` without --scenarios-dir). */
  scenario: string;
  seed: number;
  /** The inputs hash: `<outputDir>/inputs/<inputs>/`. */
  inputs: string;
  engineVersion: string;
}

/** One simulated year of a job: readYearMetrics' figures, and whether each compliance test passed (every group). */
export type JobYear = { year: number; compliance: Record<string, boolean> } & Record<string, number | Record<string, boolean>>;

/** `<outputDir>/jobs/<id>/result.json`, renamed into place last: its presence means the job is done. */
export interface JobResult {
  id: string;
  scenario: string;
  seed: number;
  inputs: string;
  engineVersion: string;
  startYear: number;
  endYear: number;
  runId: string;
  /** Wall seconds of the simulation, and who ran it (`host:pid`). */
  seconds: number;
  worker: string;
  finishedAt: string;
  /** The job's database, relative to its folder (`simulation.duckdb`). */
  database: string;
  years: JobYear[];
}

export type ExecutorEvent =
  | { type: 'started'; job: JobSpec; worker: string; attempt: number }
  | { type: 'progress'; job: JobSpec; year: number; stage?: string }
  | { type: 'finished'; job: JobSpec; result: JobResult; reused: boolean }
  | { type: 'failed'; job: JobSpec; error: string; attempt: number; willRetry: boolean };

export interface JobOutcome {
  job: JobSpec;
  status: 'completed' | 'failed' | 'cancelled';
  result?: JobResult;
  /** Found done (its result file existed) rather than run. */
  reused?: boolean;
  error?: string;
  attempts: number;
}

export interface RunOptions {
  /** Aborting cancels queued jobs and stops running ones (each rolls back its year in progress). */
  signal?: AbortSignal;
  onEvent?: (event: ExecutorEvent) => void;
  /** Runs of a job before it is reported failed (default 2). */
  attempts?: number;
}

export interface RunExecutor {
  /** Which back-end, for progress and summaries: `local` or `queue`. */
  readonly kind: 'local' | 'queue';
  /** Runs (or finds done) every job; resolves with one outcome per job, in the order given, whatever failed. */
  run(outputDir: string, jobs: readonly JobSpec[], options?: RunOptions): Promise<JobOutcome[]>;
  close(): Promise<void>;
}
