import type { Database } from '../db/database.js';
import { RNG_VERSION } from '../models/rng.js';
import { ENGINE_VERSION } from '../version.js';
import { writeAtomically, writeTextAtomically } from './atomic.js';
import type { ReportData } from './collect.js';
import { ensureOutDir, outputPath } from './paths.js';
import { formatMultiYearSummary, formatYearAudit } from './render/console.js';
import { complianceCsv, yearlyAggregatesCsv } from './render/csv.js';
import { auditRecord, summaryRecord, toJson } from './render/json.js';
import { writeReportWorkbook } from './render/xlsx.js';
import { readRunMetadata, type RunMetadata } from './source.js';
import type { MultiYearSummary, Reporter, YearAudit } from './types.js';

export const REPORT_FORMATS = ['console', 'json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report files, by format. Fixed names: a run's reports go into a folder of their own. */
export const REPORT_FILES = {
  console: ['summary.txt'],
  json: ['summary.json', 'year_audits.json'],
  csv: ['yearly_aggregates.csv', 'compliance_tests.csv'],
  xlsx: ['planalign_report.xlsx'],
} as const satisfies Record<ReportFormat, readonly string[]>;

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Writes the report files of `formats` into `outDir` (created when missing); returns their paths.
 * Each file is written under a temporary name and renamed: none is ever left half-written.
 *   console → summary.txt (the run summary and every year's audit, as printed)
 *   json    → summary.json (the MultiYearSummary), year_audits.json (the YearAudits), snake_case
 *   csv     → yearly_aggregates.csv (one row per year: YEARLY_AGGREGATE_COLUMNS), compliance_tests.csv
 *             (one row per year, compliance test and group: COMPLIANCE_COLUMNS)
 *   xlsx    → planalign_report.xlsx (Summary, Events summary, Workforce by year, Validation, Compliance, Metadata)
 */
export async function writeReports(outDir: string, formats: readonly ReportFormat[], report: ReportData): Promise<string[]> {
  ensureOutDir(outDir);
  const written: string[] = [];
  const write = async (name: string, text: string): Promise<void> => {
    const path = outputPath(outDir, name);
    await writeTextAtomically(path, text);
    written.push(path);
  };
  for (const format of new Set(formats)) {
    switch (format) {
      case 'console':
        await write(
          REPORT_FILES.console[0],
          [formatMultiYearSummary(report.summary), ...report.audits.map(formatYearAudit)].join('\n'),
        );
        break;
      case 'json':
        await write(REPORT_FILES.json[0], toJson(summaryRecord(report.summary)));
        await write(REPORT_FILES.json[1], toJson(report.audits.map(auditRecord)));
        break;
      case 'csv':
        await write(REPORT_FILES.csv[0], yearlyAggregatesCsv(report.summary.workforceProgression));
        await write(REPORT_FILES.csv[1], complianceCsv(report.summary.compliance));
        break;
      case 'xlsx': {
        const path = outputPath(outDir, REPORT_FILES.xlsx[0]);
        await writeAtomically(path, (temp) => writeReportWorkbook(temp, report));
        written.push(path);
        break;
      }
    }
  }
  return written;
}

/**
 * Metadata when no database is at hand: what the summary carries plus this engine's versions. The
 * config and census paths and the parameters are then unknown.
 */
export function metadataFromSummary(summary: MultiYearSummary, duckdbVersion = 'unknown'): RunMetadata {
  return {
    runId: summary.runId,
    engineVersion: ENGINE_VERSION,
    rngVersion: RNG_VERSION,
    configHash: summary.configHash,
    censusHash: summary.censusHash,
    parametersHash: summary.parametersHash,
    configPath: null,
    censusPath: null,
    scenarioId: '',
    planDesignId: '',
    seed: summary.seed,
    startYear: summary.startYear,
    endYear: summary.endYear,
    startedAt: summary.startTime,
    finishedAt: null,
    status: '',
    duckdbVersion,
    parameters: [],
  };
}

export interface FileReporterOptions {
  /**
   * The run's database, for the Metadata sheet (paths, versions, resolved parameters). A function is
   * read when the run ends (e.g. `() => orchestrator.database`). Without it the sheet holds what the
   * summary carries.
   */
  database?: Database | (() => Database | undefined);
}

export interface FileReporter extends Reporter {
  /** The files written by the last onRunEnd. */
  readonly written: readonly string[];
}

/** A Reporter that writes the report files of `formats` into `outDir` when the run ends. */
export function createFileReporter(
  outDir: string,
  formats: readonly ReportFormat[] = ['json', 'csv', 'xlsx'],
  options: FileReporterOptions = {},
): FileReporter {
  let written: string[] = [];
  return {
    name: 'files',
    get written() {
      return written;
    },
    async onRunEnd(summary: MultiYearSummary, audits: readonly YearAudit[]): Promise<void> {
      const db = typeof options.database === 'function' ? options.database() : options.database;
      const metadata = db === undefined ? metadataFromSummary(summary) : await readRunMetadata(db, summary.runId);
      written = await writeReports(outDir, formats, { summary, audits: [...audits], metadata });
    },
  };
}

/** A Reporter that prints each year's audit as the year completes, and the run summary at the end. */
export function createConsoleReporter(out: { write(text: string): unknown } = process.stdout): Reporter {
  return {
    name: 'console',
    onYear(audit: YearAudit): void {
      out.write(`${formatYearAudit(audit)}\n`);
    },
    onRunEnd(summary: MultiYearSummary): void {
      out.write(formatMultiYearSummary(summary));
    },
  };
}
