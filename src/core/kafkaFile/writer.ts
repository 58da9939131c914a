/**
 * The other way round from the parser: producer settings → the text of a PRODUCER block, for
 * "Save as .kafka" (from the produce form and from a record in the viewer). What is written parses
 * back to the same settings; text the file format cannot hold as it is (a leading space, a line
 * starting with `###`, a first value line that reads as a property, `{{` in literal text, a comma
 * in a header value, a carriage return) is written with the `{{$text("…")}}` helper, which renders
 * exactly that text, so the records sent are the same bytes.
 */
import type { FormatChoice, ProducerDefinition } from './definitions';
import { PRODUCER_PROPERTIES } from './model';

/** A producer block as plain data: template sources instead of compiled templates. */
export interface ProducerBlockSettings extends Omit<ProducerDefinition, 'templates'> {
  /** Template source of the key; undefined: no key. */
  key?: string;
  /** Header names and template sources of their values, in order. */
  headers: [string, string][];
  /** Template source of the value. */
  value: string;
}

export interface WrittenBlock {
  text: string;
  /** What could not be written (and was left out), one sentence each. */
  problems: string[];
}

/** The plain settings of a checked block (what {@link writeProducerBlock} takes). */
export function settingsOfDefinition(def: ProducerDefinition): ProducerBlockSettings {
  const { templates, ...rest } = def;
  const out: ProducerBlockSettings = { ...rest, headers: templates.headers.map(([n, t]) => [n, t.source]), value: templates.value.source };
  if (templates.key) out.key = templates.key.source;
  return out;
}

const PLACEHOLDER = /\{\{(.*?)\}\}/gs;

/** `{{$text("…")}}` for any text; `}` is escaped so the placeholder never closes early. */
export function textHelper(text: string): string {
  return `{{$text(${JSON.stringify(text).replace(/\}/g, '\\u007d')})}}`;
}

