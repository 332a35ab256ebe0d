/**
 * One Studio run in its own process, forked by the RunManager (runs.ts) with an IPC channel: the run
 * goes through the OrchestratorBuilder as `simulate` runs it, with the run log and status file beside
 * its database, and its progress events go to the parent. It stops, the year in progress rolled back,
 * when asked ({type: 'cancel'}), on SIGINT, or when its channel closes (the server is gone), and exits
 * once the database is closed: the database holds only completed years, and its lock is free for a resume.
 */
import { startRunSession } from '../cli/run-session.js';
import { DatabaseInUseError, InterruptedError, PlanAlignError } from '../errors.js';
import { OrchestratorBuilder } from '../factory.js';
import type { PipelineOrchestrator } from '../orchestrator/orchestrator.js';
import { fanOut } from '../orchestrator/progress.js';
import { runEventOf, type RunEventType } from './progress-log.js';

/** What to run: absolute paths. */
export interface RunSpec {
  database: string;
  /** The run's own config: the scenario's YAML as the run started, its years and seed written in. */
  config: string;
  census: string;
  /** Where the config's relative paths (parameter tables) are found: the workspace. */
  baseDir: string;
  /** Continue the database's run at its first year without a checkpoint. */
  resume: boolean;
}

/** Parent → child. */
export type RunChildRequest = { type: 'run'; spec: RunSpec } | { type: 'cancel' };

/** Child → parent. `done` and `failed` are sent once the database is closed. */
export type RunChildReply =
  | { type: 'event'; event: { type: RunEventType; data: Record<string, unknown> } }
  | { type: 'done'; engineRunId: string; /** this process's, a resume's alone */ seconds: number; inputs: { config: string; census: string; parameters: string } }
  | { type: 'failed'; error: string; cancelled: boolean; /** the database is another process's */ inUse?: boolean };

const send = (reply: RunChildReply): void => {
  if (process.connected) process.send?.(reply);
};

const OPEN_ATTEMPTS = 10;
const OPEN_RETRY_MS = 200;

const controller = new AbortController();
let running: Promise<void> | undefined;

async function run(spec: RunSpec): Promise<void> {
  const started = Date.now();
  const session = startRunSession(spec.database, { quiet: true });
  // Ctrl-C (the session's signal), a cancel request and a lost parent all stop the run the same way.
  const signal = AbortSignal.any([session.signal, controller.signal]);
  const builder = new OrchestratorBuilder()
    // The run's config is its snapshot alone: the server's PLANALIGN_ variables do not change it.
    .withConfig(spec.config, { baseDir: spec.baseDir })
    .withEnvironment({})
    .withCensus(spec.census)
    .withDatabase(spec.database)
    .withLogger(session.logger)
    .withProgress(
      fanOut(session.progress, {
        emit: (event) => {
          const runEvent = runEventOf(event);
          if (runEvent !== undefined) send({ type: 'event', event: runEvent });
        },
      }),
    );
  let orchestrator: PipelineOrchestrator | undefined;
  let reply: RunChildReply;
  try {
    orchestrator = await build(builder);
    const result = await orchestrator.executeMultiYearSimulation({ resume: spec.resume, signal });
    reply = {
      type: 'done',
      engineRunId: result.runId,
      seconds: (Date.now() - started) / 1000,
      inputs: { config: result.configHash, census: result.censusHash, parameters: result.parametersHash },
    };
  } catch (error) {
    session.fail(error);
    const text = error instanceof PlanAlignError && error.hint !== undefined ? `${error.message}\n${error.hint}` : error instanceof Error ? error.message : String(error);
    reply = { type: 'failed', error: text, cancelled: error instanceof InterruptedError, ...(error instanceof DatabaseInUseError ? { inUse: true } : {}) };
  } finally {
    session.end();
    orchestrator?.close();
  }
  send(reply);
}

/** Tries a few times while the database is in use: a reader (a results query, a look at the run's state) holds it for moments. */
async function build(builder: OrchestratorBuilder): Promise<PipelineOrchestrator> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await builder.build();
    } catch (error) {
      if (!(error instanceof DatabaseInUseError) || attempt >= OPEN_ATTEMPTS || controller.signal.aborted) throw error;
      await new Promise((wait) => setTimeout(wait, OPEN_RETRY_MS));
    }
  }
}

process.on('message', (message: RunChildRequest) => {
  if (message.type === 'cancel') controller.abort();
  else running ??= run(message.spec);
});
process.on('disconnect', () => {
  controller.abort();
  void (running ?? Promise.resolve()).finally(() => process.exit(0));
});
