import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { writeConfigFile } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

/** `planalign validate` on the config files the loader translates, warns about or refuses. */
describe('planalign validate: sections and the reference 2025 config files', () => {
  const tempDir = useTempDir();

  it('refuses a misspelled section, naming the closest one; --allow-unknown-keys makes it a warning', () => {
    const config = writeConfigFile(tempDir(), undefined, (c) => {
      c.employer_core = c.employer_core_contribution;
      delete c.employer_core_contribution;
    });
    const refused = runCli(['validate', '--config', config]);
    expect(refused.status).toBe(ExitCode.UsageError);
    expect(refused.stderr).toContain('employer_core: unknown section (did you mean "employer_core_contribution"?); the known sections are ');
    const allowed = runCli(['validate', '--config', config, '--allow-unknown-keys']);
    expect(allowed.status, allowed.stderr).toBe(ExitCode.Success);
    expect(allowed.stdout).toMatch(/Warnings:\n {2}- employer_core: unknown section .*; ignored\n/);
  });

  it('prints the translations applied to a 2025 test config, and the match in words', () => {
    const result = runCli(['validate', '--config', 'test/fixtures/reference-2025/config/test_config.yaml']);
    expect(result.status, result.stderr).toBe(ExitCode.Success);
    expect(result.stdout).toContain('Employer match:      simple_match (simple): 50% of the first 6%; at most 3% of pay');
    expect(result.stdout).toContain('  - eligibility.waiting_period_days: null read as not set; the default 0 applies\n');
    expect(result.stdout).toContain('  - employer_match.formulas.simple_match: older shape {match_rate, match_cap} read as a simple formula');
  });

  it('refuses a file that is not a simulation config', () => {
    const file = 'test/fixtures/reference-2025/config/storage_config.yaml';
    const result = runCli(['validate', '--config', file]);
    expect(result.status).toBe(ExitCode.UsageError);
    expect(result.stderr).toContain(`${resolve(file)}: not a simulation config (it looks like the reference's storage settings`);
  });
});
