import type { Database } from '../db/database.js';
import type { RuleResult } from '../validation/rules.js';
import { readComplianceResults } from './compliance.js';
import { readYearMetrics } from './metrics.js';
import type { ValidationOutcome, YearAudit } from './types.js';
import { readYearCounts, yearSummaryOf } from './year-summary.js';

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info']);

/**
 * The audit of one simulated year, read from the output tables. The headline and plan figures come
 * from `readYearMetrics`, the summary's counts and the breakdowns from `readYearCounts` (one statement
 * each).
 */
export class YearAuditor {
  constructor(private readonly db: Database) {}

  /** `validation`: the year's rule results when the caller just checked them (else read back). */
  async audit(year: number, validation?: readonly RuleResult[]): Promise<YearAudit> {
    const [metrics] = await readYearMetrics(this.db, { from: year, to: year });
    if (metrics === undefined) throw new Error(`No summary for year ${year}`);
    const counts = await readYearCounts(this.db, year);
    const summary = yearSummaryOf(metrics, counts);
    // A migrated database may lack some.
    const tables = await this.db.storedTables(['fct_employer_match_events', 'planalign_validation_results']);
    return {
      year,
      summary,
      workforceByStatus: counts.workforceByStatus,
      eventsByType: await this.eventsByType(year, counts.eventsByType, tables.has('fct_employer_match_events')),
      // Starting actives = the year's start-of-year population (snapshot rows less the year's hires),
      // ending actives = the active snapshot rows: both as readYearMetrics counted them.
      growth: {
        startingActives: summary.startingActives,
        endingActives: summary.activeHeadcount,
        netChange: summary.activeHeadcount - summary.startingActives,
        growthPct: summary.growthPct,
      },
      plan: {
        participationRate: summary.participationRate,
        averageDeferralRate: summary.averageDeferralRate,
        employeeContributions: summary.employeeContributions,
        employerMatch: summary.employerMatch,
        employerCore: summary.employerCore,
        employerCost: summary.employerCost,
        netEmployerCost: summary.netEmployerCost,
        forfeitures: summary.forfeitures,
        forfeituresUsed: summary.forfeituresUsed,
        forfeituresReallocated: summary.forfeituresReallocated,
        forfeitureAccountBalance: summary.forfeitureAccountBalance,
        accountBalances: summary.accountBalances,
      },
      validation:
        validation === undefined
          ? tables.has('planalign_validation_results')
            ? await this.validation(year)
            : []
          : validation
              .map((r) => ({ rule: r.rule, severity: r.severity, violations: r.violations, description: r.description }))
              .sort((a, b) => compareText(a.rule, b.rule)),
      compliance: await readComplianceResults(this.db, { from: year, to: year }),
    };
  }

  private async eventsByType(year: number, events: YearAudit['eventsByType'], hasMatch: boolean): Promise<YearAudit['eventsByType']> {
    const rows = [...events];
    if (hasMatch) {
      const match = await this.db.one<{ count: number }>(
        `SELECT count(*)::INTEGER AS count FROM fct_employer_match_events WHERE simulation_year = $1`,
        [year],
      );
      if (match !== undefined && match.count > 0) rows.push({ eventType: 'employer_match', count: match.count });
    }
    return rows.sort((a, b) => compareText(a.eventType, b.eventType));
  }

  /** The rules of the latest run that validated this year (latest check time); [] when none did. */
  private async validation(year: number): Promise<ValidationOutcome[]> {
    const rows = await this.db.all<{ rule: string; severity: string; violations: string; description: string | null }>(
      `WITH latest AS (
         SELECT run_id FROM planalign_validation_results WHERE simulation_year = $1
         ORDER BY checked_at DESC, run_id DESC LIMIT 1)
       SELECT rule, severity, violations::VARCHAR AS violations, description
       FROM planalign_validation_results
       WHERE simulation_year = $1 AND run_id = (SELECT run_id FROM latest)
       QUALIFY row_number() OVER (PARTITION BY rule ORDER BY checked_at DESC) = 1
       ORDER BY rule`,
      [year],
    );
    return rows.map((r) => ({
      rule: r.rule,
      severity: (SEVERITIES.has(r.severity) ? r.severity : 'info') as ValidationOutcome['severity'],
      violations: Number(r.violations),
      description: r.description ?? '',
    }));
  }
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
