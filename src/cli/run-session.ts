import { openSync, writeSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { ExitCode } from '../errors.js';
import type { RunResult } from '../orchestrator/orchestrator.js';
import { complianceFailures, describeComplianceFailure } from '../reporting/compliance.js';
import { fanOut, type ProgressSink } from '../orchestrator/progress.js';
import { consoleProgress, ndjsonProgress, StatusFile, statusFilePath } from './progress.js';
import { firstYearMark } from './first-year-mark.js';

/**
 * What a command that runs a simulation sets up around it: the run log beside the database, the
 * status file `planalign status` reads, Ctrl-C as a clean interrupt, and the progress sinks.
 */
export interface RunSession {
  logger: Logger;
  signal: AbortSignal;
  progress: ProgressSink;
  /** Records a failure in the status file. */
  fail(error: unknown): void;
  /** Stops listening for Ctrl-C. */
  end(): void;
}

export function startRunSession(database: string, options: { verbose?: boolean; quiet?: boolean; json?: boolean }): RunSession {
  const onDisk = database !== ':memory:';
  const logger = onDisk
    ? pino({ level: options.verbose ? 'debug' : 'info', base: { pid: process.pid } }, lazyAppend(`${database}.log`))
    : pino({ level: options.verbose ? 'debug' : 'silent' }, pino.destination(2));
  // The status file is first written by the run's first event, once the database is ours: the file
  // of another process that holds the database is left alone.
  const status = onDisk ? new StatusFile(statusFilePath(database), database) : undefined;
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nInterrupt received: rolling back the year in progress...\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  return {
    logger,
    signal: controller.signal,
    progress: fanOut(
      consoleProgress(process.stderr, options.json === true || options.quiet === true),
      ...(options.json ? [ndjsonProgress(process.stdout)] : []),
      ...(status ? [status] : []),
      firstYearMark(),
    ),
    fail: (error) => status?.fail(error),
    end: () => process.removeListener('SIGINT', onSigint),
  };
}

/** Appends log lines to a file created with the first line: a run refused up front leaves no log. */
function lazyAppend(path: string): { write(line: string): void } {
  let fd: number | undefined;
  return {
    write(line: string): void {
      fd ??= openSync(path, 'a');
      writeSync(fd, line);
    },
  };
}

/** Exit 3 when an error-severity rule found violations in a completed run. */
export function validationExitCode(result: Pick<RunResult, 'years'>): ExitCode {
  const errors = result.years.flatMap((y) => y.validation).filter((r) => r.severity === 'error' && r.violations > 0);
  return errors.length > 0 ? ExitCode.ValidationFailure : ExitCode.Success;
}

/**
 * The run output's compliance lines: each failing test a warning (an error with --fail-on-compliance),
 * or that every test passed.
 */
export function complianceFindings(result: Pick<RunResult, 'compliance'>, failOnCompliance: boolean): string[] {
  if (result.compliance.length === 0) return [];
  const failures = complianceFailures(result.compliance);
  if (failures.length === 0) return [`  all ${result.compliance.length} compliance test results passed (planalign analyze compliance)`];
  const severity = failOnCompliance ? 'error' : 'warning';
  return [
    `Compliance findings (planalign analyze compliance for the numbers):`,
    ...failures.map((r) => `  ${severity}: ${describeComplianceFailure(r)}`),
  ];
}

/** Exit 3 with --fail-on-compliance when a compliance test failed in a completed run. */
export function complianceExitCode(result: Pick<RunResult, 'compliance'>, failOnCompliance: boolean): ExitCode {
  return failOnCompliance && complianceFailures(result.compliance).length > 0 ? ExitCode.ValidationFailure : ExitCode.Success;
}
