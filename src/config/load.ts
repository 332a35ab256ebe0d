/**
 * Loading: YAML file → top-level keys lower-cased → refusal of files that are not simulation configs →
 * env overrides → CLI overrides → translation of the reference's older shapes (with a notice each) →
 * unknown/ignored key scan → zod validation with defaults → hash. Every problem found is collected and
 * thrown as one ConfigError whose issues each start with the dotted path of the key.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { applyOverride, cliOverrides, envOverrides, type Override } from './env.js';
import { contradictionWarnings } from './checks.js';
import { configHash } from './hash.js';
import { applyDcPlan, type DcPlanSource } from './dc-plan-overlay.js';
import { applyEraDefaults, planDesignEras, type SectionEra } from './era.js';
import { applyOptOutTarget } from './opt-out-target.js';
import { applyCompensationPercentAliases } from './compensation-aliases.js';
import { KNOWN_SECTIONS, legacyMatchNotice, MATCH_FORMULA_PRESETS, simulationConfigSchema, type SimulationConfig } from './schema.js';
import { closestKey } from './suggest.js';
import { formatPath, isPlainObject, walkValue, type PathSegment, type WalkFindings } from './walk.js';

export interface LoadConfigOptions {
  /** The YAML file. */
  path: string;
  /** Environment for PLANALIGN_/NAV_ overrides; default process.env. */
  env?: Record<string, string | undefined>;
  /** Dotted paths, e.g. {'simulation.random_seed': 7}, applied after env. */
  overrides?: Record<string, unknown>;
  /** Unknown keys and sections become warnings (and are dropped) instead of errors. */
  allowUnknownKeys?: boolean;
  /** Read the file as if it had no dc_plan section: what its YAML sections alone say (the run output's "config says"). */
  withoutDcPlan?: boolean;
}

export interface LoadedConfig {
  /** Absolute path of the file. */
  path: string;
  /** Validated, defaults filled. */
  config: SimulationConfig;
  /** Dotted paths accepted but ignored (each once, sorted). */
  ignored: string[];
  /** Dotted paths of unknown keys and sections, dropped (only when allowUnknownKeys; else they are errors). */
  unknown: string[];
  /** One line each, starting with the dotted path: translations applied, unknown keys when allowed. */
  warnings: string[];
  /** The YAML keys the file's dc_plan overlay set, each with the dc_plan key(s) that set it. */
  dcPlan: DcPlanSource[];
  /** Per plan-design section, the era whose meaning applies and the 2026 keys that make it 2026. */
  eras: SectionEra[];
  /** SHA-256 of the canonical JSON of `config`. */
  hash: string;
}

export interface ParseConfigOptions {
  allowUnknownKeys?: boolean;
  /** Names the config in error messages (a file path, "scenario X"...). */
  source?: string;
  /** Environment overrides; none unless given (unlike loadConfig). */
  env?: Record<string, string | undefined>;
  overrides?: Record<string, unknown>;
}

const HINT = 'See config/simulation_config.yaml for the supported keys and their meaning.';

/** Read, parse and validate a configuration file. Throws ConfigError. */
export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const path = resolvePath(opts.path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? `Configuration file not found: ${path}` : `Cannot read configuration file ${path}: ${(error as Error).message}`;
    throw new ConfigError(message, [], { file: path }, 'Check the configuration file path (relative paths are resolved against the current directory).');
  }

  const { raw, yamlWarnings } = parseYaml(path, text);
  const resolved = resolveConfig(raw, {
    source: path,
    env: opts.env ?? process.env,
    overrides: opts.overrides,
    allowUnknownKeys: opts.allowUnknownKeys,
    withoutDcPlan: opts.withoutDcPlan,
  });
  return { path, ...resolved, warnings: [...yamlWarnings, ...resolved.warnings] };
}

/** The last file parsed: `simulate` loads its config twice (with and without the overrides). */
let lastParsed: { path: string; text: string; raw: unknown; yamlWarnings: string[] } | undefined;

/**
 * The file's YAML as plain data. The same text is parsed once per process (parsing is most of a
 * load's time); resolveConfig copies the data before changing it.
 */
function parseYaml(path: string, text: string): { raw: unknown; yamlWarnings: string[] } {
  if (lastParsed?.path === path && lastParsed.text === text) return lastParsed;
  // YAML 1.2 core schema: unquoted dates such as 2020-01-01 stay strings, yes/no are not booleans.
  const doc = parseDocument(text, { version: '1.2', schema: 'core', prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const what = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return pos ? `${path}:${pos.line}:${pos.col}: ${what}` : `${path}: ${what}`;
    });
    throw new ConfigError(`Invalid YAML in ${path}:`, issues, { file: path, row: doc.errors[0]?.linePos?.[0].line }, HINT);
  }
  const yamlWarnings = doc.warnings.map((w) => `${path}: ${(w.message.split('\n')[0] ?? '').trim()}`);
  lastParsed = { path, text, raw: doc.toJS(), yamlWarnings };
  return lastParsed;
}