/** Literal text (a record's key, value or header from the viewer) as a template source that renders it unchanged. */
export function literalTemplate(text: string): string {
  return text.replace(/\{\{/g, () => textHelper('{{'));
}

/** Applies `escape` to the literal parts of a template source, leaving its placeholders as they are. */
function mapLiterals(source: string, escape: (literal: string, atStart: boolean, atEnd: boolean) => string): string {
  let out = '';
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    out += escape(source.slice(last, m.index), last === 0, false) + m[0];
    last = m.index + m[0].length;
  }
  return out + escape(source.slice(last), last === 0, true);
}

/** Leading whitespace at the start of the source and trailing at its end (the parser trims both). */
function escapeEdges(literal: string, atStart: boolean, atEnd: boolean): string {
  let s = literal;
  let head = '';
  let tail = '';
  if (atStart) {
    const lead = /^\s+/.exec(s)?.[0] ?? '';
    if (lead) head = textHelper(lead);
    s = s.slice(lead.length);
  }
  if (atEnd) {
    // A "{" just before a helper would open it: it goes into the helper's text.
    const trail = /\{?\s+$/.exec(s)?.[0] ?? '';
    if (trail) tail = textHelper(trail);
    s = s.slice(0, s.length - trail.length);
  }
  return head + s + tail;
}

/** A one-line property value (key, a header value): no line breaks, no edge spaces; `extra` characters escaped too. */
function inlineSource(source: string, extra = ''): string {
  const special = new RegExp(`\\{?[\\r\\n${extra}]`, 'g');
  // The helpers escapeEdges writes hold no raw line break or comma: replacing after it is safe.
  return mapLiterals(source, (lit, atStart, atEnd) => escapeEdges(lit, atStart, atEnd).replace(special, (c) => textHelper(c)));
}

const KNOWN = new Set(PRODUCER_PROPERTIES.map((p) => p.name));

/** The value's lines as the parser reads them back into the same source. */
function valueSource(source: string): string {
  if (source === '') return textHelper('');
  let out = mapLiterals(source, (lit, atStart, atEnd) => {
    // Edges first (they may hold \r or \n), then carriage returns (lines are split on \n and a trailing \r dropped).
    return escapeEdges(lit, atStart, atEnd).replace(/\{?\r/g, (c) => textHelper(c));
  });
  // A line that starts with ### would end the block; one starting with PRODUCER/CONSUMER reads as the next block.
  out = out.replace(/(^|\n)(###|PRODUCER|CONSUMER)/g, (_m, nl: string, word: string) => `${nl}${textHelper(word[0])}${word.slice(1)}`);
  // The first line must not read as a comment or a property.
  const first = out.split('\n', 1)[0];
  const colon = first.indexOf(':');
  if (first.startsWith('--') || (colon >= 0 && KNOWN.has(first.slice(0, colon).trim()))) out = textHelper(out[0]) + out.slice(1);
  return out;
}

/** `string(base64)`, `avro(subject:x)`, `long`... as the parser reads it. */
export function formatText(f: FormatChoice): string {
  switch (f.kind) {
    case 'string':
      return f.encoding ? `string(${f.encoding})` : 'string';
    case 'avro':
      return f.subject !== undefined ? `avro(subject:${f.subject})` : `avro(${f.schemaFile ?? ''})`;
    case 'protobuf':
      if (f.subject !== undefined) return `protobuf(subject:${f.subject})`;
      return `protobuf(${f.schemaFile ?? ''}${f.messageType ? `:${f.messageType}` : ''})`;
    case 'jsonschema':
      return f.subject !== undefined ? `json-schema(subject:${f.subject})` : `json-schema(${f.schemaFile ?? ''})`;
    default:
      return f.kind;
  }
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const SEND = { synchronous: 'sync', asynchronous: 'async', 'fire-and-forget': 'fire-and-forget' } as const;

/**
 * The PRODUCER block for `s`, ended by `###`. `comments` go above it as `--` lines. Header names
 * the format cannot hold (empty, with `=`, `,` or a line break, or with edge spaces) are left out
 * and named in `problems`.
 */
export function writeProducerBlock(s: ProducerBlockSettings, comments: string[] = []): WrittenBlock {
  const problems: string[] = [];
  const lines = comments.map((c) => `-- ${c.replace(/\s+/g, ' ').trim()}`);
  lines.push(`PRODUCER ${s.name.replace(/\s+/g, ' ').trim()}`.trimEnd());
  lines.push(`topic: ${s.topic}`);
  if (s.key !== undefined) lines.push(`key: ${inlineSource(s.key)}`.trimEnd());
  const headers: string[] = [];
  for (const [name, value] of s.headers) {
    if (name === '' || name !== name.trim() || /[=,\r\n]|\{\{/.test(name)) {
      problems.push(`The header ${JSON.stringify(name)} is left out: a .kafka header name cannot be empty or hold "=", ",", "{{", a line break or edge spaces.`);
      continue;
    }
    headers.push(`${name}=${inlineSource(value, ',')}`);
  }
  if (headers.length > 0) lines.push(`headers: ${headers.join(', ')}`);
  if (s.keyFormat.kind !== 'string' || s.keyFormat.encoding) lines.push(`key-format: ${formatText(s.keyFormat)}`);
  if (s.valueFormat.kind !== 'string' || s.valueFormat.encoding) lines.push(`value-format: ${formatText(s.valueFormat)}`);
  if (s.partition !== undefined) lines.push(`partition: ${s.partition}`);
  if (s.acks !== undefined) lines.push(`acks: ${s.acks}`);
  if (s.idempotent !== undefined) lines.push(`idempotent: ${s.idempotent}`);
  if (s.compression !== undefined) lines.push(`compression: ${s.compression}`);
  if (s.send !== undefined) lines.push(`send: ${SEND[s.send]}`);
  if (s.count !== undefined) lines.push(`count: ${s.count}`);
  if (s.transaction !== undefined) lines.push(`transaction: ${s.transaction}`);
  if (s.timestamp !== undefined) lines.push(`timestamp: ${s.timestamp}`);
  if (s.everyMs !== undefined) lines.push(`every: ${duration(s.everyMs)}`);
  // A null value (value-format: none) has no value lines.
  if (s.valueFormat.kind !== 'none') lines.push(valueSource(s.value));
  lines.push('', '###', '');
  return { text: lines.join('\n'), problems };
}

/** Appends a block to a file's text: a blank line between, and a `###` before it when the last block is still open. */
export function appendBlock(fileText: string, block: string): string {
  if (fileText.trim() === '') return block;
  const trimmed = fileText.replace(/\s+$/, '');
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  const open = /^(PRODUCER|CONSUMER)(\s|$)/m.test(trimmed) && !lastLine.startsWith('###');
  return `${trimmed}\n${open ? '\n###\n' : ''}\n${block}`;
}
