/**
 * The dead-key guard (issue 9): every key the config schema accepts and does not ignore must change
 * some result of a simulation when perturbed as listed in dead-keys.perturbations.ts, or have the
 * effect listed there (the run stops; a label reaches the output). A key that changes nothing, or has
 * no perturbation, fails the guard with its path; all are listed at once.
 *
 * Results are the rows of the event log, the snapshot, the registries and the contribution, match
 * and core tables, over the columns that vary across rows, less ids, labels and time stamps
 * (support/config-perturbation.ts). The census is the generator's, laid on a grid of the plan's
 * age and pay segments (writeSegmentedCensus). Each run simulates 2025 (and 2026 for the keys that
 * need it) in an in-memory database, with one always-failing rule instead of the validation rules;
 * each (context, years) baseline is run once. A run costs the per-query overhead of its ~30 models
 * (0.6-0.8 s of CPU for a year, nearly the same for 300 employees as for 3,000).
 *
 * ~170 runs are too many for one test file, the suite's long pole: the keys are split into
 * DEAD_KEY_SHARDS test files (dead-keys*.test.ts), each whole (context, years) group of keys in one
 * shard so that its baseline runs once, the groups dealt out by size.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { simulationConfigSchema } from '../../src/config/schema.js';
import {
  appliedConfigKeys,
  changedTables,
  setConfigPath,
  simulateOutcome,
  writeSegmentedCensus,
  writeTopHeavyCensus,
  type Outcome,
} from '../support/config-perturbation.js';
import { defaultConfigObject } from '../support/engine.js';
import { useTempDir } from '../support/tmp.js';
import { CONTEXTS, OTHER_CENSUS, PERTURBATIONS, TOP_HEAVY_CENSUS, type Perturbation } from './dead-keys.perturbations.js';

export const DEAD_KEY_SHARDS = 3;
const CENSUS_EMPLOYEES = 1000;
const START_YEAR = 2025;
/** Simulations at once in one shard: the shards' files run side by side on the 2-core machine. */
const CONCURRENCY = 1;

export const applied = appliedConfigKeys(simulationConfigSchema);

/** Runs at most `limit` of the given tasks at once; a finished task hands its slot to the next. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < limit) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) running -= 1;
      else next();
    }
  };
}

const baselineId = (p: Perturbation): string => (p.outside !== undefined ? 'outside' : `${p.context ?? 'default'} × ${p.years ?? 1}`);

/**
 * The checked keys of shard `shard` (0-based). A run per key, and one per (context, years) baseline in
 * each shard that has keys of it: groups go whole to the lightest shard, the largest first, except a
 * group larger than a shard's share (the default one), which is cut into pieces of that share.
 */
export function shardKeys(shard: number): string[] {
  const groups = new Map<string, string[]>();
  for (const key of applied.filter((k) => Object.hasOwn(PERTURBATIONS, k))) {
    const id = baselineId(PERTURBATIONS[key] as Perturbation);
    groups.set(id, [...(groups.get(id) ?? []), key]);
  }
  const runs = [...groups.values()].reduce((n, keys) => n + keys.length + 1, 0);
  const share = Math.ceil(runs / DEAD_KEY_SHARDS);
  const pieces = [...groups.entries()]
    .sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))
    .flatMap(([, keys]) => Array.from({ length: Math.ceil(keys.length / share) }, (_, i) => keys.slice(i * share, (i + 1) * share)));
  const shards = Array.from({ length: DEAD_KEY_SHARDS }, () => ({ keys: [] as string[], runs: 0 }));
  for (const piece of pieces.sort((a, b) => b.length - a.length)) {
    const lightest = shards.reduce((min, s) => (s.runs < min.runs ? s : min));
    lightest.keys.push(...piece);
    lightest.runs += piece.length + 1;
  }
  return shards[shard]?.keys ?? [];
}

