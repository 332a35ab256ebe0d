import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { configError, issueAt, minimal } from '../config/helpers.js';

/** deferral_match_response (reference-plan-design.md §7): defaults, the share sums, the keys read by nothing. */

const parse = (fields: Record<string, unknown> | undefined) =>
  parseConfig(minimal(fields === undefined ? {} : { deferral_match_response: fields }));
const error = (fields: Record<string, unknown>) =>
  configError(() => parseConfig(minimal({ deferral_match_response: fields }), { source: 'test.yaml' }));
const R = 'deferral_match_response';

describe('deferral_match_response', () => {
  it('absent: no response (the 2025 meaning); present: the typed defaults, switched off unless enabled', () => {
    expect(parse(undefined).config.deferral_match_response).toBeUndefined();
    const defaults = {
      enabled: false,
      upward_participation_rate: 0.4,
      upward_maximize_rate: 0.6,
      upward_partial_increase_factor: 0.5,
      downward_enabled: true,
      downward_participation_rate: 0.15,
      downward_reduce_to_max_rate: 0.7,
      downward_partial_decrease_factor: 0.5,
    };
    expect(parse({}).config.deferral_match_response).toEqual(defaults);
    expect(parse({ enabled: true }).config.deferral_match_response).toEqual({ ...defaults, enabled: true });
  });

  it('validates the partial shares and effective_timing, then reports them as ignored', () => {
    const loaded = parse({ upward_partial_increase_rate: 0.4, downward_partial_decrease_rate: 0.3, effective_timing: 'first_year' });
    expect(loaded.ignored).toEqual(expect.arrayContaining([`${R}.upward_partial_increase_rate`, `${R}.downward_partial_decrease_rate`, `${R}.effective_timing`]));
    expect(loaded.config.deferral_match_response).not.toHaveProperty('effective_timing');
    expect(issueAt(error({ effective_timing: 'every_year' }), `${R}.effective_timing`)).toBeDefined();
    expect(issueAt(error({ upward_partial_increase_rate: 1.5 }), `${R}.upward_partial_increase_rate`)).toContain('must be between 0 and 1');
  });

  it('refuses shares that do not sum to 1 within 0.001, an absent share taking its default', () => {
    expect(issueAt(error({ upward_maximize_rate: 0.8 }), `${R}.upward_partial_increase_rate`)).toContain(
      'upward_maximize_rate (0.8) + upward_partial_increase_rate (0.4) must sum to 1',
    );
    expect(issueAt(error({ downward_reduce_to_max_rate: 0.5, downward_partial_decrease_rate: 0.4 }), `${R}.downward_partial_decrease_rate`)).toContain(
      'must sum to 1',
    );
    expect(parse({ upward_maximize_rate: 0.8, upward_partial_increase_rate: 0.2009 }).config.deferral_match_response?.upward_maximize_rate).toBe(0.8);
    expect(() => parse({ upward_maximize_rate: 0.8, upward_partial_increase_rate: 0.2011 })).toThrow(/must sum to 1/);
  });

  it('refuses unknown keys and rates out of range, naming the key', () => {
    expect(error({ upward_rate: 0.5 }).message).toContain(R);
    expect(issueAt(error({ downward_participation_rate: -0.1 }), `${R}.downward_participation_rate`)).toContain('must be between 0 and 1');
  });
});
