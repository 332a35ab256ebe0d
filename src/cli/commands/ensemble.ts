import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseMemoryLimit } from '../../db/database.js';
import { loadConfig } from '../../config/load.js';
import { ensembleScenarios } from '../../ensemble/scenarios.js';
import { formatEnsembleTables } from '../../ensemble/outputs.js';
import { EnsembleProgress } from '../../ensemble/progress.js';
import { planEnsemble, readRequest, recordRequest, REQUEST_FILE, type EnsembleRequest } from '../../ensemble/request.js';
import { runEnsemble } from '../../ensemble/run.js';
import { resolveThresholds } from '../../ensemble/thresholds.js';
import { UsageError } from '../../errors.js';
import { createExecutor, type ScenarioSource } from '../../executor/index.js';
import { OrchestratorBuilder } from '../../factory.js';
import { applyVaryCounts } from './simulate.js';
import { parseCensusIntake, parseGrowth, parseInteger, parseYears, type CensusIntakeFlags } from '../options.js';

export interface EnsembleOptions extends CensusIntakeFlags {
  config: string;
  census?: string;
  seeds?: string;
  seedList?: string;
  /** simulation.random_seed: the base of the seeds of --seeds. */
  seed?: string;
  growth?: string;
  /** --vary-counts: as simulate's, on every scenario. */
  varyCounts?: true;
  scenariosDir?: string;
  /** Repeatable: METRIC>VALUE[@YEAR]. */
  threshold?: string[];
  outputDir: string;
  queue?: string;
  parallel?: string;
  threads?: string;
  memoryLimit?: string;
  attempts?: string;
  resume?: true;
  force?: true;
  /** Delete each job's database once its result is written. */
  discardDatabases?: true;
  json?: true;
  quiet?: true;
  /** --workspace DIR: the ensemble of --scenario (default `default`) in ensembles/<scenario>/<run-id>/. */
  workspace?: string;
  scenario?: string;
  /** The options among --config and --output-dir given on the command line (not their defaults). */
  explicit?: string[];
}

/** What defines the ensemble (ignored by --resume, which runs the recorded one). */
const DEFINING: ReadonlyArray<[keyof EnsembleOptions, string]> = [
  ['seeds', '--seeds'], ['seedList', '--seed-list'], ['scenariosDir', '--scenarios-dir'], ['threshold', '--threshold'], ['census', '--census'],
  ['seed', '--seed'], ['growth', '--growth'], ['varyCounts', '--vary-counts'],
];

function positive(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseInteger(text, option);
  if (value < 1) throw new UsageError(`${option} must be at least 1, got ${value}`);
  return value;
}

/**
 * `planalign ensemble`: scenarios × seeds as jobs of the executor (local pool or queue), then the
 * bands and threshold shares over the seeds (ensemble.duckdb, .json, .xlsx, charts/). Progress on
 * stderr (a bar on a terminal), or NDJSON events on stdout with --json; the tables on stdout.
 * Exit 0 every job done, 1 some failed, 130 interrupted.
 */
