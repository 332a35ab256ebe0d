import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCensus } from '../../src/census/index.js';
import { startStudio, type StudioServer } from '../../src/studio/server.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { expectError, readEventStream, type SseEvent } from './support.js';

let ws: Workspace;
let studio: StudioServer;
/** The run of scenario tiny (2025-2026) of the first test: interrupted, resumed, completed. */
let completed: { runId: string; events: SseEvent[] };

const api = (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}, base = studio.url) =>
  fetch(`${base}${path}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
const ok = async (response: Response, status = 200): Promise<any> => {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
};
const getRun = async (runId: string) => ok(await api(`/api/runs/tiny/${runId}`));
const eventsUrl = (runId: string, query = '', base = studio.url) => `${base}/api/runs/tiny/${runId}/events${query}`;

beforeAll(async () => {
  ws = Workspace.open(join(mkdtempSync(join(tmpdir(), 'studio-runs-')), 'ws'), { create: true });
  await writeCensus({ employees: 120, seed: 5, out: ws.censusFile('tiny.parquet') });
  studio = await startStudio({ workspace: ws, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  const yaml = readFileSync(ws.scenarioFile('default'), 'utf8')
    .replace('census/census_5000.parquet', 'census/tiny.parquet')
    .replace('end_year: 2029', 'end_year: 2026');
  await ok(await api('/api/scenarios/tiny', { method: 'PUT', json: { yaml } }));
});
afterAll(() => studio.close());

describe('a run over HTTP', () => {
  it("starts in a child process; a server killed mid-run leaves it 'interrupted'; resumed, it streams live and completes", async () => {
    // `planalign studio` in its own process over the same workspace, killed outright mid-run.
    const server = spawn(process.execPath, [CLI, 'studio', '--workspace', ws.root, '--port', '0'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /PlanAlign Studio on (http:\/\/\S+) \(workspace /.exec(out);
        if (match) resolve(match[1]!);
      });
      server.on('exit', (code) => reject(new Error(`studio exited with ${code}: ${out}`)));
    });
    const started = await ok(await api('/api/scenarios/tiny/runs', { json: {} }, url), 202);
    expect(started).toMatchObject({ scenario: 'tiny', state: 'running', origin: 'studio', startYear: 2025, endYear: 2026 });
    expect(started.pid).toBeTypeOf('number');
    await readEventStream(eventsUrl(started.runId, '', url), {
      onEvent: (event) => {
        if (event.type === 'stage_started') server.kill('SIGKILL');
      },
    }).catch(() => undefined); // the stream dies with the server
    // Its child rolls its year back and exits once its channel to the killed server is gone.
    let run = await getRun(started.runId);
    for (let i = 0; i < 100 && run.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await getRun(started.runId);
    }
    expect(run).toMatchObject({ state: 'interrupted', yearsCompleted: [] });
    expect(run.outcome).toBeUndefined();
    const told = await readEventStream(eventsUrl(started.runId));
    expect(told.at(-1)!.type).toBe('run_interrupted');

    expect(await ok(await api(`/api/runs/tiny/${started.runId}/resume`, { method: 'POST' }), 202)).toMatchObject({ state: 'running' });
    let whileRunning: any;
    const resumed = await readEventStream(eventsUrl(started.runId), {
      headers: { 'last-event-id': String(run.lastEventId) },
      onEvent: async (event) => {
        // Live: the run is still going when its first stage is told.
        if (event.type === 'stage_started' && whileRunning === undefined) whileRunning = await getRun(started.runId);
      },
    });
    expect(whileRunning).toMatchObject({ state: 'running', currentYear: 2025 });
    expect(resumed[0]!.id).toBe(run.lastEventId + 1);
    expect(resumed.at(-1)!.type, JSON.stringify(resumed.at(-1))).toBe('run_completed');
    expect(resumed.filter((e) => e.type === 'year_completed').map((e) => e.data.data.year)).toEqual([2025, 2026]);

    const events = await readEventStream(eventsUrl(started.runId));
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.type).toBe('run_started');
    expect(events.every((e) => e.data.runId === started.runId && e.data.scenario === 'tiny')).toBe(true);
    const done = await getRun(started.runId);
    expect(done).toMatchObject({ state: 'completed', outcome: 'completed', yearsCompleted: [2025, 2026], lastEventId: events.length });
    expect(done.inputs.census).toMatch(/^[0-9a-f]{64}$/);
    expect(ws.latestRun('tiny')).toBe(started.runId);
    completed = { runId: started.runId, events };
  });

  it('replays from Last-Event-ID or ?after= after a reconnect, ending with the terminal event', async () => {
    const all = completed.events;
    const fromHeader = await readEventStream(eventsUrl(completed.runId), { headers: { 'last-event-id': '3' } });
    expect(fromHeader).toEqual(all.slice(3));
    const fromQuery = await readEventStream(eventsUrl(completed.runId, `?after=${all.length - 2}`));
    expect(fromQuery).toEqual(all.slice(-2));
    expect((await readEventStream(eventsUrl('latest'))).length).toBe(all.length);
  });

  it("serves the run's config snapshot (the scenario's YAML as the run started), not the scenario's YAML of now", async () => {
    const before = readFileSync(ws.scenarioFile('tiny'), 'utf8');
    await ok(await api('/api/scenarios/tiny', { method: 'PUT', json: { yaml: before.replace('end_year: 2026', 'end_year: 2027') } }));
    try {
      const snapshot = await ok(await api(`/api/runs/tiny/${completed.runId}/config`));
      expect(snapshot).toEqual({ config: `runs/tiny/${completed.runId}.yaml`, yaml: before });
      expect(snapshot.yaml).toMatch(/^\s+end_year: 2026$/m);
    } finally {
      await ok(await api('/api/scenarios/tiny', { method: 'PUT', json: { yaml: before } }));
    }
    await expectError(await api('/api/runs/tiny/20200101T000000000Z-abcd/config'), 404, 'not_found');
  });

  it('returns the figures of `planalign analyze workforce` for the same run', async () => {
    const metrics = ['active_headcount', 'total_compensation', 'participants', 'participation_rate', 'employee_contributions', 'employer_match_cost', 'employer_core_cost', 'total_employer_plan_cost', 'account_balances'];
    const api_ = await ok(await api('/api/results/query', { json: { runs: [{ scenario: 'tiny', runId: completed.runId }], query: { metrics } } }));
    const cli = runCli(['analyze', 'workforce', '--database', ws.runFile({ scenario: 'tiny', runId: completed.runId }, 'database'), '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    const rows = (JSON.parse(cli.stdout) as { rows: Array<Record<string, number>> }).rows;
    expect(api_.rows).toEqual(rows.map((r) => ({ run: `tiny/${completed.runId}`, year: r.year, ...Object.fromEntries(metrics.map((m) => [m, r[m]])) })));
    expect(rows.map((r) => r.year)).toEqual([2025, 2026]);
  });

  it('serves the run\'s results: grouped query, compliance, deferrals, employees and a timeline', async () => {
    const ref = { scenario: 'tiny', runId: 'latest' };
    const grouped = await ok(await api('/api/results/query', { json: { runs: [ref], query: { metrics: ['active_headcount'], groupBy: 'level' } } }));
    const whole = await ok(await api('/api/results/query', { json: { runs: [ref], query: { metrics: ['active_headcount'] } } }));
    for (const { year, active_headcount } of whole.rows) {
      const sum = grouped.rows.filter((r: any) => r.year === year).reduce((s: number, r: any) => s + r.active_headcount, 0);
      expect(sum).toBe(active_headcount);
    }
    const { years } = await ok(await api('/api/runs/tiny/latest/compliance'));
    expect(years.length).toBeGreaterThan(0);
    const { buckets } = await ok(await api('/api/runs/tiny/latest/deferrals?from=2026&to=2026'));
    expect(buckets.reduce((s: number, b: any) => s + b.count, 0)).toBe(whole.rows.find((r: any) => r.year === 2026).active_headcount);
    expect(years[0]).toMatchObject({ test_name: 'adp', label: 'ADP 401(k)(3)' });
    // The population filters of the dashboard, each repeatable: the actives of levels 1 and 2, then of the census cohort.
    const levels12 = grouped.rows.filter((r: any) => r.year === 2026 && (r.group === 1 || r.group === 2)).reduce((s: number, r: any) => s + r.active_headcount, 0);
    const filtered = await ok(await api('/api/runs/tiny/latest/deferrals?from=2026&to=2026&level=1&level=2'));
    expect(filtered.buckets.reduce((s: number, b: any) => s + b.count, 0)).toBe(levels12);
    const census = await ok(await api('/api/results/query', { json: { runs: [ref], query: { metrics: ['active_headcount'], filters: { newHireCohorts: ['census'], years: { from: 2026, to: 2026 } } } } }));
    const ofCensus = await ok(await api('/api/runs/tiny/latest/deferrals?from=2026&to=2026&cohort=census'));
    expect(ofCensus.buckets.reduce((s: number, b: any) => s + b.count, 0)).toBe(census.rows[0].active_headcount);
    expect(census.rows[0].active_headcount).toBeLessThan(whole.rows.find((r: any) => r.year === 2026).active_headcount);
    await expectError(await api('/api/runs/tiny/latest/deferrals?level=x'), 400, 'invalid_request');
    const { employees } = await ok(await api('/api/runs/tiny/latest/employees?q=EMP_00001&limit=3'));
    expect(employees).toHaveLength(3);
    expect(employees[0].employee_id).toBe('EMP_000010');
    const timeline = await ok(await api(`/api/runs/tiny/latest/employees/${employees[0].employee_id}`));
    expect(timeline.employeeId).toBe('EMP_000010');
    expect(timeline.years.map((y: any) => y.year)).toEqual([2025, 2026]);
    await expectError(await api('/api/results/query', { json: { runs: [ref], query: { metrics: ['no_such_metric'] } } }), 400, 'invalid_request');
  });

  it('cancels a running run: the year in progress rolls back and the stream ends with run_cancelled', async () => {
    const started = await ok(await api('/api/scenarios/tiny/runs', { json: { endYear: 2029 } }), 202);
    let cancelled: any;
    const events = await readEventStream(eventsUrl(started.runId), {
      onEvent: async (event) => {
        if (event.type === 'year_completed' && cancelled === undefined) cancelled = await ok(await api(`/api/runs/tiny/${started.runId}/cancel`, { method: 'POST' }));
      },
    });
    expect(events.at(-1)!.type).toBe('run_cancelled');
    expect(cancelled).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
    const done: number[] = cancelled.yearsCompleted;
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(5);
    // The database holds the completed years only: the one in progress was rolled back.
    const { rows } = await ok(await api('/api/results/query', { json: { runs: [{ scenario: 'tiny', runId: started.runId }], query: { metrics: ['active_headcount'] } } }));
    expect(rows.map((r: any) => r.year)).toEqual(done);
    // Compared with the completed run over their common years.
    const comparison = await ok(
      await api('/api/compare', { json: { runs: [{ scenario: 'tiny', runId: completed.runId }, { scenario: 'tiny', runId: started.runId }], years: [2025, 2025] } }),
    );
    expect(comparison.comparison.baseline).toBe(`tiny/${completed.runId}`);
    expect(comparison.configDiff[`tiny/${started.runId}`]).toEqual([{ key: 'simulation.end_year', a: 2026, b: 2029 }]);
    await expectError(await api(`/api/runs/tiny/${started.runId}/cancel`, { method: 'POST' }), 409, 'conflict');
    await expectError(await api(`/api/runs/tiny/${started.runId}/resume`, { method: 'POST' }), 409, 'conflict');
  });

  it('refuses unknown runs and scenarios (404), bad ids and bodies (400), a foreign Origin on the stream (403)', async () => {
    await expectError(await api('/api/runs/tiny/20260101T000000000Z-abcd'), 404, 'not_found');
    await expectError(await api('/api/runs/tiny/..%2F..%2Fworkspace'), 400, 'bad_request');
    await expectError(await api('/api/runs/..%2Fscenarios/20260101T000000000Z-abcd'), 400, 'bad_request');
    await expectError(await api('/api/runs?scenario=nope'), 404, 'not_found');
    await expectError(await api('/api/scenarios/nope/runs', { json: {} }), 404, 'not_found');
    await expectError(await api('/api/scenarios/tiny/runs', { json: { startYear: 2027, endYear: 2026 } }), 400, 'invalid_request');
    await expectError(await api('/api/runs/tiny/20260101T000000000Z-abcd/events'), 404, 'not_found');
    await expectError(await api(`/api/runs/tiny/${completed.runId}/events`, { headers: { 'last-event-id': 'x' } }), 400, 'invalid_request');
    await expectError(await api(`/api/runs/tiny/${completed.runId}/events`, { headers: { origin: 'http://evil.example' } }), 403, 'forbidden_origin');
    await expectError(await api(`/api/runs/tiny/${completed.runId}/resume`, { method: 'POST' }), 409, 'conflict');
    const { runs } = await ok(await api('/api/runs?scenario=tiny'));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.map((r: any) => r.runId)).toEqual([...runs.map((r: any) => r.runId)].sort().reverse());
  });
});

describe('ensembles over HTTP', () => {
  it('starts an ensemble in the background, lists it, and serves its bands once finished', async () => {
    const started = await ok(await api('/api/scenarios/tiny/ensembles', { json: { seeds: 1, startYear: 2025, endYear: 2025 } }), 202);
    expect(started).toMatchObject({ scenario: 'tiny', seeds: 1, jobs: 1, state: 'running' });
    let listed = started;
    for (let i = 0; i < 200 && listed.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      listed = (await ok(await api('/api/scenarios/tiny/ensembles'))).ensembles.find((e: any) => e.runId === started.runId);
    }
    expect(listed.state).toBe('completed');
    const results = await ok(await api(`/api/ensembles/tiny/${started.runId}`));
    expect(results.jobStatuses.map((j: any) => j.status)).toEqual(['completed']);
    const headcount = results.bands.filter((b: any) => b.metric === 'active_headcount');
    expect(headcount.map((b: any) => [b.simulation_year, b.seeds])).toEqual([[2025, 1]]);
    expect(listed.done).toBe(1);
    // A threshold asked now, just under and at the one seed's headcount: crossed, then not.
    const figure = headcount[0].p50;
    const asked = await ok(await api(`/api/ensembles/tiny/${started.runId}/thresholds`, { json: { thresholds: [`active_headcount>${figure - 1}`, `active_headcount>${figure}@2025`] } }));
    expect(asked.thresholdShares.map((t: any) => [t.simulation_year, t.value, t.seeds, t.share])).toEqual([
      [2025, figure - 1, 1, 1],
      [2025, figure, 1, 0],
    ]);
    await expectError(await api(`/api/ensembles/tiny/${started.runId}/thresholds`, { json: { thresholds: ['nope>1'] } }), 400, 'bad_request');
    await expectError(await api(`/api/ensembles/tiny/${started.runId}/thresholds`, { json: { thresholds: [] } }), 400, 'invalid_request');
    await expectError(await api('/api/scenarios/tiny/ensembles', { json: { seeds: 0 } }), 400, 'invalid_request');
    await expectError(await api('/api/ensembles/tiny/20260101T000000000Z-abcd'), 404, 'not_found');
    await expectError(await api('/api/ensembles/tiny/..%2F..%2Fruns'), 400, 'bad_request');
    await expectError(await api(`/api/ensembles/tiny/${started.runId}/cancel`, { method: 'POST' }), 409, 'conflict');
  });
});

