/**
 * Overrides applied on top of the YAML: environment variables, then CLI `--set`-style dotted paths.
 *
 * `PLANALIGN_<SECTION>__<KEY>[__<SUBKEY>...]=value` and the reference's `NAV_<SECTION>__<KEY>=value`.
 * The path is lower-cased and split on `__`. NAV_ is applied first so PLANALIGN_ wins on the same path.
 * Variables with these prefixes but no `__` (e.g. PLANALIGN_CONFIG) are not overrides and are skipped.
 */
import { ConfigError } from '../errors.js';
import { isPlainObject } from './walk.js';

/** In application order: later prefixes win. */
export const ENV_PREFIXES = ['NAV_', 'PLANALIGN_'] as const;

export interface Override {
  path: string[];
  value: unknown;
  /** Where it came from, for error messages: "environment variable X" or "override a.b". */
  origin: string;
}

/** Path segments that would reach Object.prototype instead of a config key. */
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const isBadPath = (path: readonly string[]) => path.some((seg) => seg === '' || UNSAFE_SEGMENTS.has(seg));

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `true`/`false` (any case) → boolean; a decimal number → number; anything else stays a string. */
export function coerceScalar(raw: string): string | number | boolean {
  const lower = raw.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (NUMBER.test(raw.trim())) return Number(raw.trim());
  return raw;
}

/** Overrides found in `env`, in application order, plus warnings for malformed override names. */
export function envOverrides(env: Record<string, string | undefined>): { overrides: Override[]; warnings: string[] } {
  const overrides: Override[] = [];
  const warnings: string[] = [];
  for (const prefix of ENV_PREFIXES) {
    const names = Object.keys(env)
      .filter((name) => name.startsWith(prefix) && name.includes('__', prefix.length))
      .sort();
    for (const name of names) {
      const value = env[name];
      if (value === undefined) continue;
      const path = name.slice(prefix.length).toLowerCase().split('__');
      if (isBadPath(path)) {
        warnings.push(`environment variable ${name} ignored: expected ${prefix}<SECTION>__<KEY>[__<SUBKEY>...]`);
        continue;
      }
      overrides.push({ path, value: coerceScalar(value), origin: `environment variable ${name}` });
    }
  }
  return { overrides, warnings };
}

/** CLI overrides: `{'simulation.random_seed': 7}`. The section name is lower-cased like the file's. */
export function cliOverrides(overrides: Record<string, unknown>): Override[] {
  return Object.entries(overrides).map(([dotted, value]) => {
    const path = dotted.split('.');
    if (isBadPath(path)) {
      throw new ConfigError(`Invalid override "${dotted}": expected a dotted path such as simulation.random_seed`);
    }
    path[0] = (path[0] ?? '').toLowerCase();
    return { path, value: structuredClone(value), origin: `override ${dotted}` };
  });
}

/**
 * Set `path` in `target`. Missing or non-mapping intermediate values become empty mappings (the
 * reference's behaviour); an existing list can be indexed by position.
 */
export function applyOverride(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  type Container = Record<string, unknown> | unknown[];
  const isIndex = (seg: string | undefined) => seg !== undefined && /^\d+$/.test(seg);
  let node: Container = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string;
    const next = path[i + 1];
    const slot = node as Record<string, unknown>; // arrays are only kept when indexed by position
    if (next === undefined) {
      slot[seg] = value;
      return;
    }
    const child = slot[seg];
    const keep = isPlainObject(child) || (Array.isArray(child) && isIndex(next));
    if (!keep) slot[seg] = {};
    node = slot[seg] as Container;
  }
}
