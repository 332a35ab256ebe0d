import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Each test file gets its own temp folder (TMPDIR, so os.tmpdir() and CLI children use it), removed
 * when the file ends: the suite's disk use stays at what the running files hold.
 */
const root = process.env.PLANALIGN_TEST_TMP_ROOT;
if (root) {
  const dir = mkdtempSync(join(root, 'file-'));
  process.env.TMPDIR = dir;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
