/**
 * The 2026 versions' flat compensation aliases (reference-config-keys-head.md §5), which the Studio
 * writes instead of the decimal keys: `<key>_percent` is value / 100 into `<key>` when `<key>` is
 * absent. When both are given the decimal key wins, as in the reference, and a notice names the
 * percent value that was not applied (the reference masked it silently).
 */
import { pctToFraction } from './units.js';
import { isPlainObject } from './walk.js';

/** promotion_budget_percent is ignored with promotion_budget (src/config/ignored.ts). */
export const PERCENT_ALIASES = ['cola_rate', 'merit_budget', 'promotion_increase', 'promotion_distribution_range'] as const;

/** Moves each `compensation.<key>_percent` of `data` (mutated) onto its decimal key; returns the notices. */
export function applyCompensationPercentAliases(data: Record<string, unknown>): string[] {
  const compensation = data.compensation;
  if (!isPlainObject(compensation)) return [];
  const notices: string[] = [];
  for (const key of PERCENT_ALIASES) {
    const alias = `${key}_percent`;
    const pct = compensation[alias];
    // A value the schema refuses (not a number) is left for it to name.
    if (typeof pct !== 'number') continue;
    delete compensation[alias];
    if (compensation[key] === undefined) compensation[key] = pctToFraction(pct);
    else notices.push(`compensation.${alias}: ${pct} % not applied: compensation.${key} (${String(compensation[key])}) is given and wins`);
  }
  return notices;
}
