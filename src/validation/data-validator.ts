import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Database } from '../db/database.js';
import { RulesModuleError } from '../errors.js';
import { isSeverity, loadDefaultRules, runRules, sqlRule, type RuleResult, type ValidationRule } from './rules.js';

/**
 * The rules a run checks after each year. Starts with the default rules folder; more are registered
 * by code (`registerRule`) or loaded from a user's module (`--rules file.js`).
 */
export class DataValidator {
  private readonly registered: ValidationRule[] = [];

  constructor(rules: readonly ValidationRule[] = loadDefaultRules()) {
    for (const rule of rules) this.registerRule(rule);
  }

  registerRule(rule: ValidationRule): this {
    if (this.registered.some((r) => r.name === rule.name)) {
      throw new RulesModuleError(`A validation rule named "${rule.name}" is already registered`);
    }
    this.registered.push(rule);
    return this;
  }

  get rules(): readonly ValidationRule[] {
    return this.registered;
  }

  validate(db: Database, year: number): Promise<RuleResult[]> {
    return runRules(db, this.registered, year);
  }
}

/**
 * Loads a user's rules module: an ES module (or CommonJS) exporting an array of rules as `default` or
 * `rules`. A rule is `{ name, severity, description?, sql }` (a SELECT returning violating rows for
 * `getvariable('simulation_year')`) or `{ name, severity, description?, check(context) }`.
 */
export async function loadRulesModule(path: string): Promise<ValidationRule[]> {
  const file = resolve(path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new RulesModuleError(`Cannot load rules module ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      file,
    });
  }
  const exported = module.rules ?? module.default;
  if (!Array.isArray(exported)) {
    throw new RulesModuleError(`Rules module ${file} must export an array of rules as "rules" or default`, { file });
  }
  return exported.map((item: unknown, index) => toRule(item, `${file} rule #${index + 1}`));
}

function toRule(item: unknown, where: string): ValidationRule {
  if (typeof item !== 'object' || item === null) throw new RulesModuleError(`${where} is not an object`);
  const candidate = item as Record<string, unknown>;
  const { name, severity, description, sql, check } = candidate;
  if (typeof name !== 'string' || name.length === 0) throw new RulesModuleError(`${where} needs a "name" string`);
  if (!isSeverity(severity)) throw new RulesModuleError(`${where} (${name}): severity must be error, warning or info`);
  const text = typeof description === 'string' ? description : name;
  if (typeof sql === 'string') return sqlRule({ name, severity, description: text, sql });
  if (typeof check === 'function') {
    return { name, severity, description: text, check: check as ValidationRule['check'] };
  }
  throw new RulesModuleError(`${where} (${name}) needs either a "sql" string or a "check" function`);
}
