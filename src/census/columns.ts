/**
 * The census columns PlanAlign understands (reference spec §1.1). Every name here is a constant that is
 * safe to write into SQL as a quoted identifier; names read from a file never are.
 */

/** How a raw text value is parsed and checked. */
export type CensusColumnKind = 'id' | 'text' | 'date' | 'money' | 'rate' | 'bool';

export interface CensusColumn {
  readonly name: string;
  readonly kind: CensusColumnKind;
  readonly required: boolean;
}

export const CENSUS_COLUMNS: readonly CensusColumn[] = [
  { name: 'employee_id', kind: 'id', required: true },
  { name: 'employee_ssn', kind: 'text', required: false },
  { name: 'employee_birth_date', kind: 'date', required: true },
  { name: 'employee_hire_date', kind: 'date', required: true },
  { name: 'employee_termination_date', kind: 'date', required: false },
  { name: 'employee_gross_compensation', kind: 'money', required: true },
  { name: 'employee_deferral_rate', kind: 'rate', required: false },
  { name: 'employee_capped_compensation', kind: 'money', required: false },
  { name: 'employee_contribution', kind: 'money', required: false },
  { name: 'pre_tax_contribution', kind: 'money', required: false },
  { name: 'roth_contribution', kind: 'money', required: false },
  { name: 'after_tax_contribution', kind: 'money', required: false },
  { name: 'employer_core_contribution', kind: 'money', required: false },
  { name: 'employer_match_contribution', kind: 'money', required: false },
  { name: 'eligibility_entry_date', kind: 'date', required: false },
  { name: 'active', kind: 'bool', required: false },
];

export const REQUIRED_CENSUS_COLUMNS: readonly string[] = CENSUS_COLUMNS.filter((c) => c.required).map(
  (c) => c.name,
);

/** Deferral rates above this are capped (reference macro default `plan_deferral_cap`). */
export const DEFERRAL_RATE_CAP = 0.75;

/**
 * The reference `normalize_deferral_rate`: a value above 1 is a percentage (7.5 → 0.075), then the
 * result is clamped to [0, 0.75]. Mirrors the SQL used by `loadCensus`.
 */
export function normalizeDeferralRate(rate: number): number {
  const fraction = rate > 1 ? rate / 100 : rate;
  return Math.min(DEFERRAL_RATE_CAP, Math.max(0, fraction));
}
