import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { newRunId, Workspace } from '../../src/workspace/workspace.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/** The scenario `default` of a fresh workspace with other years and seed (the text changed in place). */
function workspaceWithYears(dir: string): Workspace {
  const ws = Workspace.open(join(dir, 'ws'), { create: true });
  const file = ws.scenarioFile('default');
  writeFileSync(file, readFileSync(file, 'utf8').replace('end_year: 2029', 'end_year: 2027'));
  return ws;
}

describe('Workspace', () => {
  it('seeds a new folder with the default scenario (the bundled config on the bundled census) and refuses folders that are not workspaces', () => {
    const dir = tempDir();
    const ws = Workspace.open(join(dir, 'new'), { create: true });
    expect(JSON.parse(readFileSync(join(ws.root, 'workspace.json'), 'utf8'))).toMatchObject({ format: 'planalign-workspace-1' });
    expect(ws.scenarioNames()).toEqual(['default']);
    // The bundled config, line for line, but its census is the workspace's copy.
    const bundled = readFileSync('config/simulation_config.yaml', 'utf8').split('\n');
    const seeded = readFileSync(ws.scenarioFile('default'), 'utf8').split('\n');
    const changed = seeded.flatMap((line, i) => (line === bundled[i] ? [] : [line]));
    expect(changed).toEqual(['  census_parquet_path: "census/census_5000.parquet"']);
    expect(readFileSync(join(ws.root, 'census', 'census_5000.parquet'))).toEqual(readFileSync('examples/census_5000.parquet'));
    expect(ws.scenarioCensus('default')).toBe(join(ws.root, 'census', 'census_5000.parquet'));

    // Opened again: the same workspace, nothing re-seeded.
    writeFileSync(ws.scenarioFile('default'), 'simulation: {start_year: 2025, end_year: 2026}\n');
    expect(Workspace.open(join(dir, 'new')).root).toBe(ws.root);
    expect(readFileSync(ws.scenarioFile('default'), 'utf8')).toBe('simulation: {start_year: 2025, end_year: 2026}\n');

    // A folder with other files is never taken over, and a missing one is not created without `create`.
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(() => Workspace.open(other, { create: true })).toThrow(`${other} is not a PlanAlign workspace (no workspace.json)`);
    expect(() => Workspace.open(join(dir, 'missing'))).toThrow(UsageError);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('accepts only plain scenario and census names, and no path outside the workspace', () => {
    const dir = tempDir();
    const ws = Workspace.open(join(dir, 'ws'), { create: true });
    expect(ws.scenarioFile('plan-b_2')).toBe(join(ws.root, 'scenarios', 'plan-b_2.yaml'));
    for (const bad of ['Default', '../default', 'a/b', '', '-x', 'a.b', 'x'.repeat(64)]) {
      expect(() => ws.scenarioFile(bad), bad).toThrow(/Invalid scenario name .*lower-case letters, digits/);
    }
    expect(ws.censusFile('Census 2025.v2.xlsx')).toBe(join(ws.root, 'census', 'Census 2025.v2.xlsx'));
    for (const bad of ['../census.csv', 'a/b.csv', 'census.txt', '.hidden.csv', 'c:x.csv']) {
      expect(() => ws.censusFile(bad), bad).toThrow(/Invalid census file name/);
    }

    expect(ws.inside('census/x.csv')).toBe(join(ws.root, 'census', 'x.csv'));
    expect(ws.inside('census/../scenarios/a.yaml')).toBe(join(ws.root, 'scenarios', 'a.yaml'));
    expect(ws.inside('..data/x.csv')).toBe(join(ws.root, '..data', 'x.csv')); // a name starting with dots is no climb
    for (const bad of ['../x.csv', 'census/../../x.csv', '/etc/passwd', '']) {
      expect(() => ws.inside(bad), bad).toThrow(/is outside the workspace/);
    }
    // A symbolic link leading out is followed and refused, for the link itself and for paths under it.
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(ws.root, 'census', 'link'));
    expect(() => ws.inside('census/link')).toThrow(/is outside the workspace/);
    expect(() => ws.inside('census/link/data.csv')).toThrow(/is outside the workspace/);

    // A scenario's census outside the workspace is refused, naming the scenario and the key.
    writeFileSync(ws.scenarioFile('escape'), readFileSync(ws.scenarioFile('default'), 'utf8').replace('census/census_5000.parquet', '../census.parquet'));
    expect(() => ws.scenarioCensus('escape')).toThrow('setup.census_parquet_path of scenario escape "../census.parquet" is outside the workspace');
    expect(() => ws.relative('/etc')).toThrow(/outside the workspace/);
    expect(ws.relative(join(ws.root, 'census', 'a.csv'))).toBe('census/a.csv');
    expect(() => ws.scenarioCensus('nope')).toThrow(`Scenario nope not found in ${ws.root}`);
  });

  it('records runs: a snapshot with the years and seed it runs, ids that sort by time, newest first', () => {
    const dir = tempDir();
    const ws = workspaceWithYears(dir);
    const scenarioText = readFileSync(ws.scenarioFile('default'), 'utf8');

    const first = ws.newRun('default', { origin: 'cli' });
    expect(first).toMatchObject({
      scenario: 'default',
      origin: 'cli',
      startYear: 2025,
      endYear: 2027,
      seed: 42,
      census: 'census/census_5000.parquet',
      config: `runs/default/${first.runId}.yaml`,
      database: `runs/default/${first.runId}.duckdb`,
    });
    expect(first.runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{4}$/);
    expect(first.outcome).toBeUndefined();
    // Nothing given: the snapshot is the scenario's text, byte for byte.
    expect(readFileSync(ws.runFile(first, 'config'), 'utf8')).toBe(scenarioText);
    expect(JSON.parse(readFileSync(ws.runFile(first, 'record'), 'utf8'))).toEqual(first);

    const second = ws.newRun('default', { origin: 'studio', startYear: 2026, endYear: 2026, seed: 7 });
    expect(second).toMatchObject({ startYear: 2026, endYear: 2026, seed: 7, origin: 'studio' });
    expect(second.runId > first.runId).toBe(true);
    // The values given are written into the snapshot, so that it alone reproduces the run.
    const snapshot = readFileSync(ws.runFile(second, 'config'), 'utf8');
    expect(snapshot).toMatch(/^ {2}start_year: 2026$/m);
    expect(snapshot).toMatch(/^ {2}end_year: 2026$/m);
    expect(snapshot).toMatch(/^ {2}random_seed: 7$/m);
    expect(ws.scenarioConfig('default').config.simulation.start_year).toBe(2025); // the scenario is unchanged

    expect(ws.runRecords('default').map((r) => r.runId)).toEqual([second.runId, first.runId]);
    expect(ws.runRecords().map((r) => r.runId)).toEqual([second.runId, first.runId]);
    expect(ws.runRecord('default', first.runId)).toEqual(first);
    expect(() => ws.runRecord('default', '20250101T000000000Z-0000')).toThrow('Run 20250101T000000000Z-0000 of scenario default not found');
    expect(() => ws.runRecord('default', '../../workspace')).toThrow(/Invalid run id/);
    expect(ws.runFile(first, 'events')).toBe(join(ws.root, 'runs', 'default', `${first.runId}.events.ndjson`));
    expect(ws.ensembleDir('default', first.runId)).toBe(join(ws.root, 'ensembles', 'default', first.runId));
    expect(() => ws.ensembleDir('default', 'x')).toThrow(/Invalid run id/);
  });

  it('points latest at the newest completed run only', () => {
    const dir = tempDir();
    const ws = workspaceWithYears(dir);
    const older = ws.newRun('default', { origin: 'cli' });
    const newer = ws.newRun('default', { origin: 'cli' });
    expect(ws.latestRun('default')).toBeUndefined();

    const failed = ws.finishRun(newer, 'failed', 'Model x failed');
    expect(failed).toMatchObject({ outcome: 'failed', error: 'Model x failed' });
    expect(ws.runRecord('default', newer.runId)).toEqual(failed);
    ws.finishRun(ws.newRun('default', { origin: 'cli' }), 'cancelled');
    expect(ws.latestRun('default')).toBeUndefined();

    ws.finishRun(older, 'completed');
    expect(ws.latestRun('default')).toBe(older.runId);
    const newest = ws.newRun('default', { origin: 'batch' });
    ws.finishRun(newest, 'completed');
    expect(ws.latestRun('default')).toBe(newest.runId);
    // An older run completing later does not move the pointer back.
    const late = { ...older, runId: newRunId(new Date(Date.parse(newest.createdAt) - 60_000)) };
    writeFileSync(ws.runFile(late, 'record'), JSON.stringify(late));
    ws.finishRun(late, 'completed');
    expect(ws.latestRun('default')).toBe(newest.runId);
    expect(readFileSync(join(ws.root, 'runs', 'default', 'latest'), 'utf8')).toBe(`${newest.runId}\n`);
  });
});
