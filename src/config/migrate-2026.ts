/**
 * `planalign migrate config F --to-2026`: a copy of a config whose every plan-design section reads in
 * its 2026 era (era.ts) with the same effective configuration. For each section still in its 2025 era
 * the 2026 keys that mark the era are written at the value the loader applies today (their default,
 * since the file lacks them), so no number the simulation uses moves; the copy is loaded before it
 * replaces anything, and refused unless its hash is the source's and every section reads 2026 but
 * those whose 2026 meaning is a behaviour the file lacks (NOT_MIGRATED).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type Document, isMap, isNode, parseDocument, stringify } from 'yaml';
import { ConfigError, UsageError } from '../errors.js';
import { writeAtomically } from '../reporting/atomic.js';
import { outputPath } from '../reporting/paths.js';
import { loadConfig, type LoadedConfig } from './load.js';
import type { SectionEra } from './era.js';

/**
 * The 2026 keys written for a section of the 2025 era (era.ts's section names), as YAML paths: keys the
 * 2025 versions lacked, so each one alone gives its section the 2026 era.
 */
const ERA_2026_KEYS: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  employer_match: [['employer_match', 'employer_match_status']],
  employer_core_contribution: [['employer_core_contribution', 'status']],
  'eligibility / plan_eligibility': [
    ['eligibility', 'new_hire_ineligible_pct'],
    ['eligibility', 'new_hire_eligibility_match_census'],
    ['workforce', 'part_time_new_hire_pct'],
  ],
  // Our key (the section has no 2026 YAML key): false keeps the census participants' first escalation in start year + delay.
  deferral_auto_escalation: [['deferral_auto_escalation', 'census_escalates_in_start_year']],
};

/**
 * Sections not migrated: their 2026 meaning is a behaviour the file does not have, whatever the values
 * written (the magnet replaces match_optimization and bounds every voluntary rate, the response moves
 * census rates), so they keep the era they read in.
 */
export const NOT_MIGRATED: Readonly<Record<string, string>> = {
  'enrollment.match_magnet': 'present, the magnet replaces match_optimization and bounds every voluntary rate',
  deferral_match_response: 'enabled, census participants respond to the match in the first year',
};

/**
 * Employer-money sections whose absent `eligibility.allow_new_hires` the reference's 2026 versions
 * derive from `minimum_tenure_years == 0` where we keep true (docs/DECISIONS.md, "Two eras"): written
 * out when the tenure is above 0, so the file means the same to the reference's 2026 versions too.
 */
const ALLOW_NEW_HIRES_SECTIONS = ['employer_match', 'employer_core_contribution'] as const;

export interface EraKeyAdded {
  /** The section as `validate` names it. */
  section: string;
  /** Dotted YAML path. */
  key: string;
  value: unknown;
}

export interface Era2026Migration {
  source: string;
  /** The file written; undefined when every section already read 2026 (nothing is written then). */
  written?: string;
  added: EraKeyAdded[];
  /** The effective configuration's hash, the same for the source and the written file. */
  hash: string;
  /** The sections' eras before and after. */
  before: SectionEra[];
  after: SectionEra[];
}

/** `<stem>.2026.yaml` beside the source. */
export function default2026Path(source: string): string {
  const file = resolve(source);
  return resolve(dirname(file), `${basename(file).replace(/\.ya?ml$/i, '')}.2026.yaml`);
}

export async function migrateConfigTo2026(source: string, options: { out?: string; force?: boolean } = {}): Promise<Era2026Migration> {
  const file = resolve(source);
  // The file alone: no PLANALIGN_ environment variable may leak into what is written.
  const loaded = loadConfig({ path: file, env: {} });
  const text = readFileSync(file, 'utf8');
  const document = parseDocument(text);
  const planned = keysToAdd(loaded, document);
  const result: Era2026Migration = { source: file, added: planned, hash: loaded.hash, before: loaded.eras, after: loaded.eras };
  if (planned.length === 0) return result;

  const wanted = resolve(options.out ?? default2026Path(file));
  const target = outputPath(dirname(wanted), basename(wanted));
  if (existsSync(target) && options.force !== true) {
    throw new UsageError(`Refusing to overwrite ${target}: it exists (--force replaces it)`, { file: target });
  }
  const copy = `# 2026-era copy of ${basename(file)}: same effective config, written by planalign migrate config --to-2026\n${insertKeys(text, document, planned, file)}`;
  await writeAtomically(target, async (temp) => {
    writeFileSync(temp, copy, 'utf8');
    result.after = checkCopy(temp, loaded, target);
  });
  result.written = target;
  return result;
}

