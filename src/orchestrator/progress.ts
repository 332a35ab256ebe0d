import type { Stage } from '../models/registry.js';
import type { YearSummary } from '../reporting/year-summary.js';
import type { RuleResult } from '../validation/rules.js';

/** What the engine reports while it runs; the CLI renders these, tests collect them. */
export type ProgressEvent =
  | { kind: 'run_started'; runId: string; startYear: number; endYear: number }
  | { kind: 'notice'; message: string }
  | { kind: 'year_started'; year: number }
  | { kind: 'stage_started'; year: number; stage: Stage }
  | { kind: 'stage_completed'; year: number; stage: Stage; seconds: number }
  | { kind: 'validation'; year: number; results: RuleResult[] }
  | { kind: 'year_completed'; year: number; seconds: number; summary: YearSummary }
  | { kind: 'run_completed'; runId: string; seconds: number };

export interface ProgressSink {
  emit(event: ProgressEvent): void;
}

export const silentProgress: ProgressSink = { emit: () => undefined };

/** Sends every event to each sink in turn. */
export function fanOut(...sinks: ProgressSink[]): ProgressSink {
  return { emit: (event) => sinks.forEach((sink) => sink.emit(event)) };
}
