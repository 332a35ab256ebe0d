import { isMap, isScalar, isSeq, parseDocument, Scalar, stringify, type Document } from 'yaml';
import type { ConfigProblem, KeyMetadata } from '../../api';

/**
 * The editor's model: the YAML text is the source of truth; the form reads values out of its document
 * and writes a change by setting (or deleting) one key in it, so comments, layout and every key the form
 * does not touch survive a save.
 */

/** A key's path in the document: `tiers[1].match_rate` -> ['tiers', 1, 'match_rate']. */
export type DocPath = ReadonlyArray<string | number>;

/** The dotted key of a path, as validate names it: employer_match.formulas.x.tiers[1].match_rate. */
export function dotted(path: DocPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A metadata key without placeholders (`a.b.c`) as a path. */
export function pathOfKey(key: string): string[] {
  return key.split('.');
}

/** Parses as config files are read (YAML 1.2 core schema); errors as "line N: message". */
export function parseYaml(text: string): { doc: Document; errors: string[] } {
  const doc = parseDocument(text, { version: '1.2', schema: 'core' });
  // The parser's first line says where ("... at line 719, column 1:"), without the excerpt it adds.
  const errors = doc.errors.map((e) => (e.message.split('\n')[0] ?? '').replace(/:$/, ''));
  return { doc, errors };
}

/** The plain value at a path (undefined: not set). */
export function valueAt(doc: Document, path: DocPath): unknown {
  const value = doc.getIn(path);
  return isMap(value) || isSeq(value) ? value.toJSON() : value;
}

/** A change the form makes: set (undefined: remove) a key, append an item to a list, remove one. */
export type EditOp =
  | { kind: 'set'; path: DocPath; value: unknown }
  | { kind: 'append'; path: DocPath; item: unknown }
  | { kind: 'remove'; path: DocPath; index: number };

/**
 * The text after the changes, each made where it stands when it can be (only the characters of that
 * value, line or item change: every comment, the file's layout and every other key stay byte for byte),
 * else on the parsed document (the yaml package's layout for the whole file; comments kept).
 */
export function applyEdits(text: string, ops: readonly EditOp[]): string {
  return ops.reduce((t, op) => inPlace(t, op) ?? onDocument(t, op), text);
}

function onDocument(text: string, op: EditOp): string {
  const { doc } = parseYaml(text);
  if (op.kind === 'remove') doc.deleteIn([...op.path, op.index]);
  else if (op.kind === 'append') {
    if (isSeq(doc.getIn(op.path, true))) doc.addIn(op.path, doc.createNode(op.item));
    else doc.setIn(op.path, [op.item]);
  } else if (op.value === undefined) doc.deleteIn(op.path);
  else doc.setIn(op.path, op.value);
  return doc.toString({ flowCollectionPadding: false });
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number): number => {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
};
/** The text with `lines` (each indented by `indent`) inserted at `at`, which starts a line (or ends the text). */
function insertLines(text: string, at: number, lines: string, indent: string): string {
  const block = lines.trimEnd().split('\n').map((l) => indent + l).join('\n');
  const before = text.slice(0, at);
  return `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${block}\n${text.slice(at)}`;
}

function inPlace(text: string, op: EditOp): string | undefined {
  const { doc, errors } = parseYaml(text);
  if (errors.length > 0) return undefined;
  if (op.kind === 'set') return op.value === undefined ? removePair(text, doc, op.path) : replaceScalar(text, doc, op.path, op.value) ?? insertKey(text, doc, op.path, op.value);
  const seq = doc.getIn(op.path, true);
  if (!isSeq(seq) || seq.flow || seq.items.length === 0) return undefined;
  const items = seq.items as Array<{ range?: [number, number, number] | null }>;
  const ranges = items.map((i) => i.range);
  if (ranges.some((r) => r == null)) return undefined;
  const [first] = ranges as Array<[number, number, number]>;
  // Items written "- key: value" on the dash's line, as block lists of objects are.
  const dash = text.slice(lineStart(text, first![0]), first![0]);
  if (!/^ *- +$/.test(dash)) return undefined;
  const r = ranges as Array<[number, number, number]>;
  if (op.kind === 'append') {
    const last = r[r.length - 1]!;
    const lines = stringify(op.item).trimEnd().split('\n');
    const block = [dash + lines[0], ...lines.slice(1).map((l) => ' '.repeat(dash.length) + l)].join('\n');
    return insertLines(text, lineEnd(text, last[1] - 1), block, '');
  }
  const item = r[op.index];
  if (item === undefined) return undefined;
  const from = lineStart(text, item[0]);
  const to = op.index + 1 < r.length ? lineStart(text, r[op.index + 1]![0]) : lineEnd(text, item[1] - 1);
  return text.slice(0, from) + text.slice(to);
}

/** A scalar as YAML, in the quoting style the replaced one had. */
function scalarText(value: unknown, style: Scalar['type']): string {
  if (typeof value === 'string' && style === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === 'string' && style === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  return stringify(value).trimEnd();
}

/** Replaces a scalar already in the text (not a block scalar) by a scalar. */
function replaceScalar(text: string, doc: Document, path: DocPath, value: unknown): string | undefined {
  if (value !== null && typeof value === 'object') return undefined;
  const node = doc.getIn(path, true);
  if (!isScalar(node) || node.range == null || node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) return undefined;
  const [start, end] = node.range;
  return text.slice(0, start) + scalarText(value, node.type) + text.slice(end);
}

/** The block map at a path (the document's root for []), with the column its keys start at. */
function blockMap(text: string, doc: Document, path: DocPath): { end: number; indent: string } | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map) || map.flow || map.items.length === 0) return undefined;
  const firstKey = map.items[0]!.key as { range?: [number, number, number] | null };
  const last = map.items[map.items.length - 1]!;
  const lastEnd = (last.value as { range?: [number, number, number] | null } | null)?.range?.[1] ?? (last.key as { range?: [number, number, number] | null }).range?.[1];
  if (firstKey.range == null || lastEnd === undefined) return undefined;
  const indent = text.slice(lineStart(text, firstKey.range[0]), firstKey.range[0]);
  return /^ *$/.test(indent) ? { end: lineEnd(text, lastEnd - 1), indent } : undefined;
}

