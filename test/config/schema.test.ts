import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  configJsonSchema,
  describeIgnored,
  describePlanDesign,
  IGNORED_KEYS,
  loadConfig,
  MATCH_FORMULA_PRESETS,
  parseConfig,
  simulationConfigSchema,
  summarizeConfig,
} from '../../src/config/index.js';
import { declaredIgnoredPaths } from '../../src/config/walk.js';
import { REFERENCE_CONFIG } from './helpers.js';

describe('schema', () => {
  it('declares exactly the keys of the ignored-key table', () => {
    expect(declaredIgnoredPaths(simulationConfigSchema)).toEqual(Object.keys(IGNORED_KEYS).sort());
  });

  it("knows every key of the reference's shipped file (no unknown-key warnings)", () => {
    const raw = parse(readFileSync(REFERENCE_CONFIG, 'utf8'));
    expect(parseConfig(raw, { allowUnknownKeys: true }).warnings).toEqual([]);
  });

  it('knows the reference pydantic fields that the shipped file leaves out', () => {
    const loaded = parseConfig({
      simulation: { start_year: 2025, end_year: 2026 },
      compensation: { promotion_compensation: { advanced: { market_adjustments: { baseline: 1 } } } },
      setup: { enforce_contracts: true },
      optimization: {
        event_generation: { polars: { compression_level: 6, max_memory_gb: 8, lazy_evaluation: true, streaming: true, parallel_io: true } },
        adaptive_memory: { enabled: true, batch_sizes: { low: 250 } },
      },
      orchestrator: { threading: { resource_management: { cpu_monitoring: { thresholds: { high_percent: 85 } } } } },
    });
    expect(loaded.ignored).toEqual([
      'compensation.promotion_compensation.advanced.market_adjustments',
      'optimization',
      'orchestrator',
      'setup.enforce_contracts',
    ]);
  });

  it('checks the types of ignored keys loosely', () => {
    expect(() => parseConfig({ simulation: { start_year: 2025, end_year: 2026 }, optimization: { max_workers: 'many' } })).toThrow(
      /optimization\.max_workers/,
    );
    // Ranges are not checked: the reference limited max_workers to 1..16.
    expect(parseConfig({ simulation: { start_year: 2025, end_year: 2026 }, optimization: { max_workers: 64 } }).ignored).toEqual(['optimization']);
  });

  it('exports a JSON Schema of the input format', () => {
    const json = configJsonSchema() as { required?: string[]; properties: Record<string, { additionalProperties?: unknown }> };
    expect(json.required).toEqual(['simulation']);
    expect(Object.keys(json.properties)).toContain('optimization');
    expect(json.properties.simulation?.additionalProperties).toBe(false);
  });
});

describe('summarizeConfig', () => {
  it('describes the run in human lines', () => {
    const loaded = loadConfig({ path: REFERENCE_CONFIG, env: {} });
    const text = summarizeConfig(loaded).join('\n');
    expect(text).toContain(loaded.path);
    expect(text).toContain(loaded.hash.slice(0, 12));
    expect(text).not.toContain(loaded.hash);
    expect(text).toContain('2025-2029 (5 years)');
    expect(text).toContain('Random seed:         42');
    expect(text).toContain('3% per year');
    expect(text).toContain('experienced 12%, new hires 25%');
    expect(text).toContain('default / default');
    expect(text).toContain('on, default deferral 2%, hired on or after 2020-01-01');
    expect(text).toContain(`Ignored settings:    ${loaded.ignored.length}`);
    // 50 % of deferrals up to 6 % of pay pays at most 3 % of pay.
    const design = describePlanDesign(loaded).join('\n');
    expect(design).toContain('Employer match:      simple_match (simple): 50% of the first 6%; at most 3% of pay');
    expect(design).toContain('Employer core:       1% of pay');
  });

  it('describes tiered formulas and the reasons for ignored keys', () => {
    const raw = { simulation: { start_year: 2025, end_year: 2025 }, employer_match: { active_formula: 'tiered_match' }, ops: {}, dc_plan: { auto_enroll_scope: 'all_eligible' } };
    const loaded = { path: 'x.yaml', ...parseConfig(raw) };
    expect(describePlanDesign(loaded).join('\n')).toContain('tiered_match (tiered): 100% of the first 3%, 50% of the next 2%; at most 4% of pay');
    expect(describeIgnored(loaded)).toEqual([
      expect.stringMatching(/^dc_plan\.auto_enroll_scope: the Studio's auto-enrollment scope .*both scopes reaching the same employees$/),
      'ops: Dagster op configuration',
    ]);
  });

  it('computes the most a formula pays from its tiers and its cap', () => {
    const summary = (formula: Record<string, unknown>) => {
      const raw = { simulation: { start_year: 2025, end_year: 2025 }, employer_match: { active_formula: 'f', formulas: { f: formula } } };
      return describePlanDesign(parseConfig(raw)).join('\n');
    };
    // The tiers pay at most 25 % x 12 % = 3 %, the cap 3 %.
    expect(summary(MATCH_FORMULA_PRESETS.stretch_match)).toContain('f (tiered): 25% of the first 12%; at most 3% of pay');
    // The tiers pay at most 100 % x 2 % = 2 %, below the 4 % cap.
    const low = { type: 'tiered', max_match_percentage: 0.04, tiers: [{ tier: 1, employee_min: 0, employee_max: 0.02, match_rate: 1 }] };
    expect(summary(low)).toContain('f (tiered): 100% of the first 2%; at most 2% of pay');
    // The cap (1 %) binds below what the tiers pay (100 % x 3 %).
    const capped = { type: 'tiered', max_match_percentage: 0.01, tiers: [{ tier: 1, employee_min: 0, employee_max: 0.03, match_rate: 1 }] };
    expect(summary(capped)).toContain('f (tiered): 100% of the first 3%; at most 1% of pay');
    expect(summary({ type: 'simple', match_rate: 1, max_match_percentage: 0.04 })).toContain('f (simple): 100% of the first 4%; at most 4% of pay');
  });
});
