/**
 * The output-identity guard: a canonical digest of everything a simulation database keeps (README,
 * "The database keeps"), so that a change meant to leave the results alone (a faster model, a table
 * turned into a view) can be checked against the outputs before it, and a difference names its
 * table, column and year.
 *
 * Definition (stable across DuckDB versions: only md5, VARCHAR casts of exact types, printf and
 * string_agg are used):
 * - every table and view of the database's main schema except the planalign_* bookkeeping, each with
 *   its natural key (NATURAL_KEYS; a table without one is refused, so a new kept table is added here
 *   on purpose);
 * - per table and group (simulation year for the per-year tables, else "all"): the row count, and the
 *   number of rows sharing a natural key when any do;
 * - per column (name, order and DuckDB type kept) and group:
 *     md5(string_agg(key_text || '|' || value_text, chr(10) ORDER BY key_text, value_text))
 *   where key_text joins the key columns' text with '|', value_text is the value as VARCHAR (DOUBLE
 *   and FLOAT as printf('%.17g'), which prints the exact binary value whatever DuckDB's own float
 *   formatting does) and NULL is '∅'. The pairs are sorted (byte order) before they are joined, so
 *   row order does not matter; pairing each value with its key means a value moved to another row is
 *   seen. (Sorting the pairs costs 40 % less CPU than hashing each pair and sorting the hashes.)
 */
import { Database } from '../db/database.js';

export const DIGEST_FORMAT = 'planalign-output-digest/1';

interface TableKey {
  /** Columns that identify a row; [] for a one-row table. */
  key: readonly string[];
  /** Digest each simulation year apart, so a difference names its years. */
  perYear: boolean;
}

const YEAR_EMPLOYEE: TableKey = { key: ['simulation_year', 'employee_id'], perYear: true };

/** Every kept table and view, with its natural key. Names come from information_schema, never from user text. */
export const NATURAL_KEYS: Readonly<Record<string, TableKey>> = {
  stg_census_data: { key: ['employee_id'], perYear: false },
  int_baseline_workforce: YEAR_EMPLOYEE,
  int_employee_compensation_by_year: YEAR_EMPLOYEE,
  int_effective_parameters: { key: ['simulation_year', 'level_id'], perYear: true },
  int_workforce_needs: { key: ['simulation_year'], perYear: true },
  int_workforce_needs_by_level: { key: ['simulation_year', 'level_id'], perYear: true },
  int_plan_eligibility: YEAR_EMPLOYEE,
  // event_sequence numbers an employee's events of the year in a fixed order (fct_yearly_events.sql).
  fct_yearly_events: { key: ['simulation_year', 'employee_id', 'event_sequence'], perYear: true },
  int_enrollment_state_accumulator: YEAR_EMPLOYEE,
  int_deferral_rate_state_accumulator: YEAR_EMPLOYEE,
  int_employee_contributions: YEAR_EMPLOYEE,
  int_employer_eligibility: YEAR_EMPLOYEE,
  // formula_id: more match designs are coming, each a row per employee and year.
  int_employee_match_calculations: { key: ['simulation_year', 'employee_id', 'formula_id'], perYear: true },
  fct_employer_match_events: { key: ['simulation_year', 'employee_id', 'event_type'], perYear: true },
  int_employer_core_contributions: YEAR_EMPLOYEE,
  int_vesting_service: YEAR_EMPLOYEE,
  fct_account_balances: { key: ['simulation_year', 'employee_id', 'source'], perYear: true },
  fct_forfeiture_account: { key: ['simulation_year'], perYear: true },
  fct_account_events: { key: ['simulation_year', 'employee_id', 'event_type', 'source'], perYear: true },
  fct_workforce_snapshot: YEAR_EMPLOYEE,
  fct_compliance_tests: { key: ['simulation_year', 'test_name', 'group_name'], perYear: true },
  int_compliance_population: YEAR_EMPLOYEE,
  int_top_heavy_minimum: YEAR_EMPLOYEE,
  param_accounts: { key: ['simulation_year'], perYear: false },
  param_age_bands: { key: ['band_label'], perYear: false },
  param_comp_levers: { key: ['simulation_year', 'level_id'], perYear: false },
  param_compliance: { key: [], perYear: false },
  param_core_integration: { key: ['simulation_year'], perYear: false },
  param_core_schedule: { key: ['band_min'], perYear: false },
  param_dc_plan: { key: [], perYear: false },
  param_forfeitures: { key: [], perYear: false },
  param_deferral_rate_matrix: { key: ['age_segment', 'income_segment'], perYear: false },
  // Every limit year the run may read (published and projected), not only the simulated years.
  param_irs_limits: { key: ['simulation_year'], perYear: false },
  param_job_levels: { key: ['level_id'], perYear: false },
  param_match_bands: { key: ['band', 'tier'], perYear: false },
  param_match_design: { key: [], perYear: false },
  param_new_hire_ages: { key: ['slot'], perYear: false },
  param_new_hire_pay: { key: ['level_id'], perYear: false },
  param_promotion_age_multipliers: { key: ['age_band'], perYear: false },
  param_promotion_hazard: { key: [], perYear: false },
  param_promotion_level_overrides: { key: ['level_id'], perYear: false },
  param_promotion_tenure_multipliers: { key: ['tenure_band'], perYear: false },
  param_raise_timing: { key: ['month'], perYear: false },
  param_simulation: { key: [], perYear: false },
  param_tenure_bands: { key: ['band_label'], perYear: false },
  param_vesting: { key: [], perYear: false },
  param_vesting_schedules: { key: ['source', 'service_years'], perYear: false },
};

