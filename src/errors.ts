/**
 * Typed errors shared by every module. Each carries the CLI exit code it maps to, so the CLI prints
 * one message and exits with the code laid down for its kind, without knowing where it came from.
 */

export const ExitCode = {
  Success: 0,
  RunFailure: 1,
  UsageError: 2,
  ValidationFailure: 3,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorContext {
  simulationYear?: number;
  stage?: string;
  model?: string;
  file?: string;
  row?: number;
  column?: string;
  configKey?: string;
}

export class PlanAlignError extends Error {
  readonly exitCode: ExitCode = ExitCode.RunFailure;
  constructor(
    message: string,
    readonly context: ErrorContext = {},
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A problem in the configuration (file, env override or CLI option): exit 2. */
export class ConfigError extends PlanAlignError {
  override readonly exitCode = ExitCode.UsageError;
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    context: ErrorContext = {},
    hint?: string,
  ) {
    super(issues.length > 0 ? `${message}\n${issues.map((i) => `  - ${i}`).join('\n')}` : message, context, hint);
  }
}

/** Bad command-line usage: exit 2. */
export class UsageError extends PlanAlignError {
  override readonly exitCode = ExitCode.UsageError;
}

/** Something named (a scenario, census file, run, employee) does not exist: exit 2 (HTTP 404). */
export class NotFoundError extends UsageError {}

/** The request conflicts with the current state (a name taken, a run still running or already over): exit 2 (HTTP 409). */
export class ConflictError extends UsageError {}

/** The census file was rejected: exit 2. Nothing is written to the database. */
export class CensusError extends PlanAlignError {
  override readonly exitCode = ExitCode.UsageError;
}

/** The database file is held by another process. */
export class DatabaseInUseError extends PlanAlignError {
  override readonly exitCode = ExitCode.RunFailure;
  constructor(
    readonly path: string,
    readonly pid: number | undefined,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(
      `Database ${path} is in use by ${pid === undefined ? 'another process' : `PID ${pid}`}`,
      { file: path },
      options?.hint ?? 'Wait for the other run to finish, close tools that hold the file open, or use another --database.',
      { cause: options?.cause },
    );
  }
}

/** The database exists but cannot be used as asked (not ours, holds years already, newer schema...). */
export class DatabaseStateError extends PlanAlignError {
  override readonly exitCode = ExitCode.UsageError;
}

/** A SQL model failed while building a year. */
export class ModelExecutionError extends PlanAlignError {
  constructor(
    readonly model: string,
    readonly simulationYear: number | undefined,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `Model ${model} failed${simulationYear === undefined ? '' : ` for year ${simulationYear}`}: ${detail}`,
      { model, simulationYear },
      undefined,
      { cause },
    );
  }
}

/** A validation rule could not be evaluated (its SQL or its check() threw): names the rule. */
export class RuleExecutionError extends PlanAlignError {
  constructor(
    readonly rule: string,
    readonly simulationYear: number,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Validation rule ${rule} failed for year ${simulationYear}: ${detail}`, { simulationYear }, undefined, { cause });
  }
}

/** An error-severity validation rule found violations and the run was asked to stop on them: exit 3. */
export class ValidationFailedError extends PlanAlignError {
  override readonly exitCode = ExitCode.ValidationFailure;
  constructor(
    readonly simulationYear: number,
    readonly failures: ReadonlyArray<{ rule: string; violations: number }>,
  ) {
    super(
      `Validation failed in ${simulationYear}: ${failures.map((f) => `${f.rule} (${f.violations} row(s))`).join(', ')}; the year was rolled back`,
      { simulationYear },
      'See planalign_validation_results for sample rows, or run without --fail-on-validation-error to keep going.',
    );
  }
}

/** A registered hook threw: the run stops and names the hook. */
export class HookError extends PlanAlignError {
  constructor(
    readonly hook: string,
    readonly point: string,
    cause: unknown,
    context: ErrorContext = {},
  ) {
    super(`Hook "${hook}" failed at ${point}: ${cause instanceof Error ? cause.message : String(cause)}`, context, undefined, {
      cause,
    });
  }
}

/** A user rules module (--rules) could not be loaded or exports something that is not a rule. */
export class RulesModuleError extends PlanAlignError {
  override readonly exitCode = ExitCode.UsageError;
}

/** The user interrupted the run (SIGINT): exit 130. */
export class InterruptedError extends PlanAlignError {
  override readonly exitCode = ExitCode.Interrupted;
  constructor() {
    super('Interrupted; the year in progress was rolled back');
  }
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof PlanAlignError ? error.exitCode : ExitCode.RunFailure;
}
