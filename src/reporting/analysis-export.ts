import type { Analysis } from './analysis.js';
import { writeAtomically, writeTextAtomically } from './atomic.js';
import { ensureOutDir, outputPath } from './paths.js';
import { complianceCsv, eventsAnalysisCsv, workforceAnalysisCsv } from './render/csv.js';
import { writeAnalysisWorkbook } from './render/xlsx.js';

export const ANALYSIS_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type AnalysisExportFormat = (typeof ANALYSIS_EXPORT_FORMATS)[number];

export function isAnalysisExportFormat(value: string): value is AnalysisExportFormat {
  return (ANALYSIS_EXPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Writes an analysis as `<target>_analysis.<csv|xlsx>` into `outDir` (created when missing), under a
 * temporary name renamed when complete; returns the path. `stamp` dates the workbook: the analysed
 * run's end, so the same database gives the same file.
 */
export async function writeAnalysis(outDir: string, analysis: Analysis, format: AnalysisExportFormat, stamp: Date): Promise<string> {
  ensureOutDir(outDir);
  const path = outputPath(outDir, `${analysis.target}_analysis.${format}`);
  if (format === 'xlsx') {
    await writeAtomically(path, (temp) => writeAnalysisWorkbook(temp, analysis, stamp));
  } else {
    const csv =
      analysis.target === 'workforce' ? workforceAnalysisCsv(analysis) : analysis.target === 'events' ? eventsAnalysisCsv(analysis) : complianceCsv(analysis.rows);
    await writeTextAtomically(path, csv);
  }
  return path;
}
