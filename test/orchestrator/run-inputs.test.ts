import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/config/index.js';
import { Database } from '../../src/db/database.js';
import { DatabaseStateError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { configChanges, describeConfigChanges } from '../../src/orchestrator/inputs.js';
import { MultiYearReporter } from '../../src/reporting/multi-year-reporter.js';
import { formatMultiYearSummary } from '../../src/reporting/render/console.js';
import { defaultConfigObject, makeCensus, query } from '../support/engine.js';

let dir: string;
let census: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-inputs-'));
  census = await makeCensus(dir, 300, 5);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function builder(name: string, config = defaultConfigObject()): OrchestratorBuilder {
  return new OrchestratorBuilder().withConfig(config).withEnvironment({}).withCensus(census).withDatabase(join(dir, `${name}.duckdb`));
}

async function run(name: string, years: [number, number], options: { resume?: boolean; forceRestart?: boolean } = {}, config = defaultConfigObject()) {
  const orchestrator = await builder(name, config).withYears(...years).build();
  try {
    return await orchestrator.executeMultiYearSimulation(options);
  } finally {
    orchestrator.close();
  }
}

describe('configChanges', () => {
  it('lists the leaves that differ by dotted path, arrays by index, unset keys as such', () => {
    const before = { a: { b: 1, c: [1, 2], d: 'x' }, e: [1], f: true };
    const after = { a: { b: 2, c: [1, 3], g: null }, e: [1, 2], f: true };
    expect(configChanges(before, after)).toEqual([
      { path: 'a.b', before: 1, after: 2 },
      { path: 'a.c[1]', before: 2, after: 3 },
      { path: 'a.d', before: 'x', after: undefined },
      { path: 'a.g', before: undefined, after: null },
      { path: 'e', before: [1], after: [1, 2] },
    ]);
    expect(describeConfigChanges(configChanges(before, after), 3)).toBe('a.b 1 → 2, a.c[1] 2 → 3, a.d "x" → (not set), and 2 more');
    expect(configChanges(before, JSON.parse(canonicalJson(before)))).toEqual([]);
  });
});

describe('stored run inputs', () => {
  it('the run keeps the canonical JSON it hashed; a refused --resume names the changed keys, old → new', async () => {
    await run('keys', [2025, 2025]);
    const [recorded] = await query<{ config_json: string; config_hash: string }>(
      join(dir, 'keys.duckdb'),
      `SELECT config_json, config_hash FROM planalign_runs`,
    );
    const stored = JSON.parse(recorded!.config_json);
    expect(stored.simulation).toMatchObject({ start_year: 2025, end_year: 2025, random_seed: 42 });
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(recorded!.config_json).digest('hex')).toBe(recorded!.config_hash);

    const config = defaultConfigObject();
    config.simulation.random_seed = 7;
    config.workforce.total_termination_rate = 0.2;
    const error = await run('keys', [2025, 2026], { resume: true }, config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseStateError);
    expect((error as Error).message).toMatch(
      /the config changed since that run \(hash [0-9a-f]{12} then, [0-9a-f]{12} now\): simulation\.random_seed 42 → 7, workforce\.total_termination_rate 0\.12 → 0\.2$/,
    );
  });

  it('years recomputed under another config are reported as mixed, never as one config', async () => {
    const first = await run('mixed', [2025, 2026]);
    expect(first.inputs.config).toEqual([{ hash: first.configHash, years: [2025, 2026] }]);
    const config = defaultConfigObject();
    config.workforce.total_termination_rate = 0.2;
    await run('mixed', [2026, 2026], { forceRestart: true }, config);

    const db = await Database.open(join(dir, 'mixed.duckdb'), { readOnly: true });
    const runs = await db.all<{ run_id: string; config_hash: string }>(`SELECT run_id, config_hash FROM planalign_runs ORDER BY started_at`);
    const summary = await new MultiYearReporter(db).summarize({
      runId: runs[1]!.run_id,
      startYear: 2025,
      endYear: 2026,
      startTime: new Date(0),
      generatedAt: new Date(0),
    });
    db.close();
    expect(summary.configHash).toBe('mixed');
    expect(summary.inputs.config).toEqual([
      { hash: first.configHash, years: [2025] },
      { hash: runs[1]!.config_hash, years: [2026] },
    ]);
    expect(summary.censusHash).toBe(first.censusHash);
    const text = formatMultiYearSummary(summary);
    expect(text).toContain(`  census ${first.censusHash.slice(0, 12)}  parameter tables ${first.parametersHash.slice(0, 12)}\n`);
    expect(text).toContain(`  config MIXED: 2025 under ${first.configHash.slice(0, 12)}; 2026 under ${runs[1]!.config_hash.slice(0, 12)}\n`);
    expect(text).not.toMatch(/ config [0-9a-f]{12}/);
  });
});
