/**
 * The plan designs in words, for `planalign validate` (text and --json): each by the function of the
 * part that owns it (match, core, plan eligibility, employer-money eligibility, vesting, accounts and
 * forfeitures, compliance tests), then per plan-design
 * section which era's meaning applies, and the YAML keys the dc_plan overlay set. Kept apart from
 * summary.ts, whose formatPercent the describing functions import.
 */
import { describeMatchDesign } from '../params/match-describe.js';
import { describeAccounts } from './accounts.js';
import { describeCompliance } from './compliance.js';
import { describeCore } from './core-describe.js';
import { describeEmployerEligibility } from './employer-eligibility.js';
import { describeEra } from './era.js';
import type { LoadedConfig } from './load.js';
import { describeEligibility } from './plan-eligibility.js';
import type { SimulationConfig } from './schema.js';
import { describeVesting } from './vesting.js';

export interface PlanDesigns {
  employer_match: string;
  employer_core_contribution: string;
  plan_eligibility: string;
  /** One line per block (match, core) and on how service is counted. */
  employer_eligibility: string[];
  vesting: string;
  accounts: string;
  forfeitures: string;
  compliance: string;
}

export function describeDesigns(c: SimulationConfig): PlanDesigns {
  return {
    employer_match: describeMatchDesign(c),
    employer_core_contribution: describeCore(c.employer_core_contribution),
    plan_eligibility: describeEligibility(c),
    employer_eligibility: describeEmployerEligibility(c),
    vesting: describeVesting(c),
    ...describeAccounts(c),
    compliance: describeCompliance(c.compliance),
  };
}

/** The designs, the era of each section (with the 2026 keys that make it 2026) and what dc_plan set. */
export function describePlanDesign(loaded: Pick<LoadedConfig, 'config' | 'eras' | 'dcPlan'>): string[] {
  const designs = describeDesigns(loaded.config);
  const lines = [
    'Plan design:',
    `  Employer match:      ${designs.employer_match}`,
    `  Employer core:       ${designs.employer_core_contribution}`,
    `  Plan eligibility:    ${designs.plan_eligibility}`,
    '  Employer money eligibility:',
    ...designs.employer_eligibility.map((line) => `    ${line}`),
    `  Vesting:             ${designs.vesting}`,
    `  Accounts:            ${designs.accounts}`,
    `  Forfeitures:         ${designs.forfeitures}`,
    `  Compliance tests:    ${designs.compliance}`,
    'Plan-design eras (absent keys keep their 2025 defaults):',
    ...loaded.eras.map((e) => `  - ${describeEra(e)}`),
  ];
  if (loaded.dcPlan.length > 0) {
    lines.push('Set by dc_plan (it overrides the YAML):', ...loaded.dcPlan.map((d) => `  - ${d.key}: from ${d.source}`));
  }
  return lines;
}
