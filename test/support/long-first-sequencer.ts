import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that take minutes, slowest first (their times in a run's summary). On a fresh clone
 * vitest has no durations cached and starts the largest files first, which put these short files, the
 * dead-key guard's shards, last: they then ran alone for their ~200 s at the end of the suite. Started
 * first, they overlap everything else.
 */
const LONG_FILES = [
  'test/config/dead-keys.test.ts',
  'test/cli/orchestrator-cli.test.ts',
  'test/config/dead-keys-2.test.ts',
  'test/config/dead-keys-3.test.ts',
  'test/e2e/scenario-matrix.test.ts',
  'test/orchestrator/orchestrator.test.ts',
  'test/migration/compare.test.ts',
  'test/executor/queue.test.ts',
];

/** vitest's own order (cached durations, else file size), with LONG_FILES moved to the front. */
export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = LONG_FILES.indexOf(relative(this.ctx.config.root, spec.moduleId).replaceAll('\\', '/'));
      return index === -1 ? LONG_FILES.length : index;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}
