import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverScenarios, prepareScenarios } from '../../src/batch/index.js';
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
});
