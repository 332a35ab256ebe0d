/**
 * Runs of a workspace's scenarios, each in a child process of its own (run-child.ts, forked with an
 * IPC channel): one writer per database, and a server that goes away takes no run down half-written
 * (the child rolls its year back and exits when its channel closes). The manager stores each child's
 * progress events, numbered, beside the run (progress-log.ts) and records the outcome in the run's
 * record. What a run's state is comes from the files, so that it is known after a restart and for
 * runs of other processes (the CLI): the recorded outcome; else running, in a child of this manager
 * or by whoever holds the database's lock (with its PID); else interrupted, which can be resumed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statusFilePath, type RunStatus } from '../cli/progress.js';
import { ConflictError, DatabaseInUseError, PlanAlignError } from '../errors.js';
import { CheckpointManager } from '../orchestrator/checkpoints.js';
import { packageRoot } from '../paths.js';
import { singleHash, yearInputs } from '../reporting/inputs.js';
import { latestRun, openForReading } from '../reporting/source.js';
import { StderrTail } from '../executor/stderr-tail.js';
import type { RunRecord, Workspace } from '../workspace/workspace.js';
import { EventLog, isTerminalEvent, readEvents, type RunEvent, type RunEventType } from './progress-log.js';
import type { RunChildReply, RunChildRequest } from './run-child.js';

export type { RunEvent, RunEventType } from './progress-log.js';
export { isTerminalEvent } from './progress-log.js';

export type RunState = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** The config, census and parameter-table hashes a run was computed under. */
export interface RunInputs {
  config: string;
  census: string;
  parameters: string;
}

export interface RunInfo extends RunRecord {
  state: RunState;
  /** The process writing the run: this manager's child, or whoever holds the database. */
  pid?: number;
  yearsCompleted: number[];
  currentYear?: number;
  currentStage?: string;
  /** Once known (from the database, or its child's summary): as the run's summary gives them, 'mixed' when its years differ. */
  inputs?: RunInputs;
  /** The id of the run's last stored event (0: none). */
  lastEventId: number;
}

export type RunListener = (event: RunEvent) => void;

/** A cancelled run's child gets this long to roll back after the request, then as long again after SIGINT; a closing manager's, after its channel closed. */
const STOP_GRACE_MS = 10_000;
/** How often a subscriber of a run written by another process looks for new events. */
const POLL_MS = 500;

interface LiveRun {
  record: RunRecord;
  child: ChildProcess;
  log: EventLog;
  listeners: Set<RunListener>;
  yearsCompleted: number[];
  currentYear?: number;
  currentStage?: string;
  inputs?: RunInputs;
  stderr: StderrTail;
  /** Why this manager stops the child: a cancel ends the run, a close leaves it to be resumed. */
  stopping?: 'cancel' | 'close';
  /** Why the child could not take the database (another process holds it). */
  refused?: string;
  /** The signals that follow a stop request the child does not honour in time. */
  timers: NodeJS.Timeout[];
  /** Settled once the child is gone and its run's state told. */
  ended: Promise<void>;
  end: () => void;
}

/** What a look at a run's database (not a child of ours) finds. */
type Probe = { held: true; pid: number | undefined } | { held: false; years: number[]; inputs?: RunInputs };

const keyOf = (record: Pick<RunRecord, 'scenario' | 'runId'>): string => `${record.scenario}/${record.runId}`;

export class RunManager {
  private readonly module: string;
  private readonly live = new Map<string, LiveRun>();
  /** Runs being resumed whose child is not forked yet: a second resume meanwhile is refused. */
  private readonly starting = new Set<string>();
  /** Years and inputs of finished runs, which never change. */
  private readonly finished = new Map<string, { yearsCompleted: number[]; inputs?: RunInputs }>();
  private closed = false;

  /** `childModule`: the module each run's child runs (default the compiled dist/services/run-child.js). */
  constructor(
    readonly ws: Workspace,
    options: { childModule?: string } = {},
  ) {
    this.module = options.childModule ?? join(packageRoot, 'dist', 'services', 'run-child.js');
  }

  /** A new run of the scenario (its config snapshot and record), started in a child. */
  async start(scenario: string, options: { startYear?: number; endYear?: number; seed?: number } = {}): Promise<RunInfo> {
    this.assertOpen();
    this.assertChildModule();
    const record = this.ws.newRun(scenario, { origin: 'studio', ...options });
    return this.launch(record, false, []);
  }

