import { compareNumberText, ExactNumber, parseExactJson, type ExactJson } from '../exactJson';
import type { CompareOp, JsonLiteral, Query, TextMatch } from './query';

/** What a search looks at: a TailRecord is one; topic search builds one per record read. */
export interface SearchRecord {
  partition: number;
  offset: string;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: readonly { key: string; value: string | null }[];
}

export type RecordMatcher = (r: SearchRecord) => boolean;

/** Per-record lazily parsed JSON value, shared by every JSON-path term of one evaluation. */
interface Ctx {
  r: SearchRecord;
  json?: { value: Parsed } | null;
}

/** 16 or more digits in a row: a number that a double may not hold exactly. */
const LONG_DIGITS = /\d{16}/;

function textTest(m: TextMatch): (s: string) => boolean {
  if (m.kind === 'substring') {
    const needle = m.text;
    return (s) => s.includes(needle);
  }
  // Without g/y: test() keeps no state between records.
  const re = new RegExp(m.source, m.flags.replace(/[gy]/g, ''));
  return (s) => re.test(s);
}

function cmp(op: CompareOp, c: number): boolean {
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

function compareOffsets(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares a JSON value with a literal; undefined when they cannot be compared (different kinds). */
function compareJson(v: Parsed | undefined, lit: JsonLiteral): number | undefined {
  if (v === undefined) return undefined;
  switch (lit.kind) {
    case 'number':
      if (v instanceof ExactNumber) return compareNumberText(v.text, lit.text);
      if (typeof v !== 'number') return undefined;
      // A plain number came from text without 16-digit runs, so it is exact; a long literal compares as BigInt.
      if (Number.isInteger(v) && /^-?\d{16,}$/.test(lit.text)) return compareNumberText(String(BigInt(v)), lit.text);
      return v < Number(lit.text) ? -1 : v > Number(lit.text) ? 1 : 0;
    case 'string':
      return typeof v === 'string' ? (v < lit.value ? -1 : v > lit.value ? 1 : 0) : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? Number(v) - Number(lit.value) : undefined;
    case 'null':
      return v === null ? 0 : undefined;
  }
}

/** A parsed value: exact numbers where the text had long digit runs, plain numbers otherwise. */
type Parsed = ExactJson | number | Parsed[] | { [key: string]: Parsed };

function at(json: Parsed, path: (string | number)[]): Parsed | undefined {
  let cur: Parsed | undefined = json;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object' || cur instanceof ExactNumber) return undefined;
    if (Array.isArray(cur)) {
      if (typeof step !== 'number') return undefined;
      cur = cur[step];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = cur[String(step)];
    }
  }
  return cur;
}

function jsonOf(ctx: Ctx): Parsed | undefined {
  if (ctx.json === undefined) {
    const text = ctx.r.value;
    try {
      // The native parser is several times faster; the exact one only when a number could be rounded.
      ctx.json = text === null ? null : { value: LONG_DIGITS.test(text) ? parseExactJson(text) : (JSON.parse(text) as Parsed) };
    } catch {
      ctx.json = null;
    }
  }
  return ctx.json === null ? undefined : ctx.json.value;
}

function compile(q: Query): (ctx: Ctx) => boolean {
  switch (q.type) {
    case 'all':
      return () => true;
    case 'and': {
      const items = q.items.map(compile);
      return (c) => items.every((f) => f(c));
    }
    case 'or': {
      const items = q.items.map(compile);
      return (c) => items.some((f) => f(c));
    }
    case 'not': {
      const item = compile(q.item);
      return (c) => !item(c);
    }
    case 'text': {
      const test = textTest(q.match);
      if (q.field === 'key') return ({ r }) => r.key !== null && test(r.key);
      if (q.field === 'value') return ({ r }) => r.value !== null && test(r.value);
      return ({ r }) => (r.value !== null && test(r.value)) || (r.key !== null && test(r.key)) || r.headers.some((h) => h.value !== null && test(h.value));
    }
    case 'header': {
      const { name } = q;
      if (!q.match) return ({ r }) => r.headers.some((h) => h.key === name);
      const test = textTest(q.match);
      return ({ r }) => r.headers.some((h) => h.key === name && h.value !== null && test(h.value));
    }
    case 'partition': {
      const set = new Set(q.partitions);
      return ({ r }) => set.has(r.partition);
    }
    case 'offset':
      return ({ r }) => cmp(q.op, compareOffsets(r.offset, q.offset));
    case 'timestamp':
      return ({ r }) => cmp(q.op, r.timestamp - q.timestamp);
    case 'json': {
      const { path, op, literal } = q;
      if (!op || !literal) {
        return (c) => {
          const v = jsonOf(c);
          return v !== undefined && at(v, path) !== undefined && at(v, path) !== null;
        };
      }
      return (c) => {
        const v = jsonOf(c);
        const found = v === undefined ? undefined : at(v, path);
        const d = compareJson(found, literal);
        // Different kinds (or a missing path) are "not equal" and never ordered.
        if (d === undefined) return op === '!=';
        return cmp(op, d);
      };
    }
  }
}

/** Compiles a parsed query into a predicate over records. */
export function compileQuery(q: Query): RecordMatcher {
  const f = compile(q);
  return (r) => f({ r });
}

/** A record as fetched (bytes), for {@link compileRawQuery}. */
export interface RawSearchRecord {
  offset: string;
  timestamp: string;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

function rawHeaderValues(h: RawSearchRecord['headers'], name?: string): (Buffer | string)[] {
  const out: (Buffer | string)[] = [];
  if (!h) return out;
  for (const k in h) {
    if (name !== undefined && k !== name) continue;
    const v = h[k];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

function rawHasHeader(h: RawSearchRecord['headers'], name: string): boolean {
  return !!h && Object.prototype.hasOwnProperty.call(h, name);
}

/**
 * The fast path of topic search: a query made only of substring, header, partition, offset and
 * timestamp terms is evaluated on the fetched bytes (UTF-8 substrings are byte substrings), with
 * no text decoded per record. Undefined for queries with a regex or a JSON path.
 */
export function compileRawQuery(q: Query): ((partition: number, m: RawSearchRecord) => boolean) | undefined {
  switch (q.type) {
    case 'all':
      return () => true;
    case 'and':
    case 'or': {
      const items = q.items.map(compileRawQuery);
      if (items.some((f) => !f)) return undefined;
      const fs = items as ((partition: number, m: RawSearchRecord) => boolean)[];
      return q.type === 'and' ? (p, m) => fs.every((f) => f(p, m)) : (p, m) => fs.some((f) => f(p, m));
    }
    case 'not': {
      const item = compileRawQuery(q.item);
      return item && ((p, m) => !item(p, m));
    }
    case 'text': {
      if (q.match.kind !== 'substring') return undefined;
      const needle = Buffer.from(q.match.text, 'utf8');
      const has = (b: Buffer | string | null | undefined) => b !== null && b !== undefined && (typeof b === 'string' ? b.includes(q.match.kind === 'substring' ? q.match.text : '') : b.indexOf(needle) >= 0);
      if (q.field === 'key') return (_, m) => has(m.key);
      if (q.field === 'value') return (_, m) => has(m.value);
      return (_, m) => has(m.value) || has(m.key) || (m.headers !== undefined && rawHeaderValues(m.headers).some(has));
    }
    case 'header': {
      const { name, match } = q;
      if (!match) return (_, m) => rawHasHeader(m.headers, name);
      if (match.kind !== 'substring') return undefined;
      const needle = Buffer.from(match.text, 'utf8');
      return (_, m) => rawHeaderValues(m.headers, name).some((v) => (typeof v === 'string' ? v.includes(match.text) : v.indexOf(needle) >= 0));
    }
    case 'partition': {
      const set = new Set(q.partitions);
      return (p) => set.has(p);
    }
    case 'offset':
      return (_, m) => cmp(q.op, compareOffsets(m.offset, q.offset));
    case 'timestamp':
      return (_, m) => cmp(q.op, Number(m.timestamp) - q.timestamp);
    case 'json':
      return undefined;
  }
}

/**
 * Text every matching record must contain somewhere in its bytes (key, value or headers), if the
 * query has such a term: a topic search then skips record batches without it undecoded.
 */
export function requiredText(q: Query): string | undefined {
  switch (q.type) {
    case 'and':
      for (const item of q.items) {
        const t = requiredText(item);
        if (t) return t;
      }
      return undefined;
    case 'text':
      return q.match.kind === 'substring' ? q.match.text || undefined : regexLiteral(q.match.source, q.match.flags);
    case 'header':
      if (!q.match) return q.name || undefined;
      return q.match.kind === 'substring' ? q.match.text || q.name || undefined : (regexLiteral(q.match.source, q.match.flags) ?? (q.name || undefined));
    default:
      return undefined;
  }
}

/**
 * The longest run of plain characters every match of a regex must contain, or undefined when that
 * is not certain. Conservative: no alternation, no groups, no case-insensitive flag; an escape, a
 * class or any special character ends a run, and a character made optional by ?, * or {…} is left out.
 */
export function regexLiteral(source: string, flags: string): string | undefined {
  if (flags.includes('i') || /[|(]/.test(source)) return undefined;
  let best = '';
  let run = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if ('\\.^$*+?()[]{}|'.includes(c)) {
      if (run.length > best.length) best = run;
      run = '';
      if (c === '\\') i++; // the escaped character is not taken as a literal
      else if (c === '[') while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      else if (c === '{') while (i < source.length && source[i] !== '}') i++;
      continue;
    }
    const next = source[i + 1];
    if (next === '?' || next === '*' || next === '{') {
      if (run.length > best.length) best = run;
      run = '';
      continue;
    }
    run += c;
  }
  if (run.length > best.length) best = run;
  return best.length >= 3 ? best : undefined;
}
