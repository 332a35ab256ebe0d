import { useState } from 'preact/hooks';
import { api, seg, type ScenarioSummary, type ScenarioTemplate } from '../api';
import { DataTable } from '../components/DataTable';
import { Button, Dialog, EmptyState, Field, LoadState, Notice, PageHeader, Select } from '../components/ui';
import { useLoad } from '../load';
import { link, navigate, pathOf } from '../router';

/** The dialog open: a new scenario, or a copy, rename or delete of one. */
type Action = { kind: 'create' } | { kind: 'copy' | 'rename' | 'delete'; name: string };

const editPath = (name: string): string => `${pathOf('scenarios', name)}/edit`;

/** The scenarios of the workspace: their census and years, links to edit, run and read each, and create, copy, rename, delete. */
export function ScenariosPage() {
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  const [action, setAction] = useState<Action | undefined>(undefined);
  const [done, setDone] = useState<{ text: string; edit?: string } | undefined>(undefined);
  const open = (a: Action): void => (setDone(undefined), setAction(a));
  const finish = (text: string, edit?: string): void => {
    setAction(undefined);
    setDone({ text, edit });
    scenarios.reload();
  };
  return (
    <>
      <PageHeader
        title="Scenarios"
        subtitle="The plan designs of this workspace, each with its census and years."
        actions={
          <Button variant="primary" onClick={() => open({ kind: 'create' })}>
            New scenario
          </Button>
        }
      />
      {done && (
        <Notice kind="success">
          {done.text}
          {done.edit && (
            <>
              {' '}
              <a href={link(editPath(done.edit))}>Edit {done.edit}’s plan design</a>
            </>
          )}
        </Notice>
      )}
      <LoadState state={scenarios}>
        {({ scenarios: list }) =>
          list.length === 0 ? (
            <EmptyState title="No scenarios yet">
              <p>Create one from the default plan or a template.</p>
              <Button variant="primary" onClick={() => open({ kind: 'create' })}>
                New scenario
              </Button>
            </EmptyState>
          ) : (
            <>
              {list
                .filter((s) => !s.valid)
                .map((s) => (
                  <Notice key={s.name} kind="error" title={`Scenario ${s.name} does not load`}>
                    <p>{s.error}</p>
                    <a href={link(`${editPath(s.name)}?tab=yaml`)}>Fix its YAML</a>
                  </Notice>
                ))}
              <DataTable
                caption="Scenarios"
                columns={[
                  { id: 'name', label: 'Scenario', unit: 'text' },
                  { id: 'census', label: 'Census', unit: 'text' },
                  { id: 'startYear', label: 'First year', unit: 'year' },
                  { id: 'endYear', label: 'Last year', unit: 'year' },
                  { id: 'runs', label: 'Runs', unit: 'count' },
                  { id: 'modifiedAt', label: 'Modified', unit: 'timestamp' },
                ]}
                rows={list}
                actions={(row) => <RowActions scenario={row as ScenarioSummary} onAction={open} />}
              />
            </>
          )
        }
      </LoadState>
      {action?.kind === 'create' && <CreateDialog onCancel={() => setAction(undefined)} onCreated={(name) => navigate(editPath(name))} />}
      {(action?.kind === 'copy' || action?.kind === 'rename') && (
        <NameDialog action={action.kind} from={action.name} onCancel={() => setAction(undefined)} onDone={finish} />
      )}
      {action?.kind === 'delete' && <DeleteDialog name={action.name} onCancel={() => setAction(undefined)} onDone={finish} />}
    </>
  );
}

function RowActions({ scenario: s, onAction }: { scenario: ScenarioSummary; onAction: (a: Action) => void }) {
  return (
    <span class="scenario-actions">
      <a href={link(editPath(s.name))} aria-label={`Edit ${s.name}`}>
        Edit
      </a>
      <a href={link(`/runs?scenario=${encodeURIComponent(s.name)}`)} aria-label={`Run ${s.name}`}>
        Run
      </a>
      {s.latestRunId === null ? (
        <span class="muted">No run yet</span>
      ) : (
        <a href={link(pathOf('dashboard', s.name, s.latestRunId))} aria-label={`Dashboard of ${s.name}'s latest run`}>
          Dashboard
        </a>
      )}
      <Button aria-label={`Copy ${s.name}`} onClick={() => onAction({ kind: 'copy', name: s.name })}>
        Copy
      </Button>
      <Button aria-label={`Rename ${s.name}`} onClick={() => onAction({ kind: 'rename', name: s.name })}>
        Rename
      </Button>
      <Button variant="danger" aria-label={`Delete ${s.name}`} onClick={() => onAction({ kind: 'delete', name: s.name })}>
        Delete
      </Button>
    </span>
  );
}

