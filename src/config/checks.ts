/**
 * Warnings about settings that are valid one by one but contradict each other, or that the others
 * leave without effect: the config loads and runs, and the warning says which setting wins.
 */
import type { SimulationConfig } from './schema.js';

/** Every contradiction found in a resolved config, one warning each. */
export function contradictionWarnings(config: SimulationConfig): string[] {
  const warnings: string[] = [];
  const blocks = [
    // The match's eligibility block applies only with apply_eligibility.
    ['employer_match.eligibility', config.employer_match.apply_eligibility ? config.employer_match.eligibility : undefined],
    ['employer_core_contribution.eligibility', config.employer_core_contribution.eligibility],
  ] as const;
  for (const [path, eligibility] of blocks) {
    if (!eligibility?.require_active_at_year_end) continue;
    for (const flag of ['allow_terminated_new_hires', 'allow_experienced_terminations'] as const) {
      if (eligibility[flag]) {
        warnings.push(
          `${path}: require_active_at_year_end is true, so ${flag}: true has no effect (every leaver is excluded); ` +
            'set require_active_at_year_end: false to let the allow_* flags decide',
        );
      }
    }
  }
  // Nobody enrolls in a year before its Jan 1, and a delay of a year or more holds the year's enrollees back.
  const { enabled, require_active_enrollment, first_escalation_delay_years: delay, effective_day: day } = config.deferral_auto_escalation;
  if (enabled && !require_active_enrollment && (delay > 0 || day === '01-01')) {
    warnings.push(
      "deferral_auto_escalation.require_active_enrollment: false adds the year's own enrollees to the escalation, which needs " +
        `first_escalation_delay_years: 0 and an effective_day after they enroll (here ${delay} and ${day}): it changes nothing`,
    );
  }
  // A match mode reads one list of bands; the others are left without effect.
  const match = config.employer_match;
  const used: Record<string, string> = { graded_by_service: 'graded_schedule', tenure_graded: 'tenure_graded_bands', points_based: 'points_match_tiers' };
  for (const key of ['graded_schedule', 'tenure_graded_bands', 'points_match_tiers', 'tenure_match_tiers'] as const) {
    if (match[key] !== undefined && used[match.employer_match_status] !== key) {
      warnings.push(`employer_match.${key}: has no effect: employer_match_status is '${match.employer_match_status}'`);
    }
  }
  return warnings;
}
