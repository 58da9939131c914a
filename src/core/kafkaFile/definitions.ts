/**
 * From parsed blocks to what runs: a {@link ProducerDefinition} or {@link ConsumerDefinition}, with a
 * diagnostic at the value's position for each bad value. A block with an error has no definition,
 * so nothing half-understood is ever sent.
 */
import type { BlockProperty, ConsumerBlock, FileDiagnostic, FileRange, KafkaBlock, ProducerBlock } from './model';
import { compileRecordTemplate, type RecordTemplates, type TemplateProblem } from './template';
import { parseRecordTimestamp } from '../produce/produceService';

export const NUMBER_FORMATS = ['double', 'float', 'integer', 'long', 'short'] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];
/** Node's Buffer encodings accepted in `string(<encoding>)`. */
export const STRING_ENCODINGS = ['utf8', 'utf-8', 'ascii', 'latin1', 'binary', 'base64', 'base64url', 'hex', 'utf16le', 'utf-16le', 'ucs2', 'ucs-2'] as const;

export type FormatChoice =
  | { kind: 'none' }
  | { kind: 'string'; encoding?: string }
  | { kind: 'json' }
  | { kind: NumberFormat }
  | { kind: 'avro'; schemaFile?: string; subject?: string }
  /** `protobuf(file.proto)`, `protobuf(file.proto:acme.Order)`, `protobuf(subject:orders-value)`. */
  | { kind: 'protobuf'; schemaFile?: string; subject?: string; messageType?: string }
  /** `json-schema(file.schema.json)`, `json-schema(subject:orders-value)`. */
  | { kind: 'jsonschema'; schemaFile?: string; subject?: string };

export interface ProducerDefinition {
  name: string;
  topic: string;
  templates: RecordTemplates;
  keyFormat: FormatChoice;
  valueFormat: FormatChoice;
  /** Scheduled producer interval. */
  everyMs?: number;
  partition?: number | 'any' | 'key';
  acks?: 0 | 1 | 'all';
  idempotent?: boolean;
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  send?: 'synchronous' | 'asynchronous' | 'fire-and-forget';
  count?: number;
  transaction?: 'commit' | 'abort';
  /** CreateTime for every record of the block: epoch ms or ISO-8601, as the produce command takes it. */
  timestamp?: string;
}

export type ConsumerStart =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'committed' }
  | { kind: 'offset'; offset: string }
  | { kind: 'timestamp'; timestamp: number };

export interface ConsumerDefinition {
  groupId?: string;
  topic: string;
  start: ConsumerStart;
  partitions?: number[];
  isolation?: 'read_committed' | 'read_uncommitted';
  commit?: 'auto' | 'manual';
  keyFormat: FormatChoice;
  valueFormat: FormatChoice;
}

export interface Checked<T> {
  definition?: T;
  diagnostics: FileDiagnostic[];
}

