/**
 * What each config key means, for forms (the Studio's `/api/config/metadata`) and editors (the JSON
 * Schema `planalign schema` writes, committed as config/planalign-config.schema.json).
 *
 * Type, default, range and allowed values are read from the zod schema (through its JSON Schema, so
 * that both outputs say the same); descriptions and units are written by hand in src/config/metadata/,
 * one file per group of sections. test/config/metadata.test.ts checks that every honoured key has them
 * and that no text names a key the schema does not have.
 */
import type { z } from 'zod';
import { DC_PLAN_SAME_AS, DC_PLAN_TEXTS } from './metadata/dc-plan.js';
import { EMPLOYER_TEXTS } from './metadata/employer.js';
import { ENROLLMENT_TEXTS } from './metadata/enrollment.js';
import { WORKFORCE_TEXTS } from './metadata/workforce.js';
import type { KeyText, KeyUnit } from './metadata/types.js';
import { configJsonSchema, simulationConfigSchema } from './schema.js';
import { declaredIgnoredPaths, unwrap } from './walk.js';

export type { KeyUnit } from './metadata/types.js';

export interface KeyMetadata {
  /** Dotted; `<key>` stands for any key of a map, `[]` for any item of a list (employer_match.formulas.<key>.tiers[].match_rate). */
  key: string;
  description: string;
  unit: KeyUnit;
  /**
   * JSON Schema type(s): integer, number, string, boolean, array, object; a union joined by `|`. A dc_plan
   * key that sets a YAML key as it is has that key's type and range; the others are `any` (checked once moved).
   */
  type: string;
  default?: unknown;
  min?: number;
  max?: number;
  /** True when `min` itself is not allowed (target_growth_rate > -1). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  enum?: string[];
  /** null is allowed (and means "none", e.g. no hire-date cutoff). */
  nullable?: boolean;
  /** The key must be given whenever its section (or list item) is (simulation.start_year, tiers[].match_rate). */
  required?: boolean;
  /** The top-level section (the key itself for a top-level key). */
  section: string;
}

/** Every hand-written text, by key. */
export const KEY_TEXTS: Readonly<Record<string, KeyText>> = { ...WORKFORCE_TEXTS, ...ENROLLMENT_TEXTS, ...EMPLOYER_TEXTS, ...DC_PLAN_TEXTS };

type Schema = z.core.$ZodType;
type JsonNode = Record<string, unknown>;

/**
 * Every key a config schema honours (not ignored), as a dotted path, sorted. Objects are walked into; a
 * map is a key of its own (`level_overrides`), and so is each field of its entries when they are objects
 * (`employer_match.formulas.<key>.match_rate`); likewise a list of objects and the fields of its items
 * (`tiers`, `tiers[].match_rate`).
 */
export function honouredConfigKeys(schema: Schema = simulationConfigSchema): string[] {
  const keys: string[] = [];
  const visit = (s: Schema, path: string): void => {
    const { def, ignored } = unwrap(s);
    if (ignored) return;
    if (def.type === 'object') {
      for (const [key, child] of Object.entries(def.shape ?? {})) visit(child, path === '' ? key : `${path}.${key}`);
      return;
    }
    keys.push(path);
    const item = def.type === 'record' ? def.valueType : def.type === 'array' ? def.element : undefined;
    if (item !== undefined && unwrap(item).def.type === 'object') visit(item, def.type === 'record' ? `${path}.<key>` : `${path}[]`);
  };
  visit(schema, '');
  return keys.sort();
}

/** The path segments of a dotted key: `a.<key>.b[].c` → a, <key>, b, [], c. */
export const keySegments = (key: string): string[] => key.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '[]'] : [part]));

/** The schema of a value, through a nullable or optional union (anyOf [X, {type: null}]). */
function valueBranch(node: JsonNode): JsonNode {
  const anyOf = node.anyOf as JsonNode[] | undefined;
  const branches = anyOf?.filter((b) => b.type !== 'null');
  return branches?.length === 1 ? valueBranch(branches[0] as JsonNode) : node;
}

/** The JSON Schema node of a key in the config's JSON Schema (throws for a path it does not have). */
function nodeAt(root: JsonNode, key: string): JsonNode {
  return locate(root, key).node;
}

/** The node of a key and whether its parent object requires it. */
function locate(root: JsonNode, key: string): { node: JsonNode; required: boolean } {
  let node = root;
  let required = false;
  for (const segment of keySegments(key)) {
    const value = valueBranch(node);
    const next = segment === '<key>' ? value.additionalProperties : segment === '[]' ? value.items : (value.properties as Record<string, unknown> | undefined)?.[segment];
    if (typeof next !== 'object' || next === null) throw new Error(`config JSON Schema has no key ${key} (at ${segment})`);
    required = Array.isArray(value.required) && value.required.includes(segment);
    node = next as JsonNode;
  }
  return { node, required };
}

/** Integer bounds of zod's int(): the safe-integer range, which says nothing to an analyst or an editor. */
const isSafeIntegerBound = (value: unknown): boolean => value === Number.MAX_SAFE_INTEGER || value === Number.MIN_SAFE_INTEGER;

