/**
 * The `compliance` section (issue 15): how the annual nondiscrimination, coverage and top-heavy tests
 * of fct_compliance_tests are run. The tests run every simulated year whether or not the section is
 * given; they only report, except `top_heavy_minimum: add_as_core`, which adds the top-heavy minimum
 * a non-key employee is owed to the core. Optional and absent from the canonical config when not
 * given, so a config without it keeps its hash; `complianceSettings` fills the defaults.
 *   testing_method           current_year: ADP/ACP of the NHCEs of the year; prior_year: of the year
 *                            before (3 % in the first simulated year) (Treas. Reg. 1.401(k)-2(c))
 *   top_paid_group_election  an HCE by pay must also be in the top 20 % by look-back pay (IRC 414(q)(1)(B)(ii))
 *   top_heavy_minimum        report: the 3 % minimum owed is reported only; add_as_core: it is paid as core
 */
import { z } from 'zod';

export const TESTING_METHODS = ['current_year', 'prior_year'] as const;
export const TOP_HEAVY_MINIMUM_MODES = ['report', 'add_as_core'] as const;

export const complianceSchema = z
  .strictObject({
    testing_method: z.enum(TESTING_METHODS, { error: `must be one of ${TESTING_METHODS.join(', ')}` }).default('current_year'),
    top_paid_group_election: z.boolean({ error: 'must be true or false' }).default(false),
    top_heavy_minimum: z
      .enum(TOP_HEAVY_MINIMUM_MODES, { error: `must be one of ${TOP_HEAVY_MINIMUM_MODES.join(', ')}` })
      .default('report'),
  })
  .optional();

export type ComplianceSettings = Required<NonNullable<z.output<typeof complianceSchema>>>;

/** The section as the engine reads it: the given keys, the defaults for the others. */
export function complianceSettings(section: z.output<typeof complianceSchema>): ComplianceSettings {
  return section ?? complianceSchema.unwrap().parse({});
}

/** One line for `validate`. */
export function describeCompliance(section: z.output<typeof complianceSchema>): string {
  const c = complianceSettings(section);
  return [
    `ADP/ACP by the ${c.testing_method === 'prior_year' ? 'prior' : 'current'}-year method`,
    `top-paid-group election ${c.top_paid_group_election ? 'on' : 'off'}`,
    `top-heavy minimum ${c.top_heavy_minimum === 'add_as_core' ? 'added as core' : 'reported'}`,
  ].join('; ');
}
