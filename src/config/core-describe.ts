/** The employer core design in words (reference-plan-design.md §3), for `planalign validate` and the run output. */
import { bandLabel, CORE_SCHEDULES, coreRateRows, integrationLevel, type CoreDesign } from './core.js';
import { formatMetric } from '../reporting/metrics.js';
import { formatPercent } from './summary.js';

const dollars = (amount: number): string => formatMetric('usd', amount);


/**
 * The core design in words, e.g. "3% of pay; plus 5.7% of pay above the Social Security wage base
 * ($176,100 in 2025)". `wageBase`: the Social Security wage base of a year, to state the level in dollars.
 */
export function describeCore(core: CoreDesign, wageBase?: { year: number; amount: number }): string {
  if (!core.enabled) return 'off (enabled: false)';
  if (core.status === 'none') return 'none (status: none): no core contribution';
  const rows = coreRateRows(core);
  const rates =
    core.status === 'flat'
      ? `${formatPercent(core.contribution_rate)} of pay`
      : `by ${CORE_SCHEDULES[core.status].measure}: ${rows.map((r, i) => `${bandLabel(rows, i)}: ${formatPercent(r.contribution_rate)}`).join(', ')} of pay`;
  const { integration: s } = core;
  if (!s.enabled) return rates;
  const inYear = (level: number): string => (wageBase === undefined ? '' : ` (${dollars(level)} in ${wageBase.year})`);
  const level =
    s.level_mode === 'ss_wage_base'
      ? `the Social Security wage base${inYear(wageBase?.amount ?? 0)}`
      : s.level_mode === 'percent_of_ss_wage_base'
        ? `${formatPercent((s.level_value ?? 0) / 100)} of the Social Security wage base${inYear(integrationLevel(s, wageBase?.amount ?? 0))}`
        : dollars(integrationLevel(s, 0));
  return `${rates}; plus ${formatPercent(s.disparity_rate)} of pay above ${level}`;
}
