import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `path` through a temporary file in the same folder (so the rename stays on one file system),
 * renamed over `path` once `write` has finished: a reader sees the previous file or the complete new
 * one, and a failure part-way leaves no half-written file, only what was there before.
 */
export async function writeAtomically(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await write(temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** `writeAtomically` for a text file. */
export function writeTextAtomically(path: string, text: string): Promise<void> {
  return writeAtomically(path, (temp) => writeFile(temp, text, 'utf8'));
}
