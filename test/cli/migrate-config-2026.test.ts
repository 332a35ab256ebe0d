import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// `migrate config --to-2026` and `validate --era` through the built CLI (issue 13 item 6).

interface EraReport {
  hash: string;
  eras: { section: string; era: number; keys: string[] }[];
}

let dir: string;
const eraReport = (file: string): EraReport => {
  const result = runCli(['validate', '--config', file, '--era', '--json']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as EraReport;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'planalign-migrate-2026-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrate config --to-2026', () => {
  it('round trip on the shipped config: same applied config hash, every section 2026, every source line kept', () => {
    const source = join(dir, 'shipped.yaml');
    copyFileSync('config/simulation_config.yaml', source);
    const before = eraReport(source);
    expect(before.eras.map((e) => e.era)).toEqual([2025, 2025, 2025, 2025, 2025, 2025]);

    const result = runCli(['migrate', 'config', source, '--to-2026']);
    expect(result.status, result.stderr).toBe(0);
    const written = join(dir, 'shipped.2026.yaml');
    expect(result.stdout).toContain(`Wrote ${written}`);
    expect(result.stdout).toContain('employer_match.employer_match_status: "deferral_based"');

    const after = eraReport(written);
    expect(after.hash).toBe(before.hash);
    expect(after.eras).toEqual([
      { section: 'employer_match', era: 2026, keys: ['employer_match.employer_match_status'] },
      { section: 'employer_core_contribution', era: 2026, keys: ['employer_core_contribution.status'] },
      {
        section: 'eligibility / plan_eligibility',
        era: 2026,
        keys: ['eligibility.new_hire_ineligible_pct', 'eligibility.new_hire_eligibility_match_census', 'workforce.part_time_new_hire_pct'],
      },
      { section: 'deferral_auto_escalation', era: 2026, keys: ['deferral_auto_escalation.census_escalates_in_start_year'] },
      // Their 2026 meaning is a behaviour the file lacks: not migrated, and said so.
      { section: 'enrollment.match_magnet', era: 2025, keys: [] },
      { section: 'deferral_match_response', era: 2025, keys: [] },
    ]);
    expect(result.stdout).toContain('deferral_auto_escalation.census_escalates_in_start_year: false');
    expect(result.stdout).toContain(
      '  not migrated (their 2026 meaning changes the simulation):\n    - enrollment.match_magnet: present, the magnet replaces match_optimization and bounds every voluntary rate\n',
    );
    // Comments, blank lines and key order: the copy is the source with lines added, nothing else.
    const original = readFileSync(source, 'utf8').split('\n');
    const copy = readFileSync(written, 'utf8').split('\n');
    expect(copy.filter((line) => !line.includes('planalign migrate config --to-2026'))).toEqual(original);
    expect(copy).toContain('  employer_match_status: deferral_based  # 2026 key at the value applied today (planalign migrate config --to-2026)');
  });

  it('writes allow_new_hires where the 2026 versions would derive it, adds a missing section, and keeps 2026 sections as they are', () => {
    const source = join(dir, 'tenure.yaml');
    writeFileSync(
      source,
      [
        'simulation:',
        '  start_year: 2025',
        '  end_year: 2026',
        'employer_match:',
        '  apply_eligibility: true',
        '  eligibility:',
        '    minimum_tenure_years: 1  # one year of service',
        'employer_core_contribution:',
        '  status: graded_by_service',
        '  graded_schedule:',
        '    - {min_years: 0, contribution_rate: 0.02}',
        '',
      ].join('\n'),
    );
    const before = eraReport(source);
    expect(before.eras.map((e) => e.era)).toEqual([2025, 2026, 2025, 2025, 2025, 2025]);
    const out = join(dir, 'tenure-2026.yaml');
    const result = runCli(['migrate', 'config', source, '--to-2026', '--out', out, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { written: string; added: { key: string; value: unknown }[] };
    expect(report.written).toBe(out);
    expect(report.added).toEqual([
      { section: 'employer_match', key: 'employer_match.employer_match_status', value: 'deferral_based' },
      { section: 'employer_match', key: 'employer_match.eligibility.allow_new_hires', value: true },
      { section: 'eligibility / plan_eligibility', key: 'eligibility.new_hire_ineligible_pct', value: 0 },
      { section: 'eligibility / plan_eligibility', key: 'eligibility.new_hire_eligibility_match_census', value: false },
      { section: 'eligibility / plan_eligibility', key: 'workforce.part_time_new_hire_pct', value: 0 },
      { section: 'deferral_auto_escalation', key: 'deferral_auto_escalation.census_escalates_in_start_year', value: false },
    ]);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('    minimum_tenure_years: 1  # one year of service\n    allow_new_hires: true  # 2026 key');
    expect(text).toContain('\nworkforce:\n  part_time_new_hire_pct: 0  # 2026 key');
    const after = eraReport(out);
    expect(after.hash).toBe(before.hash);
    expect(after.eras.filter((e) => e.era === 2025).map((e) => e.section)).toEqual(['enrollment.match_magnet', 'deferral_match_response']);
    expect(after.eras[1]?.keys).toEqual(before.eras[1]?.keys);
  });

  it('refuses to overwrite an existing file without --force, naming it, and replaces it with --force', () => {
    const source = join(dir, 'overwrite.yaml');
    copyFileSync('config/simulation_config.yaml', source);
    const out = join(dir, 'taken.yaml');
    writeFileSync(out, 'keep me\n');
    const refused = runCli(['migrate', 'config', source, '--to-2026', '--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`Refusing to overwrite ${out}`);
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');

    const forced = runCli(['migrate', 'config', source, '--to-2026', '--out', out, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(eraReport(out).hash).toBe(eraReport(source).hash);
  });

  it('writes nothing for a file whose every section already reads 2026', () => {
    const source = join(dir, 'done.yaml');
    copyFileSync('config/simulation_config.yaml', source);
    const first = runCli(['migrate', 'config', source, '--to-2026', '--out', join(dir, 'done2.yaml')]);
    expect(first.status, first.stderr).toBe(0);
    const again = runCli(['migrate', 'config', join(dir, 'done2.yaml'), '--to-2026']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('already reads in its 2026 era (but those not migrated); nothing written');
    expect(existsSync(join(dir, 'done2.2026.yaml'))).toBe(false);
  });

  it('bad input: errors name the file, nothing is written', () => {
    const missing = join(dir, 'missing.yaml');
    const notFound = runCli(['migrate', 'config', missing, '--to-2026']);
    expect(notFound.status).toBe(2);
    expect(notFound.stderr).toContain(`Configuration file not found: ${missing}`);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'simulation:\n  start_year: 2025\n  end_year: 2026\n  bogus: 1\n');
    const invalid = runCli(['migrate', 'config', bad, '--to-2026']);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain(`Invalid configuration in ${bad}`);
    expect(invalid.stderr).toContain('simulation.bogus: unknown key');
    expect(existsSync(join(dir, 'bad.2026.yaml'))).toBe(false);

    const flow = join(dir, 'flow.yaml');
    writeFileSync(flow, 'simulation: {start_year: 2025, end_year: 2026}\nemployer_match: {active_formula: simple_match}\n');
    const flowStyle = runCli(['migrate', 'config', flow, '--to-2026']);
    expect(flowStyle.status).toBe(2);
    expect(flowStyle.stderr).toContain(`Cannot add employer_match.employer_match_status to ${flow}`);
    expect(existsSync(join(dir, 'flow.2026.yaml'))).toBe(false);

    const mixed = runCli(['migrate', 'config', bad, '--to-2026', '--write', join(dir, 'w.yaml')]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('--write and --to-2026 cannot be combined');
  });
});

describe('validate --era', () => {
  it('prints each section with the era it reads in and the keys that chose it', () => {
    const source = join(dir, 'era.yaml');
    writeFileSync(source, 'simulation:\n  start_year: 2025\n  end_year: 2026\nworkforce:\n  part_time_new_hire_pct: 0.1\n');
    const result = runCli(['validate', '--config', source, '--era']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `Plan-design eras of ${source} (absent keys keep their 2025 defaults):`,
      '  - employer_match: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)',
      '  - employer_core_contribution: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)',
      '  - eligibility / plan_eligibility: 2026 meaning (by workforce.part_time_new_hire_pct)',
      '  - deferral_auto_escalation: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)',
      '  - enrollment.match_magnet: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)',
      '  - deferral_match_response: 2025 meaning (no 2026 key present; absent keys keep their 2025 defaults)',
    ]);
  });
});
