import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { isTerminalEvent, RunManager, type RunEvent, type RunInfo } from '../../src/services/runs.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { holdDatabase } from '../support/cli.js';
import { contentDigest, defaultConfigObject, makeCensus, query } from '../support/engine.js';

const SCENARIO = 'tiny';
const YEARS = [2025, 2026];
/** Tables a resumed run must hold exactly as an uninterrupted one does, less their time stamps. */
const STAMPS: Record<string, string[]> = { fct_workforce_snapshot: ['snapshot_created_at'], fct_yearly_events: ['created_at'] };

let ws: Workspace;
let manager: RunManager;
/** The uninterrupted run every other is compared with, and its events as a listener got them. */
let reference: RunInfo;
let referenceEvents: RunEvent[];

/** Subscribes and collects until the terminal event; `onEvent` may act on the run meanwhile. */
function collect(m: RunManager, runId: string, afterId = 0, onEvent: (e: RunEvent) => void = () => undefined): Promise<RunEvent[]> {
  return new Promise((done) => {
    const events: RunEvent[] = [];
    m.subscribe(SCENARIO, runId, afterId, (event) => {
      events.push(event);
      onEvent(event);
      if (isTerminalEvent(event)) done(events);
    });
  });
}

async function digests(database: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, exclude] of Object.entries(STAMPS)) out[table] = await contentDigest(database, table, exclude);
  return out;
}

