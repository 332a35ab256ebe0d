import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { runBatch } from '../../src/batch/index.js';
import { useTempDir } from '../support/tmp.js';
import { batchFixture, onlyBatchDir } from './helpers.js';

/**
 * The batch summary is written under a temporary name and renamed. A write that fails part-way (here a
 * full disk injected into node:fs/promises: half the text goes down, then the write fails) leaves no
 * half-written batch_summary.json behind.
 */
const faults = vi.hoisted(() => ({ failWriteOf: 'batch_summary.json' }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const { basename } = await import('node:path');
  const writeFile = async (path: unknown, data: unknown, options?: unknown): Promise<void> => {
    if (typeof path === 'string' && basename(path).includes(faults.failWriteOf) && typeof data === 'string') {
      await real.writeFile(path, data.slice(0, Math.floor(data.length / 2)));
      throw new Error('ENOSPC: no space left on device, write');
    }
    return real.writeFile(path as string, data as string, options as undefined);
  };
  return { ...real, default: { ...real, writeFile }, writeFile };
});

describe('batch summary', () => {
  const tempDir = useTempDir();

  it('is never left half-written', async () => {
    const f = await batchFixture(tempDir(), { 'a.yaml': {} });
    // Aborted before it starts: no job runs, the summary is written.
    const run = runBatch({
      scenariosDir: f.scenariosDir,
      config: f.baseConfig,
      outputDir: f.outputDir,
      env: {},
      signal: AbortSignal.abort(),
    });
    await expect(run).rejects.toThrow(/ENOSPC/);
    const batchDir = onlyBatchDir(f.outputDir);
    expect(readdirSync(batchDir).sort()).toEqual(['a', 'comparison.xlsx']);
  });
});
