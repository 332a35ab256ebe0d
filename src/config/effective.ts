/**
 * The inputs a run is computed under, in words and as data, and every value overridden from the
 * environment or the command line with its source: what the `simulate` run output shows an analyst.
 */
import { envOverrides } from './env.js';
import type { SimulationConfig } from './schema.js';
import { describeMatchDesign } from '../params/match-describe.js';
import { describeCore } from './core-describe.js';
import { describeAutoEnrollment, describeRaises, describeTerminations, formatPercent } from './summary.js';

/** Where a config value came from other than the config file: `--seed`, `environment variable X`... */
export interface OverrideSource {
  /** Dotted config key, e.g. simulation.random_seed. */
  key: string;
  source: string;
  /** The value it set, when the resolved config does not hold it (e.g. --census, a run option). */
  value?: unknown;
}

export interface AppliedOverride {
  key: string;
  /** The value in force. */
  value: unknown;
  /** The source that set it (the last applied). */
  source: string;
  /** Earlier sources of the same key that it overrode, e.g. an environment variable under --seed. */
  overridden_sources: string[];
  /** What the config file's YAML sections alone say (no dc_plan), its default filled in; null when it does not load so. */
  config_value: unknown;
  /**
   * The value in force is what the config file says already: set again, not changed. Kept here (the
   * source did set it) but not shown as an override in the run output.
   */
  same_as_config: boolean;
}

/** The PLANALIGN_/NAV_ overrides of `env`, in application order. */
export function environmentOverrideSources(env: Record<string, string | undefined>): OverrideSource[] {
  return envOverrides(env).overrides.map((o) => ({ key: o.path.join('.'), source: o.origin }));
}