/** A key not in the text yet: written after the last key of its nearest map that is (the missing maps with it). */
function insertKey(text: string, doc: Document, path: DocPath, value: unknown): string | undefined {
  if (path.some((p) => typeof p === 'number')) return undefined;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = path.slice(0, depth);
    if (depth > 0 && doc.getIn(parent, true) === undefined) continue;
    const map = blockMap(text, doc, parent);
    if (map === undefined) return undefined;
    const nested = path.slice(depth).reduceRight<unknown>((v, key) => ({ [key]: v }), value);
    return insertLines(text, map.end, stringify(nested), map.indent);
  }
  return undefined;
}

/** Removes a key written on one line (its value a scalar), with that line. */
function removePair(text: string, doc: Document, path: DocPath): string | undefined {
  const node = doc.getIn(path, true);
  if (node === undefined) return text;
  if (!isScalar(node) || node.range == null) return undefined;
  const from = lineStart(text, node.range[0]);
  const to = lineEnd(text, node.range[1] - 1);
  const line = text.slice(from, to);
  // The key and its value on that one line, nothing else.
  return new RegExp(`^ *${escapeRegExp(String(path[path.length - 1]))}:`).test(line) ? text.slice(0, from) + text.slice(to) : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The problems whose key is `key` itself. */
export function problemsAt(problems: readonly ConfigProblem[], key: string): ConfigProblem[] {
  return problems.filter((p) => p.path === key);
}

/** A problem's message without the key it starts with (the field already names it). */
export function problemText(problem: ConfigProblem): string {
  return problem.message.startsWith(`${problem.path}: `) ? problem.message.slice(problem.path.length + 2) : problem.message;
}

/** Abbreviations written in capitals in labels. */
const ACRONYMS = new Set(['dc', 'id', 'ss', 'hce', 'nhce', 'adp', 'acp', 'pct']);

/** "minimum_hours_annual" -> "Minimum hours annual", "dc_plan" -> "DC plan". */
export function humanize(segment: string): string {
  const words = segment.split('_').map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How a key's unit reads after its input. */
export function unitText(meta: KeyMetadata): string {
  switch (meta.unit) {
    case 'fraction':
      return 'share (0.06 = 6 %)';
    case 'percent':
      return '%';
    case 'multiplier':
      return '×';
    case 'usd':
      return '$';
    case 'age':
      return 'years of age';
    case 'date':
      return 'YYYY-MM-DD';
    case 'month-day':
      return 'MM-DD';
    case 'days':
    case 'years':
    case 'months':
    case 'hours':
    case 'points':
      return meta.unit;
    default:
      return '';
  }
}

/** The allowed range as a phrase ("0 to 1", "≥ 0", "> −1"), '' when unbounded. */
export function rangeText(meta: KeyMetadata): string {
  const { min, max } = meta;
  if (min !== undefined && max !== undefined && !meta.minExclusive && !meta.maxExclusive) return `${min} to ${max}`;
  const parts = [
    min === undefined ? '' : `${meta.minExclusive ? '>' : '≥'} ${min}`,
    max === undefined ? '' : `${meta.maxExclusive ? '<' : '≤'} ${max}`,
  ].filter(Boolean);
  return parts.join(' and ');
}

/** A value as the form shows it (a default, a list). */
export function show(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'none';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The scalar types a form input can edit. */
export function isValueKey(meta: KeyMetadata): boolean {
  return ['integer', 'number', 'string', 'boolean'].includes(meta.type) || meta.type === 'string|number';
}
