import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedisServer } from '../../src/bench/redis-server.js';
import { ensureChromium } from './chromium.js';

/** Fails the run if any test created or touched the default database in the working folder. */
const DEFAULT_DATABASE = 'simulation.duckdb';

/**
 * Every temp file of the run (test databases, CLI children's files) goes under one folder, removed at
 * the end: the suite writes a few GiB in all, and left behind, runs on a shared disk fill it.
 */
export default function setup(): () => void {
  const before = existsSync(DEFAULT_DATABASE) ? statSync(DEFAULT_DATABASE).mtimeMs : undefined;
  // Once, before any test file: installing Debian's redis-server or chromium on a fresh machine outlasts a hook's timeout.
  ensureRedisServer();
  ensureChromium();
  const root = mkdtempSync(join(tmpdir(), 'planalign-test-'));
  // The test processes are forked after this and inherit it; os.tmpdir() reads TMPDIR on each call.
  process.env.TMPDIR = root;
  process.env.PLANALIGN_TEST_TMP_ROOT = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    const after = existsSync(DEFAULT_DATABASE) ? statSync(DEFAULT_DATABASE).mtimeMs : undefined;
    if (after !== before) {
      throw new Error(`A test wrote to the default database ./${DEFAULT_DATABASE}: every test must use its own temp database`);
    }
  };
}
