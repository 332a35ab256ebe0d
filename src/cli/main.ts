#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { ENGINE_VERSION } from '../version.js';
import { ExitCode } from '../errors.js';
import { censusIntakeFlags, REPORT_ERRORS_HELP } from './options.js';
import { firstYearStartedAtMs } from './first-year-mark.js';
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

/** Those of the options that were given on the command line rather than left at their defaults (--workspace refuses them). */
function explicitOptions<K extends string>(command: { getOptionValueSource(key: K): string | undefined }, keys: K[]): K[] {
  return keys.filter((key) => command.getOptionValueSource(key) === 'cli');
}

const simulateCommand = program
  .command('simulate')
  .description('Run a multi-year simulation and print a summary per year')
  .argument('[years]', "YYYY or YYYY-YYYY (default: the config's start_year-end_year)")
  .option('-c, --config <file>', 'simulation config (YAML, reference format)', 'config/simulation_config.yaml')
  .option('--census <file>', 'census file: CSV, XLSX or Parquet (default: setup.census_parquet_path)')
  .option('--database <file>', 'DuckDB file to write (":memory:" for a throwaway run)', 'simulation.duckdb')
  .option('--seed <n>', 'random seed (overrides simulation.random_seed)')
  .option('--growth <rate>', 'target growth rate, e.g. 3.5% or 0.035 (overrides simulation.target_growth_rate)')
  .option('--vary-counts', 'draw the termination counts around their rates (simulation.count_uncertainty terminations, or terminations_and_hires when the config says so)')
  .option('--threads <n>', 'DuckDB threads (results do not depend on it)')
  .option('--memory-limit <size>', 'DuckDB memory limit, e.g. 8GB (default: 3GiB, or 80% of RAM if less; results do not depend on it)')
  .option('--resume', 'continue the database\'s run at its first year without a checkpoint')
  .option('--force-restart', 'clear the requested years (and later ones) and recompute them')
  .option('--fail-on-validation-error', 'stop with exit 3 and roll the year back when an error rule finds violations (default: setup.fail_on_validation_error)')
  .option('--no-fail-on-validation-error', 'record error-rule violations and go on (exit 3 at the end), whatever setup.fail_on_validation_error says')
  .option('--fail-on-compliance', 'a failing compliance test (ADP, ACP, 401(a)(4), 410(b), 416, 415(c)) is an error: exit 3 at the end (default: a warning)')
  .option('--rules <file.js>', 'a JavaScript module exporting extra validation rules')
  .option('--report <dir>', 'write the run report there at the end: summary.txt, JSON, CSV and an XLSX workbook')
  .option('--dry-run', 'print the execution plan (years x stages x models) and touch nothing')
  .option('--json', 'NDJSON progress events on stdout, ending with the run summary')
  .option('-v, --verbose', 'debug-level run log')
  .option('-q, --quiet', 'no progress lines')
  .option('--allow-unknown-keys', 'treat unknown config keys as warnings instead of errors')
  .option('--report-errors <file>', REPORT_ERRORS_HELP)
  .option('--seeds <n>', 'an ensemble of n seeds instead of one run: planalign ensemble (see its help) with these flags')
  .option('--seed-list <seeds>', 'an ensemble of these seeds (comma-separated): planalign ensemble')
  .option('--threshold <spec>', "with --seeds: METRIC>VALUE[@YEAR], repeatable (planalign ensemble's)", (v: string, all: string[] = []) => [...all, v])
  .option('--output-dir <dir>', "with --seeds: the ensemble's folder", 'outputs/ensemble')
  .option('--workspace <dir>', 'a new run of --scenario in this workspace (created and seeded when missing): its config, census and database are the workspace\'s')
  .option('--scenario <name>', 'with --workspace: the scenario to run (default: default)')
  .action((years, options, command) =>
    runCommand(async () =>
      (await import('./commands/simulate.js')).simulate(years, { ...options, explicit: explicitOptions(command, ['config', 'database', 'outputDir']) }),
    ),
  );
for (const flag of censusIntakeFlags()) simulateCommand.addOption(flag);

