/**
 * The record line format: one JSON object per line, written by export and read by Produce's record
 * files, so an exported record can be sent again byte for byte. Format "kafka-workbench record line"
 * (documented in README.md, "Record files"):
 *
 * ```json
 * {"topic":"orders","partition":0,"offset":"42","timestamp":"2024-05-01T12:00:00.000Z",
 *  "key":"k1","value":"{\"id\":9007199254740993}",
 *  "headers":[{"key":"trace","value":"abc"},{"key":"bin","value":"AP8=","encoding":"base64"},{"key":"empty","value":null}]}
 * ```
 *
 * - `key` / `value`: the bytes as a string: UTF-8 text as is, otherwise base64 with
 *   `"keyEncoding":"base64"` / `"valueEncoding":"base64"`; `null` for a null key or value.
 * - `headers`: an ordered list; repeats, null values and binary values (`"encoding":"base64"`) kept.
 * - `timestamp`: the record's CreateTime (ISO-8601 with milliseconds when written; epoch
 *   milliseconds as a number or a numeric string are also read). Produce sends it as the CreateTime.
 * - `topic`, `partition`, `offset`: where the record came from. Information only: Produce picks the
 *   partition itself unless asked to keep the file's partitions.
 */
import { isUtf8 } from 'node:buffer';
import type { DeserializerName } from './deserializers';
import type { TailRecord } from './tailRecord';

export type ByteEncoding = 'utf8' | 'base64';

export interface LineHeader {
  key: string;
  value: Buffer | null;
}

/** A record with its exact bytes: what a line holds. */
export interface LineRecord {
  topic?: string;
  partition?: number;
  offset?: string;
  /** CreateTime (or LogAppendTime) in epoch milliseconds; absent: none. */
  timestamp?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: LineHeader[];
}

export class RecordLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordLineError';
  }
}

/** Bytes as line text: UTF-8 when they are valid UTF-8, base64 otherwise. */
export function encodeBytes(bytes: Buffer): { text: string; encoding: ByteEncoding } {
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), encoding: 'utf8' } : { text: bytes.toString('base64'), encoding: 'base64' };
}

/** One line (no newline) for a record; keys in a fixed order so diffs of two exports line up. */
export function toRecordLine(r: LineRecord): string {
  const line: Record<string, unknown> = {};
  if (r.topic !== undefined) line.topic = r.topic;
  if (r.partition !== undefined) line.partition = r.partition;
  if (r.offset !== undefined) line.offset = r.offset;
  if (r.timestamp !== undefined && r.timestamp >= 0 && Number.isFinite(r.timestamp)) line.timestamp = new Date(r.timestamp).toISOString();
  if (r.key === null) line.key = null;
  else {
    const k = encodeBytes(r.key);
    line.key = k.text;
    if (k.encoding !== 'utf8') line.keyEncoding = k.encoding;
  }
  if (r.value === null) line.value = null;
  else {
    const v = encodeBytes(r.value);
    line.value = v.text;
    if (v.encoding !== 'utf8') line.valueEncoding = v.encoding;
  }
  line.headers = r.headers.map((h) => {
    if (h.value === null) return { key: h.key, value: null };
    const e = encodeBytes(h.value);
    return e.encoding === 'utf8' ? { key: h.key, value: e.text } : { key: h.key, value: e.text, encoding: e.encoding };
  });
  return JSON.stringify(line);
}

function decodeField(text: unknown, encoding: unknown, what: string, where: string): Buffer | null {
  if (text === null) return null;
  if (typeof text !== 'string') throw new RecordLineError(`${where}: "${what}" must be a string or null in a record line (binary as base64 with "${what}Encoding":"base64").`);
  const enc = encoding ?? 'utf8';
  if (enc === 'utf8') return Buffer.from(text, 'utf8');
  if (enc === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new RecordLineError(`${where}: "${what}" says base64 but is not base64 text.`);
    return Buffer.from(text, 'base64');
  }
  if (enc === 'hex') {
    if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new RecordLineError(`${where}: "${what}" says hex but is not an even number of hex digits.`);
    return Buffer.from(text, 'hex');
  }
  throw new RecordLineError(`${where}: unknown encoding ${JSON.stringify(enc)} for "${what}": use "utf8", "base64" or "hex".`);
}

