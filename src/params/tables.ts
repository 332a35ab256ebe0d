import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../config/hash.js';
import { closestKey } from '../config/suggest.js';
import { ConfigError } from '../errors.js';
import { seedsDir } from '../paths.js';

/**
 * The parameter tables a run reads: the bundled CSV files of data/seeds/, any of which a folder named
 * by `setup.parameter_tables_dir` replaces with a file of the same name. Every table is validated
 * (columns, value ranges, the rows the models join on) before anything is written, and hashed: the
 * hash of all of them is recorded with the run and each checkpoint, so a resume notices an edit.
 */

const CONFIG_KEY = 'setup.parameter_tables_dir';

type Cell =
  | { kind: 'integer' | 'number'; min?: number; max?: number; optional?: boolean }
  | { kind: 'text'; optional?: boolean };

/** A data row of a table: its values by column, and its number (1 = the first row after the header). */
interface Row {
  row: number;
  values: Record<string, string>;
}

interface Problem {
  row?: number;
  column?: string;
  message: string;
}

interface TableSpec {
  /** Columns the models read, with what each may hold. */
  read: Record<string, Cell>;
  /** Columns of the reference's file that PlanAlign does not read: accepted, and said so. */
  unread: readonly string[];
  /** Checks across rows (keys, coverage); `tables` holds every table of the run, validated cell by cell. */
  check?: (rows: readonly Row[], tables: ReadonlyMap<string, readonly Row[]>) => Problem[];
  /** Read-but-ignored content of an overriding table, in words (e.g. unread parameter names). */
  unreadContent?: (rows: readonly Row[]) => string | undefined;
}

const YEAR: Cell = { kind: 'integer', min: 1900, max: 2200 };
const DOLLARS: Cell = { kind: 'number', min: 0 };
const SHARE: Cell = { kind: 'number', min: 0, max: 1 };

/** The comp_levers parameters the models read, with their ranges; the other names are the reference's. */
const COMP_LEVERS_READ: Record<string, { min: number; max: number }> = {
  'RAISE/merit_base': { min: 0, max: 1 },
  'HIRE/compensation_percentile': { min: 0, max: 1 },
  'HIRE/market_adjustment_multiplier': { min: 0, max: 5 },
};
const COMP_LEVERS_UNREAD = [
  'RAISE/cola_rate',
  'PROMOTION/promotion_probability',
  'PROMOTION/promotion_raise',
  'DEFERRAL_ESCALATION/escalation_rate',
  'DEFERRAL_ESCALATION/max_escalation_rate',
  'DEFERRAL_ESCALATION/tenure_threshold',
  'DEFERRAL_ESCALATION/age_threshold',
  'DEFERRAL_ESCALATION/max_escalations',
  'HIRE/new_hire_salary_adjustment',
];
/** EVENT_TYPE/parameter_name (the event type upper-cased, as the models read it). */
const leverOf = (r: Row): string => `${(r.values.event_type ?? '').toUpperCase()}/${r.values.parameter_name ?? ''}`;

/** Each value of `column` exactly once, and (with `expected`) exactly those values. */
function oneEach(rows: readonly Row[], column: string, expected?: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const value = r.values[column] as string;
    const earlier = seen.get(value);
    if (earlier !== undefined) problems.push({ row: r.row, column, message: `${value} is already given in row ${earlier}` });
    else seen.set(value, r.row);
  }
  const missing = (expected ?? []).filter((v) => !seen.has(v));
  if (missing.length > 0) {
    problems.push({ column, message: `needs one row for each of ${expected?.join(', ')}; missing ${missing.join(', ')}` });
  }
  return problems;
}

/** A multiplier per band label; that every band of the run has one is checked when compiled (params/bands.ts). */
function bandTable(column: string): TableSpec {
  return {
    read: { [column]: { kind: 'text' }, multiplier: { kind: 'number', min: 0, max: 100 } },
    unread: [],
    check: (rows) => oneEach(rows, column),
  };
}

