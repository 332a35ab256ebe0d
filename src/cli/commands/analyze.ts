import { ExitCode, UsageError } from '../../errors.js';
import { ANALYSIS_TARGETS, analyze, isAnalysisTarget } from '../../reporting/analysis.js';
import { ANALYSIS_EXPORT_FORMATS, isAnalysisExportFormat, writeAnalysis } from '../../reporting/analysis-export.js';
import { formatComplianceAnalysis, formatEventsAnalysis, formatWorkforceAnalysis } from '../../reporting/render/console.js';
import { complianceJson } from '../../reporting/compliance.js';
import { toJson } from '../../reporting/render/json.js';
import { openSimulationDatabase, runStamp } from '../../reporting/source.js';

export interface AnalyzeCommandOptions {
  database: string;
  export?: string;
  out?: string;
  json?: boolean;
}

export const DEFAULT_ANALYSIS_OUT = 'reports';

/**
 * `planalign analyze [workforce|events|compliance]`: the per-year workforce table (default), the year ×
 * event type counts or the compliance tests per year (pass/fail and margins), printed as a table or
 * JSON; `--export csv|xlsx` also writes it into `--out`.
 */
export async function analyzeCommand(target: string | undefined, options: AnalyzeCommandOptions): Promise<number> {
  const what = (target ?? 'workforce').trim().toLowerCase();
  if (!isAnalysisTarget(what)) {
    throw new UsageError(`Unknown analysis "${target}": expected ${ANALYSIS_TARGETS.slice(0, -1).join(', ')} or ${ANALYSIS_TARGETS.at(-1)}`);
  }
  const exportFormat = options.export?.trim().toLowerCase();
  if (exportFormat !== undefined && !isAnalysisExportFormat(exportFormat)) {
    throw new UsageError(`--export must be one of ${ANALYSIS_EXPORT_FORMATS.join(', ')}, got "${options.export}"`);
  }
  const db = await openSimulationDatabase(options.database);
  let analysis;
  let stamp: Date;
  try {
    analysis = await analyze(db, what);
    // The workbook is dated by the run it analyses, so the same database gives the same file.
    stamp = await runStamp(db);
  } finally {
    db.close();
  }
  if (options.json) {
    process.stdout.write(toJson(analysis.target === 'compliance' ? { target: analysis.target, rows: analysis.rows.map(complianceJson) } : analysis));
  } else {
    process.stdout.write(
      analysis.target === 'workforce'
        ? formatWorkforceAnalysis(analysis)
        : analysis.target === 'events'
          ? formatEventsAnalysis(analysis)
          : formatComplianceAnalysis(analysis),
    );
  }
  if (exportFormat !== undefined) {
    const path = await writeAnalysis(options.out ?? DEFAULT_ANALYSIS_OUT, analysis, exportFormat, stamp);
    // With --json, stdout stays pure JSON.
    (options.json ? process.stderr : process.stdout).write(`Wrote ${path}\n`);
  }
  return ExitCode.Success;
}
