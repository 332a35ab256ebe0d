/**
 * Which file header holds which census column. Headers are compared with case, spaces, `_`, `-` and
 * `.` ignored, against each column's own name and its synonyms (what spreadsheets exported by payroll
 * systems call it). A header named explicitly (the `columns` intake option, the sidecar's `columns`,
 * `deferral_rates.census_rate_field`) wins over the synonyms; two headers meaning one column is an
 * error naming both, since picking one would be a guess.
 */
import { CensusError } from '../errors.js';
import { CENSUS_COLUMNS, REQUIRED_CENSUS_COLUMNS } from './columns.js';

/** Other names of a census column (its own name always matches). */
export const CENSUS_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  employee_id: ['Employee ID', 'EmpID', 'Emp ID', 'Employee Number', 'Emp No', 'EE ID', 'ID'],
  employee_ssn: ['SSN', 'Social Security Number'],
  employee_birth_date: ['DOB', 'Birth Date', 'Date of Birth'],
  employee_hire_date: ['Hire Date', 'Date of Hire', 'DOH', 'Start Date'],
  employee_termination_date: ['Term Date', 'Termination Date', 'Date of Termination', 'DOT'],
  employee_gross_compensation: ['Salary', 'Annual Salary', 'Compensation', 'Gross Compensation', 'Annual Pay', 'Pay'],
  employee_deferral_rate: ['Deferral Rate', 'Deferral %', 'Deferral Percent', 'Contribution Rate', '401k %'],
  scheduled_hours_per_week: ['Scheduled Hours', 'Weekly Hours', 'Hours Per Week', 'Standard Hours'],
};

/** What an optional column defaults to when the file has none, and what that changes. */
export const MISSING_COLUMN_DEFAULTS: Readonly<Record<string, string>> = {
  employee_ssn: 'SSN-<employee_id> (a label; no result changes)',
  employee_termination_date: 'empty: every row is an active employee (none is skipped as terminated)',
  employee_deferral_rate: 'empty: every census employee starts as a non-participant',
  active: 'from the termination date (no result changes)',
  eligibility_entry_date: 'empty (eligibility is computed from the hire date; no result changes)',
  eligibility_override: "empty: the plan's age, service and entry rules decide every census employee's eligibility",
  scheduled_hours_per_week: 'empty: full time, 40 hours a week (2,080 a year) for the employer-money hours rule',
  auto_escalation_opt_out: 'empty: no census employee is opted out of auto-escalation',
  balance_pre_tax: 'empty: the pre-tax account starts at zero',
  balance_roth: 'empty: the Roth account starts at zero',
  balance_match: 'empty: the match account starts at zero',
  balance_core: 'empty: the core account starts at zero',
  roth_deferral_share: 'empty: every deferral is pre-tax (no Roth)',
  is_officer: 'empty: no census employee is an officer (no key employee by office)',
  ownership_pct: 'empty: no census employee owns any of the employer (no HCE or key employee by ownership)',
};
const CARRIED_AMOUNT_DEFAULT = 'empty (the simulation computes contributions itself; no result changes)';

/** How a header was matched to its column. */
export type MatchedBy = 'name' | 'synonym' | 'columns' | 'census_rate_field';

export interface MappedColumn {
  /** The header as written in the file. */
  header: string;
  column: string;
  by: MatchedBy;
  /** Where an explicitly named header was named. */
  source?: string;
}

export interface CensusColumnMapping {
  /** In the file's column order. */
  columns: MappedColumn[];
  /** Optional census columns not found, with the default used. */
  missing: { column: string; default: string }[];
  /** Headers that are no census column (ignored). */
  ignored: string[];
}

/** Case, spaces, `_`, `-` and `.` ignored. */
export function normalizeHeader(header: string): string {
  return header.toLowerCase().replace(/[\s_.-]+/g, '');
}

const BY_NORMALIZED = new Map<string, string>();
for (const column of CENSUS_COLUMNS) {
  for (const name of [column.name, ...(CENSUS_SYNONYMS[column.name] ?? [])]) {
    const key = normalizeHeader(name);
    const other = BY_NORMALIZED.get(key);
    if (other !== undefined && other !== column.name) throw new Error(`census synonym ${name} means both ${other} and ${column.name}`);
    BY_NORMALIZED.set(key, column.name);
  }
}

/** The census column a header means by its name or a synonym (case and spacing ignored), if any. */
export function columnOfHeader(header: string): string | undefined {
  return BY_NORMALIZED.get(normalizeHeader(header));
}

/** A header named for a column, and where it was named (for messages). */
export interface ExplicitHeader {
  header: string;
  /** e.g. `columns.employee_id in census.csv.planalign.yaml`. */
  source: string;
  by: Extract<MatchedBy, 'columns' | 'census_rate_field'>;
}

export interface MappingContext {
  file: string;
  /** `line 1 (header)` or `schema`. */
  where: string;
  /** 1 for a CSV header line. */
  row?: number;
}

