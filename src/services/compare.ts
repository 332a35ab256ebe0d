/**
 * Comparing runs: the scenario comparison `planalign compare` prints (each run's headline metrics
 * against a baseline's, src/reporting/scenario-compare.ts) and, per other run, the config diff that
 * explains its differences. `planalign compare A B` and the Studio both call compareRuns.
 */
import { UsageError } from '../errors.js';
import { compareScenarios, readScenarioMetrics, type ScenarioComparison } from '../reporting/scenario-compare.js';
import { openForReading } from '../reporting/source.js';
import { diffConfigs, readRunConfig, type ConfigDiffEntry } from './config-diff.js';
import type { RunSource } from './results.js';

export interface CompareRunsOptions {
  /** The label of the baseline run. */
  baseline: string;
  /** Annual discount rate of the present value, a fraction (default 0). */
  discountRate?: number | undefined;
  /** Only these years (inclusive). */
  years?: [number, number] | undefined;
  /** Whether to diff the runs' configs against the baseline's (default true). */
  configDiff?: boolean;
}

export interface RunComparison {
  comparison: ScenarioComparison;
  /** Per run but the baseline, by label: the config keys that differ from the baseline's; null when a config is unknown. */
  configDiff: Record<string, ConfigDiffEntry[] | null>;
}

/**
 * Compares 2 to 6 runs against the baseline. A database held by its writer is the readers'
 * DatabaseInUseError naming the holder (as `planalign compare` has always reported it).
 */
export async function compareRuns(sources: readonly RunSource[], options: CompareRunsOptions): Promise<RunComparison> {
  if (sources.length < 2 || sources.length > 6) throw new UsageError(`A comparison takes 2 to 6 runs, not ${sources.length}`);
  const scenarios = [];
  for (const s of sources) scenarios.push(await readScenarioMetrics(s.label, s.database, options.years));
  if (scenarios.every((s) => s.years.length === 0)) {
    const names = sources.map((s) => s.database);
    const which = names.length === 2 ? `Neither ${names[0]} nor ${names[1]}` : `None of ${names.join(', ')}`;
    const range = options.years === undefined ? '' : ` in ${options.years[0]}-${options.years[1]}`;
    throw new UsageError(`${which} holds a simulated year${range}`);
  }
  const comparison = compareScenarios(scenarios, { baseline: options.baseline, discountRate: options.discountRate, yearRange: options.years });
  const configDiff: RunComparison['configDiff'] = {};
  if (options.configDiff !== false) {
    const configs = new Map<string, Awaited<ReturnType<typeof readRunConfig>>>();
    for (const s of sources) {
      const db = await openForReading(s.database, { threads: 1 });
      try {
        configs.set(s.label, await readRunConfig(db, s));
      } finally {
        db.close();
      }
    }
    const base = configs.get(comparison.baseline);
    for (const s of sources) {
      if (s.label === comparison.baseline) continue;
      const config = configs.get(s.label);
      configDiff[s.label] = base === undefined || config === undefined ? null : diffConfigs(base, config);
    }
  }
  return { comparison, configDiff };
}
