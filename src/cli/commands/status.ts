import { existsSync, readFileSync } from 'node:fs';
import { CheckpointManager } from '../../orchestrator/checkpoints.js';
import { UNKNOWN_HASH } from '../../db/metadata.js';
import { formatInputs, yearInputs, type YearInputs } from '../../reporting/inputs.js';
import { Database } from '../../db/database.js';
import { DatabaseInUseError, ExitCode, UsageError } from '../../errors.js';
import { statusFilePath, type RunStatus } from '../progress.js';

interface StatusReport {
  database: string;
  inUse: boolean;
  holder?: { pid: number | undefined; status?: RunStatus };
  schemaVersion?: number;
  runs?: Array<{ runId: string; status: string; startYear: number; endYear: number; startedAt: string; finishedAt: string | null }>;
  simulatedYears?: number[];
  checkpoints?: number[];
  /** Which checkpointed years were computed under which config, census and parameter tables. */
  inputs?: YearInputs;
  lastRun?: RunStatus;
  recommendation?: string;
}

/** `planalign status`: the database, its runs and checkpoints; or, while a run holds it, that run's progress. */
export async function status(options: { database: string; json?: true }): Promise<number> {
  if (!existsSync(options.database)) throw new UsageError(`No database at ${options.database}`, { file: options.database });
  const report: StatusReport = { database: options.database, inUse: false };
  const statusFile = readStatusFile(options.database);
  let db: Database;
  try {
    db = await Database.open(options.database, { readOnly: true });
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    report.inUse = true;
    report.holder = { pid: error.pid, status: statusFile?.pid === error.pid ? statusFile : undefined };
    print(report, options.json === true);
    return ExitCode.Success;
  }
  try {
    const ours = await db.tableExists('planalign_schema_version');
    if (ours) {
      report.schemaVersion = (await db.one<{ v: number }>(`SELECT max(version) AS v FROM planalign_schema_version`))?.v;
      report.runs = (
        await db.all<{ run_id: string; status: string; start_year: number; end_year: number; started_at: string; finished_at: string | null }>(
          `SELECT run_id, status, start_year, end_year, started_at::VARCHAR AS started_at, finished_at::VARCHAR AS finished_at
           FROM planalign_runs ORDER BY started_at`,
        )
      ).map((r) => ({
        runId: r.run_id,
        status: r.status,
        startYear: r.start_year,
        endYear: r.end_year,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
      }));
      report.simulatedYears = (
        await db.all<{ y: number }>(`SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)
      ).map((r) => r.y);
      report.checkpoints = (await new CheckpointManager(db).list()).map((c) => c.year);
      const [firstYear, lastYear] = [report.checkpoints[0], report.checkpoints.at(-1)];
      if (firstYear !== undefined && lastYear !== undefined) report.inputs = await yearInputs(db, firstYear, lastYear);
      const last = report.runs.at(-1);
      if (last && last.status === 'running') {
        report.lastRun = statusFile;
        report.recommendation = `Run ${last.runId} stopped before finishing (its process is gone): continue it with --resume`;
      } else if (last && (last.status === 'failed' || last.status === 'interrupted')) {
        report.recommendation = `Run ${last.runId} ${last.status}: continue it with --resume, or recompute with --force-restart`;
      }
    } else {
      report.recommendation = 'Not a PlanAlign database (no planalign_schema_version)';
    }
  } finally {
    db.close();
  }
  print(report, options.json === true);
  return ExitCode.Success;
}

function readStatusFile(database: string): RunStatus | undefined {
  const path = statusFilePath(database);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunStatus;
  } catch {
    return undefined;
  }
}

function print(report: StatusReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [`Database ${report.database}`];
  if (report.inUse) {
    const holder = report.holder;
    lines.push(`  in use by PID ${holder?.pid ?? 'unknown'}`);
    const s = holder?.status;
    if (s) {
      lines.push(
        `  run ${s.runId ?? '(starting)'}: ${s.state}, years ${s.startYear ?? '?'}–${s.endYear ?? '?'}`,
        `  now at ${s.currentYear ?? '-'} ${s.currentStage?.toLowerCase() ?? ''}; completed ${s.yearsCompleted.join(', ') || 'none yet'} (updated ${s.updatedAt})`,
      );
    } else {
      lines.push('  (no progress file from that process)');
    }
  } else {
    if (report.schemaVersion !== undefined) lines.push(`  schema version ${report.schemaVersion}`);
    lines.push(`  simulated years: ${report.simulatedYears?.join(', ') || 'none'}`);
    lines.push(`  checkpoints: ${report.checkpoints?.join(', ') || 'none'}`);
    if (report.inputs !== undefined) {
      lines.push(...formatInputs(report.inputs, { config: UNKNOWN_HASH, census: UNKNOWN_HASH, parameters: UNKNOWN_HASH }));
    }
    for (const run of report.runs ?? []) {
      lines.push(`  run ${run.runId}: ${run.status}, ${run.startYear}–${run.endYear}, started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`);
    }
  }
  if (report.recommendation) lines.push(`  -> ${report.recommendation}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
