/** Canonical JSON and the configuration hash recorded with every run. */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted (by UTF-16 code unit) and no whitespace, so equal configurations give equal
 * text whatever the key order of the file. As in JSON.stringify, object keys whose value is undefined are
 * left out. Values JSON cannot carry exactly (NaN, Infinity, bigint, functions) are rejected.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: cannot encode ${value}`);
      return JSON.stringify(value); // -0 becomes 0
    case 'object': {
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const entries = Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

/**
 * Keys that steer how a run behaves or is read, not what it computes: left out of the hash (and of the
 * stored config JSON), so that changing one never makes --resume refuse a run nor an ensemble re-run
 * its jobs (its thresholds are evaluated over the finished jobs' results).
 */
const RUN_BEHAVIOUR_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['setup', 'fail_on_validation_error'],
  ['ensemble', 'thresholds'],
];

/** The canonical JSON of what a resolved configuration computes: what configHash hashes and a run stores. */
export function configJson(config: unknown): string {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return canonicalJson(config);
  const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const [section, key] of RUN_BEHAVIOUR_KEYS) {
    const value = copy[section];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && key in value) {
      const { [key]: _omitted, ...rest } = value as Record<string, unknown>;
      // A section left empty is as if absent (`ensemble` with thresholds only).
      copy[section] = Object.values(rest).some((v) => v !== undefined) ? rest : undefined;
    }
  }
  return canonicalJson(copy);
}

/** SHA-256 (hex) of a resolved configuration's configJson. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(configJson(config), 'utf8').digest('hex');
}
