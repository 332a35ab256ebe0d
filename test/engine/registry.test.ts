import { describe, expect, it } from 'vitest';
import { MODELS, STAGES } from '../../src/models/registry.js';
import { ModelRunner } from '../../src/models/runner.js';
import { Database } from '../../src/db/database.js';

describe('model registry', () => {
  it('declares exactly the model tables each SQL file reads, and builds them before it', async () => {
    const db = await Database.open(':memory:');
    try {
      const runner = new ModelRunner(db);
      const names = MODELS.map((m) => m.name);
      for (const [index, model] of MODELS.entries()) {
        const sql = runner.sql(model);
        const referenced = names.filter((name) => name !== model.name && new RegExp(`\\b${name}\\b`).test(sql));
        expect([...model.dependsOn].sort(), model.name).toEqual(referenced.sort());
        for (const dependency of model.dependsOn) {
          const position = names.indexOf(dependency);
          // The start-of-year population reads the previous year's snapshot: the one backwards edge.
          if (!(model.name === 'int_employee_compensation_by_year' && dependency === 'fct_workforce_snapshot')) {
            expect(position, `${model.name} -> ${dependency}`).toBeLessThan(index);
          }
        }
        expect(STAGES).toContain(model.stage);
      }
    } finally {
      db.close();
    }
  });
});
