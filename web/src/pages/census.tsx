import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  putWithProgress,
  seg,
  type CensusCheck,
  type CensusFileInfo,
  type CensusPreview,
  type CensusProfile,
  type ScenarioSummary,
} from '../api';
import { Chart, type ChartOption } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Button, Dialog, EmptyState, LoadState, Notice, PageHeader, Select, Spinner, Tabs } from '../components/ui';
import { formatBytes, formatCompact, formatTime, formatValue } from '../format';
import { useLoad } from '../load';
import { link, navigate, useRoute } from '../router';

/** The app path of a census file's view (a tab of it). */
function censusPath(file?: string, tab?: string): string {
  const query = new URLSearchParams();
  if (file !== undefined) query.set('file', file);
  if (tab !== undefined && tab !== 'mapping') query.set('tab', tab);
  const text = query.toString();
  return text === '' ? '/census' : `/census?${text}`;
}

const FORMATS = '.csv,.xlsx,.parquet';

export function CensusPage() {
  const route = useRoute();
  const selected = route.query.get('file') ?? undefined;
  const files = useLoad(() => api.get<{ files: CensusFileInfo[] }>('/census'), []);
  return (
    <>
      <PageHeader
        title="Census"
        subtitle="The workforce files of this workspace: upload one, map its columns, see its problems and its starting workforce."
        actions={<Upload onUploaded={(file) => (files.reload(), navigate(censusPath(file)))} />}
      />
      <LoadState state={files}>
        {({ files: list }) =>
          list.length === 0 ? (
            <EmptyState title="No census files yet">
              <p>Upload a CSV, XLSX or Parquet file of your employees.</p>
            </EmptyState>
          ) : (
            <FileList files={list} selected={selected} />
          )
        }
      </LoadState>
      {selected !== undefined && files.data !== undefined && (
        <FileView
          key={selected}
          info={files.data.files.find((f) => f.file === selected)}
          file={selected}
          tab={route.query.get('tab') ?? 'mapping'}
          onChanged={files.reload}
        />
      )}
    </>
  );
}

// --- upload ---------------------------------------------------------------------------------------------

/** A file picker that uploads what is picked, with its progress; an existing name asks before replacing. */
function Upload({ onUploaded }: { onUploaded: (file: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ file: File; fraction: number } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [replace, setReplace] = useState<File | undefined>();
  const send = async (file: File, overwrite: boolean): Promise<void> => {
    setError(undefined);
    setProgress({ file, fraction: 0 });
    try {
      await putWithProgress(`/census/${seg(file.name)}${overwrite ? '?overwrite=true' : ''}`, file, (fraction) => setProgress({ file, fraction }));
      onUploaded(file.name);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && !overwrite) setReplace(file);
      else setError((e as Error).message);
    } finally {
      setProgress(undefined);
    }
  };
  return (
    <div class="census-upload">
      <input
        ref={input}
        type="file"
        accept={FORMATS}
        hidden
        aria-label="Census file to upload"
        onChange={(e) => {
          const picked = (e.currentTarget as HTMLInputElement).files?.[0];
          (e.currentTarget as HTMLInputElement).value = '';
          if (picked !== undefined) void send(picked, false);
        }}
      />
      <Button variant="primary" disabled={progress !== undefined} onClick={() => input.current?.click()}>
        Upload census…
      </Button>
      {progress !== undefined && (
        <div class="upload-progress" role="status">
          <progress value={progress.fraction} max={1} aria-label={`Uploading ${progress.file.name}`} />
          <span>
            Uploading {progress.file.name}: {formatValue(progress.fraction, 'fraction')} of {formatBytes(progress.file.size)}
          </span>
        </div>
      )}
      {error !== undefined && (
        <Notice kind="error" title="Upload refused">
          <p>{error}</p>
        </Notice>
      )}
      <Dialog
        title={`Replace ${replace?.name ?? ''}?`}
        open={replace !== undefined}
        confirmLabel="Replace"
        danger
        onCancel={() => setReplace(undefined)}
        onConfirm={() => {
          const file = replace!;
          setReplace(undefined);
          void send(file, true);
        }}
      >
        <p>The workspace has a census of this name. Replacing it changes what its scenarios read from their next run on; runs made already keep their results.</p>
      </Dialog>
    </div>
  );
}

// --- the list ---------------------------------------------------------------------------------------------

