/**
 * The scenario comparison: the headline metrics of several simulation databases side by side, per year
 * and over all years, with each scenario's difference from a baseline, employer cost as a share of
 * payroll and per participant, and the present value of employer cost. `planalign compare A B`, the
 * batch workbook, and later the Studio and the ensembles all build it here; figures come from
 * `readYearMetrics` only, the compliance tests' pass/fail and margins from `readComplianceResults`.
 *
 * The result is a plain JSON document (the one `compare --json` prints): metric ids and keys in
 * snake_case, rates as fractions, dollars to the cent.
 */
import { existsSync } from 'node:fs';
import type { Database } from '../db/database.js';
import { DatabaseInUseError, UsageError } from '../errors.js';
import { openForReading } from './source.js';
import { formatComplianceMargin, readComplianceResults, type ComplianceResult } from './compliance.js';
import { HEADLINE_METRICS, cents, formatMetric, formatSteps, readYearMetrics, shownSteps, type HeadlineMetricId, type MetricUnit, type YearMetrics } from './metrics.js';

export type ComparedMetricId =
  | HeadlineMetricId
  | 'employer_cost_share_of_payroll'
  | 'employer_cost_per_participant'
  | 'present_value_employer_cost';

export interface ComparedMetric {
  id: ComparedMetricId;
  label: string;
  unit: MetricUnit;
  description: string;
  /** How the all-years figure is made from the years'. */
  total: string;
}

export const COMPARED_METRICS: readonly ComparedMetric[] = [
  ...HEADLINE_METRICS.map((m): ComparedMetric => {
    const total =
      m.id === 'active_headcount'
        ? 'none: a headcount does not add up over years (see each year)'
        : m.id === 'participation_rate'
          ? 'participating actives ÷ actives, over the years (participant-years ÷ employee-years)'
          : m.id === 'avg_deferral_rate'
            ? 'mean over every participating active of every year'
            : 'sum over the years';
    return { ...m, total };
  }),
  {
    id: 'employer_cost_share_of_payroll',
    label: 'Employer cost, % of payroll',
    unit: 'fraction',
    description: 'Total employer plan cost ÷ total compensation',
    total: 'Σ employer cost ÷ Σ compensation over the years',
  },
  {
    id: 'employer_cost_per_participant',
    label: 'Employer cost per participant',
    unit: 'usd',
    description: 'Total employer plan cost ÷ participating actives at year end',
    total: 'Σ employer cost ÷ Σ participants over the years (per participant-year)',
  },
  {
    id: 'present_value_employer_cost',
    label: 'Present value of employer cost',
    unit: 'usd',
    description: 'Σ cost_Y / (1 + r)^(Y − S + 1): each year’s cost at its year end, discounted to January 1 of the first year S',
    total: 'all years only',
  },
];

/** The headline metrics of one scenario's database. */
export interface ScenarioMetrics {
  name: string;
  database: string;
  years: YearMetrics[];
  /** Its compliance tests (absent: none read, as for a database from before them). */
  compliance?: ComplianceResult[];
}

/** One compliance test and group of a year: each scenario's pass/fail and margin (null: no such result). */
export interface ComparedComplianceTest {
  year: number;
  test_name: string;
  group_name: string;
  scenarios: Record<string, { passed: boolean; margin: number | null } | null>;
}

/** One figure across the scenarios, keyed by scenario name; differences for every scenario but the baseline. */
export interface ComparedFigure {
  values: Record<string, number | null>;
  /** Scenario − baseline, in the metric's unit (fractions stay fractions: 0.012 = 1.2 points). */
  delta: Record<string, number | null>;
  /** (scenario − baseline) ÷ |baseline|; 0 when both are 0, null when only the baseline is (or a value is missing). */
  delta_pct: Record<string, number | null>;
}

export type ComparedFigures = Record<ComparedMetricId, ComparedFigure>;

export interface ScenarioComparison {
  baseline: string;
  discount_rate: number;
  /** January 1 of the first year every scenario has: where the present value is valued; null without such a year. */
  valuation_date: string | null;
  /** The years asked for, or null for all. */
  year_range: [number, number] | null;
  scenarios: Array<{ name: string; database: string; years: number[] }>;
  years: {
    /** Every year any scenario has (in the range). */
    shown: number[];
    /** The years every scenario has: the all-years figures and the present value cover these. */
    in_all: number[];
    /** Per scenario, the shown years it lacks. */
    missing: Record<string, number[]>;
  };
  metrics: ComparedMetric[];
  /** Per shown year; a scenario without the year has null values (and no difference). */
  by_year: Array<{ year: number; metrics: Omit<ComparedFigures, 'present_value_employer_cost'> }>;
  total: { years: number[]; metrics: ComparedFigures };
  /** The compliance tests per year, test and group (the shown years), in the tests' order. */
  compliance: ComparedComplianceTest[];
  notes: string[];
}

