import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { STAGES } from '../../../src/models/registry';
import { api, seg, streamRunEvents, TERMINAL_EVENTS, type ConfigDiffEntry, type RunEvent, type RunInfo, type RunState, type ScenarioSummary } from '../api';
import { DataTable } from '../components/DataTable';
import { Button, Dialog, EmptyState, Field, LoadState, Notice, PageHeader, Select, Spinner } from '../components/ui';
import { formatTime, formatValue } from '../format';
import { useLoad } from '../load';
import { link, navigate, pathOf, useRoute } from '../router';

export function RunsPage() {
  const { params } = useRoute();
  return params.scenario !== undefined && params.runId !== undefined ? (
    <RunView key={`${params.scenario}/${params.runId}`} scenario={params.scenario} runId={params.runId} />
  ) : (
    <RunList />
  );
}

const STATE_LABELS: Record<RunState, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

function StateBadge({ state }: { state: RunState }) {
  return <span class={`run-state run-state-${state}`}>{STATE_LABELS[state]}</span>;
}

/** A hash as its first `digits` hex digits (enough to tell runs apart), the whole in its title; 'mixed' (years differ) as is. */
function Hash({ value, digits = 16 }: { value: string | undefined; digits?: number }) {
  if (value === undefined) return <span class="run-muted">—</span>;
  if (!/^[0-9a-f]{64}$/.test(value)) return <span>{value}</span>;
  return (
    <code class="run-hash" title={value}>
      {value.slice(0, digits)}
    </code>
  );
}

/** Seconds as a stage or year took them: "0.05 s", "12.3 s". */
function seconds(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
}

const runPath = (run: Pick<RunInfo, 'scenario' | 'runId'>): string => pathOf('runs', run.scenario, run.runId);

// --- the list: start a run, the history ------------------------------------------------------------------

function RunList() {
  const { query } = useRoute();
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  const [filter, setFilter] = useState(query.get('scenario') ?? '');
  const runs = useLoad(() => api.get<{ runs: RunInfo[] }>(`/runs${filter === '' ? '' : `?scenario=${seg(filter)}`}`), [filter]);
  // The states of running runs change: looked at again while any is running.
  const running = runs.data?.runs.some((r) => r.state === 'running') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(runs.reload, 2000);
    return () => clearInterval(timer);
  }, [running]);
  return (
    <>
      <PageHeader title="Runs" subtitle="Start a run, follow its progress year by year, and read the run history." />
      <LoadState state={scenarios}>
        {({ scenarios: list }) =>
          list.length === 0 ? (
            <EmptyState title="No scenarios to run">
              <p>
                <a href={link('/scenarios')}>Create a scenario</a> first.
              </p>
            </EmptyState>
          ) : (
            <StartRun scenarios={list} initial={query.get('scenario') ?? list[0]!.name} />
          )
        }
      </LoadState>
      <section aria-labelledby="run-history-title">
        <div class="run-history-header">
          <h2 id="run-history-title">Run history</h2>
          <Select
            label="Scenario"
            value={filter}
            options={[{ value: '', label: 'All scenarios' }, ...(scenarios.data?.scenarios ?? []).map((s) => ({ value: s.name, label: s.name }))]}
            onChange={setFilter}
          />
          <Button onClick={runs.reload}>Refresh</Button>
        </div>
        <LoadState state={runs}>
          {({ runs: list }) => (list.length === 0 ? <EmptyState title="No runs yet" /> : <RunHistory runs={list} />)}
        </LoadState>
      </section>
    </>
  );
}

