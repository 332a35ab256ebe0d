import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { RuleExecutionError, ValidationFailedError } from '../../src/errors.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import type { PipelineOrchestrator } from '../../src/orchestrator/orchestrator.js';
import { ModelRunner } from '../../src/models/runner.js';
import { loadRulesModule } from '../../src/validation/data-validator.js';
import { loadDefaultRules, runRules, type ValidationRule } from '../../src/validation/rules.js';
import { defaultConfigObject, makeCensus, query } from '../support/engine.js';

/**
 * The rules folder's rules run as one statement per year. Its results must be the ones each rule
 * gives on its own: the same planalign_validation_results rows, sample rows included. 2026 is
 * corrupted (by a hook, inside the year's transaction, before VALIDATION) so that several rules of
 * several tables find violations, some more than the sample holds.
 */
const CORRUPTIONS = [
  `INSERT INTO fct_workforce_snapshot SELECT * FROM fct_workforce_snapshot WHERE simulation_year = 2026 ORDER BY employee_id LIMIT 2`,
  `UPDATE fct_workforce_snapshot SET current_compensation = 9000 WHERE simulation_year = 2026 AND employee_id IN
     (SELECT employee_id FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employment_status = 'active' ORDER BY employee_id LIMIT 8)`,
  `UPDATE fct_workforce_snapshot SET level_id = 9 WHERE simulation_year = 2026 AND employee_id IN
     (SELECT employee_id FROM fct_workforce_snapshot WHERE simulation_year = 2026 ORDER BY employee_id DESC LIMIT 3)`,
  `INSERT INTO fct_yearly_events SELECT * FROM fct_yearly_events WHERE simulation_year = 2026 ORDER BY event_id LIMIT 1`,
  `UPDATE int_employee_contributions SET annual_contribution_amount = 40000 WHERE simulation_year = 2026 AND employee_id IN
     (SELECT employee_id FROM int_employee_contributions WHERE simulation_year = 2026 ORDER BY employee_id LIMIT 7)`,
  `DELETE FROM fct_yearly_events WHERE simulation_year = 2026 AND event_type = 'termination'`,
];

const USER_RULES = `export const rules = [
  { name: 'user_sql_rule', severity: 'warning', description: 'a user SQL rule',
    sql: "SELECT employee_id FROM fct_workforce_snapshot WHERE simulation_year = getvariable('simulation_year') ORDER BY employee_id LIMIT 3" },
  { name: 'user_check_rule', severity: 'info', check: async ({ year }) => ({ violations: year - 2024, sample: [{ year }] }) },
];\n`;

const RESULTS = `SELECT simulation_year, rule, severity, description, violations::VARCHAR AS violations, sample_rows
                 FROM planalign_validation_results ORDER BY rowid`;

