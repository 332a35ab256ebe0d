import { useMemo } from 'preact/hooks';
import {
  api,
  seg,
  type ComplianceRecord,
  type DeferralBucket,
  type ResultColumn,
  type ResultFilters,
  type ResultMetric,
  type ResultTable,
  type ResultValue,
  type RunInfo,
  type Unit,
} from '../api';
import { Chart, type ChartOption } from '../components/Chart';
import type { DataColumn } from '../components/DataTable';
import { DataTable } from '../components/DataTable';
import { Button, EmptyState, LoadState, Notice, PageHeader, Select } from '../components/ui';
import { formatCompact, formatTime, formatValue } from '../format';
import { useLoad } from '../load';
import { link, navigate, pathOf, useRoute } from '../router';

// ---------------------------------------------------------------------------------------------
// Shared with the compare page: runs, their labels, and charts of figures per year.

/** The runs whose results can be read (a running or failed run has none to show), newest first. */
export function useCompletedRuns() {
  return useLoad(async () => (await api.get<{ runs: RunInfo[] }>('/runs')).runs.filter((r) => r.state === 'completed'), []);
}

/** How the result API names a run (rows' `run`, comparison keys): scenario/runId. */
export function runKey(run: { scenario: string; runId: string }): string {
  return `${run.scenario}/${run.runId}`;
}

/** A run as a picker lists it: when it was started, its years and seed. */
export function runOptionLabel(run: RunInfo): string {
  return `${formatTime(run.createdAt)} · ${run.startYear}–${run.endYear} · seed ${run.seed}`;
}

export interface Series {
  name: string;
  data: Array<number | null>;
}

/** Bars (or lines) of one unit per category (years, buckets): axis labels and tooltips in that unit. */
export function seriesOption(categories: readonly string[], series: readonly Series[], unit: Unit, kind: 'bar' | 'line' = 'bar'): ChartOption {
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatValue(v, unit) },
    xAxis: { type: 'category', data: [...categories] },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => formatCompact(v, unit) }, ...(unit === 'count' ? { minInterval: 1 } : {}) },
    series: series.map((s) => ({ type: kind, name: s.name, data: s.data, ...(kind === 'line' ? { symbolSize: 8 } : { barMaxWidth: 56 }) })),
  };
}

/** A run's short name where several are shown: its scenario, with its seed or id when the scenario comes twice. */
export function shortLabels(runs: readonly RunInfo[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const run of runs) {
    const same = runs.filter((r) => r.scenario === run.scenario);
    const seeds = new Set(same.map((r) => r.seed));
    const suffix = same.length === 1 ? '' : seeds.size === same.length ? ` · seed ${run.seed}` : ` · ${run.runId.slice(-4)}`;
    names.set(runKey(run), `${run.scenario}${suffix}`);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Filters: in the route's query (?level=1&age=25-34&tenure=<2&cohort=census), so a reload or a link keeps them.

/** Each filter: its route parameter, the result query's group, its label, and the deferral route's parameter. */
const FILTERS = [
  { param: 'level', group: 'level', label: 'Level', deferrals: 'level' },
  { param: 'age', group: 'age_band', label: 'Age band', deferrals: 'ageBand' },
  { param: 'tenure', group: 'tenure_band', label: 'Tenure band', deferrals: 'tenureBand' },
  { param: 'cohort', group: 'new_hire_cohort', label: 'New-hire cohort', deferrals: 'cohort' },
] as const;
type FilterParam = (typeof FILTERS)[number]['param'];
type Chosen = Record<FilterParam, string[]>;

function chosenFilters(query: URLSearchParams): Chosen {
  return Object.fromEntries(FILTERS.map((f) => [f.param, query.getAll(f.param)])) as Chosen;
}

function filterQuery(chosen: Chosen): string {
  const params = new URLSearchParams();
  for (const f of FILTERS) for (const v of chosen[f.param]) params.append(f.param, v);
  return params.toString();
}

/** The filters as the result API takes them: levels and hire years as numbers, 'census' as is. */
function resultFilters(chosen: Chosen): ResultFilters {
  const filters: ResultFilters = {};
  if (chosen.level.length > 0) filters.levels = chosen.level.map(Number);
  if (chosen.age.length > 0) filters.ageBands = chosen.age;
  if (chosen.tenure.length > 0) filters.tenureBands = chosen.tenure;
  if (chosen.cohort.length > 0) filters.newHireCohorts = chosen.cohort.map((c) => (c === 'census' ? 'census' : Number(c)));
  return filters;
}

function cohortLabel(value: string): string {
  return value === 'census' ? 'Census' : `Hired ${value}`;
}

// ---------------------------------------------------------------------------------------------
// The page

export function DashboardPage() {
  const runs = useCompletedRuns();
  return (
    <>
      <PageHeader title="Dashboard" subtitle="A run's figures per year: headcount, pay, participation, contributions, employer cost, balances and compliance." />
      <LoadState state={runs}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No completed run yet">
              <p>
                Start a run of a scenario on the <a href={link('/runs')}>Runs</a> page; its figures show here once it has finished.
              </p>
            </EmptyState>
          ) : (
            <PickedRun runs={list} />
          )
        }
      </LoadState>
    </>
  );
}

