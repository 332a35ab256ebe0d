import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface ScenarioFile {
  /** The file stem: `growth_3.yaml` → `growth_3`. */
  name: string;
  /** Absolute path of the scenario YAML. */
  path: string;
}

const EXTENSIONS = ['.yaml', '.yml'] as const;

/**
 * The scenario files of a folder: `*.yaml`, then `*.yml` whose stem no `.yaml` already claimed,
 * sorted by name. Sub-folders and other files are ignored. A missing or empty folder is a usage error.
 */
export function discoverScenarios(dir: string): ScenarioFile[] {
  const folder = resolve(dir);
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new UsageError(`Scenarios folder ${folder} is not a folder`);
    entries = readdirSync(folder);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(
      missing ? `Scenarios folder not found: ${folder}` : `Cannot read scenarios folder ${folder}: ${(error as Error).message}`,
      { file: folder },
      'Pass --scenarios-dir with the folder holding one YAML file per scenario.',
    );
  }
  const byName = new Map<string, ScenarioFile>();
  for (const extension of EXTENSIONS) {
    for (const entry of entries.filter((e) => extname(e).toLowerCase() === extension).sort()) {
      const path = join(folder, entry);
      if (!statSync(path).isFile()) continue;
      const name = basename(entry, extname(entry));
      if (name === '' || byName.has(name)) continue; // a .yaml wins over the .yml of the same stem
      byName.set(name, { name, path });
    }
  }
  if (byName.size === 0) {
    throw new UsageError(`No scenario files (*.yaml, *.yml) in ${folder}`, { file: folder }, 'Put one YAML file per scenario in the folder; its name becomes the scenario name.');
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Keeps the named scenarios (in discovery order); an unknown name is a usage error listing the available ones. */
export function selectScenarios(all: readonly ScenarioFile[], names: readonly string[] | undefined): ScenarioFile[] {
  if (names === undefined) return [...all];
  const wanted = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))];
  if (wanted.length === 0) throw new UsageError('--scenarios names no scenario');
  const known = new Set(all.map((s) => s.name));
  const unknown = wanted.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; available: ${all.map((s) => s.name).join(', ')}`,
    );
  }
  return all.filter((s) => wanted.includes(s.name));
}
