import { Option } from '@commander-js/extra-typings';
import type { CensusIntakeOptions } from '../census/intake.js';
import { UsageError } from '../errors.js';

/** `2025` or `2025-2029`. */
export function parseYears(text: string): { startYear: number; endYear: number } {
  const match = /^(\d{4})(?:\s*[-:]\s*(\d{4}))?$/.exec(text.trim());
  if (!match) throw new UsageError(`Years must be YYYY or YYYY-YYYY, got "${text}"`);
  const startYear = Number(match[1]);
  const endYear = match[2] === undefined ? startYear : Number(match[2]);
  if (endYear < startYear) throw new UsageError(`End year ${endYear} is before start year ${startYear}`);
  return { startYear, endYear };
}

export function parseInteger(text: string, option: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${option} must be a whole number, got "${text}"`);
  return Number(text);
}

/** A rate written `3%` or `0.03`, as a fraction; `signed` also takes a negative one. `expected` names
 *  the option and an example for the error. */
export function parseRate(text: string, expected: string, signed = false): number {
  const match = (signed ? /^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/ : /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/).exec(text);
  if (!match) throw new UsageError(`${expected}, got "${text}"`);
  const value = Number(match[1]);
  return match[2] === '%' ? value / 100 : value;
}

/** `3.5%` or `0.035`: a growth rate as a fraction. */
export function parseGrowth(text: string): number {
  return parseRate(text, '--growth must be a rate such as 3.5% or 0.035', true);
}

/** `0.03` or `3%`: an annual discount rate as a fraction, 0 ≤ r < 1. */
export function parseDiscountRate(text: string): number {
  const value = parseRate(text, '--discount-rate must be a rate ≥ 0 such as 0.03 or 3%');
  if (value >= 1) throw new UsageError(`--discount-rate must be below 100 %, got "${text}" (for 3 % a year write 0.03 or 3%)`);
  return value;
}

/**
 * The census intake flags, defined once for `census check`, `simulate` and `batch`: how the census
 * file is read. They win over its sidecar (`<census>.planalign.yaml`), key by key (docs/CENSUS.md).
 */
export function censusIntakeFlags(): Option[] {
  return [
    new Option('--separator <char>', 'census CSV field separator: one character, or "tab" (default: the sidecar\'s, else sniffed among , ; tab |)'),
    new Option('--decimal-comma', 'census amounts use a decimal comma (1.234,56 or 1 234,56)'),
    new Option('--no-decimal-comma', 'census amounts use a decimal point (1,234.56), whatever the sidecar says'),
    new Option('--date-order <order>', 'census dates that are not YYYY-MM-DD: us (month/day/year) or day-first (default: the sidecar\'s, else sniffed)').choices(['us', 'day-first']),
    new Option('--sheet <name>', 'the XLSX census sheet to read (default: the first)'),
    new Option('--rate-unit <unit>', 'census deferral rates in percent (6 = 6 %) or fraction (0.06 = 6 %) (default: the sidecar\'s rate_unit, else deferral_rates.normalize_percentages)').choices(['percent', 'fraction']),
  ];
}

/** The values of censusIntakeFlags as commander gives them. */
export interface CensusIntakeFlags {
  separator?: string;
  decimalComma?: boolean;
  dateOrder?: string;
  sheet?: string;
  rateUnit?: string;
}

/** The flags as intake options (only those given, so the sidecar's apply to the rest). */
export function parseCensusIntake(flags: CensusIntakeFlags, reportErrors?: string): CensusIntakeOptions {
  const options: CensusIntakeOptions = {};
  if (flags.separator !== undefined) {
    const separator = flags.separator.toLowerCase() === 'tab' || flags.separator === '\\t' ? '\t' : flags.separator;
    if (separator.length !== 1) throw new UsageError(`--separator must be one character or "tab", got "${flags.separator}"`);
    options.separator = separator;
  }
  if (flags.decimalComma !== undefined) options.decimalComma = flags.decimalComma;
  if (flags.dateOrder !== undefined) options.dateOrder = flags.dateOrder as 'us' | 'day-first';
  if (flags.sheet !== undefined) options.sheet = flags.sheet;
  if (flags.rateUnit !== undefined) options.rateUnit = flags.rateUnit as 'percent' | 'fraction';
  if (reportErrors !== undefined) options.reportErrors = reportErrors;
  return options;
}

/** `--report-errors FILE`, for the commands that load a census. */
export const REPORT_ERRORS_HELP = 'write every census problem to FILE as CSV (line, column, value, problem), the census refused or not';