/** The run of the route (#/dashboard/<scenario>/<runId>; 'latest': the scenario's newest), else the newest completed one. */
function PickedRun({ runs }: { runs: RunInfo[] }) {
  const route = useRoute();
  const { scenario, runId } = route.params;
  const run = scenario === undefined ? runs[0] : runs.find((r) => r.scenario === scenario && (r.runId === runId || runId === 'latest'));
  const chosen = chosenFilters(route.query);
  const query = filterQuery(chosen);
  const open = (s: string, id: string, q = query): void => navigate(`${pathOf('dashboard', s, id)}${q === '' ? '' : `?${q}`}`);
  const scenarios = [...new Set(runs.map((r) => r.scenario))].sort();
  const current = run ?? runs.find((r) => r.scenario === scenario) ?? runs[0]!;
  const ofScenario = runs.filter((r) => r.scenario === current.scenario);
  return (
    <>
      <div class="dash-picker" role="group" aria-label="Run">
        <Select
          label="Scenario"
          value={current.scenario}
          options={scenarios.map((s) => ({ value: s, label: s }))}
          onChange={(s) => open(s, runs.find((r) => r.scenario === s)!.runId, '')}
        />
        <Select
          label="Run"
          value={current.runId}
          options={ofScenario.map((r, i) => ({ value: r.runId, label: `${runOptionLabel(r)}${i === 0 ? ' (latest)' : ''}` }))}
          onChange={(id) => open(current.scenario, id)}
        />
        <span class="dash-links">
          <a href={link(pathOf('runs', current.scenario, current.runId))}>Run details</a>
          <a href={link(`/compare?${new URLSearchParams({ run: runKey(current) })}`)}>Compare…</a>
          <a href={link(pathOf('timeline', current.scenario, current.runId))}>Employee timeline</a>
        </span>
      </div>
      {run === undefined ? (
        <Notice kind="error" title="No such completed run">
          <p>
            Scenario {scenario} has no completed run {runId}: it may still be running, have failed, or been deleted. Pick a run above.
          </p>
        </Notice>
      ) : (
        <RunDashboard key={runKey(run)} run={run} chosen={chosen} onFilter={(c) => open(run.scenario, run.runId, filterQuery(c))} />
      )}
    </>
  );
}

interface RunData {
  metrics: ResultMetric[];
  plan: ResultTable;
  compliance: ComplianceRecord[];
  /** Each filter's values in the run (every year), in the API's order. */
  options: Record<FilterParam, string[]>;
}

interface FilteredData {
  /** The filter query these figures are of (what the page shows; tests wait for it). */
  query: string;
  figures: ResultTable;
  deferrals: DeferralBucket[];
}