const batchCommand = program
  .command('batch')
  .description('Run several scenarios (the base config with one scenario file laid over it), each in its own process and database, and compare them with a baseline (console, batch_summary.json, comparison.xlsx with charts)')
  .option('--scenarios-dir <dir>', "folder of scenario files (*.yaml, *.yml); a file's name is its scenario's name (required without --workspace)")
  .option('-c, --config <file>', 'base config every scenario is merged into', 'config/simulation_config.yaml')
  .option('--census <file>', "census for every scenario (default: each merged config's setup.census_parquet_path)")
  .option('--output-dir <dir>', 'folder of the batch folder batch_<YYYYmmdd_HHMMSS> and of the jobs (a rerun reuses finished ones)', 'outputs')
  .option('--scenarios <names>', 'only these scenarios (comma-separated)')
  .option('--parallel <n>', 'run at most n scenarios at once', '1')
  .option('--threads <n>', 'DuckDB threads of each run (default: the cores shared among the runs at once; results do not depend on it)')
  .option('--memory-limit <size>', 'DuckDB memory limit of each run (default: the 3GiB default shared among the runs at once)')
  .option('--seed <n>', 'random seed of every scenario (overrides simulation.random_seed)')
  .option('--baseline <name>', 'the scenario the others are compared with (default: the one named baseline, else the first by name)')
  .option('--discount-rate <rate>', 'annual discount rate of the present value of employer cost, e.g. 0.03 or 3% (default 0)')
  .option('--fail-on-compliance', "a scenario whose compliance test fails is a failed run (its simulate's --fail-on-compliance)")
  .option('--queue <url>', 'run the scenarios on the queue at this Redis URL (redis://host:6379/0) by planalign worker processes sharing --output-dir')
  .option('--workspace <dir>', "the workspace's scenarios instead of --scenarios-dir: output in its batches/<time>/, each completed scenario recorded as a run of it")
  .option('--scenario <names>', 'with --workspace: only these scenarios (comma-separated)')
  .action((options, command) =>
    runCommand(async () => (await import('./commands/batch.js')).batchCommand({ ...options, explicit: explicitOptions(command, ['config', 'outputDir']) })),
  );
for (const flag of censusIntakeFlags()) batchCommand.addOption(flag);

const ensembleCommand = program
  .command('ensemble')
  .description(
    'Run the simulation over many seeds (and scenarios) as jobs of the local pool or a Redis queue, then per scenario, year and metric the mean, SD and P5-P95 ' +
      'over the seeds and the share of seeds crossing each threshold (ensemble.duckdb, ensemble.xlsx, ensemble.json, charts/<metric>.png|svg)',
  )
  .argument('[years]', "YYYY or YYYY-YYYY (default: the config's start_year-end_year)")
  .option('-c, --config <file>', 'simulation config (YAML, reference format); with --scenarios-dir, the base config', 'config/simulation_config.yaml')
  .option('--census <file>', 'census file: CSV, XLSX or Parquet (default: setup.census_parquet_path)')
  .option('--seeds <n>', 'n seeds: random_seed + 1001 x k for k = 0..n-1 (as the reference derives them)')
  .option('--seed-list <seeds>', 'these seeds, comma-separated whole numbers (instead of --seeds)')
  .option('--seed <n>', 'random_seed, the base of the --seeds (overrides simulation.random_seed)')
  .option('--growth <rate>', 'target growth rate, e.g. 3.5% or 0.035 (overrides simulation.target_growth_rate)')
  .option('--vary-counts', "as simulate's: draw the termination counts around their rates in every job")
  .option('--scenarios-dir <dir>', "one scenario per YAML file, laid over --config as batch does (default: one scenario, 'default')")
  .option('--threshold <spec>', "METRIC>VALUE[@YEAR] (operators > >= < <=; every year without @YEAR), e.g. 'total_employer_plan_cost>15e6@2029'; repeatable, added to ensemble.thresholds", (v: string, all: string[] = []) => [...all, v])
  .option('--output-dir <dir>', 'folder of the ensemble: inputs/, jobs/ and the outputs; a re-run over it reuses every finished job', 'outputs/ensemble')
  .option('--queue <url>', 'run the jobs on `planalign worker`s through Redis (redis://[user:password@]host:port/db or rediss://) instead of locally')
  .option('--parallel <n>', 'local jobs at once, each in a warm child process (default: the number of cores)')
  .option('--threads <n>', 'DuckDB threads of each job (default: the cores shared among the jobs at once; results do not depend on it)')
  .option('--memory-limit <size>', 'DuckDB memory limit of each job (default: the 3GiB default shared among the jobs at once)')
  .option('--attempts <n>', 'runs of a job before it is reported failed', '2')
  .option('--resume', 'complete the ensemble recorded in --output-dir (its ensemble_request.json), reusing its finished jobs')
  .option('--force', 'replace the ensemble recorded in --output-dir by this one (finished jobs of either are still reused)')
  .option('--discard-databases', "delete each job's database once its result.json is written (the ensemble needs only those; a 5,000 x 5-year job's database is ~40 MB)")
  .option('--json', 'NDJSON job events on stdout, ending with a summary event')
  .option('-q, --quiet', 'no progress on stderr')
  .option('--workspace <dir>', "with --scenario: that scenario of the workspace, output in its ensembles/<scenario>/<run-id>/ (--resume: the newest)")
  .option('--scenario <name>', 'with --workspace: the scenario (default: default)')
  .action((years, options, command) =>
    runCommand(async () =>
      (await import('./commands/ensemble.js')).ensembleCommand(years, { ...options, explicit: explicitOptions(command, ['config', 'outputDir']) }),
    ),
  );
