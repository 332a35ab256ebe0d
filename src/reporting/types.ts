import type { ComplianceResult } from './compliance.js';
import type { YearInputs } from './inputs.js';
import type { YearSummary } from './year-summary.js';

/** One validation rule's outcome for a year, as recorded in planalign_validation_results. */
export interface ValidationOutcome {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  violations: number;
  description: string;
}

/** The audit of one simulated year (YearAuditor). Money in dollars. */
export interface YearAudit {
  year: number;
  summary: YearSummary;
  /** Snapshot rows by detailed_status_code. */
  workforceByStatus: Array<{ status: string; count: number }>;
  /** fct_yearly_events rows by event_type (and the employer match events as 'employer_match'). */
  eventsByType: Array<{ eventType: string; count: number }>;
  growth: { startingActives: number; endingActives: number; netChange: number; growthPct: number };
  plan: Pick<
    YearSummary,
    | 'participationRate'
    | 'averageDeferralRate'
    | 'employeeContributions'
    | 'employerMatch'
    | 'employerCore'
    | 'employerCost'
    | 'netEmployerCost'
    | 'forfeitures'
    | 'forfeituresUsed'
    | 'forfeituresReallocated'
    | 'forfeitureAccountBalance'
    | 'accountBalances'
  >;
  validation: ValidationOutcome[];
  /** The year's compliance tests (fct_compliance_tests; [] in a database from before them). */
  compliance: ComplianceResult[];
}

/** What a multi-year run returns and the reporters render (MultiYearReporter). */
export interface MultiYearSummary {
  runId: string;
  startYear: number;
  endYear: number;
  seed: number;
  /** The hash every year was computed under (from its checkpoint), or 'mixed': see `inputs`. */
  configHash: string;
  censusHash: string;
  parametersHash: string;
  /** Which years were computed under which config, census and parameter tables. */
  inputs: YearInputs;
  workforceProgression: YearSummary[];
  growthAnalysis: { startingActives: number; endingActives: number; totalGrowthPct: number; cagrPct: number };
  participationTrend: Array<{ year: number; participationRate: number; averageDeferralRate: number }>;
  eventTotals: Record<string, number>;
  /** total: match + core; net: total less the forfeitures used (net_employer_plan_cost). */
  employerCost: {
    total: number;
    forfeituresUsed: number;
    net: number;
    byYear: Array<{ year: number; match: number; core: number; total: number; forfeituresUsed: number; net: number }>;
  };
  /** The compliance tests of every year (pass/fail and margins). */
  compliance: ComplianceResult[];
  startTime: string;
  generatedAt: string;
}

/** A pluggable reporter: runs after each year (inside the run, after the year committed) and at the end. */
export interface Reporter {
  name: string;
  onYear?(audit: YearAudit): void | Promise<void>;
  onRunEnd?(summary: MultiYearSummary, audits: readonly YearAudit[]): void | Promise<void>;
}
