import type { Database } from '../db/database.js';
import { CheckpointManager } from '../orchestrator/checkpoints.js';

/** Consecutive or not, the years computed under one hash. */
export interface HashGroup {
  hash: string;
  years: number[];
}

/**
 * The inputs each year was computed under, from its checkpoint: one group per hash, in order of the
 * first year. More than one group means the years were computed under different inputs (a
 * --force-restart from a later year with another config, say) and must not be summarised as one.
 */
export interface YearInputs {
  config: HashGroup[];
  census: HashGroup[];
  parameters: HashGroup[];
}

/** Stands for a hash in a summary whose years were computed under more than one. */
export const MIXED = 'mixed';

export async function yearInputs(db: Database, startYear: number, endYear: number): Promise<YearInputs> {
  const checkpoints = (await new CheckpointManager(db).list()).filter((c) => c.year >= startYear && c.year <= endYear);
  const group = (hashOf: (c: (typeof checkpoints)[number]) => string): HashGroup[] => {
    const groups: HashGroup[] = [];
    for (const c of checkpoints) {
      const hash = hashOf(c);
      const found = groups.find((g) => g.hash === hash);
      if (found) found.years.push(c.year);
      else groups.push({ hash, years: [c.year] });
    }
    return groups;
  };
  return { config: group((c) => c.configHash), census: group((c) => c.censusHash), parameters: group((c) => c.parametersHash) };
}

/** The one hash of the groups, or MIXED; `fallback` when no year has a checkpoint. */
export function singleHash(groups: readonly HashGroup[], fallback: string): string {
  if (groups.length === 0) return fallback;
  return groups.length === 1 ? (groups[0] as HashGroup).hash : MIXED;
}

/**
 * "config 1a2b3c4d5e6f  census …  parameter tables …" when every year shares its inputs; otherwise
 * each mixed input on its own line with the years under each hash.
 */
export function formatInputs(inputs: YearInputs, fallback: { config: string; census: string; parameters: string }): string[] {
  const entries = [
    ['config', inputs.config, fallback.config],
    ['census', inputs.census, fallback.census],
    ['parameter tables', inputs.parameters, fallback.parameters],
  ] as const;
  const same = entries.filter(([, groups]) => groups.length <= 1);
  const lines = same.length > 0 ? [`  ${same.map(([name, groups, f]) => `${name} ${singleHash(groups, f).slice(0, 12)}`).join('  ')}`] : [];
  for (const [name, groups] of entries.filter(([, g]) => g.length > 1)) {
    lines.push(`  ${name} MIXED: ${groups.map((g) => `${formatYears(g.years)} under ${g.hash.slice(0, 12)}`).join('; ')}`);
  }
  return lines;
}

/** 2025–2027, 2029 */
export function formatYears(years: readonly number[]): string {
  const spans: string[] = [];
  let i = 0;
  while (i < years.length) {
    let j = i;
    while (j + 1 < years.length && (years[j + 1] as number) === (years[j] as number) + 1) j += 1;
    spans.push(j === i ? String(years[i]) : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return spans.join(', ');
}
