import { describe, expect, it } from 'vitest';
import { MODELS, STAGES } from '../../src/models/registry.js';
import { RNG_STREAMS } from '../../src/models/rng.js';
import { ModelRunner } from '../../src/models/runner.js';
import { Database } from '../../src/db/database.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeCensus, query, simulate } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';

const tempDir = useTempDir();

/** Every TypeScript and SQL file under src/ outside the models, with its text. */
function sourcesOutsideModels(dir = 'src'): Array<[string, string]> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): Array<[string, string]> => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join('src', 'models') ? [] : sourcesOutsideModels(path);
    return /\.(ts|sql)$/.test(entry.name) ? [[path, readFileSync(path, 'utf8')]] : [];
  });
}

describe('model registry', () => {
  it('declares exactly the model tables each SQL file reads, and builds them before it', async () => {
    const db = await Database.open(':memory:');
    try {
      const runner = new ModelRunner(db);
      const names = MODELS.map((m) => m.name);
      for (const [index, model] of MODELS.entries()) {
        const sql = runner.sql(model).replace(/--.*$/gm, '');
        const referenced = names.filter((name) => name !== model.name && new RegExp(`\\b${name}\\b`).test(sql));
        const previousYear = (model.readsPreviousYear ?? []).filter((name) => name !== model.name);
        // A table read for both years (fct_compliance_tests: the population) is in both lists.
        expect([...new Set([...model.dependsOn, ...previousYear])].sort(), model.name).toEqual(referenced.sort());
        for (const dependency of model.dependsOn) {
          expect(names.indexOf(dependency), `${model.name} -> ${dependency}`).toBeLessThan(index);
        }
        for (const table of model.readsPreviousYear ?? []) {
          expect(sql, `${model.name} reads ${table} of the previous year`).toMatch(/getvariable\('simulation_year'\) - 1/);
        }
        expect(STAGES).toContain(model.stage);
      }
    } finally {
      db.close();
    }
  });

  it('reads a scratch model only inside its own year: no later year, rule, report or migration reads it', () => {
    const scratch = MODELS.filter((m) => m.scratch).map((m) => m.name);
    expect(scratch).toContain('int_hiring_events');
    for (const model of MODELS) {
      expect((model.readsPreviousYear ?? []).filter((t) => scratch.includes(t)), model.name).toEqual([]);
    }
    const readers = sourcesOutsideModels().flatMap(([path, text]) =>
      scratch.filter((name) => new RegExp(`\\b${name}\\b`).test(text)).map((name) => `${path}: ${name}`),
    );
    expect(readers).toEqual([]);
  });

  it('leaves no scratch table in the database after a run; every event reached fct_yearly_events', async () => {
    const dir = tempDir();
    const census = await makeCensus(dir, 300);
    const { database } = await simulate({ dir, census, years: [2025, 2026] });
    const tables = (await query<{ name: string }>(database, `SELECT table_name AS name FROM duckdb_tables()`)).map((r) => r.name);
    expect(tables).toContain('fct_yearly_events');
    expect(tables).toContain('int_employee_contributions');
    expect(tables.filter((t) => MODELS.some((m) => m.scratch && m.name === t))).toEqual([]);
    const types = await query<{ event_type: string }>(database, `SELECT DISTINCT event_type FROM fct_yearly_events WHERE simulation_year = 2026`);
    expect(types.map((r) => r.event_type).sort()).toEqual(
      expect.arrayContaining(['deferral_escalation', 'enrollment', 'hire', 'promotion', 'raise', 'termination']),
    );
  });

  it('draws only from declared random streams: each once a year in int_random_draws, read by the models from it', () => {
    const runner = new ModelRunner(undefined as never);
    const declared = RNG_STREAMS as readonly string[];
    // Each stream's column holds its own salt's halves (salt_hi, salt_lo), mixed in stage 1 and stage 2 under its own name.
    const draws = runner.sql(MODELS.find((m) => m.name === 'int_random_draws')!);
    const saltHi = [...draws.matchAll(/\bhi\['([a-z0-9_]+)'\] AS ([a-z0-9_]+)/g)];
    const saltLo = [...draws.matchAll(/\blo\['([a-z0-9_]+)'\] AS ([a-z0-9_]+)/g)];
    const stage1 = [...draws.matchAll(/\(xor\(key_hi, ([a-z0-9_]+)\) \* 2146121005\) & 4294967295 AS ([a-z0-9_]+)/g)];
    const stage2 = [...draws.matchAll(/\(xor\(xor\(c\.([a-z0-9_]+), c\.key_lo\), s\.([a-z0-9_]+)\) \* 2146121005\) & 4294967295 AS ([a-z0-9_]+)/g)];
    for (const [text, salt, column] of [...saltHi, ...saltLo, ...stage1]) expect(column, text).toBe(salt);
    for (const [text, input, salt, column] of stage2) expect([input, salt], text).toEqual([column, column]);
    const streams = saltHi.map((m) => m[1]!);
    for (const layer of [saltLo, stage1, stage2]) expect(layer.map((m) => m.at(-1))).toEqual(streams);
    expect(new Set(streams).size).toBe(streams.length);
    expect(streams.length).toBeGreaterThan(15);
    expect(streams.filter((stream) => !declared.includes(stream))).toEqual([]);
    // The models read only its streams, and never draw or read the salts themselves.
    const read = new Set<string>();
    for (const model of MODELS.filter((m) => m.name !== 'int_random_draws')) {
      const sql = runner.sql(model).replace(/--.*$/gm, '');
      expect(sql, model.name).not.toMatch(/pa_salts/);
      if (!/\bint_random_draws\b/.test(sql)) continue;
      const alias = /\bint_random_draws (\w+) USING \(employee_id\)/.exec(sql)?.[1];
      expect(alias, `${model.name} joins int_random_draws under an alias, by employee_id`).toBeDefined();
      for (const [, column] of sql.matchAll(new RegExp(`\\b${alias}\\.([a-z0-9_]+)`, 'g'))) {
        expect(streams, `${model.name} reads d.${column}`).toContain(column);
        read.add(column!);
      }
    }
    expect(read.size).toBeGreaterThan(15);
  });
});
