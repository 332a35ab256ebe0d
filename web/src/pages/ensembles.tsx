import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, seg, type EnsembleResults, type EnsembleSummary, type ScenarioSummary, type Unit } from '../api';
import { Chart, type ChartOption } from '../components/Chart';
import { DataTable, type DataColumn } from '../components/DataTable';
import { Button, EmptyState, Field, LoadState, Notice, PageHeader, Select, Spinner } from '../components/ui';
import { formatCompact, formatTime, formatValue } from '../format';
import { useLoad } from '../load';
import { link, navigate, pathOf, useRoute } from '../router';
import { palette, useTheme } from '../theme';

type Band = EnsembleResults['bands'][number];
type Metric = EnsembleResults['metrics'][number];
type ThresholdShare = EnsembleResults['thresholdShares'][number];

/** How often the list is read again while an ensemble of it runs. */
const POLL_MS = 1000;
/** The metric shown first: what a plan sponsor asks an ensemble about. */
const FIRST_METRIC = 'total_employer_plan_cost';
const OPERATORS = ['>', '>=', '<', '<='] as const;
const OPERATOR_TEXT: Record<(typeof OPERATORS)[number], string> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤' };

/** A threshold's share of seeds per year, as both threshold tables show it. */
const SHARE_COLUMNS: readonly DataColumn[] = [
  { id: 'simulation_year', label: 'Year', unit: 'year' },
  { id: 'seeds', label: 'Seeds', unit: 'count' },
  { id: 'share', label: 'Probability', unit: 'fraction' },
];

const isPassRate = (metric: Metric): boolean => metric.id.startsWith('compliance_');

/**
 * Ensembles of a scenario (#/ensembles?scenario=x): start one over N seeds, follow its progress,
 * list them; an ensemble (#/ensembles/<scenario>/<runId>): per metric the fan chart of its seeds
 * (P5–P95, P25–P75, median) with its table, and the probability of crossing a threshold the analyst types.
 */
export function EnsemblesPage() {
  const route = useRoute();
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  return (
    <>
      <PageHeader title="Ensembles" subtitle="One scenario over many random seeds: how far the figures spread, and how likely a threshold is crossed." />
      <LoadState state={scenarios}>
        {({ scenarios: list }) => {
          if (list.length === 0) {
            return (
              <EmptyState title="No scenarios yet">
                <p>
                  <a href={link('/scenarios')}>Create a scenario</a> first: an ensemble runs one scenario over many seeds.
                </p>
              </EmptyState>
            );
          }
          const name = route.params.scenario ?? route.query.get('scenario') ?? list[0]!.name;
          const scenario = list.find((s) => s.name === name);
          return (
            <>
              <Select
                label="Scenario"
                value={name}
                options={list.map((s) => ({ value: s.name, label: s.name }))}
                onChange={(s) => navigate(`/ensembles?scenario=${encodeURIComponent(s)}`)}
              />
              {scenario === undefined ? (
                <Notice kind="error" title="No such scenario">
                  <p>
                    The workspace has no scenario {JSON.stringify(name)}. Pick one above.
                  </p>
                </Notice>
              ) : (
                <ScenarioEnsembles key={scenario.name} scenario={scenario} runId={route.params.runId} />
              )}
            </>
          );
        }}
      </LoadState>
    </>
  );
}

function ScenarioEnsembles({ scenario, runId }: { scenario: ScenarioSummary; runId: string | undefined }) {
  const ensembles = useLoad(() => api.get<{ ensembles: EnsembleSummary[] }>(`/scenarios/${seg(scenario.name)}/ensembles`), [scenario.name]);
  const running = ensembles.data?.ensembles.some((e) => e.state === 'running') === true;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(ensembles.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [running, ensembles.reload]);
  return (
    <div class="ensembles">
      <StartForm scenario={scenario} />
      <section aria-labelledby="ensembles-list">
        <h2 id="ensembles-list">Ensembles of {scenario.name}</h2>
        <LoadState state={ensembles}>
          {({ ensembles: list }) =>
            list.length === 0 ? (
              <EmptyState title="No ensembles yet">
                <p>Start one above: each seed is a full run of the scenario.</p>
              </EmptyState>
            ) : (
              <EnsembleList list={list} selected={runId} />
            )
          }
        </LoadState>
      </section>
      {runId !== undefined && ensembles.data !== undefined && (
        <EnsembleDetail scenario={scenario.name} summary={ensembles.data.ensembles.find((e) => e.runId === runId)} runId={runId} onChange={ensembles.reload} />
      )}
    </div>
  );
}