/** The value at a dotted key of the config; undefined when absent. */
export function configValue(config: SimulationConfig, key: string): unknown {
  let node: unknown = config;
  for (const segment of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * One entry per overridden key, in the order the keys were first overridden: the value in force, the
 * source that set it last (the command line wins over the environment) and what `baseline` (the same
 * file loaded without overrides) says.
 */
export function appliedOverrides(
  effective: SimulationConfig,
  baseline: SimulationConfig | undefined,
  sources: readonly OverrideSource[],
): AppliedOverride[] {
  const byKey = new Map<string, OverrideSource[]>();
  for (const source of sources) byKey.set(source.key, [...(byKey.get(source.key) ?? []), source]);
  return [...byKey].map(([key, list]) => {
    const winner = list[list.length - 1] as OverrideSource;
    const value = 'value' in winner ? winner.value : configValue(effective, key);
    const config = baseline === undefined ? undefined : configValue(baseline, key);
    return {
      key,
      value,
      source: winner.source,
      overridden_sources: list.slice(0, -1).map((s) => s.source),
      config_value: config ?? null,
      same_as_config: config !== undefined && JSON.stringify(value) === JSON.stringify(config),
    };
  });
}

/** The effective inputs that matter to an analyst, as data (the `--json` summary's effective_inputs). */
export function effectiveInputs(c: SimulationConfig, run: { census: string; database: string }): Record<string, unknown> {
  const ae = c.enrollment.auto_enrollment;
  const core = c.employer_core_contribution;
  return {
    start_year: c.simulation.start_year,
    end_year: c.simulation.end_year,
    random_seed: c.simulation.random_seed,
    target_growth_rate: c.simulation.target_growth_rate,
    termination_rates: { experienced: c.workforce.total_termination_rate, new_hire: c.workforce.new_hire_termination_rate },
    raises: { merit_budget: c.compensation.merit_budget, cola_rate: c.compensation.cola_rate },
    auto_enrollment: { enabled: ae.enabled, default_deferral_rate: ae.default_deferral_rate },
    employer_match: { formula: c.employer_match.active_formula, description: describeMatchDesign(c) },
    employer_core: { enabled: core.enabled, contribution_rate: core.contribution_rate },
    census: run.census,
    database: run.database,
  };
}

/** Each line of the inputs block: its text for a config, and the config keys whose overrides annotate it. */
interface InputLine {
  label: string;
  /** `written`: the config file's own value (the baseline), else the value in force. */
  text: (c: SimulationConfig, written: boolean) => string;
  keys: string[];
}

function inputLines(census: string, censusReading: string | undefined): InputLine[] {
  return [
    {
      label: 'years',
      text: (c) => {
        const years = c.simulation.end_year - c.simulation.start_year + 1;
        return `${c.simulation.start_year}–${c.simulation.end_year} (${years} year${years === 1 ? '' : 's'})`;
      },
      keys: ['simulation.start_year', 'simulation.end_year'],
    },
    { label: 'seed', text: (c) => String(c.simulation.random_seed), keys: ['simulation.random_seed'] },
    { label: 'target growth', text: (c) => `${formatPercent(c.simulation.target_growth_rate)} a year`, keys: ['simulation.target_growth_rate'] },
    { label: 'terminations', text: describeTerminations, keys: ['workforce.', 'simulation.count_uncertainty'] },
    { label: 'raises', text: describeRaises, keys: ['compensation.'] },
    { label: 'auto-enrollment', text: describeAutoEnrollment, keys: ['enrollment.auto_enrollment.'] },
    { label: 'employer match', text: describeMatchDesign, keys: ['employer_match.'] },
    { label: 'employer core', text: (c) => describeCore(c.employer_core_contribution), keys: ['employer_core_contribution.'] },
    // In force: the resolved file; the config's: its setting as written.
    { label: 'census', text: (c, written) => (written ? c.setup.census_parquet_path : census), keys: ['setup.census_parquet_path'] },
    ...(censusReading === undefined ? [] : [{ label: 'census read', text: () => censusReading, keys: [] }]),
  ];
}

const covers = (keys: readonly string[], key: string): boolean => keys.some((k) => (k.endsWith('.') ? key.startsWith(k) : key === k));

const unique = (items: readonly string[]): string[] => [...new Set(items)];

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The inputs block of the run output: one line per input; an overridden one is followed by its
 * source(s) and what the config file alone says, e.g. `seed  42 (from --seed; config says 7)`. Then
 * the overrides of keys no line shows, one each. An override that sets what the config says already
 * changes nothing and is not shown as one (`--json` lists it, with same_as_config).
 */
export function describeEffectiveInputs(
  c: SimulationConfig,
  baseline: SimulationConfig | undefined,
  census: string,
  overrides: readonly AppliedOverride[],
  /** How the census file was read (separator, date order, decimal mark: the census intake's describeIntake). */
  censusReading?: string,
): string[] {
  const lines = inputLines(census, censusReading);
  const width = Math.max(...lines.map((l) => l.label.length));
  const out = ['Inputs'];
  const changes = overrides.filter((o) => !o.same_as_config);
  for (const line of lines) {
    const own = changes.filter((o) => covers(line.keys, o.key));
    let note = '';
    if (own.length > 0) {
      const over = unique(own.flatMap((o) => o.overridden_sources));
      const config = baseline === undefined ? 'the config file does not load without the overrides' : `config says ${line.text(baseline, true)}`;
      note = ` (from ${unique(own.map((o) => o.source)).join(', ')}${over.length > 0 ? `, over ${over.join(', ')}` : ''}; ${config})`;
    }
    out.push(`  ${line.label.padEnd(width)}  ${line.text(c, false)}${note}`);
  }
  for (const o of changes.filter((o) => !lines.some((l) => covers(l.keys, o.key)))) {
    const config = o.config_value === null ? 'not set in the config' : `config says ${formatValue(o.config_value)}`;
    out.push(`  ${'override'.padEnd(width)}  ${o.key} ${formatValue(o.value)} (from ${o.source}; ${config})`);
  }
  return out;
}
