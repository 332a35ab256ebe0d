/**
 * The census columns PlanAlign understands (reference spec §1.1). Every name here is a constant that is
 * safe to write into SQL as a quoted identifier; names read from a file never are.
 */

/** How a raw text value is parsed and checked. */
/** `balance`: an amount that must not be negative; `share`: a fraction of 0 to 1. */
export type CensusColumnKind = 'id' | 'text' | 'date' | 'money' | 'balance' | 'rate' | 'share' | 'bool' | 'hours';

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
  // false: plan-ineligible (no enrollment, no employer money); empty or true: the plan's rules decide.
  { name: 'eligibility_override', kind: 'bool', required: false },
  // Hours a week (0-168); empty: full time, 40. Employer-money hours (int_employer_eligibility.sql).
  { name: 'scheduled_hours_per_week', kind: 'hours', required: false },
  // true: never auto-escalated (the escalation model); empty or false: escalated as the plan says.
  { name: 'auto_escalation_opt_out', kind: 'bool', required: false },
  // Account balances at the census date, the opening balances of the first year (fct_account_balances); empty: 0.
  { name: 'balance_pre_tax', kind: 'balance', required: false },
  { name: 'balance_roth', kind: 'balance', required: false },
  { name: 'balance_match', kind: 'balance', required: false },
  { name: 'balance_core', kind: 'balance', required: false },
  // The part of the deferrals that goes to Roth (0-1); empty: 0, all pre-tax.
  { name: 'roth_deferral_share', kind: 'share', required: false },
  // Issue 15: an officer (true) and the share of the employer owned (0-1, 0.05 is 5 %), for the HCE
  // (IRC 414(q)) and key-employee (416(i)) tests of int_compliance_population; empty: false, 0.
  { name: 'is_officer', kind: 'bool', required: false },
  { name: 'ownership_pct', kind: 'share', required: false },
];

export const REQUIRED_CENSUS_COLUMNS: readonly string[] = CENSUS_COLUMNS.filter((c) => c.required).map(
  (c) => c.name,
);

/**
 * How a census participant's starting deferral rate is read: the config section `deferral_rates`
 * (which takes its defaults from here). A participant is a row whose rate column holds a value > 0.
 * With `normalize_percentages` a value above 1 is a percent (6 → 0.06; 1 itself is 100 %); a rate
 * still above 1 is unusable. The starting rate is `pre_enrolled_fallback` when `use_census_rates` is
 * off or the rate is unusable, else the rate capped at `plan_deferral_cap`.
 */
export interface CensusRateRules {
  /** The census column holding the rate. */
  readonly census_rate_field: string;
  readonly use_census_rates: boolean;
  readonly pre_enrolled_fallback: number;
  readonly plan_deferral_cap: number;
  readonly normalize_percentages: boolean;
}

/** The reference's shipped values (its macros' defaults: cap 0.75, fallback 0.03). */
export const DEFAULT_CENSUS_RATE_RULES: CensusRateRules = {
  census_rate_field: 'employee_deferral_rate',
  use_census_rates: true,
  pre_enrolled_fallback: 0.03,
  plan_deferral_cap: 0.75,
  normalize_percentages: true,
};
