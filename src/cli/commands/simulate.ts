import { OrchestratorBuilder } from '../../factory.js';
import { describePlan } from '../../orchestrator/plan.js';
import type { RunResult } from '../../orchestrator/orchestrator.js';
import { ExitCode, UsageError } from '../../errors.js';
import { consoleProgress } from '../progress.js';
import { formatSummaryTable } from '../summary-table.js';
import { parseInteger, parseYears } from '../options.js';

export interface SimulateOptions {
  config: string;
  census?: string;
  database: string;
  seed?: string;
  threads?: string;
  dryRun?: true;
  json?: true;
  allowUnknownKeys?: true;
}

export async function simulate(years: string | undefined, options: SimulateOptions): Promise<number> {
  const builder = new OrchestratorBuilder()
    .withConfigFile(options.config, { allowUnknownKeys: options.allowUnknownKeys === true })
    .withDatabase(options.database);
  if (years !== undefined) {
    const { startYear, endYear } = parseYears(years);
    builder.withYears(startYear, endYear);
  }
  if (options.seed !== undefined) builder.withSeed(parseInteger(options.seed, '--seed'));
  if (options.threads !== undefined) {
    const threads = parseInteger(options.threads, '--threads');
    if (threads < 1) throw new UsageError('--threads must be at least 1');
    builder.withThreads(threads);
  }
  if (options.census !== undefined) builder.withCensus(options.census);

  if (options.dryRun) {
    // The plan needs no database: build it from the validated config alone.
    const { config, censusPath } = builder.resolveConfig();
    const { buildPlan } = await import('../../orchestrator/plan.js');
    const { loadDefaultRules } = await import('../../validation/rules.js');
    const sim = config.config.simulation;
    const plan = buildPlan(
      {
        startYear: sim.start_year,
        endYear: sim.end_year,
        seed: sim.random_seed,
        configHash: config.hash,
        census: censusPath,
        database: options.database,
      },
      loadDefaultRules(),
    );
    process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : `${describePlan(plan).join('\n')}\n`);
    return ExitCode.Success;
  }

  const { config } = builder.resolveConfig();
  for (const warning of config.warnings) process.stderr.write(`Warning: ${warning}\n`);
  if (config.ignored.length > 0 && !options.json) {
    process.stderr.write(`Note: ${config.ignored.length} config key(s) accepted but ignored (see planalign validate)\n`);
  }

  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nInterrupt received: rolling back the year in progress...\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  const orchestrator = await builder.withProgress(consoleProgress(process.stderr, options.json === true)).build();
  try {
    const result = await orchestrator.run({ signal: controller.signal });
    process.stdout.write(options.json ? `${JSON.stringify(jsonResult(result), null, 2)}\n` : formatRun(result, options.database));
    const errors = result.years.flatMap((y) => y.validation).filter((r) => r.severity === 'error' && r.violations > 0);
    return errors.length > 0 ? ExitCode.ValidationFailure : ExitCode.Success;
  } finally {
    process.removeListener('SIGINT', onSigint);
    orchestrator.close();
  }
}

function formatRun(result: RunResult, database: string): string {
  const lines = [
    '',
    formatSummaryTable(result.years.map((y) => y.summary)),
    '',
    `Run ${result.runId} written to ${database}`,
    `  config ${result.configHash.slice(0, 12)}  census ${result.censusHash.slice(0, 12)} (${result.census.activeRows} active of ${result.census.rows} rows)`,
  ];
  const failing = result.years.flatMap((y) =>
    y.validation.filter((r) => r.violations > 0).map((r) => `  ${y.summary.year} ${r.severity} ${r.rule}: ${r.violations} row(s)`),
  );
  lines.push(failing.length > 0 ? `Validation findings:\n${failing.join('\n')}` : '  all validation rules passed');
  return `${lines.join('\n')}\n`;
}

function jsonResult(result: RunResult): unknown {
  return {
    runId: result.runId,
    configHash: result.configHash,
    censusHash: result.censusHash,
    notices: result.notices,
    years: result.years.map((y) => ({
      ...y.summary,
      validation: y.validation.map(({ rule, severity, violations }) => ({ rule, severity, violations })),
    })),
  };
}
