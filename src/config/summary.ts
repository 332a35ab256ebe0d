/** Human-readable lines about a loaded configuration, for `planalign validate`. */
import { ignoredReason } from './ignored.js';
import type { LoadedConfig } from './load.js';
import type { SimulationConfig } from './schema.js';

/** 0.035 → "3.5%" (at most two decimals, trailing zeros dropped). */
export function formatPercent(rate: number): string {
  return `${Number((rate * 100).toFixed(2))}%`;
}

/**
 * The plan settings in words, as `planalign validate` and the `simulate` run output show them: one
 * description of each, for both (the plan designs: designs.ts).
 */
/** How simulation.count_uncertainty draws the year's counts; empty for the exact counts. */
const DRAWN_COUNTS: Readonly<Record<string, string>> = {
  terminations: ', totals drawn around the rates',
  terminations_and_hires: ', totals and the growth target drawn',
};

export function describeTerminations(c: SimulationConfig): string {
  const drawn = DRAWN_COUNTS[c.simulation.count_uncertainty ?? 'none'] ?? '';
  return `experienced ${formatPercent(c.workforce.total_termination_rate)}, new hires ${formatPercent(c.workforce.new_hire_termination_rate)}${drawn}`;
}

export function describeRaises(c: SimulationConfig): string {
  return `merit budget ${formatPercent(c.compensation.merit_budget)}, COLA ${formatPercent(c.compensation.cola_rate)}`;
}

export function describeAutoEnrollment(c: SimulationConfig): string {
  const ae = c.enrollment.auto_enrollment;
  return ae.enabled
    ? `on, default deferral ${formatPercent(ae.default_deferral_rate)}${ae.hire_date_cutoff ? `, hired on or after ${ae.hire_date_cutoff}` : ''}`
    : 'off';
}

export function summarizeConfig(loaded: LoadedConfig): string[] {
  const c = loaded.config;
  const { start_year, end_year } = c.simulation;
  const years = end_year - start_year + 1;

  const lines = [
    `Config file:         ${loaded.path}`,
    `Config hash:         ${loaded.hash.slice(0, 12)}`,
    `Years:               ${start_year}-${end_year} (${years} year${years === 1 ? '' : 's'})`,
    `Random seed:         ${c.simulation.random_seed}`,
    `Target growth:       ${formatPercent(c.simulation.target_growth_rate)} per year`,
    `Termination rates:   ${describeTerminations(c)}`,
    `Scenario / plan:     ${c.scenario_id ?? 'default'} / ${c.plan_design_id ?? 'default'}`,
    `Auto-enrollment:     ${describeAutoEnrollment(c)}`,
    `Ignored settings:    ${loaded.ignored.length}`,
  ];
  if (loaded.warnings.length > 0) lines.push(`Warnings:            ${loaded.warnings.length}`);
  return lines;
}

/** One line per ignored key with the reason, e.g. "optimization: performance tuning: ...". */
export function describeIgnored(loaded: Pick<LoadedConfig, 'ignored'>): string[] {
  return loaded.ignored.map((path) => `${path}: ${ignoredReason(path)}`);
}
