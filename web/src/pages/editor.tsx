import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, seg, type ConfigValidation, type KeyMetadata, type ScenarioSummary } from '../api';
import { Button, EmptyState, LoadState, Notice, PageHeader, Tabs } from '../components/ui';
import { formatTime } from '../format';
import { useLoad } from '../load';
import { link, pathOf, useRoute } from '../router';
import type { Model } from './editor/fields';
import { DiffPanel, ProblemList, YamlPanel } from './editor/panels';
import { PlanDesignForm } from './editor/plan-design';
import { SettingsForm } from './editor/settings';
import { applyEdits, parseYaml, type EditOp } from './editor/yaml-doc';

const TABS = [
  { id: 'design', label: 'Plan design' },
  { id: 'settings', label: 'All settings' },
  { id: 'yaml', label: 'YAML' },
  { id: 'diff', label: 'Diff' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** How long typing rests before the YAML is validated. */
const VALIDATE_AFTER_MS = 250;

/** #/scenarios/<name>/edit edits one scenario; #/editor lets the analyst pick one. */
export function EditorPage() {
  const route = useRoute();
  const name = route.params.name;
  return name === undefined ? <ScenarioPicker /> : <ScenarioEditor key={name} name={name} initialTab={route.query.get('tab')} />;
}

function ScenarioPicker() {
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  return (
    <>
      <PageHeader title="Plan design" subtitle="Pick the scenario whose plan design to edit." />
      <LoadState state={scenarios}>
        {({ scenarios: list }) =>
          list.length === 0 ? (
            <EmptyState title="No scenarios yet">
              <p>
                <a href={link('/scenarios')}>Create one on the Scenarios page</a>.
              </p>
            </EmptyState>
          ) : (
            <ul class="picker" aria-label="Scenarios to edit">
              {list.map((s) => (
                <li key={s.name}>
                  <a href={link(`${pathOf('scenarios', s.name)}/edit`)}>{s.name}</a>
                  <span class="field-desc">
                    {s.valid ? `${s.startYear}–${s.endYear} · ${s.census}` : `does not load: ${s.error ?? ''}`} · modified {formatTime(s.modifiedAt)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </LoadState>
    </>
  );
}

interface Loaded {
  keys: KeyMetadata[];
  yaml: string;
}

function ScenarioEditor({ name, initialTab }: { name: string; initialTab: string | null }) {
  const loaded = useLoad(
    async (): Promise<Loaded> => {
      const [meta, scenario] = await Promise.all([
        api.get<{ keys: KeyMetadata[] }>('/config/metadata'),
        api.get<{ yaml: string }>(`/scenarios/${seg(name)}`),
      ]);
      return { keys: meta.keys, yaml: scenario.yaml };
    },
    [name],
  );
  return (
    <LoadState state={loaded}>
      {(data) => <Editor name={name} metas={data.keys} initial={data.yaml} initialTab={TABS.some((t) => t.id === initialTab) ? (initialTab as TabId) : 'design'} />}
    </LoadState>
  );
}

/** The last validation and the text it was of (a newer text is being checked when they differ). */
interface Checked {
  text: string;
  result: ConfigValidation;
}

function Editor({ name, metas, initial, initialTab }: { name: string; metas: KeyMetadata[]; initial: string; initialTab: TabId }) {
  const [text, setText] = useState(initial);
  const [saved, setSaved] = useState(initial);
  const [checked, setChecked] = useState<Checked | undefined>(undefined);
  const [checkError, setCheckError] = useState<string | undefined>(undefined);
  const [tab, setTab] = useState<TabId>(initialTab);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string } | undefined>(undefined);
  const dirty = text !== saved;

  // Validated as `planalign validate` would, once typing rests; a stale answer is dropped.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      api.post<ConfigValidation>('/config/validate', { yaml: text }).then(
        (result) => current && (setChecked({ text, result }), setCheckError(undefined)),
        (error: Error) => current && setCheckError(error.message),
      );
    }, VALIDATE_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent): void => e.preventDefault();
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [dirty]);

  const { doc, errors: parseErrors } = useMemo(() => parseYaml(text), [text]);
  const problems = checked?.result.errors ?? [];
  const warnings = checked?.result.warnings ?? [];
  const apply = useCallback((...ops: EditOp[]) => {
    setOutcome(undefined);
    setText((t) => applyEdits(t, ops));
  }, []);
  const model: Model = { doc, problems, apply };

  const changeTab = (id: string): void => {
    setTab(id as TabId);
    // Kept in the address (a reload reopens the tab) without a history entry per tab.
    history.replaceState(null, '', link(`${pathOf('scenarios', name)}/edit${id === 'design' ? '' : `?tab=${id}`}`));
  };

  const save = async (): Promise<void> => {
    setSaving(true);
    setOutcome(undefined);
    try {
      const result = await api.put<{ saved: boolean; validation: ConfigValidation }>(`/scenarios/${seg(name)}`, { yaml: text });
      setSaved(text);
      setChecked({ text, result: result.validation });
      setOutcome({ kind: 'success', text: `Saved scenario ${name}.` });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.details !== undefined) setChecked({ text, result: error.details as ConfigValidation });
      setOutcome({ kind: 'error', text: (error as Error).message });
    } finally {
      setSaving(false);
    }
  };

  const pending = checked?.text !== text;
  const status = parseErrors.length > 0 ? 'YAML does not parse' : pending ? 'Checking…' : problems.length > 0 ? `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}` : 'Valid';
  const canForm = parseErrors.length === 0 && doc.contents !== null;

  return (
    <>
      <PageHeader
        title="Plan design"
        subtitle={
          <>
            Scenario <strong>{name}</strong> · <a href={link('/scenarios')}>all scenarios</a> · <a href={link(`/runs?scenario=${encodeURIComponent(name)}`)}>run it</a>
          </>
        }
        actions={
          <>
            <span class={`editor-status status-${status === 'Valid' ? 'ok' : pending ? 'pending' : 'bad'}`} role="status" aria-label="Validation">
              {status}
            </span>
            {dirty && <span class="editor-dirty">Unsaved changes</span>}
            <Button disabled={!dirty || saving} onClick={() => (setText(saved), setOutcome(undefined))}>
              Revert
            </Button>
            <Button variant="primary" disabled={!dirty || saving} onClick={() => void save()}>
              {saving ? 'Saving…' : 'Save'}
            </Button>
          </>
        }
      />
      {outcome && (
        <Notice kind={outcome.kind} title={outcome.kind === 'error' ? 'Not saved' : undefined}>
          {outcome.text}
        </Notice>
      )}
      {checkError !== undefined && <Notice kind="error" title="Could not validate">{checkError}</Notice>}
      {/* While the text does not parse, its parse error (above the YAML) is the problem. */}
      {problems.length > 0 && parseErrors.length === 0 && <ProblemList problems={problems} hint={checked?.result.hint} />}
      {warnings.length > 0 && (
        <details class="editor-warnings">
          <summary>
            {warnings.length} {warnings.length === 1 ? 'warning' : 'warnings'} from validate (the design can still be saved and run)
          </summary>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      <Tabs label="Editor views" tabs={TABS} active={tab} onChange={changeTab}>
        {tab === 'yaml' ? (
          <YamlPanel text={text} onChange={(t) => (setOutcome(undefined), setText(t))} parseErrors={parseErrors} />
        ) : tab === 'diff' ? (
          <DiffPanel name={name} text={text} />
        ) : !canForm ? (
          <Notice kind="error" title="The YAML does not parse">
            <p>{parseErrors.join('; ') || 'The document is empty.'} Fix it on the YAML tab; the form reads the YAML.</p>
          </Notice>
        ) : tab === 'design' ? (
          <PlanDesignForm model={model} metas={metas} />
        ) : (
          <SettingsForm model={model} metas={metas} />
        )}
      </Tabs>
    </>
  );
}