for (const flag of censusIntakeFlags()) ensembleCommand.addOption(flag);

program
  .command('worker')
  .description('Run queued jobs (batch/ensemble --queue URL) from Redis into the shared output folder, warm, one after another per slot; SIGINT/SIGTERM stop it (running jobs roll back and go back to the queue)')
  .requiredOption('--queue <url>', 'Redis URL: redis://[user:password@]host:port/db, or rediss://… for TLS')
  .requiredOption('--output-dir <dir>', "the coordinators' output folder (shared: the same files, mounted anywhere)")
  .option('--concurrency <n>', 'jobs at once (warm child processes)', '1')
  .option('--threads <n>', 'DuckDB threads of each job (default: the cores shared among the jobs at once; results do not depend on it)')
  .option('--memory-limit <size>', 'DuckDB memory limit of each job (default: the 3GiB default shared among the jobs at once)')
  .action((options) => runCommand(async () => (await import('./commands/worker.js')).workerCommand(options)));

program
  .command('studio')
  .description('Serve the Studio over a workspace: the HTTP API (OpenAPI document at /api/openapi.json) with live runs, until Ctrl-C')
  .option('--workspace <dir>', 'the workspace folder, created and seeded when missing or empty (default: ./workspace)')
  .option('--port <n>', 'TCP port (0: any free one)', '8765')
  .option('--host <address>', 'address to listen on; anything but loopback needs --token', '127.0.0.1')
  .option('--token <token>', 'a secret every API request must carry (Authorization: Bearer, or ?token=); default env PLANALIGN_STUDIO_TOKEN')
  .action((options) => runCommand(async () => (await import('./commands/studio.js')).studioCommand(options)));

program
  .command('validate')
  .description('Check a config file: print its summary and ignored keys, or its errors')
  .option('-c, --config <file>', 'simulation config (YAML, reference format)', 'config/simulation_config.yaml')
  .option('--enforce-identifiers', 'require scenario_id and plan_design_id')
  .option('--allow-unknown-keys', 'treat unknown config keys as warnings instead of errors')
  .option('--era', "only which era's meaning each plan-design section gets (2025 or 2026) and the keys that chose it")
  .option('--json', 'print machine-readable JSON')
  .action((options) => runCommand(async () => (await import('./commands/validate.js')).validate(options)));

program
  .command('schema')
  .description("Write the config's JSON Schema for editors: every key with its description, unit, default and range; ignored keys marked deprecated")
  .option('--out <file>', 'write it to this file (default: stdout)')
  .action((options) => runCommand(async () => (await import('./commands/schema.js')).schemaCommand(options)));

program
  .command('status')
  .description('Show a database: its runs, years and checkpoints, or the progress of the run holding it')
  .option('--database <file>', 'DuckDB file', 'simulation.duckdb')
  .option('--json', 'print machine-readable JSON')
  .action((options) => runCommand(async () => (await import('./commands/status.js')).status(options)));

