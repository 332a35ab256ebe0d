import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash, configJson, loadConfig, parseConfig } from '../../src/config/index.js';
import { useTempDir } from '../support/tmp.js';
import { minimal } from './helpers.js';

const tempDir = useTempDir();
function load(text: string, env: Record<string, string> = {}) {
  const path = join(tempDir(), 'config.yaml');
  writeFileSync(path, text);
  return loadConfig({ path, env });
}

const BASE = `
simulation:
  start_year: 2025
  end_year: 2027
  random_seed: 42
workforce:
  total_termination_rate: 0.12
  new_hire_termination_rate: 0.25
`;

describe('canonicalJson', () => {
  it('sorts keys at every level and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
  });
  it('leaves out undefined object values, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
  it('rejects values JSON cannot carry exactly', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: 1n })).toThrow();
  });
});

describe('configHash', () => {
  it('is the SHA-256 of the canonical JSON', () => {
    const value = { b: 1, a: 2 };
    expect(configHash(value)).toBe(createHash('sha256').update('{"a":2,"b":1}').digest('hex'));
  });

  it('does not change with key order or comments', () => {
    const reordered = `
# a comment
workforce:
  new_hire_termination_rate: 0.25   # trailing comment
  total_termination_rate: 0.12
simulation:
  random_seed: 42
  end_year: 2027
  start_year: 2025
`;
    expect(load(reordered).hash).toBe(load(BASE).hash);
  });

  it('leaves out setup.fail_on_validation_error, which steers a run and computes nothing (config_json too)', () => {
    const stop = load(`${BASE}setup:\n  fail_on_validation_error: true\n`);
    expect(stop.config.setup.fail_on_validation_error).toBe(true);
    expect(stop.hash).toBe(load(BASE).hash);
    expect(JSON.parse(configJson(stop.config)).setup).not.toHaveProperty('fail_on_validation_error');
    expect(load(`${BASE}setup:\n  eligibility_waiting_period_days: 1\n  plan_year_end_date: '2024-12-31'\n`).hash).toBe(load(BASE).hash);
    expect(load(BASE.replace('total_termination_rate: 0.12', 'total_termination_rate: 0.13')).hash).not.toBe(load(BASE).hash);
  });

  it('does not change when defaults are written out', () => {
    expect(load(`${BASE}compensation:\n  cola_rate: 0.005\n`).hash).toBe(load(BASE).hash);
  });

  it('changes when a value changes', () => {
    expect(load(BASE.replace('random_seed: 42', 'random_seed: 43')).hash).not.toBe(load(BASE).hash);
    expect(load(BASE.replace('0.12', '0.13')).hash).not.toBe(load(BASE).hash);
  });

  it('changes with an env override, and matches the same value written in the file', () => {
    const overridden = load(BASE, { PLANALIGN_SIMULATION__RANDOM_SEED: '7' });
    expect(overridden.hash).not.toBe(load(BASE).hash);
    expect(overridden.hash).toBe(load(BASE.replace('random_seed: 42', 'random_seed: 7')).hash);
  });

  it('ignores ignored sections and keys', () => {
    const extra = `${BASE}optimization:\n  level: high\ndeferral_baseline:\n  mode: frozen\nsetup:\n  clear_tables: false\n`;
    const loaded = load(extra);
    expect(loaded.ignored).toEqual(['deferral_baseline', 'optimization', 'setup.clear_tables']);
    expect(loaded.hash).toBe(load(BASE).hash);
  });

  it('is the hash of the resolved config', () => {
    const loaded = parseConfig(minimal());
    expect(loaded.hash).toBe(configHash(loaded.config));
  });
});
