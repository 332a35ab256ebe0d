/**
 * Runs the selected cases and assembles the results. Every measured run is the compiled CLI
 * (`dist/cli/main.js`) as a child process with the default config (validation, audit and checkpoints
 * on), over synthetic censuses from `planalign census generate --seed 42`, each into a fresh database.
 * A design case runs the config with its design laid over it (writeDesignConfig).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { prepareScenarios, writeScenarioConfig } from '../batch/prepare.js';
import { packageRoot } from '../paths.js';
import { ENGINE_VERSION } from '../version.js';
import { type CaseSpec, type CensusFormat, yearsArgument, START_YEAR } from './cases.js';
import { deriveMetrics } from './derive.js';
import { DESIGNS, type DesignName } from './designs.js';
import type { InProcessRaw } from './inprocess.js';
import { canSampleTree, cleanEnvironment, machineBusySeconds, measureChild, parseProgress, runningChildren, type ChildOptions } from './measure.js';
import { startWorker, stopWorker, workerReady } from './queue-workers.js';
import { startRedis } from './redis-server.js';
import { median, round, spread } from './stats.js';
import { RESULTS_SCHEMA, type BenchResults, type CaseResult, type InProcessResult, type MachineFacts, type Sample } from './types.js';

export interface HarnessOptions {
  profile: string;
  cases: CaseSpec[];
  derived: string[];
  /** What each derived metric is computed from (selectCases). */
  derivedInputs: Record<string, string[]>;
  /** Base config of every run (default: the package's config/simulation_config.yaml). */
  config: string;
  log: (line: string) => void;
  /** Keep the temporary folder (censuses, databases) for inspection. */
  keepWork?: boolean;
  /**
   * On a shared machine: before each run, wait up to this many seconds for other work to use less
   * than 0.3 CPU; and measure a simulate run again (twice at most) when other processes used more
   * than a quarter of a CPU during it. 0 (the default) = measure whatever the machine is doing.
   */
  idleWaitSeconds?: number;
}

/** Other work below this many CPUs (averaged over 2 s) counts as idle. */
const IDLE_CPUS = 0.3;
/** A simulate run during which other processes used more than this share of one CPU is contended. */
const CONTENDED_SHARE = 0.25;
const MAX_RETRIES = 2;

const CLI = join(packageRoot, 'dist', 'cli', 'main.js');
const INPROCESS = join(packageRoot, 'dist', 'bench', 'inprocess.js');
const CENSUS_SEED = 42;
/** Growth rates of the batch scenario files, in order: 0, 2, 4, 6 %, then 8, 10, ... */
const batchGrowth = (i: number): number => 0.02 * i;

export async function machineFacts(): Promise<MachineFacts> {
  let duckdb = 'unknown';
  let duckdbNodeApi = 'unknown';
  try {
    const api = await import('@duckdb/node-api');
    duckdb = api.version();
  } catch {
    // Reported as unknown.
  }
  try {
    const pkg = join(packageRoot, 'node_modules', '@duckdb', 'node-api', 'package.json');
    duckdbNodeApi = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    // Reported as unknown.
  }
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    kernel: release(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    duckdb,
    duckdbNodeApi,
    engineVersion: ENGINE_VERSION,
    loadAverageStart: loadavg().map((x) => round(x, 2)),
    loadAverageEnd: [],
  };
}

/** A hash of the compiled engine (dist/ without the harness): names and contents of every file. */
export function distFingerprint(dist = join(packageRoot, 'dist')): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(dist, 'bench')) walk(path);
      } else if (entry.isFile()) {
        hash.update(relative(dist, path)).update('\0').update(readFileSync(path)).update('\0');
      }
    }
  };
  walk(dist);
  return hash.digest('hex');
}

