/**
 * Walks a raw config alongside the zod schema, before validation, to:
 * - find unknown keys inside strict (used) sections, with the keys that were expected there;
 * - find ignored keys that are present (so they can be reported once each);
 * - treat an empty YAML section (`setup:` with only comments, i.e. null) as absent, so defaults apply;
 * - treat a null number that has a default as absent, with a notice: the reference's optional numbers
 *   (`eligibility.waiting_period_days: null`) meant "not set".
 * Unknown keys are removed from the value as they are found; the loader reports them (or warns).
 */
import type { z } from 'zod';
import { ignoredRegistry } from './ignored.js';

export type PathSegment = string | number;

export interface UnknownKey {
  path: PathSegment[];
  known: string[];
}

export interface WalkFindings {
  unknown: UnknownKey[];
  ignored: string[];
  /** Translations applied, one line each, starting with the dotted path. */
  notices: string[];
}

type Schema = z.core.$ZodType;

/** The parts of zod's internal definitions the walker reads. */
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  valueType?: Schema;
  element?: Schema;
  defaultValue?: unknown;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** The schema a wrapper wraps: a pipe's input, except a preprocess's, which is the schema it feeds. */
const innerOf = (def: Def): Schema | undefined =>
  WRAPPERS.has(def.type) ? def.innerType : def.type !== 'pipe' ? undefined : defOf(def.in!).type === 'transform' ? def.out : def.in;

/** Wrappers that do not change the shape of the value they hold. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `a.b[0].c` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}

/** Keys of an object schema (looking through wrappers), or undefined. */
export function objectKeys(schema: Schema): string[] | undefined {
  const { def } = unwrap(schema);
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : undefined;
}

interface Unwrapped {
  def: Def;
  nullable: boolean;
  ignored: boolean;
  /** Present when a default wraps the schema. */
  default?: { value: unknown };
}

/** The schema under its wrappers and transforms (innerOf), and what they said. */
export function unwrap(schema: Schema): Unwrapped {
  let current = schema;
  let nullable = false;
  let defaulted: Unwrapped['default'];
  for (;;) {
    if (ignoredRegistry.has(current)) return { def: defOf(current), nullable, ignored: true };
    const def = defOf(current);
    if (def.type === 'nullable') nullable = true;
    if (def.type === 'default') defaulted ??= { value: def.defaultValue };
    const next = innerOf(def);
    if (next === undefined) return { def, nullable, ignored: false, ...(defaulted && { default: defaulted }) };
    current = next;
  }
}

/**
 * Walk `value` (mutated: unknown keys and empty sections are removed) against `schema`.
 * Returns 'drop' when the caller should delete the value (a null where a section was expected).
 */
export function walkValue(schema: Schema, value: unknown, path: PathSegment[], findings: WalkFindings): 'drop' | undefined {
  const { def, nullable, ignored } = unwrap(schema);
  if (ignored) {
    if (value !== undefined) findings.ignored.push(formatPath(path));
    return undefined;
  }
  if (value === null && !nullable && (def.type === 'object' || def.type === 'record')) return 'drop';

  if (def.type === 'object' && isPlainObject(value)) {
    const shape = def.shape ?? {};
    // strictObject has a `never` catchall; loose and plain objects accept other keys.
    const strict = def.catchall !== undefined && defOf(def.catchall).type === 'never';
    for (const key of Object.keys(value)) {
      const child = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (child === undefined) {
        if (strict) {
          findings.unknown.push({ path: [...path, key], known: Object.keys(shape) });
          delete value[key];
        }
        continue;
      }
      const childInfo = unwrap(child);
      if (value[key] === null && childInfo.def.type === 'number' && !childInfo.nullable && childInfo.default !== undefined) {
        findings.notices.push(`${formatPath([...path, key])}: null read as not set; the default ${String(childInfo.default.value)} applies`);
        delete value[key];
        continue;
      }
      if (walkValue(child, value[key], [...path, key], findings) === 'drop') delete value[key];
    }
  } else if (def.type === 'record' && def.valueType && isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (walkValue(def.valueType, value[key], [...path, key], findings) === 'drop') delete value[key];
    }
  } else if (def.type === 'array' && def.element && Array.isArray(value)) {
    value.forEach((item, i) => walkValue(def.element as Schema, item, [...path, i], findings));
  }
  return undefined;
}

/** Every ignored path the schema declares (for tests and documentation). */
export function declaredIgnoredPaths(schema: Schema): string[] {
  const found: string[] = [];
  const visit = (s: Schema): void => {
    let current = s;
    for (;;) {
      const meta = ignoredRegistry.get(current);
      if (meta) {
        found.push(meta.path);
        return;
      }
      const def = defOf(current);
      const next = innerOf(def);
      if (next === undefined) break;
      current = next;
    }
    const def = defOf(current);
    if (def.type === 'object') for (const child of Object.values(def.shape ?? {})) visit(child);
    if (def.type === 'record' && def.valueType) visit(def.valueType);
    if (def.type === 'array' && def.element) visit(def.element);
  };
  visit(schema);
  return found.sort();
}