/** Maps the file's headers to census columns, or throws a CensusError naming the file and header. */
export function mapColumns(
  headers: readonly string[],
  explicit: Readonly<Record<string, ExplicitHeader>>,
  ctx: MappingContext,
): CensusColumnMapping {
  const at = (column?: string): { file: string; row?: number; column?: string } => ({
    file: ctx.file,
    ...(ctx.row === undefined ? {} : { row: ctx.row }),
    ...(column === undefined ? {} : { column }),
  });
  const found = `columns found: ${headers.length > 0 ? headers.join(', ') : '(none)'}`;
  const byHeader = new Map<string, MappedColumn>();

  for (const [column, named] of Object.entries(explicit)) {
    if (!CENSUS_COLUMNS.some((c) => c.name === column)) {
      throw new CensusError(
        `${named.source} names ${column}, which is not a census column`,
        { file: ctx.file, column },
        `The census columns are ${CENSUS_COLUMNS.map((c) => c.name).join(', ')} (docs/CENSUS.md).`,
      );
    }
    // The exact header first, else the one header equal to it with case and spacing ignored.
    const header = headers.includes(named.header)
      ? named.header
      : headers.find((h) => normalizeHeader(h) === normalizeHeader(named.header));
    if (header === undefined) {
      throw new CensusError(
        named.by === 'census_rate_field'
          ? `Census file ${ctx.file} ${ctx.where}: missing deferral-rate column ${named.header} (deferral_rates.census_rate_field); ${found}`
          : `Census file ${ctx.file} ${ctx.where}: no column ${JSON.stringify(named.header)} (${named.source}); ${found}`,
        at(named.header),
        named.by === 'census_rate_field'
          ? 'Add the column (0 or empty for a non-participant) or set deferral_rates.census_rate_field to the column that holds the rates.'
          : `Name a header of the file for ${column}, or remove the entry to match the column by its name.`,
      );
    }
    const taken = byHeader.get(header);
    if (taken !== undefined) {
      throw new CensusError(
        `Census file ${ctx.file} ${ctx.where}: column ${JSON.stringify(header)} is named for both ${taken.column} and ${column}`,
        at(header),
        'Name a different file column for each census column.',
      );
    }
    byHeader.set(header, { header, column, by: named.by, source: named.source });
  }

  const candidates = new Map<string, string[]>();
  for (const header of headers) {
    if (byHeader.has(header)) continue;
    const column = columnOfHeader(header);
    // A column named explicitly takes no other header: a second `Salary` is then just ignored.
    if (column === undefined || explicit[column] !== undefined) continue;
    candidates.set(column, [...(candidates.get(column) ?? []), header]);
  }
  for (const [column, all] of candidates) {
    // The column's own name wins over its synonyms (a file keeping a `deferral_percent` beside the
    // `employee_deferral_rate` it was derived from is unambiguous); the synonyms are then ignored.
    const exact = all.filter((h) => normalizeHeader(h) === normalizeHeader(column));
    const matching = exact.length === 1 ? exact : all;
    if (matching.length > 1) {
      throw new CensusError(
        `Census file ${ctx.file} ${ctx.where}: columns ${matching.map((h) => JSON.stringify(h)).join(' and ')} both mean ${column}`,
        at(matching[1]),
        `Keep one of them, or name the one to use for ${column} in the sidecar's columns (docs/CENSUS.md).`,
      );
    }
    const header = matching[0] as string;
    byHeader.set(header, { header, column, by: normalizeHeader(header) === normalizeHeader(column) ? 'name' : 'synonym' });
  }

  const mapped = new Set([...byHeader.values()].map((m) => m.column));
  const missingRequired = REQUIRED_CENSUS_COLUMNS.filter((c) => !mapped.has(c));
  if (missingRequired.length > 0) {
    throw new CensusError(
      `Census file ${ctx.file} ${ctx.where}: missing required column${missingRequired.length > 1 ? 's' : ''} ${missingRequired.join(', ')}; ${found}`,
      at(missingRequired[0]),
      `A census needs ${REQUIRED_CENSUS_COLUMNS.join(', ')} (headers are matched with case and spacing ignored, ` +
        'and common other names such as "Employee ID", "DOB", "Hire Date" and "Salary" are recognised; docs/CENSUS.md). ' +
        "Name yours in the sidecar's columns.",
    );
  }
  return {
    columns: headers.flatMap((h) => byHeader.get(h) ?? []),
    missing: CENSUS_COLUMNS.filter((c) => !mapped.has(c.name)).map((c) => ({
      column: c.name,
      default: MISSING_COLUMN_DEFAULTS[c.name] ?? CARRIED_AMOUNT_DEFAULT,
    })),
    ignored: headers.filter((h) => !byHeader.has(h)),
  };
}

/** The mapping in lines (`census check` prints them). */
export function describeMapping(mapping: CensusColumnMapping): string[] {
  const how = (m: MappedColumn): string => (m.by === 'name' ? '' : ` (${m.source ?? m.by})`);
  return [
    ...mapping.columns.map((m) => `${JSON.stringify(m.header)} -> ${m.column}${how(m)}`),
    ...mapping.missing.map((m) => `${m.column} not found: ${m.default}`),
    ...(mapping.ignored.length > 0 ? [`ignored: ${mapping.ignored.map((h) => JSON.stringify(h)).join(', ')}`] : []),
  ];
}
