import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCensus } from '../support/engine.js';
import { CLI, cleanEnv } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/**
 * What a simulation loads before and during its run: the workbook writer (exceljs) and the chart
 * renderer (echarts, resvg) take about a third of a second to load and serve only the commands that
 * write workbooks or charts, so a run without --report must not load them.
 */
describe('simulate start-up', () => {
  it('loads neither the workbook writer nor the chart renderer for a run without --report', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 60, 3);
    const loaded = join(dir, 'loaded.json');
    const hook = join(dir, 'loaded.mjs');
    // Every CommonJS package, whether required or imported, is in require.cache by its file path.
    writeFileSync(
      hook,
      `import { createRequire } from 'node:module';
       import { writeFileSync } from 'node:fs';
       const require = createRequire(import.meta.url);
       process.on('exit', () => writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const result = spawnSync(
      process.execPath,
      ['--import', hook, CLI, 'simulate', '2025', '--config', 'config/simulation_config.yaml', '--census', census, '--database', join(dir, 's.duckdb'), '--quiet'],
      { encoding: 'utf8', env: cleanEnv(), timeout: 120_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    const packages = new Set((JSON.parse(readFileSync(loaded, 'utf8')) as string[]).map((file) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1]));
    expect(packages.has('@duckdb/node-api')).toBe(true); // the hook sees what was loaded
    for (const heavy of ['exceljs', 'echarts', '@resvg/resvg-js']) expect(packages.has(heavy), heavy).toBe(false);
  });
});
