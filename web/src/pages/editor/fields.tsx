import type { Document } from 'yaml';
import { useState } from 'preact/hooks';
import type { ConfigProblem, KeyMetadata } from '../../api';
import { Button, Field } from '../../components/ui';
import { formatValue } from '../../format';
import { dotted, humanize, isValueKey, problemsAt, problemText, rangeText, show, unitText, valueAt, type DocPath, type EditOp } from './yaml-doc';

/** What a form needs of the editor: the parsed document, validate's problems, and a way to change the text. */
export interface Model {
  doc: Document;
  problems: readonly ConfigProblem[];
  /** Changes the text (see applyEdits). */
  apply: (...ops: EditOp[]) => void;
}

/** The metadata of every key, by key. */
export type MetaIndex = ReadonlyMap<string, KeyMetadata>;

/** The keys one level under `prefix` (`a.b` -> `a.b.c`, not `a.b.c.d`; `a.b[]` -> `a.b[].c`). */
function childKeys(metas: readonly KeyMetadata[], prefix: string): KeyMetadata[] {
  return metas.filter((m) => m.key.startsWith(`${prefix}.`) && !/[.[]/.test(m.key.slice(prefix.length + 1)));
}

/** The fields of a list's items (tiers[].match_rate, ...), undefined when its items are not objects. */
function itemKeys(metas: readonly KeyMetadata[], key: string): KeyMetadata[] | undefined {
  const items = childKeys(metas, `${key}[]`);
  return items.length === 0 ? undefined : items;
}

/** A number typed in a text box: '' is "not set". */
function parseNumber(text: string): number | undefined | string {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  // Not a number: kept as text, so validate names it (the form never swallows what was typed).
  return Number.isFinite(n) ? n : trimmed;
}

/**
 * A text box that keeps what is being typed to itself and commits on change (blur or Enter): the YAML
 * is not rewritten per keystroke, and "0." is not turned into "0" while typed.
 */
function DraftInput({ value, onCommit, numeric, ...rest }: { value: string; onCommit: (text: string) => void; numeric?: boolean } & Record<string, unknown>) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      type="text"
      inputMode={numeric ? 'decimal' : undefined}
      class={numeric ? 'num-input' : undefined}
      spellcheck={false}
      value={draft ?? value}
      onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
      onChange={(e) => {
        setDraft(null);
        onCommit((e.currentTarget as HTMLInputElement).value);
      }}
      {...rest}
    />
  );
}

