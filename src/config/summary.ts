/** Human-readable lines about a loaded configuration, for `planalign validate`. */
import { ignoredReason } from './ignored.js';
import type { LoadedConfig } from './load.js';
import type { MatchFormula, SimulationConfig } from './schema.js';

/** 0.035 → "3.5%" (at most two decimals, trailing zeros dropped). */
export function formatPercent(rate: number): string {
  return `${Number((rate * 100).toFixed(2))}%`;
}

/** The formula in words, with the most it pays as a share of pay (as the match model computes it). */
function describeFormula(f: MatchFormula): string {
  if (f.type === 'simple') {
    const most = f.match_rate * f.max_match_percentage;
    return `${formatPercent(f.match_rate)} of deferrals up to ${formatPercent(f.max_match_percentage)} of pay; at most ${formatPercent(most)} of pay`;
  }
  const tiers = f.tiers.map(
    (t) => `${formatPercent(t.match_rate)} of ${formatPercent(t.employee_min)}-${formatPercent(t.employee_max)}`,
  );
  const tiersPay = f.tiers.reduce((sum, t) => sum + t.match_rate * (t.employee_max - t.employee_min), 0);
  return `${tiers.join(', ')}; at most ${formatPercent(Math.min(tiersPay, f.max_match_percentage))} of pay`;
}

/**
 * The plan settings in words, as `planalign validate` and the `simulate` run output show them: one
 * description of each, for both.
 */
export function describeTerminations(c: SimulationConfig): string {
  return `experienced ${formatPercent(c.workforce.total_termination_rate)}, new hires ${formatPercent(c.workforce.new_hire_termination_rate)}`;
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

export function describeMatch(c: SimulationConfig): string {
  const match = c.employer_match;
  const formula = match.formulas[match.active_formula];
  return `${match.active_formula}${formula ? ` (${describeFormula(formula)})` : ''}`;
}

export function describeCore(c: SimulationConfig): string {
  const core = c.employer_core_contribution;
  return core.enabled ? `${formatPercent(core.contribution_rate)} of pay` : 'off';
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
    `Employer match:      ${describeMatch(c)}`,
    `Employer core:       ${describeCore(c)}`,
    `Ignored settings:    ${loaded.ignored.length}`,
  ];
  if (loaded.warnings.length > 0) lines.push(`Warnings:            ${loaded.warnings.length}`);
  return lines;
}

/** One line per ignored key with the reason, e.g. "optimization: performance tuning: ...". */
export function describeIgnored(loaded: Pick<LoadedConfig, 'ignored'>): string[] {
  return loaded.ignored.map((path) => `${path}: ${ignoredReason(path)}`);
}