export const PARAMETER_TABLES: Record<string, TableSpec> = {
  'config_job_levels.csv': {
    read: {
      level_id: { kind: 'integer', min: 1, max: 100 },
      name: { kind: 'text' },
      min_compensation: DOLLARS,
      max_compensation: DOLLARS,
    },
    unread: [
      'avg_annual_merit_increase',
      'comp_age_factor',
      'comp_base_salary',
      'comp_stochastic_std_dev',
      'description',
      'job_families',
      'promotion_probability',
      'target_bonus_percent',
      'created_at',
      'updated_at',
    ],
    check: (rows) => [
      ...(rows.length === 0 ? [{ message: 'needs at least one level' }] : []),
      ...oneEach(rows, 'level_id'),
      ...rows
        .filter((r) => Number(r.values.max_compensation) <= Number(r.values.min_compensation))
        .map((r) => ({
          row: r.row,
          column: 'max_compensation',
          message: `${r.values.max_compensation} must be greater than min_compensation (${r.values.min_compensation})`,
        })),
    ],
  },
  'config_promotion_hazard_base.csv': {
    read: { base_rate: SHARE, level_dampener_factor: SHARE },
    unread: [],
    check: (rows) => (rows.length === 1 ? [] : [{ message: `needs exactly one row, not ${rows.length}` }]),
  },
  'config_promotion_hazard_age_multipliers.csv': bandTable('age_band'),
  'config_promotion_hazard_tenure_multipliers.csv': bandTable('tenure_band'),
  'config_raise_timing_distribution.csv': {
    read: { month: { kind: 'integer', min: 1, max: 12 }, percentage: SHARE, industry_profile: { kind: 'text' } },
    unread: ['business_justification'],
    // The run reads the general_corporate profile: its twelve months, each once.
    check: (rows) => {
      const profile = rows.filter((r) => r.values.industry_profile === 'general_corporate');
      const problems = oneEach(profile, 'month', Array.from({ length: 12 }, (_, i) => String(i + 1))).map((p) => ({
        ...p,
        message: `industry_profile general_corporate: ${p.message}`,
      }));
      if (profile.every((r) => Number(r.values.percentage) === 0)) {
        problems.push({ column: 'percentage', message: 'the general_corporate shares are all 0' });
      }
      return problems;
    },
    unreadContent: (rows) => {
      const others = [...new Set(rows.map((r) => r.values.industry_profile).filter((p) => p !== 'general_corporate'))];
      return others.length > 0 ? `industry profiles ${others.join(', ')} (only general_corporate is read)` : undefined;
    },
  },
  'comp_levers.csv': {
    read: {
      scenario_id: { kind: 'text' },
      fiscal_year: YEAR,
      job_level: { kind: 'integer', min: 1, max: 100 },
      event_type: { kind: 'text' },
      parameter_name: { kind: 'text' },
      parameter_value: { kind: 'number' },
    },
    unread: ['is_locked', 'created_at', 'created_by'],
    check: (rows, tables) => {
      const problems: Problem[] = [];
      const known = [...Object.keys(COMP_LEVERS_READ), ...COMP_LEVERS_UNREAD];
      const seen = new Map<string, number>();
      for (const r of rows) {
        const lever = leverOf(r);
        const range = COMP_LEVERS_READ[lever];
        if (!known.includes(lever)) {
          const near = closestKey(lever, known);
          problems.push({
            row: r.row,
            column: 'parameter_name',
            message: `unknown parameter ${lever}${near ? ` (did you mean ${near}?)` : ''}; read are ${Object.keys(COMP_LEVERS_READ).join(', ')}`,
          });
        } else if (range !== undefined) {
          const value = Number(r.values.parameter_value);
          if (value < range.min || value > range.max) {
            problems.push({
              row: r.row,
              column: 'parameter_value',
              message: `${r.values.parameter_value} is out of range for ${r.values.parameter_name}: allowed ${range.min} to ${range.max}`,
            });
          }
          const key = `${r.values.scenario_id} ${r.values.fiscal_year} ${r.values.job_level} ${lever}`;
          const earlier = seen.get(key);
          if (earlier !== undefined) {
            const message = `${lever} of this scenario, year and level is already given in row ${earlier}`;
            problems.push({ row: r.row, column: 'parameter_value', message });
          } else seen.set(key, r.row);
        }
      }
      // Every job level needs every read parameter in every (scenario, year) the table has: the models join on them.
      const levels = (tables.get('config_job_levels.csv') ?? []).map((r) => r.values.level_id as string);
      const spans = new Set(rows.map((r) => `${r.values.scenario_id} ${r.values.fiscal_year}`));
      if (![...spans].some((s) => s.startsWith('default '))) {
        problems.push({ column: 'scenario_id', message: 'needs rows of scenario default (the fallback of every other scenario)' });
      }
      for (const span of [...spans].sort()) {
        for (const level of levels) {
          for (const lever of Object.keys(COMP_LEVERS_READ)) {
            if (!seen.has(`${span} ${level} ${lever}`)) {
              const [scenario, year] = span.split(' ');
              const message = `scenario ${scenario}, fiscal year ${year} has no ${lever} for job level ${level} (a level of config_job_levels.csv)`;
              problems.push({ message });
            }
          }
        }
      }
      return problems;
    },
    unreadContent: (rows) => {
      const unread = [...new Set(rows.map(leverOf).filter((l) => COMP_LEVERS_UNREAD.includes(l)))];
      return unread.length > 0 ? `parameters ${unread.join(', ')}` : undefined;
    },
  },
  'irs_limits.csv': {
    read: {
      limit_year: YEAR,
      elective_deferral_limit: DOLLARS,
      catch_up_contribution: DOLLARS,
      catch_up_age: { kind: 'integer', min: 0, max: 120 },
      super_catch_up_contribution: { ...DOLLARS, optional: true },
      super_catch_up_min_age: { kind: 'integer', min: 0, max: 120, optional: true },
      super_catch_up_max_age: { kind: 'integer', min: 0, max: 120, optional: true },
      compensation_limit: DOLLARS,
      annual_additions_limit: DOLLARS,
      // Carried into param_irs_limits (projected like the others) for the compliance tests; may be empty.
      hce_compensation_threshold: { ...DOLLARS, optional: true },
      key_employee_compensation_threshold: { ...DOLLARS, optional: true },
      social_security_wage_base: { ...DOLLARS, optional: true },
    },
    unread: ['source'],
    check: (rows) => [
      ...(rows.length === 0 ? [{ message: 'needs at least one year' }] : []),
      ...oneEach(rows, 'limit_year'),
      ...missingYears(rows, 'limit_year'),
      ...rows.flatMap((r): Problem[] => {
        const [min, max] = [r.values.super_catch_up_min_age ?? '', r.values.super_catch_up_max_age ?? ''];
        if ((min === '') !== (max === '')) {
          const column = min === '' ? 'super_catch_up_min_age' : 'super_catch_up_max_age';
          return [{ row: r.row, column, message: 'super_catch_up_min_age and super_catch_up_max_age are given together or not at all' }];
        }
        return min !== '' && Number(min) > Number(max)
          ? [{ row: r.row, column: 'super_catch_up_max_age', message: `${max} is below super_catch_up_min_age (${min})` }]
          : [];
      }),
    ],
  },
};