/** Reads a timestamp given as epoch ms (number or numeric string) or ISO-8601 text. */
export function parseTimestamp(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v.trim())) return Number(v.trim());
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
      const ms = Date.parse(v);
      if (Number.isFinite(ms) && ms >= 0) return ms;
    }
  }
  throw new RecordLineError(`${where}: "timestamp" ${JSON.stringify(v)} is not a time: write epoch milliseconds (1714564800000) or ISO-8601 ("2024-05-01T12:00:00.000Z").`);
}

/** The header list of a line: an ordered list of {key, value, encoding?}. */
export function parseLineHeaders(v: unknown, where: string): LineHeader[] {
  if (!Array.isArray(v)) throw new RecordLineError(`${where}: "headers" must be a list of {"key": …, "value": …}.`);
  return v.map((h: unknown, n) => {
    if (!h || typeof h !== 'object' || Array.isArray(h) || typeof (h as { key?: unknown }).key !== 'string') {
      throw new RecordLineError(`${where}: header ${n + 1} must be an object {"key": "name", "value": "text" or null}.`);
    }
    const { key, value, encoding } = h as { key: string; value?: unknown; encoding?: unknown };
    return { key, value: decodeField(value ?? null, encoding, `headers[${n}].value`, where) };
  });
}

/** True when a parsed object is a record line (rather than the older Produce file forms). */
export function isRecordLine(o: Record<string, unknown>): boolean {
  return Array.isArray(o.headers) || 'keyEncoding' in o || 'valueEncoding' in o || ('offset' in o && 'topic' in o);
}

/**
 * A parsed line object as a record. Key and value must be strings (or null) here: the older form
 * with a JSON object as the value is read by the Produce loader (recordFile.ts).
 */
export function lineRecordOf(o: Record<string, unknown>, where: string): LineRecord {
  const out: LineRecord = {
    key: 'key' in o ? decodeField(o.key, o.keyEncoding, 'key', where) : null,
    value: decodeField(o.value ?? null, o.valueEncoding, 'value', where),
    headers: o.headers === undefined ? [] : parseLineHeaders(o.headers, where),
  };
  if (typeof o.topic === 'string') out.topic = o.topic;
  if (typeof o.partition === 'number') out.partition = o.partition;
  if (typeof o.offset === 'string' || typeof o.offset === 'number') out.offset = String(o.offset);
  if (o.timestamp !== undefined && o.timestamp !== null) out.timestamp = parseTimestamp(o.timestamp, where);
  return out;
}

/** Parses one record line (strict format); throws {@link RecordLineError} saying what to fix. */
export function parseRecordLine(text: string, where = 'line'): LineRecord {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new RecordLineError(`${where} is not valid JSON (${(e as Error).message}).`);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new RecordLineError(`${where}: a record line is a JSON object {"key": …, "value": …, "headers": […]}.`);
  return lineRecordOf(o as Record<string, unknown>, where);
}

// The viewer's buffer keeps decoded text, not bytes: the two functions below rebuild bytes where
// the text allows it (text formats as UTF-8; hex fallbacks back to their bytes). For a byte-exact
// export of anything (truncated, pretty-printed JSON, Avro), use exportRecords (export.ts), which
// reads the records back from Kafka.

export interface ExportFormats {
  keyFormat: DeserializerName;
  valueFormat: DeserializerName;
}

function bytesOfText(text: string | null, error: string | undefined, format: DeserializerName): Buffer | null {
  if (text === null) return null;
  if (error || format === 'hex') return Buffer.from(text, 'hex');
  if (format === 'base64') return Buffer.from(text, 'base64');
  return Buffer.from(text, 'utf8');
}

/** A buffered (decoded) record as a record line, rebuilding bytes from its text (see above). */
export function toJsonLine(topic: string, r: TailRecord, formats: ExportFormats): string {
  return toRecordLine({
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: bytesOfText(r.key, r.keyError, formats.keyFormat),
    value: bytesOfText(r.value, r.valueError, formats.valueFormat),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.error ? Buffer.from(h.value, 'hex') : Buffer.from(h.value, 'utf8') })),
  });
}

export function toJsonLines(topic: string, records: Iterable<TailRecord>, formats: ExportFormats): string {
  let out = '';
  for (const r of records) out += `${toJsonLine(topic, r, formats)}\n`;
  return out;
}
