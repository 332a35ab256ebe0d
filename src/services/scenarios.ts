/**
 * Scenarios of a workspace as a service (the Studio's API calls these): list, read, create from a
 * template / another scenario / YAML, copy, rename, delete and save validated YAML. A scenario is
 * its YAML file (scenarios/<name>.yaml); its runs and ensembles live in folders named after it, so a
 * rename moves them and a delete removes them, and neither happens while one of its runs is writing.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { parseConfig } from '../config/load.js';
import { Database } from '../db/database.js';
import { ConfigError, ConflictError, DatabaseInUseError, PlanAlignError, UsageError } from '../errors.js';
import { defaultScenarioYaml, writeFileAtomically, type RunRecord, type Workspace } from '../workspace/workspace.js';
import { configProblems, validateConfigText, type ConfigValidation } from './config.js';

export interface ScenarioSummary {
  name: string;
  modifiedAt: string;
  /** Workspace-relative census path as the scenario gives it. */
  census: string;
  startYear: number;
  endYear: number;
  latestRunId: string | null;
  runs: number;
  /** The config loads (the checks of the config loader; writeScenario runs every check of `planalign validate`). */
  valid: boolean;
  error?: string;
}

/**
 * Plan designs a new scenario can start from: each a small YAML overlay on the bundled config (the
 * `default` scenario), so what differs from the default is all it says.
 */
const TEMPLATES: ReadonlyArray<{ id: string; label: string; description: string; overlay: string }> = [
  {
    id: 'default',
    label: 'Default plan',
    description: 'The bundled configuration: a 50 % match on deferrals up to 6 % of pay, a 1 % core, auto-enrollment at 2 % escalating 1 % a year to 10 %.',
    overlay: '',
  },
  {
    id: 'tiered_match',
    label: 'Tiered match',
    description: '100 % match on the first 3 % of pay deferred and 50 % on the next 2 % (at most 4 % of pay).',
    overlay: 'employer_match:\n  active_formula: tiered_match\n',
  },
  {
    id: 'safe_harbor_basic',
    label: 'Safe-harbor basic match',
    description: 'The basic safe-harbor match (100 % of the first 3 %, 50 % of the next 2 %), vested immediately, and no core contribution.',
    overlay: 'employer_match:\n  active_formula: safe_harbor_basic\nemployer_core_contribution:\n  enabled: false\n',
  },
  {
    id: 'auto_enroll_6_escalate',
    label: 'Auto-enroll at 6 % with escalation',
    description: 'Auto-enrollment at a 6 % default deferral (instead of 2 %), escalated 1 % a year up to 10 %.',
    overlay: [
      'enrollment:',
      '  auto_enrollment:',
      '    enabled: true',
      '    default_deferral_rate: 0.06',
      'deferral_auto_escalation:',
      '  enabled: true',
      '  increment_amount: 0.01',
      '  maximum_rate: 0.10',
      '',
    ].join('\n'),
  },
  {
    id: 'graded_vesting_core',
    label: 'Service-graded core with graded vesting',
    description: 'A core contribution of 2 % of pay under 5 years of service and 3 % from 5 years, vesting on the 6-year graded schedule; the match vests on a 3-year cliff.',
    overlay: [
      'employer_core_contribution:',
      '  enabled: true',
      '  status: graded_by_service',
      '  graded_schedule:',
      '    - {min_years: 0, max_years: 5, contribution_rate: 0.02}',
      '    - {min_years: 5, contribution_rate: 0.03}',
      'vesting:',
      '  match: cliff_3_year',
      '  core: graded_6_year',
      '',
    ].join('\n'),
  },
];

export const SCENARIO_TEMPLATES: ReadonlyArray<{ id: string; label: string; description: string }> = TEMPLATES.map(
  ({ id, label, description }) => ({ id, label, description }),
);

