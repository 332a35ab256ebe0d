import { pctToFraction } from '../../config/units.js';
import { fileRecord, YEARLY_AGGREGATE_COLUMNS } from '../columns.js';
import { complianceJson } from '../compliance.js';
import type { MultiYearSummary, YearAudit } from '../types.js';

/** JSON rendering: pretty-printed, ending in a newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * summary.json: the run summary with snake_case keys, the headline metrics under their ids and the
 * units of the files (rates as fractions, money to the cent).
 */
export function summaryRecord(summary: MultiYearSummary): Record<string, unknown> {
  const g = summary.growthAnalysis;
  const hashGroups = (groups: MultiYearSummary['inputs']['config']) => groups.map((h) => ({ hash: h.hash, years: h.years }));
  return {
    run_id: summary.runId,
    start_year: summary.startYear,
    end_year: summary.endYear,
    seed: summary.seed,
    config_hash: summary.configHash,
    census_hash: summary.censusHash,
    parameters_hash: summary.parametersHash,
    inputs: {
      config: hashGroups(summary.inputs.config),
      census: hashGroups(summary.inputs.census),
      parameters: hashGroups(summary.inputs.parameters),
    },
    workforce_progression: summary.workforceProgression.map((y) => fileRecord(YEARLY_AGGREGATE_COLUMNS, y)),
    growth_analysis: {
      starting_actives: g.startingActives,
      ending_actives: g.endingActives,
      total_growth_rate: pctToFraction(g.totalGrowthPct),
      cagr: pctToFraction(g.cagrPct),
    },
    event_totals: summary.eventTotals,
    employer_cost: {
      total_employer_plan_cost: summary.employerCost.total,
      forfeitures_used: summary.employerCost.forfeituresUsed,
      net_employer_plan_cost: summary.employerCost.net,
      by_year: summary.employerCost.byYear.map((y) => ({
        year: y.year,
        employer_match_cost: y.match,
        employer_core_cost: y.core,
        total_employer_plan_cost: y.total,
        forfeitures_used: y.forfeituresUsed,
        net_employer_plan_cost: y.net,
      })),
    },
    compliance: summary.compliance.map(complianceJson),
    start_time: summary.startTime,
    generated_at: summary.generatedAt,
  };
}

/** year_audits.json: each year's figures (as yearly_aggregates.csv), breakdowns and validation results. */
export function auditRecord(audit: YearAudit): Record<string, unknown> {
  return {
    year: audit.year,
    figures: fileRecord(YEARLY_AGGREGATE_COLUMNS, audit.summary),
    workforce_by_status: audit.workforceByStatus.map((s) => ({ status: s.status, count: s.count })),
    events_by_type: audit.eventsByType.map((e) => ({ event_type: e.eventType, count: e.count })),
    growth: {
      starting_actives: audit.growth.startingActives,
      ending_actives: audit.growth.endingActives,
      net_change: audit.growth.netChange,
      growth_rate: pctToFraction(audit.growth.growthPct),
    },
    validation: audit.validation.map((v) => ({ rule: v.rule, severity: v.severity, violations: v.violations, description: v.description })),
    compliance: audit.compliance.map(complianceJson),
  };
}
