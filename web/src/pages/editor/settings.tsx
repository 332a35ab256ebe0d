import { useMemo, useState } from 'preact/hooks';
import type { KeyMetadata } from '../../api';
import { EmptyState } from '../../components/ui';
import { AnyKey, type Model } from './fields';
import { humanize, pathOfKey } from './yaml-doc';

/** The keys a form shows on their own: not the fields of a list's items or of a map's entries (their list or map shows them). */
function formKeys(metas: readonly KeyMetadata[]): KeyMetadata[] {
  return metas.filter((m) => !m.key.includes('<key>') && !m.key.includes('[]'));
}

/**
 * The sub-heading a key is under: within its section ("Eligibility" for employer_match.eligibility.x),
 * or with its section among search results ("Employer match › Eligibility").
 */
function group(meta: KeyMetadata, withSection: boolean): string {
  const parts = meta.key.split('.').slice(withSection ? 0 : 1, -1);
  return parts.map(humanize).join(' › ');
}

function KeyList({ model, metas, shown, withSection = false }: { model: Model; metas: readonly KeyMetadata[]; shown: readonly KeyMetadata[]; withSection?: boolean }) {
  let lastGroup = '';
  return (
    <>
      {shown.map((meta) => {
        const g = group(meta, withSection);
        const heading = g !== lastGroup && g !== '' ? <h4 class="settings-group">{g}</h4> : null;
        lastGroup = g;
        return (
          <div key={meta.key}>
            {heading}
            <AnyKey model={model} metas={metas} meta={meta} path={pathOfKey(meta.key)} />
          </div>
        );
      })}
    </>
  );
}

/**
 * Every honoured key of the config, one section at a time (a nav of the sections with their problem
 * counts), or every section's keys matching a search by name or description.
 */
export function SettingsForm({ model, metas }: { model: Model; metas: readonly KeyMetadata[] }) {
  const keys = useMemo(() => formKeys(metas), [metas]);
  const sections = useMemo(() => [...new Set(keys.map((m) => m.section))], [keys]);
  const [section, setSection] = useState(sections[0] ?? '');
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const problemCount = (s: string): number => model.problems.filter((p) => p.path === s || p.path.startsWith(`${s}.`) || p.path.startsWith(`${s}[`)).length;
  const found = q === '' ? [] : keys.filter((m) => m.key.toLowerCase().includes(q) || m.description.toLowerCase().includes(q));
  return (
    <div class="settings">
      <div class="settings-side">
        <label class="settings-search">
          <span>Find a setting</span>
          <input type="search" value={query} placeholder="name or description" onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <nav aria-label="Config sections">
          <ul>
            {sections.map((s) => {
              const n = problemCount(s);
              return (
                <li key={s}>
                  <button
                    type="button"
                    aria-current={q === '' && s === section ? 'true' : undefined}
                    onClick={() => (setQuery(''), setSection(s))}
                  >
                    <span>{humanize(s)}</span>
                    {n > 0 && (
                      <span class="badge badge-danger" aria-label={`${n} problems`}>
                        {n}
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        </nav>
      </div>
      <div class="settings-main">
        {q === '' ? (
          <section aria-label={humanize(section)}>
            <h3>{humanize(section)}</h3>
            <KeyList model={model} metas={metas} shown={keys.filter((m) => m.section === section)} />
          </section>
        ) : found.length === 0 ? (
          <EmptyState title={`No setting matches "${query}"`}>
            <p>Search looks in the keys' names and descriptions.</p>
          </EmptyState>
        ) : (
          <section aria-label="Search results">
            <h3>
              {found.length} {found.length === 1 ? 'setting matches' : 'settings match'} “{query}”
            </h3>
            <KeyList model={model} metas={metas} shown={found} withSection />
          </section>
        )}
      </div>
    </div>
  );
}
