/**
 * What differs between two configurations: the leaves of the effective (validated, defaults-filled)
 * configs by dotted path, through the comparison `simulate --resume` reports changed inputs with.
 * The keys that steer how a run behaves rather than what it computes are left aside (configJson).
 */
import { configJson, loadConfig, type SimulationConfig } from '../config/index.js';
import type { Database } from '../db/database.js';
import { configChanges } from '../orchestrator/inputs.js';
import type { RunSource } from './results.js';

export interface ConfigDiffEntry {
  /** Dotted path, array elements as `[i]`: `employer_match.formulas.simple_match.match_rate`. */
  key: string;
  /** The value in each config; null when that config does not set the key. */
  a: unknown;
  b: unknown;
}

/** The keys whose values differ, in key order (arrays of different lengths are one value). */
export function diffConfigs(a: SimulationConfig, b: SimulationConfig): ConfigDiffEntry[] {
  return configChanges(JSON.parse(configJson(a)), JSON.parse(configJson(b))).map((c) => ({
    key: c.path,
    a: c.before ?? null,
    b: c.after ?? null,
  }));
}

/**
 * The configuration a run computed under: what its database recorded (the resolved config with the
 * run's overrides, latest run), else its YAML loaded without environment overrides; undefined when
 * neither is known.
 */
export async function readRunConfig(db: Database, source: RunSource): Promise<SimulationConfig | undefined> {
  if (await db.tableExists('planalign_runs')) {
    const row = await db.one<{ config_json: string | null }>(
      `SELECT * FROM planalign_runs ORDER BY started_at DESC, run_id DESC LIMIT 1`,
    );
    if (typeof row?.config_json === 'string') return JSON.parse(row.config_json) as SimulationConfig;
  }
  return source.config === undefined ? undefined : loadConfig({ path: source.config, env: {} }).config;
}