export interface CompareScenariosOptions {
  /** Name of the baseline scenario; default: the one named `baseline`, else the first by name. */
  baseline?: string | undefined;
  /** Annual discount rate of the present value, a fraction (default 0). */
  discountRate?: number | undefined;
  /** The years that were read (recorded in the result). */
  yearRange?: [number, number] | undefined;
}

/**
 * Opens `database` read-only and reads its headline metrics (of `years` only, when given). A missing
 * file, or one that is not a simulation database, is a usage error naming it; one held for writing is
 * the readers' DatabaseInUseError naming its holder.
 */
export async function readScenarioMetrics(name: string, database: string, years?: [number, number]): Promise<ScenarioMetrics> {
  if (!existsSync(database)) throw new UsageError(`Database ${database} not found`, { file: database });
  let db: Database;
  try {
    db = await openForReading(database, { threads: 1 });
  } catch (error) {
    if (error instanceof DatabaseInUseError || error instanceof UsageError) throw error;
    throw new UsageError(`Cannot open ${database} as a DuckDB database: ${(error as Error).message}`, { file: database });
  }
  try {
    if (!(await db.tableExists('fct_workforce_snapshot'))) {
      throw new UsageError(`${database} is not a simulation database: it has no fct_workforce_snapshot table`, { file: database });
    }
    try {
      const range = years === undefined ? undefined : { from: years[0], to: years[1] };
      const metrics = await readYearMetrics(db, range);
      return { name, database, years: metrics, compliance: await readComplianceResults(db, range) };
    } catch (error) {
      throw new UsageError(`Cannot read the headline metrics of ${database}: ${(error as Error).message}`, { file: database });
    }
  } finally {
    db.close();
  }
}

/** The baseline's name: `requested` (which must be one of `names`), else `baseline`, else the first by name. */
export function chooseBaseline(names: readonly string[], requested?: string): string {
  if (requested !== undefined) {
    if (!names.includes(requested)) {
      throw new UsageError(`Unknown baseline "${requested}"; the scenarios are: ${[...names].sort().join(', ')}`);
    }
    return requested;
  }
  if (names.includes('baseline')) return 'baseline';
  const first = [...names].sort()[0];
  if (first === undefined) throw new UsageError('No scenario to compare');
  return first;
}

