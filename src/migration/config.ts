import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, parseDocument } from 'yaml';
import { describeIgnored, loadConfig, type LoadedConfig } from '../config/index.js';
import { ConfigError, UsageError } from '../errors.js';

/** What `planalign migrate config` finds in a reference-engine config file. */
export interface ConfigCompatibilityReport {
  path: string;
  valid: boolean;
  /** Validation errors (dotted path first), when the file does not load. */
  errors: string[];
  hasIdentifiers: boolean;
  scenarioId?: string;
  planDesignId?: string;
  simulationYears?: { start: number; end: number };
  /** Dotted paths of the file's keys that PlanAlign applies. */
  honoured: string[];
  /** Keys accepted but deliberately ignored, with the reason. */
  ignored: string[];
  /** Keys PlanAlign does not know (with a suggestion when one is close). */
  unknown: string[];
  /** Where this config now gives other numbers than the reference engine did, and why. */
  behaviourChanges: string[];
}

/**
 * Checks a config written for the Python engine: does it load, what is honoured, ignored or unknown,
 * and which of the reference's defects (reference-simulation.md §1.4, §10) change its results here.
 */
export function validateConfigCompatibility(path: string): ConfigCompatibilityReport {
  const file = resolve(path);
  const raw = readYaml(file);
  const report: ConfigCompatibilityReport = {
    path: file,
    valid: false,
    errors: [],
    hasIdentifiers: false,
    honoured: [],
    ignored: [],
    unknown: [],
    behaviourChanges: [],
  };
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ path: file, env: {}, allowUnknownKeys: true });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report.errors = error.issues.length > 0 ? [...error.issues] : [error.message];
    return report;
  }
  const config = loaded.config;
  report.valid = true;
  report.scenarioId = config.scenario_id;
  report.planDesignId = config.plan_design_id;
  report.hasIdentifiers = config.scenario_id !== undefined && config.plan_design_id !== undefined;
  report.simulationYears = { start: config.simulation.start_year, end: config.simulation.end_year };
  report.ignored = describeIgnored(loaded);
  report.unknown = loaded.warnings.filter((w) => loaded.unknown.some((path) => w.startsWith(`${path}: `)));
  const skipped = new Set([...loaded.ignored, ...loaded.unknown]);
  report.honoured = leafPaths(raw).filter((p) => ![...skipped].some((s) => p === s || p.startsWith(`${s}.`)));
  report.behaviourChanges = behaviourChanges(config, raw);
  return report;
}

/**
 * Writes a cleaned copy of a reference config: ignored and unknown keys removed, identifiers added
 * when missing, every comment kept. The copy is validated before it is written.
 */
export function writeCleanedConfig(path: string, out: string): { written: string; removed: string[]; added: string[] } {
  const file = resolve(path);
  const loaded = loadConfig({ path: file, env: {}, allowUnknownKeys: true });
  const document = parseDocument(readFileSync(file, 'utf8'));
  const removed: string[] = [];
  for (const key of [...loaded.ignored, ...loaded.unknown]) {
    if (!document.hasIn(key.split('.'))) continue;
    document.deleteIn(key.split('.'));
    removed.push(key);
  }
  const added: string[] = [];
  for (const key of ['plan_design_id', 'scenario_id'] as const) {
    if (loaded.config[key] === undefined && isMap(document.contents)) {
      // At the top, where the reference documented the identifiers.
      (document.contents.items as unknown[]).unshift(document.createPair(key, 'default'));
      added.push(key);
    }
  }
  const text = `# Cleaned by planalign migrate config from ${file}\n${document.toString()}`;
  const target = resolve(out);
  if (target === file) throw new UsageError('--write must name a new file, not the config being migrated', { file: target });
  const temp = `${target}.tmp`;
  writeFileSync(temp, text);
  try {
    loadConfig({ path: temp, env: {} });
  } catch (error) {
    rmSync(temp, { force: true });
    throw new ConfigError(`The cleaned config would not load: ${error instanceof Error ? error.message : String(error)}`);
  }
  renameSync(temp, target);
  return { written: target, removed, added };
}

function readYaml(file: string): unknown {
  try {
    return parseDocument(readFileSync(file, 'utf8')).toJS();
  } catch (error) {
    throw new ConfigError(`Cannot read config ${file}: ${error instanceof Error ? error.message : String(error)}`, [], { file });
  }
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix === '' ? [] : [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leafPaths(child, prefix === '' ? key.toLowerCase() : `${prefix}.${key}`),
  );
}

const percent = (x: number): string => `${Number((x * 100).toFixed(4))} %`;

/** Behaviour that differs from the reference engine for this config, defect by defect (§10). */
function behaviourChanges(config: LoadedConfig['config'], raw: unknown): string[] {
  const changes: string[] = [];
  const has = (path: string): boolean => leafPaths(raw).some((p) => p === path || p.startsWith(`${path}.`));
  changes.push(
    `compensation.cola_rate (${percent(config.compensation.cola_rate)}) now sets the COLA; the reference ignored it and paid 1.5 % from comp_levers (D2)`,
    `compensation.merit_budget (${percent(config.compensation.merit_budget)}) now scales the level merit rates to that average; the reference paid 3.5–5.5 % (D2)`,
    `raise_timing.methodology '${config.raise_timing.methodology}' is honoured; the reference dated every raise July 15`,
    'promotion and merit raises compound in date order; the reference dropped the promotion increase (D3)',
    'no promotion, raise, enrollment or escalation after a termination; prorated pay ends at termination (D4)',
    'new enrollees keep their deferral rate in later years, so contributions and match follow them (D1)',
    'deferrals, match and core share one pay base: prorated pay after raises, capped at the 401(a)(17) limit (D6, D7, D12)',
    'IRS limits are the published ones (2023–2026), the last carried forward; the reference projected 2026–2029 and had no compensation limit (D11, D12, D15)',
    `the start-of-year population of each year is exactly the previous year's actives, whatever the thread count (D21)`,
  );
  if (has('enrollment.auto_enrollment.enabled')) {
    changes.push(`enrollment.auto_enrollment.enabled (${config.enrollment.auto_enrollment.enabled}) is honoured; the reference always auto-enrolled (D14)`);
  }
  if (has('plan_eligibility.minimum_age')) {
    changes.push(`plan_eligibility.minimum_age (${config.plan_eligibility.minimum_age}) is enforced; the reference ignored it (D14)`);
  }
  if (has('enrollment.proactive_enrollment.probability_by_demographics')) {
    changes.push('enrollment.proactive_enrollment.probability_by_demographics sets proactive enrollment; the reference reused the voluntary rates (D14)');
  }
  if (has('deferral_auto_escalation.hire_date_cutoff')) {
    changes.push('deferral_auto_escalation.hire_date_cutoff means "hired on or after"; the reference escalated only those hired strictly after');
  }
  if (config.setup.fail_on_validation_error) {
    changes.push('setup.fail_on_validation_error (true) now stops simulate at an error-rule violation and rolls that year back; the reference read it nowhere (--no-fail-on-validation-error goes on)');
  }
  if (has('optimization.event_generation.mode')) {
    changes.push('optimization.event_generation.mode is ignored: PlanAlign always follows the SQL-mode design; the reference\'s default Polars mode gave other numbers (D20)');
  }
  if (config.scenario_id !== undefined && config.scenario_id !== 'default') {
    changes.push(`scenario '${config.scenario_id}' uses the default comp_levers rows; the reference fell back to hard-coded values (D10)`);
  }
  return changes;
}
