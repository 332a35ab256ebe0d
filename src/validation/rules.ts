import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Row } from '../db/database.js';
import { rulesSqlDir } from '../paths.js';

export type Severity = 'error' | 'warning' | 'info';

/** A data rule: a SELECT returning the rows that violate it for the year being validated. */
export interface ValidationRule {
  name: string;
  severity: Severity;
  description: string;
  sql: string;
}

export interface RuleResult {
  rule: string;
  severity: Severity;
  description: string;
  violations: number;
  sample: Row[];
}

const SAMPLE_ROWS = 5;

/** Reads the rules folder: each file starts with `-- rule:`, `-- severity:` and `-- description:` lines. */
export function loadDefaultRules(dir: string = rulesSqlDir): ValidationRule[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => parseRule(file, readFileSync(join(dir, file), 'utf8')));
}

function parseRule(file: string, text: string): ValidationRule {
  const header = (key: string): string => {
    const match = new RegExp(`^--\\s*${key}:\\s*(.+)$`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`Rule file ${file} lacks a "-- ${key}:" line`);
    return match[1].trim();
  };
  const severity = header('severity');
  if (severity !== 'error' && severity !== 'warning' && severity !== 'info') {
    throw new Error(`Rule file ${file}: severity must be error, warning or info, not ${severity}`);
  }
  return { name: header('rule'), severity, description: header('description'), sql: text.trim().replace(/;\s*$/, '') };
}

/** Runs rules against the year set in the session variables; returns one result per rule. */
export async function runRules(db: Database, rules: readonly ValidationRule[]): Promise<RuleResult[]> {
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const rows = await db.all(
      `SELECT *, count(*) OVER ()::BIGINT AS __violations FROM (\n${rule.sql}\n) LIMIT ${SAMPLE_ROWS}`,
    );
    const violations = rows.length === 0 ? 0 : Number(rows[0]?.__violations);
    const sample = rows.map(({ __violations: _omit, ...row }) => row);
    results.push({ rule: rule.name, severity: rule.severity, description: rule.description, violations, sample });
  }
  return results;
}
