import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Row } from '../db/database.js';
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
  /** Up to a few violating rows, to show what is wrong. */
  sample: Row[];
}

/** A data rule. Most are SQL (a SELECT returning the violating rows); any object with `check` works. */
export interface ValidationRule {
  name: string;
  severity: Severity;
  description: string;
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

/** A rule from a SELECT that returns the rows violating it for the year in the session variables. */
export function sqlRule(definition: { name: string; severity: Severity; description: string; sql: string }): ValidationRule {
  const sql = definition.sql.trim().replace(/;\s*$/, '');
  return {
    name: definition.name,
    severity: definition.severity,
    description: definition.description,
    async check({ db }: RuleContext): Promise<RuleCheck> {
      const rows = await db.all(
        `SELECT *, count(*) OVER ()::BIGINT AS __violations FROM (\n${sql}\n) LIMIT ${SAMPLE_ROWS}`,
      );
      const violations = rows.length === 0 ? 0 : Number(rows[0]?.__violations);
      return { violations, sample: rows.map(({ __violations: _omit, ...row }) => row) };
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
  return sqlRule({ name: header('rule'), severity, description: header('description'), sql: text });
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Runs rules in order against the year set in the session. */
export async function runRules(db: Database, rules: readonly ValidationRule[], year = 0): Promise<RuleResult[]> {
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const { violations, sample } = await rule.check({ db, year });
    results.push({ rule: rule.name, severity: rule.severity, description: rule.description, violations, sample });
  }
  return results;
}