export async function runBenchmark(options: HarnessOptions): Promise<BenchResults> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm run bench does)`);
  const started = process.hrtime.bigint();
  const machine = await machineFacts();
  // The build each run measured: hashed just before every run (another process may rebuild dist/).
  const builds: string[] = [];
  const noteBuild = (): void => {
    const hash = distFingerprint();
    if (builds.at(-1) !== hash) builds.push(hash);
  };
  const work = mkdtempSync(join(tmpdir(), 'planalign-bench-'));
  const env = cleanEnvironment();
  const censuses = new Map<string, string>();
  const cli = (args: string[], extra: Partial<ChildOptions> = {}) =>
    measureChild(process.execPath, [CLI, ...args], { cwd: packageRoot, env, ...extra });
  const idleWait = options.idleWaitSeconds ?? 0;
  let discarded = 0;
  const waitForIdle = async (): Promise<void> => {
    if (idleWait <= 0) return;
    const deadline = Date.now() + idleWait * 1000;
    let waiting = false;
    for (;;) {
      const before = machineBusySeconds();
      await new Promise((done) => setTimeout(done, 2000));
      const after = machineBusySeconds();
      if (before === undefined || after === undefined) return;
      const others = (after - before) / 2;
      if (others < IDLE_CPUS) return;
      if (Date.now() > deadline) {
        options.log(`  the machine is still busy (${others.toFixed(2)} CPUs in use) after ${idleWait} s: measuring anyway`);
        return;
      }
      if (!waiting) options.log(`  waiting for the machine to go idle (${others.toFixed(2)} CPUs in use by other work)...`);
      waiting = true;
    }
  };
  /** A measured run of the CLI, with the machine's load and CPU around it. */
  // `afterRun` cleans up after every attempt (a discarded one too), before a retry reuses the paths.
  const measured = async (args: string[], extra: Partial<ChildOptions>, attributeCpu: boolean, afterRun?: () => void) => {
    for (let attempt = 0; ; attempt += 1) {
      await waitForIdle();
      noteBuild();
      const load1 = loadavg()[0] ?? 0;
      const busyBefore = machineBusySeconds();
      let m: Awaited<ReturnType<typeof cli>>;
      try {
        m = await cli(args, extra);
      } finally {
        afterRun?.();
      }
      const busyAfter = machineBusySeconds();
      const sample: Sample = { wallSeconds: round(m.wallSeconds, 4), peakRssMiB: round(m.treePeakRssMiB ?? m.peakRssMiB ?? 0, 1) };
      if (m.cpuSeconds !== undefined) sample.cpuSeconds = round(m.cpuSeconds, 3);
      sample.load1 = round(load1, 2);
      if (busyBefore !== undefined && busyAfter !== undefined) {
        sample.machineCpuSeconds = round(busyAfter - busyBefore, 2);
        if (attributeCpu && m.cpuSeconds !== undefined) sample.otherCpuSeconds = round(Math.max(0, busyAfter - busyBefore - m.cpuSeconds), 2);
      }
      if (m.treePeakRssMiB !== undefined) sample.parentPeakRssMiB = round(m.peakRssMiB ?? 0, 1);
      const contended =
        idleWait > 0 && m.wallSeconds >= 1 && sample.otherCpuSeconds !== undefined && sample.otherCpuSeconds / m.wallSeconds > CONTENDED_SHARE;
      if (contended && attempt < MAX_RETRIES) {
        discarded += 1;
        options.log(`  discarded (${m.wallSeconds.toFixed(2)} s): other work used ${sample.otherCpuSeconds} CPU s during it; measuring again`);
        continue;
      }
      return { m, sample };
    }
  };

  // The same seed gives the same employees as Parquet and as CSV.
  const census = async (employees: number, format: CensusFormat = 'parquet'): Promise<string> => {
    const file = `census_${employees}.${format}`;
    let path = censuses.get(file);
    if (path === undefined) {
      path = join(work, file);
      const m = await cli(['census', 'generate', '--employees', String(employees), '--seed', String(CENSUS_SEED), '--out', path]);
      options.log(`  census of ${employees} employees (${format}) generated in ${m.wallSeconds.toFixed(1)} s`);
      censuses.set(file, path);
    }
    return path;
  };
  // Interrupted (Ctrl-C, kill): end the run in progress and remove the temporary folder.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const child of runningChildren) child.kill('SIGTERM');
    if (!options.keepWork) rmSync(work, { recursive: true, force: true });
    process.stderr.write(`\nBenchmark interrupted (${signal}); nothing written.\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const designConfigs = new Map<DesignName, string>();
  const configOf = (design: DesignName | undefined): string => {
    if (design === undefined) return options.config;
    let path = designConfigs.get(design);
    if (path === undefined) {
      path = writeDesignConfig(join(work, 'designs'), design, options.config, env);
      designConfigs.set(design, path);
    }
    return path;
  };
  const report = join(work, 'resources.json');
  const cases: Record<string, CaseResult> = {};
  const inProcess: Record<string, InProcessResult> = {};

  try {
    for (const [index, spec] of options.cases.entries()) {
      const label = `[${index + 1}/${options.cases.length}] ${spec.name}`;
      discarded = 0;
      if (spec.kind === 'help') {
        await cli(['--help'], { resourceReport: report }); // warm-up: file cache, not counted
        const samples: Sample[] = [];
        for (let i = 0; i < spec.repeats; i += 1) {
          samples.push((await measured(['--help'], { resourceReport: report }, true)).sample);
        }
        const result = caseResult(spec.name, 'help', {}, samples, 'process');
        result.medianMs = round(result.medianWallSeconds * 1000, 1);
        cases[spec.name] = result;
        options.log(`${label}: median ${result.medianMs} ms over ${spec.repeats} runs`);
      } else if (spec.kind === 'simulate') {
        const file = await census(spec.employees, spec.census);
        const config = configOf(spec.design);
        const samples: Sample[] = [];
        for (let i = 0; i < spec.repeats; i += 1) {
          const database = join(work, `${spec.name}_${i}.duckdb`);
          const { m, sample } = await measured(
            ['simulate', yearsArgument(spec.years), '--config', config, '--census', file, '--database', database, '--json'],
            { resourceReport: report },
            true,
            () => removeDatabase(database),
          );
          const progress = parseProgress(m.stdout);
          if (!progress.summary || progress.yearSeconds.length !== spec.years) {
            throw new Error(`${spec.name}: expected ${spec.years} year_completed events and a summary in the --json output`);
          }
          sample.stages = Object.fromEntries(Object.entries(progress.stages).map(([k, v]) => [k, round(v)]));
          sample.yearSeconds = progress.yearSeconds.map((s) => round(s));
          if (m.startupSeconds !== undefined) sample.startupSeconds = round(m.startupSeconds, 4);
          samples.push(sample);
          const startup = m.startupSeconds === undefined ? '' : `, first year at ${(m.startupSeconds * 1000).toFixed(0)} ms`;
          options.log(`${label} run ${i + 1}/${spec.repeats}: ${m.wallSeconds.toFixed(2)} s, ${(m.peakRssMiB ?? 0).toFixed(0)} MiB${startup}`);
        }
        const result = caseResult(
          spec.name,
          'simulate',
          { employees: spec.employees, years: spec.years, startYear: START_YEAR, census: spec.census, ...(spec.design === undefined ? {} : { design: spec.design }) },
          samples,
          'process',
        );
        result.microsPerEmployeeYear = round((result.medianWallSeconds / (spec.employees * spec.years)) * 1e6, 2);
        const stageNames = [...new Set(samples.flatMap((s) => Object.keys(s.stages ?? {})))];
        result.stages = Object.fromEntries(stageNames.map((stage) => [stage, spread(samples.map((s) => s.stages?.[stage] ?? 0))]));
        if (discarded > 0) result.discardedSamples = discarded;
        cases[spec.name] = result;
      } else if (spec.kind === 'batch') {
        const file = await census(spec.employees);
        const scenariosDir = join(work, `scenarios_${spec.scenarios}_${spec.years}`);
        writeScenarios(scenariosDir, spec.scenarios, spec.years);
        const tree = canSampleTree();
        const samples: Sample[] = [];
        for (let i = 0; i < spec.repeats; i += 1) {
          const outputDir = join(work, `${spec.name}_${i}`);
          const { m, sample } = await measured(
            ['batch', '--scenarios-dir', scenariosDir, '--config', options.config, '--census', file, '--output-dir', outputDir, '--parallel', String(spec.parallel)],
            { resourceReport: report, ...(tree ? { sampleTreeEveryMs: 100 } : {}) },
            false, // the scenario runs' CPU is not in the parent's report
            () => rmSync(outputDir, { recursive: true, force: true }),
          );
          samples.push(sample);
          options.log(`${label} run ${i + 1}/${spec.repeats}: ${m.wallSeconds.toFixed(2)} s, ${sample.peakRssMiB.toFixed(0)} MiB (process tree)`);
        }
        cases[spec.name] = caseResult(
          spec.name,
          'batch',
          { scenarios: spec.scenarios, parallel: spec.parallel, employees: spec.employees, years: spec.years, startYear: START_YEAR },
          samples,
          tree ? 'tree-sampled' : 'process',
        );
      } else if (spec.kind === 'ensemble') {
        const file = await census(spec.employees);
        const tree = canSampleTree();
        const samples: Sample[] = [];
        const jobSeconds: number[] = [];
        const slots = spec.queueWorkers ?? cpus().length;
        for (let i = 0; i < spec.repeats; i += 1) {
          const outputDir = join(work, `${spec.name}_${i}`);
          const args = ['ensemble', yearsArgument(spec.years), '--config', options.config, '--census', file, '--seeds', String(spec.seeds), '--output-dir', outputDir];
          // Warm workers, started before the measurement as they would be on their machines.
          const queue = spec.queueWorkers === undefined ? undefined : await startQueue(spec.queueWorkers, outputDir);
          args.push(...(queue === undefined ? ['--parallel', String(slots)] : ['--queue', queue.url]));
          try {
            const { m, sample } = await measured(
              args,
              { resourceReport: report, ...(tree && queue === undefined ? { sampleTreeEveryMs: 100 } : {}) },
              false,
              () => {
                jobSeconds.push(...ensembleJobSeconds(outputDir));
                rmSync(outputDir, { recursive: true, force: true });
              },
            );
            samples.push(sample);
            options.log(`${label} run ${i + 1}/${spec.repeats}: ${m.wallSeconds.toFixed(2)} s, ${(spec.seeds / m.wallSeconds).toFixed(2)} runs/s`);
          } finally {
            await queue?.stop();
          }
        }
        const meanJobSeconds = round(jobSeconds.reduce((a, b) => a + b, 0) / Math.max(1, jobSeconds.length), 3);
        const result = caseResult(
          spec.name,
          'ensemble',
          {
            seeds: spec.seeds,
            employees: spec.employees,
            years: spec.years,
            startYear: START_YEAR,
            backend: backendName(spec.queueWorkers),
            workers: slots,
            meanJobSeconds,
          },
          samples,
          // Through the queue the jobs run in the workers, outside the measured process tree.
          tree && spec.queueWorkers === undefined ? 'tree-sampled' : 'process',
        );
        result.runsPerSecond = round(spec.seeds / result.medianWallSeconds, 3);
        cases[spec.name] = result;
      } else {
        const file = await census(spec.employees);
        const out = join(work, `${spec.name}.json`);
        const database = join(work, `${spec.name}.duckdb`);
        await waitForIdle();
        noteBuild();
        const m = await measureChild(
          process.execPath,
          [
            INPROCESS,
            '--config', options.config,
            '--census', file,
            '--database', database,
            '--start', String(START_YEAR),
            '--end', String(START_YEAR + spec.years - 1),
            '--out', out,
          ],
          { cwd: packageRoot, env },
        );
        removeDatabase(database);
        const raw = JSON.parse(readFileSync(out, 'utf8')) as InProcessRaw;
        inProcess[spec.name] = {
          name: spec.name,
          note:
            'IN-PROCESS, SINGLE SAMPLE: one run built with OrchestratorBuilder in a Node process of its own (not the CLI), ' +
            'ModelRunner.runModel and CheckpointManager.write wrapped by the harness to time them. Not comparable to the CLI cases; never compared with the baseline.',
          employees: spec.employees,
          years: spec.years,
          ...raw,
        };
        options.log(`${label}: ${m.wallSeconds.toFixed(2)} s (one in-process run, ${raw.models.length} models timed)`);
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (options.keepWork) options.log(`work folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }

  machine.loadAverageEnd = loadavg().map((x) => round(x, 2));
  noteBuild();
  if (builds.length > 1) options.log('Warning: dist/ changed during the benchmark (a rebuild): the runs did not all measure the same build');
  return {
    schema: RESULTS_SCHEMA,
    profile: options.profile,
    measuredAt: new Date().toISOString(),
    durationSeconds: round(Number(process.hrtime.bigint() - started) / 1e9, 1),
    machine,
    build: { distSha256: builds[0] ?? '', changedDuringRun: builds.length > 1, ...(builds.length > 1 ? { seen: builds } : {}) },
    cases,
    derived: deriveMetrics(options.derived, options.derivedInputs, cases, inProcess),
    inProcess,
  };
}

export function caseResult(
  name: string,
  kind: CaseResult['kind'],
  params: CaseResult['params'],
  samples: Sample[],
  rssMethod: CaseResult['rssMethod'],
): CaseResult {
  const wall = samples.map((s) => s.wallSeconds);
  const rss = samples.map((s) => s.peakRssMiB);
  return {
    name,
    kind,
    params,
    repeats: samples.length,
    medianWallSeconds: round(median(wall), 4),
    minWallSeconds: round(Math.min(...wall), 4),
    maxWallSeconds: round(Math.max(...wall), 4),
    medianPeakRssMiB: round(median(rss), 1),
    minPeakRssMiB: round(Math.min(...rss), 1),
    maxPeakRssMiB: round(Math.max(...rss), 1),
    rssMethod,
    samples,
  };
}

/**
 * The bench's config with the design laid over it, merged, validated and written as `planalign batch`
 * writes a scenario's config (a relative setup path resolved, the written file checked to reload to
 * the same config): `<dir>/<design>.yaml` (the overlay) and `<dir>/<design>.config.yaml` (the run's).
 */
export function writeDesignConfig(dir: string, design: DesignName, baseConfig: string, env: Record<string, string | undefined>): string {
  mkdirSync(dir, { recursive: true });
  const overlay = join(dir, `${design}.yaml`);
  writeFileSync(overlay, stringify(DESIGNS[design].overlay));
  const [prepared] = prepareScenarios({ baseConfig, scenarios: [{ name: design, path: overlay }], env });
  const path = join(dir, `${design}.config.yaml`);
  writeScenarioConfig(path, prepared as NonNullable<typeof prepared>, baseConfig);
  return path;
}

/** One scenario file per growth rate: growth_00.yaml (0 %), growth_02.yaml (2 %), ... */
function writeScenarios(dir: string, count: number, years: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const pct = Math.round(batchGrowth(i) * 100);
    writeFileSync(
      join(dir, `growth_${String(pct).padStart(2, '0')}.yaml`),
      `simulation:\n  start_year: ${START_YEAR}\n  end_year: ${START_YEAR + years - 1}\n  target_growth_rate: ${batchGrowth(i).toFixed(2)}\n`,
    );
  }
}

function removeDatabase(database: string): void {
  for (const suffix of ['', '.wal', '.log', '.status.json', '.status.json.tmp']) rmSync(database + suffix, { force: true });
}

const backendName = (workers: number | undefined): string => (workers === undefined ? 'local' : `queue, ${workers} workers`);

/** The seconds of every job of an ensemble's output folder (their result files). */
function ensembleJobSeconds(outputDir: string): number[] {
  const jobs = join(outputDir, 'jobs');
  if (!existsSync(jobs)) return [];
  return readdirSync(jobs).flatMap((id) => {
    const file = join(jobs, id, 'result.json');
    return existsSync(file) ? [(JSON.parse(readFileSync(file, 'utf8')) as { seconds: number }).seconds] : [];
  });
}

/**
 * A Redis of its own and `workers` warm `planalign worker`s on it (one job at a time, the cores divided
 * among them), each ready (connected) before this resolves; `stop` ends them all.
 */
async function startQueue(workers: number, outputDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const redis = await startRedis();
  const threads = Math.max(1, Math.floor(cpus().length / workers));
  const children = Array.from({ length: workers }, () => startWorker(CLI, redis.url, outputDir, { threads, env: cleanEnvironment() }));
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopWorker));
    await redis.stop();
  };
  try {
    await Promise.all(children.map(workerReady));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: redis.url, stop };
}