// Built once per process (zod's JSON Schema takes ~0.1 s) and handed out as copies.
let cachedPlainSchema: JsonNode | undefined;
let cachedMetadata: KeyMetadata[] | undefined;
let cachedJsonSchema: Record<string, unknown> | undefined;

/**
 * The config's JSON Schema without the safe-integer bounds of integers, as a tree of its own: a JSON
 * round trip, so that no two keys share a node even where one zod schema serves both (the match's and
 * the core's eligibility), which structuredClone would keep shared.
 */
function plainSchema(): JsonNode {
  const strip = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(strip);
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
    const object = node as JsonNode;
    if (object.type === 'integer') {
      for (const bound of ['minimum', 'maximum']) if (isSafeIntegerBound(object[bound])) delete object[bound];
    }
    for (const [key, child] of Object.entries(object)) if (key !== 'default' && key !== 'enum' && key !== 'const') strip(child);
  };
  if (cachedPlainSchema === undefined) {
    cachedPlainSchema = configJsonSchema() as JsonNode;
    strip(cachedPlainSchema);
  }
  return JSON.parse(JSON.stringify(cachedPlainSchema)) as JsonNode;
}

/** Type, range, allowed values and nullability of a key, read from its JSON Schema node. */
function structureOf(node: JsonNode): Omit<KeyMetadata, 'key' | 'description' | 'unit' | 'section' | 'default'> {
  const nullable = (node.anyOf as JsonNode[] | undefined)?.some((b) => b.type === 'null') || (Array.isArray(node.type) && node.type.includes('null'));
  const value = valueBranch(node);
  const branches = (value.anyOf as JsonNode[] | undefined) ?? [value];
  const types = [...new Set(branches.flatMap((b) => (Array.isArray(b.type) ? b.type : b.type === undefined ? [] : [b.type])).filter((t) => t !== 'null'))];
  // A union's range is its one numeric branch's (accounts.annual_return: a rate, or a map of rates).
  const numeric = branches.filter((b) => b.type === 'number' || b.type === 'integer');
  const ranged = numeric.length === 1 ? (numeric[0] as JsonNode) : {};
  const out: ReturnType<typeof structureOf> = { type: types.length === 0 ? 'any' : types.join('|') };
  for (const [bound, exclusive, flag] of [
    ['minimum', 'exclusiveMinimum', 'minExclusive'],
    ['maximum', 'exclusiveMaximum', 'maxExclusive'],
  ] as const) {
    const inclusiveValue = ranged[bound];
    const exclusiveValue = ranged[exclusive];
    const target = bound === 'minimum' ? 'min' : 'max';
    if (typeof exclusiveValue === 'number') {
      out[target] = exclusiveValue;
      out[flag] = true;
    } else if (typeof inclusiveValue === 'number') out[target] = inclusiveValue;
  }
  if (Array.isArray(value.enum)) out.enum = value.enum.map(String);
  if (nullable) out.nullable = true;
  return out;
}

function textOf(key: string): KeyText {
  const text = KEY_TEXTS[key];
  if (text === undefined) throw new Error(`config key ${key} has no description in src/config/metadata/`);
  return text;
}

/** Metadata of every honoured key, sorted by key. */
export function configKeyMetadata(): KeyMetadata[] {
  cachedMetadata ??= buildKeyMetadata();
  return structuredClone(cachedMetadata);
}

function buildKeyMetadata(): KeyMetadata[] {
  const schema = plainSchema();
  return honouredConfigKeys().map((key) => {
    const { node, required } = locate(schema, key);
    const [unit, description] = textOf(key);
    // A dc_plan key accepts anything here and is checked at the YAML key it sets: that key's type and range.
    const sameAs = DC_PLAN_SAME_AS[key];
    return {
      key,
      description,
      unit,
      ...structureOf(sameAs === undefined ? node : nodeAt(schema, sameAs)),
      ...(required && { required }),
      ...(Object.hasOwn(node, 'default') && { default: node.default }),
      section: keySegments(key)[0] as string,
    };
  });
}

/** configJsonSchemaWithMetadata as `planalign schema` writes it (and config/planalign-config.schema.json holds it). */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchemaWithMetadata(), null, 2)}\n`;
}

/**
 * The JSON Schema (2020-12) of a config file, each honoured key with its `description` and `x-unit`,
 * each ignored key marked `deprecated` with the reason it is ignored (its description).
 */
export function configJsonSchemaWithMetadata(): Record<string, unknown> {
  cachedJsonSchema ??= buildJsonSchema();
  return structuredClone(cachedJsonSchema);
}

function buildJsonSchema(): Record<string, unknown> {
  const schema = plainSchema();
  const nodes = honouredConfigKeys().map((key) => [key, nodeAt(schema, key)] as const);
  for (const [key, node] of nodes) {
    const [unit, description] = textOf(key);
    node.description = description;
    node['x-unit'] = unit;
  }
  for (const path of declaredIgnoredPaths(simulationConfigSchema)) nodeAt(schema, path).deprecated = true;
  return {
    $schema: schema.$schema,
    title: 'PlanAlign simulation config',
    description:
      'A PlanAlign simulation config (config/simulation_config.yaml, the reference engine\'s YAML format). Generated by `planalign schema`; ' +
      'units: fractions are decimals (0.06 = 6 %), percents are whole percents (6 = 6 %), money in US dollars.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
