import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrchestratorBuilder } from '../../src/factory.js';
import { migrateDatabaseSchema } from '../../src/migration/database.js';
import { referenceEngineDatabase } from '../migration/reference-db.js';
import { query } from '../support/engine.js';

/**
 * A year imported from the reference engine carries no hours a week (its snapshot has no
 * scheduled_hours_per_week: reference-plan-design.md §0.5 keeps it in the census and the
 * accumulator). Resumed after `migrate database`, the reference's simulated hires of that year must
 * be read full time (40 h, 2,080 h a year), as a missing census value is, not lose the employer
 * money through a NULL hours test.
 */
describe('employer-money eligibility after migrating a reference database (2025 imported, 2026 resumed)', () => {
  let dir: string;
  let database: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-ee-migrated-'));
    // Its snapshot has the reference's columns: no scheduled_hours_per_week.
    const reference = await referenceEngineDatabase(dir, [2025, 2025]);
    database = reference.database;
    const migrated = await migrateDatabaseSchema(database, { config: 'config/simulation_config.yaml', census: reference.census });
    expect(migrated.error).toBeUndefined();
    const orchestrator = await new OrchestratorBuilder()
      .withConfig('config/simulation_config.yaml')
      .withEnvironment({})
      .withCensus(reference.census)
      .withDatabase(database)
      .withYears(2025, 2026)
      .build();
    try {
      await orchestrator.executeMultiYearSimulation({ resume: true });
    } finally {
      orchestrator.close();
    }
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the reference's 2025 hires as full time in 2026: 2,080 hours, and a decided eligibility", async () => {
    const rows = await query<{ hours: string; annual: number; decided: boolean; n: number }>(
      database,
      `SELECT scheduled_hours_per_week::VARCHAR AS hours, annual_hours_worked AS annual,
              eligible_for_match IS NOT NULL AND eligible_for_core IS NOT NULL AS decided, count(*)::INTEGER AS n
       FROM int_employer_eligibility
       WHERE simulation_year = 2026 AND employee_id LIKE 'NH\\_2025\\_%' ESCAPE '\\' AND employment_status = 'active'
       GROUP BY ALL`,
    );
    expect(rows.map(({ hours, annual, decided }) => ({ hours, annual, decided }))).toEqual([{ hours: '40.00', annual: 2080, decided: true }]);
    expect(rows[0]!.n).toBeGreaterThan(50);
    // ...and they are paid as the others are (the default plan: active at year end, 1,000 hours).
    const [paid] = await query<{ n: number }>(
      database,
      `SELECT count(*)::INTEGER AS n FROM int_employer_core_contributions
       WHERE simulation_year = 2026 AND employee_id LIKE 'NH\\_2025\\_%' ESCAPE '\\' AND employer_core_amount > 0`,
    );
    expect(paid!.n).toBe(rows[0]!.n);
  });
});
