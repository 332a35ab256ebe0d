import { canonicalJson } from '../config/hash.js';

/** One config value that differs between two runs, by dotted path (`a.b[2].c`). */
export interface ConfigChange {
  path: string;
  /** undefined: the key is not set on that side. */
  before: unknown;
  after: unknown;
}

/**
 * The leaves whose values differ between two JSON values (a recorded canonical config and the
 * current one), in path order. Arrays of equal length are compared element by element; otherwise an
 * array is one value.
 */
export function configChanges(before: unknown, after: unknown, path = ''): ConfigChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => configChanges(before[k], after[k], path === '' ? k : `${path}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => configChanges(b, after[i], `${path}[${i}]`));
  }
  const same = before === undefined || after === undefined ? before === after : canonicalJson(before) === canonicalJson(after);
  return same ? [] : [{ path, before, after }];
}

/** "simulation.random_seed 42 → 7", at most `limit` of them, then how many more. */
export function describeConfigChanges(changes: readonly ConfigChange[], limit = 10): string {
  const text = (v: unknown): string => (v === undefined ? '(not set)' : canonicalJson(v));
  const shown = changes.slice(0, limit).map((c) => `${c.path} ${text(c.before)} → ${text(c.after)}`);
  if (changes.length > limit) shown.push(`and ${changes.length - limit} more`);
  return shown.join(', ');
}

/** The tables whose hash differs, or that only one side has, sorted. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return files.filter((f) => before[f] !== after[f]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
