import { expect } from 'vitest';
import { ConfigError } from '../../src/errors.js';

export const REFERENCE_CONFIG = 'test/fixtures/reference_simulation_config.yaml';
export const DEFAULT_CONFIG = 'config/simulation_config.yaml';

/** The smallest valid configuration. */
export function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { simulation: { start_year: 2025, end_year: 2029 }, ...extra };
}

/** Runs `fn`, expects a ConfigError, and returns it. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** Expects exactly one issue that starts with `path: ` and returns it. */
export function issueAt(error: ConfigError, path: string): string {
  const matches = error.issues.filter((issue) => issue.startsWith(`${path}: `));
  expect(matches, `issues: ${error.issues.join(' | ')}`).toHaveLength(1);
  expect(error.message).toContain(matches[0]);
  return matches[0] as string;
}
