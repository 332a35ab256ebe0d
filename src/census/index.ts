export { loadCensus, hashFile, MAX_REPORTED_PROBLEMS, type CensusLoadResult } from './ingest.js';
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
