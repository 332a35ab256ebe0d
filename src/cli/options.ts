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

/** `3.5%` or `0.035`: a growth rate as a fraction. */
export function parseGrowth(text: string): number {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!match) throw new UsageError(`--growth must be a rate such as 3.5% or 0.035, got "${text}"`);
  const value = Number(match[1]);
  return match[2] === '%' ? value / 100 : value;
}
