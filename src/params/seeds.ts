import { MAX_SIMULATION_YEARS } from '../config/index.js';

/**
 * The last year the year-indexed parameter tables cover: the longest run the config allows, so that
 * a run continued or extended year by year always finds its parameters.
 */
export function lastParameterYear(startYear: number): number {
  return startYear + MAX_SIMULATION_YEARS - 1;
}

export function outsideRangeNotice(
  table: string,
  first: number,
  last: number,
  sim: { start_year: number; end_year: number },
): string | undefined {
  const parts: string[] = [];
  if (sim.end_year > last) parts.push(`years ${Math.max(last + 1, sim.start_year)}–${sim.end_year} use ${last}'s values`);
  if (sim.start_year < first) parts.push(`years ${sim.start_year}–${Math.min(first - 1, sim.end_year)} use ${first}'s values`);
  return parts.length > 0 ? `${table} covers ${first}–${last}; ${parts.join('; ')}` : undefined;
}
