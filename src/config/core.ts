/**
 * The employer core (non-elective) contribution's design keys (reference-plan-design.md §3): its
 * status, the rate schedules by years of service, points or age, and Social Security integration.
 * Imported by schema.ts into `employer_core_contribution` (so this module imports no other config
 * module that reads the schema); core-describe.ts states the design in words.
 *
 * Schedules: each row is a band from its minimum to the next row's minimum, as the reference looks
 * them up; every measure is a whole number, so a row's maximum may be written either way: exclusive
 * (0–40, 40–75) or inclusive (0–2, 3–5). Rows must start at 0, follow each other without a gap or an
 * overlap, and the last must be open-ended: then every employee falls in exactly one row (the
 * reference instead fell back on the flat rate, or on the last row, silently: defect P3).
 */
import { z } from 'zod';
import { pctToFraction } from './units.js';

export const CORE_STATUSES = ['none', 'flat', 'graded_by_service', 'points_based', 'age_banded'] as const;
export type CoreStatus = (typeof CORE_STATUSES)[number];

/** The schedule each schedule status reads, its measure in words and its band label. */
export const CORE_SCHEDULES = {
  graded_by_service: { key: 'graded_schedule', measure: 'years of service', band: 'service' },
  points_based: { key: 'points_schedule', measure: 'points (age + years of service)', band: 'points' },
  age_banded: { key: 'age_schedule', measure: 'age at Dec 31', band: 'age' },
} as const;
type ScheduleStatus = keyof typeof CORE_SCHEDULES;

const INTEGRATION_LEVEL_MODES = ['ss_wage_base', 'percent_of_ss_wage_base', 'fixed_dollar'] as const;

/** A schedule row as the engine reads it: the band's bounds as written and its rate as a decimal. */
export interface CoreScheduleRow {
  min: number;
  /** As written (inclusive or exclusive), null when open-ended. */
  max: number | null;
  contribution_rate: number;
}

const rateMessage = 'must be between 0 and 1 (a decimal: 0.03 is 3 %; `rate` takes a percent)';
const percentMessage = 'must be between 0 and 100 (a percent: 3 is 3 %; `contribution_rate` takes a decimal)';
const disparityMessage = 'must be between 0 and 1 (a decimal: 0.057 is 5.7 %)';
const whole = () => z.int().min(0, 'must be a whole number >= 0');

/** A percent as a decimal, without the binary noise of the division (5.7 → 0.057). */

/** A schedule row with its bound keys `min`/`max`; the rate as `contribution_rate` (decimal) or `rate` (percent, §0.2). */
function scheduleRow(min: string, max: string) {
  return z
    .strictObject({
      [min]: whole(),
      [max]: whole().nullable().optional(),
      contribution_rate: z.number().min(0, rateMessage).max(1, rateMessage).optional(),
      rate: z.number().min(0, percentMessage).max(100, percentMessage).optional(),
    })
    .superRefine((value, ctx) => {
      const row = value as Record<string, unknown>;
      if (row.contribution_rate === undefined && row.rate === undefined) {
        ctx.addIssue({ code: 'custom', path: ['contribution_rate'], message: 'is required (a decimal; or `rate` as a percent)' });
      } else if (row.contribution_rate !== undefined && row.rate !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['rate'], input: row.rate, message: 'cannot be given with contribution_rate: keep one' });
      }
      const [lo, hi] = [row[min], row[max]];
      if (typeof lo === 'number' && typeof hi === 'number' && hi <= lo) {
        ctx.addIssue({ code: 'custom', path: [max], input: hi, message: `must be greater than ${min} (${lo})` });
      }
    })
    .transform((value): CoreScheduleRow => {
      const row = value as Record<string, number | null | undefined>;
      return {
        min: row[min] as number,
        max: row[max] ?? null,
        contribution_rate: row.contribution_rate ?? pctToFraction(row.rate as number),
      };
    });
}

