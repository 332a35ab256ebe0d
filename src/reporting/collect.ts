import type { Database } from '../db/database.js';
import { MultiYearReporter } from './multi-year-reporter.js';
import { latestRun, readRunMetadata, requireSimulatedYears, type RunMetadata } from './source.js';
import type { MultiYearSummary, YearAudit } from './types.js';
import { YearAuditor } from './year-auditor.js';

/** Everything the report files are rendered from: aggregates only, never employee rows. */
export interface ReportData {
  summary: MultiYearSummary;
  audits: YearAudit[];
  metadata: RunMetadata;
}

/**
 * Reads the report of a finished database: its latest run, over the years the output tables hold
 * (an interrupted run reports the years it completed), or over `options.years` of them.
 */
export async function collectReport(db: Database, options: { generatedAt?: Date; years?: readonly number[] } = {}): Promise<ReportData> {
  const years = options.years ?? (await requireSimulatedYears(db));
  const run = await latestRun(db);
  const startYear = years[0] as number;
  const endYear = years[years.length - 1] as number;
  const summary = await new MultiYearReporter(db).summarize({
    runId: run.runId,
    startYear,
    endYear,
    startTime: new Date(run.startedAt),
    generatedAt: options.generatedAt ?? new Date(),
  });
  const auditor = new YearAuditor(db);
  const audits: YearAudit[] = [];
  for (const year of years) audits.push(await auditor.audit(year));
  return { summary, audits, metadata: await readRunMetadata(db, run.runId) };
}