  /** Continues an interrupted run at its first year without a checkpoint, in a new child. */
  async resume(scenario: string, runId: string): Promise<RunInfo> {
    this.assertOpen();
    this.assertChildModule();
    const record = this.ws.runRecord(scenario, runId);
    const key = keyOf(record);
    if (this.live.has(key) || this.starting.has(key)) throw new ConflictError(`Run ${runId} of scenario ${scenario} is running`);
    this.starting.add(key);
    try {
      const info = await this.info(record);
      if (info.state !== 'interrupted') {
        throw new ConflictError(`Run ${runId} of scenario ${scenario} is ${describeState(info)}: only an interrupted run can be resumed`);
      }
      return this.launch(record, true, info.yearsCompleted);
    } finally {
      this.starting.delete(key);
    }
  }

  /**
   * Stops a run of this manager (its year in progress rolled back: the database keeps the completed
   * years) and waits for its child to end. An interrupted run is marked cancelled (no resume offered).
   */
  async cancel(scenario: string, runId: string): Promise<RunInfo> {
    const record = this.ws.runRecord(scenario, runId);
    const live = this.live.get(keyOf(record));
    if (live !== undefined) {
      if (live.stopping === undefined) {
        live.stopping = 'cancel';
        send(live.child, { type: 'cancel' });
        stopTimers(live, 'SIGINT');
      }
      await live.ended;
      return this.get(scenario, runId);
    }
    const info = await this.info(record);
    // Started meanwhile (a resume): it is cancelled as any run of ours.
    if (this.live.has(keyOf(record)) || this.starting.has(keyOf(record))) return this.cancel(scenario, runId);
    if (info.state === 'running') {
      throw new ConflictError(`Run ${runId} of scenario ${scenario} is ${describeState(info)}, not by this server: stop it there`);
    }
    if (info.state !== 'interrupted') throw new ConflictError(`Run ${runId} of scenario ${scenario} is already ${info.state}`);
    this.ws.finishRun(record, 'cancelled');
    return this.get(scenario, runId);
  }

  async get(scenario: string, runId: string): Promise<RunInfo> {
    return this.info(this.ws.runRecord(scenario, runId));
  }

  /** Newest first; one database looked at after another. */
  async list(scenario?: string): Promise<RunInfo[]> {
    const infos: RunInfo[] = [];
    for (const record of this.ws.runRecords(scenario)) infos.push(await this.info(record));
    return infos;
  }

  /** The run's stored events after `afterId`. */
  events(scenario: string, runId: string, afterId: number): RunEvent[] {
    return readEvents(this.ws.runFile(this.ws.runRecord(scenario, runId), 'events'), afterId);
  }

  /**
   * The run's events after `afterId`, then its new ones as they come, then a terminal event (the
   * stored one, or, for a run without one, one made from its state with the last stored id), after
   * which the listener is called no more. Always asynchronous. Returns the unsubscribe function.
   */
  subscribe(scenario: string, runId: string, afterId: number, listener: RunListener): () => void {
    const record = this.ws.runRecord(scenario, runId);
    const file = this.ws.runFile(record, 'events');
    const key = keyOf(record);
    let last = afterId;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const deliver = (event: RunEvent): void => {
      if (done || event.id < last || (event.id === last && !isTerminalEvent(event))) return;
      last = event.id;
      if (isTerminalEvent(event)) stop();
      try {
        listener(event);
      } catch {
        stop(); // a listener that fails (its connection gone, say) hears no more
      }
    };
    const stop = (): void => {
      done = true;
      clearTimeout(timer);
      this.live.get(key)?.listeners.delete(deliver);
    };
    // A stored terminal event is the file's last: an outcome is final, and an interruption (which a resume follows) is not stored.
    const replay = (): void => {
      for (const event of readEvents(file, last)) deliver(event);
    };
    const step = async (): Promise<void> => {
      try {
        if (done) return;
        replay();
        if (done) return;
        const live = this.live.get(key);
        if (live !== undefined) {
          // Events are stored and told in one go: nothing falls between this replay and the listener.
          live.listeners.add(deliver);
          return;
        }
        const info = await this.info(this.ws.runRecord(scenario, runId));
        // Resumed by this manager meanwhile: its listener, then.
        if (this.live.has(key)) return void step();
        replay();
        if (done) return;
        if (info.state !== 'running') return deliver(this.stateEvent(info, last));
      } catch {
        // Its files could not be read just now: look again, as for a run still running elsewhere.
      }
      if (!done) timer = setTimeout(() => void step(), POLL_MS);
    };
    setImmediate(() => void step());
    return stop;
  }

