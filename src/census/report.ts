/**
 * The problem report of `--report-errors FILE`: every problem found in a census, one CSV row each
 * (line, column, value, problem), written whether the census was refused or not (empty but for its
 * header when it was accepted), so an old report never outlives a fixed file.
 */
import { resolve } from 'node:path';
import { CensusError, type ErrorContext } from '../errors.js';
import { writeTextAtomically } from '../reporting/atomic.js';

export interface CensusProblem {
  /** The CSV line (the header is line 1), the Parquet row, or the CSV record when lines are not exact. */
  line: number | null;
  /** The column as the file names it. */
  column: string;
  value: string | null;
  problem: string;
}

/** A census refused for its values: `problems` holds them (all of them when a report was asked for). */
export class CensusProblemsError extends CensusError {
  constructor(
    message: string,
    context: ErrorContext,
    hint: string,
    readonly problems: readonly CensusProblem[],
  ) {
    super(message, context, hint);
  }
}

/** The problems of a refused census: its values' problems, else the one problem that refused it. */
export function problemsOf(error: CensusError): readonly CensusProblem[] {
  if (error instanceof CensusProblemsError) return error.problems;
  return [{ line: error.context.row ?? null, column: error.context.column ?? '', value: null, problem: error.message }];
}

export const PROBLEM_REPORT_HEADER = ['line', 'column', 'value', 'problem'] as const;

/** Writes the report atomically: a reader sees the previous file or the whole new one. */
export async function writeProblemReport(path: string, problems: readonly CensusProblem[]): Promise<void> {
  const lines = [PROBLEM_REPORT_HEADER.join(','), ...problems.map((p) => [p.line === null ? '' : String(p.line), p.column, p.value ?? '', p.problem].map(csvField).join(','))];
  await writeTextAtomically(resolve(path), `${lines.join('\r\n')}\r\n`);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
