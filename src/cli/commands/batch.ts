import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { runBatch, type BatchEvent, type BatchOptions, type BatchResult } from '../../batch/index.js';
import { UsageError } from '../../errors.js';
import { formatMetric, type MetricUnit } from '../../reporting/metrics.js';
import { formatDelta, formatDeltaPct } from '../../reporting/scenario-compare.js';
import { parseCensusIntake, parseDiscountRate, parseInteger, type CensusIntakeFlags } from '../options.js';

export interface BatchCommandOptions extends CensusIntakeFlags {
  /** Required without --workspace. */
  scenariosDir?: string;
  config?: string;
  census?: string;
  outputDir?: string;
  /** Comma-separated names, or several (a repeated option). */
  scenarios?: string | string[];
  parallel?: string;
  threads?: string;
  memoryLimit?: string;
  seed?: string;
  /** The scenario the others are compared with. */
  baseline?: string;
  /** Annual discount rate of the present value of employer cost: 0.03 or 3%. */
  discountRate?: string;
  /** --fail-on-compliance: a scenario whose compliance test fails is a failed scenario. */
  failOnCompliance?: true;
  /** --queue URL: the jobs go to the queue's workers (`planalign worker`). */
  queue?: string;
  /** --workspace DIR: its scenarios (--scenario A,B: some of them) instead of --scenarios-dir. */
  workspace?: string;
  scenario?: string | string[];
  /** The options among --config and --output-dir given on the command line (not their defaults). */
  explicit?: string[];
}

/** Comma-separated names, given once or several times. */
const nameList = (value: string | string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((s) => s.split(','));

/** `planalign batch`: progress lines on stderr, the results table on stdout; returns the exit code. */
export async function batchCommand(options: BatchCommandOptions): Promise<number> {
  if (options.workspace !== undefined) return batchInWorkspace(options, options.workspace);
  if (options.scenario !== undefined) throw new UsageError('--scenario names scenarios of a workspace: give --workspace DIR too (or --scenarios with --scenarios-dir)');
  if (options.scenariosDir === undefined) throw new UsageError('batch needs --scenarios-dir DIR (a folder of scenario files) or --workspace DIR');
  const result = await runAndPrint(options, {
    scenariosDir: options.scenariosDir,
    config: options.config,
    census: options.census,
    outputDir: options.outputDir,
    scenarios: nameList(options.scenarios),
  });
  return result.exitCode;
}

/**
 * `batch --workspace DIR`: the workspace's scenarios (each a whole config: laid over an empty base)
 * with their census and parameter tables resolved in the workspace, run in batches/<id>/, and each
 * completed one recorded as a run of its scenario (the job's database copied to runs/).
 */
async function batchInWorkspace(options: BatchCommandOptions, dir: string): Promise<number> {
  const refused = [
    ...(options.explicit ?? []).map((key) => (key === 'outputDir' ? '--output-dir' : `--${key}`)),
    ...(options.census === undefined ? [] : ['--census']),
    ...(options.scenariosDir === undefined ? [] : ['--scenarios-dir']),
    ...(options.scenarios === undefined ? [] : ['--scenarios (use --scenario A,B)']),
  ];
  if (refused.length > 0) throw new UsageError(`--workspace decides the scenarios, their census and the output folder: drop ${refused.join(', ')}`);
  const { Workspace, newRunId } = await import('../../workspace/workspace.js');
  const ws = Workspace.open(dir, { create: true });
  // Every scenario read (and its paths checked) before anything is written.
  const scenarios = (nameList(options.scenario) ?? ws.scenarioNames()).map((name) => {
    const { config } = ws.scenarioConfig(name);
    const paths = ws.configPaths(config, `scenario ${name}`);
    const doc = parseDocument(readFileSync(ws.existingScenarioFile(name), 'utf8'));
    doc.setIn(['setup', 'census_parquet_path'], paths.census);
    if (paths.parameterTablesDir !== undefined) doc.setIn(['setup', 'parameter_tables_dir'], paths.parameterTablesDir);
    return { name, yaml: doc.toString() };
  });
  const outputDir = join(ws.batchesDir(), newRunId());
  const scenariosDir = join(outputDir, 'scenarios');
  mkdirSync(scenariosDir, { recursive: true });
  for (const { name, yaml } of scenarios) writeFileSync(join(scenariosDir, `${name}.yaml`), yaml);
  const base = join(outputDir, 'base.yaml');
  writeFileSync(base, '# batch --workspace: every scenario is a whole config, laid over nothing.\n{}\n');
  const result = await runAndPrint(options, { scenariosDir, config: base, outputDir });
  for (const scenario of result.scenarios) {
    if (scenario.status !== 'completed' || scenario.database === null) continue;
    const record = ws.newRun(scenario.name, { origin: 'batch', startYear: scenario.startYear, endYear: scenario.endYear, seed: scenario.seed });
    copyFileSync(scenario.database, ws.runFile(record, 'database'));
    ws.finishRun(record, 'completed');
    process.stdout.write(`  run         ${scenario.name} ${record.runId} (${record.database})\n`);
  }
  return result.exitCode;
}

/** Runs the batch with the command line's run options, progress on stderr and the results table on stdout. */
async function runAndPrint(
  options: BatchCommandOptions,
  what: Pick<BatchOptions, 'scenariosDir' | 'config' | 'census' | 'outputDir' | 'scenarios'>,
): Promise<BatchResult> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${signal} received: starting no more scenarios; running ones roll back their year in progress...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runBatch({
      ...what,
      parallel: integerOption(options.parallel, '--parallel'),
      threads: integerOption(options.threads, '--threads'),
      memoryLimit: options.memoryLimit,
      seed: integerOption(options.seed, '--seed'),
      censusIntake: parseCensusIntake(options),
      baseline: options.baseline,
      discountRate: options.discountRate === undefined ? undefined : parseDiscountRate(options.discountRate),
      failOnCompliance: options.failOnCompliance === true,
      queue: options.queue,
      signal: controller.signal,
      onEvent: (event) => process.stderr.write(progressLine(event)),
    });
    for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
    process.stdout.write(formatBatch(result));
    return result;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function integerOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const value = parseInteger(text, option);
  if (option !== '--seed' && value < 1) throw new UsageError(`${option} must be at least 1, got ${value}`);
  return value;
}