program
  .command('checkpoints')
  .description('Completed-year checkpoints: list, status, cleanup (orphans) or validate (recompute content hashes)')
  .argument('[action]', 'list | status | cleanup | validate', 'status')
  .option('--database <file>', 'DuckDB file', 'simulation.duckdb')
  .option('--json', 'print machine-readable JSON')
  .action((action, options) => runCommand(async () => (await import('./commands/checkpoints.js')).checkpoints(action, options)));

program
  .command('export')
  .description('Export a simulated database: employee-level tables (csv, parquet) plus the yearly report files, or the report workbook (xlsx)')
  .option('--database <file>', 'DuckDB file of a finished simulation', 'simulation.duckdb')
  .option('-f, --format <format>', 'csv, parquet or xlsx', 'csv')
  .option('-o, --out <dir>', 'output folder (created if missing)', 'exports')
  .option('--years <years>', 'only these years, YYYY or YYYY-YYYY, in every file (default: every simulated year)')
  .option('--per-year', "one file per employee-level table and year (fct_workforce_snapshot_2026.csv): each fits a spreadsheet's 1,048,576 rows")
  .addHelpText('after', '\nUnits: money in dollars to the cent, rates as fractions (0.062 = 6.2 %); README.txt and columns.csv\nbeside the files document every column.')
  .action((options) => runCommand(async () => (await import('./commands/export.js')).exportCommand(options)));

program
  .command('analyze')
  .description('Analyse a simulated database: the workforce per year (default), events per year and type, or the compliance tests per year')
  .argument('[target]', 'workforce, events or compliance', 'workforce')
  .option('--database <file>', 'DuckDB file of a finished simulation', 'simulation.duckdb')
  .option('--export <format>', 'also write the analysis as csv or xlsx')
  .option('--out <dir>', 'folder for --export', 'reports')
  .option('--json', 'print machine-readable JSON instead of a table')
  .action((target, options) => runCommand(async () => (await import('./commands/analyze.js')).analyzeCommand(target, options)));

const migrate = program.command('migrate').description('Move from the Python PlanAlign Engine: configs, databases, checkpoints');
migrate
  .command('config')
  .description('Check a reference config: what is honoured, ignored or unknown, and which results change')
  .argument('<file>', 'simulation_config.yaml of the Python engine')
  .option('--write <file>', 'also write a cleaned copy (ignored and unknown keys removed, comments kept)')
  .option('--to-2026', "instead write a copy whose every plan-design section reads in its 2026 era: the 2026 keys at today's defaults, same effective config")
  .option('--out <file>', 'where --to-2026 writes (default <file stem>.2026.yaml beside the config)')
  .option('--force', 'let --to-2026 replace an existing --out file')
  .option('--json', 'print machine-readable JSON')
  .action((file, options) => runCommand(async () => (await import('./commands/migrate.js')).migrateConfig(file, options)));
migrate
  .command('database')
  .description('Migrate a Python-engine DuckDB file in place (after a verified backup)')
  .argument('<file>', 'DuckDB file written by the Python engine')
  .option('--config <file>', "the reference run's config (its hash is recorded; its plan settings rebuild the state)")
  .option('--census <file>', "the reference run's census (its hash is recorded)")
  .option('--json', 'print machine-readable JSON')
  .action((file, options) => runCommand(async () => (await import('./commands/migrate.js')).migrateDatabase(file, options)));
migrate
  .command('checkpoints')
  .description("Import the Python engine's checkpoint files (.planalign_checkpoints/ or .navigator_checkpoints/) into a PlanAlign database; corrupt files are moved to DIR/quarantine/, never deleted")
  .argument('[dir]', 'checkpoint folder (default: .planalign_checkpoints, else .navigator_checkpoints)')
  .option('--database <file>', 'PlanAlign DuckDB file to import into', 'simulation.duckdb')
  .option('--json', 'print the report as JSON')
  .action((dir, options) =>
    runCommand(async () => (await import('../migration/checkpoints.js')).migrateCheckpointsCommand(dir, options)),
  );
migrate
  .command('rollback')
  .description('Restore a migrated database to its pre-migration bytes')
  .argument('<file>', 'the migrated DuckDB file')
  .action((file) => runCommand(async () => (await import('./commands/migrate.js')).migrateRollback(file)));

