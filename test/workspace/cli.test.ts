import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCensus } from '../../src/census/index.js';
import { readYearMetrics } from '../../src/reporting/metrics.js';
import { batchCommand } from '../../src/cli/commands/batch.js';
import { ensembleCommand } from '../../src/cli/commands/ensemble.js';
import { simulate } from '../../src/cli/commands/simulate.js';
import { CensusError } from '../../src/errors.js';
import { templateYaml } from '../../src/services/scenarios.js';
import { Workspace, type RunRecord } from '../../src/workspace/workspace.js';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { withDb } from '../support/engine.js';

/** A fresh workspace whose scenarios run 2025-2026 on a census of 80 employees. */
async function tinyWorkspace(dir: string): Promise<Workspace> {
  const ws = Workspace.open(join(dir, 'ws'), { create: true });
  await writeCensus({ employees: 80, seed: 5, out: ws.censusFile('tiny.parquet') });
  const file = ws.scenarioFile('default');
  writeFileSync(file, tiny(readFileSync(file, 'utf8')));
  return ws;
}

const tiny = (yaml: string): string => yaml.replace('census/census_5000.parquet', 'census/tiny.parquet').replace('end_year: 2029', 'end_year: 2026');

const headcounts = (database: string) =>
  withDb(database, async (db) => (await readYearMetrics(db)).map((y) => [y.year, y.active_headcount, y.total_employer_plan_cost]));

const record = (ws: Workspace, scenario: string): RunRecord[] => ws.runRecords(scenario);

