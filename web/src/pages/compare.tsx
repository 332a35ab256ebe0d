import { useMemo } from 'preact/hooks';
import { api, type RunComparison, type RunInfo, type Unit } from '../api';
import { Chart } from '../components/Chart';
import { DataTable, type DataColumn } from '../components/DataTable';
import { EmptyState, LoadState, Notice, PageHeader, Select } from '../components/ui';
import { formatValue } from '../format';
import { useLoad } from '../load';
import { link, navigate, useRoute } from '../router';
import { runKey, runOptionLabel, seriesOption, shortLabels, useCompletedRuns } from './dashboard';

/** At most this many runs side by side (the API's limit). */
const MAX_RUNS = 6;

type Comparison = RunComparison['comparison'];
type FigureId = keyof Comparison['total']['metrics'];

/** The year-by-year matrices: cost gross and net, as a share of payroll and per participant, then participation and headcount. */
const MATRICES: ReadonlyArray<{ id: Exclude<FigureId, 'present_value_employer_cost'>; title: string }> = [
  { id: 'total_employer_plan_cost', title: 'Gross employer cost' },
  { id: 'net_employer_plan_cost', title: 'Net employer cost' },
  { id: 'employer_cost_share_of_payroll', title: 'Employer cost, % of payroll' },
  { id: 'employer_cost_per_participant', title: 'Employer cost per participant' },
  { id: 'participation_rate', title: 'Participation rate' },
  { id: 'active_headcount', title: 'Active headcount' },
];

interface Picked {
  runs: string[];
  baseline: string;
  /** The discount rate of the present value, in percent as typed. */
  rate: number;
}

function open(p: Picked): void {
  const params = new URLSearchParams();
  for (const r of p.runs) params.append('run', r);
  if (p.runs.length > 0) params.set('baseline', p.baseline);
  if (p.rate !== 0) params.set('rate', String(p.rate));
  navigate(`/compare?${params}`);
}

export function ComparePage() {
  const runs = useCompletedRuns();
  return (
    <>
      <PageHeader title="Compare" subtitle="Up to six runs side by side, year by year, with deltas against a baseline and the config diff that explains them." />
      <LoadState state={runs}>
        {(list) =>
          list.length < 2 ? (
            <EmptyState title="Compare needs two completed runs">
              <p>
                {list.length === 0 ? 'There is no completed run yet.' : 'There is one completed run so far.'} Start runs on the{' '}
                <a href={link('/runs')}>Runs</a> page — of two scenarios, or of one with another seed.
              </p>
            </EmptyState>
          ) : (
            <Picker runs={list} />
          )
        }
      </LoadState>
    </>
  );
}

/**
 * The runs of the route's ?run= (each scenario/runId), else the newest run of each scenario by
 * scenario name (or the two newest runs when there is one scenario): a comparison shows as soon as the page opens.
 */
function defaultRuns(runs: RunInfo[]): string[] {
  const newest = runs.filter((r, i) => runs.findIndex((o) => o.scenario === r.scenario) === i).sort((a, b) => (a.scenario < b.scenario ? -1 : 1));
  return (newest.length >= 2 ? newest.slice(0, MAX_RUNS) : runs.slice(0, 2)).map(runKey);
}

function Picker({ runs }: { runs: RunInfo[] }) {
  const { query } = useRoute();
  const asked = query.getAll('run');
  const unknown = asked.filter((k) => !runs.some((r) => runKey(r) === k));
  const chosen = asked.length === 0 ? defaultRuns(runs) : asked.filter((k) => !unknown.includes(k)).slice(0, MAX_RUNS);
  const baseline = chosen.includes(query.get('baseline') ?? '') ? query.get('baseline')! : chosen[0] ?? '';
  const rate = Number(query.get('rate') ?? 0);
  const picked: Picked = { runs: chosen, baseline, rate: Number.isFinite(rate) ? rate : 0 };
  const toggle = (key: string): void => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    open({ ...picked, runs: next, baseline: next.includes(baseline) ? baseline : next[0] ?? '' });
  };
  const labels = shortLabels(runs.filter((r) => chosen.includes(runKey(r))));
  return (
    <>
      <section class="compare-picker" aria-label="Runs to compare">
        <fieldset>
          <legend>
            Runs ({chosen.length} of at most {MAX_RUNS})
          </legend>
          <ul class="compare-runs">
            {runs.map((r) => {
              const key = runKey(r);
              const on = chosen.includes(key);
              return (
                <li key={key}>
                  <label>
                    <input type="checkbox" checked={on} disabled={!on && chosen.length >= MAX_RUNS} onChange={() => toggle(key)} />
                    <strong>{r.scenario}</strong>
                    <span class="run-meta">{runOptionLabel(r)}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
        <div class="compare-settings">
          <Select
            label="Baseline"
            value={baseline}
            disabled={chosen.length < 2}
            options={chosen.map((k) => ({ value: k, label: labels.get(k) ?? k }))}
            onChange={(b) => open({ ...picked, baseline: b })}
          />
          <span class="select">
            <label for="compare-rate">Discount rate of the present value</label>
            <input
              id="compare-rate"
              type="number"
              min={0}
              max={99}
              step={0.25}
              value={picked.rate}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLInputElement).valueAsNumber;
                if (Number.isFinite(v) && v >= 0 && v < 100) open({ ...picked, rate: v });
              }}
            />
            <span class="field-unit">% a year</span>
          </span>
        </div>
      </section>
      {unknown.length > 0 && (
        <Notice kind="error" title="Not a completed run">
          <p>{unknown.join(', ')}: no completed run of that name (still running, failed or deleted); left out.</p>
        </Notice>
      )}
      {chosen.length < 2 ? (
        <EmptyState title="Pick at least two runs" />
      ) : (
        <Results key={`${chosen.join(',')}|${baseline}|${picked.rate}`} runs={runs.filter((r) => chosen.includes(runKey(r)))} picked={picked} labels={labels} />
      )}
    </>
  );
}

