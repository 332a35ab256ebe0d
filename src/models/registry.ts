/**
 * The simulation's models, in the order a year builds them. Each model is one SQL file
 * (`sql/<layer>/<name>.sql`, a single SELECT) whose rows for the year being built replace that year's
 * rows of the table of the same name. `dependsOn` names the model tables it reads; a test checks the
 * list against the SQL text and the ordering.
 */
export const STAGES = [
  'INITIALIZATION',
  'FOUNDATION',
  'EVENT_GENERATION',
  'STATE_ACCUMULATION',
  'VALIDATION',
  'REPORTING',
  'CLEANUP',
] as const;
export type Stage = (typeof STAGES)[number];

export type Layer = 'staging' | 'foundation' | 'events' | 'dc_plan' | 'registries' | 'accounts' | 'compliance' | 'marts';

export interface ModelDefinition {
  name: string;
  layer: Layer;
  stage: Stage;
  /** Model tables read for the year being built; each is built earlier in the year. */
  dependsOn: readonly string[];
  /** Model tables read for the previous year only (the state carried into this year). */
  readsPreviousYear?: readonly string[];
  /**
   * A working table of the year being built: TEMP (never written to the database file), holding only
   * that year's rows. Each one's content reaches a kept table: the event models' rows are all in
   * `fct_yearly_events`, the pay periods are summed into the contributions and the snapshot.
   * Writing a row costs DuckDB about as much as computing it, so what nothing reads later is not kept.
   */
  scratch?: true;
}

