/**
 * The `accounts` section (investment return, distribution on termination) and the `forfeitures` section
 * (issue 14): the timing, read by fct_account_balances through param_accounts (params/accounts.ts), and
 * the policy, read by the forfeiture account through param_forfeitures (params/forfeitures.ts). Both
 * sections are optional and absent from the canonical config when not given, so a config without them
 * keeps its hash: no return, no distribution, forfeiture in the termination year, used as an offset.
 */
import { z } from 'zod';

const message = 'must be between -1 and 1 (a fraction: 0.06 is 6 %)';
const annualRate = () => z.number().min(-1, message).max(1, message);

export const FORFEITURE_TIMINGS = ['termination_year', 'after_five_breaks'] as const;
/**
 * What the plan does with a year's forfeitures, available from the next year: pay that year's employer
 * contributions (match + core) up to those contributions, the rest carried; pay plan expenses, all of
 * them (the expenses themselves are not modelled); or go to the participants active at year end, pro
 * rata to eligible pay.
 */
export const FORFEITURE_POLICIES = ['offset_employer_contributions', 'pay_plan_expenses', 'reallocate_to_participants'] as const;

export const accountSchemas = {
  accounts: z
    .strictObject({
      // A rate for every year, or {year: rate} naming every simulated year (checkAccountReturns).
      annual_return: z
        .union([annualRate(), z.record(z.string().regex(/^\d{4}$/, 'must be a year written YYYY'), annualRate())], {
          error: 'must be a rate (0.06) or a map of year to rate ({2025: 0.06, 2026: 0.04})',
        })
        .default(0),
      distribute_on_termination: z.boolean().default(false),
    })
    .optional(),
  forfeitures: z
    .strictObject({
      timing: z.enum(FORFEITURE_TIMINGS, { error: `must be one of ${FORFEITURE_TIMINGS.join(', ')}` }).default('termination_year'),
      policy: z
        .enum(FORFEITURE_POLICIES, { error: `must be one of ${FORFEITURE_POLICIES.join(', ')}` })
        .default('offset_employer_contributions'),
    })
    .optional(),
};

interface AccountSections {
  simulation?: { start_year?: unknown; end_year?: unknown };
  accounts?: { annual_return?: unknown };
}

/** A map of returns must name every simulated year: a year without one would be a guess. */
export function checkAccountReturns(config: AccountSections, ctx: z.RefinementCtx): void {
  const returns = config.accounts?.annual_return;
  const { start_year: start, end_year: end } = config.simulation ?? {};
  if (typeof returns !== 'object' || returns === null || typeof start !== 'number' || typeof end !== 'number') return;
  const missing: number[] = [];
  for (let year = start; year <= end; year += 1) if (!(String(year) in returns)) missing.push(year);
  if (missing.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['accounts', 'annual_return'],
      input: returns,
      message: `has no rate for simulated year${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the map must cover ${start}-${end}, or give one rate for all years)`,
    });
  }
}

/** The return of each year of a compiled run: the one rate for every year, or the map's. */
export function accountReturns(returns: number | Record<string, number>, years: readonly number[]): [number, number][] {
  if (typeof returns === 'number') return years.map((year) => [year, returns]);
  return Object.entries(returns).map(([year, rate]) => [Number(year), rate]);
}

const percent = (rate: number): string => `${Number((rate * 100).toFixed(4))} %`;

/** Two lines for `validate`: the accounts, then the forfeitures. */
export function describeAccounts(config: {
  accounts?: { annual_return: number | Record<string, number>; distribute_on_termination: boolean } | undefined;
  forfeitures?: { timing: (typeof FORFEITURE_TIMINGS)[number]; policy: (typeof FORFEITURE_POLICIES)[number] } | undefined;
}): { accounts: string; forfeitures: string } {
  const r = config.accounts?.annual_return ?? 0;
  const returns =
    typeof r === 'number'
      ? `return ${percent(r)} a year`
      : `return by year: ${Object.entries(r)
          .map(([year, rate]) => `${year} ${percent(rate)}`)
          .join(', ')}`;
  const leavers = config.accounts?.distribute_on_termination ? "leavers' vested balances paid out" : "leavers' balances stay invested";
  const timing = config.forfeitures?.timing === 'after_five_breaks' ? 'after five one-year breaks' : 'in the termination year';
  const use = {
    offset_employer_contributions: "used the next year against the employer's match and core (the rest carried)",
    pay_plan_expenses: 'used the next year for plan expenses',
    reallocate_to_participants: 'reallocated the next year to actives, pro rata to pay',
  }[config.forfeitures?.policy ?? 'offset_employer_contributions'];
  return { accounts: `${returns} (mid-year convention); ${leavers}`, forfeitures: `unvested money forfeited ${timing}, ${use}` };
}