/** Years missing between the first and the last of `column`: a year-indexed table has no gap. */
function missingYears(rows: readonly Row[], column: string): Problem[] {
  const years = new Set(rows.map((r) => Number(r.values[column])));
  if (years.size === 0) return [];
  const [first, last] = [Math.min(...years), Math.max(...years)];
  const missing = Array.from({ length: last - first + 1 }, (_, i) => first + i).filter((y) => !years.has(y));
  return missing.length === 0 ? [] : [{ column, message: `has no row for ${missing.join(', ')} (between ${first} and ${last})` }];
}

/** Tables of the reference engine's seed folder that PlanAlign does not read, and why. */
const NOT_READ: Record<string, string> = {
  'comp_targets.csv': 'calibration targets; the reference did not read them either',
  'config_cola_by_year.csv': 'the COLA is compensation.cola_rate',
  'config_raises_hazard.csv': 'merit raises come from comp_levers.csv and compensation.merit_budget',
  'config_termination_hazard_base.csv': 'terminations follow workforce.total_termination_rate and new_hire_termination_rate',
  'config_termination_hazard_age_multipliers.csv': 'terminations follow workforce.total_termination_rate and new_hire_termination_rate',
  'config_termination_hazard_tenure_multipliers.csv': 'terminations follow workforce.total_termination_rate and new_hire_termination_rate',
  'config_timing_validation_rules.csv': 'raise-timing checks of the reference; the shares are normalised instead',
  'default_deferral_rates.csv': 'deferral rates come from the enrollment section of the config',
  'scenario_meta.csv': 'a scenario catalogue; scenarios are config files here',
  'irs_contribution_limits.csv': "PlanAlign's IRS table is irs_limits.csv (published limits, with the 401(a)(17) and 415(c) limits)",
};