function StartForm({ scenario }: { scenario: ScenarioSummary }) {
  const [seeds, setSeeds] = useState('10');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const start = async (e: Event): Promise<void> => {
    e.preventDefault();
    const count = Number(seeds);
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      setError(`Seeds must be a whole number from 1 to 1,000, not ${JSON.stringify(seeds)}`);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const started = await api.post<EnsembleSummary>(`/scenarios/${seg(scenario.name)}/ensembles`, { seeds: count });
      navigate(pathOf('ensembles', started.scenario, started.runId));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="ensemble-start" noValidate onSubmit={(e) => void start(e)} aria-labelledby="ensemble-start-title">
      <h2 id="ensemble-start-title">Start an ensemble</h2>
      <p class="field-desc">
        Runs of {scenario.name} over {scenario.startYear}–{scenario.endYear}, one per random seed (1 to 1,000 seeds).
      </p>
      <Field label="Seeds" unit="seeds" error={error}>
        {(input) => (
          <input {...input} type="number" min={1} max={1000} step={1} value={seeds} onInput={(e) => setSeeds((e.currentTarget as HTMLInputElement).value)} />
        )}
      </Field>
      <Button type="submit" variant="primary" disabled={busy || !scenario.valid}>
        {busy ? 'Starting…' : 'Start ensemble'}
      </Button>
      {!scenario.valid && <p class="field-error">The scenario does not load ({scenario.error}): fix it in the plan design editor first.</p>}
    </form>
  );
}

const STATE_TEXT: Record<EnsembleSummary['state'], string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  incomplete: 'Interrupted',
};

function Progress({ summary }: { summary: EnsembleSummary }) {
  const text = `${summary.done} of ${summary.jobs} seeds done`;
  return (
    <span class="ensemble-progress">
      <progress value={summary.done} max={summary.jobs} aria-label={text} />
      <span>{text}</span>
    </span>
  );
}

