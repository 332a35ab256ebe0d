/**
 * `enrollment.auto_enrollment.opt_out_rates.target`, the 2026 single opt-out target
 * (reference-config-keys-head.md §8.1): when given, the age rates are target × (1.8, 1.1, 0.7, 0.4)
 * and the income multipliers 1.3 / 1.0 / 0.8 / 0.5, and the file's own `by_age` / `by_income`
 * are ignored (reported, then replaced). Absent, `by_age` / `by_income` apply as in 2025.
 */
/** A YAML mapping (kept local: walk.ts depends on ignored.ts, which depends on this file). */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Age factors of the target, young to senior. */
const AGE_FACTORS = { young: 1.8, mid_career: 1.1, mature: 0.7, senior: 0.4 } as const;
/** Income multipliers under a target, low to executive. */
const INCOME_MULTIPLIERS = { low_income: 1.3, moderate: 1.0, high: 0.8, executive: 0.5 } as const;

const RATES = 'enrollment.auto_enrollment.opt_out_rates';

/** Why the tables are ignored when a target is given (ignoredReason). */
export const IGNORED_UNDER_TARGET: Readonly<Record<string, string>> = {
  [`${RATES}.by_age`]: `${RATES}.target is given: the age rates are target × 1.8 / 1.1 / 0.7 / 0.4 (young / mid_career / mature / senior), as in the reference's 2026 versions`,
  [`${RATES}.by_income`]: `${RATES}.target is given: the income multipliers are 1.3 / 1.0 / 0.8 / 0.5 (low_income / moderate / high / executive), as in the reference's 2026 versions`,
};

/** 0.09 × 1.1 → 0.099, not 0.09900000000000001. */
const exact = (value: number): number => Number(value.toFixed(10));

/**
 * Replaces `by_age` / `by_income` of `data` (mutated) by the target's rates when a numeric target is
 * given, pushing the paths of the replaced tables onto `ignored`. A target that is not a number is
 * left for the schema to refuse.
 */
export function applyOptOutTarget(data: Record<string, unknown>, ignored: string[]): void {
  const enrollment = data.enrollment;
  const ae = isPlainObject(enrollment) ? enrollment.auto_enrollment : undefined;
  const rates = isPlainObject(ae) ? ae.opt_out_rates : undefined;
  if (!isPlainObject(rates) || typeof rates.target !== 'number') return;
  const target = rates.target;
  for (const table of ['by_age', 'by_income'] as const) {
    if (rates[table] !== undefined) ignored.push(`${RATES}.${table}`);
  }
  // An age rate is a probability: a target above 1/1.8 makes the young certain to opt out (docs/DECISIONS.md).
  rates.by_age = Object.fromEntries(Object.entries(AGE_FACTORS).map(([band, factor]) => [band, Math.min(1, exact(target * factor))]));
  rates.by_income = { ...INCOME_MULTIPLIERS };
}
