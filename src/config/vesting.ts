/**
 * The `vesting` section (issue 14): how employer money becomes the employee's, per source, and how
 * service is counted. Imported by schema.ts (so this module imports no config module that reads the
 * schema). The reference computes vesting only in its API, one schedule for all money
 * (reference-plan-design.md §9); here each source has its own schedule:
 *   immediate            100 % from the first day
 *   cliff, years 1-3     0 % until `years` years of service, then 100 %
 *   graded, years 2-6    6: the statutory 0, 0, 20, 40, 60, 80, 100 %; shorter: even steps
 *                        (3: 0, 33.33, 66.67, 100 %), as the reference's graded_N_year ids (§9.1)
 *   qaca                 the 2-year cliff a qualified automatic contribution arrangement may use
 * The reference's ids are accepted as strings: immediate, cliff_1_year … cliff_3_year, qaca_2_year,
 * graded_3_year … graded_6_year (and graded_2_year). Anything slower than IRC 411(a)(2)(B) allows
 * (a 3-year cliff or 2-to-6-year graded, e.g. the reference's cliff_4_year) is refused.
 */
import { z } from 'zod';
import type { SimulationConfig } from './schema.js';

export const VESTING_TYPES = ['immediate', 'cliff', 'graded', 'qaca'] as const;
export type VestingType = (typeof VESTING_TYPES)[number];

/** A schedule: its type and the years of service at which it reaches 100 % (immediate 0, qaca 2). */
export interface VestingSchedule {
  type: VestingType;
  years: number;
}

export const VESTING_SERVICE_METHODS = ['elapsed_time', 'hours'] as const;
/** Hours in a plan year that make it a year of vesting service (IRC 411(a)(5)(A)). */
export const HOURS_PER_SERVICE_YEAR = 1000;

const STATUTE = 'IRC 411(a)(2)(B) requires employer money to vest at least as fast as a 3-year cliff or 2-to-6-year graded (20 % after 2 years, +20 % a year)';
const REFERENCE_IDS = ['immediate', 'cliff_1_year', 'cliff_2_year', 'cliff_3_year', 'qaca_2_year', 'graded_3_year', 'graded_4_year', 'graded_5_year', 'graded_6_year'];

/** The schedule's problem, or undefined when `years` fits its type. */
function yearsProblem(type: VestingType, years: number | undefined): string | undefined {
  switch (type) {
    case 'immediate':
      return years === undefined || years === 0 ? undefined : 'immediate takes no years';
    case 'qaca':
      return years === undefined || years === 2
        ? undefined
        : 'qaca is the 2-year cliff of a qualified automatic contribution arrangement (IRC 401(k)(13)(D)(iii)): years must be 2 or absent';
    case 'cliff':
      if (years === undefined) return 'cliff needs years (1 to 3)';
      if (years > 3) return `a ${years}-year cliff is slower than the law allows: ${STATUTE}`;
      return years < 1 ? 'cliff takes years 1 to 3 (0 years is immediate)' : undefined;
    case 'graded':
      if (years === undefined) return 'graded needs years (2 to 6)';
      if (years > 6) return `a ${years}-year graded schedule is slower than the law allows: ${STATUTE}`;
      return years < 2 ? 'graded takes years 2 to 6 (1 year is cliff, years 1)' : undefined;
  }
}

// `type` is checked in the transform: a union's failed branch would hide a message on it.
const scheduleObject = z.strictObject({ type: z.string(), years: z.int().optional() });

/** A schedule as written: a reference id, or `{type, years}`. */
export const vestingScheduleSchema = z
  .union([z.string(), scheduleObject], {
    error: `must be a schedule id (${REFERENCE_IDS.join(', ')}) or {type, years}`,
  })
  .transform((value, ctx): VestingSchedule => {
    let type: VestingType;
    let years: number | undefined;
    if (typeof value === 'string') {
      const id = /^(cliff|graded)_(\d+)_year$/.exec(value);
      if (value === 'immediate') type = 'immediate';
      else if (value === 'qaca_2_year') type = 'qaca';
      else if (id) [type, years] = [id[1] as VestingType, Number(id[2])];
      else {
        ctx.addIssue({ code: 'custom', input: value, message: `must be one of ${REFERENCE_IDS.join(', ')}, or {type, years}` });
        return z.NEVER;
      }
    } else if ((VESTING_TYPES as readonly string[]).includes(value.type)) ({ type, years } = value as { type: VestingType; years?: number });
    else {
      ctx.addIssue({ code: 'custom', input: value, message: `type must be one of ${VESTING_TYPES.join(', ')} (got ${JSON.stringify(value.type)})` });
      return z.NEVER;
    }
    const problem = yearsProblem(type, years);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', input: value, message: problem });
      return z.NEVER;
    }
    return { type, years: type === 'immediate' ? 0 : type === 'qaca' ? 2 : (years as number) };
  });

export const vestingSchema = z.strictObject({
  service_method: z.enum(VESTING_SERVICE_METHODS, { error: `must be one of ${VESTING_SERVICE_METHODS.join(', ')}` }).default('elapsed_time'),
  // Fully vested at this age (at Dec 31, or at leaving); null: no such rule.
  normal_retirement_age: z.int().min(18, 'must be an age between 18 and 100').max(100, 'must be an age between 18 and 100').nullable().default(null),
  match: vestingScheduleSchema.optional(), // absent: immediate, or the active formula's vesting keys (effectiveVesting)
  core: vestingScheduleSchema.optional(), // absent: immediate
});
export type VestingConfig = z.output<typeof vestingSchema>;