function Results({ runs, picked, labels }: { runs: RunInfo[]; picked: Picked; labels: Map<string, string> }) {
  const ref = (key: string) => {
    const run = runs.find((r) => runKey(r) === key)!;
    return { scenario: run.scenario, runId: run.runId };
  };
  const result = useLoad(
    () => api.post<RunComparison>('/compare', { runs: picked.runs.map(ref), baseline: ref(picked.baseline), discountRate: picked.rate / 100 }),
    [],
  );
  return (
    <LoadState state={result}>
      {({ comparison, configDiff }) => {
        const names = comparison.scenarios.map((s) => s.name);
        const short = (name: string): string => labels.get(name) ?? name;
        return (
          <div class="comparison" data-shown={`${picked.runs.join(',')}|${picked.baseline}|${picked.rate}`}>
            <p>
              Against the baseline <strong>{short(comparison.baseline)}</strong>: each Δ is the run's figure less the baseline's (rates in percentage
              points), Δ % relative to the baseline's.
            </p>
            {comparison.notes.map((n) => (
              <Notice kind="info" key={n}>
                {n}
              </Notice>
            ))}
            <DataTable
              caption="Runs compared"
              columns={[
                { id: 'label', label: 'Run', unit: 'text' },
                { id: 'scenario', label: 'Scenario', unit: 'text' },
                { id: 'runId', label: 'Run id', unit: 'text' },
                { id: 'seed', label: 'Seed', unit: 'number' },
                { id: 'years', label: 'Years', unit: 'text' },
                { id: 'role', label: 'Role', unit: 'text' },
              ]}
              rows={names.map((name) => {
                const run = runs.find((r) => runKey(r) === name)!;
                const years = comparison.scenarios.find((s) => s.name === name)!.years;
                return { label: short(name), scenario: run.scenario, runId: run.runId, seed: run.seed, years: `${years[0]}–${years.at(-1)}`, role: name === comparison.baseline ? 'baseline' : 'compared' };
              })}
            />
            <h2>Employer cost</h2>
            <div class="compare-stack">
              {MATRICES.slice(0, 4).map((m) => (
                <Matrix key={m.id} title={m.title} id={m.id} comparison={comparison} short={short} />
              ))}
            </div>
            <PresentValue comparison={comparison} short={short} />
            <h2>Participation and headcount</h2>
            <div class="compare-stack">
              {MATRICES.slice(4).map((m) => (
                <Matrix key={m.id} title={m.title} id={m.id} comparison={comparison} short={short} />
              ))}
            </div>
            <h2>What differs in the configs</h2>
            {names
              .filter((n) => n !== comparison.baseline)
              .map((n) => (
                <ConfigDiff key={n} diff={configDiff[n] ?? null} base={short(comparison.baseline)} other={short(n)} />
              ))}
          </div>
        );
      }}
    </LoadState>
  );
}

/** A difference's column: rates in percentage points (0.012 -> 1.2), the rest in the figure's unit. */
function deltaColumn(id: string, label: string, unit: Unit): DataColumn {
  return unit === 'fraction' ? { id, label: `${label} (pt)`, unit: 'number' } : { id, label, unit };
}

function deltaValue(value: number | null | undefined, unit: Unit): number | null {
  if (value === null || value === undefined) return null;
  return unit === 'fraction' ? Math.round(value * 10_000) / 100 : value;
}

