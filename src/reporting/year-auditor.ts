import type { Database } from '../db/database.js';
import type { ValidationOutcome, YearAudit } from './types.js';
import { summarizeYear } from './year-summary.js';

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info']);

/**
 * The audit of one simulated year, read from the output tables. The headline and plan figures come
 * from `summarizeYear` (computed once); the audit adds the breakdowns behind them.
 */
export class YearAuditor {
  constructor(private readonly db: Database) {}

  async audit(year: number): Promise<YearAudit> {
    const summary = await summarizeYear(this.db, year);
    return {
      year,
      summary,
      workforceByStatus: await this.workforceByStatus(year),
      eventsByType: await this.eventsByType(year),
      // Starting actives = the year's start-of-year population (snapshot rows less the year's hires),
      // ending actives = the active snapshot rows: both as summarizeYear counted them.
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
      },
      validation: await this.validation(year),
    };
  }

  private async workforceByStatus(year: number): Promise<YearAudit['workforceByStatus']> {
    return this.db.all<{ status: string; count: number }>(
      `SELECT coalesce(detailed_status_code, 'unknown') AS status, count(*)::INTEGER AS count
       FROM fct_workforce_snapshot WHERE simulation_year = $1 GROUP BY 1 ORDER BY 1`,
      [year],
    );
  }

  private async eventsByType(year: number): Promise<YearAudit['eventsByType']> {
    const rows = await this.db.all<{ eventType: string; count: number }>(
      `SELECT event_type AS "eventType", count(*)::INTEGER AS count
       FROM fct_yearly_events WHERE simulation_year = $1 GROUP BY 1`,
      [year],
    );
    if (await this.db.tableExists('fct_employer_match_events')) {
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
    if (!(await this.db.tableExists('planalign_validation_results'))) return [];
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
