import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { Database } from '../../src/db/database.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import {
  copyScenario,
  createScenario,
  deleteScenario,
  listScenarios,
  readScenario,
  renameScenario,
  SCENARIO_TEMPLATES,
  templateYaml,
  writeScenario,
} from '../../src/services/scenarios.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { holdDatabase } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

describe('scenario templates', () => {
  it('are plan designs on the default config that pass every check of planalign validate', async () => {
    const ws = Workspace.open(join(tempDir(), 'ws'), { create: true });
    expect(SCENARIO_TEMPLATES.map((t) => t.id)).toEqual(['default', 'tiered_match', 'safe_harbor_basic', 'auto_enroll_6_escalate', 'graded_vesting_core']);
    expect(templateYaml('default')).toBe(readFileSync(ws.scenarioFile('default'), 'utf8'));
    for (const { id } of SCENARIO_TEMPLATES) {
      const { saved, validation } = await writeScenario(ws, id, templateYaml(id));
      expect(validation.errors, id).toEqual([]);
      expect(saved, id).toBe(true);
    }
    // Each differs from the default where its description says, and only there.
    const config = (name: string) => loadConfig({ path: ws.scenarioFile(name), env: {} }).config;
    const base = config('default');
    expect(config('tiered_match').employer_match.active_formula).toBe('tiered_match');
    expect(config('safe_harbor_basic').employer_match.active_formula).toBe('safe_harbor_basic');
    expect(config('safe_harbor_basic').employer_core_contribution.enabled).toBe(false);
    const ae = config('auto_enroll_6_escalate');
    expect(ae.enrollment.auto_enrollment).toMatchObject({ enabled: true, default_deferral_rate: 0.06 });
    expect(base.enrollment.auto_enrollment.default_deferral_rate).toBe(0.02);
    expect(ae.deferral_auto_escalation).toMatchObject({ enabled: true, increment_amount: 0.01, maximum_rate: 0.1 });
    const graded = config('graded_vesting_core');
    expect(graded.employer_core_contribution).toMatchObject({
      status: 'graded_by_service',
      graded_schedule: [
        { min: 0, max: 5, contribution_rate: 0.02 },
        { min: 5, max: null, contribution_rate: 0.03 },
      ],
    });
    expect(graded.vesting).toMatchObject({ match: { type: 'cliff', years: 3 }, core: { type: 'graded', years: 6 } });
    expect(graded.simulation).toEqual(base.simulation);
    expect(graded.employer_match).toEqual(base.employer_match);
    expect(() => templateYaml('nope')).toThrow('Unknown template "nope": one of default, tiered_match');
  });
});