export function progressLine(event: BatchEvent): string {
  switch (event.type) {
    case 'prepared':
      return event.executor === 'queue'
        ? `Batch ${event.batchDir}: ${event.scenarios.length} scenario(s) on the queue\n`
        : `Batch ${event.batchDir}: ${event.scenarios.length} scenario(s), at most ${event.parallel} at once, each with ${event.threads} DuckDB thread(s) and ${event.memoryLimit} of memory\n`;
    case 'start':
      return `[${event.index + 1}/${event.total}] started   ${event.scenario} (worker ${event.worker}${event.attempt > 1 ? `, attempt ${event.attempt}` : ''})\n`;
    case 'retry':
      return `[${event.index + 1}/${event.total}] retrying  ${event.scenario} after attempt ${event.attempt}: ${firstLine(event.error)}\n`;
    case 'finish': {
      const r = event.result;
      const prefix = `[${event.index + 1}/${event.total}]`;
      if (r.status === 'completed') return r.reused ? `${prefix} reused    ${r.name} (done before)\n` : `${prefix} completed ${r.name} in ${(r.seconds ?? 0).toFixed(1)}s\n`;
      return `${prefix} FAILED    ${r.name}: ${firstLine(r.error)}\n`;
    }
  }
}

const firstLine = (text: string | undefined): string => (text ?? '').split('\n')[0] ?? '';

/**
 * The results table: per scenario its run, then (completed ones) the headcount of the last year every
 * scenario has, employer cost and its present value over those years, each with its difference from
 * the baseline; and where everything was written.
 */
export function formatBatch(result: BatchResult): string {
  const c = result.comparison;
  const lastYear = c?.total.years[c.total.years.length - 1];
  const headcount = lastYear === undefined ? undefined : c?.by_year.find((y) => y.year === lastYear)?.metrics.active_headcount;
  const cost = c?.total.metrics.total_employer_plan_cost;
  const share = c?.total.metrics.employer_cost_share_of_payroll;
  const pv = c?.total.metrics.present_value_employer_cost;
  const rows = result.scenarios.map((s) => {
    const compared = c?.scenarios.some((x) => x.name === s.name) === true && lastYear !== undefined;
    const isBase = s.name === c?.baseline;
    const shown = (unit: MetricUnit, v: number | null | undefined): string => (!compared || v === null || v === undefined ? '-' : formatMetric(unit, v));
    const delta = (unit: 'count' | 'usd', f: typeof cost): string =>
      !compared || f === undefined ? '-' : isBase ? 'baseline' : `${formatDelta(unit, f.values[s.name] ?? null, f.values[c.baseline] ?? null)} (${formatDeltaPct(f.delta_pct[s.name] ?? null)})`;
    const error = firstLine(s.error);
    return [
      s.name,
      s.status,
      s.reused ? 'reused' : String(s.attempts),
      s.seconds === null ? '-' : s.seconds.toFixed(1),
      `${s.startYear}-${s.endYear}`,
      shown('count', headcount?.values[s.name]),
      delta('count', headcount),
      shown('usd', cost?.values[s.name]),
      delta('usd', cost),
      shown('fraction', share?.values[s.name]),
      shown('usd', pv?.values[s.name]),
      delta('usd', pv),
      error.length > 70 ? `${error.slice(0, 67)}...` : error,
    ];
  });
  const header = [
    'Scenario', 'Status', 'Attempts', 'Seconds', 'Years',
    `Active ${lastYear ?? ''}`.trim(), 'vs baseline', 'Employer cost', 'vs baseline', '% of pay', 'PV of cost', 'vs baseline', 'Error',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = new Set([0, 1, 4, 12]);
  const line = (cells: string[]) =>
    cells.map((cell, i) => (left.has(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const completed = result.scenarios.filter((s) => s.status === 'completed').length;
  const failed = result.scenarios.length - completed;
  const show = (path: string) => {
    const rel = relative(process.cwd(), path);
    return rel === '' || rel.startsWith('..') ? path : rel;
  };
  const lines = [
    '',
    c === null || lastYear === undefined
      ? 'Scenarios:'
      : `Scenarios (baseline: ${c.baseline}; employer cost over ${c.total.years[0]}-${lastYear} and its present value at ` +
        `${(c.discount_rate * 100).toFixed(2)} % a year to ${c.valuation_date}; every metric in the workbook):`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `${completed} completed, ${failed} failed${result.interrupted ? ' (interrupted)' : ''} in ${result.seconds.toFixed(1)}s`,
    `  summary     ${show(result.summaryPath)}`,
  ];
  if (result.workbookPath !== undefined) lines.push(`  comparison  ${show(result.workbookPath)}`);
  for (const note of c?.notes ?? []) lines.push(`Note: ${note}`);
  return `${lines.join('\n')}\n`;
}