const ADDED = '  # 2026 key at the value applied today (planalign migrate config --to-2026)';

/**
 * The source text with each key inserted as a line after the last key of its mapping (a missing section
 * appended at the end): every other line stays as written, comments, blank lines and key order alike
 * (re-serialising the whole document would move comments and respace every line).
 */
function insertKeys(text: string, document: Document, keys: readonly EraKeyAdded[], file: string): string {
  const atOffset = new Map<number, { indent: number; line: string }[]>();
  const appended = new Map<string, string[]>();
  for (const { key, value } of keys) {
    const path = key.split('.');
    const name = path.pop() as string;
    const line = `${name}: ${stringify(value).trimEnd()}${ADDED}`;
    const parent = document.getIn(path, true);
    if (parent === undefined && path.length === 1) {
      appended.set(path[0] as string, [...(appended.get(path[0] as string) ?? []), `  ${line}`]);
      continue;
    }
    const last = isMap(parent) && !parent.flow ? parent.items.at(-1) : undefined;
    if (last === undefined || !isNode(last.key) || last.key.range == null || !isNode(last.value) || last.value.range == null) {
      throw new ConfigError(`Cannot add ${key} to ${file}: ${path.join('.')} is not a block mapping with keys (write it in block style)`, [], { file });
    }
    const start = last.key.range[0];
    const indent = start - (text.lastIndexOf('\n', start - 1) + 1);
    const end = last.value.range[1];
    const offset = text[end - 1] === '\n' ? end : text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end) + 1;
    atOffset.set(offset, [...(atOffset.get(offset) ?? []), { indent, line: `${' '.repeat(indent)}${line}` }]);
  }
  let out = text;
  for (const offset of [...atOffset.keys()].sort((a, b) => b - a)) {
    const before = out.slice(0, offset);
    // A nested mapping and its parent can end on the same line: the nested keys go first.
    const lines = (atOffset.get(offset) ?? []).sort((a, b) => b.indent - a.indent).map((l) => l.line);
    out = `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}${lines.join('\n')}\n${out.slice(offset)}`;
  }
  for (const [section, lines] of appended) out = `${out}${out.endsWith('\n') ? '' : '\n'}\n${section}:\n${lines.join('\n')}\n`;
  return out;
}

/** The keys to write: per section of the 2025 era its 2026 keys, and allow_new_hires where the eras would differ. */
function keysToAdd(loaded: LoadedConfig, document: Document): EraKeyAdded[] {
  const applied = (path: readonly string[]): unknown =>
    path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), loaded.config);
  const added: EraKeyAdded[] = [];
  for (const era of loaded.eras.filter((e) => e.era === 2025)) {
    for (const path of ERA_2026_KEYS[era.section] ?? []) {
      added.push({ section: era.section, key: path.join('.'), value: applied(path) });
    }
    for (const section of ALLOW_NEW_HIRES_SECTIONS.filter((s) => s === era.section)) {
      const eligibility = loaded.config[section].eligibility;
      if (eligibility.minimum_tenure_years > 0) {
        added.push({ section: era.section, key: `${section}.eligibility.allow_new_hires`, value: eligibility.allow_new_hires });
      }
    }
  }
  // A 2025-era section may set allow_new_hires itself (a 2025 key): kept as written.
  return added.filter((a) => !document.hasIn(a.key.split('.')));
}

/** The copy must load to the source's effective config with every section in its 2026 era. */
function checkCopy(temp: string, source: LoadedConfig, target: string): SectionEra[] {
  const copy = loadConfig({ path: temp, env: {} });
  const still2025 = copy.eras.filter((e) => e.era === 2025 && !Object.hasOwn(NOT_MIGRATED, e.section)).map((e) => e.section);
  if (copy.hash !== source.hash || still2025.length > 0) {
    throw new ConfigError(
      `Not writing ${target}: the 2026-era copy of ${source.path} would ${copy.hash !== source.hash ? 'change the effective config' : `leave ${still2025.join(', ')} in the 2025 era`}`,
      [],
      { file: source.path },
    );
  }
  return copy.eras;
}
