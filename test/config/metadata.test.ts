import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IGNORED_KEYS, simulationConfigSchema } from '../../src/config/index.js';
import { configJsonSchemaText, configJsonSchemaWithMetadata, configKeyMetadata, KEY_TEXTS, keySegments, type KeyMetadata } from '../../src/config/metadata.js';
import { DC_PLAN_SAME_AS, DC_PLAN_TEXTS } from '../../src/config/metadata/dc-plan.js';
import { EMPLOYER_TEXTS } from '../../src/config/metadata/employer.js';
import { ENROLLMENT_TEXTS } from '../../src/config/metadata/enrollment.js';
import { WORKFORCE_TEXTS } from '../../src/config/metadata/workforce.js';
import { declaredIgnoredPaths, unwrap } from '../../src/config/walk.js';
import { runCli } from '../support/cli.js';
import { appliedConfigKeys } from '../support/config-perturbation.js';
import { useTempDir } from '../support/tmp.js';
import { DEFAULT_CONFIG } from './helpers.js';

const COMMITTED_SCHEMA = 'config/planalign-config.schema.json';
const REGENERATE = `node dist/cli/main.js schema --out ${COMMITTED_SCHEMA}`;

const DEFAULTS_AFTER_TRANSFORM = [
  'employer_match.formulas',
  'employer_core_contribution.graded_schedule',
  'employer_core_contribution.points_schedule',
  'employer_core_contribution.age_schedule',
];

type Schema = Parameters<typeof unwrap>[0];
type Json = Record<string, unknown>;

const metadata = configKeyMetadata();
const byKey = new Map(metadata.map((m) => [m.key, m]));
const meta = (key: string): KeyMetadata => {
  const found = byKey.get(key);
  if (found === undefined) throw new Error(`no metadata for ${key}`);
  return found;
};

/** The zod schema of a key, read from the zod definitions (not through the JSON Schema the metadata reads). */
function zodAt(key: string): Schema {
  let schema = simulationConfigSchema as unknown as Schema;
  for (const segment of keySegments(key)) {
    const { def } = unwrap(schema);
    const next = segment === '<key>' ? def.valueType : segment === '[]' ? def.element : def.shape?.[segment];
    if (next === undefined) throw new Error(`zod schema has no ${key}`);
    schema = next;
  }
  return schema;
}

/** min / max of a zod number from its checks. */
function zodRange(schema: Schema): Pick<KeyMetadata, 'min' | 'max' | 'minExclusive' | 'maxExclusive'> {
  const checks = ((unwrap(schema).def as { checks?: Array<{ _zod: { def: { check: string; value: number; inclusive: boolean } } }> }).checks ?? []).map((c) => c._zod.def);
  const range: Pick<KeyMetadata, 'min' | 'max' | 'minExclusive' | 'maxExclusive'> = {};
  for (const check of checks) {
    if (check.check === 'greater_than') Object.assign(range, { min: check.value }, !check.inclusive && { minExclusive: true });
    if (check.check === 'less_than') Object.assign(range, { max: check.value }, !check.inclusive && { maxExclusive: true });
  }
  return range;
}

/**
 * A small JSON Schema check of the keywords the generated schema uses (no validator is installed):
 * returns the paths that fail, with why.
 */
