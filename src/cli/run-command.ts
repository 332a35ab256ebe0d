import { ExitCode, PlanAlignError, exitCodeOf } from '../errors.js';
import { resolutionHint } from '../errors-catalog.js';

/** Runs a command body and turns any error into one clear message and the documented exit code. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? ExitCode.Success;
  } catch (error) {
    process.stderr.write(`${formatError(error)}\n`);
    process.exitCode = exitCodeOf(error);
  }
}

export function formatError(error: unknown): string {
  const lines = [`Error: ${error instanceof Error ? error.message : String(error)}`];
  const hint = resolutionHint(error);
  if (hint) lines.push(`Hint: ${hint}`);
  if (!(error instanceof PlanAlignError) && error instanceof Error && process.env.PLANALIGN_DEBUG) lines.push(error.stack ?? '');
  return lines.join('\n');
}
