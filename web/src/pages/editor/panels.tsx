import { useState } from 'preact/hooks';
import { api, type ConfigDiffEntry, type ConfigProblem, type ScenarioSummary } from '../../api';
import { DataTable } from '../../components/DataTable';
import { EmptyState, LoadState, Notice, Select } from '../../components/ui';
import { useLoad } from '../../load';
import { show } from './yaml-doc';

/** The raw YAML: the same text the form edits, checked by the same validation. */
export function YamlPanel({ text, onChange, parseErrors }: { text: string; onChange: (text: string) => void; parseErrors: readonly string[] }) {
  return (
    <div class="yaml-panel">
      <label for="yaml-text" class="visually-hidden">
        Scenario YAML
      </label>
      {parseErrors.length > 0 && (
        <Notice kind="error" title="The YAML does not parse">
          <ul>
            {parseErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </Notice>
      )}
      <textarea
        id="yaml-text"
        class="yaml-text"
        spellcheck={false}
        rows={32}
        value={text}
        onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value)}
      />
    </div>
  );
}

/** validate's problems, each naming its key: the same list whichever tab is open. */
export function ProblemList({ problems, hint }: { problems: readonly ConfigProblem[]; hint?: string }) {
  return (
    <Notice kind="error" title={`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}: this design cannot be saved or run`}>
      <ul class="problem-list">
        {problems.map((p) => (
          <li key={p.message}>{p.message}</li>
        ))}
      </ul>
      {hint && <p class="field-desc">{hint}</p>}
    </Notice>
  );
}

/** What this editor's YAML (unsaved changes included) sets differently from another scenario. */
export function DiffPanel({ name, text }: { name: string; text: string }) {
  const scenarios = useLoad(() => api.get<{ scenarios: ScenarioSummary[] }>('/scenarios'), []);
  return (
    <LoadState state={scenarios}>
      {({ scenarios: list }) => {
        const others = list.map((s) => s.name).filter((n) => n !== name);
        return others.length === 0 ? (
          <EmptyState title="No other scenario to compare with">
            <p>Copy this one on the Scenarios page, change it, and compare the two here.</p>
          </EmptyState>
        ) : (
          <DiffTable name={name} text={text} others={others} />
        );
      }}
    </LoadState>
  );
}

function DiffTable({ name, text, others }: { name: string; text: string; others: readonly string[] }) {
  const [other, setOther] = useState(others.includes('default') ? 'default' : others[0]!);
  const diff = useLoad(() => api.post<{ differences: ConfigDiffEntry[] }>('/config/diff', { a: { scenario: other }, b: { yaml: text } }), [other, text]);
  return (
    <div class="diff-panel">
      <div class="diff-controls">
        <Select label="Compare with" value={other} options={others.map((o) => ({ value: o, label: o }))} onChange={setOther} />
        <span class="field-desc">Effective values (defaults filled in); unsaved changes included.</span>
      </div>
      <LoadState state={diff}>
        {({ differences }) =>
          differences.length === 0 ? (
            <EmptyState title={`Same plan as ${other}`}>
              <p>Every effective setting of {name} equals {other}'s.</p>
            </EmptyState>
          ) : (
            <DataTable
              caption={`Differences from ${other}`}
              filename={`diff-${name}-vs-${other}`}
              columns={[
                { id: 'key', label: 'Key', unit: 'text' },
                { id: 'a', label: `In ${other}`, unit: 'text' },
                { id: 'b', label: `In ${name}`, unit: 'text' },
              ]}
              rows={differences.map((d) => ({ key: d.key, a: d.a === null ? 'not set' : show(d.a), b: d.b === null ? 'not set' : show(d.b) }))}
            />
          )
        }
      </LoadState>
    </div>
  );
}