/** Rows in order from 0, each starting where the previous ends, the last open-ended (see the file's comment). */
function schedule(min: string, max: string) {
  return z.array(scheduleRow(min, max)).superRefine((rows, ctx) => {
    rows.forEach((row, i) => {
      const issue = (path: (string | number)[], input: number, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
      if (i === 0 && row.min !== 0) issue([0, min], row.min, 'must be 0: the first row starts the schedule at 0');
      const next = rows[i + 1]?.min;
      if (next === undefined) {
        if (row.max !== null) issue([i, max], row.max, `must be omitted (or null) on the last row: the schedule is open-ended above ${row.min}`);
      } else if (next <= row.min) {
        issue([i + 1, min], next, `must be greater than the previous row's ${min} (${row.min})`);
      } else if (row.max !== null && row.max !== next && row.max !== next - 1) {
        issue(
          [i, max],
          row.max,
          `${row.max > next ? 'overlaps the next row' : 'leaves a gap before the next row'}, which starts at ${next}: ` +
            `write ${next} (up to, not including, the next row) or ${next - 1} (the last value included)`,
        );
      }
    });
  });
}

const integrationSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    level_mode: z.enum(INTEGRATION_LEVEL_MODES).default('ss_wage_base'),
    // A percent of the wage base (0-100) or dollars, by level_mode; unused with ss_wage_base.
    level_value: z.number().nullable().default(null),
    disparity_rate: z.number().min(0, disparityMessage).max(1, disparityMessage).default(0),
  })
  .superRefine((s, ctx) => {
    if (s.enabled !== true || s.level_mode === 'ss_wage_base' || s.level_mode === undefined) return;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['level_value'], input: s.level_value ?? undefined, message });
    if (typeof s.level_value !== 'number' || s.level_value <= 0) {
      issue(`must be greater than 0 with level_mode ${s.level_mode} (${s.level_mode === 'fixed_dollar' ? 'dollars' : 'a percent of the wage base'})`);
    } else if (s.level_mode === 'percent_of_ss_wage_base' && s.level_value > 100) {
      issue('must be at most 100 (a percent of the Social Security wage base)');
    }
  });

export type CoreIntegration = z.output<typeof integrationSchema>;

/** The design keys of `employer_core_contribution` (beside enabled, contribution_rate and eligibility). */
export const coreDesignShape = {
  status: z.enum(CORE_STATUSES).default('flat'),
  graded_schedule: schedule('min_years', 'max_years').default([]),
  points_schedule: schedule('min_points', 'max_points').default([]),
  age_schedule: schedule('min_age', 'max_age').default([]),
  integration: integrationSchema.prefault({}),
};

/** The status's schedule must have rows (the reference fell back on the flat rate: defect P3). */
export function checkCoreDesign(core: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const s = CORE_SCHEDULES[core.status as ScheduleStatus] as (typeof CORE_SCHEDULES)[ScheduleStatus] | undefined;
  const rows = s === undefined ? undefined : core[s.key];
  if (s !== undefined && Array.isArray(rows) && rows.length === 0) {
    ctx.addIssue({ code: 'custom', path: [s.key], input: rows, message: `needs at least one row with status ${String(core.status)}` });
  }
}

/** The design as the validated config holds it (`SimulationConfig['employer_core_contribution']`). */
export interface CoreDesign {
  enabled: boolean;
  contribution_rate: number;
  status: CoreStatus;
  graded_schedule: CoreScheduleRow[];
  points_schedule: CoreScheduleRow[];
  age_schedule: CoreScheduleRow[];
  integration: CoreIntegration;
}

type CoreRates = Pick<CoreDesign, 'status' | 'contribution_rate' | 'graded_schedule' | 'points_schedule' | 'age_schedule'>;

/** A band of the schedule over whole numbers: "0-2", "75+". */
export function bandLabel(rows: readonly CoreScheduleRow[], i: number): string {
  const row = rows[i] as CoreScheduleRow;
  const next = rows[i + 1];
  return next === undefined ? `${row.min}+` : next.min - 1 === row.min ? `${row.min}` : `${row.min}-${next.min - 1}`;
}

/** The status's rows as the engine applies them: a flat rate is one open row, `none` one row at 0. */
export function coreRateRows(core: CoreRates): CoreScheduleRow[] {
  if (core.status === 'none') return [{ min: 0, max: null, contribution_rate: 0 }];
  if (core.status === 'flat') return [{ min: 0, max: null, contribution_rate: core.contribution_rate }];
  return core[CORE_SCHEDULES[core.status as ScheduleStatus].key];
}

/** The lowest rate the status pays: the base contribution percentage of the 401(l) disparity limit. */
export function baseCoreRate(core: CoreRates): number {
  return Math.min(...coreRateRows(core).map((r) => r.contribution_rate));
}

/**
 * The integration level of a year as §3.2 computes it: the wage base, a percent of it or a dollar
 * amount, rounded to whole dollars (half up; the product is first cleared of binary noise).
 */
export function integrationLevel(integration: Pick<CoreIntegration, 'level_mode' | 'level_value'>, wageBase: number): number {
  if (integration.level_mode === 'ss_wage_base') return wageBase;
  const value = integration.level_value ?? 0;
  const level = integration.level_mode === 'percent_of_ss_wage_base' ? (wageBase * value) / 100 : value;
  return Math.round(Number(level.toPrecision(12)));
}