/** The years the database holds: checkpoints and snapshot rows, which a cancel or kill must keep in step. */
async function storedYears(database: string): Promise<{ checkpoints: number[]; snapshot: number[] }> {
  const years = async (sql: string) => (await query<{ y: number }>(database, sql)).map((r) => r.y);
  return {
    checkpoints: await years('SELECT simulation_year AS y FROM planalign_checkpoints ORDER BY 1'),
    snapshot: await years('SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1'),
  };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Another process reading the database until killed (read-only: a writer cannot open it meanwhile). In
 * another process, since closing any handle of a file drops all this process's locks on it.
 */
async function readElsewhere(database: string): Promise<ChildProcess> {
  const script = `const { Database } = await import(${JSON.stringify(pathToFileURL(resolve('dist/db/database.js')).href)});
    const db = await Database.open(process.argv[1], { readOnly: true });
    process.send('reading');
    setInterval(() => void db, 1000);`;
  const reader = spawn(process.execPath, ['--input-type=module', '-e', script, database], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise((done) => reader.once('message', done));
  return reader;
}

beforeAll(async () => {
  if (!existsSync(resolve('dist/services/run-child.js'))) throw new Error('dist/services/run-child.js is missing: run "npm run build" first');
  ws = Workspace.open(join(mkdtempSync(join(tmpdir(), 'planalign-runs-')), 'ws'), { create: true });
  const census = await makeCensus(join(ws.root, 'census'), 100);
  const config = defaultConfigObject();
  config.setup.census_parquet_path = ws.relative(census);
  Object.assign(config.simulation, { start_year: YEARS[0], end_year: YEARS.at(-1), random_seed: 11 });
  writeFileSync(ws.scenarioFile(SCENARIO), stringify(config));
  manager = new RunManager(ws);
  const started = await manager.start(SCENARIO);
  expect(started).toMatchObject({ state: 'running', origin: 'studio', yearsCompleted: [] });
  expect(started.pid).toBeGreaterThan(0);
  referenceEvents = await collect(manager, started.runId);
  reference = await manager.get(SCENARIO, started.runId);
}, 60_000);

afterAll(() => manager?.close());

describe('a run started by the manager', () => {
  it('reports numbered progress per year and stage and ends completed, with its outcome recorded', async () => {
    expect(referenceEvents.map((e) => e.id)).toEqual(referenceEvents.map((_, i) => i + 1));
    expect(referenceEvents[0]).toMatchObject({ type: 'run_started', runId: reference.runId, scenario: SCENARIO, data: { startYear: 2025, endYear: 2026 } });
    expect(referenceEvents.filter((e) => e.type === 'year_completed').map((e) => e.data.year)).toEqual(YEARS);
    // Every year goes through its seven stages, each started then completed.
    expect(referenceEvents.filter((e) => e.type === 'stage_started' && e.data.year === 2026).map((e) => e.data.stage)).toEqual([
      'INITIALIZATION', 'FOUNDATION', 'EVENT_GENERATION', 'STATE_ACCUMULATION', 'VALIDATION', 'REPORTING', 'CLEANUP',
    ]);
    expect(referenceEvents.filter((e) => e.type === 'validation')).toHaveLength(YEARS.length);
    expect(referenceEvents.at(-1)).toMatchObject({ type: 'run_completed', id: referenceEvents.length });
    expect(referenceEvents.filter(isTerminalEvent)).toHaveLength(1);

    expect(reference).toMatchObject({ state: 'completed', outcome: 'completed', yearsCompleted: YEARS, lastEventId: referenceEvents.length });
    expect(reference.pid).toBeUndefined();
    expect(reference.inputs?.config).toMatch(/^[0-9a-f]{64}$/);
    expect(ws.latestRun(SCENARIO)).toBe(reference.runId);
    // The year-end headcount of the last event is the database's.
    const database = ws.runFile(reference, 'database');
    const [{ n }] = await query<{ n: number }>(database, `SELECT count(*)::INTEGER AS n FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employment_status = 'active'`);
    expect(referenceEvents.filter((e) => e.type === 'year_completed').at(-1)?.data.summary).toMatchObject({ activeHeadcount: n });
    // The CLI's companions of a run database: its log, and the status file `planalign status` reads.
    expect(JSON.parse(readFileSync(`${database}.status.json`, 'utf8'))).toMatchObject({ state: 'completed', yearsCompleted: YEARS });
    expect(readFileSync(`${database}.log`, 'utf8')).toContain('run completed');
  });

  it('replays its events after a reconnect, from the file, in this manager and in a new one', async () => {
    const tail = referenceEvents.slice(20);
    expect(manager.events(SCENARIO, reference.runId, 20)).toEqual(tail);
    expect(await collect(manager, reference.runId, 20)).toEqual(tail);
    const restarted = new RunManager(ws);
    expect(await collect(restarted, reference.runId, 20)).toEqual(tail);
    expect(await restarted.get(SCENARIO, reference.runId)).toEqual(reference);
    // Past the end: the terminal event alone, with the last id.
    expect(await collect(restarted, reference.runId, referenceEvents.length)).toEqual([
      { id: referenceEvents.length, runId: reference.runId, scenario: SCENARIO, type: 'run_completed', data: {} },
    ]);
  });

  it('cancels: the year in progress is rolled back, the database keeps the completed years, the run is cancelled', async () => {
    const { runId } = await manager.start(SCENARIO);
    let cancelled: Promise<RunInfo> | undefined;
    const events = await collect(manager, runId, 0, (e) => {
      if (e.type === 'stage_started' && e.data.year === 2026 && e.data.stage === 'EVENT_GENERATION') cancelled = manager.cancel(SCENARIO, runId);
    });
    const info = await cancelled!;
    expect(info).toMatchObject({ state: 'cancelled', outcome: 'cancelled', yearsCompleted: [2025] });
    expect(events.at(-1)?.type).toBe('run_cancelled');
    expect(events.filter((e) => e.type === 'year_completed').map((e) => e.data.year)).toEqual([2025]);
    expect(await storedYears(ws.runFile(info, 'database'))).toEqual({ checkpoints: [2025], snapshot: [2025] });
    expect(ws.latestRun(SCENARIO)).toBe(reference.runId);
    await expect(manager.resume(SCENARIO, runId)).rejects.toThrow(/is cancelled: only an interrupted run can be resumed/);
  });

  it('a killed run process leaves the run interrupted, told to its listeners but not stored', async () => {
    const { runId, pid } = await manager.start(SCENARIO);
    const events = await collect(manager, runId, 0, (e) => {
      if (e.type === 'stage_started' && e.data.stage === 'FOUNDATION') process.kill(pid!, 'SIGKILL');
    });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: 'run_interrupted', id: events.at(-2)!.id });
    expect(String(last.data.reason)).toBe(`its process ${pid} was killed by SIGKILL`);
    // Told with the last stored id: a resume's events follow it.
    expect(manager.events(SCENARIO, runId, 0).at(-1)?.id).toBe(last.id);
    expect(manager.events(SCENARIO, runId, 0).filter(isTerminalEvent)).toEqual([]);
    const interrupted = await manager.get(SCENARIO, runId);
    expect(interrupted).toMatchObject({ state: 'interrupted', yearsCompleted: [], lastEventId: last.id });
    expect(interrupted.outcome).toBeUndefined();
    expect(ws.runRecord(SCENARIO, runId).outcome).toBeUndefined();
  });

  it('a run whose server was killed is interrupted for the next server, which replays its events and resumes it to the results of an uninterrupted run', async () => {
    const script = join(ws.root, '..', 'server.mjs');
    const url = (path: string) => pathToFileURL(resolve(path)).href;
    writeFileSync(
      script,
      `const { Workspace } = await import(${JSON.stringify(url('dist/workspace/workspace.js'))});
       const { RunManager } = await import(${JSON.stringify(url('dist/services/runs.js'))});
       const manager = new RunManager(Workspace.open(process.argv[2]));
       const { runId } = await manager.start(process.argv[3]);
       manager.subscribe(process.argv[3], runId, 0, (e) => process.send(e));`,
    );
    const server = fork(script, [ws.root, SCENARIO], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const seen: RunEvent[] = [];
    await new Promise<void>((done) =>
      server.on('message', (e: RunEvent) => {
        seen.push(e);
        if (e.type === 'stage_started' && e.data.year === 2026) {
          server.kill('SIGKILL');
          done();
        }
      }),
    );
    const runId = seen[0]!.runId;
    const next = new RunManager(ws);
    // Subscribed while the orphaned child still holds the database (it polls), or once it is gone.
    const replaying = collect(next, runId);
    // The child rolls the year back once its channel is gone, and exits: then the lock is free.
    const info = await until(() => next.get(SCENARIO, runId), (i) => i.state !== 'running', 'the orphaned run process to end');
    expect(info).toMatchObject({ state: 'interrupted', yearsCompleted: [2025] });
    expect(await storedYears(ws.runFile(info, 'database'))).toEqual({ checkpoints: [2025], snapshot: [2025] });
    // What the killed server stored (at least what its listener got), then the interruption with the last id.
    const replay = await replaying;
    expect(replay.slice(0, seen.length)).toEqual(seen);
    expect(replay.slice(0, -1).map((e) => e.id)).toEqual(Array.from({ length: info.lastEventId }, (_, i) => i + 1));
    expect(replay.at(-1)).toEqual({ id: info.lastEventId, runId, scenario: SCENARIO, type: 'run_interrupted', data: { reason: 'its process ended before the run finished' } });
    expect((await next.list(SCENARIO)).find((r) => r.runId === runId)?.state).toBe('interrupted');

    const resumed = await next.resume(SCENARIO, runId);
    expect(resumed).toMatchObject({ state: 'running', yearsCompleted: [2025] });
    const more = await collect(next, runId, info.lastEventId);
    expect(more[0]).toMatchObject({ id: info.lastEventId + 1, type: 'run_started', data: { startYear: 2026 } });
    expect(more.filter((e) => e.type === 'notice').map((e) => e.data.message)).toContainEqual(expect.stringMatching(/^Resuming run .* at 2026/));
    expect(more.at(-1)?.type).toBe('run_completed');
    expect(await next.get(SCENARIO, runId)).toMatchObject({ state: 'completed', yearsCompleted: YEARS, inputs: reference.inputs });
    expect(await digests(ws.runFile(info, 'database'))).toEqual(await digests(ws.runFile(reference, 'database')));
    expect(ws.latestRun(SCENARIO)).toBe(runId);
    await next.close();
  });

  it('closing the manager stops its runs as a server going away does: they are interrupted, to be resumed', async () => {
    const closing = new RunManager(ws);
    const { runId } = await closing.start(SCENARIO);
    let closed: Promise<void> | undefined;
    const events = await collect(closing, runId, 0, (e) => {
      if (e.type === 'stage_started' && e.data.stage === 'FOUNDATION') closed = closing.close();
    });
    await closed;
    expect(events.at(-1)).toMatchObject({ type: 'run_interrupted', data: { reason: 'the server stopped' } });
    expect(await manager.get(SCENARIO, runId)).toMatchObject({ state: 'interrupted', yearsCompleted: [] });
    await expect(closing.start(SCENARIO)).rejects.toThrow('The run manager is closed');

    // A resume while another process reads the database past the child's retries: no outcome of ours, still interrupted.
    const reader = await readElsewhere(ws.runFile(ws.runRecord(SCENARIO, runId), 'database'));
    try {
      await manager.resume(SCENARIO, runId);
      const refused = await collect(manager, runId, events.at(-1)!.id);
      expect(refused.at(-1)).toMatchObject({ type: 'run_interrupted', data: { reason: expect.stringContaining(`is in use by PID ${reader.pid}`) } });
    } finally {
      reader.kill('SIGKILL');
    }
    expect(await manager.get(SCENARIO, runId)).toMatchObject({ state: 'interrupted' });
    expect(ws.runRecord(SCENARIO, runId).outcome).toBeUndefined();
  });

  it("a run whose database another process holds is running, with that process's PID", async () => {
    const record = ws.newRun(SCENARIO, { origin: 'cli' });
    const holder = await holdDatabase(ws.runFile(record, 'database'));
    try {
      expect(await manager.get(SCENARIO, record.runId)).toMatchObject({ state: 'running', pid: holder.pid, origin: 'cli' });
      await expect(manager.resume(SCENARIO, record.runId)).rejects.toThrow(`is running (PID ${holder.pid}): only an interrupted run can be resumed`);
      await expect(manager.cancel(SCENARIO, record.runId)).rejects.toThrow(`running (PID ${holder.pid}), not by this server`);
    } finally {
      holder.release();
    }
    const free = await until(() => manager.get(SCENARIO, record.runId), (i) => i.state !== 'running', 'the holder to exit');
    expect(free).toMatchObject({ state: 'interrupted', yearsCompleted: [] });
    // Cancelling an interrupted run withdraws the offer to resume it.
    expect(await manager.cancel(SCENARIO, record.runId)).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
  });

  it('a run that fails records its error', async () => {
    writeFileSync(ws.censusFile('broken.parquet'), 'not a parquet file');
    const config = defaultConfigObject();
    config.setup.census_parquet_path = 'census/broken.parquet';
    writeFileSync(ws.scenarioFile('broken'), stringify(config));
    const { runId } = await manager.start('broken');
    const events = await new Promise<RunEvent[]>((done) => {
      const got: RunEvent[] = [];
      manager.subscribe('broken', runId, 0, (e) => (got.push(e), isTerminalEvent(e) && done(got)));
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 1, type: 'run_failed' });
    expect(String(events[0]!.data.error)).toContain('broken.parquet');
    const info = await manager.get('broken', runId);
    expect(info).toMatchObject({ state: 'failed', outcome: 'failed', error: events[0]!.data.error });
  });

  it('a run process that crashes fails the run with what it wrote last', async () => {
    const module = join(ws.root, '..', 'crash.mjs');
    writeFileSync(module, `process.on('message', () => { throw new Error('boom in the run process'); });`);
    const crashing = new RunManager(ws, { childModule: module });
    const { runId } = await crashing.start(SCENARIO);
    const events = await collect(crashing, runId);
    expect(events.map((e) => e.type)).toEqual(['run_failed']);
    const info = await crashing.get(SCENARIO, runId);
    expect(info).toMatchObject({ state: 'failed', error: expect.stringMatching(/exited with code 1: .*boom in the run process/s) });
    expect(ws.runRecord(SCENARIO, runId).error).toBe(info.error);
  });

  it('refuses what does not exist, and a second resume or cancel of a finished run', async () => {
    await expect(manager.start('nope')).rejects.toThrow(UsageError);
    await expect(manager.get(SCENARIO, '20260101T000000000Z-abcd')).rejects.toThrow(/not found/);
    expect(() => manager.events(SCENARIO, '../../etc', 0)).toThrow(/Invalid run id/);
    expect(() => manager.subscribe('../x', reference.runId, 0, () => undefined)).toThrow(/Invalid scenario name/);
    await expect(manager.resume(SCENARIO, reference.runId)).rejects.toThrow(/is completed: only an interrupted run can be resumed/);
    await expect(manager.cancel(SCENARIO, reference.runId)).rejects.toThrow(/is already completed/);
  });
});
