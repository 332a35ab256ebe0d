import { useEffect, useState } from 'preact/hooks';
import { api, seg, type EmployeeMatch, type EmployeeTimeline, type RunInfo, type TimelineEvent, type TimelineYear } from '../api';
import { DataTable } from '../components/DataTable';
import { EmptyState, Field, LoadState, Notice, PageHeader, Select } from '../components/ui';
import { formatTime, formatValue } from '../format';
import { useLoad } from '../load';
import { link, navigate, pathOf, useRoute } from '../router';

/** Matches listed per search (the API's default). */
const SEARCH_LIMIT = 20;
/** Typing pauses this long before the search is sent. */
const SEARCH_DELAY_MS = 250;

/** The Studio's words for the engine's event types; others are shown as their type. */
const EVENT_LABELS: Record<string, string> = {
  hire: 'Hired',
  termination: 'Terminated',
  eligibility: 'Eligible for the plan',
  enrollment: 'Enrolled',
  enrollment_change: 'Enrollment changed',
  deferral_match_response: 'Deferral changed (match response)',
  deferral_escalation: 'Deferral escalated',
  promotion: 'Promoted',
  raise: 'Raise',
};

const eventLabel = (type: string): string => EVENT_LABELS[type] ?? type.replace(/_/g, ' ');

/**
 * One employee through a run (#/timeline/<scenario>/<runId>/<employeeId>): pick a run, search an
 * employee by id, then every event in date order (a vertical timeline, and its table) and the
 * year-end state of each simulated year.
 */
export function TimelinePage() {
  const route = useRoute();
  const runs = useLoad(() => api.get<{ runs: RunInfo[] }>('/runs'), []);
  return (
    <>
      <PageHeader title="Employee timeline" subtitle="Every event and yearly state of one employee across the years." />
      <LoadState state={runs}>
        {({ runs: all }) => {
          // A running run's database is the writer's until it ends: only finished runs can be read.
          const readable = all.filter((r) => r.state !== 'running');
          if (readable.length === 0) {
            return (
              <EmptyState title="No finished runs yet">
                <p>
                  <a href={link('/runs')}>Run a scenario</a>: its employees' timelines are read from the run.
                </p>
              </EmptyState>
            );
          }
          const { scenario, runId, employeeId } = route.params;
          const run =
            scenario === undefined ? (readable.find((r) => r.state === 'completed') ?? readable[0]!) : all.find((r) => r.scenario === scenario && r.runId === runId);
          return (
            <>
              <Select
                label="Run"
                value={run === undefined ? '' : `${run.scenario}/${run.runId}`}
                options={[
                  ...(run === undefined ? [{ value: '', label: 'Pick a run' }] : []),
                  ...readable.map((r) => ({ value: `${r.scenario}/${r.runId}`, label: `${r.scenario} · ${formatTime(r.createdAt)} · ${r.state}` })),
                ]}
                onChange={(v) => {
                  const [s, id] = v.split('/') as [string, string];
                  navigate(pathOf('timeline', s, id));
                }}
              />
              {run === undefined ? (
                <Notice kind="error" title="No such run">
                  <p>
                    Scenario {scenario} has no run {runId}. Pick one above.
                  </p>
                </Notice>
              ) : (
                <div class="timeline-layout">
                  <EmployeeSearch run={run} selected={employeeId} />
                  {employeeId === undefined ? (
                    <EmptyState title="Pick an employee">
                      <p>Search by employee id, then choose one to see every event and year-end state.</p>
                    </EmptyState>
                  ) : (
                    <Timeline key={`${run.runId}/${employeeId}`} run={run} employeeId={employeeId} />
                  )}
                </div>
              )}
            </>
          );
        }}
      </LoadState>
    </>
  );
}

