import { PlanAlignError } from './errors.js';

/**
 * Resolution hints for failures whose message matters more than their type (DuckDB errors, file
 * system errors): the first pattern that matches gives the hint the CLI prints under the error.
 */
export interface ResolutionHint {
  title: string;
  pattern: RegExp;
  hint: string;
  /** The machine ran short (memory, disk): says nothing about the input being read. */
  resource?: true;
}

export const RESOLUTION_HINTS: readonly ResolutionHint[] = [
  {
    title: 'Database lock conflict',
    pattern: /conflicting lock|could not set lock|database is in use/i,
    hint: 'Another process holds the database. `planalign status --database F` shows which; wait for it or use another --database.',
  },
  {
    title: 'Out of memory',
    pattern: /out of memory|failed to allocate|memory limit/i,
    hint: 'Raise --memory-limit (default 3GiB), lower --threads, close other programs, or simulate fewer employees per run.',
    resource: true,
  },
  {
    title: 'Disk full',
    pattern: /no space left on device|disk full/i,
    hint: 'Free disk space next to the database (and in the temp folder), then resume with --resume.',
    resource: true,
  },
  {
    title: 'File not found',
    pattern: /no such file or directory|ENOENT|does not exist/i,
    hint: 'Check the path (relative paths are resolved against the working folder).',
  },
  {
    title: 'Permission denied',
    pattern: /permission denied|EACCES|read-only file system/i,
    hint: 'Check that you may write to the database and output folders.',
  },
  {
    title: 'Interrupted run',
    pattern: /without a checkpoint|was interrupted/i,
    hint: 'Continue where it stopped with --resume, or recompute with --force-restart.',
  },
];

/** Whether an error is the machine running short (memory, disk) rather than anything about the input. */
export function isResourceError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return RESOLUTION_HINTS.some((h) => h.resource && h.pattern.test(message));
}

/** The hint for an error: its own, else the first catalog entry whose pattern matches its message. */
export function resolutionHint(error: unknown): string | undefined {
  if (error instanceof PlanAlignError && error.hint) return error.hint;
  const message = error instanceof Error ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}` : String(error);
  return RESOLUTION_HINTS.find((h) => h.pattern.test(message))?.hint;
}
