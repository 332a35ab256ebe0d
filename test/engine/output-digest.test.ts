/**
 * Output identity: every table and view a database keeps, column by column and year by year, must
 * match the committed digest (test/fixtures/output-digest/seed-*.json) of a 1,000-employee census,
 * the default config, 2025–2027, seeds 42 and 7. A change meant to leave the results alone (the
 * performance work of issue 11) must keep this test green. A change of the results that is intended
 * updates the digest IN THE SAME COMMIT, with a docs/DECISIONS.md note:
 *
 *   UPDATE_OUTPUT_DIGEST=1 npx vitest run test/engine/output-digest.test.ts
 *
 * and the diff of the JSON (one line per column) shows which columns moved. The digest's definition
 * and its excluded columns: src/bench/output-digest.ts; the larger check (10k and 60k × 5 years)
 * between two builds: docs/PERFORMANCE.md, "Output identity". Thread independence is checked in
 * test/orchestrator/orchestrator.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareDigests, digestDatabaseFile, formatDigest, type OutputDigest } from '../../src/bench/output-digest.js';
import { Database } from '../../src/db/database.js';
import { defaultConfigObject, makeCensus, simulate } from '../support/engine.js';

const FIXTURES = 'test/fixtures/output-digest';
const EMPLOYEES = 1000;
const CENSUS_SEED = 7;
const YEARS: [number, number] = [2025, 2027];
const SEEDS = [42, 7];
const UPDATE = process.env.UPDATE_OUTPUT_DIGEST === '1';

/** A plan unlike the default's, so that the paths the default never takes are pinned too: shrinking
 *  workforce, a year's wait, tiered match, core after a year of service, mid-year escalation. */
function variantConfig(): ReturnType<typeof defaultConfigObject> {
  const config = defaultConfigObject();
  config.simulation.target_growth_rate = -0.05;
  config.eligibility.waiting_period_days = 365;
  config.employer_match.active_formula = 'tiered_match';
  config.employer_core_contribution.contribution_rate = 0.035;
  config.employer_core_contribution.eligibility.minimum_tenure_years = 1;
  config.deferral_auto_escalation.effective_day = '07-01';
  config.deferral_auto_escalation.increment_amount = 0.0125;
  config.deferral_auto_escalation.maximum_rate = 0.15;
  return config;
}
const VARIANT = 'variant-seed-42';