program
  .command('compare')
  .description(
    'Compare scenario B with the baseline A: headline metrics per year and over all years, their differences, employer cost as % of payroll and per participant, and its present value. ' +
      'With --identical (or one database, whose latest run is re-run): check that two databases hold the same results (exit 3 when not)',
  )
  .argument('<a>', 'database A (the baseline)')
  .argument('[b]', "database B (omitted: re-run A's latest run with this engine, from its recorded config and census, and check it is identical)")
  .option('--identical', 'check that A and B hold the same results: a verdict per year and metric, exit 3 when anything differs')
  .option('--years <years>', 'only these years: YYYY or YYYY-YYYY (default: every year of either database)')
  .option('--discount-rate <rate>', 'annual discount rate of the present value of employer cost, e.g. 0.03 or 3% (default 0)')
  .option('--tolerance <rate>', 'with --identical: relative tolerance of the figures other than headcount, hires and terminations, e.g. 0.01 or 1% (default 0.01)')
  .option('--limit <n>', 'with --identical: list at most n employees whose events differ (two PlanAlign databases; default 20)')
  .option('--work-dir <dir>', 'with one database: keep the re-run database in this folder (default: a temporary folder, removed)')
  .option('--json', 'print the comparison as JSON')
  .action((a, b, options) => runCommand(async () => (await import('./commands/compare.js')).compareCommand(a, b, options)));

const legacy = program.command('legacy').description("The reference engine's command line (python -m planalign_orchestrator)");
legacy
  .command('run')
  .description("Run a simulation with the flags of the reference's `run`; prints its result dict as JSON on stdout")
  .option('-c, --config <file>', 'simulation config (YAML, reference format)', 'config/simulation_config.yaml')
  .option('--database <file>', 'DuckDB file (default: env DATABASE_PATH, else simulation.duckdb)')
  .option('--census <file>', 'census file: CSV, XLSX or Parquet (default: setup.census_parquet_path)')
  .option('--start-year <year>', 'first year (default: simulation.start_year)')
  .option('--end-year <year>', 'last year (default: simulation.end_year)')
  .option('--years <years>', 'YYYY-YYYY, instead of --start-year and --end-year')
  .option('--resume', "continue the database's run at its first year without a checkpoint")
  .option('--force-restart', 'clear the requested years (and later ones) and recompute them')
  .option('--dry-run', 'print the execution plan and touch nothing')
  .option('--threads <n>', 'DuckDB threads (results do not depend on it)')
  .option('--fail-on-validation-error', 'stop with exit 3 and roll the year back when an error rule finds violations')
  .option('-v, --verbose', 'debug-level run log')
  .action((options) => runCommand(async () => (await import('./commands/legacy.js')).legacyRunCommand(options)));

const census = program.command('census').description('Census tools');
census
  .command('generate')
  .description('Write a realistic synthetic census (CSV or Parquet, by the file extension)')
  .requiredOption('--employees <n>', 'number of employee rows')
  .option('--seed <n>', 'random seed', '42')
  .requiredOption('--out <file>', 'output file (.parquet or .csv)')
  .action((options) => runCommand(async () => (await import('./commands/census.js')).generate(options)));
const checkCommand = census
  .command('check')
  .description(
    'Validate a census file without simulating: the column mapping, row counts, warnings, or the errors. ' +
      'Reads the sidecar <file>.planalign.yaml when there is one (columns, synonyms, sidecar, flags, problems, warnings: docs/CENSUS.md)',
  )
  .argument('<file>', 'census file: CSV, XLSX or Parquet')
  .option('-c, --config <file>', "read it as a simulation under this config would: its deferral_rates section and first year")
  .option('--save-mapping', 'write the options used and the column mapping to the sidecar <file>.planalign.yaml, read by every later command')
  .option('--report-errors <file>', REPORT_ERRORS_HELP)
  .action((file, options) => runCommand(async () => (await import('./commands/census.js')).check(file, options)));
for (const flag of censusIntakeFlags()) checkCommand.addOption(flag);

// The benchmark harness reads this process's own peak memory and CPU from here, and when its first
// simulated year started (start-up time).
const resourceReport = process.env.PLANALIGN_RESOURCE_REPORT;
if (resourceReport) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      resourceReport,
      JSON.stringify({ maxRssKiB: usage.maxRSS, userMicros: usage.userCPUTime, systemMicros: usage.systemCPUTime, firstYearStartedAtMs: firstYearStartedAtMs() }),
    );
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
