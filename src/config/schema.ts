/**
 * The configuration schema, in the reference's YAML format (`config/simulation_config.yaml`).
 *
 * Three kinds of keys:
 * - used keys: strictly typed and range-checked; absent keys get the reference's pydantic default where
 *   it had one, else the value in the reference's shipped YAML. They form the `SimulationConfig` type.
 * - ignored keys (see ignored.ts): every other key of the reference's config model or shipped file.
 *   Loosely type-checked, then dropped (typed `undefined`).
 * - anything else inside a used section is an unknown key (`strictObject`); the loader turns those into
 *   "did you mean" errors. A top-level section is known when it is declared here; the loader refuses
 *   any other (the reference kept them silently, so a misspelled section did nothing).
 */
import { z } from 'zod';
import { DEFAULT_CENSUS_RATE_RULES } from '../census/columns.js';
import { checkCoreDesign, coreDesignShape } from './core.js';
import { dcPlanSchema } from './dc-plan-overlay.js';
import { bandSchemas, checkPromotionBands } from './bands.js';
import { accountSchemas, checkAccountReturns } from './accounts.js';
import { complianceSchema } from './compliance.js';
import { ignoredKey } from './ignored.js';
import { closestKey } from './suggest.js';
import { effectiveVesting, vestingScheduleSchema, vestingSchema, type VestingSchedule } from './vesting.js';
import { pctToFraction } from './units.js';
import { isPlainObject } from './walk.js';

// A process validates a config or a few: zod's compiled fast path for objects costs more to build
// (a quarter of a simulation's config load, ~45 ms of CPU) than it saves on so few parses.
z.config({ jitless: true });

/** At most this many simulated years (end_year - start_year + 1). */
export const MAX_SIMULATION_YEARS = 50;

// ---------------------------------------------------------------------------------------------
// Leaf helpers. Messages say what is allowed; the loader appends the dotted path and the bad value.

const between = (min: number, max: number) => {
  const message = `must be between ${min} and ${max}`;
  return z.number().min(min, message).max(max, message);
};
/** A probability or a rate of pay. */
const rate = () => between(0, 1);
const nonNegative = () => z.number().min(0, 'must be >= 0');
const wholeNonNegative = () => z.int().min(0, 'must be >= 0');

/** True for a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** True for MM-DD that exists in every year (so not 02-29): the day recurs each simulated year. */
export function isMonthDay(value: string): boolean {
  return /^\d{2}-\d{2}$/.test(value) && isIsoDate(`2001-${value}`);
}

/**
 * Cross-field checks run even when a field of the object failed (zod skips them by default), so one
 * run reports every problem. The checks themselves must therefore test the types of what they read.
 */
const evenIfFieldsFailed = { when: (payload: { value: unknown }) => isPlainObject(payload.value) };

const isoDate = () => z.string().refine(isIsoDate, 'must be a real date written YYYY-MM-DD');
const monthDay = () => z.string().refine(isMonthDay, 'must be a day written MM-DD that exists every year');

// Loose leaf types for ignored keys: the type is checked, ranges are not; null is accepted.
const num = z.number().nullable();
const int = z.int().nullable();
const bool = z.boolean().nullable();
const str = z.string().nullable();
const strList = z.array(z.string()).nullable();
const loose = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape).partial().nullable();

// ---------------------------------------------------------------------------------------------
// simulation, workforce

const simulationSchema = z
  .strictObject({
    start_year: z.int().min(2000, 'must be 2000 or later'),
    end_year: z.int().min(2000, 'must be 2000 or later'),
    random_seed: z.int().default(42),
    // Negative growth is a reduction in force; -1 would remove everyone.
    target_growth_rate: z
      .number()
      .gt(-1, 'must be greater than -1 and at most 1')
      .max(1, 'must be greater than -1 and at most 1')
      .default(0.03),
    // Absent is 'none' (the solver's exact counts); left absent so that configs without it keep their hash.
    count_uncertainty: z
      .enum(['none', 'terminations', 'terminations_and_hires'], { error: 'must be none, terminations or terminations_and_hires' })
      .optional(),
    name: ignoredKey('simulation.name', z.string().nullable()),
  })
  .superRefine((s, ctx) => {
    if (!Number.isInteger(s.start_year) || !Number.isInteger(s.end_year)) return;
    if (s.end_year < s.start_year) {
      ctx.addIssue({ code: 'custom', path: ['end_year'], input: s.end_year, message: `must be >= start_year (${s.start_year})` });
    } else if (s.end_year - s.start_year + 1 > MAX_SIMULATION_YEARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['end_year'],
        input: s.end_year,
        message: `gives ${s.end_year - s.start_year + 1} years from start_year ${s.start_year}; at most ${MAX_SIMULATION_YEARS} years are allowed`,
      });
    }
  }, evenIfFieldsFailed);

const workforceSchema = z.strictObject({
  total_termination_rate: rate().default(0.12),
  // The hiring solver divides by (1 - new_hire_termination_rate).
  new_hire_termination_rate: z
    .number()
    .min(0, 'must be >= 0 and below 0.99 (hiring divides by 1 - rate)')
    .lt(0.99, 'must be >= 0 and below 0.99 (hiring divides by 1 - rate)')
    .default(0.25),
  // The 2026 versions': the share of simulated hires scheduled 20 hours a week (the others 40).
  part_time_new_hire_pct: rate().default(0),
});

// ---------------------------------------------------------------------------------------------
// compensation, raise_timing

const promotionCompensationSchema = z.strictObject({
  base_increase_pct: rate().default(0.2),
  distribution_range: between(0, 0.2).default(0.05),
  max_cap_pct: rate().default(0.3),
  max_cap_amount: wholeNonNegative().default(500000),
  distribution_type: z.enum(['uniform', 'normal', 'deterministic']).default('uniform'),
  // Job level 1..5 -> base increase. YAML integer keys arrive as strings.
  level_overrides: z.record(z.string().regex(/^[1-5]$/, 'job level must be 1 to 5'), rate()).optional(),
  advanced: z
    .strictObject({
      normal_std_dev: between(0, 0.2).default(0.02),
      market_adjustments: ignoredKey(
        'compensation.promotion_compensation.advanced.market_adjustments',
        z.record(z.string(), num).nullable(),
      ),
    })
    .prefault({}),
});

const compensationSchema = z.strictObject({
  cola_rate: rate().default(0.005),
  merit_budget: rate().default(0.025),
  promotion_compensation: promotionCompensationSchema.prefault({}),
  // The 2026 flat alias of promotion_compensation.base_increase_pct: exactly 0.125 means "not set"
  // (the reference's default, see docs/DECISIONS.md), any other value replaces the nested midpoint.
  promotion_increase: rate().optional(),
  // The 2026 flat alias of promotion_compensation.distribution_range: any value but 0.05 (the
  // reference's "not set") replaces the nested spread, and may exceed its 0.2 cap.
  promotion_distribution_range: between(0, 1).optional(),
  // The 2026 multiplier of every employee's promotion probability (capped at 1); 0 disables promotions.
  promotion_rate_multiplier: between(0, 5).optional(),
  // The 2026 percent aliases the Studio writes: value / 100 into the decimal key when that key is
  // absent (src/config/compensation-aliases.ts moves them before validation).
  cola_rate_percent: between(0, 100).optional(),
  merit_budget_percent: between(0, 100).optional(),
  promotion_increase_percent: between(0, 100).optional(),
  promotion_distribution_range_percent: between(0, 100).optional(),
  promotion_budget_percent: ignoredKey('compensation.promotion_budget_percent', num),
  growth_target: ignoredKey('compensation.growth_target', num),
  growth_tolerance: ignoredKey('compensation.growth_tolerance', num),
  calculation_methodology: ignoredKey('compensation.calculation_methodology', str),
  promotion_budget: ignoredKey('compensation.promotion_budget', num),
  target_compensation_growth_percent: ignoredKey('compensation.target_compensation_growth_percent', num),
});