  /**
   * Stops this manager's children as the server's going away would: each rolls its year back and
   * exits, and its run is left 'interrupted', to be resumed. Starts and resumes are refused after.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.live.values()].map((live) => {
        if (live.stopping === undefined) {
          live.stopping = 'close';
          if (live.child.connected) live.child.disconnect();
          stopTimers(live, 'SIGKILL');
        }
        return live.ended;
      }),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new PlanAlignError('The run manager is closed');
  }

  private assertChildModule(): void {
    if (!existsSync(this.module)) {
      throw new PlanAlignError(`The compiled run process ${this.module} is missing`, { file: this.module }, 'Run "npm run build" first: runs happen in child processes of it.');
    }
  }

  private launch(record: RunRecord, resume: boolean, yearsCompleted: number[]): RunInfo {
    const spec = {
      database: this.ws.runFile(record, 'database'),
      config: this.ws.runFile(record, 'config'),
      census: this.ws.inside(record.census, `the census of run ${record.runId}`),
      baseDir: this.ws.root,
      resume,
    };
    // Its own process group: a Ctrl-C at the server's terminal reaches the server only, which decides.
    const child = fork(this.module, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true, serialization: 'json' });
    let end!: () => void;
    const live: LiveRun = {
      record,
      child,
      log: new EventLog(this.ws.runFile(record, 'events'), record.scenario, record.runId),
      listeners: new Set(),
      yearsCompleted: [...yearsCompleted],
      stderr: new StderrTail(child),
      timers: [],
      ended: new Promise<void>((done) => (end = done)),
      end: () => end(),
    };
    const key = keyOf(record);
    this.live.set(key, live);
    child.on('message', (reply: RunChildReply) => this.onReply(live, reply));
    child.on('error', () => undefined); // an exit follows; a send to a dead child must not crash the server
    // Once all it wrote to stderr is read (the child's 'close' event does not come after a disconnect).
    child.on('exit', (code, signal) => {
      const stderr = child.stderr;
      if (stderr === null || stderr.destroyed) this.onExit(live, code, signal);
      else stderr.once('close', () => this.onExit(live, code, signal));
    });
    send(child, { type: 'run', spec });
    return this.liveInfo(live);
  }

  /** The child is gone: a run without an outcome yet gets the one its end means. */
  private onExit(live: LiveRun, code: number | null, signal: NodeJS.Signals | null): void {
    const { record, child } = live;
    this.live.delete(keyOf(record));
    for (const timer of live.timers) clearTimeout(timer);
    if (record.outcome === undefined) {
      if (live.stopping === 'cancel') {
        // Killed while rolling back: an unfinished transaction leaves nothing of its year either.
        this.finish(live, 'cancelled', 'run_cancelled', {});
      } else if (live.stopping === undefined && signal === null) {
        // It crashed (an uncaught error): that is its outcome, with what it said last.
        const error = `its process ${child.pid ?? '?'} exited with code ${code}${live.stderr.suffix()}`;
        this.finish(live, 'failed', 'run_failed', { error }, error);
      } else {
        // Killed (by the system, say) or stopped with the server: nothing of its year is kept, and it can be resumed.
        const reason = live.refused ?? (live.stopping === 'close' ? 'the server stopped' : `its process ${child.pid ?? '?'} was killed by ${signal}`);
        tell(live, { id: live.log.lastId, runId: record.runId, scenario: record.scenario, type: 'run_interrupted', data: { reason } });
      }
    }
    live.end();
  }

  private onReply(live: LiveRun, reply: RunChildReply): void {
    switch (reply.type) {
      case 'event': {
        const { type, data } = reply.event;
        if (type === 'stage_started') Object.assign(live, { currentYear: data.year, currentStage: data.stage });
        if (type === 'year_completed') live.yearsCompleted.push(data.year as number);
        tell(live, live.log.append(type, data));
        return;
      }
      case 'done':
        live.inputs = reply.inputs;
        this.finish(live, 'completed', 'run_completed', { engineRunId: reply.engineRunId, seconds: reply.seconds });
        break;
      case 'failed':
        if (reply.cancelled) this.finish(live, 'cancelled', 'run_cancelled', {});
        else if (reply.inUse) {
          // Another process writes the run (or reads it at length): its state is theirs to say, no outcome of ours.
          live.stopping = 'close';
          live.refused = reply.error;
        } else this.finish(live, 'failed', 'run_failed', { error: reply.error }, reply.error);
        break;
    }
    // The child exits once its channel closes.
    if (live.child.connected) live.child.disconnect();
  }

  /** The outcome in the record first, then the terminal event: a listener told the run ended finds it so. */
  private finish(live: LiveRun, outcome: 'completed' | 'failed' | 'cancelled', type: RunEventType, data: Record<string, unknown>, error?: string): void {
    live.record = this.ws.finishRun(live.record, outcome, error);
    tell(live, live.log.append(type, data));
  }

