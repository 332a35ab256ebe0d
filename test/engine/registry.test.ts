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
        expect([...model.dependsOn, ...previousYear].sort(), model.name).toEqual(referenced.sort());
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

  it('draws only from declared random streams, in two stages (one-expression draws are slow to plan)', () => {
    const runner = new ModelRunner(undefined as never);
    const used = new Set<string>();
    for (const model of MODELS) {
      const sql = runner.sql(model);
      expect(sql, model.name).not.toMatch(/\bpa_draw\(/);
      const stage1 = [...sql.matchAll(/pa_draw_stage1\([^,()]+,\s*'([a-z0-9_]+)'\)/g)].map((m) => m[1]!);
      const stage2 = [...sql.matchAll(/pa_draw_stage2\([^,()]+,[^,()]+,\s*'([a-z0-9_]+)'\)/g)].map((m) => m[1]!);
      expect(new Set(stage2), model.name).toEqual(new Set(stage1));
      for (const stream of stage1) used.add(stream);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((stream) => !(RNG_STREAMS as readonly string[]).includes(stream))).toEqual([]);
  });
});
