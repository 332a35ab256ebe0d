/**
 * Every key of the reference's 2026 config files (test/fixtures/reference-2026/keys.json, listed once from
 * the spec's key inventory) is either ignored with a reason or honoured and covered by the dead-key guard.
 *
 * Each key is loaded on its own, at the value its section fixture (test/fixtures/reference-2026/sections)
 * gives it, without allowUnknownKeys: a key inside a list or a record comes with its whole list or record,
 * a block the spec lists as `x.*` is judged leaf by leaf. The loader then decides: a key reported in
 * LoadedConfig.ignored (itself or a section holding it) needs a non-empty reason; any other key is
 * honoured, and the nearest key of the schema holding it must have a perturbation in
 * dead-keys.perturbations.ts. Which keys are ignored is the loader's answer at the time, not a list here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { ignoredReason } from '../../src/config/ignored.js';
import { simulationConfigSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { appliedConfigKeys, setConfigPath } from '../support/config-perturbation.js';
import { PERTURBATIONS } from './dead-keys.perturbations.js';

const DIR = 'test/fixtures/reference-2026';

interface KeyEntry {
  key: string;
  status: 'NEW' | 'CHANGED' | 'SAME' | 'REMOVED';
  sections: string[];
  fixture: string;
}

const { keys } = JSON.parse(readFileSync(`${DIR}/keys.json`, 'utf8')) as { keys: KeyEntry[] };
const fixtures = new Map<string, Record<string, unknown>>();
const fixture = (name: string): Record<string, unknown> => {
  let data = fixtures.get(name);
  if (data === undefined) {
    // As the loader reads YAML: 1.2 core schema (dates stay strings).
    data = parse(readFileSync(`${DIR}/sections/${name}.yaml`, 'utf8'), { version: '1.2', schema: 'core' }) as Record<string, unknown>;
    fixtures.set(name, data);
  }
  return data;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `a.b[].c` → ['a', 'b', '[]', 'c']; `f.<key>.x` keeps '<key>'; `x.*` ends in '*'. */
const segmentsOf = (key: string): string[] => key.split('.').flatMap((s) => (s.endsWith('[]') ? [s.slice(0, -2), '[]'] : [s]));
const joinSegments = (segments: string[]): string => segments.reduce((out, s) => (s === '[]' ? `${out}[]` : out === '' ? s : `${out}.${s}`), '');

/** Whether the fixture value holds the key's path ('[]' any item, '<key>' any entry, '*' a non-empty block). */
function holds(value: unknown, rest: string[]): boolean {
  if (rest.length === 0) return value !== undefined;
  const [head, ...tail] = rest as [string, ...string[]];
  if (head === '[]') return Array.isArray(value) && value.some((item) => holds(item, tail));
  if (head === '<key>') return isObject(value) && Object.values(value).some((entry) => holds(entry, tail));
  if (head === '*') return isObject(value) && Object.keys(value).length > 0;
  return isObject(value) && Object.hasOwn(value, head) && holds(value[head], tail);
}

/** The leaf key paths of a block (a list is a leaf). */
const leaves = (value: unknown, path: string[]): string[][] =>
  isObject(value) && Object.keys(value).length > 0 ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k])) : [path];

/** A path of LoadedConfig.ignored in the naming of keys.json and the perturbations. */
const normalise = (path: string): string => path.replace(/^employer_match\.formulas\.[^.]+\./, 'employer_match.formulas.<key>.').replace(/\[\d+\]/g, '[]');

const applied = new Set(appliedConfigKeys(simulationConfigSchema));

/** Keys that load only with another key of their fixture (the loader explains why when it is missing). */
const COMPANIONS: Readonly<Record<string, string[]>> = {
  // A cap of the dc_plan tiers: without them it would cap the shipped simple formula, which has none.
  'dc_plan.match_cap_percent': ['dc_plan.match_tiers'],
};


/** Why a key is neither ignored with a reason nor honoured under the dead-key guard; undefined when it is one of them. */
function verdict(entry: KeyEntry): string | undefined {
  const segments = segmentsOf(entry.key);
  const source = fixture(entry.fixture);
  if (!holds(source, segments)) return `not in sections/${entry.fixture}.yaml`;
  const cut = segments.findIndex((s) => s === '[]' || s === '<key>' || s === '*');
  const unit = cut === -1 ? segments : segments.slice(0, cut);
  const value = unit.reduce<unknown>((v, s) => (isObject(v) ? v[s] : undefined), source);

  const raw: Record<string, unknown> = { simulation: { start_year: 2025, end_year: 2026 } };
  setConfigPath(raw, unit.join('.'), structuredClone(value));
  for (const companion of COMPANIONS[entry.key] ?? []) {
    setConfigPath(raw, companion, structuredClone(companion.split('.').reduce<unknown>((v, s) => (isObject(v) ? v[s] : undefined), source)));
  }
  let ignored: string[];
  try {
    ignored = parseConfig(raw, { source: `${entry.key} alone` }).ignored;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return `does not load: ${error.issues.join('; ') || error.message}`;
  }

  // A block listed as x.* is judged by each of its leaves.
  const judged = segments.at(-1) === '*' ? leaves(value, unit).map(joinSegments) : [entry.key];
  const problems = judged.flatMap((key) => {
    const by = ignored.find((p) => {
      const n = normalise(p);
      return key === n || key.startsWith(`${n}.`) || key.startsWith(`${n}[]`);
    });
    if (by !== undefined) return ignoredReason(by).trim() === '' ? [`${key}: ignored (as ${by}) without a reason`] : [];
    // Honoured: the nearest key of the schema holding it is what the dead-key guard perturbs.
    const keySegments = segmentsOf(key);
    for (let n = keySegments.length; n > 0; n -= 1) {
      const candidate = joinSegments(keySegments.slice(0, n));
      if (applied.has(candidate)) return Object.hasOwn(PERTURBATIONS, candidate) ? [] : [`${key}: honoured as ${candidate}, which has no perturbation`];
    }
    return [`${key}: neither reported ignored nor a key the dead-key guard knows`];
  });
  return problems.length === 0 ? undefined : problems.join('; ');
}

describe("every key of the reference's 2026 config files", () => {
  it('keys.json lists the spec inventory (sanity of the generated list)', () => {
    expect(keys.length).toBeGreaterThan(350);
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length);
    for (const k of ['compensation.promotion_increase', 'enrollment.match_magnet.snap_probability', 'dc_plan.opt_out_rate_young', 'tenure_bands[].max_value']) {
      expect(keys.map((e) => e.key)).toContain(k);
    }
  });

  it('loads without allow-unknown-keys and is ignored with a reason or honoured with a perturbation', () => {
    const failures = keys.flatMap((entry) => {
      const why = verdict(entry);
      return why === undefined ? [] : [`${entry.key} (${entry.status}, §${entry.sections.join(', §')}): ${why}`];
    });
    expect(failures, `keys neither ignored with a reason nor honoured under the dead-key guard:\n${failures.join('\n')}`).toEqual([]);
  });
});