function span(years: readonly number[]): string {
  return years.length === 1 ? String(years[0]) : `${years[0]}–${years.at(-1)}`;
}

/** One figure year by year: each run's value, then each other run's Δ and Δ % against the baseline; all years at the foot. */
function Matrix({ title, id, comparison, short }: { title: string; id: (typeof MATRICES)[number]['id']; comparison: Comparison; short: (n: string) => string }) {
  const metric = comparison.metrics.find((m) => m.id === id)!;
  const names = comparison.scenarios.map((s) => s.name);
  const others = names.filter((n) => n !== comparison.baseline);
  const unit = metric.unit;
  const row = (period: string, figure: Comparison['total']['metrics'][FigureId]) => ({
    period,
    ...Object.fromEntries(names.map((n, i) => [`v${i}`, figure.values[n] ?? null])),
    ...Object.fromEntries(others.flatMap((n, i) => [[`d${i}`, deltaValue(figure.delta[n], unit)], [`p${i}`, figure.delta_pct[n] ?? null]])),
  });
  const rows = comparison.by_year.map((y) => row(String(y.year), y.metrics[id]));
  // A headcount does not add up over years: no all-years row for it.
  if (id !== 'active_headcount' && comparison.total.years.length > 0) rows.push(row(`All ${span(comparison.total.years)}`, comparison.total.metrics[id]));
  const columns: DataColumn[] = [
    { id: 'period', label: 'Year', unit: 'text' },
    ...names.map((n, i) => ({ id: `v${i}`, label: short(n), unit })),
    ...others.flatMap((n, i) => [deltaColumn(`d${i}`, `Δ ${short(n)}`, unit), { id: `p${i}`, label: `Δ % ${short(n)}`, unit: 'fraction' as const }]),
  ];
  const option = useMemo(
    () =>
      seriesOption(
        comparison.by_year.map((y) => String(y.year)),
        names.map((n) => ({ name: short(n), data: comparison.by_year.map((y) => y.metrics[id].values[n] ?? null) })),
        unit,
      ),
    [comparison],
  );
  return <Chart title={title} option={option} height={240} table={{ caption: title, columns, rows }} />;
}

function PresentValue({ comparison, short }: { comparison: Comparison; short: (n: string) => string }) {
  const names = comparison.scenarios.map((s) => s.name);
  const pv = comparison.total.metrics.present_value_employer_cost;
  const title = 'Present value of employer cost';
  const option = useMemo(() => seriesOption(names.map(short), [{ name: title, data: names.map((n) => pv.values[n] ?? null) }], 'usd'), [comparison]);
  const rate = `${formatValue(comparison.discount_rate, 'fraction')} a year`;
  return (
    <>
      <p class="kpi-caption">
        {comparison.valuation_date === null
          ? 'No year is in every run: there is no present value.'
          : comparison.discount_rate === 0
            ? `Each year's cost (${span(comparison.total.years)}) undiscounted: type a discount rate above to value it at ${comparison.valuation_date}.`
            : `Each year's cost (${span(comparison.total.years)}) at its year end, discounted at ${rate} to ${comparison.valuation_date}.`}
      </p>
      <Chart
        title={title}
        option={option}
        height={220}
        table={{
          caption: title,
          columns: [
            { id: 'run', label: 'Run', unit: 'text' },
            { id: 'value', label: 'Present value', unit: 'usd' },
            { id: 'delta', label: 'Δ', unit: 'usd' },
            { id: 'pct', label: 'Δ %', unit: 'fraction' },
          ],
          rows: names.map((n) => ({ run: short(n), value: pv.values[n] ?? null, delta: pv.delta[n] ?? null, pct: pv.delta_pct[n] ?? null })),
        }}
      />
    </>
  );
}

/** A config value as text: strings as they are, everything else as JSON; a key one config lacks says so. */
function configText(value: unknown): string {
  if (value === null || value === undefined) return '(not set)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function ConfigDiff({ diff, base, other }: { diff: RunComparison['configDiff'][string]; base: string; other: string }) {
  const caption = `Config of ${other} against ${base}`;
  if (diff === null) return <Notice kind="info" title={caption}>One of the two configs is not recorded: nothing to compare.</Notice>;
  if (diff.length === 0) {
    return (
      <Notice kind="info" title={caption}>
        The same configuration: the differences come from elsewhere (the census, or the parameter tables).
      </Notice>
    );
  }
  return (
    <DataTable
      caption={caption}
      columns={[
        { id: 'key', label: 'Key', unit: 'text' },
        { id: 'a', label: base, unit: 'text' },
        { id: 'b', label: other, unit: 'text' },
      ]}
      rows={diff.map((d) => ({ key: d.key, a: configText(d.a), b: configText(d.b) }))}
    />
  );
}
