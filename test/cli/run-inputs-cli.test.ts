import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { makeCensus, query, writeConfigFile } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/** dir/config.yaml reading its census and the tables folder `tables/` by paths relative to itself. */
async function setUp(): Promise<{ dir: string; config: string; tables: string }> {
  const dir = tempDir();
  await makeCensus(dir, 200, 3);
  const tables = join(dir, 'tables');
  mkdirSync(tables);
  const config = writeConfigFile(dir, 'census_200_3.parquet', (c) => {
    c.setup.parameter_tables_dir = 'tables';
  });
  return { dir, config, tables };
}

describe('parameter tables and stored inputs on the command line', () => {
  it('a bad table exits 2 naming the file, row, column and what is allowed; the folder is found beside the config', async () => {
    const { dir, config, tables } = await setUp();
    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.02,-1\n');
    const database = join(dir, 'bad.duckdb');
    // Run from another folder: the relative paths resolve against the config file's folder.
    const result = runCli(['simulate', '2025', '-c', config, '--database', database], { cwd: tempDir() });
    expect(result.status).toBe(ExitCode.UsageError);
    expect(result.stderr).toContain(
      `${join(tables, 'config_promotion_hazard_base.csv')}, row 1, column level_dampener_factor: "-1" is not allowed; allowed: a number from 0 to 1`,
    );
  });

  it('validate checks the parameter tables as simulate does, and names the folder when they pass', async () => {
    const { config, tables } = await setUp();
    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.02,-1\n');
    const bad = runCli(['validate', '-c', config], { cwd: tempDir() });
    expect(bad.status).toBe(ExitCode.UsageError);
    expect(bad.stderr).toContain(`${join(tables, 'config_promotion_hazard_base.csv')}, row 1, column level_dampener_factor`);

    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.05,0.15\n');
    const good = runCli(['validate', '-c', config], { cwd: tempDir() });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain(`  parameter tables: ${tables} (config_promotion_hazard_base.csv; the rest bundled)`);
  });

  it('--resume refused: names the changed keys and tables; status and the run summary report mixed years', async () => {
    const { dir, config, tables } = await setUp();
    const database = join(dir, 'sim.duckdb');
    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.05,0.15\n');
    const first = runCli(['simulate', '2025-2026', '-c', config, '--database', database, '--quiet']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\n {2}config [0-9a-f]{12} {2}census [0-9a-f]{12} {2}parameter tables [0-9a-f]{12}\n/);

    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.06,0.15\n');
    const refused = runCli(['simulate', '2025-2027', '-c', config, '--database', database, '--resume', '--seed', '9', '--quiet']);
    expect(refused.status).toBe(ExitCode.UsageError);
    expect(refused.stderr).toMatch(/config changed since that run \(hash [0-9a-f]{12} then, [0-9a-f]{12} now\): simulation\.random_seed 42 → 9/);
    expect(refused.stderr).toContain('the parameter tables changed: config_promotion_hazard_base.csv');

    // Recompute 2026 under the edited table: 2025 and 2026 now have different parameter tables.
    const restarted = runCli(['simulate', '2026', '-c', config, '--database', database, '--force-restart', '--quiet']);
    expect(restarted.status, restarted.stderr).toBe(0);
    const hashes = await query<{ y: number; p: string; c: string }>(
      database,
      `SELECT simulation_year AS y, parameters_hash AS p, config_hash AS c FROM planalign_checkpoints ORDER BY 1`,
    );
    const [h2025, h2026] = hashes.map((h) => h.p.slice(0, 12));
    expect(h2025).not.toBe(h2026);
    const mixed = `  parameter tables MIXED: 2025 under ${h2025}; 2026 under ${h2026}\n`;
    expect(restarted.stdout).toContain(mixed);

    const status = runCli(['status', '--database', database]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain(mixed);
    const json = JSON.parse(runCli(['status', '--database', database, '--json']).stdout) as {
      inputs: { parameters: Array<{ hash: string; years: number[] }> };
    };
    expect(json.inputs.parameters.map((g) => g.years)).toEqual([[2025], [2026]]);
  });
});
