import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { loadConfig } from '../../src/config/index.js';
import { validateConfigCompatibility, writeCleanedConfig } from '../../src/migration/config.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

const REFERENCE = 'test/fixtures/reference_simulation_config.yaml';

describe('migration suite: existing config file compatibility', () => {
  const tempDir = useTempDir();

  it("reports on the reference's shipped config: honoured, ignored, identifiers, behaviour changes", () => {
    const report = validateConfigCompatibility(REFERENCE);
    expect(report.valid).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.hasIdentifiers).toBe(false);
    expect(report.simulationYears).toEqual({ start: 2025, end: 2029 });
    expect(report.honoured).toEqual(expect.arrayContaining(['simulation.start_year', 'compensation.cola_rate', 'employer_match.active_formula']));
    expect(report.honoured).not.toContain('optimization.event_generation.mode');
    expect(report.ignored.some((i) => i.startsWith('optimization:'))).toBe(true);
    expect(report.unknown).toEqual([]);
    expect(report.behaviourChanges.join('\n')).toMatch(/cola_rate \(1 %\) now sets the COLA; the reference ignored it/);
    expect(report.behaviourChanges.join('\n')).toMatch(/minimum_age \(21\) is enforced/);
    expect(report.behaviourChanges.join('\n')).toMatch(/Polars mode/);
  });

  it('scenario-style override files load, and a bad one is reported with its paths', () => {
    const dir = tempDir();
    const scenario = join(dir, 'high_growth.yaml');
    writeFileSync(
      scenario,
      '# a scenario file in the reference style\nscenario_id: high_growth\nplan_design_id: standard\nsimulation:\n  start_year: 2025\n  end_year: 2027\n  target_growth_rate: 0.08\nworkforce:\n  total_termination_rate: 0.15\nemployer_match:\n  active_formula: stretch_match\n',
    );
    const report = validateConfigCompatibility(scenario);
    expect(report.valid).toBe(true);
    expect(report.hasIdentifiers).toBe(true);
    expect(report.behaviourChanges.join('\n')).toMatch(/scenario 'high_growth' uses the default comp_levers rows/);
    expect(loadConfig({ path: scenario, env: {} }).config.employer_match.active_formula).toBe('stretch_match');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, stringify({ simulation: { start_year: 2025, end_year: 2024 }, workforce: { total_termination_rate: 3 }, foo_section: 1, compensation: { cola_rte: 0.1 } }));
    const badReport = validateConfigCompatibility(bad);
    expect(badReport.valid).toBe(false);
    expect(badReport.errors.join('\n')).toMatch(/simulation\.end_year/);
    expect(badReport.errors.join('\n')).toMatch(/workforce\.total_termination_rate/);

    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, stringify({ simulation: { start_year: 2025, end_year: 2026 }, compensation: { cola_rte: 0.1 } }));
    const unknownReport = validateConfigCompatibility(unknown);
    expect(unknownReport.valid).toBe(true);
    expect(unknownReport.unknown.join('\n')).toMatch(/compensation\.cola_rte.*cola_rate/);
  });

  it('writes a cleaned copy that keeps the comments, adds identifiers and loads without ignored keys', () => {
    const dir = tempDir();
    const out = join(dir, 'cleaned.yaml');
    const result = writeCleanedConfig(REFERENCE, out);
    expect(result.removed).toEqual(expect.arrayContaining(['optimization', 'orchestrator', 'setup.clear_tables']));
    expect(result.added).toEqual(['plan_design_id', 'scenario_id']);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('# Match eligibility requirements (independent from core eligibility)');
    expect(text).not.toMatch(/^optimization:/m);
    const loaded = loadConfig({ path: out, env: {} });
    expect(loaded.ignored).toEqual([]);
    expect(loaded.config.scenario_id).toBe('default');
    // The cleaned copy simulates exactly like the original: ignored keys never reached the hash.
    expect(loaded.hash).not.toBe(loadConfig({ path: REFERENCE, env: {} }).hash);
    const { scenario_id: _s, plan_design_id: _p, ...withoutIds } = loaded.config;
    const { scenario_id: _s2, plan_design_id: _p2, ...original } = loadConfig({ path: REFERENCE, env: {} }).config;
    expect(withoutIds).toEqual(original);
    expect(() => writeCleanedConfig(out, out)).toThrow(/--write must name a new file/);
  });

  it('planalign migrate config prints the report (exit 0), writes the copy, and exits 2 on a bad file', () => {
    const dir = tempDir();
    const out = join(dir, 'clean.yaml');
    const result = runCli(['migrate', 'config', REFERENCE, '--write', out]);
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    expect(result.stdout).toMatch(/loads in PlanAlign/);
    expect(result.stdout).toMatch(/results that change from the reference engine:/);
    // The command reports what the cleaning did (how many keys that is follows the ignored-keys table).
    const removed = writeCleanedConfig(REFERENCE, join(dir, 'api.yaml')).removed.length;
    expect(removed).toBeGreaterThan(0);
    expect(result.stdout).toContain(`clean.yaml: removed ${removed} key(s), added plan_design_id, scenario_id`);
    const json = JSON.parse(runCli(['migrate', 'config', REFERENCE, '--json']).stdout) as { valid: boolean };
    expect(json.valid).toBe(true);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, stringify({ simulation: { start_year: 2025, end_year: 2020 } }));
    const failed = runCli(['migrate', 'config', bad]);
    expect(failed.status).toBe(ExitCode.UsageError);
    expect(failed.stdout).toMatch(/error: simulation\.end_year/);
  });
});
