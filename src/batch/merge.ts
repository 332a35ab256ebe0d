/**
 * The batch merge rule (reference §13): a scenario file is laid over the base config's raw mapping.
 * Mappings merge key by key, recursively; anything else in the scenario (a scalar, a list, null)
 * replaces the base value whole. Neither input is modified.
 */

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Sets an own property, even one named "__proto__" (plain assignment would change the prototype). */
function setOwn(target: Mapping, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of plain YAML data (mappings, lists, scalars). */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (isMapping(value)) {
    const out: Mapping = {};
    for (const [key, child] of Object.entries(value)) setOwn(out, key, cloneData(child));
    return out as T;
  }
  return value;
}

export function deepMerge(base: Mapping, overlay: Mapping): Mapping {
  const out = cloneData(base);
  for (const [key, value] of Object.entries(overlay)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwn(out, key, isMapping(current) && isMapping(value) ? deepMerge(current, value) : cloneData(value));
  }
  return out;
}

/**
 * Top-level section names lower-cased, as the config loader does, so that a scenario's `Simulation:`
 * merges into the base's `simulation:`. Two spellings of one section in one file are reported.
 */
export function normalizeSections(doc: Mapping, source: string): { sections: Mapping; issues: string[] } {
  const sections: Mapping = {};
  const issues: string[] = [];
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(doc)) {
    const lower = key.toLowerCase();
    const previous = seen.get(lower);
    if (previous !== undefined) {
      issues.push(`${source}: section ${lower} given twice (as "${previous}" and "${key}")`);
      continue;
    }
    seen.set(lower, key);
    setOwn(sections, lower, value);
  }
  return { sections, issues };
}