function StartRun({ scenarios, initial }: { scenarios: ScenarioSummary[]; initial: string }) {
  const [name, setName] = useState(scenarios.some((s) => s.name === initial) ? initial : scenarios[0]!.name);
  const [years, setYears] = useState({ startYear: '', endYear: '', seed: '' });
  const [error, setError] = useState<string | undefined>();
  const [starting, setStarting] = useState(false);
  const scenario = scenarios.find((s) => s.name === name)!;
  const start = async (e: Event): Promise<void> => {
    e.preventDefault();
    setStarting(true);
    setError(undefined);
    const body = Object.fromEntries(Object.entries(years).flatMap(([k, v]) => (v.trim() === '' ? [] : [[k, Number(v)]])));
    try {
      navigate(runPath(await api.post<RunInfo>(`/scenarios/${seg(name)}/runs`, body)));
    } catch (err) {
      setError((err as Error).message);
      setStarting(false);
    }
  };
  const number = (key: keyof typeof years, label: string, placeholder: string) => (
    <Field label={label}>
      {(input) => (
        <input
          {...input}
          type="number"
          inputMode="numeric"
          step={1}
          value={years[key]}
          placeholder={placeholder}
          onInput={(e) => setYears((y) => ({ ...y, [key]: (e.currentTarget as HTMLInputElement).value }))}
        />
      )}
    </Field>
  );
  return (
    <section class="run-start" aria-labelledby="run-start-title">
      <h2 id="run-start-title">Start a run</h2>
      <form onSubmit={(e) => void start(e)}>
        <Field label="Scenario">
          {(input) => (
            <select {...input} value={name} onChange={(e) => setName((e.currentTarget as HTMLSelectElement).value)}>
              {scenarios.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {number('startYear', 'First year', String(scenario.startYear))}
        {number('endYear', 'Last year', String(scenario.endYear))}
        {number('seed', 'Random seed', "scenario's")}
        <div class="run-start-actions">
          <Button type="submit" variant="primary" disabled={starting || !scenario.valid}>
            {starting ? 'Starting…' : 'Start run'}
          </Button>
        </div>
      </form>
      <p class="run-muted">
        Reads <code>{scenario.census}</code>; empty fields take the scenario's years and seed. The run's config is snapshotted as it starts.
      </p>
      {!scenario.valid && (
        <Notice kind="error" title={`Scenario ${name} does not load`}>
          <p>{scenario.error}</p>
        </Notice>
      )}
      {error !== undefined && (
        <Notice kind="error" title="The run did not start">
          <p>{error}</p>
        </Notice>
      )}
    </section>
  );
}

function RunHistory({ runs }: { runs: RunInfo[] }) {
  return (
    <div class="table-scroll">
      <table class="run-history">
        <caption>Runs, newest first</caption>
        <thead>
          <tr>
            {['Run', 'Scenario', 'State', 'Years', 'Seed', 'Started'].map((label) => (
              <th scope="col" rowSpan={2} key={label} class={label === 'Years' || label === 'Seed' ? 'num' : undefined}>
                {label}
              </th>
            ))}
            <th scope="colgroup" colSpan={3}>
              Input hashes
            </th>
          </tr>
          <tr>
            <th scope="col">Config</th>
            <th scope="col">Census</th>
            <th scope="col">Parameter tables</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={`${r.scenario}/${r.runId}`}>
              <th scope="row">
                <a class="run-id" href={link(runPath(r))}>
                  {r.runId}
                </a>
              </th>
              <td>{r.scenario}</td>
              <td>
                <StateBadge state={r.state} />
              </td>
              <td class="num">
                {r.startYear}–{r.endYear} ({r.yearsCompleted.length} done)
              </td>
              <td class="num">{r.seed}</td>
              <td>{formatTime(r.createdAt)}</td>
              <td>
                <Hash value={r.inputs?.config} digits={8} />
              </td>
              <td>
                <Hash value={r.inputs?.census} digits={8} />
              </td>
              <td>
                <Hash value={r.inputs?.parameters} digits={8} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// --- one run: live progress ------------------------------------------------------------------------------

type StageState = { state: 'pending' } | { state: 'running' } | { state: 'done'; seconds: number } | { state: 'rolled back' };

interface Progress {
  stages: Map<number, Map<string, StageState>>;
  years: Map<number, { seconds: number; summary: Record<string, number> }>;
  violations: Array<{ year: number; rule: string; severity: string; violations: number }>;
  notices: string[];
  terminal: RunEvent | undefined;
  lastId: number;
}

/**
 * What the run's events say: each year's stages (the last telling wins: a resumed year runs again),
 * the years completed with their summaries, and how it ended. A run that stops mid-year keeps nothing
 * of that year (its transaction rolls back).
 */
function progressOf(events: readonly RunEvent[]): Progress {
  const p: Progress = { stages: new Map(), years: new Map(), violations: [], notices: [], terminal: undefined, lastId: 0 };
  const stage = (year: number): Map<string, StageState> => p.stages.get(year) ?? p.stages.set(year, new Map()).get(year)!;
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    p.lastId = Math.max(p.lastId, e.id);
    if (e.type === 'run_started') {
      // A start or resume: the years not completed begin again.
      p.terminal = undefined;
      for (const [year, stages] of p.stages) if (!p.years.has(year)) stages.clear();
    }
    if (e.type === 'stage_started') stage(d.year as number).set(d.stage as string, { state: 'running' });
    if (e.type === 'stage_completed') stage(d.year as number).set(d.stage as string, { state: 'done', seconds: d.seconds as number });
    if (e.type === 'year_completed') p.years.set(d.year as number, { seconds: d.seconds as number, summary: d.summary as Record<string, number> });
    if (e.type === 'notice') p.notices.push(String(d.message));
    if (e.type === 'validation') {
      for (const r of d.results as Array<{ rule: string; severity: string; violations: number }>) {
        if (r.violations > 0) p.violations.push({ year: d.year as number, ...r });
      }
    }
    if (TERMINAL_EVENTS.includes(e.type)) {
      p.terminal = e;
      if (e.type !== 'run_completed') {
        for (const [year, stages] of p.stages) {
          if (!p.years.has(year)) for (const s of stages.keys()) stages.set(s, { state: 'rolled back' });
        }
      }
    }
  }
  return p;
}

/** The run's events, replayed from the first and then live; `generation` restarts the stream (after a resume). */
function useRunEvents(scenario: string, runId: string, generation: number, afterId: number): RunEvent[] {
  const [events, setEvents] = useState<RunEvent[]>([]);
  useEffect(() => {
    // An interruption is never stored: once resumed, the run is no longer interrupted.
    if (generation > 0) setEvents((list) => list.filter((e) => e.type !== 'run_interrupted'));
    return streamRunEvents(
      scenario,
      runId,
      (event) => setEvents((list) => (list.some((e) => e.id === event.id && e.type === event.type) ? list : [...list, event])),
      afterId,
    );
  }, [scenario, runId, generation]);
  return events;
}

function RunView({ scenario, runId }: { scenario: string; runId: string }) {
  const info = useLoad(() => api.get<RunInfo>(`/runs/${seg(scenario)}/${seg(runId)}`), [scenario, runId]);
  const [stream, setStream] = useState({ generation: 0, after: 0 });
  const events = useRunEvents(scenario, runId, stream.generation, stream.after);
  const progress = useMemo(() => progressOf(events), [events]);
  const [action, setAction] = useState<'cancelling' | 'resuming' | undefined>();
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // The record (state, hashes, end time) once the stream says the run ended.
  useEffect(() => {
    if (progress.terminal !== undefined) info.reload();
  }, [progress.terminal?.type, progress.terminal?.id]);
  const act = async (kind: 'cancel' | 'resume'): Promise<void> => {
    setConfirm(false);
    setError(undefined);
    setAction(kind === 'cancel' ? 'cancelling' : 'resuming');
    try {
      await api.post<RunInfo>(`/runs/${seg(scenario)}/${seg(runId)}/${kind}`);
      // A resume's events follow the last stored one: the stream starts again after it.
      if (kind === 'resume') setStream((s) => ({ generation: s.generation + 1, after: progress.lastId }));
      info.reload();
      // A resume is done once the record no longer says interrupted (below): till then no second one is offered.
      if (kind === 'cancel') setAction(undefined);
    } catch (e) {
      setError((e as Error).message);
      setAction(undefined);
    }
  };
  useEffect(() => {
    if (action === 'resuming' && info.data !== undefined && info.data.state !== 'interrupted') setAction(undefined);
  }, [info.data]);
  return (
    <>
      <PageHeader
        title="Run"
        subtitle={
          <>
            <a href={link('/runs')}>Runs</a> › {scenario} › <code>{runId}</code>
          </>
        }
      />
      <LoadState state={info}>
        {(run) => {
          // The stream knows first: a run told ended is ended, whatever the record said when loaded.
          const state: RunState =
            progress.terminal === undefined
              ? run.state
              : ({ run_completed: 'completed', run_failed: 'failed', run_cancelled: 'cancelled', run_interrupted: 'interrupted' } as const)[
                  progress.terminal.type as 'run_completed'
                ];
          return (
            <>
              <div class="run-status" aria-live="polite">
                <StateBadge state={state} />
                <RunActions run={run} state={state} action={action} onCancel={() => setConfirm(true)} onResume={() => void act('resume')} />
              </div>
              {error !== undefined && (
                <Notice kind="error" title="Not done">
                  <p>{error}</p>
                </Notice>
              )}
              <Outcome run={run} state={state} progress={progress} />
              <Dialog title="Cancel this run?" open={confirm} confirmLabel="Cancel run" danger onCancel={() => setConfirm(false)} onConfirm={() => void act('cancel')}>
                <p>The year in progress is rolled back; the years already completed stay in the run's database. A cancelled run cannot be resumed.</p>
              </Dialog>
              <ProgressGrid run={run} state={state} progress={progress} />
              <YearResults progress={progress} />
              <RunDetails run={run} />
            </>
          );
        }}
      </LoadState>
    </>
  );
}

function RunActions({
  run,
  state,
  action,
  onCancel,
  onResume,
}: {
  run: RunInfo;
  state: RunState;
  action: 'cancelling' | 'resuming' | undefined;
  onCancel: () => void;
  onResume: () => void;
}) {
  const ref = (page: string): string => pathOf(page, run.scenario, run.runId);
  return (
    <div class="page-actions">
      {state === 'running' && (
        <Button variant="danger" disabled={action !== undefined} onClick={onCancel}>
          {action === 'cancelling' ? 'Cancelling…' : 'Cancel run'}
        </Button>
      )}
      {state === 'interrupted' && (
        <Button variant="primary" disabled={action !== undefined} onClick={onResume}>
          {action === 'resuming' ? 'Resuming…' : 'Resume run'}
        </Button>
      )}
      {state === 'completed' && (
        <>
          <a class="btn btn-primary" href={link(ref('dashboard'))}>
            Dashboard
          </a>
          <a class="btn" href={link(ref('timeline'))}>
            Employee timeline
          </a>
          <a class="btn" href={link(`/ensembles?scenario=${encodeURIComponent(run.scenario)}`)}>
            Ensembles
          </a>
        </>
      )}
    </div>
  );
}

function Outcome({ run, state, progress }: { run: RunInfo; state: RunState; progress: Progress }) {
  const kept = progress.years.size;
  const keptText = kept === 0 ? 'No year was completed' : `${kept} completed ${kept === 1 ? 'year is' : 'years are'} kept`;
  const data = (progress.terminal?.data ?? {}) as Record<string, unknown>;
  if (state === 'completed') {
    const took = typeof data.seconds === 'number' ? ` in ${seconds(data.seconds)}` : '';
    return <Notice kind="success" title={`Completed ${run.startYear}–${run.endYear}${took}`} />;
  }
  if (state === 'cancelled') return <Notice kind="info" title="Cancelled: the year in progress was rolled back">{keptText}.</Notice>;
  if (state === 'interrupted') {
    return (
      <Notice kind="info" title={`Interrupted: ${String(data.reason ?? 'its process ended before the run finished')}`}>
        <p>{keptText}; resuming continues at the first year not completed.</p>
      </Notice>
    );
  }
  if (state === 'failed') {
    return (
      <Notice kind="error" title="Failed">
        <p class="run-error">{run.error ?? String(data.error ?? '')}</p>
      </Notice>
    );
  }
  return null;
}

const STAGE_LABELS: Record<string, string> = Object.fromEntries(STAGES.map((s) => [s, s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, ' ')]));

function ProgressGrid({ run, state, progress }: { run: RunInfo; state: RunState; progress: Progress }) {
  const years = Array.from({ length: run.endYear - run.startYear + 1 }, (_, i) => run.startYear + i);
  const done = [...progress.stages.values()].reduce((n, stages) => n + [...stages.values()].filter((s) => s.state === 'done').length, 0);
  const total = years.length * STAGES.length;
  return (
    <section aria-labelledby="run-progress-title">
      <h2 id="run-progress-title">Progress by year and stage</h2>
      <div class="run-progress-bar">
        <progress value={done} max={total} aria-label="Stages completed" />
        <span>
          {done} of {total} stages ({formatValue(done / total, 'fraction')})
        </span>
      </div>
      <div class="table-scroll">
        <table class="run-progress">
          <caption>Stages per year</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                Year
              </th>
              {STAGES.map((s) => (
                <th scope="col" key={s}>
                  {STAGE_LABELS[s]}
                </th>
              ))}
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {years.map((year) => {
              const stages = progress.stages.get(year);
              const completed = progress.years.get(year);
              return (
                <tr key={year}>
                  <th scope="row" class="num">
                    {year}
                  </th>
                  {STAGES.map((s) => {
                    const st = stages?.get(s) ?? { state: 'pending' };
                    // A stage told started in a run no longer running did not finish.
                    const shown = st.state === 'running' && state !== 'running' ? ({ state: 'rolled back' } as const) : st;
                    return (
                      <td key={s} class={`run-stage run-stage-${shown.state.replace(' ', '-')}`}>
                        {shown.state === 'done' ? `✓ ${seconds(shown.seconds)}` : shown.state === 'running' ? 'running…' : shown.state === 'pending' ? '·' : 'rolled back'}
                      </td>
                    );
                  })}
                  <td class="run-year-state">
                    {completed !== undefined
                      ? `completed in ${seconds(completed.seconds)}`
                      : stages === undefined
                        ? state === 'running'
                          ? 'waiting'
                          : 'not run'
                        : state === 'running'
                          ? 'in progress'
                          : 'rolled back'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {progress.violations.length > 0 && (
        <DataTable
          caption="Validation findings"
          columns={[
            { id: 'year', label: 'Year', unit: 'year' },
            { id: 'rule', label: 'Rule', unit: 'text' },
            { id: 'severity', label: 'Severity', unit: 'text' },
            { id: 'violations', label: 'Rows', unit: 'count' },
          ]}
          rows={progress.violations}
        />
      )}
      {progress.notices.length > 0 && (
        <ul class="run-notices" aria-label="Notices from the engine">
          {progress.notices.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Each completed year's headline figures, as the run's progress tells them. */
function YearResults({ progress }: { progress: Progress }) {
  if (progress.years.size === 0) return null;
  const rows = [...progress.years.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, { summary: s }]) => ({
      ...s,
      year,
      terminations: (s.experiencedTerminations ?? 0) + (s.newHireTerminations ?? 0),
      // The summary's growth is a percent (×100); the table's unit is a fraction.
      growth: (s.growthPct ?? 0) / 100,
    }));
  return (
    <DataTable
      caption="Years completed"
      columns={[
        { id: 'year', label: 'Year', unit: 'year' },
        { id: 'activeHeadcount', label: 'Active headcount', unit: 'count' },
        { id: 'hires', label: 'Hires', unit: 'count' },
        { id: 'terminations', label: 'Terminations', unit: 'count' },
        { id: 'growth', label: 'Growth', unit: 'fraction' },
        { id: 'participationRate', label: 'Participation', unit: 'fraction' },
        { id: 'totalCompensation', label: 'Total pay', unit: 'usd' },
        { id: 'employerCost', label: 'Employer cost', unit: 'usd' },
        { id: 'netEmployerCost', label: 'Net employer cost', unit: 'usd' },
      ]}
      rows={rows}
    />
  );
}

function RunDetails({ run }: { run: RunInfo }) {
  const snapshot = useLoad(() => api.get<{ config: string; yaml: string }>(`/runs/${seg(run.scenario)}/${seg(run.runId)}/config`), [run.scenario, run.runId]);
  const rows: Array<[string, ComponentChildren]> = [
    ['Scenario', <a href={link(pathOf('scenarios', run.scenario, 'edit'))}>{run.scenario}</a>],
    ['Years', `${run.startYear}–${run.endYear}`],
    ['Random seed', String(run.seed)],
    ['Census', <code>{run.census}</code>],
    ['Started', `${formatTime(run.createdAt)} (from the ${run.origin === 'studio' ? 'Studio' : run.origin === 'cli' ? 'command line' : 'batch'})`],
    ['Finished', run.finishedAt === undefined ? '—' : formatTime(run.finishedAt)],
    ['Config hash', <Hash value={run.inputs?.config} />],
    ['Census hash', <Hash value={run.inputs?.census} />],
    ['Parameter tables hash', <Hash value={run.inputs?.parameters} />],
    ['Database', <code>{run.database}</code>],
  ];
  return (
    <section aria-labelledby="run-details-title">
      <h2 id="run-details-title">Inputs</h2>
      <dl class="run-details">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {run.inputs === undefined && <p class="run-muted">The hashes are known once the run has completed a year.</p>}
      <LoadState state={snapshot}>
        {(s) => (
          <>
            <ConfigChanges scenario={run.scenario} yaml={s.yaml} />
            <details class="run-snapshot">
              <summary>
                Config snapshot <code>{s.config}</code>
              </summary>
              <pre tabIndex={0} aria-label="Config snapshot">
                {s.yaml}
              </pre>
            </details>
          </>
        )}
      </LoadState>
    </section>
  );
}

/** What the scenario changed since the run started: a rerun would differ by these. */
function ConfigChanges({ scenario, yaml }: { scenario: string; yaml: string }) {
  const diff = useLoad(() => api.post<{ differences: ConfigDiffEntry[] }>('/config/diff', { a: { yaml }, b: { scenario } }), [scenario, yaml]);
  if (diff.error !== undefined) return <p class="run-muted">The scenario now cannot be compared: {diff.error.message}</p>;
  if (diff.data === undefined) return <Spinner label="Comparing with the scenario now…" />;
  const differences = diff.data.differences;
  if (differences.length === 0) return <p class="run-muted">The scenario {scenario} is unchanged since this run: a rerun computes under the same config.</p>;
  const text = (v: unknown): string => (v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <DataTable
      caption={`Changed in scenario ${scenario} since this run`}
      columns={[
        { id: 'key', label: 'Key', unit: 'text' },
        { id: 'a', label: 'In this run', unit: 'text' },
        { id: 'b', label: 'Now', unit: 'text' },
      ]}
      rows={differences.map((d) => ({ key: d.key, a: text(d.a), b: text(d.b) }))}
    />
  );
}