const raiseTimingSchema = z.strictObject({
  // The reference also documented 'custom' but never implemented it: we reject it with a clear message
  // rather than silently running another methodology.
  methodology: z
    .enum(['legacy', 'realistic'], {
      error: (issue) =>
        issue.input === 'custom'
          ? "'custom' raise timing is not supported; use 'legacy' or 'realistic'"
          : "must be 'legacy' or 'realistic'",
    })
    .default('realistic'),
  // Only the one profile of config_raise_timing_distribution exists: another name would be silently ignored.
  distribution_profile: ignoredKey(
    'raise_timing.distribution_profile',
    z.literal('general_corporate', { error: "must be 'general_corporate', the only raise timing profile" }).nullable(),
  ),
  validation_tolerance: ignoredKey('raise_timing.validation_tolerance', num),
  deterministic_behavior: ignoredKey('raise_timing.deterministic_behavior', bool),
});

// ---------------------------------------------------------------------------------------------
// setup, eligibility

const setupSchema = z
  .strictObject({
    census_parquet_path: z.string().min(1, 'must not be empty').default('data/census_preprocessed.parquet'),
    // A folder of CSV tables replacing the bundled ones of data/seeds/ by name (src/params/tables.ts).
    parameter_tables_dir: z.string().min(1, 'must not be empty').optional(),
    // Yearly rate at which IRS limits grow past the last published year (src/params/irs-limits.ts);
    // the limits only ever rise, and 20 % a year is far beyond any cost-of-living adjustment.
    irs_limit_indexing_rate: between(0, 0.2).default(0.025),
    // Plan years are calendar years (checked below); the start is read by nothing else. The end is
    // the enrollment date of census participants.
    plan_year_start_date: isoDate().default('2024-01-01'),
    plan_year_end_date: isoDate().default('2024-12-31'),
    eligibility_waiting_period_days: ignoredKey('setup.eligibility_waiting_period_days', num),
    clear_tables: ignoredKey('setup.clear_tables', bool),
    clear_mode: ignoredKey('setup.clear_mode', str),
    clear_table_patterns: ignoredKey('setup.clear_table_patterns', strList),
    load_seeds: ignoredKey('setup.load_seeds', bool),
    run_staging_models: ignoredKey('setup.run_staging_models', bool),
    validate_results: ignoredKey('setup.validate_results', bool),
    // Whether an error-rule violation stops every run (the orchestrator's default; simulate's
    // --fail-on-validation-error / --no-fail-on-validation-error win).
    fail_on_validation_error: z.boolean().default(false),
    enforce_contracts: ignoredKey('setup.enforce_contracts', bool),
  })
  .superRefine((s, ctx) => {
    const [start, end] = [s.plan_year_start_date, s.plan_year_end_date];
    const calendar = 'non-calendar plan years are not supported';
    if (typeof start === 'string' && isIsoDate(start) && !start.endsWith('-01-01')) {
      ctx.addIssue({ code: 'custom', path: ['plan_year_start_date'], input: start, message: `must be a January 1: ${calendar}` });
    } else if (typeof start === 'string' && typeof end === 'string' && isIsoDate(start) && isIsoDate(end) && end !== `${start.slice(0, 4)}-12-31`) {
      ctx.addIssue({
        code: 'custom',
        path: ['plan_year_end_date'],
        input: end,
        message: `must be ${start.slice(0, 4)}-12-31, the end of the plan year starting ${start}: ${calendar}`,
      });
    }
  }, evenIfFieldsFailed);

/** How the plan entry date follows the day the eligibility requirements are met (eligibility.entry_date_type). */
const ENTRY_DATE_TYPES = ['immediate', 'monthly', 'quarterly', 'semi_annual'] as const;

const eligibilitySchema = z.strictObject({
  // The reference's pydantic default was None ("not set"); the shipped file's 0 is the effective value.
  waiting_period_days: wholeNonNegative().default(0),
  // Ours (the reference has none): entry on the first day of the month, quarter or half-year on or
  // after the day the age and service requirements are met; immediate = that day.
  entry_date_type: z.enum(ENTRY_DATE_TYPES).default('immediate'),
  // The 2026 versions': the share of simulated hires drawn plan-ineligible (no enrollment, no
  // employer money), or with new_hire_eligibility_match_census the census share of
  // eligibility_override = false.
  new_hire_ineligible_pct: rate().default(0),
  new_hire_eligibility_match_census: z.boolean().default(false),
});

const planEligibilitySchema = z.strictObject({
  waiting_period_days: wholeNonNegative().default(0),
  minimum_age: wholeNonNegative().default(21),
});

// ---------------------------------------------------------------------------------------------
// enrollment

const ageRates = (young: number, mid_career: number, mature: number, senior: number) =>
  z.strictObject({
    young: rate().default(young),
    mid_career: rate().default(mid_career),
    mature: rate().default(mature),
    senior: rate().default(senior),
  });

const autoEnrollmentSchema = z.strictObject({
  enabled: z.boolean().default(true),
  window_days: wholeNonNegative().default(45),
  // Pydantic default 0.06 for a missing key; the shipped file sets 0.02 explicitly.
  default_deferral_rate: rate().default(0.06),
  opt_out_grace_period: wholeNonNegative().default(30),
  // Pydantic default None meant "let dbt decide"; we use the shipped file's values.
  scope: ignoredKey('enrollment.auto_enrollment.scope', z.enum(['new_hires_only', 'all_eligible_employees']).nullable()),
  // null = no cutoff (every hire is in scope).
  hire_date_cutoff: isoDate().nullable().default('2020-01-01'),
  // The 2026 multiplier of the voluntary, proactive and year-over-year conversion probabilities (absent: 1).
  voluntary_enrollment_rate: rate().optional(),
  opt_out_rates: z
    .strictObject({
      // The 2026 single opt-out target: when given, the loader derives by_age and by_income from it
      // (opt-out-target.ts) and reports the file's own tables as ignored.
      target: rate().optional(),
      by_age: ageRates(0.1, 0.07, 0.05, 0.03).prefault({}),
      // Multipliers of the age-based rate.
      by_income: z
        .strictObject({
          low_income: nonNegative().default(1.2),
          moderate: nonNegative().default(1.0),
          high: nonNegative().default(0.7),
          executive: nonNegative().default(0.5),
        })
        .prefault({}),
    })
    .prefault({}),
  plan_overrides: ignoredKey(
    'enrollment.auto_enrollment.plan_overrides',
    z.record(z.string(), loose({ enabled: bool, window_days: int, default_deferral_rate: num })).nullable(),
  ),
});

const proactiveEnrollmentSchema = z.strictObject({
  enabled: z.boolean().default(true),
  timing_window: z
    .strictObject({ min_days: wholeNonNegative().default(7), max_days: wholeNonNegative().default(35) })
    .superRefine((w, ctx) => {
      if (typeof w.min_days === 'number' && typeof w.max_days === 'number' && w.min_days > w.max_days) {
        ctx.addIssue({ code: 'custom', path: ['max_days'], input: w.max_days, message: `must be >= min_days (${w.min_days})` });
      }
    }, evenIfFieldsFailed)
    .prefault({}),
  // Pydantic default {} (no rates); absent keys get the shipped file's rates.
  probability_by_demographics: ageRates(0.25, 0.45, 0.65, 0.75).prefault({}),
  timing_distribution: ignoredKey(
    'enrollment.proactive_enrollment.timing_distribution',
    loose({ immediate: num, early: num, mid: num, late: num }),
  ),
});

