import type { SimulationConfig } from '../config/index.js';
import { formatPercent } from '../config/summary.js';
import { bandLabel, matchDesign, type MatchBand } from './match.js';

/**
 * The match design in words, as the match model pays it (src/params/match.ts), e.g.
 * "tenure_graded, by years of service (whole years from hire to Dec 31, or to leaving): 0-4 years:
 * 50% of the first 6%; 5+ years: 100% of the first 3%, 50% of the next 2%". Percentages are of pay.
 */
export function describeMatchDesign(config: SimulationConfig): string {
  const m = config.employer_match;
  const design = matchDesign(config);
  const words =
    design.basis === 'none'
      ? `${m.active_formula} (${m.formulas[m.active_formula]?.type}): ${describeDeferralFormula(config)}`
      : `${design.status}, by ${BASIS_WORDS[design.basis]}: ${design.bands
          .map((band) => `${bandLabel(band, design.basis === 'points' ? 'points' : 'years')}: ${describeTiers(band.tiers)}`)
          .join('; ')}`;
  return design.enabled ? words : `off (employer_match.enabled: false); the design when on: ${words}`;
}

const BASIS_WORDS = {
  service: 'years of service (whole years from hire to Dec 31, or to leaving)',
  points: 'points (age on Dec 31 + years of service)',
} as const;

function describeDeferralFormula(config: SimulationConfig): string {
  const formula = config.employer_match.formulas[config.employer_match.active_formula];
  if (formula === undefined) return 'no such formula';
  const band = matchDesign(config).bands[0] as MatchBand;
  const most = band.tiers.reduce((sum, t) => sum + t.match_rate * (t.employee_max - t.employee_min), 0);
  // The formula's cap: max_match_percentage of pay, times match_rate for a simple formula.
  const cap = formula.type === 'simple' ? formula.match_rate * formula.max_match_percentage : formula.max_match_percentage;
  return `${describeTiers(band.tiers)}; at most ${formatPercent(Math.min(most, cap))} of pay`;
}

/** "100% of the first 3%, 50% of the next 2%": each tier's rate on the deferrals in its slice of pay. */
function describeTiers(tiers: MatchBand['tiers']): string {
  if (tiers.every((t) => t.match_rate === 0)) return 'no match';
  return tiers
    .map((t, i) => {
      const rate = formatPercent(t.match_rate);
      if (t.employee_min === 0) return `${rate} of the first ${formatPercent(t.employee_max)}`;
      if (i > 0 && tiers[i - 1]?.employee_max === t.employee_min) return `${rate} of the next ${formatPercent(t.employee_max - t.employee_min)}`;
      return `${rate} of deferrals from ${formatPercent(t.employee_min)} to ${formatPercent(t.employee_max)}`;
    })
    .join(', ');
}
