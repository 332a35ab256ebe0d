import { ExitCode, PlanAlignError, exitCodeOf } from '../errors.js';

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
  if (error instanceof PlanAlignError) {
    const lines = [`Error: ${error.message}`];
    if (error.hint) lines.push(`Hint: ${error.hint}`);
    return lines.join('\n');
  }
  if (error instanceof Error) return `Error: ${error.message}${process.env.PLANALIGN_DEBUG ? `\n${error.stack}` : ''}`;
  return `Error: ${String(error)}`;
}
