#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { ENGINE_VERSION } from '../version.js';
import { ExitCode } from '../errors.js';
import { runCommand } from './run-command.js';

/**
 * The `planalign` command line. Command modules are imported when their command runs, so that
 * `--help` does not load the DuckDB addon.
 */
const program = new Command('planalign')
  .description('Multi-year workforce and DC-plan simulation on embedded DuckDB')
  .version(`PlanAlign ${ENGINE_VERSION}`, '-V, --version')
  .showHelpAfterError()
  .exitOverride();

program
  .command('simulate')
  .description('Run a multi-year simulation and print a summary per year')
  .argument('[years]', 'YYYY or YYYY-YYYY (default: the config\'s start_year-end_year)')
  .option('-c, --config <file>', 'simulation config (YAML, reference format)', 'config/simulation_config.yaml')
  .option('--census <file>', 'census file, CSV or Parquet (default: setup.census_parquet_path)')
  .option('--database <file>', 'DuckDB file to write (":memory:" for a throwaway run)', 'simulation.duckdb')
  .option('--seed <n>', 'random seed (overrides simulation.random_seed)')
  .option('--threads <n>', 'DuckDB threads (results do not depend on it)')
  .option('--dry-run', 'print the execution plan (years x stages x models) and touch nothing')
  .option('--json', 'print machine-readable JSON instead of tables')
  .option('--allow-unknown-keys', 'treat unknown config keys as warnings instead of errors')
  .action((years, options) => runCommand(async () => (await import('./commands/simulate.js')).simulate(years, options)));

program
  .command('validate')
  .description('Check a config file: print its summary and ignored keys, or its errors')
  .option('-c, --config <file>', 'simulation config (YAML, reference format)', 'config/simulation_config.yaml')
  .option('--allow-unknown-keys', 'treat unknown config keys as warnings instead of errors')
  .option('--json', 'print machine-readable JSON')
  .action((options) => runCommand(async () => (await import('./commands/validate.js')).validate(options)));

const census = program.command('census').description('Census tools');
census
  .command('generate')
  .description('Write a realistic synthetic census (CSV or Parquet, by the file extension)')
  .requiredOption('--employees <n>', 'number of employee rows')
  .option('--seed <n>', 'random seed', '42')
  .requiredOption('--out <file>', 'output file (.parquet or .csv)')
  .action((options) => runCommand(async () => (await import('./commands/census.js')).generate(options)));
census
  .command('check')
  .description('Validate a census file without simulating: row counts, warnings, or the errors')
  .argument('<file>', 'census file, CSV or Parquet')
  .action((file) => runCommand(async () => (await import('./commands/census.js')).check(file)));

// The benchmark harness reads this process's own peak memory and CPU from here.
const resourceReport = process.env.PLANALIGN_RESOURCE_REPORT;
if (resourceReport) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(resourceReport, JSON.stringify({ maxRssKiB: usage.maxRSS, userMicros: usage.userCPUTime, systemMicros: usage.systemCPUTime }));
  });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
    process.exitCode = ok ? ExitCode.Success : ExitCode.UsageError;
  } else {
    throw error;
  }
}
