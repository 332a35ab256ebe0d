import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { makeCensus, query, writeConfigFile } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

/**
 * `setup.fail_on_validation_error` is the default of `simulate --fail-on-validation-error`; the flag
 * and its negation `--no-fail-on-validation-error` win over it. With a rule that fails in 2025 of a
 * 2025-2026 run: stopping rolls 2025 back (nothing simulated, run failed); going on simulates both
 * years and exits 3 at the end for the findings.
 */
describe('simulate: setup.fail_on_validation_error and the flags that override it', () => {
  const tempDir = useTempDir();
  let census: string;
  let rules: string;

  beforeAll(async () => {
    const shared = mkdtempSync(join(tmpdir(), 'planalign-failon-'));
    census = await makeCensus(shared, 300, 5);
    rules = join(shared, 'rules.mjs');
    writeFileSync(
      rules,
      `export const rules = [{ name: 'no_2025', severity: 'error', description: '2025 is not allowed',
         sql: "SELECT 1 AS x WHERE getvariable('simulation_year') = 2025" }];\n`,
    );
  });

  async function run(configValue: boolean, flag: string[]) {
    const dir = tempDir();
    const config = writeConfigFile(dir, census, (c) => {
      c.setup.fail_on_validation_error = configValue;
    });
    const database = join(dir, 'sim.duckdb');
    const result = runCli(['simulate', '2025-2026', '-c', config, '--database', database, '--rules', rules, '--quiet', ...flag]);
    // Both ways end in exit 3: stopping at the failure, or going on and reporting the findings at the end.
    expect(result.status, result.stderr).toBe(ExitCode.ValidationFailure);
    const years = (await query<{ y: number }>(database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot ORDER BY 1`)).map((r) => r.y);
    const runs = await query<{ status: string }>(database, `SELECT status FROM planalign_runs`);
    return { ...result, years, runs: runs.map((r) => r.status) };
  }

  const expectStopped = (r: Awaited<ReturnType<typeof run>>) => {
    expect(r.stderr).toMatch(/Validation failed in 2025: no_2025 \(1 row\(s\)\)/);
    expect(r.runs).toEqual(['failed']);
    expect(r.years).toEqual([]);
  };
  const expectWentOn = (r: Awaited<ReturnType<typeof run>>) => {
    expect(r.stdout).toMatch(/2025 error no_2025: 1 row\(s\)/);
    expect(r.runs).toEqual(['completed']);
    expect(r.years).toEqual([2025, 2026]);
  };

  it('true in the config stops the run, unless --no-fail-on-validation-error', async () => {
    expectStopped(await run(true, []));
    expectWentOn(await run(true, ['--no-fail-on-validation-error']));
  });

  it('false in the config goes on, unless --fail-on-validation-error', async () => {
    expectWentOn(await run(false, []));
    expectStopped(await run(false, ['--fail-on-validation-error']));
  });
});