/** Validate an already-parsed configuration (tests, scenario files, API callers). Throws ConfigError. */
export function parseConfig(raw: unknown, opts: ParseConfigOptions = {}): Omit<LoadedConfig, 'path'> {
  return resolveConfig(raw, { ...opts, source: opts.source ?? '<in-memory config>', env: opts.env ?? {} });
}

interface ResolveOptions {
  source: string;
  env: Record<string, string | undefined>;
  overrides?: Record<string, unknown> | undefined;
  allowUnknownKeys?: boolean | undefined;
  withoutDcPlan?: boolean | undefined;
}

function resolveConfig(raw: unknown, opts: ResolveOptions): Omit<LoadedConfig, 'path'> {
  const fail = (issues: string[]): never => {
    throw new ConfigError(`Invalid configuration in ${opts.source}:`, issues, { file: opts.source }, HINT);
  };
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) {
    fail([`(top level): must be a mapping of sections, got ${describeValue(raw)}`]);
  }

  const issues: string[] = [];
  const warnings: string[] = [];

  // Top-level keys are lower-cased, as the reference did; nested keys are not.
  const sections = new Map<string, unknown>();
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    if (sections.has(lower)) issues.push(`${lower}: given twice (as "${key}" and another spelling)`);
    sections.set(lower, toPlainData(value));
  }
  const data: Record<string, unknown> = Object.fromEntries(sections); // own keys only, even "__proto__"
  refuseOtherFiles(data, opts.source);
  if (opts.withoutDcPlan) delete data.dc_plan;

  const env = envOverrides(opts.env);
  warnings.push(...env.warnings);
  const overrides: Override[] = [...env.overrides, ...cliOverrides(opts.overrides ?? {})];
  for (const o of overrides) applyOverride(data, o.path, o.value);

  // Older shapes, unknown and ignored keys, before validation.
  const findings: WalkFindings = { unknown: [], ignored: [], notices: translateOlderMatchFormulas(data) };
  const shape = simulationConfigSchema.shape as Record<string, z.core.$ZodType>;
  for (const key of Object.keys(data)) {
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (schema !== undefined) {
      if (walkValue(schema, data[key], [key], findings) === 'drop') delete data[key];
      continue;
    }
    findings.unknown.push({ path: [key], known: [...KNOWN_SECTIONS] });
    delete data[key];
  }
  // The eras read the keys as written; then dc_plan's plan-design keys move onto the YAML keys they
  // override, except where the environment or the command line set those (they win).
  const eras = planDesignEras(data, findings.ignored);
  applyEraDefaults(data, eras);
  applyOptOutTarget(data, findings.ignored);
  findings.notices.push(...applyCompensationPercentAliases(data));
  const overlay = applyDcPlan(data, (path) => overriddenBy(overrides, path), MATCH_FORMULA_PRESETS);
  const legacyMatch = legacyMatchNotice(data);
  findings.notices.push(...overlay.notices, ...(legacyMatch ? [legacyMatch] : []));
  issues.push(...overlay.issues);
  // An error in a value dc_plan set names that dc_plan key, as one set from the environment names its variable.
  const origins: Override[] = [...overlay.sources.map((s) => ({ path: s.key.split('.'), value: undefined, origin: s.source })), ...overrides];
  const originOf = (path: readonly PathSegment[]) => findOrigin(origins, path);
  warnings.push(...findings.notices);
  for (const { path, known } of findings.unknown) {
    const key = String(path[path.length - 1]);
    const suggestion = closestKey(key, known);
    const text =
      path.length === 1
        ? `${key}: unknown section${suggestion ? ` (did you mean "${suggestion}"?)` : ''}${originSuffix(originOf(path))}; the known sections are ${known.join(', ')}`
        : `${formatPath(path)}: unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}${originSuffix(originOf(path))}`;
    if (opts.allowUnknownKeys) warnings.push(`${text}; ignored`);
    else issues.push(text);
  }

  const result = simulationConfigSchema.safeParse(data, { reportInput: true });
  if (!result.success) issues.push(...result.error.issues.flatMap((issue) => formatIssue(issue, originOf)));
  if (issues.length > 0 || !result.success) return fail(issues);

  const config = pruneUndefined(result.data) as SimulationConfig;
  return {
    config,
    ignored: [...new Set(findings.ignored)].sort(),
    unknown: findings.unknown.map(({ path }) => formatPath(path)),
    warnings: [...warnings, ...contradictionWarnings(config)],
    dcPlan: overlay.sources,
    eras,
    hash: configHash(config),
  };
}

/**
 * Files of the reference's config folder that are not simulation configs, by the sections that give
 * them away (reference-config-keys-head.md §X). Loading one as a config would report a dozen unknown
 * sections and a missing `simulation`; say what it is instead.
 */
const OTHER_FILES: ReadonlyArray<{ looksLike: string; sections: readonly string[] }> = [
  {
    looksLike: "the reference's storage settings, storage_config.yaml",
    sections: ['duckdb', 'file_formats', 'caching', 'monitoring', 'environments', 'integration'],
  },
  {
    looksLike: "the reference's test-scenario lists, policy_test_scenarios*.yaml or test_scenarios_e058.yaml",
    sections: ['scenarios', 'categories', 'test_scenarios', 'test_execution', 'success_criteria'],
  },
];