describe('scenario services', () => {
  it('create, copy, read and list scenarios; an existing name is refused', async () => {
    const ws = Workspace.open(join(tempDir(), 'ws'), { create: true });
    const created = await createScenario(ws, 'match-b', { template: 'tiered_match' });
    expect(created).toMatchObject({ name: 'match-b', census: 'census/census_5000.parquet', startYear: 2025, endYear: 2029, latestRunId: null, runs: 0, valid: true });
    await expect(createScenario(ws, 'match-b', { template: 'default' })).rejects.toThrow('Scenario match-b exists');
    await expect(createScenario(ws, 'x', { template: 'default', scenario: 'default' })).rejects.toThrow('from one of scenario, template or yaml, not scenario and template');

    // From another scenario: its text as it is, comments and all.
    writeFileSync(ws.scenarioFile('default'), `# ours\n${readFileSync(ws.scenarioFile('default'), 'utf8')}`);
    await createScenario(ws, 'from-default', { scenario: 'default' });
    expect(readScenario(ws, 'from-default').yaml).toBe(readScenario(ws, 'default').yaml);
    expect(copyScenario(ws, 'match-b', 'match-c').name).toBe('match-c');
    expect(readScenario(ws, 'match-c').yaml).toBe(readScenario(ws, 'match-b').yaml);
    expect(() => copyScenario(ws, 'match-b', 'default')).toThrow('Scenario default exists');
    expect(() => copyScenario(ws, 'none', 'z')).toThrow(`Scenario none not found in ${ws.root}`);

    // From YAML: only when valid.
    const yaml = templateYaml('default').replace('end_year: 2029', 'end_year: 2026');
    expect(await createScenario(ws, 'short', { yaml })).toMatchObject({ startYear: 2025, endYear: 2026 });
    const invalid = createScenario(ws, 'broken', { yaml: yaml.replace('end_year: 2026', 'end_year: 2020') });
    await expect(invalid).rejects.toThrow(ConfigError);
    await expect(invalid).rejects.toThrow('simulation.end_year: must be >= start_year (2025)');
    expect(existsSync(ws.scenarioFile('broken'))).toBe(false);

    // A file that does not load is listed as invalid, with what it says.
    writeFileSync(ws.scenarioFile('bad'), 'simulation:\n  start_year: 2025\n  end_year: 2024\nsetup:\n  census_parquet_path: census/x.csv\n');
    const listed = listScenarios(ws);
    expect(listed.map((s) => s.name)).toEqual(['bad', 'default', 'from-default', 'match-b', 'match-c', 'short']);
    expect(listed[0]).toMatchObject({ name: 'bad', valid: false, census: 'census/x.csv', startYear: 2025, endYear: 2024 });
    expect(listed[0]?.error).toContain('simulation.end_year: must be >= start_year (2025)');
  });

  it('saves YAML only when it validates and its paths stay in the workspace', async () => {
    const ws = Workspace.open(join(tempDir(), 'ws'), { create: true });
    const before = readScenario(ws, 'default').yaml;

    const bad = await writeScenario(ws, 'default', before.replace('cola_rate: 0.01', 'cola_rate: 7'));
    expect(bad.saved).toBe(false);
    expect(bad.validation.valid).toBe(false);
    expect(bad.validation.errors.map((e) => e.path)).toEqual(['compensation.cola_rate']);
    expect(readScenario(ws, 'default').yaml).toBe(before);

    const outside = await writeScenario(ws, 'default', before.replace('census/census_5000.parquet', '../../etc/passwd'));
    expect(outside.saved).toBe(false);
    expect(outside.validation.errors).toEqual([
      { path: 'setup.census_parquet_path', message: `setup.census_parquet_path of scenario default "../../etc/passwd" is outside the workspace ${ws.root}` },
    ]);
    expect(readScenario(ws, 'default').yaml).toBe(before);

    // Saved as written (comments too); a census not uploaded yet is a warning, not an error.
    const edited = `# cola raised\n${before.replace('cola_rate: 0.01', 'cola_rate: 0.02').replace('census/census_5000.parquet', 'census/next_year.csv')}`;
    const good = await writeScenario(ws, 'default', edited);
    expect(good.saved).toBe(true);
    expect(good.validation.warnings).toContain('setup.census_parquet_path: census/next_year.csv is not in the workspace yet');
    expect(readScenario(ws, 'default').yaml).toBe(edited);
    await expect(writeScenario(ws, '../x', edited)).rejects.toThrow(UsageError);
  });

  it('rename moves the runs and ensembles with their records; rename and delete wait for a running run', async () => {
    const ws = Workspace.open(join(tempDir(), 'ws'), { create: true });
    await createScenario(ws, 'old', { template: 'default' });
    const done = ws.finishRun(ws.newRun('old', { origin: 'cli' }), 'completed');
    const running = ws.newRun('old', { origin: 'studio' });
    const ensemble = ws.ensembleDir('old', done.runId);
    mkdirSync(ensemble, { recursive: true });

    // A writer holds the running run's database: neither rename nor delete happens.
    const holder = await holdDatabase(ws.runFile(running, 'database'));
    try {
      await expect(renameScenario(ws, 'old', 'new')).rejects.toThrow(`Scenario old cannot be renamed: its run ${running.runId} is running (PID ${holder.pid})`);
      await expect(deleteScenario(ws, 'old')).rejects.toThrow(`Scenario old cannot be deleted: its run ${running.runId} is running (PID ${holder.pid})`);
    } finally {
      holder.release();
    }
    expect(existsSync(ws.scenarioFile('old'))).toBe(true);

    await expect(renameScenario(ws, 'old', 'default')).rejects.toThrow('Scenario default exists');
    await expect(renameScenario(ws, 'old', 'New')).rejects.toThrow(/Invalid scenario name "New"/);
    await waitUntilFree(ws.runFile(running, 'database'));
    const renamed = await renameScenario(ws, 'old', 'new');
    expect(renamed).toMatchObject({ name: 'new', latestRunId: done.runId, runs: 2 });
    expect(existsSync(ws.scenarioFile('old'))).toBe(false);
    expect(existsSync(join(ws.root, 'runs', 'old'))).toBe(false);
    expect(existsSync(ws.ensembleDir('new', done.runId))).toBe(true);
    const moved = ws.runRecord('new', done.runId);
    expect(moved).toEqual({ ...done, scenario: 'new', config: `runs/new/${done.runId}.yaml`, database: `runs/new/${done.runId}.duckdb` });
    expect(parse(readFileSync(ws.runFile(moved, 'config'), 'utf8'))).toEqual(parse(readScenario(ws, 'new').yaml));

    await deleteScenario(ws, 'new');
    expect(ws.scenarioNames()).toEqual(['default']);
    expect(existsSync(join(ws.root, 'runs', 'new'))).toBe(false);
    expect(existsSync(join(ws.root, 'ensembles', 'new'))).toBe(false);
    await expect(deleteScenario(ws, 'new')).rejects.toThrow(`Scenario new not found in ${ws.root}`);
  });
});

/** The holder was killed; its lock goes with the process, which may take a moment to exit. */
async function waitUntilFree(database: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      (await Database.open(database, { readOnly: true })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
