/**
 * Support of the dead-key guard (test/config/dead-keys.test.ts): the keys the config schema applies,
 * setting a key of a raw config by its path, and a fingerprint of what a simulation computed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_CENSUS_COLUMNS, generateCensusRows } from '../../src/census/index.js';
import { isPlainObject } from '../../src/config/walk.js';
import type { Database } from '../../src/db/database.js';
import { OrchestratorBuilder } from '../../src/factory.js';
import { sqlRule } from '../../src/validation/rules.js';

/** Every key the schema accepts and does not ignore, as a dotted path (the metadata's own list). */
export { honouredConfigKeys as appliedConfigKeys } from '../../src/config/metadata.js';

/**
 * Sets `path` (dotted; a number segment indexes an array: `tiers.0.match_rate`) in a raw config,
 * creating missing sections; `undefined` removes the key.
 */
export function setConfigPath(config: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  const last = segments.pop() as string;
  let node: Record<string, unknown> | unknown[] = config;
  for (const segment of segments) {
    const next: unknown = (node as Record<string, unknown>)[segment];
    if (isPlainObject(next) || Array.isArray(next)) {
      node = next;
    } else {
      const created = {};
      (node as Record<string, unknown>)[segment] = created;
      node = created;
    }
  }
  if (value === undefined) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = value;
}

const DAY_MS = 86_400_000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const iso = (dayNumber: number): string => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

/** Whole years at the census date 2024-12-31 (the start of a 2025 run) in each age segment of the plan. */
const SEGMENT_AGES = [27, 38, 50, 60] as const;
/** Pay within each pay segment of the plan: below 50,000, to 100,000, to 200,000, above. */
const SEGMENT_PAY = [
  [30_000, 50_000],
  [56_000, 100_000],
  [100_000, 200_000],
  [200_000, 450_000],
] as const;

/** The census column, besides the generator's, that holds another deferral rate, in percent. */
export const PERCENT_RATE_COLUMN = 'deferral_percent';

/**
 * A census of the generator's rows (as many, same seed) with age, pay, participation and hire year
 * laid on a grid: row i is in age segment i % 4, pay segment (i >> 2) % 4, participates when
 * (i >> 4) is odd and was hired in 2024 when (i >> 5) is odd. The plan's settings address these
 * segments (deferral rates by age and pay, opt-outs by pay, ...), but the generator's realistic mix
 * leaves some nearly empty (0.3 % of its rows are paid below 50,000), and new hires are 25-40.
 * A second rate column, PERCENT_RATE_COLUMN, holds each participant's rate plus one point, in
 * percent (for deferral_rates.census_rate_field and normalize_percentages). Written as CSV to `path`.
 */
export function writeSegmentedCensus(path: string, employees: number, seed: number): void {
  const lines = generateCensusRows({ employees, seed }).map((row, i) => {
    const age = SEGMENT_AGES[i % 4] as number;
    const birth = new Date(`${row.employee_birth_date}T00:00:00Z`);
    birth.setUTCFullYear(2024 - age);
    const adult = new Date(birth);
    adult.setUTCFullYear(birth.getUTCFullYear() + 18);
    const hire = (i >> 5) % 2 === 1 ? day('2024-01-01') + ((i * 37) % 366) : Math.max(day(row.employee_hire_date), adult.getTime() / DAY_MS);
    const termination = row.employee_termination_date === null ? '' : iso(Math.max(day(row.employee_termination_date), hire));
    const [low, high] = SEGMENT_PAY[(i >> 2) % 4] as readonly [number, number];
    const pay = low + (row.employee_gross_compensation % (high - low));
    const rate = (i >> 4) % 2 === 1 ? row.employee_deferral_rate || 0.06 : 0;
    const percent = rate > 0 ? Math.round(rate * 100) + 1 : 0;
    const birthDate = iso(birth.getTime() / DAY_MS);
    return [row.employee_id, row.employee_ssn, birthDate, iso(hire), termination, pay, rate, row.active, percent].join(',');
  });
  writeFileSync(path, `${[...GENERATED_CENSUS_COLUMNS, PERCENT_RATE_COLUMN].join(',')}\n${lines.join('\n')}\n`);
}

/**
 * The segmented census (writeSegmentedCensus) with one owner: its first participant employed all year
 * owns 10 % (a key employee) and holds a 100,000,000 pre-tax balance, so that the plan is top-heavy
 * from the first year and the other participants are owed the top-heavy minimum.
 */
