import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeWorkforce } from '../../src/reporting/analysis.js';
import { writeAnalysis } from '../../src/reporting/analysis-export.js';
import { exportDatabase } from '../../src/reporting/export.js';
import { openSimulationDatabase } from '../../src/reporting/source.js';
import { useTempDir } from '../support/tmp.js';
import { useSimulation } from './helpers.js';

/**
 * Reports and exports are written under a temporary name and renamed: a write that fails part-way
 * leaves no half-written file under the real name (a file that was there before stays as it was).
 * The failures are injected into node:fs/promises: `failWriteOf` makes the write of that file name
 * put down half its text and then fail (a full disk); `failRenameOf` makes the rename onto it fail.
 */
const faults = vi.hoisted(() => ({ failWriteOf: undefined as string | undefined, failRenameOf: undefined as string | undefined }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const { basename: base } = await import('node:path');
  const named = (path: unknown, name: string | undefined): boolean =>
    name !== undefined && typeof path === 'string' && base(path).includes(name);
  const writeFile = async (path: unknown, data: unknown, options?: unknown): Promise<void> => {
    if (named(path, faults.failWriteOf) && typeof data === 'string') {
      await real.writeFile(path as string, data.slice(0, Math.floor(data.length / 2)));
      throw new Error('ENOSPC: no space left on device, write');
    }
    return real.writeFile(path as string, data as string, options as undefined);
  };
  const rename = async (from: string, to: string): Promise<void> => {
    if (named(to, faults.failRenameOf)) throw new Error('EIO: i/o error, rename');
    return real.rename(from, to);
  };
  return { ...real, default: { ...real, writeFile, rename }, writeFile, rename };
});

const simulation = useSimulation();
const tempDir = useTempDir();

afterEach(() => {
  faults.failWriteOf = undefined;
  faults.failRenameOf = undefined;
});

const temporaries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('reports and exports are never left half-written', () => {
  it('a report file whose write fails part-way keeps the previous file and leaves no temporary', async () => {
    const outDir = tempDir();
    writeFileSync(join(outDir, 'summary.json'), '{"previous": true}\n');
    faults.failWriteOf = 'summary.json';
    await expect(exportDatabase({ database: simulation().database, format: 'csv', outDir })).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(join(outDir, 'summary.json'), 'utf8')).toBe('{"previous": true}\n');
    expect(temporaries(outDir)).toEqual([]);
    // The files written before the failure are whole: the same export, without the fault, rewrites
    // them byte for byte.
    const before = readFileSync(join(outDir, 'yearly_aggregates.csv'), 'utf8');
    faults.failWriteOf = undefined;
    await exportDatabase({ database: simulation().database, format: 'csv', outDir });
    expect(readFileSync(join(outDir, 'yearly_aggregates.csv'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')).previous).toBeUndefined();
  });

  it('an exported table (DuckDB COPY) goes through a temporary: a failure before the rename leaves the old file', async () => {
    const outDir = tempDir();
    const target = join(outDir, 'fct_workforce_snapshot.parquet');
    writeFileSync(target, 'previous export');
    faults.failRenameOf = basename(target);
    await expect(exportDatabase({ database: simulation().database, format: 'parquet', outDir })).rejects.toThrow(/EIO/);
    expect(readFileSync(target, 'utf8')).toBe('previous export');
    expect(temporaries(outDir)).toEqual([]);
  });

  it('an analysis CSV whose write fails part-way is not left behind', async () => {
    const db = await openSimulationDatabase(simulation().database);
    const workforce = await analyzeWorkforce(db).finally(() => db.close());
    const outDir = tempDir();
    faults.failWriteOf = 'workforce_analysis.csv';
    await expect(writeAnalysis(outDir, workforce, 'csv', new Date(0))).rejects.toThrow(/ENOSPC/);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
