import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/tmp.js';
import { batchFixture, onlyBatchDir } from './helpers.js';

describe('planalign batch on the command line', () => {
  const tempDir = useTempDir();

  it('runs the scenarios and exits 0; usage errors exit 2', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {}, 'b.yml': { simulation: { target_growth_rate: 0.05 } } });
    const args = ['batch', '--scenarios-dir', f.scenariosDir, '--config', f.baseConfig, '--output-dir', f.outputDir];

    const run = runCli([...args, '--parallel', '2', '--threads', '2', '--seed', '5']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 completed, 0 failed');
    const summary = JSON.parse(readFileSync(join(onlyBatchDir(f.outputDir), 'batch_summary.json'), 'utf8'));
    expect(summary).toMatchObject({ parallel: 2, threads: 2, seed: 5, completed: ['a', 'b'], exitCode: 0 });

    const unknown = runCli([...args, '--scenarios', 'a,nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown scenario "nope"; available: a, b');

    const missing = runCli(['batch', '--config', f.baseConfig]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--scenarios-dir/);
  });
});
