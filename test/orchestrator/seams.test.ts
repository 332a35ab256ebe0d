import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { CensusError, RulesModuleError } from '../../src/errors.js';
import { resolutionHint } from '../../src/errors-catalog.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { CheckpointManager } from '../../src/orchestrator/checkpoints.js';
import { buildPlan, describePlan } from '../../src/orchestrator/plan.js';
import { fanOut, type ProgressEvent } from '../../src/orchestrator/progress.js';
import { DataValidator, loadRulesModule } from '../../src/validation/data-validator.js';
import { loadDefaultRules } from '../../src/validation/rules.js';
import { defaultConfigObject, makeCensus, query } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

describe('user rules modules', () => {
  const tempDir = useTempDir();

  it('loads SQL rules and check() rules exported as `rules` or default, and runs them', async () => {
    const dir = tempDir();
    const named = join(dir, 'named.mjs');
    writeFileSync(
      named,
      `export const rules = [
         { name: 'year_is_odd', severity: 'warning', description: 'odd years', sql: "SELECT 1 AS x WHERE getvariable('simulation_year') % 2 = 1" },
         { name: 'js_rule', severity: 'info', check: async ({ year }) => ({ violations: year === 2025 ? 2 : 0, sample: [{ year }] }) },
       ];\n`,
    );
    const byDefault = join(dir, 'default.cjs');
    writeFileSync(byDefault, `module.exports = [{ name: 'cjs_rule', severity: 'error', sql: 'SELECT 1 WHERE false' }];\n`);
    const rules = [...(await loadRulesModule(named)), ...(await loadRulesModule(byDefault))];
    expect(rules.map((r) => [r.name, r.severity, r.description])).toEqual([
      ['year_is_odd', 'warning', 'odd years'],
      ['js_rule', 'info', 'js_rule'],
      ['cjs_rule', 'error', 'cjs_rule'],
    ]);
    const db = await Database.open(':memory:');
    try {
      await db.run(`SET VARIABLE simulation_year = 2025`);
      const validator = new DataValidator([]);
      for (const rule of rules) validator.registerRule(rule);
      expect(() => validator.registerRule(rules[0]!)).toThrow(RulesModuleError);
      const results = await validator.validate(db, 2025);
      expect(results.map((r) => [r.rule, r.violations])).toEqual([
        ['year_is_odd', 1],
        ['js_rule', 2],
        ['cjs_rule', 0],
      ]);
      expect(results[1]!.sample).toEqual([{ year: 2025 }]);
    } finally {
      db.close();
    }
  });

  it('names the file and the rule when a module is wrong', async () => {
    const dir = tempDir();
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: Array<[string, RegExp]> = [
      [write('syntax.mjs', 'export const rules = [;'), /Cannot load rules module .*syntax\.mjs/],
      [write('object.mjs', 'export const rules = { name: "x" };'), /must export an array of rules/],
      [write('item.mjs', 'export default [42];'), /rule #1 is not an object/],
      [write('name.mjs', 'export default [{ severity: "error", sql: "SELECT 1" }];'), /rule #1 needs a "name"/],
      [write('body.mjs', 'export default [{ name: "n", severity: "error" }];'), /\(n\) needs either a "sql" string or a "check" function/],
      [join(dir, 'missing.mjs'), /Cannot load rules module/],
    ];
    for (const [file, message] of cases) {
      const error = await loadRulesModule(file).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(RulesModuleError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('plan, progress and hints', () => {
  it('describes the plan the executor walks: every stage of every year, with models and rules', () => {
    const rules = loadDefaultRules();
    const plan = buildPlan({ startYear: 2025, endYear: 2026, seed: 1, configHash: 'abcdef0123456789', census: 'c', database: 'd' }, rules);
    const lines = describePlan(plan);
    expect(lines[0]).toBe('Plan: 2 year(s) 2025–2026, seed 1, config abcdef012345');
    expect(lines.filter((l) => l.startsWith('Year '))).toEqual(['Year 2025', 'Year 2026']);
    expect(lines.find((l) => l.includes('VALIDATION'))).toContain(`rule:${rules[0]!.name}`);
    expect(lines.find((l) => l.includes('REPORTING'))).toContain('(nothing)');
  });

  it('fans progress out to every sink in order', () => {
    const seen: string[] = [];
    const sink = fanOut({ emit: (e) => void seen.push(`a:${e.kind}`) }, { emit: (e) => void seen.push(`b:${e.kind}`) });
    const event: ProgressEvent = { kind: 'notice', message: 'x' };
    sink.emit(event);
    expect(seen).toEqual(['a:notice', 'b:notice']);
  });

  it('finds a resolution hint for errors by their message', () => {
    expect(resolutionHint(new Error('IO Error: Could not set lock on file "x": Conflicting lock is held'))).toMatch(/planalign status/);
    expect(resolutionHint(new Error('Out of Memory Error: failed to allocate'))).toMatch(/--threads/);
    expect(resolutionHint(new Error('ENOENT: no such file or directory'))).toMatch(/path/);
    expect(resolutionHint(new Error('something else entirely'))).toBeUndefined();
    expect(resolutionHint(new CensusError('x', {}, 'own hint'))).toBe('own hint');
  });
});

describe('builder seams', () => {
  const tempDir = useTempDir();

  it('finds a relative census beside the config file, and says where it looked when it cannot', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'data'));
    const census = await makeCensus(join(dir, 'data'), 200, 3);
    const config = defaultConfigObject();
    config.setup.census_parquet_path = `data/${census.split('/').pop()}`;
    const configPath = join(dir, 'config', 'sim.yaml');
    writeFileSync(configPath, stringify(config));
    const found = new OrchestratorBuilder().withConfig(configPath).withEnvironment({}).resolveConfig();
    expect(found.censusPath).toBe(census);

    config.setup.census_parquet_path = 'data/none.parquet';
    writeFileSync(configPath, stringify(config));
    const error = (() => {
      try {
        new OrchestratorBuilder().withConfig(configPath).withEnvironment({}).resolveConfig();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CensusError);
    expect((error as Error).message).toMatch(/data\/none\.parquet not found \(looked in .*config\/data\/none\.parquet/);
  });

  it('resolves the config once for resolveConfig and build, and again after a setter changes it', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'sim.yaml');
    writeFileSync(configPath, stringify(defaultConfigObject()));
    const census = await makeCensus(dir, 50, 1);
    const builder = new OrchestratorBuilder().withConfig(configPath).withEnvironment({}).withCensus(census).withDatabase(':memory:');
    const first = builder.resolveConfig();
    expect(builder.resolveConfig()).toBe(first);
    builder.withSeed(7);
    const seeded = builder.resolveConfig();
    expect(seeded.config.config.simulation.random_seed).toBe(7);
    builder.withEnvironment({ PLANALIGN_SIMULATION__TARGET_GROWTH_RATE: '0.05' });
    expect(builder.resolveConfig().config.config.simulation.target_growth_rate).toBe(0.05);
    const other = await makeCensus(dir, 60, 2);
    expect(builder.withCensus(other).resolveConfig().censusPath).toBe(other);
    const orchestrator = await builder.build();
    try {
      expect(orchestrator.plan()).toMatchObject({ census: other, seed: 7 });
    } finally {
      orchestrator.close();
    }
    // A later build re-reads the file: it may have been edited since (the Studio builds again).
    const edited = defaultConfigObject();
    edited.compensation.cola_rate = 0.033;
    writeFileSync(configPath, stringify(edited));
    expect(builder.resolveConfig().config.config.compensation.cola_rate).toBe(0.033);
  });

  it('uses the injected clock for run times and the injected logger for the run log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'planalign-seams-'));
    const census = await makeCensus(dir, 200, 4);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const fixed = new Date('2030-01-02T03:04:05.000Z');
    const orchestrator = await new OrchestratorBuilder()
      .withConfig(defaultConfigObject())
      .withEnvironment({})
      .withCensus(census)
      .withDatabase(join(dir, 'clock.duckdb'))
      .withYears(2025, 2025)
      .withClock(() => fixed)
      .withLogger(logger)
      .build();
    const result = await orchestrator.executeMultiYearSimulation();
    orchestrator.close();
    expect(result.runId).toMatch(/^run-20300102T030405Z-/);
    expect(await query(join(dir, 'clock.duckdb'), `SELECT DISTINCT created_at::VARCHAR AS t FROM fct_yearly_events`)).toEqual([
      { t: '2030-01-02 03:04:05' },
    ]);
    const records = lines.map((l) => JSON.parse(l) as { msg: string; runId?: string; year?: number });
    expect(records.find((r) => r.msg === 'year completed')).toMatchObject({ runId: result.runId, year: 2025 });

    const db = await Database.open(join(dir, 'clock.duckdb'));
    try {
      const checkpoints = new CheckpointManager(db);
      expect(await checkpoints.cleanup()).toEqual([]);
      await db.run(`DELETE FROM fct_workforce_snapshot`);
      expect(await checkpoints.cleanup()).toEqual([2025]);
      expect(await checkpoints.list()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
