import { createHash } from 'node:crypto';

/**
 * JSON exactly as Python's `json` module reads and writes it, for checking the reference engine's
 * checkpoint integrity hashes. The hash is SHA-256 of
 * `json.dumps(doc, sort_keys=True, separators=(',', ':'))` (ensure_ascii on), which differs from
 * `JSON.stringify` in key order (code points, not insertion), escaping (every non-ASCII character
 * as `\uXXXX`) and above all number formatting (`1.0`, `1e-05`, `1e+16`, `Infinity`). So numbers are
 * never carried as bare JS numbers: the parser keeps each number token as a {@link PyNumber}, and the
 * serializer writes ints verbatim and floats in Python's `repr` layout.
 */

/** A JSON number as Python holds it: an `int` (arbitrary precision, kept as its digits) or a `float`. */
export class PyNumber {
  private constructor(
    /** The token as written (for a float: any JSON spelling, e.g. `1.0`, `1E5`, `Infinity`). */
    readonly text: string,
    readonly kind: 'int' | 'float',
  ) {}

  /** A number token as Python's json module classifies it: ints have no fraction and no exponent. */
  static fromToken(text: string): PyNumber {
    return new PyNumber(text, /^-?\d+$/.test(text) ? 'int' : 'float');
  }

  /** A Python float with this value. */
  static float(value: number): PyNumber {
    return new PyNumber(pythonFloatRepr(value), 'float');
  }

  /** A Python int (a safe JS integer or a bigint). */
  static int(value: number | bigint): PyNumber {
    if (typeof value === 'number' && !Number.isInteger(value)) throw new TypeError(`${value} is not an integer`);
    return new PyNumber(BigInt(value).toString(), 'int');
  }

  /** The value as a JS number (large ints lose precision). */
  get value(): number {
    return Number(this.text);
  }

  /** The token as Python's `json.dumps` writes this number back. */
  toPython(): string {
    if (this.kind === 'int') return this.text === '-0' ? '0' : this.text;
    return pythonFloatRepr(Number(this.text));
  }
}

/** A parsed Python JSON value. Objects have no prototype, so any key (even `__proto__`) is data. */
export type PyValue = null | boolean | string | PyNumber | PyValue[] | PyObject;
export interface PyObject {
  [key: string]: PyValue;
}