function RunDashboard({ run, chosen, onFilter }: { run: RunInfo; chosen: Chosen; onFilter: (c: Chosen) => void }) {
  const whole = useLoad(async (): Promise<RunData> => {
    const ref = { scenario: run.scenario, runId: run.runId };
    const { metrics } = await api.get<{ metrics: ResultMetric[] }>('/results/metrics');
    const planIds = ['total_employer_plan_cost', ...metrics.filter((m) => !m.groupable).map((m) => m.id)];
    const [plan, compliance, ...groups] = await Promise.all([
      api.post<ResultTable>('/results/query', { runs: [ref], query: { metrics: planIds } }),
      api.get<{ years: ComplianceRecord[] }>(`/runs/${seg(run.scenario)}/${seg(run.runId)}/compliance`),
      ...FILTERS.map((f) =>
        api.post<ResultTable>('/results/query', { runs: [ref], query: { metrics: ['active_headcount', 'terminated_headcount'], groupBy: f.group } }),
      ),
    ]);
    const options = Object.fromEntries(
      FILTERS.map((f, i) => [f.param, [...new Set(groups[i]!.rows.map((r) => r.group).filter((g) => g !== null).map(String))]]),
    ) as Record<FilterParam, string[]>;
    return { metrics, plan, compliance: compliance.years, options };
  }, [runKey(run)]);
  const filtering = FILTERS.some((f) => chosen[f.param].length > 0);
  return (
    <LoadState state={whole}>
      {(data) => (
        <>
          <Population run={run} data={data} chosen={chosen} onFilter={onFilter} />
          <h2>Whole plan</h2>
          {filtering && (
            <Notice kind="info">
              Forfeitures, net employer cost and account balances are figures of the whole plan: the filters above do not apply to them, nor to the
              compliance tests.
            </Notice>
          )}
          <div class="dash-grid">
            <YearChart title="Gross and net employer cost" table={data.plan} ids={['total_employer_plan_cost', 'net_employer_plan_cost']} extra={['forfeitures']} />
            <YearChart title="Account balances" table={data.plan} ids={['account_balances']} />
          </div>
          <Compliance records={data.compliance} />
        </>
      )}
    </LoadState>
  );
}

/** The filters and the figures of the population they choose (all employees without any). */
function Population({ run, data, chosen, onFilter }: { run: RunInfo; data: RunData; chosen: Chosen; onFilter: (c: Chosen) => void }) {
  const query = filterQuery(chosen);
  const filtered = useLoad(async (): Promise<FilteredData> => {
    const params = new URLSearchParams();
    for (const f of FILTERS) for (const v of chosen[f.param]) params.append(f.deferrals, v);
    const metrics = data.metrics.filter((m) => m.groupable).map((m) => m.id);
    const [figures, deferrals] = await Promise.all([
      api.post<ResultTable>('/results/query', { runs: [{ scenario: run.scenario, runId: run.runId }], query: { metrics, filters: resultFilters(chosen) } }),
      api.get<{ buckets: DeferralBucket[] }>(`/runs/${seg(run.scenario)}/${seg(run.runId)}/deferrals${params.size === 0 ? '' : `?${params}`}`),
    ]);
    return { query, figures, deferrals: deferrals.buckets };
  }, [query]);
  const filtering = FILTERS.some((f) => chosen[f.param].length > 0);
  return (
    <div class="dashboard" data-shown={filtered.data?.query} aria-busy={filtered.loading}>
      <Filters options={data.options} chosen={chosen} onChange={onFilter} busy={filtered.loading} />
      <LoadState state={filtered}>
        {(f) =>
          f.figures.rows.length === 0 ? (
            <EmptyState title="No employees match these filters">
              <p>Widen or clear the filters.</p>
            </EmptyState>
          ) : (
            <>
              <Headlines figures={f.figures} plan={data.plan} filtering={filtering} />
              <h2>Workforce</h2>
              <div class="dash-grid">
                <YearChart title="Headcount by status" table={f.figures} ids={['active_headcount', 'terminated_headcount']} />
                <YearChart title="Hires and terminations" table={f.figures} ids={['hires', 'experienced_terminations', 'new_hire_terminations']} />
                <YearChart title="Payroll" table={f.figures} ids={['total_compensation']} />
                <YearChart title="Average pay of the actives" table={f.figures} ids={['average_active_pay']} kind="line" />
              </div>
              <h2>Participation</h2>
              <div class="dash-grid">
                <YearChart
                  title="Participation and deferral rates"
                  table={f.figures}
                  ids={['participation_rate', 'avg_deferral_rate']}
                  extra={['participants', 'active_headcount']}
                  kind="line"
                />
                <DeferralChart buckets={f.deferrals} />
              </div>
              <h2>Contributions and employer cost</h2>
              <div class="dash-grid">
                <YearChart title="Contributions" table={f.figures} ids={['employee_contributions', 'employer_match_cost', 'employer_core_cost']} />
                <YearChart
                  title="Employer cost, share of payroll"
                  table={f.figures}
                  ids={['employer_cost_pct_of_payroll']}
                  extra={['total_employer_plan_cost', 'employer_cost_per_participant']}
                  kind="line"
                />
              </div>
            </>
          )
        }
      </LoadState>
    </div>
  );
}