describe('output identity against the committed digest', () => {
  let dir: string;
  const databases = new Map<number, string>();
  const digests = new Map<number, OutputDigest>();
  let variantDigest: OutputDigest;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'planalign-digest-'));
    const census = await makeCensus(dir, EMPLOYEES, CENSUS_SEED);
    for (const seed of SEEDS) {
      const database = (await simulate({ dir, census, name: `seed_${seed}`, seed, years: YEARS })).database;
      databases.set(seed, database);
      digests.set(seed, await digestDatabaseFile(database));
    }
    const variant = await simulate({ dir, census, name: VARIANT, seed: 42, years: YEARS, config: variantConfig() });
    variantDigest = await digestDatabaseFile(variant.database);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of a run's database, changed by `edit`. */
  async function editedCopy(name: string, edit: (db: Database) => Promise<void>): Promise<string> {
    const source = databases.get(42)!;
    const copy = join(dir, `${name}.duckdb`);
    copyFileSync(source, copy);
    if (existsSync(`${source}.wal`)) copyFileSync(`${source}.wal`, `${copy}.wal`);
    const db = await Database.open(copy);
    try {
      await edit(db);
    } finally {
      db.close();
    }
    return copy;
  }

  it.each(SEEDS)('seed %i: every kept table and column is as in the committed digest', async (seed) => {
    const file = join(FIXTURES, `seed-${seed}.json`);
    const digest: OutputDigest = {
      ...digests.get(seed)!,
      about: { census: `makeCensus(${EMPLOYEES}, seed ${CENSUS_SEED})`, config: 'config/simulation_config.yaml', years: YEARS.join('-'), seed },
    };
    if (UPDATE) {
      writeFileSync(file, formatDigest(digest));
      return;
    }
    const differences = compareDigests(JSON.parse(readFileSync(file, 'utf8')) as OutputDigest, digest);
    expect(
      differences,
      `The outputs differ from ${file}:\n  ${differences.join('\n  ')}\n` +
        'If the change is intended, run UPDATE_OUTPUT_DIGEST=1 npx vitest run test/engine/output-digest.test.ts and commit the digest with it',
    ).toEqual([]);
  });

  it('the variant plan (shrinking, a year\'s wait, tiered match, core after a year, mid-year escalation): as in the committed digest', () => {
    const file = join(FIXTURES, `${VARIANT}.json`);
    const digest: OutputDigest = {
      ...variantDigest,
      about: { census: `makeCensus(${EMPLOYEES}, seed ${CENSUS_SEED})`, config: 'variantConfig() of this test', years: YEARS.join('-'), seed: 42 },
    };
    if (UPDATE) {
      writeFileSync(file, formatDigest(digest));
      return;
    }
    const differences = compareDigests(JSON.parse(readFileSync(file, 'utf8')) as OutputDigest, digest);
    expect(differences, `The outputs differ from ${file}:\n  ${differences.join('\n  ')}`).toEqual([]);
  });

  it('names the table, column and year of a changed value, a value moved to another row, a lost or doubled row; run stamps do not count', async () => {
    const copy = await editedCopy('edited', async (db) => {
      await db.run(
        `UPDATE fct_workforce_snapshot SET employer_match_amount = employer_match_amount + 0.01
         WHERE simulation_year = 2026
           AND employee_id = (SELECT min(employee_id) FROM fct_workforce_snapshot WHERE simulation_year = 2026 AND employer_match_amount > 0)`,
      );
      // Two employees' levels swapped: the column's values are the same multiset, in other rows.
      await db.run(
        `UPDATE int_plan_eligibility p SET level_id = s.other
         FROM (SELECT employee_id, CASE WHEN level_id = 1 THEN 2 ELSE 1 END AS other
               FROM (SELECT employee_id, level_id, row_number() OVER (PARTITION BY level_id ORDER BY employee_id) AS n
                     FROM int_plan_eligibility WHERE simulation_year = 2027 AND level_id IN (1, 2))
               WHERE n = 1) s
         WHERE p.simulation_year = 2027 AND p.employee_id = s.employee_id`,
      );
      await db.run(`UPDATE fct_yearly_events SET created_at = created_at + INTERVAL 1 DAY`);
      await db.run(`UPDATE param_simulation SET run_started_at = run_started_at + INTERVAL 1 DAY`);
      await db.run(`INSERT INTO int_employer_core_contributions SELECT * FROM int_employer_core_contributions WHERE simulation_year = 2027 LIMIT 1`);
      await db.run(
        `DELETE FROM int_employer_eligibility
         WHERE simulation_year = 2025 AND employee_id = (SELECT max(employee_id) FROM int_employer_eligibility WHERE simulation_year = 2025)`,
      );
    });
    const expected = digests.get(42)!;
    const differences = compareDigests(expected, await digestDatabaseFile(copy));
    const { int_employer_core_contributions: core, int_employer_eligibility: eligibility } = expected.tables;
    expect(differences).toEqual([
      'fct_workforce_snapshot.employer_match_amount differs (2026)',
      `int_employer_core_contributions: rows 2027: ${core!.rows['2027']} → ${core!.rows['2027']! + 1}`,
      'int_employer_core_contributions: rows sharing a natural key in 2027: 0 → 1',
      ...Object.keys(core!.columns).map((c) => `int_employer_core_contributions.${c} differs (2027)`),
      `int_employer_eligibility: rows 2025: ${eligibility!.rows['2025']} → ${eligibility!.rows['2025']! - 1}`,
      ...Object.keys(eligibility!.columns).map((c) => `int_employer_eligibility.${c} differs (2025)`),
      'int_plan_eligibility.level_id differs (2027)',
    ]);
  });

  it('finds a table turned into a view that restores a dropped column identical, and refuses a table it has no key for', async () => {
    const copy = await editedCopy('view', async (db) => {
      const columns = (
        await db.all<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns
           WHERE table_catalog = current_database() AND table_name = 'fct_employer_match_events' ORDER BY ordinal_position`,
        )
      ).map((c) => c.name);
      await db.run(`CREATE SCHEMA stored`);
      await db.run(`CREATE TABLE stored.match_events AS SELECT * EXCLUDE (event_category) FROM fct_employer_match_events`);
      await db.run(`DROP TABLE fct_employer_match_events`);
      const select = columns.map((c) => (c === 'event_category' ? `'employer_match' AS event_category` : c)).join(', ');
      await db.run(`CREATE VIEW fct_employer_match_events AS SELECT ${select} FROM stored.match_events`);
    });
    const digest = await digestDatabaseFile(copy);
    expect(compareDigests(digests.get(42)!, digest)).toEqual([]);

    const extra = await editedCopy('extra', (db) => db.run(`CREATE TABLE int_scratch_left_behind AS SELECT 1 AS x`));
    await expect(digestDatabaseFile(extra)).rejects.toThrow(/No natural key for int_scratch_left_behind/);
  });

  it('names a missing table, a missing or retyped column and a changed column order', () => {
    const column = (type: string, h: string) => ({ type, groups: { all: h } });
    const expected: OutputDigest = {
      format: 'planalign-output-digest/1',
      tables: {
        param_a: { key: ['k'], rows: { all: 1 }, columns: { k: column('INTEGER', 'a'), x: column('DOUBLE', 'b'), y: column('VARCHAR', 'c') } },
        param_b: { key: [], rows: { all: 1 }, columns: {} },
      },
    };
    const actual: OutputDigest = {
      format: 'planalign-output-digest/1',
      tables: { param_a: { key: ['k'], rows: { all: 1 }, columns: { y: column('VARCHAR', 'c'), k: column('INTEGER', 'a'), z: column('DECIMAL(18,2)', 'b') } } },
    };
    expect(compareDigests(expected, actual)).toEqual([
      'param_a.x: missing',
      'param_a.z: new (not in the expected digest)',
      'param_a: column order (k, y) → (y, k)',
      'param_b: missing',
    ]);
  });
});