/** Runs an API call from a dialog: its error stays in the dialog, which stays open. */
function useSubmit(): { busy: boolean; error: string | undefined; submit: (call: () => Promise<void>) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (call: () => Promise<void>): void => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    call().then(
      () => setBusy(false),
      (e: Error) => (setBusy(false), setError(e.message)),
    );
  };
  return { busy, error, submit };
}

function NameInput({ label, value, onInput, error, onEnter }: { label: string; value: string; onInput: (v: string) => void; error?: string; onEnter: () => void }) {
  return (
    <Field label={label} description="Letters, digits, - and _ (the scenario's file name)." error={error}>
      {(attrs) => (
        <input
          {...attrs}
          type="text"
          value={value}
          autoFocus
          spellcheck={false}
          onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => e.key === 'Enter' && onEnter()}
        />
      )}
    </Field>
  );
}

function CreateDialog({ onCancel, onCreated }: { onCancel: () => void; onCreated: (name: string) => void }) {
  const templates = useLoad(() => api.get<{ templates: ScenarioTemplate[] }>('/templates'), []);
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('default');
  const { error, submit } = useSubmit();
  const create = (): void =>
    submit(async () => {
      await api.post('/scenarios', { name: name.trim(), template });
      onCreated(name.trim());
    });
  const chosen = templates.data?.templates.find((t) => t.id === template);
  return (
    <Dialog title="New scenario" open confirmLabel="Create" onConfirm={create} onCancel={onCancel}>
      <NameInput label="Name" value={name} onInput={setName} error={error} onEnter={create} />
      <LoadState state={templates}>
        {({ templates: list }) => (
          <div class="template-pick">
            <Select label="Start from" value={template} options={list.map((t) => ({ value: t.id, label: t.label }))} onChange={setTemplate} />
            {chosen && <p class="field-desc">{chosen.description}</p>}
          </div>
        )}
      </LoadState>
    </Dialog>
  );
}

function NameDialog({ action, from, onCancel, onDone }: { action: 'copy' | 'rename'; from: string; onCancel: () => void; onDone: (text: string, edit?: string) => void }) {
  const [to, setTo] = useState(action === 'copy' ? `${from}-copy` : from);
  const { error, submit } = useSubmit();
  const confirm = (): void =>
    submit(async () => {
      const target = to.trim();
      await api.post(`/scenarios/${seg(from)}/${action}`, { to: target });
      onDone(action === 'copy' ? `Copied ${from} to ${target}.` : `Renamed ${from} to ${target}, with its runs.`, target);
    });
  return (
    <Dialog title={action === 'copy' ? `Copy ${from}` : `Rename ${from}`} open confirmLabel={action === 'copy' ? 'Copy' : 'Rename'} onConfirm={confirm} onCancel={onCancel}>
      <NameInput label={action === 'copy' ? 'Name of the copy' : 'New name'} value={to} onInput={setTo} error={error} onEnter={confirm} />
      {action === 'copy' && <p class="field-desc">The copy has the plan design only; the runs stay with {from}.</p>}
    </Dialog>
  );
}

function DeleteDialog({ name, onCancel, onDone }: { name: string; onCancel: () => void; onDone: (text: string) => void }) {
  const { error, submit } = useSubmit();
  return (
    <Dialog
      title={`Delete ${name}?`}
      open
      danger
      confirmLabel="Delete"
      onConfirm={() => submit(async () => (await api.del(`/scenarios/${seg(name)}`), onDone(`Deleted ${name}.`)))}
      onCancel={onCancel}
    >
      <p>The scenario's YAML, its runs and its ensembles are removed. This cannot be undone.</p>
      {error && <Notice kind="error">{error}</Notice>}
    </Dialog>
  );
}