function Filters({ options, chosen, onChange, busy }: { options: RunData['options']; chosen: Chosen; onChange: (c: Chosen) => void; busy: boolean }) {
  const toggle = (param: FilterParam, value: string): void => {
    const values = chosen[param].includes(value) ? chosen[param].filter((v) => v !== value) : [...chosen[param], value];
    onChange({ ...chosen, [param]: values });
  };
  const any = FILTERS.some((f) => chosen[f.param].length > 0);
  return (
    <section class="dash-filters" aria-label="Filters">
      {FILTERS.map((f) => (
        <fieldset key={f.param}>
          <legend>{f.label}</legend>
          {options[f.param].map((v) => (
            <label key={v} class="chip">
              <input type="checkbox" checked={chosen[f.param].includes(v)} onChange={() => toggle(f.param, v)} />
              {f.param === 'cohort' ? cohortLabel(v) : v}
            </label>
          ))}
        </fieldset>
      ))}
      <div class="dash-filter-status">
        <span role="status">{busy ? 'Updating…' : any ? 'Filtered: the population figures are of the chosen employees only' : 'All employees'}</span>
        {any && <Button onClick={() => onChange(chosenFilters(new URLSearchParams()))}>Clear filters</Button>}
      </div>
    </section>
  );
}

/** The last year's headline figures, each with its unit. */
function Headlines({ figures, plan, filtering }: { figures: ResultTable; plan: ResultTable; filtering: boolean }) {
  const last = figures.rows.at(-1)!;
  const lastPlan = plan.rows.find((r) => r.year === last.year);
  const tile = (table: ResultTable, row: Record<string, ResultValue> | undefined, id: string) => {
    const column = table.columns.find((c) => c.id === id)!;
    return (
      <div class="kpi" key={id}>
        <dt>
          {column.label}
          {filtering && table === plan ? ' · whole plan' : ''}
        </dt>
        <dd>{formatValue(row?.[id], column.unit)}</dd>
      </div>
    );
  };
  return (
    <section aria-label={`Headline figures of ${last.year}`}>
      <p class="kpi-caption">
        {last.year}, year end{filtering ? ' (filtered)' : ''}
      </p>
      <dl class="kpis">
        {tile(figures, last, 'active_headcount')}
        {tile(figures, last, 'participation_rate')}
        {tile(figures, last, 'total_compensation')}
        {tile(figures, last, 'total_employer_plan_cost')}
        {tile(figures, last, 'employer_cost_pct_of_payroll')}
        {tile(plan, lastPlan, 'account_balances')}
      </dl>
    </section>
  );
}

const YEAR: DataColumn = { id: 'year', label: 'Year', unit: 'year' };

/**
 * Figures per year of one table: `ids` drawn (one unit), `extra` in the table only (other units, or
 * what the chart would crowd).
 */