/** The template's YAML: the default scenario with the overlay's values set (lists replaced whole). */
export function templateYaml(id: string): string {
  const template = TEMPLATES.find((t) => t.id === id);
  if (template === undefined) {
    throw new UsageError(`Unknown template ${JSON.stringify(id)}: one of ${TEMPLATES.map((t) => t.id).join(', ')}`);
  }
  const base = defaultScenarioYaml();
  if (template.overlay === '') return base;
  const doc = parseDocument(base);
  const set = (path: string[], value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) set([...path, key], child);
    } else {
      doc.setIn(path, value);
    }
  };
  set([], parse(template.overlay));
  return doc.toString();
}

export function listScenarios(ws: Workspace): ScenarioSummary[] {
  return ws.scenarioNames().map((name) => summarize(ws, name));
}

export function readScenario(ws: Workspace, name: string): { name: string; yaml: string; modifiedAt: string } {
  const file = ws.existingScenarioFile(name);
  return { name, yaml: readFileSync(file, 'utf8'), modifiedAt: statSync(file).mtime.toISOString() };
}

/**
 * A new scenario from one source: a template (default: 'default'), another scenario's YAML, or YAML
 * text, which must pass `planalign validate`'s checks (ConfigError listing its problems otherwise).
 */
export async function createScenario(
  ws: Workspace,
  name: string,
  from: { scenario?: string; template?: string; yaml?: string } = {},
): Promise<ScenarioSummary> {
  refuseExisting(ws, name);
  const given = (['scenario', 'template', 'yaml'] as const).filter((key) => from[key] !== undefined);
  if (given.length > 1) throw new UsageError(`Create scenario ${name} from one of scenario, template or yaml, not ${given.join(' and ')}`);
  if (from.yaml !== undefined) {
    const { saved, validation } = await writeScenario(ws, name, from.yaml);
    if (!saved) {
      throw new ConfigError(`Invalid configuration for scenario ${name}:`, validation.errors.map((e) => e.message), { file: ws.scenarioFile(name) });
    }
  } else {
    const yaml = from.scenario !== undefined ? readScenario(ws, from.scenario).yaml : templateYaml(from.template ?? 'default');
    writeFileAtomically(ws.scenarioFile(name), yaml);
  }
  return summarize(ws, name);
}

/** A copy of the scenario's YAML under a new name (its runs stay with the original). */
export function copyScenario(ws: Workspace, from: string, to: string): ScenarioSummary {
  const source = ws.existingScenarioFile(from);
  refuseExisting(ws, to);
  copyFileSync(source, ws.scenarioFile(to));
  return summarize(ws, to);
}

/** Renames the scenario with its runs and ensembles (each run record rewritten to its new paths). */
export async function renameScenario(ws: Workspace, from: string, to: string): Promise<ScenarioSummary> {
  const source = ws.existingScenarioFile(from);
  refuseExisting(ws, to);
  await refuseWhileRunning(ws, from, 'renamed');
  const folders = (name: string) => [join(ws.root, 'runs', name), join(ws.root, 'ensembles', name)];
  const [fromFolders, toFolders] = [folders(from), folders(to)];
  for (const [i, folder] of toFolders.entries()) {
    if (existsSync(folder)) throw new ConflictError(`Cannot rename scenario ${from} to ${to}: ${ws.relative(folder)} exists`);
    if (existsSync(fromFolders[i]!)) renameSync(fromFolders[i]!, folder);
  }
  renameSync(source, ws.scenarioFile(to));
  for (const record of ws.runRecords(to)) {
    const moved: RunRecord = { ...record, scenario: to };
    for (const key of ['config', 'database'] as const) moved[key] = record[key].replace(`runs/${from}/`, `runs/${to}/`);
    writeFileAtomically(ws.runFile(moved, 'record'), `${JSON.stringify(moved, null, 2)}\n`);
  }
  return summarize(ws, to);
}