/** Compares the scenarios against the baseline: the baseline comes first, the others keep their order. */
export function compareScenarios(scenarios: readonly ScenarioMetrics[], options: CompareScenariosOptions = {}): ScenarioComparison {
  const discountRate = options.discountRate ?? 0;
  if (!Number.isFinite(discountRate) || discountRate < 0) throw new UsageError(`The discount rate must be a rate ≥ 0, got ${discountRate}`);
  const names = scenarios.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new UsageError(`Scenario names must be distinct: ${names.join(', ')}`);
  const baseline = chooseBaseline(names, options.baseline);
  const ordered = [...scenarios].sort((a, b) => Number(b.name === baseline) - Number(a.name === baseline));
  const others = ordered.filter((s) => s.name !== baseline);

  const byYear = new Map(ordered.map((s) => [s.name, new Map(s.years.map((y) => [y.year, y]))]));
  const shown = [...new Set(ordered.flatMap((s) => s.years.map((y) => y.year)))].sort((a, b) => a - b);
  const inAll = shown.filter((year) => ordered.every((s) => byYear.get(s.name)?.has(year)));
  const missing = Object.fromEntries(ordered.map((s) => [s.name, shown.filter((y) => !byYear.get(s.name)?.has(y))]));

  const figure = (value: (s: ScenarioMetrics) => number | null, unit: MetricUnit): ComparedFigure => {
    const values = Object.fromEntries(ordered.map((s) => [s.name, value(s)]));
    const base = values[baseline] ?? null;
    const delta: Record<string, number | null> = {};
    const deltaPct: Record<string, number | null> = {};
    for (const s of others) {
      const v = values[s.name] ?? null;
      const d = v === null || base === null ? null : v - base;
      delta[s.name] = d === null ? null : unit === 'usd' ? cents(d) : d;
      deltaPct[s.name] = d === null || base === null ? null : base === 0 ? (d === 0 ? 0 : null) : d / Math.abs(base);
    }
    return { values, delta, delta_pct: deltaPct };
  };

  const perYear = shown.map((year) => {
    const read = (s: ScenarioMetrics): YearMetrics | undefined => byYear.get(s.name)?.get(year);
    const metrics = {} as Omit<ComparedFigures, 'present_value_employer_cost'>;
    for (const m of HEADLINE_METRICS) metrics[m.id] = figure((s) => read(s)?.[m.id] ?? null, m.unit);
    metrics.employer_cost_share_of_payroll = figure((s) => {
      const y = read(s);
      return y === undefined ? null : ratio(y.total_employer_plan_cost, y.total_compensation);
    }, 'fraction');
    metrics.employer_cost_per_participant = figure((s) => {
      const y = read(s);
      return y === undefined ? null : centsOrNull(ratio(y.total_employer_plan_cost, y.participants));
    }, 'usd');
    return { year, metrics };
  });

  // All-years figures over the years every scenario has, so each scenario covers the same years.
  const first = inAll[0];
  const totals = (s: ScenarioMetrics) => {
    const years = inAll.map((y) => byYear.get(s.name)?.get(y) as YearMetrics);
    const sum = (f: (y: YearMetrics) => number): number => years.reduce((acc, y) => acc + f(y), 0);
    return { years, sum };
  };
  const total = {} as ComparedFigures;
  for (const m of HEADLINE_METRICS) {
    total[m.id] = figure((s) => {
      if (inAll.length === 0) return null;
      const { sum } = totals(s);
      switch (m.id) {
        case 'active_headcount':
          return null;
        case 'participation_rate':
          return ratio(sum((y) => y.participants), sum((y) => y.active_headcount));
        case 'avg_deferral_rate':
          return ratio(sum((y) => y.avg_deferral_rate * y.participants), sum((y) => y.participants));
        default:
          return cents(sum((y) => y[m.id]));
      }
    }, m.unit);
  }
  total.employer_cost_share_of_payroll = figure((s) => {
    if (inAll.length === 0) return null;
    const { sum } = totals(s);
    return ratio(sum((y) => y.total_employer_plan_cost), sum((y) => y.total_compensation));
  }, 'fraction');
  total.employer_cost_per_participant = figure((s) => {
    if (inAll.length === 0) return null;
    const { sum } = totals(s);
    return centsOrNull(ratio(sum((y) => y.total_employer_plan_cost), sum((y) => y.participants)));
  }, 'usd');
  total.present_value_employer_cost = figure((s) => {
    if (first === undefined) return null;
    const { years } = totals(s);
    return cents(years.reduce((acc, y) => acc + y.total_employer_plan_cost / (1 + discountRate) ** (y.year - first + 1), 0));
  }, 'usd');

  const notes: string[] = [];
  for (const s of ordered) {
    const lacks = missing[s.name] ?? [];
    if (lacks.length > 0) {
      notes.push(`${s.name} (${s.database}) has no ${yearList(lacks)}: left out of the all-years figures and the present value`);
    }
  }
  if (inAll.length === 0 && shown.length > 0) notes.push('No year is in every scenario: there are no all-years figures');

  // Compliance: one row per year, test and group any scenario has, in the order the first reader gave them.
  const complianceRows = new Map<string, ComparedComplianceTest>();
  for (const s of ordered) {
    for (const r of s.compliance ?? []) {
      if (!shown.includes(r.year)) continue;
      const key = `${r.year}\u0000${r.test}\u0000${r.group}`;
      const row = complianceRows.get(key) ?? {
        year: r.year,
        test_name: r.test,
        group_name: r.group,
        scenarios: Object.fromEntries(ordered.map((o) => [o.name, null])),
      };
      row.scenarios[s.name] = { passed: r.passed, margin: r.margin };
      complianceRows.set(key, row);
    }
  }
  const testOrder = [...new Set(ordered.flatMap((s) => (s.compliance ?? []).map((r) => r.test)))];
  const compliance = [...complianceRows.values()].sort(
    (a, b) => a.year - b.year || testOrder.indexOf(a.test_name) - testOrder.indexOf(b.test_name) || (a.group_name < b.group_name ? -1 : a.group_name > b.group_name ? 1 : 0),
  );

  return {
    baseline,
    discount_rate: discountRate,
    valuation_date: first === undefined ? null : `${first}-01-01`,
    year_range: options.yearRange ?? null,
    scenarios: ordered.map((s) => ({ name: s.name, database: s.database, years: s.years.map((y) => y.year) })),
    years: { shown, in_all: inAll, missing },
    metrics: [...COMPARED_METRICS],
    by_year: perYear,
    total: { years: inAll, metrics: total },
    compliance,
    notes,
  };
}

/** `a ÷ b`, or null when b is 0 (a share of nothing is not 0). */
function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

function centsOrNull(value: number | null): number | null {
  return value === null ? null : cents(value);
}

function yearList(years: readonly number[]): string {
  return years.length === 1 ? `year ${years[0]}` : `years ${years.join(', ')}`;
}

