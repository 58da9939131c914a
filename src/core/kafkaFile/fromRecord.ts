/**
 * A consumed record → the settings of a PRODUCER block that sends it again ("Save as .kafka" on a
 * record in the viewer). Bytes are kept exactly: a key or value is written as text in the format the
 * viewer showed it in only when that format turns the text back into the same bytes; otherwise it
 * is written as base64 (`string(base64)`). Avro is the exception: written as its JSON with the same
 * schema choice, re-encoded when sent (the notes say so).
 */
import { isUtf8 } from 'node:buffer';
import '../produce/numberSerializers';
import { serializerFor } from '../produce/serializers';
import { NUMBER_FORMATS, type FormatChoice } from './definitions';
import { literalTemplate, type ProducerBlockSettings } from './writer';

export interface RecordPartInput {
  bytes: Buffer | null;
  /** The viewer's deserializer for this part: string, json, hex, base64, avro, long... */
  viewerFormat: string;
  /** The text the viewer decoded (for Avro: its JSON); undefined when it could not decode. */
  decoded?: string;
  /** For an Avro part: how the block names its schema (a file or a registry subject). */
  avro?: Extract<FormatChoice, { kind: 'avro' }>;
}

export interface RecordInput {
  name: string;
  topic: string;
  partition?: number;
  key: RecordPartInput;
  value: RecordPartInput;
  headers: { key: string; value: Buffer | null }[];
}

function sameBytes(format: string, text: string, bytes: Buffer): boolean {
  try {
    const out = serializerFor(format).serialize(text);
    return out !== null && out.equals(bytes);
  } catch {
    return false;
  }
}

/** How one part is written: its format and template source, and a note when it is not as shown. */
export function partFor(part: RecordPartInput, role: 'key' | 'value'): { format: FormatChoice; source?: string; note?: string } {
  if (part.bytes === null) return { format: role === 'key' ? { kind: 'string' } : { kind: 'none' } };
  const bytes = part.bytes;
  if (part.viewerFormat === 'avro' && part.avro && part.decoded !== undefined) {
    return { format: part.avro, source: literalTemplate(part.decoded), note: `The ${role} is Avro, written as its JSON: it is encoded again when sent.` };
  }
  const asText = isUtf8(bytes) ? bytes.toString('utf8') : undefined;
  if (asText !== undefined && ['string', 'json', 'avro'].includes(part.viewerFormat)) {
    // JSON only when it is JSON (the json format refuses anything else); the text is the bytes either way.
    const json = part.viewerFormat === 'json' && sameBytes('json', asText, bytes);
    return { format: json ? { kind: 'json' } : { kind: 'string' }, source: literalTemplate(asText) };
  }
  if ((NUMBER_FORMATS as readonly string[]).includes(part.viewerFormat) && part.decoded !== undefined && sameBytes(part.viewerFormat, part.decoded, bytes)) {
    return { format: { kind: part.viewerFormat as (typeof NUMBER_FORMATS)[number] }, source: part.decoded };
  }
  if (part.viewerFormat === 'hex') return { format: { kind: 'string', encoding: 'hex' }, source: bytes.toString('hex') };
  const why = asText === undefined ? 'is not UTF-8 text' : `was shown as ${part.viewerFormat}`;
  return { format: { kind: 'string', encoding: 'base64' }, source: bytes.toString('base64'), note: part.viewerFormat === 'base64' ? undefined : `The ${role} ${why}: written as base64 (string(base64)) so the same bytes are sent.` };
}

/** The block settings for a record, and notes on what is not written as the viewer showed it. */
export function blockSettingsForRecord(r: RecordInput): { settings: ProducerBlockSettings; notes: string[] } {
  const notes: string[] = [];
  const key = partFor(r.key, 'key');
  const value = partFor(r.value, 'value');
  for (const n of [key.note, value.note]) if (n) notes.push(n);
  const headers: [string, string][] = [];
  for (const h of r.headers) {
    if (h.value !== null && !isUtf8(h.value)) {
      notes.push(`The header "${h.key}" is left out: its value is not UTF-8 text, and .kafka headers are text.`);
      continue;
    }
    headers.push([h.key, literalTemplate(h.value === null ? '' : h.value.toString('utf8'))]);
    if (h.value === null) notes.push(`The header "${h.key}" had a null value: it is written empty.`);
  }
  if (new Set(r.headers.map((h) => h.key)).size < r.headers.length) notes.push('Header names repeat: a .kafka producer sends each name once (the last value).');
  const settings: ProducerBlockSettings = {
    name: r.name,
    topic: r.topic,
    keyFormat: key.format,
    valueFormat: value.format,
    headers,
    value: value.source ?? '',
  };
  if (key.source !== undefined) settings.key = key.source;
  if (r.partition !== undefined) settings.partition = r.partition;
  return { settings, notes };
}