function validate(schema: Json, value: unknown, path = '$'): string[] {
  const fail = (why: string): string[] => [`${path}: ${why}`];
  if (Array.isArray(schema.anyOf)) {
    const results = (schema.anyOf as Json[]).map((branch) => validate(branch, value, path));
    if (results.every((r) => r.length > 0)) return fail(`matches no branch (${results.flat().join('; ')})`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return fail(`is ${actual}, expected ${types.join('|')}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return fail(`${JSON.stringify(value)} not in enum`);
  if ('const' in schema && schema.const !== value) return fail(`is not ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) return fail(`above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return fail(`not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return fail(`not below ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return fail('too short');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) return fail(`does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return fail('too few items');
    if (typeof schema.items === 'object') return value.flatMap((item, i) => validate(schema.items as Json, item, `${path}[${i}]`));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Json;
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    const problems = ((schema.required ?? []) as string[]).filter((k) => !(k in object)).map((k) => `${path}.${k}: is required`);
    for (const [key, child] of Object.entries(object)) {
      if (typeof schema.propertyNames === 'object') problems.push(...validate(schema.propertyNames as Json, key, `${path}.${key} (name)`));
      const rule = properties[key] ?? schema.additionalProperties;
      if (rule === false) problems.push(`${path}.${key}: is not allowed`);
      else if (typeof rule === 'object' && rule !== null) problems.push(...validate(rule as Json, child, `${path}.${key}`));
    }
    return problems;
  }
  return [];
}

describe('config key metadata', () => {
  it('describes every honoured key with a unit, and nothing else', () => {
    const applied = appliedConfigKeys(simulationConfigSchema);
    expect(metadata.map((m) => m.key)).toEqual(applied);
    expect(metadata.length).toBeGreaterThanOrEqual(310);
    const undescribed = metadata.filter((m) => m.description.trim().length < 20 || m.unit.length === 0).map((m) => m.key);
    expect(undescribed).toEqual([]);
    // A text for a key the schema does not have (misspelled, or removed from the schema) is an error.
    expect(Object.keys(KEY_TEXTS).filter((key) => !applied.includes(key))).toEqual([]);
    expect(Object.keys(KEY_TEXTS).filter((key) => key in IGNORED_KEYS)).toEqual([]);
    // Each key is described once: a second text in another file would silently replace the first.
    const tables = [WORKFORCE_TEXTS, ENROLLMENT_TEXTS, EMPLOYER_TEXTS, DC_PLAN_TEXTS];
    expect(tables.reduce((n, t) => n + Object.keys(t).length, 0)).toBe(Object.keys(KEY_TEXTS).length);
  });

  it('reads ranges, defaults, allowed values and nullability from the zod schema', () => {
    for (const m of metadata) {
      const schema = zodAt(m.key);
      const { def, nullable, default: defaulted } = unwrap(schema);
      if (def.type === 'number') {
        expect({ key: m.key, min: m.min, max: m.max, minExclusive: m.minExclusive, maxExclusive: m.maxExclusive }).toEqual({
          key: m.key,
          min: undefined,
          max: undefined,
          minExclusive: undefined,
          maxExclusive: undefined,
          ...zodRange(schema),
        });
      }
      if (def.type === 'enum') expect(m.enum, m.key).toEqual(Object.values((def as unknown as { entries: Record<string, string> }).entries));
      if (nullable) expect(m.nullable, m.key).toBe(true);
      // These defaults are values after a transform (the preset formulas, the core schedules' rows), which
      // an input schema cannot state: zod leaves them out of it.
      if (defaulted !== undefined && !DEFAULTS_AFTER_TRANSFORM.includes(m.key)) expect(m.default, m.key).toEqual(defaulted.value);
    }
  });

  it('gives the ranges of hand-checked keys', () => {
    // rate(): a share from 0 to 1.
    expect(meta('workforce.total_termination_rate')).toMatchObject({ type: 'number', unit: 'fraction', min: 0, max: 1, default: 0.12, section: 'workforce' });
    expect(meta('enrollment.auto_enrollment.opt_out_rates.by_age.young')).toMatchObject({ min: 0, max: 1, default: 0.1, unit: 'fraction' });
    // between(0, 0.2)
    expect(meta('setup.irs_limit_indexing_rate')).toMatchObject({ min: 0, max: 0.2, default: 0.025 });
    // Exclusive bounds: growth above -1, new-hire terminations below 0.99 (hiring divides by 1 - rate).
    expect(meta('simulation.target_growth_rate')).toMatchObject({ min: -1, minExclusive: true, max: 1, default: 0.03 });
    expect(meta('workforce.new_hire_termination_rate')).toMatchObject({ min: 0, max: 0.99, maxExclusive: true });
    expect(meta('workforce.new_hire_termination_rate').minExclusive).toBeUndefined();
    // Whole numbers: no safe-integer bounds.
    expect(meta('employer_match.eligibility.minimum_hours_annual')).toMatchObject({ type: 'integer', unit: 'hours', min: 0, max: 8784, default: 1000 });
    expect(meta('eligibility.waiting_period_days')).toMatchObject({ type: 'integer', unit: 'days', min: 0, default: 0 });
    expect(meta('eligibility.waiting_period_days').max).toBeUndefined();
    expect(meta('simulation.start_year')).toMatchObject({ type: 'integer', unit: 'year', min: 2000, required: true });
    expect(meta('simulation.start_year').default).toBeUndefined();
    expect(meta('eligibility.entry_date_type')).toMatchObject({ unit: 'enum', enum: ['immediate', 'monthly', 'quarterly', 'semi_annual'], default: 'immediate' });
    expect(meta('enrollment.auto_enrollment.hire_date_cutoff')).toMatchObject({ type: 'string', unit: 'date', nullable: true, default: '2020-01-01' });
    expect(meta('employer_match.formulas.<key>.tiers[].match_rate')).toMatchObject({ type: 'number', unit: 'fraction', min: 0, required: true, section: 'employer_match' });
    expect(meta('employer_match.graded_schedule[].match_rate')).toMatchObject({ unit: 'percent', min: 0, max: 200 });
    // A union: the range of its one numeric branch.
    expect(meta('accounts.annual_return')).toMatchObject({ type: 'number|object', min: -1, max: 1, default: 0 });
    // dc_plan keys are checked at the key they set: its type and range when they set it as it is, none
    // when they set it in another unit (a percent onto a fraction).
    expect(meta('dc_plan.default_deferral_percent')).toMatchObject({ type: 'any', unit: 'percent' });
    expect(meta('dc_plan.default_deferral_percent').max).toBeUndefined();
    expect(meta('dc_plan.match_min_hours_annual')).toMatchObject({ type: 'integer', unit: 'hours', min: 0, max: 8784 });
    expect(meta('dc_plan.match_min_hours_annual').default).toBeUndefined();
    expect(meta('dc_plan.match_min_hours_annual').description).toMatch(/^Sets employer_match\.eligibility\.minimum_hours_annual: hours worked/);
    expect(meta('dc_plan.core_status').enum).toEqual(['none', 'flat', 'graded_by_service', 'points_based', 'age_banded']);
  });

  it('gives a dc_plan key set as it is the checks of the key it sets', () => {
    expect(Object.keys(DC_PLAN_SAME_AS).length).toBeGreaterThan(30);
    const checks = ({ type, min, max, minExclusive, maxExclusive, enum: values, nullable, unit }: KeyMetadata) => ({
      type,
      min,
      max,
      minExclusive,
      maxExclusive,
      values,
      nullable,
      unit,
    });
    for (const [key, target] of Object.entries(DC_PLAN_SAME_AS)) expect({ key, ...checks(meta(key)) }).toEqual({ key, ...checks(meta(target)) });
  });

  it('lists the values of every key whose unit is a choice', () => {
    expect(metadata.filter((m) => m.unit === 'enum' && (m.enum ?? []).length < 2).map((m) => m.key)).toEqual([]);
  });
});

describe('config JSON Schema', () => {
  const schema = configJsonSchemaWithMetadata() as Json;
  const node = (...path: string[]): Json => path.reduce((n, p) => (n as Json)[p] as Json, schema as unknown) as Json;

  it('puts a description and unit on each key, also inside maps and lists', () => {
    expect(node('properties', 'employer_match', 'properties', 'formulas', 'additionalProperties', 'properties', 'tiers', 'items', 'properties', 'match_rate')).toEqual({
      type: 'number',
      minimum: 0,
      description: 'The match per dollar deferred within the tier (1.0 = dollar for dollar).',
      'x-unit': 'fraction',
    });
    // The match's and the core's eligibility come from one zod schema: each keeps its own text.
    const hours = (section: string) => node('properties', section, 'properties', 'eligibility', 'properties', 'minimum_hours_annual').description;
    expect(hours('employer_match')).toBe('Hours worked in the year an employee needs to receive the match.');
    expect(hours('employer_core_contribution')).toBe('Hours worked in the year an employee needs to receive the core contribution.');
    expect(JSON.stringify(schema)).not.toContain(String(Number.MAX_SAFE_INTEGER));
  });

  it('marks every ignored key deprecated, with its reason', () => {
    expect(node('properties', 'setup', 'properties', 'clear_tables')).toMatchObject({
      deprecated: true,
      description: `Accepted for compatibility with the reference and ignored: ${IGNORED_KEYS['setup.clear_tables']}.`,
    });
    expect(node('properties', 'age_bands', 'items', 'properties', 'band_id').deprecated).toBe(true);
    const deprecated: string[] = [];
    const visit = (n: unknown, path: string): void => {
      if (typeof n !== 'object' || n === null) return;
      const object = n as Json;
      if (object.deprecated === true) deprecated.push(path);
      for (const branch of (object.anyOf ?? []) as Json[]) visit(branch, path);
      for (const [key, child] of Object.entries((object.properties ?? {}) as Json)) visit(child, path === '' ? key : `${path}.${key}`);
      if (typeof object.items === 'object') visit(object.items, `${path}[]`);
      if (typeof object.additionalProperties === 'object') visit(object.additionalProperties, `${path}.<key>`);
    };
    visit(schema, '');
    expect(deprecated.sort()).toEqual(declaredIgnoredPaths(simulationConfigSchema));
  });

  it('accepts the bundled config and refuses a bad one', () => {
    const config = parse(readFileSync(DEFAULT_CONFIG, 'utf8')) as Json;
    expect(validate(schema, config)).toEqual([]);
    const bad = structuredClone(config) as { workforce: Json; setup: Json };
    bad.workforce.total_termination_rate = 1.5;
    bad.setup.census_path = 'x.csv';
    expect(validate(schema, bad).sort()).toEqual(['$.setup.census_path: is not allowed', '$.workforce.total_termination_rate: above 1']);
  });
});

describe('planalign schema', () => {
  const tempDir = useTempDir();

  it(`writes the committed ${COMMITTED_SCHEMA}`, () => {
    const text = configJsonSchemaText();
    const committed = readFileSync(COMMITTED_SCHEMA, 'utf8');
    if (committed !== text) expect.fail(`${COMMITTED_SCHEMA} is stale: run \`${REGENERATE}\` (after npm run build) and commit it`);
    const stdout = runCli(['schema']);
    expect(stdout.status).toBe(0);
    expect(stdout.stdout).toBe(text);
    const out = join(tempDir(), 'schema.json');
    const written = runCli(['schema', '--out', out]);
    expect(written.status).toBe(0);
    expect(written.stderr).toContain(`Wrote the config JSON Schema to ${out}`);
    expect(readFileSync(out, 'utf8')).toBe(text);
  });

  it('says which file it cannot write', () => {
    const out = join(tempDir(), 'missing', 'schema.json');
    const result = runCli(['schema', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`Error: cannot write ${out}`);
  });
});