/** Removes the scenario, its runs and its ensembles. */
export async function deleteScenario(ws: Workspace, name: string): Promise<void> {
  const file = ws.existingScenarioFile(name);
  await refuseWhileRunning(ws, name, 'deleted');
  for (const folder of ['runs', 'ensembles']) rmSync(join(ws.root, folder, name), { recursive: true, force: true });
  rmSync(file);
}

/**
 * Saves the YAML as the scenario (new or existing) when it passes every check of `planalign validate`
 * and its paths stay inside the workspace; an invalid YAML is not saved. Comments and layout are the
 * caller's: the text is written as given.
 */
export async function writeScenario(ws: Workspace, name: string, yaml: string): Promise<{ saved: boolean; validation: ConfigValidation }> {
  const file = ws.scenarioFile(name);
  const validation = await validateConfigText(yaml, { baseDir: ws.root, name: `${name}.yaml`, env: {} });
  if (!validation.valid) return { saved: false, validation };
  try {
    const { config } = parseConfig(parse(yaml, { version: '1.2', schema: 'core' }), { source: `scenario ${name}` });
    const { census } = ws.configPaths(config, `scenario ${name}`);
    if (!existsSync(census)) validation.warnings.push(`setup.census_parquet_path: ${ws.relative(census)} is not in the workspace yet`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { saved: false, validation: { ...validation, valid: false, errors: configProblems(error) } };
  }
  writeFileAtomically(file, yaml);
  return { saved: true, validation };
}

function summarize(ws: Workspace, name: string): ScenarioSummary {
  const file = ws.existingScenarioFile(name);
  const common = { name, modifiedAt: statSync(file).mtime.toISOString(), latestRunId: ws.latestRun(name) ?? null, runs: ws.runRecords(name).length };
  try {
    const { config } = ws.scenarioConfig(name);
    const census = ws.relative(ws.configPaths(config, `scenario ${name}`).census);
    return { ...common, census, startYear: config.simulation.start_year, endYear: config.simulation.end_year, valid: true };
  } catch (error) {
    if (!(error instanceof PlanAlignError)) throw error;
    // What the file says, as far as it says it, beside the reason it does not load.
    const raw = rawSimulationValues(file);
    return { ...common, ...raw, valid: false, error: error.message };
  }
}

function rawSimulationValues(file: string): { census: string; startYear: number; endYear: number } {
  let raw: { simulation?: Record<string, unknown>; setup?: Record<string, unknown> } = {};
  try {
    const parsed: unknown = parse(readFileSync(file, 'utf8'), { version: '1.2', schema: 'core' });
    if (parsed !== null && typeof parsed === 'object') raw = parsed as typeof raw;
  } catch {
    // Not YAML at all: nothing to show.
  }
  const number = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    census: typeof raw.setup?.census_parquet_path === 'string' ? raw.setup.census_parquet_path : '',
    startYear: number(raw.simulation?.start_year),
    endYear: number(raw.simulation?.end_year),
  };
}

function refuseExisting(ws: Workspace, name: string): void {
  if (existsSync(ws.scenarioFile(name))) throw new ConflictError(`Scenario ${name} exists`, { file: ws.scenarioFile(name) });
}

/**
 * A run without an outcome whose database a writer holds is running (in this process or another);
 * its database must not move or go away under it.
 */
async function refuseWhileRunning(ws: Workspace, name: string, what: string): Promise<void> {
  for (const record of ws.runRecords(name)) {
    if (record.outcome !== undefined) continue;
    const database = ws.runFile(record, 'database');
    if (!existsSync(database)) continue;
    try {
      (await Database.open(database, { readOnly: true })).close();
    } catch (error) {
      if (!(error instanceof DatabaseInUseError)) throw error;
      const by = error.pid === undefined ? '' : ` (PID ${error.pid})`;
      throw new ConflictError(`Scenario ${name} cannot be ${what}: its run ${record.runId} is running${by}`);
    }
  }
}
