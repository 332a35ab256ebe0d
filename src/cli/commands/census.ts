import { loadCensus, writeCensus } from '../../census/index.js';
import { loadConfig } from '../../config/index.js';
import { Database } from '../../db/database.js';
import { ExitCode, UsageError } from '../../errors.js';
import { parseInteger } from '../options.js';

export async function generate(options: { employees: string; seed: string; out: string }): Promise<number> {
  const employees = parseInteger(options.employees, '--employees');
  if (employees < 1) throw new UsageError('--employees must be at least 1');
  const seed = parseInteger(options.seed, '--seed');
  const started = Date.now();
  const result = await writeCensus({ employees, seed, out: options.out });
  process.stdout.write(`Wrote ${result.rows} employees to ${result.path} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return ExitCode.Success;
}

/**
 * With a config, the census is read as a simulation under it reads it: its `deferral_rates` rules and
 * its first year (nobody hired after it); without one, the default rules.
 */
export async function check(file: string, options: { config?: string } = {}): Promise<number> {
  const config = options.config === undefined ? undefined : loadConfig({ path: options.config }).config;
  const db = await Database.open(':memory:');
  try {
    const result = await loadCensus(db, file, config?.deferral_rates, config?.simulation.start_year);
    const lines = [
      `Census ${result.path} is valid (${result.format})`,
      `  rows ${result.rows}: ${result.activeRows} active, ${result.terminatedRows} terminated`,
      `  sha256 ${result.hash}`,
      ...result.warnings.map((w) => `  warning: ${w}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.Success;
  } finally {
    db.close();
  }
}
