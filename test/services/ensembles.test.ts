import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UsageError } from '../../src/errors.js';
import type { JobResult } from '../../src/executor/types.js';
import { ensembleThresholdShares, listEnsembles, readEnsemble, startEnsemble } from '../../src/services/ensembles.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { defaultConfigObject, makeCensus } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/** A workspace with scenario `small`: a 100-employee census over 2025-2026. */
async function smallWorkspace(): Promise<Workspace> {
  const ws = Workspace.open(join(tempDir(), 'ws'), { create: true });
  await makeCensus(join(ws.root, 'census'), 100);
  const config = defaultConfigObject();
  config.setup.census_parquet_path = 'census/census_100_7.parquet';
  config.simulation.start_year = 2025;
  config.simulation.end_year = 2026;
  writeFileSync(ws.scenarioFile('small'), stringify(config));
  return ws;
}

describe('ensembles of a workspace scenario', () => {
  it('runs in the background into ensembles/<scenario>/<run-id>/, listed while running and after, its bands readable once done', async () => {
    const ws = await smallWorkspace();
    const events: string[] = [];
    const started = await startEnsemble(ws, 'small', { seeds: 2, endYear: 2025, thresholds: ['active_headcount>0'] }, (e) => events.push(e.type));
    expect(started.dir).toBe(join(ws.root, 'ensembles', 'small', started.runId));
    expect(listEnsembles(ws)).toEqual([{ scenario: 'small', runId: started.runId, seeds: 2, jobs: 2, done: 0, state: 'running', createdAt: expect.any(String) }]);
    await expect(readEnsemble(ws, 'small', started.runId)).rejects.toThrow(`Ensemble ${started.runId} of scenario small has no results yet (running)`);

    expect(await started.finished).toBe('completed');
    expect(events.filter((e) => e === 'finished')).toHaveLength(2);
    expect(listEnsembles(ws, 'small').map((e) => [e.state, e.done])).toEqual([['completed', 2]]);
    const results = await readEnsemble(ws, 'small', started.runId);
    expect(results.jobStatuses.map((j) => [j.scenario, j.status])).toEqual([
      ['small', 'completed'],
      ['small', 'completed'],
    ]);
    // The band of a metric is over the two seeds' own figures, read from their result files.
    const figures = results.jobStatuses.map((j) => {
      const result = JSON.parse(readFileSync(join(started.dir, 'jobs', j.id, 'result.json'), 'utf8')) as JobResult;
      return result.years.find((y) => y.year === 2025)?.active_headcount as number;
    });
    const band = results.bands.find((b) => b.metric === 'active_headcount' && b.simulation_year === 2025);
    expect(band).toMatchObject({ scenario: 'small', seeds: 2, mean: (figures[0]! + figures[1]!) / 2, p5: expect.any(Number) });
    expect(band!.p5).toBeGreaterThanOrEqual(Math.min(...figures));
    expect(band!.p95).toBeLessThanOrEqual(Math.max(...figures));
    expect(results.thresholdShares.find((t) => t.metric === 'active_headcount' && t.simulation_year === 2025)).toMatchObject({ seeds: 2, share: 1 });

    // A threshold asked afterwards, between the two seeds' figures: one seed of two crosses it.
    const [low, high] = [Math.min(...figures), Math.max(...figures)];
    const between = low + (high - low) / 2;
    const asked = await ensembleThresholdShares(ws, 'small', started.runId, [`active_headcount>${between}@2025`, 'active_headcount<=0']);
    expect(asked.map((t) => [t.metric, t.operator, t.value, t.simulation_year, t.seeds, t.share])).toEqual([
      ['active_headcount', '>', between, 2025, 2, low === high ? 0 : 0.5],
      ['active_headcount', '<=', 0, 2025, 2, 0],
    ]);
    expect(asked[1]!.label).toBe('Active headcount <= 0');
    await expect(ensembleThresholdShares(ws, 'small', started.runId, ['active_headcount>1@2031'])).rejects.toThrow(/2031 is not simulated \(2025-2025\)/);

    // Without its outputs and not running here, it is incomplete (ensemble --resume completes it).
    rmSync(join(started.dir, 'ensemble.json'));
    expect(listEnsembles(ws)[0]?.state).toBe('incomplete');
  }, 120_000);

  it('a bad request is refused before anything runs', async () => {
    const ws = await smallWorkspace();
    const refused = async (work: () => Promise<unknown>): Promise<string> => {
      const error = await work().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    };
    expect(await refused(() => startEnsemble(ws, 'small', { seeds: 0 }))).toBe('seeds must be a whole number from 1 to 1000, not 0');
    expect(await refused(() => startEnsemble(ws, 'small', { seeds: 2, thresholds: ['nope>1'] }))).toMatch(/unknown metric "nope"/);
    expect(await refused(() => startEnsemble(ws, 'missing', { seeds: 2 }))).toMatch(/Scenario missing not found/);
    expect(await refused(() => startEnsemble(ws, '../x', { seeds: 2 }))).toMatch(/Invalid scenario name/);
    expect(await refused(() => readEnsemble(ws, 'small', '20260101T000000000Z-abcd'))).toMatch(/not found/);
    expect(listEnsembles(ws)).toEqual([]);
  });
});