/** The ensembles as links, newest first: state and progress of each. */
function EnsembleList({ list, selected }: { list: EnsembleSummary[]; selected: string | undefined }) {
  return (
    <div class="table-scroll">
      <table class="ensemble-list">
        <caption>Ensembles, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col" class="num">
              Seeds
            </th>
            <th scope="col">Progress</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {list.map((e) => (
            <tr key={e.runId} aria-current={e.runId === selected ? 'true' : undefined}>
              <th scope="row">
                <a
                  href={link(pathOf('ensembles', e.scenario, e.runId))}
                  title={e.runId}
                  aria-label={`Ensemble of ${formatTime(e.createdAt)}: ${e.seeds} seeds, ${STATE_TEXT[e.state].toLowerCase()}`}
                >
                  {formatTime(e.createdAt)}
                </a>
              </th>
              <td class="num">{formatValue(e.seeds, 'count')}</td>
              <td>
                <Progress summary={e} />
              </td>
              <td>
                <span class={`ensemble-state ensemble-state-${e.state}`}>{STATE_TEXT[e.state]}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EnsembleDetail({ scenario, runId, summary, onChange }: { scenario: string; runId: string; summary: EnsembleSummary | undefined; onChange: () => void }) {
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string>();
  if (summary === undefined) {
    return (
      <Notice kind="error" title="No such ensemble">
        <p>
          Scenario {scenario} has no ensemble {runId}. Pick one from the list.
        </p>
      </Notice>
    );
  }
  const cancel = async (): Promise<void> => {
    setCancelling(true);
    try {
      await api.post(`/ensembles/${seg(scenario)}/${seg(runId)}/cancel`);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setCancelling(false);
      onChange();
    }
  };
  return (
    <section class="ensemble-detail" aria-labelledby="ensemble-title">
      <h2 id="ensemble-title">
        Ensemble of {formatTime(summary.createdAt)} <span class="ensemble-id">{runId}</span>
      </h2>
      <p class="ensemble-meta">
        <span class={`ensemble-state ensemble-state-${summary.state}`}>{STATE_TEXT[summary.state]}</span> <Progress summary={summary} />
        {summary.state === 'running' && (
          <Button variant="danger" disabled={cancelling} onClick={() => void cancel()}>
            {cancelling ? 'Cancelling…' : 'Cancel ensemble'}
          </Button>
        )}
      </p>
      {error !== undefined && (
        <Notice kind="error" title="Cancel failed">
          <p>{error}</p>
        </Notice>
      )}
      {cancelling ? (
        <Spinner label="Cancelling: the seeds running roll back, those done are kept." />
      ) : summary.state === 'running' ? (
        <Spinner label="Running: the fan charts appear when every seed is done." />
      ) : summary.state === 'incomplete' ? (
        <Notice kind="info" title="Interrupted">
          <p>
            It stopped before writing its results (the Studio was closed, or another process runs it). <code>planalign ensemble --resume</code> completes it,
            reusing the seeds already done.
          </p>
        </Notice>
      ) : (
        <Results scenario={scenario} runId={runId} state={summary.state} />
      )}
    </section>
  );
}

function Results({ scenario, runId, state }: { scenario: string; runId: string; state: EnsembleSummary['state'] }) {
  const results = useLoad(() => api.get<EnsembleResults>(`/ensembles/${seg(scenario)}/${seg(runId)}`), [scenario, runId, state]);
  return (
    <LoadState state={results}>
      {(r) => {
        const failed = r.jobStatuses.filter((j) => j.status !== 'completed');
        return (
          <>
            {failed.length > 0 && (
              <Notice kind={state === 'failed' ? 'error' : 'info'} title={`${failed.length} of ${r.jobStatuses.length} seeds did not complete`}>
                {failed.length < r.jobStatuses.length && <p>The figures below are over the seeds that did.</p>}
              </Notice>
            )}
            {r.metrics.length === 0 ? <EmptyState title="No seed completed: nothing to chart" /> : <MetricView results={r} />}
            {r.thresholdShares.length > 0 && (
              <DataTable
                caption="Thresholds set when the ensemble started: share of seeds crossing each"
                filename="ensemble-thresholds"
                columns={[{ id: 'label', label: 'Threshold', unit: 'text' }, ...SHARE_COLUMNS]}
                rows={r.thresholdShares}
              />
            )}
            <DataTable
              caption="Seeds"
              filename="ensemble-seeds"
              columns={[
                { id: 'seed', label: 'Seed', unit: 'text' },
                { id: 'status', label: 'Status', unit: 'text' },
                { id: 'error', label: 'Error', unit: 'text' },
              ]}
              rows={r.jobStatuses.map((j) => ({ ...j, seed: String(j.seed) }))}
            />
          </>
        );
      }}
    </LoadState>
  );
}

/** The chosen metric's fan chart and its threshold probabilities. */
function MetricView({ results }: { results: EnsembleResults }) {
  const [metricId, setMetricId] = useState(results.metrics.some((m) => m.id === FIRST_METRIC) ? FIRST_METRIC : results.metrics[0]!.id);
  const [asked, setAsked] = useState<ThresholdShare[]>();
  const metric = results.metrics.find((m) => m.id === metricId)!;
  // The same arrays while the metric stays: the chart is drawn again only when they change.
  const bands = useMemo(() => results.bands.filter((b) => b.metric === metricId), [results, metricId]);
  const years = useMemo(() => bands.map((b) => b.simulation_year), [bands]);
  return (
    <>
      <Select
        label="Metric"
        value={metricId}
        options={results.metrics.map((m) => ({ value: m.id, label: m.label }))}
        onChange={(id) => {
          setMetricId(id);
          setAsked(undefined);
        }}
      />
      <div class="ensemble-metric">
        <FanChart metric={metric} bands={bands} threshold={asked?.[0]} />
        <ThresholdForm key={metricId} results={results} metric={metric} years={years} asked={asked} onAsked={setAsked} />
      </div>
    </>
  );
}

const BAND_COLUMNS: ReadonlyArray<{ id: keyof Band; label: string }> = [
  { id: 'p5', label: 'P5' },
  { id: 'p25', label: 'P25' },
  { id: 'p50', label: 'Median' },
  { id: 'p75', label: 'P75' },
  { id: 'p95', label: 'P95' },
  { id: 'mean', label: 'Mean' },
  { id: 'sd', label: 'SD' },
];

/**
 * The median by year inside its P25–P75 and P5–P95 bands (stacked areas: an invisible lower edge,
 * then the band's height); a compliance test's figure is 0 or 1 per seed, so its chart is the pass rate.
 * The threshold asked, a dashed line.
 */
function FanChart({ metric, bands, threshold }: { metric: Metric; bands: Band[]; threshold: ThresholdShare | undefined }) {
  const theme = useTheme();
  const seeds = Math.max(...bands.map((b) => b.seeds));
  const title = `${metric.label} over ${seeds} seed${seeds === 1 ? '' : 's'}`;
  const option = useMemo((): ChartOption => {
    // The theme's accent of the palette: deep blue on light, sky blue on dark.
    const colours = palette(theme);
    const colour = theme === 'dark' ? colours[5]! : colours[0]!;
    const thresholdColour = colours[3]!;
    const edge = (name: string, stack: string, values: number[]) => ({
      name,
      type: 'line',
      stack,
      data: values,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      silent: true,
    });
    const band = (name: string, stack: string, lower: number[], upper: number[], opacity: number) => ({
      ...edge(name, stack, upper.map((u, i) => u - lower[i]!)),
      itemStyle: { color: colour, opacity },
      areaStyle: { color: colour, opacity },
    });
    const pick = (key: 'p5' | 'p25' | 'p50' | 'p75' | 'p95' | 'mean') => bands.map((b) => b[key]);
    const centre = isPassRate(metric) ? 'Pass rate' : 'Median';
    const line = { name: centre, type: 'line', data: isPassRate(metric) ? pick('mean') : pick('p50'), symbolSize: 7, lineStyle: { width: 2.5, color: colour }, itemStyle: { color: colour }, z: 3 };
    // A series of its own (not a markLine): the value axis then reaches it even when every seed is far from it.
    const limit =
      threshold === undefined
        ? []
        : [{ name: threshold.label, type: 'line', data: bands.map(() => threshold.value), symbol: 'none', silent: true, lineStyle: { type: 'dashed', width: 2, color: thresholdColour }, itemStyle: { color: thresholdColour } }];
    const series = isPassRate(metric)
      ? [line, ...limit]
      : [
          edge('P5', 'outer', pick('p5')),
          band('P5–P95', 'outer', pick('p5'), pick('p95'), theme === 'dark' ? 0.26 : 0.16),
          edge('P25', 'inner', pick('p25')),
          band('P25–P75', 'inner', pick('p25'), pick('p75'), theme === 'dark' ? 0.48 : 0.32),
          line,
          ...limit,
        ];
    return {
      legend: { data: [...(isPassRate(metric) ? [centre] : [centre, 'P25–P75', 'P5–P95']), ...limit.map((l) => l.name)] },
      xAxis: { type: 'category', data: bands.map((b) => String(b.simulation_year)), boundaryGap: false },
      yAxis: { type: 'value', scale: !isPassRate(metric), axisLabel: { formatter: (v: number) => formatCompact(v, metric.unit) } },
      tooltip: {
        trigger: 'axis',
        formatter: (params: Array<{ dataIndex: number }>) => {
          const b = bands[params[0]?.dataIndex ?? -1];
          if (b === undefined) return '';
          const rows = BAND_COLUMNS.map((c) => `${c.label}: ${formatValue(b[c.id], metric.unit)}`);
          const limitRow = threshold === undefined ? [] : [`Threshold: ${formatValue(threshold.value, metric.unit)}`];
          return [`<strong>${b.simulation_year}</strong> · ${b.seeds} seeds`, ...rows, ...limitRow].join('<br/>');
        },
      },
      series,
    };
  }, [metric, bands, threshold, theme]);
  const columns: DataColumn[] = [
    { id: 'simulation_year', label: 'Year', unit: 'year' },
    { id: 'seeds', label: 'Seeds', unit: 'count' },
    ...BAND_COLUMNS.map((c) => ({ id: c.id, label: c.label, unit: metric.unit })),
  ];
  return (
    <Chart
      title={title}
      option={option}
      table={{ caption: `${metric.label} by year: percentiles of the seeds`, filename: `ensemble-${metric.id}`, columns, rows: bands }}
    />
  );
}

/** The unit after the threshold's input (dollars are in its label: "Threshold ($)"). */
const INPUT_UNIT: Record<Metric['unit'], string | undefined> = { usd: undefined, fraction: '%', count: 'employees' };

/** "1,500,000", "$1.5e6", "72.5 %": the number typed (a percentage as a fraction), or undefined. */
function parseThresholdValue(text: string, unit: Metric['unit']): number | undefined {
  const cleaned = text.replace(/[\s,$%]/g, '');
  if (cleaned === '') return undefined;
  const value = Number(cleaned);
  if (!Number.isFinite(value)) return undefined;
  return unit === 'fraction' ? value / 100 : value;
}

function ThresholdForm({
  results,
  metric,
  years,
  asked,
  onAsked,
}: {
  results: EnsembleResults;
  metric: Metric;
  years: number[];
  asked: ThresholdShare[] | undefined;
  onAsked: (rows: ThresholdShare[] | undefined) => void;
}) {
  const [operator, setOperator] = useState<(typeof OPERATORS)[number]>('>');
  const [value, setValue] = useState('');
  const [year, setYear] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const example = metric.unit === 'usd' ? '1,500,000' : metric.unit === 'fraction' ? '75' : '950';
  const ask = async (e: Event): Promise<void> => {
    e.preventDefault();
    const number = parseThresholdValue(value, metric.unit);
    if (number === undefined) {
      setError(`Type a number, e.g. ${example}${INPUT_UNIT[metric.unit] === undefined ? '' : ` ${INPUT_UNIT[metric.unit]}`}`);
      onAsked(undefined);
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const threshold = `${metric.id}${operator}${number}${year === '' ? '' : `@${year}`}`;
      const answer = await api.post<{ thresholdShares: ThresholdShare[] }>(`/ensembles/${seg(results.scenario)}/${seg(results.runId)}/thresholds`, {
        thresholds: [threshold],
      });
      onAsked(answer.thresholdShares);
    } catch (failure) {
      setError((failure as Error).message);
      onAsked(undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="ensemble-threshold" aria-labelledby="threshold-title">
      <h3 id="threshold-title">Probability of crossing a threshold</h3>
      <p class="field-desc">The share of seeds whose {metric.label.toLowerCase()} is beyond the value you type, per year.</p>
      <form onSubmit={(e) => void ask(e)} aria-label="Threshold probability">
        <div class="threshold-inputs">
          <Select
            label={metric.label}
            value={operator}
            options={OPERATORS.map((o) => ({ value: o, label: OPERATOR_TEXT[o] }))}
            onChange={(o) => setOperator(o as (typeof OPERATORS)[number])}
          />
          <Field label={metric.unit === 'usd' ? 'Threshold ($)' : 'Threshold'} unit={INPUT_UNIT[metric.unit]} error={error}>
            {(input) => (
              <input
                {...input}
                type="text"
                inputMode="decimal"
                class="threshold-value"
                placeholder={example}
                value={value}
                onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
              />
            )}
          </Field>
          <Select
            label="In"
            value={year}
            options={[{ value: '', label: 'every year' }, ...years.map((y) => ({ value: String(y), label: String(y) }))]}
            onChange={setYear}
          />
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? 'Computing…' : 'Compute probability'}
          </Button>
        </div>
      </form>
      {asked !== undefined && asked.length > 0 && (
        <DataTable
          caption={`P(${asked[0]!.label})`}
          filename={`threshold-${metric.id}`}
          columns={SHARE_COLUMNS}
          rows={asked}
        />
      )}
    </section>
  );
}
