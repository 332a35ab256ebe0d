/**
 * The plan designs of the `simulate_<N>x<Y>@<design>` cases: each switches one feature of issues 12-14 on
 * over the bench's config (default config/simulation_config.yaml), laid over it as a batch scenario
 * file is (src/batch/merge.ts), so that its case against `simulate_<N>x<Y>` is the cost of that
 * feature. Schedules split the synthetic census (ages ~20–65, 0–30+ years of service) into bands
 * that all pay something, so every band's rows are computed.
 */
import type { Mapping } from '../batch/merge.js';

export interface BenchDesign {
  /** One line: what the design switches on. */
  description: string;
  /** Config sections laid over the bench's config. */
  overlay: Mapping;
}

export const DESIGNS = {
  match_graded_by_service: {
    description: 'match graded by years of service: 50 % of deferrals up to 6 % under 5 years, 100 % from 5',
    overlay: {
      employer_match: {
        employer_match_status: 'graded_by_service',
        graded_schedule: [
          { min_years: 0, max_years: 5, match_rate: 50, max_deferral_pct: 6 },
          { min_years: 5, max_years: null, match_rate: 100, max_deferral_pct: 6 },
        ],
      },
    },
  },
  match_tenure_graded: {
    description: 'tenure-graded match bands: 50 % up to 6 % under 5 years; from 5, 100 % of 3 % and 50 % of the next 2 %',
    overlay: {
      employer_match: {
        employer_match_status: 'tenure_graded',
        tenure_graded_bands: [
          { min_years: 0, max_years: 5, tiers: [{ employee_min: 0, employee_max: 0.06, match_rate: 0.5 }] },
          {
            min_years: 5,
            max_years: null,
            tiers: [
              { employee_min: 0, employee_max: 0.03, match_rate: 1 },
              { employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
            ],
          },
        ],
      },
    },
  },
  match_points: {
    description: 'points-based match (age + years of service): 50 % up to 6 % under 60 points, 100 % from 60',
    overlay: {
      employer_match: {
        employer_match_status: 'points_based',
        points_match_tiers: [
          { min_points: 0, max_points: 60, match_rate: 50, max_deferral_pct: 6 },
          { min_points: 60, max_points: null, match_rate: 100, max_deferral_pct: 6 },
        ],
      },
    },
  },
  core_graded_by_service: {
    description: 'core graded by years of service: 1 % for 0–4 years, 3 % from 5',
    overlay: {
      employer_core_contribution: {
        status: 'graded_by_service',
        graded_schedule: [
          { min_years: 0, max_years: 4, contribution_rate: 0.01 },
          { min_years: 5, contribution_rate: 0.03 },
        ],
      },
    },
  },
  core_points: {
    description: 'points-based core: 1 % under 60 points, 3 % from 60',
    overlay: {
      employer_core_contribution: {
        status: 'points_based',
        points_schedule: [
          { min_points: 0, max_points: 59, contribution_rate: 0.01 },
          { min_points: 60, contribution_rate: 0.03 },
        ],
      },
    },
  },
  core_age_banded: {
    description: 'age-banded core: 1 % under 40, 3 % from 40',
    overlay: {
      employer_core_contribution: {
        status: 'age_banded',
        age_schedule: [
          { min_age: 0, max_age: 40, contribution_rate: 0.01 },
          { min_age: 40, contribution_rate: 0.03 },
        ],
      },
    },
  },
  core_integration: {
    description: 'Social Security integration of the flat 1 % core: 1 % more above the wage base',
    overlay: { employer_core_contribution: { integration: { enabled: true, level_mode: 'ss_wage_base', disparity_rate: 0.01 } } },
  },
  eligibility_quarterly_entry: {
    description: 'plan entry on the first day of the quarter after eligibility (eligibility.entry_date_type: quarterly)',
    overlay: { eligibility: { entry_date_type: 'quarterly' } },
  },
  eligibility_new_hire_exclusions: {
    description: '10 % of hires drawn plan-ineligible (eligibility.new_hire_ineligible_pct)',
    overlay: { eligibility: { new_hire_ineligible_pct: 0.1 } },
  },
  employer_eligibility_age_wait: {
    description: 'employer money (match and core) from age 21 and after a 365-day wait',
    overlay: {
      employer_match: { eligibility: { minimum_age: 21, waiting_period_days: 365 } },
      employer_core_contribution: { eligibility: { minimum_age: 21, waiting_period_days: 365 } },
    },
  },
  hours_part_time: {
    description: '30 % of hires part-time (20 h a week): the 1,000-hour rule counts hours in computation periods',
    overlay: { workforce: { part_time_new_hire_pct: 0.3 } },
  },
  dc_plan: {
    description: "the 2026 Studio's dc_plan overlay: tiered match (100 % of 3 %, 50 % of the next 2 %), 3-month wait, flat 1 % core",
    overlay: {
      dc_plan: {
        eligibility_months: 3,
        match_template: 'tiered',
        match_tiers: [
          { employee_min: 0, employee_max: 0.03, match_rate: 1 },
          { employee_min: 0.03, employee_max: 0.05, match_rate: 0.5 },
        ],
        match_cap_percent: 0.04,
        match_status: 'deferral_based',
        match_min_hours_annual: 1000,
        core_enabled: true,
        core_status: 'flat',
        core_contribution_rate_percent: 1,
      },
    },
  },
  vesting_accounts: {
    description:
      'issue 14: match vesting graded over 6 years (hours-based service), core on a 3-year cliff, 6 % returns, leavers paid out, forfeitures after five breaks reallocated',
    overlay: {
      vesting: { service_method: 'hours', match: { type: 'graded', years: 6 }, core: { type: 'cliff', years: 3 } },
      accounts: { annual_return: 0.06, distribute_on_termination: true },
      forfeitures: { timing: 'after_five_breaks', policy: 'reallocate_to_participants' },
    },
  },
} satisfies Record<string, BenchDesign>;

export type DesignName = keyof typeof DESIGNS;

export const DESIGN_NAMES = Object.keys(DESIGNS) as DesignName[];

export function isDesignName(name: string): name is DesignName {
  return Object.hasOwn(DESIGNS, name);
}