export const MODELS: readonly ModelDefinition[] = [
  { name: 'int_baseline_workforce', layer: 'staging', stage: 'INITIALIZATION', dependsOn: [] },
  {
    name: 'int_employee_compensation_by_year',
    layer: 'staging',
    stage: 'INITIALIZATION',
    dependsOn: ['int_baseline_workforce'],
    readsPreviousYear: ['fct_workforce_snapshot'],
  },
  {
    name: 'int_effective_parameters',
    layer: 'foundation',
    stage: 'FOUNDATION',
    dependsOn: [],
  },
  {
    name: 'int_workforce_needs',
    layer: 'foundation',
    stage: 'FOUNDATION',
    dependsOn: ['int_employee_compensation_by_year'],
  },
  {
    name: 'int_workforce_needs_by_level',
    layer: 'foundation',
    stage: 'FOUNDATION',
    dependsOn: ['int_workforce_needs', 'int_employee_compensation_by_year'],
  },
  {
    name: 'int_hiring_events',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_workforce_needs_by_level', 'int_effective_parameters'],
  },
  {
    name: 'int_random_draws',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_employee_compensation_by_year', 'int_hiring_events'],
  },
  {
    name: 'int_termination_events',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_employee_compensation_by_year', 'int_workforce_needs_by_level', 'int_random_draws'],
  },
  {
    name: 'int_new_hire_termination_events',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_hiring_events', 'int_workforce_needs', 'int_random_draws'],
  },
  {
    name: 'int_merit_schedule',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_employee_compensation_by_year', 'int_termination_events', 'int_effective_parameters', 'int_random_draws'],
  },
  {
    name: 'int_promotion_events',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_employee_compensation_by_year', 'int_termination_events', 'int_merit_schedule', 'int_random_draws'],
  },
  {
    name: 'int_merit_events',
    layer: 'events',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_merit_schedule', 'int_employee_compensation_by_year', 'int_promotion_events'],
  },
  {
    name: 'int_plan_eligibility',
    layer: 'dc_plan',
    stage: 'EVENT_GENERATION',
    dependsOn: [
      'int_termination_events',
      'int_new_hire_termination_events',
      'int_employee_compensation_by_year',
      'int_hiring_events',
      'int_random_draws',
    ],
    readsPreviousYear: ['fct_workforce_snapshot'],
  },
  {
    name: 'int_match_ceilings',
    layer: 'dc_plan',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_plan_eligibility'],
  },
  {
    name: 'int_enrollment_events',
    layer: 'dc_plan',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_plan_eligibility', 'int_baseline_workforce', 'int_random_draws', 'int_match_ceilings'],
    readsPreviousYear: ['int_enrollment_state_accumulator'],
  },
  {
    name: 'int_deferral_match_response_events',
    layer: 'dc_plan',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_plan_eligibility', 'int_baseline_workforce', 'int_random_draws', 'int_match_ceilings'],
  },
  {
    name: 'int_deferral_escalation_events',
    layer: 'dc_plan',
    stage: 'EVENT_GENERATION',
    scratch: true,
    dependsOn: ['int_plan_eligibility', 'int_baseline_workforce', 'int_enrollment_events', 'int_deferral_match_response_events'],
    readsPreviousYear: ['int_deferral_rate_state_accumulator'],
  },
  {
    name: 'fct_yearly_events',
    layer: 'marts',
    stage: 'STATE_ACCUMULATION',
    dependsOn: [
      'int_termination_events',
      'int_hiring_events',
      'int_new_hire_termination_events',
      'int_promotion_events',
      'int_merit_events',
      'int_enrollment_events',
      'int_deferral_match_response_events',
      'int_deferral_escalation_events',
    ],
  },
  {
    name: 'int_enrollment_state_accumulator',
    layer: 'registries',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['fct_yearly_events', 'int_baseline_workforce', 'int_plan_eligibility'],
    readsPreviousYear: ['int_enrollment_state_accumulator'],
  },
  {
    name: 'int_deferral_rate_state_accumulator',
    layer: 'registries',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['fct_yearly_events', 'int_baseline_workforce', 'int_plan_eligibility'],
    readsPreviousYear: ['int_deferral_rate_state_accumulator'],
  },
  {
    name: 'int_compensation_periods',
    layer: 'marts',
    stage: 'STATE_ACCUMULATION',
    scratch: true,
    dependsOn: ['fct_yearly_events', 'int_employee_compensation_by_year'],
  },
  {
    name: 'int_deferral_periods',
    layer: 'dc_plan',
    stage: 'STATE_ACCUMULATION',
    scratch: true,
    dependsOn: ['int_deferral_rate_state_accumulator', 'fct_yearly_events', 'int_compensation_periods'],
  },
  {
    name: 'int_employee_contributions',
    layer: 'dc_plan',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_plan_eligibility', 'int_deferral_rate_state_accumulator', 'int_compensation_periods', 'int_deferral_periods'],
  },
  {
    name: 'int_employer_eligibility',
    layer: 'dc_plan',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_plan_eligibility', 'int_random_draws'],
    // A simulated hire's hours a week, drawn in its hire year.
    readsPreviousYear: ['fct_workforce_snapshot'],
  },
  {
    name: 'int_employee_match_calculations',
    layer: 'dc_plan',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_employee_contributions', 'int_employer_eligibility', 'int_plan_eligibility', 'int_deferral_periods'],
  },
  {
    name: 'fct_employer_match_events',
    layer: 'dc_plan',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_employee_match_calculations', 'int_plan_eligibility'],
  },
  {
    name: 'int_employer_core_contributions',
    layer: 'dc_plan',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_employee_contributions', 'int_employer_eligibility', 'int_employee_match_calculations'],
  },
  {
    name: 'int_vesting_service',
    layer: 'accounts',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_plan_eligibility', 'int_employer_eligibility'],
    // The years of service credited so far (the hours method adds this year's to them).
    readsPreviousYear: ['int_vesting_service'],
  },
  {
    name: 'int_forfeiture_reallocations',
    layer: 'accounts',
    stage: 'STATE_ACCUMULATION',
    scratch: true,
    dependsOn: ['int_employee_contributions', 'int_plan_eligibility'],
    // The forfeiture account's closing of the previous year is what is reallocated.
    readsPreviousYear: ['fct_forfeiture_account'],
  },
  {
    name: 'int_compliance_population',
    layer: 'compliance',
    stage: 'STATE_ACCUMULATION',
    dependsOn: [
      'int_plan_eligibility',
      'int_employee_contributions',
      'int_employee_match_calculations',
      'int_employer_core_contributions',
      'int_forfeiture_reallocations',
      'int_employer_eligibility',
      'int_vesting_service',
    ],
    // The look-back year's pay.
    readsPreviousYear: ['fct_workforce_snapshot'],
  },
  {
    name: 'int_top_heavy_minimum',
    layer: 'compliance',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_compliance_population', 'int_plan_eligibility', 'int_employee_contributions'],
    // The balances at the determination date, Dec 31 of the previous year.
    readsPreviousYear: ['fct_account_balances'],
  },
  {
    name: 'fct_account_balances',
    layer: 'accounts',
    stage: 'STATE_ACCUMULATION',
    dependsOn: [
      'int_baseline_workforce',
      'int_employee_contributions',
      'int_employee_match_calculations',
      'int_employer_core_contributions',
      'int_forfeiture_reallocations',
      'int_plan_eligibility',
      'int_vesting_service',
      'int_top_heavy_minimum',
    ],
    // The balances carried into the year, with a leaver's frozen vested percent and termination year.
    readsPreviousYear: ['fct_account_balances'],
  },
  {
    name: 'fct_forfeiture_account',
    layer: 'accounts',
    stage: 'STATE_ACCUMULATION',
    dependsOn: [
      'fct_account_balances',
      'int_employee_match_calculations',
      'int_employer_core_contributions',
      'int_forfeiture_reallocations',
      'int_top_heavy_minimum',
    ],
    // The account carried into the year.
    readsPreviousYear: ['fct_forfeiture_account'],
  },
  {
    name: 'fct_account_events',
    layer: 'accounts',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['fct_account_balances', 'int_employee_match_calculations', 'int_forfeiture_reallocations', 'int_plan_eligibility'],
  },
  {
    name: 'fct_workforce_snapshot',
    layer: 'marts',
    stage: 'STATE_ACCUMULATION',
    dependsOn: [
      'fct_yearly_events',
      'int_compensation_periods',
      'int_plan_eligibility',
      'int_enrollment_state_accumulator',
      'int_deferral_rate_state_accumulator',
      'int_employee_contributions',
      'int_employee_match_calculations',
      'int_employer_core_contributions',
      'int_employer_eligibility',
      'int_top_heavy_minimum',
    ],
  },
  {
    // Last: it reports on everything the year built.
    name: 'fct_compliance_tests',
    layer: 'compliance',
    stage: 'STATE_ACCUMULATION',
    dependsOn: ['int_compliance_population', 'int_top_heavy_minimum', 'int_employee_match_calculations', 'int_employer_core_contributions'],
    // The prior-year ADP/ACP method's NHCE averages of the previous year.
    readsPreviousYear: ['int_compliance_population'],
  },
];