function EmployeeSearch({ run, selected }: { run: RunInfo; selected: string | undefined }) {
  // A deep link's employee is searched for: the list shows it, marked.
  const [text, setText] = useState(selected ?? '');
  const [query, setQuery] = useState(selected ?? '');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  // The answer keeps the text it answers (data-query): what is shown is known to be that search's.
  const matches = useLoad(
    async () => ({
      query,
      ...(await api.get<{ employees: EmployeeMatch[] }>(
        `/runs/${seg(run.scenario)}/${seg(run.runId)}/employees?${new URLSearchParams({ q: query, limit: String(SEARCH_LIMIT) })}`,
      )),
    }),
    [run.scenario, run.runId, query],
  );
  return (
    <section class="employee-search" aria-labelledby="employee-search-title">
      <h2 id="employee-search-title">Employees</h2>
      <form role="search" onSubmit={(e) => (e.preventDefault(), setQuery(text.trim()))}>
        <Field label="Employee id contains">
          {(input) => <input {...input} type="search" value={text} autoComplete="off" onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      </form>
      <LoadState state={matches}>
        {({ query: answered, employees }) => (
          <div class="employee-results" data-query={answered}>
            {employees.length === 0 ? (
              <p class="employee-none" role="status">
                No employee id contains “{answered}”.
              </p>
            ) : (
              <>
                <p class="employee-count" role="status">
                  {employees.length === SEARCH_LIMIT
                    ? `First ${SEARCH_LIMIT} matches: type more of the id to narrow them.`
                    : `${employees.length} ${employees.length === 1 ? 'match' : 'matches'}`}
                </p>
                <ul class="employee-matches" aria-label="Matching employees">
                  {employees.map((m) => (
                    <li key={m.employee_id}>
                      <a href={link(pathOf('timeline', run.scenario, run.runId, m.employee_id))} aria-current={m.employee_id === selected ? 'page' : undefined}>
                        <span class="employee-id">{m.employee_id}</span>
                        <span class="employee-meta">
                          Level {m.level ?? '—'} · {m.status ?? '—'}
                          {m.termination_date !== null ? ` ${m.termination_date}` : ''}
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </LoadState>
    </section>
  );
}

const pct = (v: number | null): string => formatValue(v, 'fraction');
const usd = (v: number | null): string => formatValue(v, 'usd');

/** Events whose pay is news: the pay an employee is hired, promoted, raised or leaves at. */
const PAY_EVENTS = new Set(['hire', 'promotion', 'raise', 'termination']);

/** What an event changed, in words: "Pay $52,000 → $54,080 (+4.0 %)", "Deferral 2.0 % → 3.0 %". */
function eventSummary(e: TimelineEvent): string {
  const parts: string[] = [];
  if (e.level !== null && (e.type === 'hire' || e.type === 'promotion')) parts.push(`Level ${e.level}`);
  if (e.compensation !== null && PAY_EVENTS.has(e.type)) {
    if (e.previous_compensation !== null && e.previous_compensation !== e.compensation) {
      const change = e.previous_compensation === 0 ? '' : ` (${e.compensation >= e.previous_compensation ? '+' : '−'}${pct(Math.abs(e.compensation / e.previous_compensation - 1))})`;
      parts.push(`Pay ${usd(e.previous_compensation)} → ${usd(e.compensation)}${change}`);
    } else parts.push(`Pay ${usd(e.compensation)}`);
  }
  if (e.deferral_rate !== null) {
    parts.push(
      e.previous_deferral_rate !== null && e.previous_deferral_rate !== e.deferral_rate
        ? `Deferral ${pct(e.previous_deferral_rate)} → ${pct(e.deferral_rate)}`
        : `Deferral ${pct(e.deferral_rate)}`,
    );
  }
  return parts.join(' · ');
}

function yearSummary(y: TimelineYear): string {
  const parts = [y.status, `level ${y.level ?? '—'}`, `pay ${usd(y.pay)}`, `deferral ${pct(y.deferral_rate)}`];
  if (y.balance !== null) parts.push(`balance ${usd(y.balance)}`);
  return `Year end: ${parts.join(', ')}`;
}

function Timeline({ run, employeeId }: { run: RunInfo; employeeId: string }) {
  const timeline = useLoad(
    () => api.get<EmployeeTimeline>(`/runs/${seg(run.scenario)}/${seg(run.runId)}/employees/${seg(employeeId)}`),
    [run.scenario, run.runId, employeeId],
  );
  return (
    <section class="employee-timeline" aria-labelledby="employee-title">
      <h2 id="employee-title">Employee {employeeId}</h2>
      <LoadState state={timeline}>
        {({ events, years }) => {
          const byYear = [...new Set([...years.map((y) => y.year), ...events.map((e) => e.year)])].sort((a, b) => a - b);
          const last = years[years.length - 1];
          return (
            <>
              <dl class="employee-facts">
                <div>
                  <dt>Years in the run</dt>
                  <dd>{years.length === 0 ? '—' : `${years[0]!.year}–${last!.year}`}</dd>
                </div>
                <div>
                  <dt>Last status</dt>
                  <dd>{last?.detailed_status.replace(/_/g, ' ') ?? '—'}</dd>
                </div>
                <div>
                  <dt>Events</dt>
                  <dd>{formatValue(events.length, 'count')}</dd>
                </div>
                <div>
                  <dt>Last pay</dt>
                  <dd>{usd(last?.pay ?? null)}</dd>
                </div>
              </dl>
              <ol class="timeline" aria-label={`Events of ${employeeId} by year`}>
                {byYear.map((year) => {
                  const state = years.find((y) => y.year === year);
                  const ofYear = events.filter((e) => e.year === year);
                  return (
                    <li key={year} class="timeline-year">
                      <h3>{year}</h3>
                      {ofYear.length === 0 ? (
                        <p class="timeline-quiet">No events this year.</p>
                      ) : (
                        <ol class="timeline-events">
                          {ofYear.map((e, i) => (
                            <li key={i} class={`timeline-event timeline-event-${e.type}`} data-type={e.type}>
                              <time dateTime={e.date}>{e.date}</time>
                              <strong>{eventLabel(e.type)}</strong>
                              <span class="timeline-change">{eventSummary(e)}</span>
                              {e.details !== null && e.details !== '' && <span class="timeline-details">{e.details}</span>}
                            </li>
                          ))}
                        </ol>
                      )}
                      {state !== undefined && <p class="timeline-state">{yearSummary(state)}</p>}
                    </li>
                  );
                })}
              </ol>
              <DataTable
                caption={`Events of ${employeeId}`}
                filename={`events-${employeeId}`}
                columns={[
                  { id: 'date', label: 'Date', unit: 'date' },
                  { id: 'year', label: 'Year', unit: 'year' },
                  { id: 'type', label: 'Event', unit: 'text' },
                  { id: 'level', label: 'Level', unit: 'count' },
                  { id: 'previous_compensation', label: 'Pay before', unit: 'usd' },
                  { id: 'compensation', label: 'Pay', unit: 'usd' },
                  { id: 'previous_deferral_rate', label: 'Deferral before', unit: 'fraction' },
                  { id: 'deferral_rate', label: 'Deferral rate', unit: 'fraction' },
                  { id: 'details', label: 'Details', unit: 'text' },
                ]}
                rows={events}
              />
              <DataTable
                caption={`Year-end state of ${employeeId}`}
                filename={`years-${employeeId}`}
                columns={[
                  { id: 'year', label: 'Year', unit: 'year' },
                  { id: 'status', label: 'Status', unit: 'text' },
                  { id: 'detailed_status', label: 'Detail', unit: 'text' },
                  { id: 'level', label: 'Level', unit: 'count' },
                  { id: 'age', label: 'Age (years)', unit: 'number' },
                  { id: 'tenure', label: 'Tenure (years)', unit: 'number' },
                  { id: 'age_band', label: 'Age band', unit: 'text' },
                  { id: 'tenure_band', label: 'Tenure band', unit: 'text' },
                  { id: 'pay', label: 'Pay', unit: 'usd' },
                  { id: 'prorated_pay', label: 'Pay for days worked', unit: 'usd' },
                  { id: 'participation_status', label: 'Participation', unit: 'text' },
                  { id: 'deferral_rate', label: 'Deferral rate', unit: 'fraction' },
                  { id: 'contributions', label: 'Contributions', unit: 'usd' },
                  { id: 'match', label: 'Match', unit: 'usd' },
                  { id: 'core', label: 'Core', unit: 'usd' },
                  { id: 'balance', label: 'Balance', unit: 'usd' },
                  { id: 'vested_balance', label: 'Vested balance', unit: 'usd' },
                ]}
                rows={years}
              />
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