describe('validation as one statement per year', () => {
  let dir: string;
  let census: string;
  let userRules: ValidationRule[];

  /** A 2025-2026 run with 2026 corrupted before its validation. */
  async function run(name: string, rules: { folderOneByOne?: boolean; failOnValidationError?: boolean } = {}) {
    let orchestrator: PipelineOrchestrator | undefined;
    const builder = new OrchestratorBuilder()
      .withConfig(defaultConfigObject())
      .withEnvironment({})
      .withCensus(census)
      .withDatabase(join(dir, `${name}.duckdb`))
      .withYears(2025, 2026)
      .withHooks({
        name: 'corrupt_2026',
        point: 'before_stage',
        run: async ({ stage, year }) => {
          if (stage !== 'VALIDATION' || year !== 2026) return;
          for (const sql of CORRUPTIONS) await orchestrator!.database.run(sql);
        },
      });
    // Without `sql`, a folder rule is checked on its own, as every rule was before batching.
    if (rules.folderOneByOne) builder.withoutDefaultRules().withCustomValidator(...loadDefaultRules().map(({ sql: _one, ...rule }) => rule));
    orchestrator = await builder.withCustomValidator(...userRules).build();
    const outcome = await orchestrator
      .executeMultiYearSimulation({ failOnValidationError: rules.failOnValidationError ?? false })
      .then(() => undefined, (error: unknown) => error);
    orchestrator.close();
    return { database: join(dir, `${name}.duckdb`), outcome };
  }

  let batched: Awaited<ReturnType<typeof run>>;
  let oneByOne: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-batched-'));
    census = await makeCensus(dir, 400, 23);
    writeFileSync(join(dir, 'rules.mjs'), USER_RULES);
    userRules = await loadRulesModule(join(dir, 'rules.mjs'));
    batched = await run('batched');
    oneByOne = await run('one_by_one', { folderOneByOne: true });
  });

  it('records exactly the rows that checking each rule on its own records', async () => {
    expect(batched.outcome).toBeUndefined();
    const rows = await query<Record<string, unknown>>(batched.database, RESULTS);
    expect(rows).toEqual(await query(oneByOne.database, RESULTS));

    // The comparison means something: several rules found violations in 2026, some more than a sample.
    const found = rows.filter((r) => r.simulation_year === 2026 && r.violations !== '0' && !String(r.rule).startsWith('user_'));
    expect(found.length).toBeGreaterThanOrEqual(5);
    expect(found.some((r) => Number(r.violations) > 5 && JSON.parse(String(r.sample_rows)).length === 5)).toBe(true);
    expect(rows.filter((r) => r.simulation_year === 2025 && r.violations !== '0' && !String(r.rule).startsWith('user_'))).toEqual([]);
  });

  it('still runs the --rules module rules, after the folder rules, every year', async () => {
    const rows = await query(
      batched.database,
      `SELECT simulation_year AS y, rule, violations::INTEGER AS v, sample_rows AS s FROM planalign_validation_results
       WHERE rule LIKE 'user_%' ORDER BY rowid`,
    );
    const ids = await query<{ ids: string }>(
      batched.database,
      `SELECT to_json(list({'employee_id': employee_id} ORDER BY employee_id)[1:3])::VARCHAR AS ids FROM fct_workforce_snapshot WHERE simulation_year = 2025`,
    );
    expect(rows[0]).toEqual({ y: 2025, rule: 'user_sql_rule', v: 3, s: ids[0]!.ids });
    expect(rows.slice(1).map((r) => [r.y, r.rule, r.v])).toEqual([
      [2025, 'user_check_rule', 1],
      [2026, 'user_sql_rule', 3],
      [2026, 'user_check_rule', 2],
    ]);
  });

  it('an error rule of the folder stops a run asked to: the year is rolled back, its findings recorded', async () => {
    const failed = await run('failing', { failOnValidationError: true });
    expect(failed.outcome).toBeInstanceOf(ValidationFailedError);
    const expected = (await query<{ rule: string; violations: string }>(oneByOne.database, RESULTS)).filter(
      (r) => r.simulation_year === 2026 && r.violations !== '0' && (r as Record<string, unknown>).severity === 'error',
    );
    const failures = (failed.outcome as ValidationFailedError).failures.map((f) => ({ rule: f.rule, violations: f.violations }));
    expect(failures).toEqual(expected.map((r) => ({ rule: r.rule, violations: Number(r.violations) })));
    expect(await query(failed.database, `SELECT DISTINCT simulation_year AS y FROM fct_workforce_snapshot`)).toEqual([{ y: 2025 }]);
    expect(await query(failed.database, RESULTS)).toEqual(await query(oneByOne.database, RESULTS));
  });

  describe('on the finished database', () => {
    let db: Database;

    beforeAll(async () => {
      db = await Database.open(batched.database);
      await new ModelRunner(db).setYear(2026, 2025, 42);
    });

    afterAll(() => db.close());

    it('checks the folder rules in one statement and each user rule in its own', async () => {
      const rules = [...loadDefaultRules(), ...userRules];
      const all = db.all.bind(db);
      let statements = 0;
      db.all = (sql, params) => {
        statements += 1;
        return all(sql, params);
      };
      try {
        await runRules(db, rules, 2026);
      } finally {
        db.all = all;
      }
      expect(statements).toBe(2);
    });

    it('names the rule whose SQL cannot run, in the folder or in a module', async () => {
      const folder = join(dir, 'broken-rules');
      mkdirSync(folder);
      const file = (name: string, select: string) =>
        writeFileSync(join(folder, `${name}.sql`), `-- rule: ${name}\n-- severity: error\n-- description: d\n${select}\n`);
      file('a_fine_rule', `SELECT employee_id FROM fct_workforce_snapshot WHERE false`);
      file('b_broken_rule', `SELECT no_such_column FROM fct_workforce_snapshot`);
      const error = await runRules(db, loadDefaultRules(folder), 2026).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RuleExecutionError);
      expect((error as Error).message).toMatch(/^Validation rule b_broken_rule failed for year 2026: Binder Error/);

      const throwing: ValidationRule = {
        name: 'throwing_rule',
        severity: 'error',
        description: 'd',
        check: async () => {
          throw new Error('no data');
        },
      };
      await expect(runRules(db, [throwing], 2026)).rejects.toThrow('Validation rule throwing_rule failed for year 2026: no data');
    });
  });
});