export interface ParameterTable {
  file: string;
  path: string;
  /** 'bundled' (data/seeds/) or 'override' (setup.parameter_tables_dir). */
  source: 'bundled' | 'override';
  sha256: string;
}

export interface ParameterTables {
  /** The resolved setup.parameter_tables_dir, when set. */
  dir: string | undefined;
  tables: Record<string, ParameterTable>;
  /** SHA-256 of the canonical JSON of `fingerprint`. */
  hash: string;
  /** {file: SHA-256 of its bytes} of every table used: what the run records to name a changed table. */
  fingerprint: Record<string, string>;
  /** Columns or rows of an overriding table that no model reads. */
  notices: string[];
  /** The path a table is read from. */
  path(file: string): string;
}

/**
 * Validates and hashes the tables of a run: the bundled ones, each replaced by a same-named file of
 * `dir` when there is one. Every problem is reported at once with its file, row and column.
 */
export function loadParameterTables(dir?: string): ParameterTables {
  const problems: string[] = [];
  const overrides = dir === undefined ? new Set<string>() : overrideFiles(dir, problems);
  const tables: Record<string, ParameterTable> = {};
  const parsed = new Map<string, readonly Row[]>();
  const notices: string[] = [];
  for (const file of Object.keys(PARAMETER_TABLES)) {
    const source = overrides.has(file) ? 'override' : 'bundled';
    const path = source === 'override' ? join(dir as string, file) : join(seedsDir, file);
    const bytes = readFileSync(path);
    tables[file] = { file, path, source, sha256: createHash('sha256').update(bytes).digest('hex') };
    const table = readTable(path, bytes.toString('utf8'), PARAMETER_TABLES[file] as TableSpec, problems);
    if (table === undefined) continue;
    parsed.set(file, table.rows);
    if (source === 'override') {
      const unread = [
        table.unreadColumns.length > 0 ? `columns ${table.unreadColumns.join(', ')}` : undefined,
        PARAMETER_TABLES[file]?.unreadContent?.(table.rows),
      ].filter((s) => s !== undefined);
      if (unread.length > 0) notices.push(`${path}: ${unread.join('; ')} are not read by PlanAlign`);
    }
  }
  // Checks across rows run only on tables whose every cell is valid, so that they can trust the values.
  for (const [file, rows] of parsed) {
    for (const p of PARAMETER_TABLES[file]?.check?.(rows, parsed) ?? []) problems.push(describe(tables[file]?.path as string, p));
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new ConfigError(
      `Invalid parameter table${problems.length === 1 ? '' : 's'}`,
      shown,
      { configKey: CONFIG_KEY, file: dir },
      'Start from the bundled table in data/seeds/ and change only its values (see README, "Parameter tables").',
    );
  }
  const fingerprint = Object.fromEntries(Object.values(tables).map((t) => [t.file, t.sha256]));
  return {
    dir,
    tables,
    fingerprint,
    hash: createHash('sha256').update(canonicalJson(fingerprint), 'utf8').digest('hex'),
    notices,
    path: (file) => {
      const table = tables[file];
      if (table === undefined) throw new Error(`${file} is not a parameter table`);
      return table.path;
    },
  };
}

/** The CSV files of the override folder; anything else there is a problem (a misspelt name would silently use the bundled table). */
function overrideFiles(dir: string, problems: string[]): Set<string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(`Parameter tables folder ${dir} does not exist or is not a folder`, [], { configKey: CONFIG_KEY, file: dir });
  }
  const known = Object.keys(PARAMETER_TABLES);
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    if (known.includes(entry.name) && entry.isFile()) {
      found.add(entry.name);
      continue;
    }
    const path = join(dir, entry.name);
    const reason = NOT_READ[entry.name];
    if (reason !== undefined) {
      problems.push(`${path}: not read by PlanAlign (${reason}); remove it`);
    } else {
      const near = closestKey(entry.name, known);
      problems.push(
        `${path}: not a parameter table${near ? ` (did you mean ${near}?)` : ''}; the folder holds only tables named ${known.join(', ')}`,
      );
    }
  }
  return found;
}

