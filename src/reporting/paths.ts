import { mkdirSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** A plain file name: letters, digits, dot, dash, underscore; no separators, no leading dot. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * The path of `fileName` inside `outDir`, refusing anything that would land elsewhere (a separator,
 * `..`, an absolute name). Every report and export file goes through here.
 */
export function outputPath(outDir: string, fileName: string): string {
  const root = resolve(outDir);
  const path = resolve(root, fileName);
  const rel = relative(root, path);
  if (!FILE_NAME.test(fileName) || rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel !== fileName) {
    throw new UsageError(`Refusing to write "${fileName}": output files must stay inside ${root}`, { file: fileName });
  }
  return path;
}

/** Creates `outDir` (and its parents) when missing; returns it resolved. */
export function ensureOutDir(outDir: string): string {
  if (outDir.trim() === '') throw new UsageError('The output folder must not be empty');
  const root = resolve(outDir);
  try {
    mkdirSync(root, { recursive: true });
  } catch (error) {
    throw new UsageError(`Cannot create output folder ${root}: ${error instanceof Error ? error.message : String(error)}`, {
      file: root,
    });
  }
  return root;
}
