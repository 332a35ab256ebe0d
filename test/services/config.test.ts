import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfigFile, validateConfigText } from '../../src/services/config.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/** A small config: the schema's defaults fill the rest. */
const VALID = `simulation:
  start_year: 2026
  end_year: 2027
setup:
  census_parquet_path: census/hand.csv
`;

/** Two schema errors and an unknown key with a close known one. */
const INVALID = `simulation:
  start_year: 2026.5
  end_year: 2027
  random_sed: 7
workforce:
  total_termination_rate: "high"
`;

/** Valid YAML and schema, refused only when its parameters are compiled (the bands lack promotion multipliers). */
const UNCOMPILABLE = `${VALID}age_bands:
  - {band_label: "< 40", min_value: 0, max_value: 40}
  - {band_label: "40+", min_value: 40, max_value: 999}
`;

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The issue lines `planalign validate` printed under its error. */
function issueLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
}

describe('validateConfigFile', () => {
  it('a valid config: the summary is what planalign validate prints, the hashes what its --json gives', async () => {
    const file = write(tempDir(), 'valid.yaml', VALID);
    const result = await validateConfigFile(file, { env: {} });
    const text = runCli(['validate', '-c', file]);
    const json = runCli(['validate', '-c', file, '--json']);
    expect(text.status).toBe(0);
    expect(result.valid).toBe(true);
    expect(result.errors).toEqual([]);
    expect(`${result.summary?.join('\n')}\n`).toBe(text.stdout);
    const cli = JSON.parse(json.stdout) as { hash: string; parametersHash: string; designs: unknown };
    expect(result.hash).toBe(cli.hash);
    expect(result.parametersHash).toBe(cli.parametersHash);
    expect(result.designs).toEqual(cli.designs);
    expect(result.summary?.[3]).toBe('  Years:               2026-2027 (2 years)');
  });

  it('an invalid config: one problem per issue line planalign validate prints, keyed by its dotted path', async () => {
    const file = write(tempDir(), 'invalid.yaml', INVALID);
    const result = await validateConfigFile(file, { env: {} });
    const cli = runCli(['validate', '-c', file]);
    expect(cli.status).toBe(2);
    expect(cli.stderr.split('\n')[0]).toBe(`Error: Invalid configuration in ${file}:`);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message)).toEqual(issueLines(cli.stderr));
    expect(result.errors.map((e) => e.path).sort()).toEqual(['simulation.random_sed', 'simulation.start_year', 'workforce.total_termination_rate']);
    expect(result.errors.find((e) => e.path === 'simulation.random_sed')?.message).toBe('simulation.random_sed: unknown key (did you mean "random_seed"?)');
    expect(result.errors.find((e) => e.path === 'simulation.start_year')?.message).toBe('simulation.start_year: must be a whole number (got 2026.5)');
    expect(cli.stderr).toContain(`Hint: ${result.hint}\n`);
  });

  it('allowUnknownKeys turns an unknown key into a warning, as --allow-unknown-keys does', async () => {
    const file = write(tempDir(), 'unknown.yaml', `${VALID}  clear_sed: 7\n`);
    const refused = await validateConfigFile(file, { env: {} });
    expect(refused.errors).toEqual([{ path: 'setup.clear_sed', message: 'setup.clear_sed: unknown key' }]);
    const allowed = await validateConfigFile(file, { env: {}, allowUnknownKeys: true });
    expect(allowed.valid).toBe(true);
    expect(allowed.warnings).toContain('setup.clear_sed: unknown key; ignored');
  });

  it('a config refused when its parameters are compiled: the same lines as validate, keyed by the config key', async () => {
    const file = write(tempDir(), 'bands.yaml', UNCOMPILABLE);
    const result = await validateConfigFile(file, { env: {} });
    const cli = runCli(['validate', '-c', file]);
    expect(cli.status).toBe(2);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message)).toEqual(issueLines(cli.stderr));
    expect(result.errors.map((e) => e.path)).toEqual(['promotion_hazard', 'promotion_hazard']);
    expect(result.errors[0]?.message).toMatch(/config_promotion_hazard_age_multipliers\.csv: no row for the age_band "< 40"/);
  });

  it('with census: a missing census file is a problem of setup.census_parquet_path', async () => {
    const dir = tempDir();
    const file = write(dir, 'valid.yaml', VALID);
    const result = await validateConfigFile(file, { env: {}, census: join(dir, 'census', 'hand.csv') });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ path: 'setup.census_parquet_path', message: `Census file not found: ${join(dir, 'census', 'hand.csv')}` }]);
    write(dir, 'hand.csv', 'employee_id\n');
    expect((await validateConfigFile(file, { env: {}, census: join(dir, 'hand.csv') })).valid).toBe(true);
  });
});

describe('validateConfigText', () => {
  it('gives what validating the same text saved as a file gives, and leaves nothing behind', async () => {
    const dir = tempDir();
    const before = readdirSync(tmpdir());
    for (const text of [VALID, INVALID, UNCOMPILABLE]) {
      const fromText = await validateConfigText(text, { baseDir: dir, env: {} });
      const fromFile = await validateConfigFile(write(dir, 'same.yaml', text), { env: {}, baseDir: dir });
      expect(fromText.valid).toBe(fromFile.valid);
      expect(fromText.errors).toEqual(fromFile.errors);
      expect(fromText.hash).toBe(fromFile.hash);
    }
    expect(readdirSync(tmpdir())).toEqual(before);
  });

  it('finds relative paths in baseDir (a workspace root), not in the working folder', async () => {
    const dir = tempDir();
    const text = `${VALID}  parameter_tables_dir: params\n`;
    const missing = await validateConfigText(text, { baseDir: dir, env: {} });
    expect(missing.errors).toEqual([
      { path: 'setup.parameter_tables_dir', message: `Parameter tables folder params not found (looked in ${join(dir, 'params')})` },
    ]);
    // The bundled job levels with level 1's pay band widened: valid, and the summary names the folder.
    const tables = join(dir, 'params');
    mkdirSync(tables);
    writeFileSync(join(tables, 'config_job_levels.csv'), readFileSync('data/seeds/config_job_levels.csv', 'utf8').replace(',1,80000,56000,', ',1,80000,50000,'));
    const found = await validateConfigText(text, { baseDir: dir, env: {} });
    expect(found.valid).toBe(true);
    expect(found.summary).toContain(`  parameter tables: ${tables} (config_job_levels.csv; the rest bundled)`);
  });

  it('a YAML syntax error names the line and column in the file named by `name`', async () => {
    const result = await validateConfigText('simulation:\n  start_year: [2026\n', { baseDir: tempDir(), name: 'draft.yaml', env: {} });
    expect(result.valid).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.path).toBe('');
    expect(result.errors[0]?.message).toMatch(/draft\.yaml:\d+:\d+: /);
  });
});