export class PythonJsonError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message}: line ${line} column ${column} (char ${position})`);
    this.name = 'PythonJsonError';
  }
}

/**
 * Parses JSON as Python's `json.loads` does (strict mode): the JSON grammar plus the tokens `NaN`,
 * `Infinity` and `-Infinity`; duplicate keys keep the last value; raw control characters in strings
 * and a leading BOM are errors. Numbers become {@link PyNumber}s that keep their token text.
 */
export function parsePythonJson(text: string): PyValue {
  return new Parser(text).parseDocument();
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseDocument(): PyValue {
    if (this.text.charCodeAt(0) === 0xfeff) this.fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('Extra data');
    return value;
  }

  private fail(message: string, at = this.pos): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new PythonJsonError(message, at, line, column);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else return;
    }
  }

  private startsWith(word: string): boolean {
    return this.text.startsWith(word, this.pos);
  }

  private parseValue(): PyValue {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
        return this.parseString();
    }
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
    ] as const) {
      if (this.startsWith(word)) {
        this.pos += word.length;
        return value;
      }
    }
    for (const word of ['NaN', 'Infinity', '-Infinity']) {
      if (this.startsWith(word)) {
        this.pos += word.length;
        return PyNumber.fromToken(word);
      }
    }
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
    match.lastIndex = this.pos;
    const token = match.exec(this.text)?.[0];
    if (token === undefined) this.fail('Expecting value');
    this.pos += token.length;
    return PyNumber.fromToken(token);
  }

  private parseObject(): PyObject {
    const object = Object.create(null) as PyObject;
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return object;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('Expecting property name enclosed in double quotes');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("Expecting ':' delimiter");
      this.pos++;
      this.skipWhitespace();
      object[key] = this.parseValue();
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') return object;
      if (next !== ',') this.fail("Expecting ',' delimiter", this.pos - 1);
      this.skipWhitespace();
    }
  }

  private parseArray(): PyValue[] {
    const array: PyValue[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return array;
    }
    for (;;) {
      array.push(this.parseValue());
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') return array;
      if (next !== ',') this.fail("Expecting ',' delimiter", this.pos - 1);
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++; // "
    let out = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.fail('Unterminated string starting at', start);
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.text.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('Invalid control character at');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunk, this.pos);
      const escape = this.text[this.pos + 1];
      const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (escape === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape', this.pos + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        this.fail('Invalid \\escape', this.pos);
      }
      chunk = this.pos;
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * `json.dumps(value, sort_keys=True, separators=(',', ':'))` (ensure_ascii on, allow_nan on).
 * Accepts parsed trees ({@link PyNumber}s) and plain JS data: a JS number that is an integer is
 * written as a Python int, any other as a Python float (use `PyNumber.float(3)` for `3.0`); a
 * bigint is an int. `undefined`, functions and symbols are rejected, as Python has no such values.
 */
export function canonicalPythonJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null) out.push('null');
  else if (value === true) out.push('true');
  else if (value === false) out.push('false');
  else if (typeof value === 'string') out.push(pythonString(value));
  else if (value instanceof PyNumber) out.push(value.toPython());
  else if (typeof value === 'bigint') out.push(value.toString());
  else if (typeof value === 'number') out.push(Number.isInteger(value) && !Object.is(value, -0) ? BigInt(value).toString() : pythonFloatRepr(value));
  else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareCodePoints);
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      out.push(pythonString(key), ':');
      write((value as Record<string, unknown>)[key], out);
    });
    out.push('}');
  } else {
    throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
}

/** Python orders str keys by code point; JS's default sort compares UTF-16 code units. */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

/** A str as `json.dumps` writes it with ensure_ascii: printable ASCII as is, the rest escaped. */
function pythonString(s: string): string {
  let out = '"';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(chunk, i);
    chunk = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      default:
        // Non-ASCII (astral characters are already two UTF-16 units: Python writes the same pair).
        out += `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}${s.slice(chunk)}"`;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JS picks), laid out
 * in positional form when the decimal exponent is in [-4, 16) and in `d.ddde±XX` form otherwise;
 * integral values keep a `.0`; non-finite values are json's `NaN`, `Infinity`, `-Infinity`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exponent) + 1; // value = 0.<digits> × 10^decpt
  let body: string;
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    body = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else if (decpt <= 0) {
    body = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (decpt >= digits.length) {
    body = `${digits}${'0'.repeat(decpt - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return sign + body;
}

/** The fields the reference leaves out of its integrity hash (they change on every save). */
const VOLATILE_FIELDS: ReadonlyArray<[section: string, field: string]> = [
  ['metadata', 'timestamp'],
  ['performance_metrics', 'checkpoint_creation_time'],
];

/**
 * The reference CheckpointManager's integrity hash of a v2.0 checkpoint document: SHA-256 hex of the
 * canonical Python JSON of the document without `integrity_hash`, `metadata.timestamp` and
 * `performance_metrics.checkpoint_creation_time`. The document is not modified.
 */
export function referenceIntegrityHash(doc: PyObject | Record<string, unknown>): string {
  const copy: Record<string, unknown> = { ...doc };
  delete copy.integrity_hash;
  for (const [section, field] of VOLATILE_FIELDS) {
    const value = copy[section];
    if (isPlainObject(value)) {
      const trimmed: Record<string, unknown> = { ...value };
      delete trimmed[field];
      copy[section] = trimmed;
    }
  }
  return createHash('sha256').update(canonicalPythonJson(copy), 'utf8').digest('hex');
}

/** A JSON object (not an array, a number or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyNumber);
}
