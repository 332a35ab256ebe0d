export {
  loadCensus,
  hashFile,
  hashCensus,
  describeIntake,
  openingBalancesNotice,
  MAX_REPORTED_PROBLEMS,
  type CensusLoadResult,
  type CensusReading,
  type ReadingSource,
} from './ingest.js';
export type { CensusIntakeOptions } from './intake.js';
export { CENSUS_SYNONYMS, describeMapping, type CensusColumnMapping, type MappedColumn } from './mapping.js';
export { readSidecar, sidecarPath, writeSidecar, SIDECAR_SUFFIX } from './sidecar.js';
export { writeProblemReport, PROBLEM_REPORT_HEADER, type CensusProblem } from './report.js';
export {
  censusRows,
  generateCensusRows,
  writeCensus,
  DEFAULT_CENSUS_AS_OF,
  GENERATED_CENSUS_COLUMNS,
  type CensusRow,
  type GenerateCensusOptions,
  type WriteCensusOptions,
} from './generate.js';
export {
  CENSUS_COLUMNS,
  REQUIRED_CENSUS_COLUMNS,
  DEFAULT_CENSUS_RATE_RULES,
  type CensusRateRules,
  type CensusColumn,
  type CensusColumnKind,
} from './columns.js';
