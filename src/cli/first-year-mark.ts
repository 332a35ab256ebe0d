import { performance } from 'node:perf_hooks';
import type { ProgressSink } from '../orchestrator/progress.js';

/** The performance mark of the first simulated year's start: the resource report gives the benchmark
 *  harness its time, so that it can measure start-up (spawn → first year) of a run through the CLI. */
export const FIRST_YEAR_MARK = 'planalign:first_year_started';

/** Marks the first `year_started` of the process. */
export function firstYearMark(): ProgressSink {
  let marked = false;
  return {
    emit(event): void {
      if (event.kind !== 'year_started' || marked) return;
      performance.mark(FIRST_YEAR_MARK);
      marked = true;
    },
  };
}

/** When the first year started, in epoch milliseconds (sub-millisecond), or undefined before it. */
export function firstYearStartedAtMs(): number | undefined {
  const mark = performance.getEntriesByName(FIRST_YEAR_MARK)[0];
  return mark === undefined ? undefined : performance.timeOrigin + mark.startTime;
}