/** The document as JSON text (it is plain data already). */
export function scenarioComparisonJson(comparison: ScenarioComparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Console text

const DASH = '—';

function formatValue(unit: MetricUnit, value: number | null): string {
  return value === null ? DASH : formatMetric(unit, value);
}

/**
 * The difference of two figures as the console shows them, with its sign: `+8`, `-$1,234`, `+1.2 pt`
 * (fractions differ in percentage points). It is the difference of the shown (rounded) figures, so
 * A $868,108 and B $882,383 differ by +$14,275 on screen whatever their cents; `--json` keeps the
 * exact difference. A difference that shows as zero has no sign.
 */
export function formatDelta(unit: MetricUnit, value: number | null, base: number | null): string {
  if (value === null || base === null) return DASH;
  const steps = shownSteps(unit, value) - shownSteps(unit, base);
  const sign = steps > 0 ? '+' : '';
  if (unit === 'fraction') return `${sign}${(steps / 10).toFixed(1)} pt`;
  return `${sign}${formatSteps(unit, steps)}`;
}

/** A relative difference: `+1.9 %`, `n/a` when the baseline is 0; one that shows as zero has no sign. */
export function formatDeltaPct(pct: number | null): string {
  if (pct === null) return 'n/a';
  const steps = shownSteps('fraction', pct);
  return `${steps > 0 ? '+' : ''}${formatSteps('fraction', steps)}`;
}

function span(years: readonly number[]): string {
  if (years.length === 0) return 'no year';
  const first = years[0] as number;
  const last = years[years.length - 1] as number;
  return last - first + 1 === years.length ? (first === last ? String(first) : `${first}-${last}`) : years.join(', ');
}

/**
 * The comparison as console text: the scenarios as columns, then each scenario's difference from the
 * baseline and its relative difference; a table per year, then one over all years.
 */
export function formatScenarioComparison(comparison: ScenarioComparison): string {
  const names = comparison.scenarios.map((s) => s.name);
  const others = names.filter((n) => n !== comparison.baseline);
  const base = comparison.baseline;
  const nameWidth = Math.max(...names.map((n) => n.length));
  const lines = [
    `Scenario comparison against the baseline ${base}`,
    ...comparison.scenarios.map(
      (s) => `  ${s.name.padEnd(nameWidth)}  ${s.database}  (${span(s.years)})${s.name === base ? '  baseline' : ''}`,
    ),
    comparison.valuation_date === null
      ? `Discount rate ${(comparison.discount_rate * 100).toFixed(2)} %`
      : `Present value at ${(comparison.discount_rate * 100).toFixed(2)} % a year, valued at ${comparison.valuation_date}; each year's cost counted at its year end`,
  ];
  const header = ['', ...names, ...others.flatMap((o) => [`${o} − ${base}`, `${o} vs ${base}`])];
  const table = (title: string, figures: Partial<ComparedFigures>, metrics: readonly ComparedMetric[]): void => {
    const rows = metrics.filter((m) => figures[m.id] !== undefined).map((m) => {
      const f = figures[m.id] as ComparedFigure;
      return [
        m.label,
        ...names.map((n) => formatValue(m.unit, f.values[n] ?? null)),
        ...others.flatMap((o) => [formatDelta(m.unit, f.values[o] ?? null, f.values[base] ?? null), formatDeltaPct(f.delta_pct[o] ?? null)]),
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (cells: string[]): string =>
      `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`.trimEnd();
    lines.push('', title, line(header), ...rows.map(line));
  };
  for (const year of comparison.by_year) {
    const lacking = names.filter((n) => comparison.years.missing[n]?.includes(year.year));
    table(lacking.length === 0 ? String(year.year) : `${year.year} (not in ${lacking.join(', ')})`, year.metrics, COMPARED_METRICS);
  }
  if (comparison.total.years.length > 0) {
    // A headcount does not add up over years.
    const additive = COMPARED_METRICS.filter((m) => m.id !== 'active_headcount');
    table(`All years ${span(comparison.total.years)}`, comparison.total.metrics, additive);
  }
  if (comparison.compliance.length > 0) {
    const rows = comparison.compliance.map((c) => [
      String(c.year),
      c.test_name,
      c.group_name,
      ...names.map((n) => {
        const r = c.scenarios[n];
        return r === null || r === undefined ? DASH : `${r.passed ? 'pass' : 'FAIL'} ${formatComplianceMargin(c.test_name, r.margin)}`;
      }),
    ]);
    const head = ['Year', 'Test', 'Group', ...names];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (cells: string[]): string =>
      `  ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`.trimEnd();
    lines.push('', 'Compliance tests (pass/fail, margin: how far from failing)', line(head), ...rows.map(line));
  }
  if (comparison.notes.length > 0) lines.push('', ...comparison.notes.map((n) => `Note: ${n}`));
  return `${lines.join('\n')}\n`;
}