function FileList({ files, selected }: { files: CensusFileInfo[]; selected: string | undefined }) {
  return (
    <div class="table-scroll census-files">
      <table>
        <caption>Census files</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Format</th>
            <th scope="col" class="num">
              Size
            </th>
            <th scope="col">Mapping</th>
            <th scope="col">Used by</th>
            <th scope="col">Modified</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.file} aria-current={f.file === selected ? 'true' : undefined}>
              <th scope="row">
                <a href={link(censusPath(f.file))}>{f.file}</a>
              </th>
              <td>{f.format.toUpperCase()}</td>
              <td class="num">{formatBytes(f.bytes)}</td>
              <td>{f.sidecar ? 'saved (sidecar)' : 'sniffed'}</td>
              <td>{f.usedBy.length === 0 ? '—' : f.usedBy.join(', ')}</td>
              <td>{formatTime(f.modifiedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// --- one file -----------------------------------------------------------------------------------------

const TABS = [
  { id: 'mapping', label: 'Mapping and problems' },
  { id: 'preview', label: 'Preview' },
  { id: 'profile', label: 'Profile' },
];

function FileView({ file, info, tab, onChanged }: { file: string; info: CensusFileInfo | undefined; tab: string; onChanged: () => void }) {
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const preview = useLoad(() => api.get<CensusPreview>(`/census/${seg(file)}/preview?rows=20`), [file]);
  if (info === undefined) {
    return (
      <Notice kind="error" title={`No census file ${file}`}>
        <p>
          It is not in this workspace's census folder. <a href={link('/census')}>Back to the list</a>.
        </p>
      </Notice>
    );
  }
  const remove = async (): Promise<void> => {
    setConfirm(false);
    try {
      await api.del(`/census/${seg(file)}`);
      navigate('/census');
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const inUse = info.usedBy.length > 0;
  return (
    <section class="census-file" aria-labelledby="census-file-title">
      <header class="census-file-header">
        <div>
          <h2 id="census-file-title">{file}</h2>
          <p class="page-subtitle">
            {info.format.toUpperCase()}, {formatBytes(info.bytes)}, {info.sidecar ? 'read as its saved mapping says' : 'read as sniffed (no saved mapping)'}
            {inUse ? `; used by ${info.usedBy.join(', ')}` : ''}
          </p>
        </div>
        <div class="page-actions">
          <Button variant="danger" disabled={inUse} onClick={() => setConfirm(true)} aria-describedby={inUse ? 'census-delete-why' : undefined}>
            Delete
          </Button>
        </div>
      </header>
      {inUse && (
        <p id="census-delete-why" class="census-note">
          Used by {info.usedBy.join(', ')}: point {info.usedBy.length > 1 ? 'those scenarios' : 'that scenario'} at another census before deleting it.
        </p>
      )}
      {error !== undefined && (
        <Notice kind="error" title="Not deleted">
          <p>{error}</p>
        </Notice>
      )}
      <Dialog title={`Delete ${file}?`} open={confirm} confirmLabel="Delete" danger onCancel={() => setConfirm(false)} onConfirm={() => void remove()}>
        <p>The file and its saved mapping are removed from the workspace. Runs made from it keep their results.</p>
      </Dialog>
      <Tabs label={`${file} views`} tabs={TABS} active={tab} onChange={(id) => navigate(censusPath(file, id))}>
        {tab === 'preview' ? (
          <LoadState state={preview}>{(p) => <PreviewTable file={file} preview={p} />}</LoadState>
        ) : tab === 'profile' ? (
          <Profile file={file} usedBy={info.usedBy} />
        ) : (
          <LoadState state={preview}>{(p) => <Mapping file={file} info={info} preview={p} onSaved={() => (onChanged(), preview.reload())} />}</LoadState>
        )}
      </Tabs>
    </section>
  );
}

function PreviewTable({ file, preview }: { file: string; preview: CensusPreview }) {
  return (
    <DataTable
      caption={`First ${preview.rows.length} rows of ${file}, as read`}
      filename={`${file}-preview`}
      columns={preview.header.map((h, i) => ({ id: String(i), label: h, unit: 'text' }))}
      rows={preview.rows.map((r) => ({ ...r }))}
    />
  );
}

// --- mapping and problems --------------------------------------------------------------------------

type Intake = NonNullable<CensusPreview['sidecar']>;

/** The census columns a run needs; the others have defaults. */
const REQUIRED = new Set(['employee_id', 'employee_birth_date', 'employee_hire_date', 'employee_gross_compensation']);

const SEPARATORS = [
  { value: '', label: 'sniffed' },
  { value: ',', label: 'comma ,' },
  { value: ';', label: 'semicolon ;' },
  { value: '\t', label: 'tab' },
  { value: '|', label: 'bar |' },
];

/** The reading options that are one of a few words; '' leaves it to the file (sniffed) or the config. */
const ENUM_OPTIONS: ReadonlyArray<{ key: 'dateOrder' | 'rateUnit'; label: string; options: Array<{ value: string; label: string }> }> = [
  {
    key: 'dateOrder',
    label: 'Dates',
    options: [
      { value: '', label: 'sniffed' },
      { value: 'us', label: 'month/day/year' },
      { value: 'day-first', label: 'day/month/year' },
    ],
  },
  {
    key: 'rateUnit',
    label: 'Deferral rates',
    options: [
      { value: '', label: 'above 1 is a percent' },
      { value: 'percent', label: 'percent (6 = 6 %)' },
      { value: 'fraction', label: 'fraction (0.06 = 6 %)' },
    ],
  },
];

/** The intake the form shows: the sidecar's options and the suggested header of each column. */
function initialIntake(preview: CensusPreview): Intake {
  const columns = Object.fromEntries(Object.entries(preview.suggested).filter((e): e is [string, string] => e[1] !== null));
  return { ...preview.sidecar, columns };
}

function Mapping({ file, info, preview, onSaved }: { file: string; info: CensusFileInfo; preview: CensusPreview; onSaved: () => void }) {
  const [intake, setIntake] = useState<Intake>(() => initialIntake(preview));
  const [check, setCheck] = useState<CensusCheck | undefined>();
  const [busy, setBusy] = useState<'checking' | 'saving' | undefined>('checking');
  const [error, setError] = useState<{ kind: 'checking' | 'saving'; message: string } | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const run = async (kind: 'checking' | 'saving', body: Intake | undefined): Promise<void> => {
    setBusy(kind);
    setError(undefined);
    setSaved(undefined);
    try {
      if (kind === 'saving') {
        const { sidecar } = await api.put<{ sidecar: string }>(`/census/${seg(file)}/mapping`, { intake: body });
        // The form and the check as the file is read now, by its sidecar.
        setIntake(initialIntake(await api.get<CensusPreview>(`/census/${seg(file)}/preview?rows=0`)));
        setCheck(await api.post<CensusCheck>(`/census/${seg(file)}/check`, {}));
        setSaved(sidecar);
        onSaved();
      } else {
        setCheck(await api.post<CensusCheck>(`/census/${seg(file)}/check`, body === undefined ? {} : { intake: body }));
      }
    } catch (e) {
      setError({ kind, message: (e as Error).message });
    } finally {
      setBusy(undefined);
    }
  };
  // As the file is read now (its sidecar, else sniffed), once.
  useEffect(() => void run('checking', undefined), []);
  const set = (patch: Partial<Intake>): void => setIntake((i) => clean({ ...i, ...patch }));
  const setColumn = (column: string, header: string): void => {
    const columns = { ...intake.columns };
    if (header === '') delete columns[column];
    else columns[column] = header;
    set({ columns });
  };
  const mapped = Object.keys(preview.suggested).filter((c) => REQUIRED.has(c) || preview.suggested[c] !== null || intake.columns?.[c] !== undefined);
  const others = Object.keys(preview.suggested).filter((c) => !mapped.includes(c));
  const row = (column: string) => (
    <ColumnRow key={column} column={column} preview={preview} header={intake.columns?.[column] ?? ''} onChange={(h) => setColumn(column, h)} />
  );
  return (
    <div class="census-mapping">
      <section aria-labelledby="census-check-title">
        <h3 id="census-check-title">Intake check</h3>
        {busy === 'checking' && check === undefined ? <Spinner label="Checking…" /> : check !== undefined && <CheckResult file={file} check={check} />}
      </section>
      <section aria-labelledby="census-map-title">
        <h3 id="census-map-title">Column mapping</h3>
        <p class="census-note">
          Suggested from the file's headers{info.sidecar ? ' and its saved mapping' : ''}. Change a column's header, check, then save the mapping: it is kept beside the
          file (its sidecar) and every run and command reads the file that way.
        </p>
        <div class="census-options">
          {info.format === 'csv' && (
            <Select label="Separator" value={intake.separator ?? ''} options={SEPARATORS} onChange={(v) => set({ separator: v || undefined })} />
          )}
          {info.format === 'csv' && (
            <Select
              label="Decimal mark"
              value={intake.decimalComma === undefined ? '' : intake.decimalComma ? 'comma' : 'point'}
              options={[
                { value: '', label: 'point (default)' },
                { value: 'point', label: 'point 1,234.56' },
                { value: 'comma', label: 'comma 1.234,56' },
              ]}
              onChange={(v) => set({ decimalComma: v === '' ? undefined : v === 'comma' })}
            />
          )}
          {ENUM_OPTIONS.map(({ key, label, options }) => (
            <Select key={key} label={label} value={intake[key] ?? ''} options={options} onChange={(v) => set({ [key]: v || undefined })} />
          ))}
          {info.format === 'xlsx' && (
            <span class="select">
              <label for="census-sheet">Sheet</label>
              <input id="census-sheet" value={intake.sheet ?? ''} placeholder="the first" onInput={(e) => set({ sheet: (e.currentTarget as HTMLInputElement).value || undefined })} />
            </span>
          )}
        </div>
        <div class="table-scroll">
          <table class="census-columns">
            <caption>Census column → file header</caption>
            <thead>
              <tr>
                <th scope="col">Census column</th>
                <th scope="col">File header</th>
                <th scope="col">First row's value</th>
              </tr>
            </thead>
            <tbody>{mapped.map(row)}</tbody>
          </table>
        </div>
        {others.length > 0 && (
          <details class="census-more">
            <summary>{others.length} more census columns not in the file (each has a default)</summary>
            <div class="table-scroll">
              <table class="census-columns">
                <caption>Optional census columns</caption>
                <tbody>{others.map(row)}</tbody>
              </table>
            </div>
          </details>
        )}
        <div class="census-actions">
          <Button disabled={busy !== undefined} onClick={() => void run('checking', intake)}>
            Check with this mapping
          </Button>
          <Button variant="primary" disabled={busy !== undefined} onClick={() => void run('saving', intake)}>
            Save mapping
          </Button>
          {busy !== undefined && <Spinner label={busy === 'saving' ? 'Saving…' : 'Checking…'} />}
        </div>
        {saved !== undefined && (
          <Notice kind="success" title="Mapping saved">
            <p>
              Written to <code>{saved}</code>: every run and command reads {file} this way now.
            </p>
          </Notice>
        )}
        {error !== undefined && (
          <Notice kind="error" title={error.kind === 'saving' ? 'Mapping not saved' : 'Not checked'}>
            <p class="census-pre">{error.message}</p>
          </Notice>
        )}
      </section>
    </div>
  );
}

/** Options left at "sniffed" are absent (the server decides), not empty. */
function clean(intake: Intake): Intake {
  return Object.fromEntries(Object.entries(intake).filter(([, v]) => v !== undefined)) as Intake;
}

function ColumnRow({ column, preview, header, onChange }: { column: string; preview: CensusPreview; header: string; onChange: (header: string) => void }) {
  const id = `census-col-${column}`;
  const index = preview.header.indexOf(header);
  const sample = index < 0 ? undefined : preview.rows[0]?.[index];
  return (
    <tr>
      <th scope="row">
        <label for={id}>
          <code>{column}</code>
        </label>
        {REQUIRED.has(column) && <span class="census-required"> required</span>}
      </th>
      <td>
        <select id={id} value={header} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{REQUIRED.has(column) ? '— choose a header —' : '— not in the file —'}</option>
          {preview.header.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
      </td>
      <td>{sample === undefined || sample === '' ? '—' : sample}</td>
    </tr>
  );
}

function CheckResult({ file, check }: { file: string; check: CensusCheck }) {
  if (!check.valid) {
    const count = check.problems.length;
    return (
      <>
        <Notice kind="error" title={`${file} is refused: ${count} ${count === 1 ? 'problem' : 'problems'} listed`}>
          <p>Fix the values in the file and upload it again, or read the column from another header (the mapping below) and check again. No run can use the file until it reads.</p>
        </Notice>
        <DataTable
          caption="Intake problems"
          filename={`${file}-problems`}
          columns={[
            { id: 'row', label: 'Row', unit: 'number' },
            { id: 'column', label: 'Column', unit: 'text' },
            { id: 'value', label: 'Value', unit: 'text' },
            { id: 'message', label: 'Problem', unit: 'text' },
          ]}
          rows={check.problems}
        />
        <p class="census-note">Rows as the file numbers them: in a CSV the header is row 1.</p>
      </>
    );
  }
  return (
    <Notice kind="success" title={`${file} is valid: ${formatValue(check.rows, 'count')} rows, ${formatValue(check.activeRows, 'count')} active, ${formatValue(check.terminatedRows, 'count')} terminated`}>
      {check.readAs !== undefined && <p>Read as: {check.readAs}</p>}
      {check.warnings.length > 0 && (
        <ul class="census-warnings">
          {check.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {check.hash !== undefined && (
        <p>
          Census hash <code title={check.hash}>{check.hash.slice(0, 12)}</code> (what a run records)
        </p>
      )}
    </Notice>
  );
}

// --- profile ---------------------------------------------------------------------------------------------

function Profile({ file, usedBy }: { file: string; usedBy: string[] }) {
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  const [scenario, setScenario] = useState(usedBy[0] ?? '');
  const profile = useLoad(() => api.get<CensusProfile>(`/census/${seg(file)}/profile${scenario === '' ? '' : `?scenario=${seg(scenario)}`}`), [file, scenario]);
  const options = [{ value: '', label: 'the bundled default config' }, ...(scenarios.data?.scenarios ?? []).map((s) => ({ value: s.name, label: s.name }))];
  return (
    <div class="census-profile">
      <div class="census-options">
        <Select label="Read as the first year of" value={scenario} options={options} onChange={setScenario} />
      </div>
      <LoadState state={profile}>{(p) => <ProfileFigures profile={p} />}</LoadState>
    </div>
  );
}

function bars(categories: string[], values: number[], name: string): ChartOption {
  const rotated = categories.length > 6;
  return {
    tooltip: { trigger: 'axis' },
    legend: { show: false },
    // Rotated labels reach left of and below the plot: room for them.
    ...(rotated ? { grid: { left: 56, bottom: 36 } } : {}),
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: rotated ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1, name: 'employees' },
    series: [{ type: 'bar', name, data: values }],
  };
}

/** Headcount per band (age or tenure), in the config's band order. */
function BandChart({ title, label, bands }: { title: string; label: string; bands: CensusProfile['byAgeBand'] }) {
  return (
    <Chart
      title={title}
      option={bars(
        bands.map((b) => b.band),
        bands.map((b) => b.count),
        'Headcount',
      )}
      table={{
        caption: title,
        columns: [
          { id: 'band', label, unit: 'text' },
          { id: 'count', label: 'Headcount', unit: 'count' },
        ],
        rows: bands,
      }}
    />
  );
}


function ProfileFigures({ profile: p }: { profile: CensusProfile }) {
  const figures: Array<[string, string]> = [
    ['Active headcount', formatValue(p.activeHeadcount, 'count')],
    ['Participants', formatValue(p.participation.participants, 'count')],
    ['Participation rate', formatValue(p.participation.rate, 'fraction')],
    ["Participants' average deferral rate", formatValue(p.participation.avgDeferralRate, 'fraction')],
    ['Median annual pay', formatValue(p.pay.median, 'usd')],
    ['Total annual pay', formatValue(p.pay.total, 'usd')],
  ];
  const payBins = p.pay.histogram.map((b) => `${formatCompact(b.from, 'usd')}–${formatCompact(b.to, 'usd')}`);
  return (
    <>
      <p class="census-note">The starting workforce at {p.asOf}, as the first simulated year reads it (terminated rows and duplicates left out).</p>
      <dl class="census-figures">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="census-charts">
        <Chart
          title="Headcount by level"
          option={bars(
            p.byLevel.map((l) => `Level ${l.level}`),
            p.byLevel.map((l) => l.count),
            'Headcount',
          )}
          table={{
            caption: 'Headcount by level',
            columns: [
              { id: 'level', label: 'Level', unit: 'number' },
              { id: 'count', label: 'Headcount', unit: 'count' },
              { id: 'avgPay', label: 'Average annual pay', unit: 'usd' },
            ],
            rows: p.byLevel,
          }}
        />
        <Chart
          title="Pay distribution"
          option={bars(payBins, p.pay.histogram.map((b) => b.count), 'Headcount')}
          table={{
            caption: 'Pay distribution',
            columns: [
              { id: 'from', label: 'Annual pay from', unit: 'usd' },
              { id: 'to', label: 'to', unit: 'usd' },
              { id: 'count', label: 'Headcount', unit: 'count' },
            ],
            rows: p.pay.histogram,
          }}
        />
        <BandChart title="Headcount by age band" label="Age band" bands={p.byAgeBand} />
        <BandChart title="Headcount by tenure band" label="Tenure band" bands={p.byTenureBand} />
      </div>
      <DataTable
        caption="Annual pay percentiles"
        columns={[
          { id: 'statistic', label: 'Statistic', unit: 'text' },
          { id: 'pay', label: 'Annual pay', unit: 'usd' },
        ]}
        rows={(
          [
            ['Minimum', p.pay.min],
            ['10th percentile', p.pay.p10],
            ['25th percentile', p.pay.p25],
            ['Median', p.pay.median],
            ['75th percentile', p.pay.p75],
            ['90th percentile', p.pay.p90],
            ['Maximum', p.pay.max],
            ['Mean', p.pay.mean],
            ['Total', p.pay.total],
          ] as const
        ).map(([statistic, pay]) => ({ statistic, pay }))}
      />
    </>
  );
}
