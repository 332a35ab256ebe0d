// Reporting: per-year audits, the multi-year summary, report files and exports. Aggregates only,
// except exportDatabase's csv/parquet files of the employee-level tables.
export type { MultiYearSummary, Reporter, ValidationOutcome, YearAudit } from './types.js';
export { summarizeYear, yearSummaryMetric, YEAR_SUMMARY_METRIC_FIELDS, type YearSummary } from './year-summary.js';
export { YEARLY_AGGREGATE_COLUMNS, WORKFORCE_ANALYSIS_COLUMNS, type ColumnDoc, type ReportColumn } from './columns.js';
export { YearAuditor } from './year-auditor.js';
export { MultiYearReporter, growthAnalysis, type SummarizeOptions } from './multi-year-reporter.js';
export { collectReport, type ReportData } from './collect.js';
export {
  createConsoleReporter,
  createFileReporter,
  writeReports,
  REPORT_FILES,
  REPORT_FORMATS,
  type FileReporter,
  type FileReporterOptions,
  type ReportFormat,
} from './file-reporter.js';
export { exportDatabase, EXPORT_FORMATS, EXPORT_TABLES, SPREADSHEET_MAX_ROWS, type ExportFormat, type ExportResult } from './export.js';
export { analyze, analyzeEvents, analyzeWorkforce, ANALYSIS_TARGETS, type Analysis, type AnalysisTarget } from './analysis.js';
export { writeAnalysis, type AnalysisExportFormat } from './analysis-export.js';
export { openSimulationDatabase, readRunMetadata, type RunMetadata, type RunRecord } from './source.js';
export { formatMultiYearSummary, formatYearAudit } from './render/console.js';
export { yearlyAggregatesCsv } from './render/csv.js';
export { buildReportWorkbook, REPORT_SHEETS } from './render/xlsx.js';