/** The input of one scalar value: a select for booleans and enums, a text box for numbers and text. */
function ScalarInput({ meta, value, onChange, attrs }: { meta: KeyMetadata; value: unknown; onChange: (v: unknown) => void; attrs: Record<string, unknown> }) {
  const choices = meta.type === 'boolean' ? ['true', 'false'] : meta.enum;
  if (choices !== undefined) {
    const shown = value === undefined ? '' : String(value);
    return (
      <select {...attrs} value={shown} onChange={(e) => {
        const v = (e.currentTarget as HTMLSelectElement).value;
        onChange(v === '' ? undefined : meta.type === 'boolean' ? v === 'true' : v);
      }}>
        <option value="">{`default (${show(meta.default) || 'none'})`}</option>
        {/* A value the schema does not know stays visible (validate names it). */}
        {shown !== '' && !choices.includes(shown) && <option value={shown}>{shown}</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  }
  const types = meta.type.split('|');
  const numeric = types.includes('number') || types.includes('integer');
  return (
    <DraftInput
      {...attrs}
      numeric={numeric && !types.includes('string')}
      value={value === undefined || value === null ? '' : String(value)}
      placeholder={meta.default === undefined ? '' : `default ${show(meta.default)}`}
      onCommit={(text: string) => onChange(numeric ? parseNumber(text) : text === '' ? undefined : text)}
    />
  );
}

/** "= 6.0 %" beside a share, else the unit; then the range. */
function unitLine(meta: KeyMetadata, value: unknown): string {
  const unit = meta.unit === 'fraction' && typeof value === 'number' ? `= ${formatValue(value, 'fraction')}` : unitText(meta);
  const range = rangeText(meta);
  return [unit, range === '' ? '' : `(${range})`].filter(Boolean).join(' ');
}

/** One key of the config as a labelled input, with its description, unit, range and validate's message. */
export function KeyField({ model, meta, path, label }: { model: Model; meta: KeyMetadata; path: DocPath; label?: string }) {
  const key = dotted(path);
  const value = valueAt(model.doc, path);
  const problems = problemsAt(model.problems, key);
  // A value or an object (a vesting id or {type, years}; one rate or {year: rate}): the form edits the value.
  const editable = isValueKey(meta) || (meta.type.endsWith('|object') && (value === undefined || value === null || typeof value !== 'object'));
  return (
    <div class="key-field" data-key={key}>
      <Field
        label={label ?? humanize(String(path[path.length - 1]))}
        description={meta.description}
        unit={editable ? unitLine(meta, value) : undefined}
        error={problems.length === 0 ? undefined : problems.map(problemText).join('; ')}
      >
        {(attrs) =>
          editable ? (
            <ScalarInput meta={meta} value={value} attrs={attrs} onChange={(v) => model.apply({ kind: 'set', path, value: v })} />
          ) : (
            <code class="key-value" id={attrs.id}>
              {value === undefined ? `not set${meta.default === undefined ? '' : ` (default ${show(meta.default)})`}` : show(value)} — edit in the YAML tab
            </code>
          )
        }
      </Field>
      <p class="key-name">
        <code>{key}</code>
      </p>
    </div>
  );
}

/** What a list's rows are called: tiers, bands, else rows. */
function rowNoun(path: DocPath): string {
  const last = String(path[path.length - 1]);
  return last.endsWith('tiers') ? 'tier' : last.endsWith('bands') ? 'band' : 'row';
}

/** The pairs of a row's bounds (employee_min/employee_max, min_years/max_years). */
function boundPairs(fields: readonly string[]): Array<[string, string]> {
  return fields.flatMap((f) => {
    const max = f.replace('min', 'max');
    return f.includes('min') && max !== f && fields.includes(max) ? [[f, max] as [string, string]] : [];
  });
}

/** A row's fields as they read: its number (tier), each bound's start before its end, then the rest. */
function inReadingOrder(fields: readonly KeyMetadata[]): KeyMetadata[] {
  const names = fields.map((f) => String(f.key.split('.').pop()));
  const pairs = boundPairs(names);
  const rank = (name: string): number => (name === 'tier' ? 0 : pairs.some(([min]) => min === name) ? 1 : pairs.some(([, max]) => max === name) ? 2 : 3);
  return fields.map((f, i) => ({ f, r: rank(names[i]!), i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.f);
}

/** A new last row: it starts where the last ends, as wide as the last; `tier` numbered on. */
function nextRow(fields: readonly KeyMetadata[], rows: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const names = fields.map((f) => String(f.key.split('.').pop()));
  const last = rows[rows.length - 1];
  const row: Record<string, unknown> = {};
  for (const [i, f] of fields.entries()) {
    const name = names[i]!;
    if (!isValueKey(f)) continue;
    if (last !== undefined && last[name] !== undefined) row[name] = last[name];
    else if (f.required) row[name] = f.default ?? f.min ?? 0;
  }
  if ('tier' in row || names.includes('tier')) row.tier = rows.length + 1;
  for (const [min, max] of boundPairs(names)) {
    const [from, to] = [last?.[min], last?.[max]];
    if (typeof from !== 'number' || typeof to !== 'number') continue;
    const bound = fields.find((f) => f.key.endsWith(`.${max}`))?.max;
    row[min] = to;
    row[max] = Math.round(Math.min(bound ?? Infinity, to + (to - from)) * 1e6) / 1e6;
  }
  return row;
}

/**
 * A list of objects (match tiers, service schedules) as a table: one input per field, validate's
 * message under the cell it names, a button to add a row after the last and one to remove each.
 */
export function ListEditor({ model, meta, path, fields: given, label }: { model: Model; meta: KeyMetadata; path: DocPath; fields: readonly KeyMetadata[]; label?: string }) {
  const fields = inReadingOrder(given);
  const key = dotted(path);
  const raw = valueAt(model.doc, path);
  const rows = Array.isArray(raw) ? (raw as Array<Record<string, unknown>>) : [];
  const noun = rowNoun(path);
  const title = label ?? humanize(String(path[path.length - 1]));
  const names = fields.map((f) => String(f.key.split('.').pop()));
  // A numbered field (tier) is the row's header; else the row's position is.
  const numbered = names[0] === 'tier';
  const listProblems = model.problems.filter((p) => p.path === key || new RegExp(`^${escape(key)}\\[\\d+\\]$`).test(p.path));
  const add = (): void => model.apply({ kind: 'append', path, item: nextRow(fields, rows) });
  // Tiers are numbered from 1: the ones after a removed one move up.
  const remove = (index: number): void =>
    model.apply(
      { kind: 'remove', path, index },
      ...(names.includes('tier') ? rows.slice(index + 1).map((_, j): EditOp => ({ kind: 'set', path: [...path, index + j, 'tier'], value: index + j + 1 })) : []),
    );
  return (
    <div class="list-editor" data-key={key}>
      <div class="list-editor-head">
        <h4>{title}</h4>
        <p class="field-desc">{meta.description}</p>
      </div>
      {listProblems.map((p) => (
        <p class="field-error" role="alert" key={p.message}>
          {p.message}
        </p>
      ))}
      <div class="table-scroll">
        <table class="list-table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              {!numbered && (
                <th scope="col" class="num">
                  #
                </th>
              )}
              {fields.map((f, i) => (
                <th scope="col" key={f.key} title={f.description}>
                  {humanize(names[i]!)}
                  {unitText(f) !== '' && <span class="list-unit"> {f.unit === 'fraction' ? 'share' : unitText(f)}</span>}
                </th>
              ))}
              <td />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={fields.length + (numbered ? 1 : 2)} class="table-empty">
                  No {noun}s yet
                </td>
              </tr>
            ) : (
              rows.map((row, r) => (
                <tr key={r}>
                  {!numbered && (
                    <th scope="row" class="num">
                      {r + 1}
                    </th>
                  )}
                  {fields.map((f, i) => {
                    const cellPath = [...path, r, names[i]!];
                    const problems = problemsAt(model.problems, dotted(cellPath));
                    const label = `${humanize(names[i]!)} of ${noun} ${r + 1}`;
                    return (
                      <td key={f.key} class={problems.length > 0 ? 'cell-invalid' : undefined} data-key={dotted(cellPath)}>
                        {isValueKey(f) ? (
                          <ScalarInput
                            meta={f}
                            value={row[names[i]!]}
                            attrs={{ 'aria-label': label, 'aria-invalid': problems.length > 0 ? true : undefined }}
                            onChange={(v) => model.apply({ kind: 'set', path: cellPath, value: v })}
                          />
                        ) : (
                          <span class="key-value">{Array.isArray(row[names[i]!]) ? `${(row[names[i]!] as unknown[]).length} items (YAML tab)` : show(row[names[i]!])}</span>
                        )}
                        {f.unit === 'fraction' && typeof row[names[i]!] === 'number' && (
                          <span class="cell-hint">{formatValue(row[names[i]!], 'fraction')}</span>
                        )}
                        {problems.map((p) => (
                          <span class="field-error" role="alert" key={p.message}>
                            {problemText(p)}
                          </span>
                        ))}
                      </td>
                    );
                  })}
                  <td>
                    <Button aria-label={`Remove ${noun} ${r + 1}`} onClick={() => remove(r)}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <Button onClick={add}>Add {noun}</Button>
    </div>
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A key in its best input: a field for a value, a table for a list of objects, else its value (maps,
 * lists of values: the YAML tab edits them). `<key>` placeholders of the metadata are filled by `path`.
 */
export function AnyKey({ model, metas, meta, path, label }: { model: Model; metas: readonly KeyMetadata[]; meta: KeyMetadata; path: DocPath; label?: string }) {
  const fields = meta.type === 'array' ? itemKeys(metas, meta.key) : undefined;
  if (fields !== undefined) return <ListEditor model={model} meta={meta} path={path} fields={fields} label={label} />;
  return <KeyField model={model} meta={meta} path={path} label={label} />;
}
