import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { configError, issueAt, minimal } from '../config/helpers.js';

/** enrollment.match_magnet (reference-plan-design.md §0.3, §6): the era rule for its defaults, and its bounds. */

const magnet = (fields: Record<string, unknown> | undefined) =>
  parseConfig(minimal(fields === undefined ? {} : { enrollment: { match_magnet: fields } })).config.enrollment.match_magnet;

describe('enrollment.match_magnet', () => {
  it('absent: the 2025 meaning (no magnet); present, even empty: the 2026 defaults, enabled', () => {
    expect(magnet(undefined)).toBeUndefined();
    expect(magnet({})).toEqual({ enabled: true, snap_probability: 0.45, max_deferral_rate: 0.1 });
    expect(magnet({ enabled: false })).toEqual({ enabled: false, snap_probability: 0.45, max_deferral_rate: 0.1 });
  });

  it('refuses values out of range and unknown keys, naming the key', () => {
    const error = (fields: Record<string, unknown>) =>
      configError(() => parseConfig(minimal({ enrollment: { match_magnet: fields } }), { source: 'test.yaml' }));
    expect(issueAt(error({ snap_probability: 1.5 }), 'enrollment.match_magnet.snap_probability')).toContain('must be between 0 and 1');
    expect(issueAt(error({ max_deferral_rate: 0 }), 'enrollment.match_magnet.max_deferral_rate')).toContain('must be between 0.01 and 1');
    expect(error({ snap: 0.5 }).message).toContain('enrollment.match_magnet');
  });
});