function YearChart({ title, table, ids, extra = [], kind = 'bar' }: { title: string; table: ResultTable; ids: string[]; extra?: string[]; kind?: 'bar' | 'line' }) {
  const column = (id: string): ResultColumn => {
    const c = table.columns.find((col) => col.id === id);
    if (c === undefined) throw new Error(`The result table has no column ${id}`);
    return c;
  };
  const drawn = ids.map(column);
  const option = useMemo(
    () =>
      seriesOption(
        table.rows.map((r) => String(r.year)),
        drawn.map((c) => ({ name: c.label, data: table.rows.map((r) => r[c.id] as number | null) })),
        drawn[0]!.unit,
        kind,
      ),
    [table],
  );
  return (
    <Chart title={title} option={option} height={260} table={{ caption: title, columns: [YEAR, ...drawn, ...extra.map(column)], rows: table.rows }} />
  );
}

function DeferralChart({ buckets }: { buckets: DeferralBucket[] }) {
  const years = [...new Set(buckets.map((b) => b.year))];
  const names = [...new Set(buckets.map((b) => b.bucket))];
  const count = (year: number, bucket: string): number => buckets.find((b) => b.year === year && b.bucket === bucket)?.count ?? 0;
  const option = useMemo(() => seriesOption(names, years.map((y) => ({ name: String(y), data: names.map((n) => count(y, n)) })), 'count'), [buckets]);
  const title = 'Deferral-rate distribution (actives at year end)';
  return (
    <Chart
      title={title}
      option={option}
      height={260}
      table={{
        caption: title,
        columns: [{ id: 'bucket', label: 'Deferral rate', unit: 'text' }, ...years.map((y) => ({ id: String(y), label: String(y), unit: 'count' as const }))],
        rows: names.map((bucket) => ({ bucket, ...Object.fromEntries(years.map((y) => [String(y), count(y, bucket)])) })),
      }}
    />
  );
}

const COMPLIANCE_COLUMNS = (unit: 'fraction' | 'usd'): DataColumn[] => [
  { id: 'year', label: 'Year', unit: 'year' },
  { id: 'label', label: 'Test', unit: 'text' },
  { id: 'group_name', label: 'Group', unit: 'text' },
  { id: 'passed', label: 'Passed', unit: 'boolean' },
  { id: 'hce_value', label: 'HCE', unit },
  { id: 'nhce_value', label: 'NHCE', unit },
  { id: 'limit_value', label: 'Limit', unit },
  { id: 'margin', label: 'Margin', unit },
  { id: 'hce_count', label: 'HCEs', unit: 'count' },
  { id: 'nhce_count', label: 'NHCEs', unit: 'count' },
];

/** The compliance tests per year: rate tests and dollar tests in tables of their own unit. */
function Compliance({ records }: { records: ComplianceRecord[] }) {
  const failed = records.filter((r) => !r.passed);
  return (
    <section aria-label="Compliance tests">
      <h2>Compliance tests</h2>
      {records.length === 0 ? (
        <EmptyState title="No compliance results in this run" />
      ) : failed.length === 0 ? (
        <Notice kind="success">All {records.length} tests passed in every year.</Notice>
      ) : (
        <Notice kind="error" title={`${failed.length} of ${records.length} tests failed`}>
          <ul>
            {failed.map((r) => (
              <li key={`${r.year}-${r.test_name}-${r.group_name}`}>
                {r.year} {r.label} ({r.group_name}): margin {formatValue(r.margin, r.unit)}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {(['fraction', 'usd'] as const).map((unit) => {
        const rows = records.filter((r) => r.unit === unit);
        return rows.length === 0 ? null : (
          <DataTable
            key={unit}
            caption={unit === 'fraction' ? 'Compliance tests per year (rates)' : 'Compliance tests per year (dollars)'}
            columns={COMPLIANCE_COLUMNS(unit)}
            rows={rows}
          />
        );
      })}
    </section>
  );
}
