import { relative } from 'node:path';
import { finalYearRows, runBatch, type BatchEvent, type BatchResult } from '../../batch/index.js';
import { UsageError } from '../../errors.js';
import { parseInteger } from '../options.js';

export interface BatchCommandOptions {
  scenariosDir: string;
  config?: string;
  census?: string;
  outputDir?: string;
  /** Comma-separated names, or several (a repeated option). */
  scenarios?: string | string[];
  parallel?: string;
  threads?: string;
  memoryLimit?: string;
  seed?: string;
}

/** `planalign batch`: progress lines on stderr, the results table on stdout; returns the exit code. */
export async function batchCommand(options: BatchCommandOptions): Promise<number> {
  const names =
    options.scenarios === undefined
      ? undefined
      : (Array.isArray(options.scenarios) ? options.scenarios : [options.scenarios]).flatMap((s) => s.split(','));
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
      scenariosDir: options.scenariosDir,
      config: options.config,
      census: options.census,
      outputDir: options.outputDir,
      scenarios: names,
      parallel: integerOption(options.parallel, '--parallel'),
      threads: integerOption(options.threads, '--threads'),
      memoryLimit: options.memoryLimit,
      seed: integerOption(options.seed, '--seed'),
      signal: controller.signal,
      onEvent: (event) => process.stderr.write(progressLine(event)),
    });
    for (const warning of result.warnings) process.stderr.write(`Warning: ${warning}\n`);
    process.stdout.write(formatBatch(result));
    return result.exitCode;
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
      return `Batch ${event.batchDir}: ${event.scenarios.length} scenario(s), at most ${event.parallel} at once, each with ${event.threads} DuckDB thread(s) and ${event.memoryLimit} of memory\n`;
    case 'start':
      return `[${event.index + 1}/${event.total}] started   ${event.scenario}${event.pid === undefined ? '' : ` (pid ${event.pid})`}\n`;
    case 'finish': {
      const r = event.result;
      const head = `[${event.index + 1}/${event.total}] ${r.status === 'completed' ? 'completed' : 'FAILED   '} ${r.name} in ${(r.seconds ?? 0).toFixed(1)}s`;
      return r.status === 'completed' ? `${head}\n` : `${head}: ${firstLine(r.error)}\n`;
    }
  }
}

const firstLine = (text: string | undefined): string => (text ?? '').split('\n')[0] ?? '';
const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The results table and where everything was written. */
export function formatBatch(result: BatchResult): string {
  const finals = new Map(finalYearRows(result.comparison).map((r) => [r.scenario, r]));
  const rows = result.scenarios.map((s) => {
    const f = finals.get(s.name);
    const error = firstLine(s.error);
    return [
      s.name,
      s.status,
      s.exitCode === null ? '-' : String(s.exitCode),
      s.seconds === null ? '-' : s.seconds.toFixed(1),
      `${s.startYear}-${s.endYear}`,
      f === undefined ? '-' : String(f.activeHeadcount),
      f === undefined ? '-' : f.growthPct.toFixed(2),
      f === undefined ? '-' : (f.participationRate * 100).toFixed(1),
      f === undefined ? '-' : money.format(f.employerCost),
      error.length > 70 ? `${error.slice(0, 67)}...` : error,
    ];
  });
  const header = ['Scenario', 'Status', 'Exit', 'Seconds', 'Years', 'Active', 'Growth %', 'Particip. %', 'Employer cost', 'Error'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const left = new Set([0, 1, 4, 9]);
  const line = (cells: string[]) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const completed = result.scenarios.filter((s) => s.status === 'completed').length;
  const failed = result.scenarios.length - completed;
  const show = (path: string) => {
    const rel = relative(process.cwd(), path);
    return rel === '' || rel.startsWith('..') ? path : rel;
  };
  const lines = [
    '',
    'Scenarios (figures of their final year):',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `${completed} completed, ${failed} failed${result.interrupted ? ' (interrupted)' : ''} in ${result.seconds.toFixed(1)}s`,
    `  summary     ${show(result.summaryPath)}`,
  ];
  if (result.workbookPath !== undefined) lines.push(`  comparison  ${show(result.workbookPath)}`);
  return `${lines.join('\n')}\n`;
}