  private liveInfo(live: LiveRun): RunInfo {
    const state = live.record.outcome ?? 'running';
    return {
      ...live.record,
      state,
      yearsCompleted: [...live.yearsCompleted],
      // Where it is, while it runs.
      ...(state !== 'running' || live.child.pid === undefined ? {} : { pid: live.child.pid }),
      ...(state !== 'running' || live.currentYear === undefined ? {} : { currentYear: live.currentYear }),
      ...(state !== 'running' || live.currentStage === undefined ? {} : { currentStage: live.currentStage }),
      ...(live.inputs === undefined ? {} : { inputs: live.inputs }),
      lastEventId: live.log.lastId,
    };
  }

  private async info(record: RunRecord): Promise<RunInfo> {
    const key = keyOf(record);
    const live = this.live.get(key);
    if (live !== undefined) return this.liveInfo(live);
    const lastEventId = readEvents(this.ws.runFile(record, 'events')).at(-1)?.id ?? 0;
    const known = this.finished.get(key);
    if (record.outcome !== undefined && known !== undefined) return { ...record, state: record.outcome, ...known, lastEventId };
    const database = this.ws.runFile(record, 'database');
    const probe = await probeDatabase(database);
    if (probe.held) {
      // The holder's progress, when the status file beside the database is its.
      const status = readStatus(database);
      const own = status !== undefined && status.pid === probe.pid;
      return {
        ...record,
        state: record.outcome ?? 'running',
        ...(probe.pid === undefined ? {} : { pid: probe.pid }),
        yearsCompleted: own ? status.yearsCompleted : [],
        ...(own && status.currentYear !== undefined ? { currentYear: status.currentYear } : {}),
        ...(own && status.currentStage !== undefined ? { currentStage: status.currentStage } : {}),
        lastEventId,
      };
    }
    const details = { yearsCompleted: probe.years, ...(probe.inputs === undefined ? {} : { inputs: probe.inputs }) };
    if (record.outcome !== undefined) this.finished.set(key, details);
    return { ...record, state: record.outcome ?? 'interrupted', ...details, lastEventId };
  }

  /** The terminal event of a run that has no stored one: from its state, with the last stored id. */
  private stateEvent(info: RunInfo, id: number): RunEvent {
    const type: RunEventType =
      info.state === 'completed' ? 'run_completed' : info.state === 'failed' ? 'run_failed' : info.state === 'cancelled' ? 'run_cancelled' : 'run_interrupted';
    const data = info.state === 'interrupted' ? { reason: 'its process ended before the run finished' } : info.error === undefined ? {} : { error: info.error };
    return { id, runId: info.runId, scenario: info.scenario, type, data };
  }
}

function send(child: ChildProcess, request: RunChildRequest): void {
  if (child.connected) child.send(request);
}

/** Tells the run's listeners (subscribe's, which never throw) an event. */
function tell(live: LiveRun, event: RunEvent): void {
  for (const listener of [...live.listeners]) listener(event);
}

/** After the grace period `first` (SIGINT: the child rolls back too), then, after a SIGINT, SIGKILL. */
function stopTimers(live: LiveRun, first: 'SIGINT' | 'SIGKILL'): void {
  live.timers.push(setTimeout(() => live.child.kill(first), STOP_GRACE_MS));
  if (first === 'SIGINT') live.timers.push(setTimeout(() => live.child.kill('SIGKILL'), 2 * STOP_GRACE_MS));
}

function describeState(info: RunInfo): string {
  return info.state === 'running' && info.pid !== undefined ? `running (PID ${info.pid})` : info.state;
}

/**
 * Whether a writer holds the database (DuckDB's lock, with its PID), else its checkpointed years and
 * the inputs of its run. A missing database is a run that never got as far as creating it.
 */
async function probeDatabase(path: string): Promise<Probe> {
  if (!existsSync(path)) return { held: false, years: [] };
  let db;
  try {
    db = await openForReading(path);
  } catch (error) {
    if (error instanceof DatabaseInUseError) return { held: true, pid: error.pid };
    throw error;
  }
  try {
    const years = (await new CheckpointManager(db).list()).map((c) => c.year);
    if (!(await db.tableExists('planalign_runs'))) return { held: false, years };
    // As the run's summary says them (MultiYearReporter): the checkpoints' hash, or 'mixed'.
    const run = await latestRun(db);
    const groups = await yearInputs(db, run.startYear, run.endYear);
    const inputs = {
      config: singleHash(groups.config, run.configHash),
      census: singleHash(groups.census, run.censusHash),
      parameters: singleHash(groups.parameters, run.parametersHash),
    };
    return { held: false, years, inputs };
  } finally {
    db.close();
  }
}

/** The status file a run writes beside its database (src/cli/progress.ts StatusFile); undefined when absent or unreadable. */
function readStatus(database: string): RunStatus | undefined {
  try {
    return JSON.parse(readFileSync(statusFilePath(database), 'utf8')) as RunStatus;
  } catch {
    return undefined;
  }
}