/** Tables left out whole: run, checkpoint and validation records (run ids, wall-clock times, hashes of the above). */
export const EXCLUDED_TABLE_PREFIX = 'planalign_';

/** Columns left out, each nondeterministic by design. */
export const EXCLUDED_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  param_simulation: { run_started_at: 'wall-clock time the run started' },
  fct_yearly_events: { created_at: "the run's start time (param_simulation.run_started_at)" },
  fct_employer_match_events: { created_at: "the run's start time (param_simulation.run_started_at)" },
  fct_workforce_snapshot: { snapshot_created_at: "the run's start time (param_simulation.run_started_at)" },
};

/** The group of a table that is not digested per year. */
export const ALL_ROWS = 'all';

export interface ColumnDigest {
  type: string;
  /** Group (year, or "all") → md5 of the column's (key, value) pairs. */
  groups: Record<string, string>;
}

export interface TableDigest {
  key: string[];
  /** Group → row count. */
  rows: Record<string, number>;
  /** Group → rows sharing their natural key with another row; only groups that have any. */
  duplicateKeys?: Record<string, number>;
  /** In the table's column order. */
  columns: Record<string, ColumnDigest>;
}

export interface OutputDigest {
  format: string;
  /** What was digested (census, seed, years); not compared. */
  about?: Record<string, unknown>;
  tables: Record<string, TableDigest>;
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const NULL_TEXT = "'∅'";

/** A column's value as canonical text (exact binary value for floating point). */
function valueText(column: string, type: string): string {
  const text = /^(DOUBLE|FLOAT|REAL)$/.test(type) ? `printf('%.17g', ${ident(column)})` : `CAST(${ident(column)} AS VARCHAR)`;
  return `coalesce(${text}, ${NULL_TEXT})`;
}

/** The digest of every kept table and view of an open database. */
export async function digestDatabase(db: Database): Promise<OutputDigest> {
  const columns = await db.all<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type
     FROM information_schema.columns c
     WHERE c.table_catalog = current_database() AND c.table_schema = 'main' AND NOT starts_with(c.table_name, $1)
     ORDER BY c.table_name, c.ordinal_position`,
    [EXCLUDED_TABLE_PREFIX],
  );
  const byTable = new Map<string, Array<{ name: string; type: string }>>();
  for (const c of columns) {
    const list = byTable.get(c.table_name) ?? [];
    list.push({ name: c.column_name, type: c.data_type });
    byTable.set(c.table_name, list);
  }
  const unknown = [...byTable.keys()].filter((t) => !(t in NATURAL_KEYS));
  if (unknown.length > 0) {
    throw new Error(
      `No natural key for ${unknown.join(', ')}: add each kept table to NATURAL_KEYS in src/bench/output-digest.ts ` +
        `(or name it planalign_* if it is run bookkeeping)`,
    );
  }
  const tables: Record<string, TableDigest> = {};
  for (const [table, tableColumns] of [...byTable].sort(([a], [b]) => (a < b ? -1 : 1))) {
    tables[table] = await digestTable(db, table, tableColumns);
  }
  return { format: DIGEST_FORMAT, tables };
}

async function digestTable(db: Database, table: string, columns: Array<{ name: string; type: string }>): Promise<TableDigest> {
  const { key, perYear } = NATURAL_KEYS[table]!;
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const missingKey = key.filter((k) => !types.has(k));
  if (missingKey.length > 0) throw new Error(`${table} lacks its natural key column(s) ${missingKey.join(', ')}`);
  const group = perYear ? `CAST(simulation_year AS VARCHAR)` : `'${ALL_ROWS}'`;
  const keyText = key.length === 0 ? `''` : key.map((k) => valueText(k, types.get(k)!)).join(` || '|' || `);
  const from = ident(table);

  const counts = await db.all<{ grp: string; n: number; keys: number }>(
    `SELECT ${group} AS grp, count(*)::INTEGER AS n, count(DISTINCT ${keyText})::INTEGER AS keys FROM ${from} GROUP BY grp ORDER BY grp`,
  );
  const rows: Record<string, number> = {};
  const duplicateKeys: Record<string, number> = {};
  for (const c of counts) {
    rows[c.grp] = c.n;
    if (c.keys !== c.n) duplicateKeys[c.grp] = c.n - c.keys;
  }

  const excluded = EXCLUDED_COLUMNS[table] ?? {};
  const digests: Record<string, ColumnDigest> = {};
  // One column per query: each sorts its own pairs, so memory holds one column's at a time.
  for (const { name, type } of columns) {
    if (name in excluded) continue;
    const found = await db.all<{ grp: string; h: string }>(
      `SELECT grp, md5(string_agg(k || '|' || v, chr(10) ORDER BY k, v)) AS h
       FROM (SELECT ${group} AS grp, ${keyText} AS k, ${valueText(name, type)} AS v FROM ${from})
       GROUP BY grp ORDER BY grp`,
    );
    digests[name] = { type, groups: Object.fromEntries(found.map((f) => [f.grp, f.h])) };
  }
  return {
    key: [...key],
    rows,
    ...(Object.keys(duplicateKeys).length > 0 ? { duplicateKeys } : {}),
    columns: digests,
  };
}

/** The digest of a database file, opened read-only. */
export async function digestDatabaseFile(path: string): Promise<OutputDigest> {
  const db = await Database.open(path, { readOnly: true });
  try {
    return await digestDatabase(db);
  } finally {
    db.close();
  }
}

/** A digest as JSON with one line per column, so a digest update reads as a diff of the columns that changed. */
export function formatDigest(digest: OutputDigest): string {
  const lines = ['{', `  "format": ${JSON.stringify(digest.format)},`];
  if (digest.about !== undefined) lines.push(`  "about": ${JSON.stringify(digest.about)},`);
  lines.push('  "tables": {');
  const tables = Object.entries(digest.tables);
  tables.forEach(([name, t], i) => {
    lines.push(`    ${JSON.stringify(name)}: {`, `      "key": ${JSON.stringify(t.key)},`, `      "rows": ${JSON.stringify(t.rows)},`);
    if (t.duplicateKeys !== undefined) lines.push(`      "duplicateKeys": ${JSON.stringify(t.duplicateKeys)},`);
    lines.push('      "columns": {');
    const columns = Object.entries(t.columns);
    columns.forEach(([column, c], j) => lines.push(`        ${JSON.stringify(column)}: ${JSON.stringify(c)}${j < columns.length - 1 ? ',' : ''}`));
    lines.push('      }', `    }${i < tables.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

function groupsThatDiffer(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const groups = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return groups.filter((g) => a[g] !== b[g]);
}

/**
 * Every difference between an expected digest and an actual one, one line each naming the table and
 * column (and the years); [] when the outputs are identical.
 */
export function compareDigests(expected: OutputDigest, actual: OutputDigest): string[] {
  const out: string[] = [];
  if (expected.format !== actual.format) return [`digest format ${expected.format} → ${actual.format}: recompute the expected digest`];
  for (const table of [...new Set([...Object.keys(expected.tables), ...Object.keys(actual.tables)])].sort()) {
    const a = expected.tables[table];
    const b = actual.tables[table];
    if (a === undefined || b === undefined) {
      out.push(`${table}: ${a === undefined ? 'new (not in the expected digest)' : 'missing'}`);
      continue;
    }
    if (a.key.join(',') !== b.key.join(',')) out.push(`${table}: natural key (${a.key.join(', ')}) → (${b.key.join(', ')})`);
    for (const g of groupsThatDiffer(a.rows, b.rows)) out.push(`${table}: rows ${g}: ${a.rows[g] ?? 0} → ${b.rows[g] ?? 0}`);
    for (const g of groupsThatDiffer(a.duplicateKeys ?? {}, b.duplicateKeys ?? {})) {
      out.push(`${table}: rows sharing a natural key in ${g}: ${a.duplicateKeys?.[g] ?? 0} → ${b.duplicateKeys?.[g] ?? 0}`);
    }
    const aColumns = Object.keys(a.columns);
    const bColumns = Object.keys(b.columns);
    for (const column of aColumns.filter((c) => !(c in b.columns))) out.push(`${table}.${column}: missing`);
    for (const column of bColumns.filter((c) => !(c in a.columns))) out.push(`${table}.${column}: new (not in the expected digest)`);
    const common = aColumns.filter((c) => c in b.columns);
    if (common.join(',') !== bColumns.filter((c) => c in a.columns).join(',')) {
      out.push(`${table}: column order (${common.join(', ')}) → (${bColumns.filter((c) => c in a.columns).join(', ')})`);
    }
    for (const column of common) {
      const ca = a.columns[column]!;
      const cb = b.columns[column]!;
      if (ca.type !== cb.type) out.push(`${table}.${column}: type ${ca.type} → ${cb.type}`);
      const groups = groupsThatDiffer(ca.groups, cb.groups);
      if (groups.length > 0) out.push(`${table}.${column} differs (${groups.join(', ')})`);
    }
  }
  return out;
}
