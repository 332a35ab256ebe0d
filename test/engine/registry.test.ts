import { describe, expect, it } from 'vitest';
import { MODELS, STAGES } from '../../src/models/registry.js';
import { RNG_STREAMS } from '../../src/models/rng.js';
import { ModelRunner } from '../../src/models/runner.js';
import { Database } from '../../src/db/database.js';

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

  it('draws only from declared random streams', () => {
    const runner = new ModelRunner(undefined as never);
    const used = new Set<string>();
    for (const model of MODELS) {
      for (const match of runner.sql(model).matchAll(/pa_draw\([^,]+,\s*'([a-z0-9_]+)'\)/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((stream) => !(RNG_STREAMS as readonly string[]).includes(stream))).toEqual([]);
  });
});
