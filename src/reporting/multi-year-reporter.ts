import type { Database } from '../db/database.js';
import { DatabaseStateError } from '../errors.js';
import { readComplianceResults } from './compliance.js';
import { singleHash, yearInputs } from './inputs.js';
import { cents } from './metrics.js';
import { readRun, simulatedYears } from './source.js';
import type { MultiYearSummary } from './types.js';
import { compareText } from './year-auditor.js';
import { summarizeYear, type YearSummary } from './year-summary.js';

export interface SummarizeOptions {
  runId: string;
  startYear: number;
  endYear: number;
  startTime: Date;
  generatedAt: Date;
}

/** Growth over a span of simulated years; see `growthAnalysis`. */
export type GrowthAnalysis = MultiYearSummary['growthAnalysis'];

/**
 * Growth over the simulated years, from the start-of-year population of the first year
 * (`startingActives`) to the year-end actives of the last (`endingActives`). The span is
 * `years` = endYear − startYear + 1 simulated years, so
 *   totalGrowthPct = (end − start) / start × 100   (as summarizeYear computes a year's growth)
 *   cagrPct        = ((end / start)^(1 / years) − 1) × 100.
 * With no starting population both are 0.
 */
export function growthAnalysis(startingActives: number, endingActives: number, years: number): GrowthAnalysis {
  if (startingActives <= 0 || years <= 0) return { startingActives, endingActives, totalGrowthPct: 0, cagrPct: 0 };
  return {
    startingActives,
    endingActives,
    totalGrowthPct: ((endingActives - startingActives) / startingActives) * 100,
    cagrPct: ((endingActives / startingActives) ** (1 / years) - 1) * 100,
  };
}

/** The multi-year summary of a run, read from the output tables. */
export class MultiYearReporter {
  constructor(private readonly db: Database) {}

  async summarize(opts: SummarizeOptions): Promise<MultiYearSummary> {
    const { runId, startYear, endYear } = opts;
    if (!Number.isInteger(startYear) || !Number.isInteger(endYear) || endYear < startYear) {
      throw new RangeError(`Invalid year span ${startYear}-${endYear}`);
    }
    const run = await readRun(this.db, runId);
    const available = new Set(await simulatedYears(this.db));
    const workforceProgression: YearSummary[] = [];
    for (let year = startYear; year <= endYear; year += 1) {
      if (!available.has(year)) {
        throw new DatabaseStateError(`Year ${year} is not simulated in database ${this.db.path}`, {
          file: this.db.path,
          simulationYear: year,
        });
      }
      workforceProgression.push(await summarizeYear(this.db, year));
    }
    const first = workforceProgression[0] as YearSummary;
    const last = workforceProgression[workforceProgression.length - 1] as YearSummary;
    const inputs = await yearInputs(this.db, startYear, endYear);
    const byYear = workforceProgression.map((y) => ({
      year: y.year,
      match: cents(y.employerMatch),
      core: cents(y.employerCore),
      total: cents(y.employerCost),
      forfeituresUsed: cents(y.forfeituresUsed),
      net: cents(y.netEmployerCost),
    }));
    return {
      runId,
      startYear,
      endYear,
      seed: run.seed,
      configHash: singleHash(inputs.config, run.configHash),
      censusHash: singleHash(inputs.census, run.censusHash),
      parametersHash: singleHash(inputs.parameters, run.parametersHash),
      inputs,
      workforceProgression,
      growthAnalysis: growthAnalysis(first.startingActives, last.activeHeadcount, endYear - startYear + 1),
      participationTrend: workforceProgression.map((y) => ({
        year: y.year,
        participationRate: y.participationRate,
        averageDeferralRate: y.averageDeferralRate,
      })),
      eventTotals: await this.eventTotals(startYear, endYear),
      employerCost: {
        total: cents(byYear.reduce((sum, y) => sum + y.total, 0)),
        forfeituresUsed: cents(byYear.reduce((sum, y) => sum + y.forfeituresUsed, 0)),
        net: cents(byYear.reduce((sum, y) => sum + y.net, 0)),
        byYear,
      },
      compliance: await readComplianceResults(this.db, { from: startYear, to: endYear }),
      startTime: opts.startTime.toISOString(),
      generatedAt: opts.generatedAt.toISOString(),
    };
  }

  /** Events by type over the years (fct_yearly_events, plus the employer match events as 'employer_match'). */
  private async eventTotals(startYear: number, endYear: number): Promise<Record<string, number>> {
    const rows = await this.db.all<{ type: string; n: number }>(
      `SELECT event_type AS type, count(*)::INTEGER AS n FROM fct_yearly_events
       WHERE simulation_year BETWEEN $1 AND $2 GROUP BY 1`,
      [startYear, endYear],
    );
    if (await this.db.tableExists('fct_employer_match_events')) {
      const match = await this.db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM fct_employer_match_events WHERE simulation_year BETWEEN $1 AND $2`,
        [startYear, endYear],
      );
      if (match !== undefined && match.n > 0) rows.push({ type: 'employer_match', n: match.n });
    }
    rows.sort((a, b) => compareText(a.type, b.type));
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  }
}
