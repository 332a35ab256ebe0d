import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Row } from '../db/database.js';
import { PlanAlignError, RuleExecutionError } from '../errors.js';
import { rulesSqlDir } from '../paths.js';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** What a rule sees: the database, with the session variables of the year under validation set. */
export interface RuleContext {
  db: Database;
  year: number;
}

export interface RuleCheck {
  violations: number;
  /** Up to SAMPLE_ROWS violating rows, the first in the order of their columns, to show what is wrong. */
  sample: Row[];
}

/** A data rule. Most are SQL (a SELECT returning the violating rows); any object with `check` works. */
export interface ValidationRule {
  name: string;
  severity: Severity;
  description: string;
  /**
   * The SELECT of a rule from the rules folder: runRules evaluates all of these in one statement
   * instead of calling check() for each. A user's rule has none and runs alone, so that an error in
   * it names it.
   */
  sql?: string;
  check(context: RuleContext): Promise<RuleCheck>;
}

export interface RuleResult {
  rule: string;
  severity: Severity;
  description: string;
  violations: number;
  sample: Row[];
}

export const SAMPLE_ROWS = 5;

/**
 * A rule's count of violating rows and its first SAMPLE_ROWS of them in the order of their columns
 * (a struct orders field by field, NULLs last, as ORDER BY ALL does). Sorted, the sample is the same
 * in every run (the rows a hash join or GROUP BY emits first vary with thread timing), and the same
 * whether a rule is checked alone or with others. One aggregate, not a window and a sort: fewer
 * operators to plan for each rule.
 */
function sampleQuery(select: string, suffix = ''): string {
  return `SELECT count(*) AS violations${suffix}, min(t, ${SAMPLE_ROWS}) AS sample${suffix} FROM (\n${select}\n) t`;
}

/** A rule's SQL as a SELECT to nest: without its closing semicolon. */
const selectOf = (sql: string): string => sql.trim().replace(/;\s*$/, '');

/** A rule from a SELECT that returns the rows violating it for the year in the session variables. */
export function sqlRule(definition: { name: string; severity: Severity; description: string; sql: string }): ValidationRule {
  const select = selectOf(definition.sql);
  return {
    name: definition.name,
    severity: definition.severity,
    description: definition.description,
    async check({ db }: RuleContext): Promise<RuleCheck> {
      return checkOf((await db.all(sampleQuery(select)))[0]!);
    },
  };
}

/** Reads the rules folder: each file starts with `-- rule:`, `-- severity:` and `-- description:` lines. */
export function loadDefaultRules(dir: string = rulesSqlDir): ValidationRule[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => parseRuleFile(file, readFileSync(join(dir, file), 'utf8')));
}

function parseRuleFile(file: string, text: string): ValidationRule {
  const header = (key: string): string => {
    const match = new RegExp(`^--\\s*${key}:\\s*(.+)$`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`Rule file ${file} lacks a "-- ${key}:" line`);
    return match[1].trim();
  };
  const severity = header('severity');
  if (!isSeverity(severity)) throw new Error(`Rule file ${file}: severity must be error, warning or info, not ${severity}`);
  const rule = sqlRule({ name: header('rule'), severity, description: header('description'), sql: text });
  return { ...rule, sql: selectOf(text) };
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Runs rules against the year set in the session; results in the rules' order. The rules with `sql`
 * (the rules folder's) are checked in one statement, the others one by one.
 */
export async function runRules(db: Database, rules: readonly ValidationRule[], year = 0): Promise<RuleResult[]> {
  const together = rules.filter((rule): rule is ValidationRule & { sql: string } => rule.sql !== undefined);
  const checks = new Map<ValidationRule, RuleCheck>();
  if (together.length > 0) {
    const found = await checkTogether(db, together, year);
    together.forEach((rule, index) => checks.set(rule, found[index]!));
  }
  for (const rule of rules) {
    if (checks.has(rule)) continue;
    try {
      checks.set(rule, await rule.check({ db, year }));
    } catch (error) {
      throw new RuleExecutionError(rule.name, year, error);
    }
  }
  return rules.map((rule) => {
    const { violations, sample } = checks.get(rule)!;
    return { rule: rule.name, severity: rule.severity, description: rule.description, violations, sample };
  });
}

async function checkTogether(db: Database, rules: ReadonlyArray<{ name: string; sql: string }>, year: number): Promise<RuleCheck[]> {
  // One row, two columns per rule: a UNION ALL would give every rule's sample rows the struct type
  // of all rules' columns together.
  const statement = `SELECT * FROM ${rules.map((rule, i) => `(${sampleQuery(rule.sql, `_${i}`)})`).join(',\n')}`;
  let row: Row;
  try {
    row = (await db.all(statement))[0]!;
  } catch (error) {
    throw await namedError(db, rules, year, error);
  }
  return rules.map((_, i) => checkOf(row, `_${i}`));
}

/** A rule's check from its two columns of a sampleQuery row. */
function checkOf(row: Row, suffix = ''): RuleCheck {
  return { violations: Number(row[`violations${suffix}`]), sample: (row[`sample${suffix}`] ?? []) as Row[] };
}

/** The error of a failed statement of rules, naming the rule whose SQL does not parse or bind. */
async function namedError(db: Database, rules: ReadonlyArray<{ name: string; sql: string }>, year: number, error: unknown): Promise<Error> {
  for (const rule of rules) {
    const failure = await db.bind(sampleQuery(rule.sql)).then(
      () => undefined,
      (bindError: unknown) => bindError,
    );
    if (failure !== undefined) return new RuleExecutionError(rule.name, year, failure);
  }
  const detail = error instanceof Error ? error.message : String(error);
  // Each rule binds: the error came while running them, in the one statement, so no rule is named.
  return new PlanAlignError(`Validation rules ${rules.map((r) => r.name).join(', ')} failed for year ${year}: ${detail}`, { simulationYear: year }, undefined, {
    cause: error,
  });
}
