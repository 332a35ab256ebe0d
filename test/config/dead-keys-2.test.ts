import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/tmp.js';
import { DEAD_KEY_SHARDS, deadKeys } from './dead-keys.guard.js';

/** Shard 2 of the dead-key guard (dead-keys.guard.ts): a file of its own, so that it runs beside the others. */
const tempDir = useTempDir();

describe('dead-key guard', () => {
  it(`sees every applied key of shard 2 of ${DEAD_KEY_SHARDS} change a result`, async () => {
    const dead = await deadKeys(1, tempDir());
    expect(dead, `dead keys:\n${dead.join('\n')}`).toEqual([]);
  }, 600_000);
});
