import { describeIntake, describeMapping, writeCensus, writeSidecar } from '../../census/index.js';
import { loadConfig } from '../../config/index.js';
import { ExitCode, UsageError } from '../../errors.js';
import { readCensusFile } from '../../services/census.js';
import { parseCensusIntake, parseInteger, type CensusIntakeFlags } from '../options.js';

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
 * its first year (nobody hired after it); without one, the default rules. The intake flags win over
 * the census's sidecar; `--save-mapping` writes what was used into the sidecar.
 */
export async function check(
  file: string,
  options: { config?: string; saveMapping?: true; reportErrors?: string } & CensusIntakeFlags = {},
): Promise<number> {
  const config = options.config === undefined ? undefined : loadConfig({ path: options.config }).config;
  const intake = parseCensusIntake(options, options.reportErrors);
  const result = await readCensusFile(file, { config, intake });
  const lines = [
    `Census ${result.path} is valid (${result.format})`,
    ...(result.sidecar === undefined ? [] : [`  read with its sidecar ${result.sidecar}`]),
    `  read as: ${describeIntake(result)}`,
    '  columns (file header -> census column):',
    ...describeMapping(result.mapping).map((line) => `    ${line}`),
    `  rows ${result.rows}: ${result.activeRows} active, ${result.terminatedRows} terminated`,
    // The hash a run records; the file's own sha256 beside it when the reading options make them differ.
    `  census hash ${result.hash}`,
    ...(result.hash === result.fileHash ? [] : [`  file sha256 ${result.fileHash}`]),
    ...result.warnings.map((w) => `  warning: ${w}`),
  ];
  if (options.reportErrors !== undefined) lines.push(`  no problems: ${options.reportErrors} lists none`);
  if (options.saveMapping) lines.push(`Saved the options used and the column mapping to ${await writeSidecar(result.path, result.intake)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.Success;
}