/** The vested fraction at 0, 1, … whole years of service; the last entry (1) holds from then on. */
export function vestingSteps(s: VestingSchedule): number[] {
  if (s.type === 'immediate') return [1];
  if (s.type === 'graded' && s.years === 6) return [0, 0, 0.2, 0.4, 0.6, 0.8, 1];
  return Array.from({ length: s.years + 1 }, (_, k) => (s.type === 'graded' ? Math.round((k / s.years) * 10_000) / 10_000 : k === s.years ? 1 : 0));
}

/** "graded 6 years (0, 0, 20, 40, 60, 80, 100 %)". */
export function describeSchedule(s: VestingSchedule): string {
  const steps = vestingSteps(s).map((f) => Number((f * 100).toFixed(2)));
  return s.type === 'immediate' ? 'immediate (100 %)' : `${s.type === 'qaca' ? 'qaca, a cliff of' : s.type} ${s.years} year${s.years === 1 ? '' : 's'} (${steps.join(', ')} %)`;
}

/** The match formula as vesting reads it: its type and the schedule its own keys give. */
export interface FormulaVesting {
  key: string;
  type: string;
  vesting?: VestingSchedule | undefined;
}

export interface EffectiveVesting {
  serviceMethod: (typeof VESTING_SERVICE_METHODS)[number];
  normalRetirementAge: number | null;
  match: VestingSchedule;
  core: VestingSchedule;
  /** Where a rule chose between what the config says (for the run output). */
  notices: string[];
  /** Schedules the match type does not allow, each with its dotted key. */
  problems: { path: string[]; message: string }[];
}

const IMMEDIATE: VestingSchedule = { type: 'immediate', years: 0 };
const QACA: VestingSchedule = { type: 'qaca', years: 2 };

/**
 * The schedules a run applies. The match's: `vesting.match`, else the active formula's own
 * `immediate_vesting` / `vesting_schedule`, else immediate; a safe-harbor formula's match vests
 * immediately whatever is given (IRC 401(k)(12)(E)); a qaca formula's may be no slower than its
 * 2-year cliff (IRC 401(k)(13)(D)(iii)), which it gets when nothing is given. True-up money follows
 * the match; deferrals are always fully vested.
 */
export function effectiveVesting(vesting: VestingConfig | undefined, formula: FormulaVesting): EffectiveVesting {
  const notices: string[] = [];
  const problems: EffectiveVesting['problems'] = [];
  const formulaKeys = `employer_match.formulas.${formula.key}.immediate_vesting / vesting_schedule`;
  if (vesting?.match !== undefined && formula.vesting !== undefined) {
    notices.push(`vesting.match (${describeSchedule(vesting.match)}) wins over ${formulaKeys} (${describeSchedule(formula.vesting)})`);
  }
  const given = vesting?.match ?? formula.vesting;
  const givenAt = vesting?.match !== undefined ? ['vesting', 'match'] : ['employer_match', 'formulas', formula.key, 'vesting_schedule'];
  let match = given ?? IMMEDIATE;
  if (formula.type === 'safe_harbor') {
    if (given !== undefined && given.type !== 'immediate') {
      notices.push(
        `${givenAt.join('.')}: ${describeSchedule(given)} not applied: the safe-harbor match of ${formula.key} vests immediately (IRC 401(k)(12)(E))`,
      );
    }
    match = IMMEDIATE;
  } else if (formula.type === 'qaca') {
    if (given === undefined) match = QACA;
    else if ((vestingSteps(given)[2] ?? 1) < 1) {
      problems.push({
        path: givenAt,
        message: `${describeSchedule(given)} is slower than the 2-year cliff the qaca match of ${formula.key} may use at most (IRC 401(k)(13)(D)(iii))`,
      });
    }
  }
  return {
    serviceMethod: vesting?.service_method ?? 'elapsed_time',
    normalRetirementAge: vesting?.normal_retirement_age ?? null,
    match,
    core: vesting?.core ?? IMMEDIATE,
    notices,
    problems,
  };
}

/** The schedules a loaded config's run applies: effectiveVesting for its active match formula. */
export function activeVesting(config: Pick<SimulationConfig, 'vesting' | 'employer_match'>): EffectiveVesting {
  const m = config.employer_match;
  const formula = m.formulas[m.active_formula];
  if (formula === undefined) throw new Error(`employer_match.formulas has no ${m.active_formula}`);
  return effectiveVesting(config.vesting, { key: m.active_formula, type: formula.type, vesting: formula.vesting });
}

/** One line for `validate`: "match graded 6 years (…); core immediate (100 %); service by elapsed time". */
export function describeVesting(config: Pick<SimulationConfig, 'vesting' | 'employer_match'>): string {
  const v = activeVesting(config);
  const service = v.serviceMethod === 'hours' ? `years with ${HOURS_PER_SERVICE_YEAR.toLocaleString('en-US')} hours` : 'elapsed time';
  const retirement = v.normalRetirementAge === null ? '' : `; fully vested at age ${v.normalRetirementAge}`;
  return `match ${describeSchedule(v.match)}; core ${describeSchedule(v.core)}; service by ${service}${retirement}`;
}
