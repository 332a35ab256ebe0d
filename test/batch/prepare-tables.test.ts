import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverScenarios, prepareScenarios } from '../../src/batch/index.js';
import { ConfigError } from '../../src/errors.js';
import { useTempDir } from '../support/tmp.js';
import { batchFixture } from './helpers.js';

const tempDir = useTempDir();

describe('batch: setup.parameter_tables_dir', () => {
  it('is resolved as the census path is (against the folder of the file that set it), so the child finds it', async () => {
    const f = await batchFixture(tempDir(), {
      'own.yaml': { setup: { parameter_tables_dir: 'my_tables' } },
      'none.yaml': { simulation: { target_growth_rate: 0.01 } },
    });
    mkdirSync(join(f.scenariosDir, 'my_tables'));
    const prepared = prepareScenarios({ baseConfig: f.baseConfig, scenarios: discoverScenarios(f.scenariosDir), env: {} });
    const dirs = Object.fromEntries(prepared.map((p) => [p.name, (p.raw.setup as Record<string, unknown>).parameter_tables_dir]));
    expect(dirs).toEqual({ own: join(f.scenariosDir, 'my_tables'), none: undefined });
    expect(prepared.find((p) => p.name === 'own')?.config.setup.parameter_tables_dir).toBe(join(f.scenariosDir, 'my_tables'));
  });

  it('a bad table is refused before any run, naming the scenario, file, row and column', async () => {
    const f = await batchFixture(tempDir(), {
      'bad.yaml': { setup: { parameter_tables_dir: 'bad_tables' } },
      'fine.yaml': { simulation: { target_growth_rate: 0.01 } },
    });
    const tables = join(f.scenariosDir, 'bad_tables');
    mkdirSync(tables);
    writeFileSync(join(tables, 'config_promotion_hazard_base.csv'), 'base_rate,level_dampener_factor\n0.02,-1\n');
    const error = (() => {
      try {
        prepareScenarios({ baseConfig: f.baseConfig, scenarios: discoverScenarios(f.scenariosDir), env: {} });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('1 of 2 scenario config(s) invalid (bad)');
    expect((error as ConfigError).issues).toEqual([
      `bad: ${join(tables, 'config_promotion_hazard_base.csv')}, row 1, column level_dampener_factor: "-1" is not allowed; allowed: a number from 0 to 1`,
    ]);
  });
});