/** Why each key of the shard does not show its perturbation ("key: why"), none when all do. */
export async function deadKeys(shard: number, dir: string): Promise<string[]> {
  const [census, otherCensus, topHeavyCensus] = [join(dir, 'census.csv'), join(dir, 'other_census.csv'), join(dir, 'top_heavy_census.csv')];
  writeSegmentedCensus(census, CENSUS_EMPLOYEES, 7);
  writeSegmentedCensus(otherCensus, CENSUS_EMPLOYEES, 8);
  writeTopHeavyCensus(topHeavyCensus, CENSUS_EMPLOYEES, 7);
  const censuses: Record<string, string> = { [OTHER_CENSUS]: otherCensus, [TOP_HEAVY_CENSUS]: topHeavyCensus };
  const limit = limiter(CONCURRENCY);

  const configOf = (years: number, ...changes: Record<string, unknown>[]): Record<string, unknown> => {
    const config = defaultConfigObject();
    setConfigPath(config, 'setup.census_parquet_path', census);
    setConfigPath(config, 'simulation.start_year', START_YEAR);
    setConfigPath(config, 'simulation.end_year', START_YEAR + years - 1);
    // The shipped config stops at an error rule; the guard's rule fires every year.
    setConfigPath(config, 'setup.fail_on_validation_error', false);
    for (const change of changes) {
      // Copied: a perturbation may index into a list a context set (tiers.1.x), which must not change the context.
      for (const [path, value] of Object.entries(change)) {
        setConfigPath(config, path, typeof value === 'string' && Object.hasOwn(censuses, value) ? censuses[value] : structuredClone(value));
      }
    }
    return config;
  };

  const baselines = new Map<string, Promise<Outcome>>();
  const baseline = (p: Perturbation): Promise<Outcome> => {
    const id = `${p.context ?? 'default'} × ${p.years ?? 1}`;
    let run = baselines.get(id);
    if (run === undefined) {
      run = limit(() => simulateOutcome(configOf(p.years ?? 1, p.context ? CONTEXTS[p.context] : {})));
      baselines.set(id, run);
    }
    return run;
  };

  /** Why the key's perturbation does not show, or undefined when it does. */
  const check = async (key: string, p: Perturbation): Promise<string | undefined> => {
    if (p.outside !== undefined) {
      if (!existsSync(p.outside)) return `its test ${p.outside} is missing`;
      const hash = (config: Record<string, unknown>) => parseConfig(config).hash;
      return hash(configOf(1, p.set)) === hash(configOf(1)) ? undefined : 'changes the config hash, so every run';
    }
    const base = await baseline(p);
    if ('error' in base) return `its baseline (${p.context ?? 'default'}) failed: ${base.error}`;
    const outcome = await limit(() =>
      simulateOutcome(configOf(p.years ?? 1, p.context ? CONTEXTS[p.context] : {}, p.set), p.echo ? [p.echo] : []),
    );
    if (p.fails !== undefined) {
      if (!('error' in outcome)) return `ran through; expected it to stop with "${p.fails}"`;
      return outcome.error.includes(p.fails) ? undefined : `stopped with another error: ${outcome.error}`;
    }
    if ('error' in outcome) return `the perturbed run failed: ${outcome.error}`;
    if (p.echo) {
      const expected = [String(Object.values(p.set)[0])];
      const seen = outcome.echoes[p.echo] ?? [];
      return JSON.stringify(seen) === JSON.stringify(expected) ? undefined : `${p.echo} holds ${JSON.stringify(seen)}, not ${expected[0]}`;
    }
    return changedTables(base.fingerprint, outcome.fingerprint).length > 0 ? undefined : 'changes no result';
  };

  const checked = shardKeys(shard);
  const verdicts = await Promise.all(
    checked.map(async (key) => {
      const p = PERTURBATIONS[key] as Perturbation;
      const why = await check(key, p);
      return why === undefined ? undefined : `${key}: ${why} (set ${JSON.stringify(p.set)}${p.context ? `, context ${p.context}` : ''})`;
    }),
  );
  return verdicts.filter((v): v is string => v !== undefined);
}

/** The test of shard `n` (1-based) of DEAD_KEY_SHARDS: each in a file of its own, so that they run side by side. */
export function describeShard(n: number): void {
  const tempDir = useTempDir();
  describe('dead-key guard', () => {
    it(`sees every applied key of shard ${n} of ${DEAD_KEY_SHARDS} change a result`, async () => {
      const dead = await deadKeys(n - 1, tempDir());
      expect(dead, `dead keys:\n${dead.join('\n')}`).toEqual([]);
    }, 600_000);
  });
}