class Problems {
  readonly list: FileDiagnostic[] = [];
  error(range: FileRange, message: string): void {
    this.list.push({ range, severity: 'error', message });
  }
  warn(range: FileRange, message: string): void {
    this.list.push({ range, severity: 'warning', message });
  }
  get failed(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/** `3s`, `5m`, `1h`, `500ms`, `2.5s` → milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number.isFinite(n) ? Math.round(n) : undefined;
}

/** `0`, `0,1,2`, `0-2`, `0,2-3` → sorted distinct partitions; undefined when malformed. */
export function parsePartitions(text: string): number[] | undefined {
  const out = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 100_000) return undefined;
    for (let p = from; p <= to; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * `string`, `string(base64)`, `json`, `double`..., `avro(file.avsc)`, `avro(subject:orders-value)`,
 * `protobuf(file.proto:acme.Order)`, `protobuf(subject:name)`, `json-schema(file.schema.json)`,
 * `json-schema(subject:name)`, `none`.
 */
export function parseFormat(text: string, allowNone: boolean): FormatChoice | string {
  const t = text.trim();
  const m = /^([a-z][a-z-]*)\s*(?:\((.*)\))?$/.exec(t);
  const kinds = `string, string(encoding), json, ${NUMBER_FORMATS.join(', ')}, avro(file.avsc), avro(subject:name), protobuf(file.proto:Message), protobuf(subject:name), json-schema(file.schema.json), json-schema(subject:name)${allowNone ? ', none' : ''}`;
  if (!m) return `"${t}" is not a format: use ${kinds}.`;
  const [, name, arg] = m;
  if (name === 'none' && allowNone && arg === undefined) return { kind: 'none' };
  if (name === 'json' && arg === undefined) return { kind: 'json' };
  if ((NUMBER_FORMATS as readonly string[]).includes(name) && arg === undefined) return { kind: name as NumberFormat };
  if (name === 'string') {
    if (arg === undefined || arg.trim() === '') return { kind: 'string' };
    const enc = arg.trim().toLowerCase();
    if (!(STRING_ENCODINGS as readonly string[]).includes(enc)) return `Unknown string encoding "${arg.trim()}": use one of ${STRING_ENCODINGS.join(', ')}.`;
    // Node's aliases, as the original passes the name to Buffer: one name each here.
    const alias: Record<string, string> = { binary: 'latin1', ucs2: 'utf16le', 'ucs-2': 'utf16le', 'utf-16le': 'utf16le' };
    return enc === 'utf8' || enc === 'utf-8' ? { kind: 'string' } : { kind: 'string', encoding: alias[enc] ?? enc };
  }
  if (name === 'avro') {
    const a = (arg ?? '').trim();
    if (a === '') return 'avro needs a schema: avro(path/to/schema.avsc) or avro(subject:<registry subject>).';
    const subject = /^subject\s*:\s*(.+)$/.exec(a);
    if (subject) return { kind: 'avro', subject: subject[1].trim() };
    return { kind: 'avro', schemaFile: a };
  }
  if (name === 'protobuf' || name === 'json-schema') {
    const a = (arg ?? '').trim();
    const example = name === 'protobuf' ? 'protobuf(path/to/file.proto:package.Message)' : 'json-schema(path/to/file.schema.json)';
    if (a === '') return `${name} needs a schema: ${example} or ${name}(subject:<registry subject>).`;
    const subject = /^subject\s*:\s*(.+)$/.exec(a);
    if (name === 'json-schema') return subject ? { kind: 'jsonschema', subject: subject[1].trim() } : { kind: 'jsonschema', schemaFile: a };
    if (subject) return { kind: 'protobuf', subject: subject[1].trim() };
    // The message follows the last colon when it is a (dotted) name: `file:///a/b.proto` has none.
    const at = a.lastIndexOf(':');
    const message = at > 0 ? a.slice(at + 1).trim() : '';
    if (/^[A-Za-z_][\w.]*$/.test(message)) return { kind: 'protobuf', schemaFile: a.slice(0, at).trim(), messageType: message };
    return { kind: 'protobuf', schemaFile: a };
  }
  return `Unknown format "${t}": use ${kinds}.`;
}

/** Where offset `offset` of a template that starts at `start` lies in the file. */
function positionIn(source: string, start: FileRange['start'], offset: number): FileRange['start'] {
  const before = source.slice(0, offset).split('\n');
  return before.length === 1 ? { line: start.line, character: start.character + offset } : { line: start.line + before.length - 1, character: before[before.length - 1].length };
}

function templateProblems(problems: TemplateProblem[], source: string, start: FileRange['start'], out: Problems): void {
  for (const p of problems) out.error({ start: positionIn(source, start, p.offset), end: positionIn(source, start, p.offset + p.length) }, p.message);
}

function lastOf(block: KafkaBlock, name: string): BlockProperty | undefined {
  const all = block.properties.filter((p) => p.name === name);
  return all[all.length - 1];
}

function duplicates(block: KafkaBlock, out: Problems): void {
  const seen = new Set<string>();
  for (const p of [...block.properties].reverse()) {
    if (seen.has(p.name)) out.warn(p.nameRange, `"${p.name}" is set again further down; the last one is used.`);
    seen.add(p.name);
  }
}

function headerRange(block: KafkaBlock): FileRange {
  return { start: { line: block.headerLine, character: 0 }, end: { line: block.headerLine, character: 'PRODUCER'.length } };
}

function oneOf<T extends string>(p: BlockProperty | undefined, values: readonly T[], out: Problems, map: Record<string, T> = {}): T | undefined {
  if (!p) return undefined;
  const v = map[p.value] ?? (values as readonly string[]).find((x) => x === p.value);
  if (v === undefined) out.error(p.valueRange, `"${p.value}" is not a valid ${p.name}: use ${[...new Set([...Object.keys(map), ...values])].join(', ')}.`);
  return v as T | undefined;
}

function format(block: KafkaBlock, name: 'key-format' | 'value-format', out: Problems): FormatChoice {
  const p = lastOf(block, name);
  if (!p) return { kind: 'string' };
  // `none` on a producer: no key, or a null value (a tombstone); on a consumer: not shown.
  const f = parseFormat(p.value, true);
  if (typeof f === 'string') {
    out.error(p.valueRange, f);
    return { kind: 'string' };
  }
  return f;
}

/** `text` split at `separator`, except inside `{{…}}` (a faker call's arguments may hold commas). */
export function splitOutsideTemplates(text: string, separator: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const close = text.indexOf('}}', i + 2);
      if (close >= 0) {
        i = close + 2;
        continue;
      }
    }
    if (text[i] === separator) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  out.push(text.slice(start));
  return out;
}

/** Headers `a=1, b=2`: names and values trimmed; the value may hold templates (and commas inside them). */
export function parseHeaders(text: string): [string, string][] | string {
  const out: [string, string][] = [];
  for (const part of splitOutsideTemplates(text, ',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return `"${part.trim()}" is not name=value: write headers as name=value pairs separated by commas.`;
    out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out;
}

export function checkProducer(block: ProducerBlock): Checked<ProducerDefinition> {
  const out = new Problems();
  duplicates(block, out);
  const topic = lastOf(block, 'topic');
  if (!topic || topic.value === '') out.error(topic?.nameRange ?? headerRange(block), 'A PRODUCER needs "topic: <name>".');
  const keyFormat = format(block, 'key-format', out);
  const valueFormat = format(block, 'value-format', out);

  const templates: Partial<RecordTemplates> = { headers: [] };
  const keyProp = lastOf(block, 'key');
  if (keyProp) {
    const c = compileRecordTemplate(keyProp.value);
    templateProblems(c.problems, keyProp.value, keyProp.valueRange.start, out);
    templates.key = c.template;
  }
  const headersProp = lastOf(block, 'headers');
  if (headersProp) {
    const parsed = parseHeaders(headersProp.value);
    if (typeof parsed === 'string') out.error(headersProp.valueRange, parsed);
    else {
      for (const [name, value] of parsed) {
        const c = compileRecordTemplate(value);
        const at = headersProp.value.indexOf(value, headersProp.value.indexOf(`${name}`));
        templateProblems(c.problems, value, { line: headersProp.valueRange.start.line, character: headersProp.valueRange.start.character + Math.max(0, at) }, out);
        if (c.template) templates.headers!.push([name, c.template]);
      }
    }
  }
  const value = block.value ?? '';
  if (valueFormat.kind === 'none') {
    if (block.valueRange) out.warn(block.valueRange, 'value-format: none sends a null value (a tombstone): this text is not sent.');
  } else if (block.value === undefined) out.warn(headerRange(block), 'This producer has no value: an empty value is sent. Write the value on the lines after the properties.');
  const compiledValue = compileRecordTemplate(value);
  if (block.valueRange) templateProblems(compiledValue.problems, value, block.valueRange.start, out);
  templates.value = compiledValue.template;

  const def: Partial<ProducerDefinition> = { name: block.label, topic: topic?.value ?? '', keyFormat, valueFormat };
  const every = lastOf(block, 'every');
  if (every) {
    const ms = parseDuration(every.value);
    if (ms === undefined || ms < 100) out.error(every.valueRange, `"${every.value}" is not an interval: write a number and a unit, e.g. 3s, 5m, 1h or 500ms (at least 100ms).`);
    else def.everyMs = ms;
  }
  const partition = lastOf(block, 'partition');
  if (partition) {
    if (partition.value === 'any' || partition.value === 'key') def.partition = partition.value;
    else if (/^\d+$/.test(partition.value)) def.partition = Number(partition.value);
    else out.error(partition.valueRange, `"${partition.value}" is not a partition: use any, key, or a partition number.`);
  }
  def.acks = oneOf(lastOf(block, 'acks'), ['all', '1', '0'] as const, out, { all: 'all', '-1': 'all', '1': '1', '0': '0' }) as ProducerDefinition['acks'] | undefined;
  if (def.acks !== undefined && def.acks !== 'all') def.acks = Number(def.acks) as 0 | 1;
  const idem = oneOf(lastOf(block, 'idempotent'), ['true', 'false'] as const, out);
  if (idem) def.idempotent = idem === 'true';
  def.compression = oneOf(lastOf(block, 'compression'), ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const, out);
  def.send = oneOf(lastOf(block, 'send'), ['synchronous', 'asynchronous', 'fire-and-forget'] as const, out, { sync: 'synchronous', async: 'asynchronous', 'fire-and-forget': 'fire-and-forget', synchronous: 'synchronous', asynchronous: 'asynchronous' });
  def.transaction = oneOf(lastOf(block, 'transaction'), ['commit', 'abort'] as const, out);
  const count = lastOf(block, 'count');
  if (count) {
    const n = Number(count.value);
    if (!/^\d+$/.test(count.value) || n < 1 || n > 1_000_000) out.error(count.valueRange, `"${count.value}" is not a count: use a whole number from 1 to 1000000.`);
    else def.count = n;
  }
  const timestamp = lastOf(block, 'timestamp');
  if (timestamp) {
    const parsed = parseRecordTimestamp(timestamp.value);
    if (parsed.ok) def.timestamp = timestamp.value.trim();
    else out.error(timestamp.valueRange, parsed.message);
  }
  if (def.transaction && (def.acks === 0 || def.acks === 1)) out.error(lastOf(block, 'acks')!.valueRange, 'A transaction needs acks: all.');
  if (def.transaction && def.send === 'fire-and-forget') out.error(lastOf(block, 'send')!.valueRange, 'A transaction needs send: sync or async (it commits only what the broker confirmed).');
  if (def.idempotent && (def.acks === 0 || def.acks === 1)) out.error(lastOf(block, 'acks')!.valueRange, 'An idempotent producer needs acks: all.');
  if (def.partition === 'key' && !keyProp) out.error(partition!.valueRange, 'partition: key needs a key: add "key: ...".');
  for (const k of Object.keys(def) as (keyof ProducerDefinition)[]) if (def[k] === undefined) delete def[k];
  if (out.failed || !templates.value) return { diagnostics: out.list };
  return { definition: { ...(def as ProducerDefinition), templates: templates as RecordTemplates }, diagnostics: out.list };
}

export function checkConsumer(block: ConsumerBlock): Checked<ConsumerDefinition> {
  const out = new Problems();
  duplicates(block, out);
  const topic = lastOf(block, 'topic');
  if (!topic || topic.value === '') out.error(topic?.nameRange ?? headerRange(block), 'A CONSUMER needs "topic: <name>".');
  const def: ConsumerDefinition = {
    topic: topic?.value ?? '',
    start: { kind: 'latest' },
    keyFormat: format(block, 'key-format', out),
    valueFormat: format(block, 'value-format', out),
  };
  if (block.label) {
    if (/\s/.test(block.label)) out.error(block.labelRange, `"${block.label}" is not a group id: group ids have no spaces.`);
    def.groupId = block.label;
  }
  const from = lastOf(block, 'from');
  if (from) {
    const v = from.value;
    if (v === 'earliest' || v === 'latest' || v === 'committed') def.start = { kind: v };
    else if (/^\d+$/.test(v)) def.start = { kind: 'offset', offset: v };
    else if (/^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(Date.parse(v))) def.start = { kind: 'timestamp', timestamp: Date.parse(v) };
    else out.error(from.valueRange, `"${v}" is not a start position: use earliest, latest, committed, an offset, or an ISO date and time (2024-05-01T12:00:00Z).`);
    if (v === 'committed' && !def.groupId) out.error(from.valueRange, 'from: committed needs a group id after CONSUMER.');
  }
  const partitions = lastOf(block, 'partitions');
  if (partitions) {
    const list = parsePartitions(partitions.value);
    if (!list) out.error(partitions.valueRange, `"${partitions.value}" is not a partition list: use 0, 0,1,2, 0-2 or 0,2-3.`);
    else def.partitions = list;
  }
  const isolation = oneOf(lastOf(block, 'isolation'), ['read_committed', 'read_uncommitted'] as const, out);
  if (isolation) def.isolation = isolation;
  const commit = oneOf(lastOf(block, 'commit'), ['auto', 'manual'] as const, out);
  if (commit) {
    def.commit = commit;
    if (!def.groupId) out.error(lastOf(block, 'commit')!.valueRange, 'commit needs a group id after CONSUMER.');
  }
  if (out.failed) return { diagnostics: out.list };
  return { definition: def, diagnostics: out.list };
}

/** Every diagnostic of a file: syntax and values. */
export function checkBlock(block: KafkaBlock): Checked<ProducerDefinition | ConsumerDefinition> {
  return block.kind === 'producer' ? checkProducer(block) : checkConsumer(block);
}