const demographicDeferralRates = {
  young_low: 0.03,
  young_moderate: 0.03,
  young_high: 0.04,
  young_executive: 0.06,
  mid_career_low: 0.04,
  mid_career_moderate: 0.06,
  mid_career_high: 0.08,
  mid_career_executive: 0.1,
  mature_low: 0.05,
  mature_moderate: 0.08,
  mature_high: 0.1,
  mature_executive: 0.12,
  senior_low: 0.06,
  senior_moderate: 0.1,
  senior_high: 0.12,
  senior_executive: 0.15,
} as const;

const voluntaryEnrollmentSchema = z.strictObject({
  enabled: z.boolean().default(true),
  base_rates_by_age: ageRates(0.3, 0.55, 0.7, 0.8).prefault({}),
  income_multipliers: z
    .strictObject({
      low: nonNegative().default(0.7),
      moderate: nonNegative().default(1.0),
      high: nonNegative().default(1.15),
      executive: nonNegative().default(1.25),
    })
    .prefault({}),
  job_level_multipliers: z
    .strictObject({
      individual: nonNegative().default(0.9),
      senior: nonNegative().default(1.0),
      manager: nonNegative().default(1.1),
      executive: nonNegative().default(1.2),
    })
    .prefault({}),
  deferral_rates: z
    .strictObject({
      match_optimization: z.boolean().default(true),
      demographic_base_rates: z
        .strictObject({
          young_low: rate().default(demographicDeferralRates.young_low),
          young_moderate: rate().default(demographicDeferralRates.young_moderate),
          young_high: rate().default(demographicDeferralRates.young_high),
          young_executive: rate().default(demographicDeferralRates.young_executive),
          mid_career_low: rate().default(demographicDeferralRates.mid_career_low),
          mid_career_moderate: rate().default(demographicDeferralRates.mid_career_moderate),
          mid_career_high: rate().default(demographicDeferralRates.mid_career_high),
          mid_career_executive: rate().default(demographicDeferralRates.mid_career_executive),
          mature_low: rate().default(demographicDeferralRates.mature_low),
          mature_moderate: rate().default(demographicDeferralRates.mature_moderate),
          mature_high: rate().default(demographicDeferralRates.mature_high),
          mature_executive: rate().default(demographicDeferralRates.mature_executive),
          senior_low: rate().default(demographicDeferralRates.senior_low),
          senior_moderate: rate().default(demographicDeferralRates.senior_moderate),
          senior_high: rate().default(demographicDeferralRates.senior_high),
          senior_executive: rate().default(demographicDeferralRates.senior_executive),
        })
        .prefault({}),
    })
    .prefault({}),
  annual_enrollment_probability: ignoredKey('enrollment.voluntary_enrollment.annual_enrollment_probability', num),
  demographic_adjustments: ignoredKey(
    'enrollment.voluntary_enrollment.demographic_adjustments',
    loose({ age_factor_per_year: num, tenure_factor_per_year: num, salary_factor_high_earner: num }),
  ),
  timing_distribution: ignoredKey(
    'enrollment.voluntary_enrollment.timing_distribution',
    loose({ open_enrollment_period: num, mid_year_life_events: num, new_hire_immediate: num }),
  ),
});

const yearOverYearConversionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  base_rates_by_age: ageRates(0.03, 0.05, 0.07, 0.08).prefault({}),
  income_multipliers: z
    .strictObject({
      low_income: nonNegative().default(0.8),
      moderate: nonNegative().default(1.0),
      high: nonNegative().default(1.2),
      executive: nonNegative().default(1.3),
    })
    .prefault({}),
  tenure_multipliers: z
    .strictObject({
      new_employee: nonNegative().default(0.7),
      established: nonNegative().default(1.0),
      veteran: nonNegative().default(1.1),
    })
    .prefault({}),
  timing: z
    .strictObject({
      enrollment_month: z.int().min(1, 'must be 1 to 12').max(12, 'must be 1 to 12').default(6),
      enrollment_day: z.int().min(1, 'must be 1 to 31').max(31, 'must be 1 to 31').default(15),
    })
    .superRefine((t, ctx) => {
      const { enrollment_month: m, enrollment_day: d } = t;
      if (!Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1 || d > 31) return;
      // The date recurs every simulated year, so it must exist in a non-leap year.
      if (!isMonthDay(`${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)) {
        ctx.addIssue({ code: 'custom', path: ['enrollment_day'], input: d, message: `does not exist in month ${m} every year` });
      }
    }, evenIfFieldsFailed)
    .prefault({}),
  deferral_rates: z
    .strictObject({
      conservative: ignoredKey('enrollment.year_over_year_conversion.deferral_rates.conservative', bool),
      young: rate().default(0.03),
      mid_career: rate().default(0.04),
      mature: rate().default(0.05),
      senior: rate().default(0.06),
    })
    .prefault({}),
});

const enrollmentSchema = z.strictObject({
  auto_enrollment: autoEnrollmentSchema.prefault({}),
  proactive_enrollment: proactiveEnrollmentSchema.prefault({}),
  voluntary_enrollment: voluntaryEnrollmentSchema.prefault({}),
  year_over_year_conversion: yearOverYearConversionSchema.prefault({}),
  // The 2026 versions' match magnet (reference-plan-design.md §6): voluntary and proactive enrollees
  // below their match ceiling snap up to it. Absent: the 2025 meaning (the match_optimization nudge).
  match_magnet: z
    .strictObject({
      enabled: z.boolean().default(true),
      snap_probability: rate().default(0.45),
      // The highest rate a voluntary or proactive enrollee picks, snapped or not.
      max_deferral_rate: between(0.01, 1).default(0.1),
    })
    .optional(),
  timing: ignoredKey(
    'enrollment.timing',
    loose({
      business_day_adjustment: bool,
      processing_frequency: str,
      proactive_cutoff_before_auto: num,
      deterministic_timing: bool,
      holiday_calendar: str,
    }),
  ),
  multi_year: ignoredKey(
    'enrollment.multi_year',
    loose({
      preserve_enrollment_state: bool,
      cross_year_eligibility_tracking: bool,
      enrollment_anniversary_processing: bool,
      re_enrollment_after_termination: bool,
    }),
  ),
  performance: ignoredKey(
    'enrollment.performance',
    loose({
      batch_processing_size: num,
      enable_parallel_processing: bool,
      cache_demographic_calculations: bool,
      materialization_strategy: str,
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// employer match and core contribution

const employerEligibilitySchema = z.strictObject({
  minimum_tenure_years: wholeNonNegative().default(0),
  require_active_at_year_end: z.boolean().default(true),
  minimum_hours_annual: z.int().min(0, 'must be between 0 and 8784').max(8784, 'must be between 0 and 8784').default(1000),
  allow_new_hires: z.boolean().default(true),
  allow_terminated_new_hires: z.boolean().default(false),
  allow_experienced_terminations: z.boolean().default(false),
  // Ours (the 2026 versions have neither for employer money): the age reached by the end of the
  // year (or leaving), and days from hire; null and 0 = none.
  minimum_age: wholeNonNegative().nullable().default(null),
  waiting_period_days: wholeNonNegative().default(0),
});

const matchTierSchema = z.strictObject({
  tier: z.int().min(1, 'must be >= 1'),
  employee_min: rate(),
  employee_max: rate(),
  match_rate: nonNegative(),
});

/** Formula types paying tiers of deferrals; safe_harbor and qaca are tiered formulas with the safe-harbor label. */
const TIERED_FORMULA_TYPES = ['tiered', 'safe_harbor', 'qaca'] as const;

const matchFormulaInputSchema = z
  .strictObject({
    name: z.string().optional(), // defaults to the formula's key
    type: z.enum(['simple', ...TIERED_FORMULA_TYPES]),
    match_rate: nonNegative().optional(),
    max_match_percentage: rate(),
    tiers: z.array(matchTierSchema).optional(),
    // The 2026 formulas' vesting keys: the match's schedule unless vesting.match gives one (vesting.ts).
    immediate_vesting: bool.optional(),
    vesting_schedule: vestingScheduleSchema.nullable().optional(),
  })
  .superRefine((f, ctx) => {
    const issue = (path: (string | number)[], message: string, input?: unknown) =>
      ctx.addIssue({ code: 'custom', path, message, input });
    const schedule = f.vesting_schedule;
    if (typeof f.immediate_vesting === 'boolean' && typeof schedule === 'object' && schedule !== null && f.immediate_vesting !== (schedule.type === 'immediate')) {
      issue(['immediate_vesting'], `${f.immediate_vesting} contradicts vesting_schedule (${schedule.type}): give one of them`, f.immediate_vesting);
    }
    if (f.type === 'simple') {
      if (f.match_rate === undefined) issue(['match_rate'], 'is required for a simple formula');
      if (f.tiers !== undefined) issue(['tiers'], "is only used by 'tiered', 'safe_harbor' and 'qaca' formulas");
    }
    if (!(TIERED_FORMULA_TYPES as readonly unknown[]).includes(f.type)) return;
    if (f.match_rate !== undefined) issue(['match_rate'], `is not used by '${f.type}' formulas: put rates in tiers`, f.match_rate);
    if (!Array.isArray(f.tiers) || f.tiers.length === 0) {
      issue(['tiers'], `a ${f.type} formula needs at least one tier`);
      return;
    }
    // Tiers must ascend, each band [employee_min, employee_max) starting at or after the previous one ends.
    let previous: { tier: number; employee_max: number } | undefined;
    f.tiers.forEach((t, i) => {
      if (typeof t?.tier !== 'number' || typeof t.employee_min !== 'number' || typeof t.employee_max !== 'number') return;
      if (t.employee_max <= t.employee_min) {
        issue(['tiers', i, 'employee_max'], `must be greater than employee_min (${t.employee_min})`, t.employee_max);
      }
      if (previous) {
        if (t.tier <= previous.tier) issue(['tiers', i, 'tier'], `must be greater than the previous tier (${previous.tier})`, t.tier);
        if (t.employee_min < previous.employee_max) {
          issue(['tiers', i, 'employee_min'], `overlaps tier ${previous.tier}, which ends at ${previous.employee_max}`, t.employee_min);
        }
      }
      previous = { tier: t.tier, employee_max: t.employee_max };
    });
  }, evenIfFieldsFailed);

export type MatchTier = z.output<typeof matchTierSchema>;
/** `vesting`: the schedule the formula's own vesting keys give (absent when they give none). */
export type MatchFormula = (
  | { name: string; type: 'simple'; match_rate: number; max_match_percentage: number }
  | { name: string; type: (typeof TIERED_FORMULA_TYPES)[number]; tiers: MatchTier[]; max_match_percentage: number }
) & { vesting?: VestingSchedule };

/** Normalise a validated formula to the discriminated type the engine reads. */
function toMatchFormula(key: string, f: z.output<typeof matchFormulaInputSchema>): MatchFormula {
  const name = f.name ?? key;
  const vesting = f.vesting_schedule ?? (f.immediate_vesting === true ? { type: 'immediate' as const, years: 0 } : undefined);
  const formula: MatchFormula =
    f.type === 'simple'
      ? { name, type: 'simple', match_rate: f.match_rate ?? 0, max_match_percentage: f.max_match_percentage }
      : { name, type: f.type, tiers: f.tiers ?? [], max_match_percentage: f.max_match_percentage };
  return vesting === undefined ? formula : { ...formula, vesting };
}

export const MATCH_PRESET_NAMES = [
  'simple_match',
  'tiered_match',
  'stretch_match',
  'enhanced_tiered',
  'safe_harbor_basic',
  'qaca_safe_harbor',
  'safe_harbor_enhanced',
] as const;
export type MatchPresetName = (typeof MATCH_PRESET_NAMES)[number];

/**
 * Built-in formulas: the reference's shipped file (the first six) and ours, safe_harbor_enhanced, the
 * usual enhanced safe-harbor match (IRC 401(k)(12)(B)(iii): 100 % of the first 4 %). The default when
 * `formulas` is absent; a preset named by active_formula is added to a `formulas` that lacks it.
 */
export const MATCH_FORMULA_PRESETS: Readonly<Record<MatchPresetName, MatchFormula>> = {
  simple_match: { name: 'Simple Match', type: 'simple', match_rate: 0.5, max_match_percentage: 0.06 },
  tiered_match: {
    name: 'Tiered Match',
    type: 'tiered',
    tiers: [
      { tier: 1, employee_min: 0.0, employee_max: 0.03, match_rate: 1.0 },
      { tier: 2, employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
    ],
    max_match_percentage: 0.04,
  },
  stretch_match: {
    name: 'Stretch Match (Encourages Higher Deferrals)',
    type: 'tiered',
    tiers: [{ tier: 1, employee_min: 0.0, employee_max: 0.12, match_rate: 0.25 }],
    max_match_percentage: 0.03,
  },
  enhanced_tiered: {
    name: 'Enhanced Tiered Match',
    type: 'tiered',
    tiers: [
      { tier: 1, employee_min: 0.0, employee_max: 0.03, match_rate: 1.0 },
      { tier: 2, employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
    ],
    max_match_percentage: 0.04,
  },
  safe_harbor_basic: {
    name: 'Safe Harbor Basic Match',
    type: 'safe_harbor',
    tiers: [
      { tier: 1, employee_min: 0.0, employee_max: 0.03, match_rate: 1.0 },
      { tier: 2, employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
    ],
    max_match_percentage: 0.04,
  },
  qaca_safe_harbor: {
    name: 'QACA Safe Harbor Match',
    type: 'qaca',
    tiers: [
      { tier: 1, employee_min: 0.0, employee_max: 0.01, match_rate: 1.0 },
      { tier: 2, employee_min: 0.01, employee_max: 0.06, match_rate: 0.5 },
    ],
    max_match_percentage: 0.035,
  },
  safe_harbor_enhanced: {
    name: 'Safe Harbor Enhanced Match',
    type: 'safe_harbor',
    tiers: [{ tier: 1, employee_min: 0.0, employee_max: 0.04, match_rate: 1.0 }],
    max_match_percentage: 0.04,
  },
};

const isPreset = (name: string): name is MatchPresetName => (MATCH_PRESET_NAMES as readonly string[]).includes(name);
const clonePreset = (name: MatchPresetName): MatchFormula => structuredClone(MATCH_FORMULA_PRESETS[name]);

const matchFormulasSchema = z
  .record(z.string(), matchFormulaInputSchema)
  .transform((formulas) => Object.fromEntries(Object.entries(formulas).map(([k, f]) => [k, toMatchFormula(k, f)])));

// Match modes (reference-plan-design.md §2). Service and points rows are in whole percents, as in the
// reference (§0.2); tenure_graded_bands tiers are fractions of pay like the formulas' tiers.
export const MATCH_STATUSES = ['deferral_based', 'graded_by_service', 'tenure_graded', 'points_based'] as const;
export type MatchStatus = (typeof MATCH_STATUSES)[number];

const upperBound = () => wholeNonNegative().nullable().default(null); // null: no upper bound
const percentRowFields = {
  match_rate: between(0, 200), // percent of the deferrals matched
  max_deferral_pct: between(0, 100).default(6), // deferrals matched up to this percent of pay
};
const serviceRowSchema = z.strictObject({ min_years: wholeNonNegative(), max_years: upperBound(), ...percentRowFields });
const pointsRowSchema = z.strictObject({ min_points: wholeNonNegative(), max_points: upperBound(), ...percentRowFields });
const bandTierSchema = z.strictObject({ employee_min: rate(), employee_max: rate(), match_rate: between(0, 2) });
const tenureBandSchema = z.strictObject({ min_years: wholeNonNegative(), max_years: upperBound(), tiers: z.array(bandTierSchema) });

export type MatchPercentRow = z.output<typeof serviceRowSchema> | z.output<typeof pointsRowSchema>;
export type MatchTenureBand = z.output<typeof tenureBandSchema>;

/** A whole-percent row as the one tier it pays: match_rate % of the deferrals up to max_deferral_pct % of pay. */
export function percentRowTier(row: MatchPercentRow): { employee_min: number; employee_max: number; match_rate: number } {
  return { employee_min: 0, employee_max: pctToFraction(row.max_deferral_pct), match_rate: pctToFraction(row.match_rate) };
}

type Issue = (path: (string | number)[], message: string, input?: unknown) => void;

/**
 * Ranges [min, max) that start at 0, follow each other without gap or overlap, and end unbounded, so
 * that every employee falls in exactly one (the reference let a value outside every band fall back to
 * a default rate or drop the employee's row: defect P3).
 */
function checkContiguous(rows: unknown, [minKey, maxKey]: [string, string], unit: string, what: string, issue: Issue, path: (string | number)[]): void {
  if (!Array.isArray(rows)) return;
  rows.forEach((row: Record<string, unknown> | undefined, i) => {
    const [min, max] = [row?.[minKey], row?.[maxKey]];
    if (typeof min !== 'number') return;
    if (typeof max === 'number' && max <= min) issue([...path, i, maxKey], `must be greater than ${minKey} (${min})`, max);
    const previous: unknown = i === 0 ? 0 : rows[i - 1]?.[maxKey];
    if (i > 0 && previous === null) issue([...path, i - 1, maxKey], `only the last ${what} may be unbounded (null)`);
    else if (typeof previous === 'number' && min !== previous) {
      issue([...path, i, minKey], i === 0 ? `must be 0: the ${what}s start at 0 ${unit}` : `must be ${previous}, where the previous ${what} ends (${what}s are contiguous)`, min);
    }
    if (i === rows.length - 1 && max !== null && max !== undefined) {
      issue([...path, i, maxKey], `must be null (unbounded): the last ${what} covers everyone from ${minKey} on; give a ${what} with match_rate 0 to pay nothing from some point`, max);
    }
  });
}

/** The key each mode reads its bands from. */
const MODE_KEY = {
  graded_by_service: 'graded_schedule',
  tenure_graded: 'tenure_graded_bands',
  points_based: 'points_match_tiers',
  tenure_based: 'tenure_match_tiers',
} as const;

const employerMatchSchema = z
  .strictObject({
    active_formula: z.string().min(1, 'must not be empty').default('simple_match'),
    apply_eligibility: z.boolean().default(false), // pydantic default; the shipped file sets true
    eligibility: employerEligibilitySchema.prefault({}),
    formulas: matchFormulasSchema.default(() => Object.fromEntries(MATCH_PRESET_NAMES.map((n) => [n, clonePreset(n)]))),
    // Ours (dc_plan.match_enabled maps here): false pays no match, match_status 'disabled'.
    enabled: z.boolean().default(true),
    // Ours (issue 14): true pays the annual formula, the part above the per-period match as the year-end
    // true-up; false pays the per-period match.
    true_up: z.boolean().default(true),
    // tenure_based is the reference's legacy mode, migrated to tenure_graded below (§2.5).
    employer_match_status: z.enum([...MATCH_STATUSES, 'tenure_based']).default('deferral_based'),
    // graded_by_service's schedule (the reference read it only from dc_plan.match_graded_schedule).
    graded_schedule: z.array(serviceRowSchema).optional(),
    tenure_graded_bands: z.array(tenureBandSchema).optional(),
    points_match_tiers: z.array(pointsRowSchema).optional(),
    tenure_match_tiers: z.array(serviceRowSchema).optional(), // legacy, migrated to tenure_graded_bands
  })
  .superRefine((m, ctx) => {
    if (typeof m.active_formula !== 'string' || typeof m.formulas !== 'object' || m.formulas === null) return;
    if (Object.hasOwn(m.formulas, m.active_formula) || isPreset(m.active_formula)) return;
    const known = [...new Set([...Object.keys(m.formulas), ...MATCH_PRESET_NAMES])].sort();
    const suggestion = closestKey(m.active_formula, known);
    ctx.addIssue({
      code: 'custom',
      path: ['active_formula'],
      input: m.active_formula,
      message: `names no formula in employer_match.formulas or the built-in presets (${known.join(', ')})${
        suggestion ? `; did you mean "${suggestion}"?` : ''
      }`,
    });
  }, evenIfFieldsFailed)
  .superRefine((m, ctx) => {
    const issue: Issue = (path, message, input) => ctx.addIssue({ code: 'custom', path, message, input });
    checkContiguous(m.graded_schedule, ['min_years', 'max_years'], 'years', 'row', issue, ['graded_schedule']);
    checkContiguous(m.points_match_tiers, ['min_points', 'max_points'], 'points', 'tier', issue, ['points_match_tiers']);
    checkContiguous(m.tenure_match_tiers, ['min_years', 'max_years'], 'years', 'tier', issue, ['tenure_match_tiers']);
    checkContiguous(m.tenure_graded_bands, ['min_years', 'max_years'], 'years', 'band', issue, ['tenure_graded_bands']);
    m.tenure_graded_bands?.forEach((band, i) => {
      if (!Array.isArray(band?.tiers)) return;
      if (band.tiers.length === 0) issue(['tenure_graded_bands', i, 'tiers'], 'a band needs at least one tier');
      // Tiers are [employee_min, employee_max) of pay, contiguous from 0; the last may end below 100 %.
      band.tiers.forEach((t, j) => {
        if (typeof t?.employee_min !== 'number' || typeof t.employee_max !== 'number') return;
        if (t.employee_max <= t.employee_min) issue(['tenure_graded_bands', i, 'tiers', j, 'employee_max'], `must be greater than employee_min (${t.employee_min})`, t.employee_max);
        const previous = j === 0 ? 0 : band.tiers[j - 1]?.employee_max;
        if (typeof previous === 'number' && t.employee_min !== previous) {
          issue(['tenure_graded_bands', i, 'tiers', j, 'employee_min'], j === 0 ? 'must be 0: tiers start at 0 % of pay' : `must be ${previous}, where the previous tier ends (tiers are contiguous)`, t.employee_min);
        }
      });
    });
    const status = m.employer_match_status;
    if (typeof status !== 'string' || status === 'deferral_based') return;
    if (m.tenure_match_tiers !== undefined && m.tenure_graded_bands !== undefined && (status === 'tenure_based' || status === 'tenure_graded')) {
      issue(['tenure_match_tiers'], 'give either tenure_graded_bands or the legacy tenure_match_tiers, not both');
      return;
    }
    // tenure_graded also reads legacy tiers (migrated), as the reference does.
    const key = status === 'tenure_graded' && m.tenure_graded_bands === undefined && m.tenure_match_tiers !== undefined ? 'tenure_match_tiers' : MODE_KEY[status];
    const rows: unknown = m[key];
    if (!Array.isArray(rows) || rows.length === 0) {
      issue([key], `employer_match_status '${status}' needs at least one ${key === 'tenure_graded_bands' ? 'band' : key === 'graded_schedule' ? 'row' : 'tier'} in employer_match.${key}`);
    }
  }, evenIfFieldsFailed)
  .transform((m) => {
    // A built-in preset named by active_formula is added to `formulas`, so formulas[active_formula] always resolves.
    const formulas =
      Object.hasOwn(m.formulas, m.active_formula) || !isPreset(m.active_formula)
        ? m.formulas
        : { ...m.formulas, [m.active_formula]: clonePreset(m.active_formula) };
    const { tenure_match_tiers: legacy, employer_match_status: status, ...rest } = m;
    // §2.5: legacy tiers become one-tier bands of tenure_graded (exactly equivalent), so a migrated file
    // resolves (and hashes) as the native one. The loader says so (legacyMatchNotice).
    if (legacy !== undefined && rest.tenure_graded_bands === undefined && (status === 'tenure_based' || status === 'tenure_graded')) {
      const bands = legacy.map((row) => ({ min_years: row.min_years, max_years: row.max_years, tiers: [percentRowTier(row)] }));
      return { ...rest, formulas, employer_match_status: 'tenure_graded' as MatchStatus, tenure_graded_bands: bands };
    }
    return { ...rest, formulas, employer_match_status: status as MatchStatus, ...(legacy && { tenure_match_tiers: legacy }) };
  });

/**
 * The loader's notice for a legacy `tenure_based` match (reference-plan-design.md §2.5), read from the
 * raw config before validation; undefined when the migration does not apply.
 */
export function legacyMatchNotice(raw: Record<string, unknown>): string | undefined {
  const match = raw.employer_match;
  if (!isPlainObject(match) || !Array.isArray(match.tenure_match_tiers) || match.tenure_graded_bands !== undefined) return undefined;
  if (match.employer_match_status !== 'tenure_based' && match.employer_match_status !== 'tenure_graded') return undefined;
  return (
    `employer_match.tenure_match_tiers: legacy '${String(match.employer_match_status)}' tiers migrated to ` +
    "employer_match_status 'tenure_graded' with one tenure_graded_bands band per tier (match_rate % of the deferrals up to max_deferral_pct % of pay)"
  );
}

const employerCoreContributionSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    contribution_rate: rate().default(0.01), // the flat status's rate
    eligibility: employerEligibilitySchema.prefault({}),
    ...coreDesignShape, // status, schedules, integration (core.ts)
  })
  .superRefine(checkCoreDesign, evenIfFieldsFailed);

const deferralAutoEscalationSchema = z.strictObject({
  enabled: z.boolean().default(true),
  effective_day: monthDay().default('01-01'),
  increment_amount: rate().default(0.01),
  maximum_rate: rate().default(0.1),
  // null = escalate regardless of hire date.
  hire_date_cutoff: isoDate().nullable().default('2020-01-01'),
  require_active_enrollment: z.boolean().default(true),
  first_escalation_delay_years: wholeNonNegative().default(1),
  // Ours: census participants count years of enrollment from setup.plan_year_end_date (the 2026 meaning:
  // with delay 1 they escalate already in the start year) instead of from the start year. Absent, the
  // loader sets it by the section's era (era.ts applyEraDefaults): true when a dc_plan escalation key is present.
  census_escalates_in_start_year: z.boolean().default(false),
});

// The 2026 versions' deferral match response (reference-plan-design.md §7): in the first simulated year,
// census participants below their match ceiling move up to it or part way, those above move down.
// Absent: no response (the 2025 meaning). The partial shares are 1 minus the full-move shares: the
// reference validates them (each pair must sum to 1 ± 0.001, an absent key taking its default 0.40 or
// 0.30) and reads nothing else of them, so do we.
const RESPONSE_PAIRS = [
  ['upward_maximize_rate', 0.6, 'upward_partial_increase_rate', 0.4],
  ['downward_reduce_to_max_rate', 0.7, 'downward_partial_decrease_rate', 0.3],
] as const;

function checkResponseShares(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (!isPlainObject(raw)) return raw;
  for (const [full, fullDefault, partial, partialDefault] of RESPONSE_PAIRS) {
    const [a, b] = [raw[full] ?? fullDefault, raw[partial] ?? partialDefault];
    // A share out of [0, 1] gets its own message from the field.
    const isShare = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;
    if (isShare(a) && isShare(b) && Math.abs(a + b - 1) > 0.001) {
      ctx.addIssue({ code: 'custom', path: [partial], message: `${full} (${a}) + ${partial} (${b}) must sum to 1 (± 0.001)` });
    }
  }
  return raw;
}

const deferralMatchResponseSchema = z.preprocess(
  checkResponseShares,
  z.strictObject({
    enabled: z.boolean().default(false),
    upward_participation_rate: rate().default(0.4),
    upward_maximize_rate: rate().default(0.6),
    upward_partial_increase_rate: ignoredKey('deferral_match_response.upward_partial_increase_rate', rate()),
    upward_partial_increase_factor: rate().default(0.5),
    downward_enabled: z.boolean().default(true),
    downward_participation_rate: rate().default(0.15),
    downward_reduce_to_max_rate: rate().default(0.7),
    downward_partial_decrease_rate: ignoredKey('deferral_match_response.downward_partial_decrease_rate', rate()),
    downward_partial_decrease_factor: rate().default(0.5),
    effective_timing: ignoredKey('deferral_match_response.effective_timing', z.literal('first_year')),
  }),
);

// ---------------------------------------------------------------------------------------------
// new_hire (the reference's 2026 custom new-hire inputs, plan-design §8): ages and pay of the year's
// hires; src/params/new-hire.ts compiles them to param_new_hire_ages and param_new_hire_pay.

/** The market scenario's change of the hire-pay spread above the band minimum, in percent. */
export const MARKET_SCENARIO_PERCENT = { conservative: -5, baseline: 0, competitive: 5, aggressive: 10 } as const;

const newHireSchema = z
  .strictObject({
    age_distribution: z
      .array(z.strictObject({ age: z.int().min(14, 'must be between 14 and 100').max(100, 'must be between 14 and 100'), weight: rate() }))
      .min(1, 'needs at least one age')
      .optional(),
    job_level_compensation: z
      .array(
        z.strictObject({
          level: z.int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100'),
          min_compensation: nonNegative(),
          max_compensation: nonNegative(),
          name: ignoredKey('new_hire.job_level_compensation[].name', str),
        }),
      )
      .optional(),
    market_scenario: z
      .enum(Object.keys(MARKET_SCENARIO_PERCENT) as [keyof typeof MARKET_SCENARIO_PERCENT], {
        error: `must be one of ${Object.keys(MARKET_SCENARIO_PERCENT).join(', ')}`,
      })
      .default('baseline'),
    level_market_adjustments: ignoredKey('new_hire.level_market_adjustments', z.unknown()),
    strategy: ignoredKey('new_hire.strategy', str),
    target_percentile: ignoredKey('new_hire.target_percentile', num),
    compensation_variance_percent: ignoredKey('new_hire.compensation_variance_percent', num),
    level_distribution_mode: ignoredKey('new_hire.level_distribution_mode', str),
    level_distribution: ignoredKey('new_hire.level_distribution', z.array(loose({ level: int, percentage: num })).nullable()),
  })
  .superRefine((n, ctx) => {
    const ages = Array.isArray(n.age_distribution) ? n.age_distribution : [];
    const seen = new Map<number, number>();
    ages.forEach((a, i) => {
      if (!isPlainObject(a) || typeof a.age !== 'number') return;
      const earlier = seen.get(a.age);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['age_distribution', i, 'age'], input: a.age, message: `is already given in age_distribution[${earlier}]` });
      } else seen.set(a.age, i);
    });
    if (ages.length > 0 && ages.every((a) => isPlainObject(a) && typeof a.weight === 'number')) {
      const total = ages.reduce((sum, a) => sum + a.weight, 0);
      if (Math.abs(total - 1) > 0.001) {
        ctx.addIssue({ code: 'custom', path: ['age_distribution'], input: total, message: `weights must sum to 1 (they sum to ${Number(total.toFixed(6))})` });
      }
    }
    const levels = new Map<number, number>();
    (Array.isArray(n.job_level_compensation) ? n.job_level_compensation : []).forEach((l, i) => {
      if (!isPlainObject(l)) return;
      if (typeof l.level === 'number') {
        const earlier = levels.get(l.level);
        if (earlier !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['job_level_compensation', i, 'level'], input: l.level, message: `is already given in job_level_compensation[${earlier}]` });
        } else levels.set(l.level, i);
      }
      if (typeof l.min_compensation === 'number' && typeof l.max_compensation === 'number' && l.max_compensation <= l.min_compensation) {
        ctx.addIssue({
          code: 'custom',
          path: ['job_level_compensation', i, 'max_compensation'],
          input: l.max_compensation,
          message: `must be greater than min_compensation (${l.min_compensation})`,
        });
      }
    });
  }, evenIfFieldsFailed);

/** A census participant's starting deferral rate (src/census/columns.ts, `CensusRateRules`). */
const positiveRate = () => z.number().gt(0, 'must be greater than 0 and at most 1').max(1, 'must be greater than 0 and at most 1');
const deferralRatesSchema = z
  .strictObject({
    use_census_rates: z.boolean().default(DEFAULT_CENSUS_RATE_RULES.use_census_rates),
    census_rate_field: z.string().trim().min(1, 'must name a census column').default(DEFAULT_CENSUS_RATE_RULES.census_rate_field),
    pre_enrolled_fallback: positiveRate().default(DEFAULT_CENSUS_RATE_RULES.pre_enrolled_fallback),
    plan_deferral_cap: positiveRate().default(DEFAULT_CENSUS_RATE_RULES.plan_deferral_cap),
    normalize_percentages: z.boolean().default(DEFAULT_CENSUS_RATE_RULES.normalize_percentages),
    generate_synthetic_events: ignoredKey('deferral_rates.generate_synthetic_events', bool),
  })
  .superRefine((d, ctx) => {
    if (typeof d.pre_enrolled_fallback !== 'number' || typeof d.plan_deferral_cap !== 'number') return;
    if (d.pre_enrolled_fallback > d.plan_deferral_cap) {
      ctx.addIssue({
        code: 'custom',
        path: ['pre_enrolled_fallback'],
        input: d.pre_enrolled_fallback,
        message: `must be at most plan_deferral_cap (${d.plan_deferral_cap})`,
      });
    }
  }, evenIfFieldsFailed);

// ---------------------------------------------------------------------------------------------
// Ignored top-level sections: keys of the reference's pydantic models and shipped file, loosely typed.

const adaptiveMemoryLoose = loose({
  enabled: bool,
  monitoring_interval_seconds: num,
  history_size: int,
  thresholds: loose({ moderate_mb: num, high_mb: num, critical_mb: num, gc_trigger_mb: num, fallback_trigger_mb: num }),
  batch_sizes: loose({ low: int, medium: int, high: int, fallback: int }),
  auto_gc_enabled: bool,
  fallback_enabled: bool,
  profiling_enabled: bool,
  recommendation_window_minutes: num,
  min_samples_for_recommendation: int,
  leak_detection_enabled: bool,
  leak_threshold_mb: num,
  leak_window_minutes: num,
});

const optimizationLoose = loose({
  level: str,
  max_workers: int,
  batch_size: int,
  memory_limit_gb: num,
  e068c_threading: loose({ dbt_threads: int, event_shards: int, max_parallel_years: int }),
  event_generation: loose({
    mode: str,
    polars: loose({
      enabled: bool,
      max_threads: int,
      batch_size: int,
      output_path: str,
      enable_compression: bool,
      compression_level: int,
      enable_profiling: bool,
      max_memory_gb: num,
      memory_limit_gb: num,
      lazy_evaluation: bool,
      enable_lazy_evaluation: bool,
      streaming: bool,
      parallel_io: bool,
      fallback_on_error: bool,
      validate_results: bool,
      target_runtime_seconds: num,
      target_throughput_events_per_second: num,
      use_cohort_engine: bool,
      cohort_output_dir: str,
    }),
    sql: loose({ dbt_threads: int, use_event_sharding: bool }),
  }),
  adaptive_memory: adaptiveMemoryLoose,
});

const orchestratorLoose = loose({
  threading: loose({
    enabled: bool,
    thread_count: int,
    mode: str,
    memory_per_thread_gb: num,
    parallelization: loose({
      enabled: bool,
      max_workers: int,
      memory_limit_mb: num,
      enable_conditional_parallelization: bool,
      deterministic_execution: bool,
      resource_monitoring: bool,
      safety: loose({
        fallback_on_resource_pressure: bool,
        validate_execution_safety: bool,
        abort_on_dependency_conflict: bool,
        max_retries_per_model: int,
      }),
    }),
    resource_management: loose({
      enabled: bool,
      memory_monitoring: adaptiveMemoryLoose,
      cpu_monitoring: loose({
        enabled: bool,
        monitoring_interval_seconds: num,
        history_size: int,
        thresholds: loose({ moderate_percent: num, high_percent: num, critical_percent: num }),
      }),
      adaptive_scaling_enabled: bool,
      min_threads: int,
      max_threads: int,
      adjustment_cooldown_seconds: num,
      benchmarking_enabled: bool,
      benchmark_thread_counts: z.array(z.int()).nullable(),
      auto_cleanup_enabled: bool,
      cleanup_threshold_mb: num,
    }),
  }),
  adaptive_memory: adaptiveMemoryLoose,
});

const numberByKey = z.record(z.string(), num).nullable();

const newHireCompensationLoose = loose({
  strategy: str,
  percentile_strategy: loose({ default_percentile: num, level_overrides: numberByKey, variance_enabled: bool, variance_std_dev: num }),
  market_adjustments: loose({ enabled: bool, base_adjustment: num, level_adjustments: numberByKey, scenarios: numberByKey }),
  validation: loose({ min_percentile: num, max_percentile: num, min_market_adjustment: num, max_market_adjustment: num }),
  custom_distribution: loose({
    enabled: bool,
    distribution_type: str,
    parameters: loose({ alpha: num, beta: num, min_percentile: num, max_percentile: num }),
  }),
});

const multiYearLoose = loose({
  performance: loose({
    enable_state_compression: bool,
    enable_concurrent_processing: bool,
    enable_parallel_dbt: bool,
    cache_workforce_snapshots: bool,
  }),
  state: loose({ enable_checkpointing: bool, checkpoint_frequency: int, preserve_intermediate_states: bool, compression_level: int }),
  resume: loose({ enable_resume: bool, auto_resume_on_failure: bool, cleanup_on_success: bool }),
  error_handling: loose({ fail_fast: bool, max_retries: int, retry_delay_seconds: num, validation_mode: str }),
  transition: loose({ strategy: str, batch_workforce_updates: bool, optimize_event_processing: bool }),
  monitoring: loose({ enable_performance_monitoring: bool, enable_progress_reporting: bool, log_level: str, enable_memory_profiling: bool }),
});

const corporateNetworkLoose = loose({
  enabled: bool,
  auto_detect_proxy: bool,
  proxy: loose({
    http_proxy: str,
    https_proxy: str,
    no_proxy: strList,
    username: str,
    password: str,
    use_system_auth: bool,
    proxy_timeout: num,
    proxy_retries: int,
  }),
  certificates: loose({
    ca_bundle_path: str,
    verify_ssl: bool,
    allow_self_signed: bool,
    hostname_verification: bool,
    check_certificate_chain: bool,
    max_chain_depth: int,
  }),
  timeouts: loose({
    connection_timeout: num,
    read_timeout: num,
    total_timeout: num,
    dagster_health_timeout: num,
    dbt_command_timeout: num,
    database_timeout: num,
    max_retries: int,
    retry_delay: num,
    retry_backoff: num,
    max_retry_delay: num,
  }),
  performance: loose({
    enable_connection_pooling: bool,
    max_pool_connections: int,
    pool_timeout: num,
    enable_gzip: bool,
    chunk_size: int,
    buffer_size: int,
    rate_limiting: bool,
    max_bandwidth_mbps: num,
    keep_alive: bool,
    keep_alive_timeout: num,
  }),
  corporate_domains: strList,
  vpn_detection: bool,
  connectivity_check: bool,
  test_endpoints: strList,
});

const productionSafetyLoose = loose({
  db_path: str,
  backup_enabled: bool,
  backup_dir: str,
  backup_retention_days: int,
  backup_before_simulation: bool,
  verify_backups: bool,
  max_backup_size_gb: num,
  log_level: str,
  log_dir: str,
  require_backup_before_run: bool,
  enable_emergency_backups: bool,
});

// ---------------------------------------------------------------------------------------------
// Top level. `z.object` (not strict): the loader deals with other sections before validation (a
// warning for a section we do not model yet, an error for any other).

/** Scenario and plan-design ids; a bare YAML number is accepted and kept as text. */
const identifier = () =>
  z.union([z.string().min(1, 'must not be empty'), z.number()]).transform((v) => String(v));

export const simulationConfigSchema = z.object({
  scenario_id: identifier().optional(), // the engine uses 'default' when absent
  plan_design_id: identifier().optional(), // the engine uses 'default' when absent
  simulation: simulationSchema,
  workforce: workforceSchema.prefault({}),
  compensation: compensationSchema.prefault({}),
  raise_timing: raiseTimingSchema.prefault({}),
  setup: setupSchema.prefault({}),
  eligibility: eligibilitySchema.prefault({}),
  plan_eligibility: planEligibilitySchema.prefault({}),
  enrollment: enrollmentSchema.prefault({}),
  employer_match: employerMatchSchema.prefault({}),
  employer_core_contribution: employerCoreContributionSchema.prefault({}),
  deferral_auto_escalation: deferralAutoEscalationSchema.prefault({}),
  deferral_match_response: deferralMatchResponseSchema.optional(),
  new_hire: newHireSchema.prefault({}),
  vesting: vestingSchema.optional(), // absent: everything vests immediately (vesting.ts)
  compliance: complianceSchema, // absent: the defaults (compliance.ts); the tests run every year

  new_hire_compensation: ignoredKey('new_hire_compensation', newHireCompensationLoose),
  plan_year: ignoredKey('plan_year', loose({ start_date: str, end_date: str, annualization_method: str })),
  employee_id_generation: ignoredKey(
    'employee_id_generation',
    loose({ baseline_format: str, new_hire_format: str, enable_cross_validation: bool, migration_mode: bool, batch_generation: bool }),
  ),
  optimization: ignoredKey('optimization', optimizationLoose),
  orchestrator: ignoredKey('orchestrator', orchestratorLoose),
  multi_year: ignoredKey('multi_year', multiYearLoose),
  deferral_baseline: ignoredKey('deferral_baseline', loose({ mode: str })),
  deferral_rates: deferralRatesSchema.prefault({}),
  corporate_network: ignoredKey('corporate_network', corporateNetworkLoose),
  ops: ignoredKey('ops', z.record(z.string(), loose({ config: z.record(z.string(), z.unknown()).nullable() })).nullable()),
  production_safety: ignoredKey('production_safety', productionSafetyLoose),
  // Sections of the reference's 2026 engine that no simulation reads (reference-config-keys-head.md §20-24).
  storage: ignoredKey('storage', loose({ max_runs_per_scenario: int })),
  param_pack: ignoredKey(
    'param_pack',
    loose({ pack_id: str, fingerprint: str, fit_date: str, source_digest: str, promotion_basis: str, backtest: loose({ verdict: str }) }),
  ),
  advanced: ignoredKey(
    'advanced',
    loose({ engine: str, enable_multithreading: bool, checkpoint_frequency: int, memory_limit_gb: num, log_level: str, strict_validation: bool }),
  ),
  data_sources: ignoredKey('data_sources', loose({ census_parquet_path: str })),
  // The reference's 2026 Studio overlay: its plan-design keys are moved onto their YAML keys before
  // validation (dc-plan-overlay.ts); the section itself resolves to nothing.
  dc_plan: dcPlanSchema,
  // The reference's 2026 multi-seed settings, validated as it does (extra keys refused).
  ensemble: z
    .strictObject({
      // Risk thresholds evaluated by `planalign ensemble` over its seeds (src/ensemble/thresholds.ts); not in the config hash.
      thresholds: z
        .array(z.strictObject({ metric: z.string().trim().min(1, 'must not be blank'), value: z.number(), label: z.string().optional() }))
        .optional(),
      // A seed per subsystem pins its draws while simulation.random_seed varies (src/models/rng.ts).
      frozen_subsystem_seeds: z.strictObject({ termination: z.int().optional(), hiring: z.int().optional(), promotion: z.int().optional() }).optional(),
    })
    .optional(),
  // The reference's 2026 Studio bands and promotion hazard (src/config/bands.ts, src/params/bands.ts).
  ...bandSchemas,
  // Accounts and forfeitures of issue 14 (src/config/accounts.ts).
  ...accountSchemas,
})
  .superRefine(checkPromotionBands)
  .superRefine(checkAccountReturns)
  .superRefine((c, ctx) => {
    // A qaca match may vest no slower than a 2-year cliff, whichever key gives its schedule (vesting.ts).
    const m = c.employer_match;
    const formula = m.formulas[m.active_formula];
    if (formula === undefined) return;
    for (const p of effectiveVesting(c.vesting, { key: m.active_formula, type: formula.type, vesting: formula.vesting }).problems) {
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    }
  });

/** The validated configuration with defaults filled in. Ignored keys are typed `undefined`. */
export type SimulationConfig = z.output<typeof simulationConfigSchema>;
/** What a config file may contain (before defaults). */
export type SimulationConfigInput = z.input<typeof simulationConfigSchema>;
export type EmployerEligibility = z.output<typeof employerEligibilitySchema>;

/** Every top-level section a config may hold, used or ignored. */
export const KNOWN_SECTIONS: readonly string[] = Object.keys(simulationConfigSchema.shape).sort();

/** JSON Schema of what a config file may contain (for editors and docs). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(simulationConfigSchema, { io: 'input' }) as Record<string, unknown>;
}