describe('simulate, batch and ensemble --workspace', () => {
  let ws: Workspace;
  let first: RunRecord;
  let firstDigest: string;

  // One workspace for these tests (useTempDir's folders go after each test).
  const shared = mkdtempSync(join(tmpdir(), 'planalign-ws-cli-'));
  afterAll(() => rmSync(shared, { recursive: true, force: true }));

  beforeAll(async () => {
    ws = await tinyWorkspace(shared);
    const run = runCli(['simulate', '--workspace', ws.root, '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    [first] = record(ws, 'default') as [RunRecord];
    firstDigest = readFileSync(ws.runFile(first, 'database')).toString('base64');
    expect(run.stdout).toContain(`written to ${ws.runFile(first, 'database')}`);
  });

  it('runs the scenario into a new run of its own: snapshot, record, database, latest', () => {
    expect(first).toMatchObject({ scenario: 'default', origin: 'cli', startYear: 2025, endYear: 2026, seed: 42, census: 'census/tiny.parquet', outcome: 'completed' });
    expect(readFileSync(ws.runFile(first, 'config'), 'utf8')).toBe(readFileSync(ws.scenarioFile('default'), 'utf8'));
    expect(ws.latestRun('default')).toBe(first.runId);
    expect(existsSync(`${ws.runFile(first, 'database')}.status.json`)).toBe(true);
  });

  it('never overwrites a run: an interrupted second run is its own, not latest, and --resume completes it', async () => {
    // Interrupted (SIGINT) once its first year is done: the year in progress rolls back, the record keeps no outcome.
    const { code, stdout } = await interruptAfterFirstYear(['simulate', '--workspace', ws.root, '--seed', '9', '--json']);
    expect(code, stdout).toBe(130);
    const [second, again] = record(ws, 'default') as [RunRecord, RunRecord];
    expect(again).toEqual(first);
    expect(second.runId > first.runId).toBe(true);
    expect(second.seed).toBe(9);
    expect(second.outcome).toBeUndefined();
    expect(readFileSync(ws.runFile(second, 'config'), 'utf8')).toMatch(/^ {2}random_seed: 9$/m);
    expect(ws.latestRun('default')).toBe(first.runId);

    const resumed = runCli(['simulate', '--workspace', ws.root, '--resume', '--quiet']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(ws.runRecord('default', second.runId)).toMatchObject({ outcome: 'completed', seed: 9 });
    expect(ws.latestRun('default')).toBe(second.runId);
    expect(record(ws, 'default')).toHaveLength(2);
    // The first run's database is untouched, and the two runs differ by their seed.
    expect(readFileSync(ws.runFile(first, 'database')).toString('base64')).toBe(firstDigest);
    const [a, b] = [await headcounts(ws.runFile(first, 'database')), await headcounts(ws.runFile(second, 'database'))];
    expect(a.map(([year]) => year)).toEqual([2025, 2026]);
    expect(b.map(([year]) => year)).toEqual([2025, 2026]);
    expect(b).not.toEqual(a);

    const nothing = runCli(['simulate', '--workspace', ws.root, '--resume']);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toContain(`Scenario default has no unfinished run to resume in ${ws.root}`);
  });

  it('refuses what the workspace decides, and --scenario without --workspace', async () => {
    const given = { config: 'config/simulation_config.yaml', database: 'simulation.duckdb', outputDir: 'outputs/ensemble' };
    const refusal = "--workspace decides the run's config, census and database: drop";
    await expect(simulate(undefined, { ...given, workspace: ws.root, explicit: ['database'] })).rejects.toThrow(`${refusal} --database`);
    await expect(simulate(undefined, { ...given, workspace: ws.root, explicit: ['config'] })).rejects.toThrow(`${refusal} --config`);
    await expect(simulate(undefined, { ...given, workspace: ws.root, census: 'x.csv' })).rejects.toThrow(`${refusal} --census`);
    await expect(simulate(undefined, { ...given, workspace: ws.root, scenario: '../default' })).rejects.toThrow('Invalid scenario name "../default"');
    await expect(simulate(undefined, { ...given, workspace: ws.root, scenario: 'nope' })).rejects.toThrow(`Scenario nope not found in ${ws.root}`);
    await expect(simulate(undefined, { ...given, scenario: 'default' })).rejects.toThrow('--scenario names a scenario of a workspace: give --workspace DIR too');

    await expect(batchCommand({ workspace: ws.root, scenariosDir: ws.root })).rejects.toThrow('drop --scenarios-dir');
    await expect(batchCommand({ workspace: ws.root, explicit: ['outputDir'] })).rejects.toThrow('drop --output-dir');
    await expect(batchCommand({ workspace: ws.root, scenario: 'nope' })).rejects.toThrow(`Scenario nope not found in ${ws.root}`);
    await expect(batchCommand({})).rejects.toThrow('batch needs --scenarios-dir DIR (a folder of scenario files) or --workspace DIR');
    await expect(ensembleCommand(undefined, { ...given, seeds: '2', workspace: ws.root, explicit: ['outputDir'] })).rejects.toThrow(
      "--workspace decides the ensemble's config, census and folder: drop --output-dir",
    );
    expect(record(ws, 'default')).toHaveLength(2);
    expect(existsSync(ws.batchesDir())).toBe(false); // nothing written by a refused batch
  });

  it('a run that fails keeps its record with the error, and latest stays', async () => {
    writeFileSync(ws.scenarioFile('gone'), readFileSync(ws.scenarioFile('default'), 'utf8').replace('census/tiny.parquet', 'census/gone.parquet'));
    const given = { config: 'config/simulation_config.yaml', database: 'simulation.duckdb', outputDir: 'outputs/ensemble' };
    await expect(simulate(undefined, { ...given, workspace: ws.root, scenario: 'gone', quiet: true })).rejects.toThrow(CensusError);
    const [failed, ...more] = record(ws, 'gone');
    expect(more).toEqual([]);
    expect(failed?.outcome).toBe('failed');
    expect(failed?.error).toContain('gone.parquet');
    expect(ws.latestRun('gone')).toBeUndefined();
  });

  it('batch runs scenarios of the workspace and records each completed scenario as a run', async () => {
    // Three of the templates (all of them validate in scenarios.test.ts): a batch run costs ~4 s each here.
    const names = ['default', 'tiered_match', 'graded_vesting_core'];
    for (const id of names.slice(1)) writeFileSync(ws.scenarioFile(id), tiny(templateYaml(id)));
    const run = runCli(['batch', '--workspace', ws.root, '--scenario', names.join(','), '--parallel', '2']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('3 completed, 0 failed');
    const [batchDir, ...more] = readdirSync(ws.batchesDir());
    expect(more).toEqual([]);
    expect(existsSync(join(ws.batchesDir(), batchDir as string, 'jobs'))).toBe(true);
    for (const id of names) {
      const runs = record(ws, id).filter((r) => r.origin === 'batch');
      expect(runs, id).toHaveLength(1);
      expect(runs[0]).toMatchObject({ outcome: 'completed', startYear: 2025, endYear: 2026, seed: 42, census: 'census/tiny.parquet' });
      expect(ws.latestRun(id)).toBe(runs[0]?.runId);
      expect(run.stdout).toContain(`run         ${id} ${runs[0]?.runId}`);
    }
    // The batch's run of default is the same simulation as the first simulate --workspace.
    const batchRun = record(ws, 'default')[0] as RunRecord;
    expect(batchRun.origin).toBe('batch');
    expect(await headcounts(ws.runFile(batchRun, 'database'))).toEqual(await headcounts(ws.runFile(first, 'database')));
    // The match formula differs, so the tiered match's employer cost does too.
    const tiered = record(ws, 'tiered_match')[0] as RunRecord;
    expect(await headcounts(ws.runFile(tiered, 'database'))).not.toEqual(await headcounts(ws.runFile(batchRun, 'database')));
  });

  it('ensemble --workspace --scenario writes to ensembles/<scenario>/<run-id>/', () => {
    const run = runCli(['ensemble', '--workspace', ws.root, '--scenario', 'tiered_match', '--seeds', '1', '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    const [id, ...more] = readdirSync(join(ws.root, 'ensembles', 'tiered_match'));
    expect(more).toEqual([]);
    expect(id).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{4}$/);
    const dir = ws.ensembleDir('tiered_match', id as string);
    expect(run.stdout).toContain(join(dir, 'ensemble.json').slice(process.cwd().length + 1));
    // The ensemble's scenario is named after the workspace's.
    const request = JSON.parse(readFileSync(join(dir, 'ensemble_request.json'), 'utf8'));
    expect(request.scenarios.map((s: { name: string }) => s.name)).toEqual(['tiered_match']);
    expect(statSync(join(dir, 'ensemble.duckdb')).size).toBeGreaterThan(0);
  });
});

/** Runs the CLI with --json and sends SIGINT once the first year is complete; resolves with its exit code. */
function interruptAfterFirstYear(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"year_completed"')) child.kill('SIGINT');
    });
    child.on('exit', (code) => done({ code, stdout }));
  });
}