function refuseOtherFiles(data: Record<string, unknown>, source: string): void {
  if (Object.hasOwn(data, 'simulation')) return;
  for (const { looksLike, sections } of OTHER_FILES) {
    const found = sections.filter((s) => Object.hasOwn(data, s));
    if (found.length === 0) continue;
    throw new ConfigError(
      `${source}: not a simulation config (it looks like ${looksLike}, by its sections ${found.join(', ')})`,
      [],
      { file: source },
      'Pass a simulation config, e.g. config/simulation_config.yaml, or a scenario file to planalign batch.',
    );
  }
}

/**
 * The reference's older match formula shape `{match_rate, match_cap}` (no `type`) is a simple formula:
 * `match_rate` on deferrals up to `match_cap` of pay, which is exactly `max_match_percentage` of a
 * simple formula here. Rewritten in place; returns a notice per formula.
 */
function translateOlderMatchFormulas(data: Record<string, unknown>): string[] {
  const match = data.employer_match;
  const formulas = isPlainObject(match) ? match.formulas : undefined;
  if (!isPlainObject(formulas)) return [];
  const notices: string[] = [];
  for (const [name, formula] of Object.entries(formulas)) {
    if (!isPlainObject(formula) || !Object.hasOwn(formula, 'match_cap')) continue;
    if (Object.hasOwn(formula, 'type') || Object.hasOwn(formula, 'max_match_percentage')) continue;
    const { match_cap, ...rest } = formula;
    formulas[name] = { ...rest, type: 'simple', max_match_percentage: match_cap };
    notices.push(
      `employer_match.formulas.${name}: older shape {match_rate, match_cap} read as a simple formula ` +
        `(match_rate ${describeValue(formula.match_rate)} on deferrals up to max_match_percentage ${describeValue(match_cap)} of pay)`,
    );
  }
  return notices;
}

// ---------------------------------------------------------------------------------------------

/** Dates (from YAML 1.1 timestamps or JS callers) become YYYY-MM-DD; everything else is copied. */
function toPlainData(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(value)) return value.map(toPlainData);
  if (value instanceof Map) return toPlainData(Object.fromEntries(value));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlainData(v)]));
  return value;
}

function pruneUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneUndefined);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = pruneUndefined(v);
  return out;
}

/** The environment variable or command-line override that sets `path`, a key above it or one below it. */
function overriddenBy(overrides: readonly Override[], path: readonly string[]): string | undefined {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as Override;
    const shared = Math.min(o.path.length, path.length);
    if (o.path.slice(0, shared).every((seg, j) => seg === path[j])) return o.origin;
  }
  return undefined;
}

/** The override that set this path or one of its parents (the last one applied wins). */
function findOrigin(overrides: readonly Override[], path: readonly PathSegment[]): string | undefined {
  const issuePath = path.map(String);
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as Override;
    const shared = Math.min(o.path.length, issuePath.length);
    // Same path, a parent of it, or (for unknown sections) a child of it.
    if (o.path.slice(0, shared).every((seg, j) => seg === issuePath[j])) {
      if (o.path.length <= issuePath.length || issuePath.length === 1) return o.origin;
    }
  }
  return undefined;
}

const originSuffix = (origin: string | undefined) => (origin ? ` (set by ${origin})` : '');

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Record<string, string> = { int: 'a whole number', number: 'a number', boolean: 'true or false', string: 'text', object: 'a mapping', record: 'a mapping', array: 'a list' };

/** One zod issue → lines that start with the dotted path and show the bad value. */
function formatIssue(issue: z.core.$ZodIssue, originOf: (path: readonly PathSegment[]) => string | undefined): string[] {
  const path = issue.path as PathSegment[];
  const where = formatPath(path);
  const origin = originSuffix(originOf(path));
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? '' : ` (got ${describeValue(input)})`;

  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return [`${where}: ${path.length === 1 ? 'required section is missing' : 'is required'}${origin}`];
      if (issue.expected === 'int' && typeof input === 'number') return [`${where}: must be a whole number${got}${origin}`];
      return [`${where}: must be ${TYPE_NAMES[issue.expected] ?? issue.expected}${got}${origin}`];
    }
    case 'invalid_value': {
      const message = issue.message.startsWith('Invalid option')
        ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
        : issue.message;
      return [`${where}: ${message}${got}${origin}`];
    }
    case 'invalid_key': // a record key failed its own check (e.g. job level 7)
      return [`${where}: ${issue.issues[0]?.message ?? 'invalid key'}${origin}`];
    case 'invalid_union':
      return [`${where}: has the wrong type${got}${origin}`];
    case 'unrecognized_keys': // normally caught earlier by the walker
      return issue.keys.map((key) => `${formatPath([...path, key])}: unknown key${origin}`);
    default:
      return [`${where}: ${issue.message}${got}${origin}`];
  }
}