export function writeTopHeavyCensus(path: string, employees: number, seed: number): void {
  writeSegmentedCensus(path, employees, seed);
  const [header = '', ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const column = (name: string): number => header.split(',').indexOf(name);
  const [termination, rate, active] = [column('employee_termination_date'), column('employee_deferral_rate'), column('active')];
  const owner = rows.findIndex((row) => {
    const fields = row.split(',');
    return fields[termination] === '' && Number(fields[rate]) > 0 && fields[active] === 'true';
  });
  const lines = rows.map((row, i) => `${row},${i === owner ? '0.10,100000000' : ','}`);
  writeFileSync(path, `${header},ownership_pct,balance_pre_tax\n${lines.join('\n')}\n`);
}

/**
 * What a simulation computed: the tables of results, employee by employee. The parameter echoes
 * (param_*, int_effective_parameters), the census copy and the run records are not results.
 */
export const RESULT_TABLES = [
  'fct_yearly_events',
  'fct_workforce_snapshot',
  'int_enrollment_state_accumulator',
  'int_deferral_rate_state_accumulator',
  'int_employee_contributions',
  'int_employee_match_calculations',
  'fct_employer_match_events',
  'int_employer_core_contributions',
  'int_vesting_service',
  'fct_account_balances',
  'fct_forfeiture_account',
  'fct_account_events',
  'int_compliance_population',
  'int_top_heavy_minimum',
  'fct_compliance_tests',
] as const;

/**
 * Columns that are not results: ids and labels (event ids hash the scenario and plan-design ids),
 * run-time stamps, texts that repeat other columns with labels in them (event_details,
 * event_payload), the probability an event was drawn with (the setting itself), and the reasons
 * given for an eligibility decision (the decision is eligible_for_match / eligible_for_core).
 */
export const NON_RESULT_COLUMNS: ReadonlySet<string> = new Set([
  'event_id',
  'scenario_id',
  'plan_design_id',
  'parameter_scenario_id',
  'parameter_source',
  'formula_id',
  'formula_name',
  'created_at',
  'snapshot_created_at',
  'event_details',
  'event_payload',
  'event_probability',
  'match_eligibility_reason',
  'core_eligibility_reason',
]);

/**
 * Per result table: its row count, the result columns that vary across rows (a column holding one
 * value in every row repeats a setting or the year) and an order-independent hash of the rows over
 * those columns. Two runs computed the same results exactly when their fingerprints are equal.
 */
export type Fingerprint = Record<string, string>;

async function fingerprint(db: Database): Promise<Fingerprint> {
  const result: Fingerprint = {};
  for (const table of RESULT_TABLES) {
    const columns = (
      await db.all<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    )
      .map((c) => c.name)
      .filter((name) => !NON_RESULT_COLUMNS.has(name));
    // Identifiers come from the catalog, quoted; no value is spliced into the SQL.
    const quoted = columns.map((c) => `"${c.replaceAll('"', '""')}"`);
    // A column varies when two of its values differ, or some are null and some not.
    const varies = await db.one<Record<string, boolean>>(
      `SELECT ${quoted.map((q, i) => `(min(${q}) <> max(${q}) OR count(${q}) NOT IN (0, count(*))) AS v${i}`).join(', ')} FROM ${table}`,
    );
    const varying = quoted.filter((_, i) => varies?.[`v${i}`] === true);
    const rows = await db.one<{ n: number; h: string | null }>(
      `SELECT count(*)::INTEGER AS n, ${varying.length > 0 ? `sum(hash(${varying.join(', ')})::HUGEINT)::VARCHAR` : `''`} AS h FROM ${table}`,
    );
    result[table] = `${rows?.n ?? 0} rows; ${varying.join(',')}; ${rows?.h ?? ''}`;
  }
  return result;
}

/** The tables whose results differ between two fingerprints. */
export function changedTables(a: Fingerprint, b: Fingerprint): string[] {
  return RESULT_TABLES.filter((t) => a[t] !== b[t]);
}

export type Outcome = { fingerprint: Fingerprint; echoes: Record<string, string[]> } | { error: string };

/**
 * The one validation rule of the guard's runs: an error every year, so that a run stops at it
 * exactly when setup.fail_on_validation_error says so (its findings are not results).
 */
export const ALWAYS_FAILING_RULE = sqlRule({
  name: 'guard_always_fails',
  severity: 'error',
  description: 'fires every year (dead-key guard)',
  sql: 'SELECT 1 AS finding',
});

/**
 * Simulates `config` in a throwaway in-memory database, on one DuckDB thread (the guard runs
 * several at once), with ALWAYS_FAILING_RULE in place of the validation rules. Returns the
 * fingerprint and the distinct values of the asked `table.column`s, or the error that stopped it.
 */
export async function simulateOutcome(config: Record<string, unknown>, echoColumns: readonly string[] = []): Promise<Outcome> {
  let orchestrator;
  try {
    orchestrator = await new OrchestratorBuilder()
      .withConfig(config)
      .withEnvironment({})
      .withDatabase(':memory:')
      .withThreads(1)
      .withoutDefaultRules()
      .withCustomValidator(ALWAYS_FAILING_RULE)
      .build();
    await orchestrator.executeMultiYearSimulation();
    const db = orchestrator.database;
    const echoes: Record<string, string[]> = {};
    for (const target of echoColumns) {
      const [table, column] = target.split('.');
      if (!RESULT_TABLES.includes(table as (typeof RESULT_TABLES)[number]) || !/^[a-z_]+$/.test(column ?? '')) {
        throw new Error(`echo column ${target} is not a column of a result table`);
      }
      const rows = await db.all<{ v: string }>(`SELECT DISTINCT ${column}::VARCHAR AS v FROM ${table} ORDER BY 1`);
      echoes[target] = rows.map((r) => r.v);
    }
    return { fingerprint: await fingerprint(db), echoes };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    orchestrator?.close();
  }
}