function readTable(
  path: string,
  text: string,
  spec: TableSpec,
  problems: string[],
): { rows: Row[]; unreadColumns: string[] } | undefined {
  const records = parseCsv(text);
  if ('error' in records) {
    problems.push(`${path}: ${records.error}`);
    return undefined;
  }
  const [header, ...body] = records.rows;
  if (header === undefined) {
    problems.push(`${path}: empty file (a header row is needed)`);
    return undefined;
  }
  const before = problems.length;
  const expected = [...Object.keys(spec.read), ...spec.unread];
  header.forEach((column, i) => {
    if (header.indexOf(column) !== i) problems.push(describe(path, { column, message: 'the column is given twice' }));
    else if (!expected.includes(column)) {
      const near = closestKey(column, expected);
      const message = `unknown column${near ? ` (did you mean ${near}?)` : ''}; the columns are ${expected.join(', ')}`;
      problems.push(describe(path, { column, message }));
    }
  });
  const missing = Object.keys(spec.read).filter((c) => !header.includes(c));
  if (missing.length > 0) problems.push(`${path}: missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  if (problems.length > before) return undefined;

  const rows: Row[] = [];
  body.forEach((fields, i) => {
    const row = i + 1;
    if (fields.length !== header.length) {
      problems.push(describe(path, { row, message: `has ${fields.length} fields where the header has ${header.length}` }));
      return;
    }
    const values = Object.fromEntries(header.map((c, j) => [c, fields[j] as string]));
    for (const [column, cell] of Object.entries(spec.read)) {
      const message = cellProblem(values[column] as string, cell);
      if (message !== undefined) problems.push(describe(path, { row, column, message }));
    }
    rows.push({ row, values });
  });
  return problems.length > before ? undefined : { rows, unreadColumns: spec.unread.filter((c) => header.includes(c)) };
}

function cellProblem(value: string, cell: Cell): string | undefined {
  if (value === '') return cell.optional ? undefined : 'empty; a value is needed';
  if (cell.kind === 'text') return undefined;
  const allowed = [
    cell.kind === 'integer' ? 'a whole number' : 'a number',
    cell.min !== undefined && cell.max !== undefined ? `from ${cell.min} to ${cell.max}` : undefined,
    cell.min !== undefined && cell.max === undefined ? `≥ ${cell.min}` : undefined,
  ]
    .filter((s) => s !== undefined)
    .join(' ');
  // Whole numbers are written as digits only: the checks across rows compare the text ("1" ≠ "1.0").
  const pattern = cell.kind === 'integer' ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const number = pattern.test(value) ? Number(value) : Number.NaN;
  const ok =
    Number.isFinite(number) &&
    (cell.min === undefined || number >= cell.min) &&
    (cell.max === undefined || number <= cell.max);
  return ok ? undefined : `"${value}" is not allowed; allowed: ${allowed}`;
}

function describe(path: string, p: Problem): string {
  const where = [p.row !== undefined ? `row ${p.row}` : undefined, p.column !== undefined ? `column ${p.column}` : undefined].filter(Boolean);
  return `${path}${where.length > 0 ? `, ${where.join(', ')}` : ''}: ${p.message}`;
}

/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes (a quote inside doubled), rows
 * ended by LF or CRLF; a UTF-8 byte-order mark and blank lines are skipped.
 */
export function parseCsv(text: string): { rows: string[][] } | { error: string } {
  const rows: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRow = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]?.trim() === '')) rows.push(fields);
    fields = [];
    field = '';
  };
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i] as string;
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
        const next = source[i + 1];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') return { error: `line ${line}: text after a closing quote` };
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
    } else {
      field += c;
    }
  }
  if (quoted) return { error: `line ${line}: a quoted field is not closed` };
  if (field !== '' || fields.length > 0) endRow();
  return { rows };
}