export async function ensembleCommand(years: string | undefined, given: EnsembleOptions): Promise<number> {
  const { options, scenarioName } = given.workspace === undefined ? { options: given, scenarioName: undefined } : await inWorkspace(given, given.workspace);
  if (options.scenario !== undefined && options.workspace === undefined) throw new UsageError('--scenario names a scenario of a workspace: give --workspace DIR too');
  const outputDir = resolve(options.outputDir);
  const parallel = positive(options.parallel, '--parallel') ?? availableParallelism();
  const threads = positive(options.threads, '--threads');
  const attempts = positive(options.attempts, '--attempts') ?? 2;
  const memoryLimit = options.memoryLimit === undefined ? undefined : parseMemoryLimit(options.memoryLimit);

  let request: EnsembleRequest;
  if (options.resume) {
    const given = DEFINING.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
    if (years !== undefined) given.unshift('YEARS');
    if (given.length > 0) throw new UsageError(`--resume runs the ensemble recorded in ${outputDir}: drop ${given.join(', ')}`);
    const recorded = readRequest(outputDir);
    if (recorded === undefined) throw new UsageError(`Nothing to resume: ${outputDir} holds no ${REQUEST_FILE}`, { file: outputDir });
    request = recorded;
  } else {
    if (options.seeds === undefined && options.seedList === undefined) throw new UsageError('Give the seeds with --seeds N or --seed-list 1,2,3');
    const env = process.env;
    const { sources, warnings } = ensembleScenarios({
      config: options.config,
      census: options.census,
      censusIntake: parseCensusIntake(options),
      years: years === undefined ? undefined : parseYears(years),
      seed: options.seed === undefined ? undefined : parseInteger(options.seed, '--seed'),
      growth: options.growth === undefined ? undefined : parseGrowth(options.growth),
      env,
      scenariosDir: options.scenariosDir,
    });
    if (options.varyCounts) for (const source of sources) varyCounts(source);
    if (scenarioName !== undefined) for (const source of sources) source.name = scenarioName;
    for (const warning of warnings) process.stderr.write(`Warning: ${warning}\n`);
    // The thresholds are the base config's (a scenario file's own are not read).
    const configured = loadConfig({ path: options.config, env }).config.ensemble?.thresholds;
    const planned = await planEnsemble(
      outputDir,
      sources,
      { seeds: options.seeds, seedList: options.seedList },
      (span) => resolveThresholds(configured, options.threshold ?? [], span),
      new Date(),
    );
    request = await recordRequest(outputDir, planned, options.force === true);
  }

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${signal} received: cancelling queued jobs; running ones roll back their year in progress...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = process.hrtime.bigint();
  const executor = await createExecutor({ queue: options.queue, parallel, threads, memoryLimit });
  const mode = options.json ? 'json' : options.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines';
  const progress = new EnsembleProgress(request.jobs.length, mode, mode === 'json' ? process.stdout : process.stderr);
  if (!options.json && !options.quiet) {
    const scenarios = request.scenarios.map((s) => `${s.name} (${s.seeds.length} seed${s.seeds.length === 1 ? '' : 's'})`).join(', ');
    process.stderr.write(`Ensemble ${show(outputDir)}: ${request.jobs.length} job(s) of ${scenarios} on the ${executor.kind} executor\n`);
  }
  let run: Awaited<ReturnType<typeof runEnsemble>>;
  try {
    run = await runEnsemble(outputDir, request, executor, {
      signal: controller.signal,
      attempts,
      discardDatabases: options.discardDatabases === true,
      onEvent: (event) => progress.onEvent(event),
    });
  } finally {
    progress.finish();
    await executor.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const count = (status: string) => run.outcomes.filter((o) => o.status === status).length;
  const failures = run.outcomes.filter((o) => o.status === 'failed').map((o) => ({ scenario: o.job.scenario, seed: o.job.seed, id: o.job.id, error: o.error ?? '' }));
  if (options.json) {
    const summary = {
      event: 'summary',
      output_dir: outputDir,
      executor: executor.kind,
      jobs: run.outcomes.length,
      completed: count('completed'),
      reused: run.outcomes.filter((o) => o.reused === true).length,
      failed: count('failed'),
      cancelled: count('cancelled'),
      interrupted: run.interrupted,
      seconds,
      files: run.files,
      failures,
      exit_code: run.exitCode,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return run.exitCode;
  }
  const lines = formatEnsembleTables(run.tables, request.scenarios.map((s) => s.name));
  const reused = run.outcomes.filter((o) => o.reused === true).length;
  lines.push(
    '',
    `${count('completed')} of ${run.outcomes.length} job(s) done (${reused} reused), ${count('failed')} failed` +
      `${count('cancelled') > 0 ? `, ${count('cancelled')} cancelled` : ''}${run.interrupted ? ' (interrupted)' : ''} in ${seconds.toFixed(1)}s`,
    ...failures.map((f) => `  FAILED ${f.scenario} seed ${f.seed} (job ${f.id}): ${f.error.split('\n')[0]}`),
    `  database  ${show(run.files.database)}`,
    `  workbook  ${show(run.files.workbook)}`,
    `  json      ${show(run.files.json)}`,
    `  charts    ${run.files.charts === null ? 'none (no job finished)' : show(run.files.charts)}`,
  );
  if (run.exitCode !== 0) lines.push(`Complete it with: planalign ensemble --resume --output-dir ${show(outputDir)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return run.exitCode;
}

/**
 * `--workspace DIR [--scenario NAME]`: the options for the scenario's config and census, the output
 * in a new ensembles/<scenario>/<run-id>/ (with --resume, the newest one there).
 */
async function inWorkspace(options: EnsembleOptions, dir: string): Promise<{ options: EnsembleOptions; scenarioName: string }> {
  const refused = [
    ...(options.explicit ?? []).map((key) => (key === 'outputDir' ? '--output-dir' : `--${key}`)),
    ...(options.census === undefined ? [] : ['--census']),
    ...(options.scenariosDir === undefined ? [] : ['--scenarios-dir']),
  ];
  if (refused.length > 0) throw new UsageError(`--workspace decides the ensemble's config, census and folder: drop ${refused.join(', ')}`);
  const { Workspace, newRunId } = await import('../../workspace/workspace.js');
  const ws = Workspace.open(dir, { create: true });
  const scenario = options.scenario ?? 'default';
  const config = ws.existingScenarioFile(scenario);
  if (options.resume) {
    const folder = join(ws.root, 'ensembles', scenario);
    const newest = existsSync(folder) ? readdirSync(folder).sort().pop() : undefined;
    if (newest === undefined) throw new UsageError(`Scenario ${scenario} has no ensemble to resume in ${ws.root}`);
    return { options: { ...options, config, outputDir: ws.ensembleDir(scenario, newest) }, scenarioName: scenario };
  }
  const census = ws.scenarioCensus(scenario);
  return { options: { ...options, config, census, outputDir: ws.ensembleDir(scenario, newRunId()) }, scenarioName: scenario };
}

/** simulate's --vary-counts written into a scenario's config (its builder resolves what the config says). */
function varyCounts(source: ScenarioSource): void {
  const builder = new OrchestratorBuilder().withConfig(source.config).withEnvironment({});
  applyVaryCounts(builder);
  const drawn = builder.resolveInputs().config.config.simulation.count_uncertainty;
  source.config.simulation = { ...(source.config.simulation as Record<string, unknown> | undefined), count_uncertainty: drawn };
}

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}
