/**
 * The produce form's settings → a PRODUCER block's settings ("Save as .kafka" on the form). The
 * form's templates (`{{i}}`, `{{uuid}}`, `{{random.int(1,9)}}`...) are .kafka templates too, so
 * key, headers and value are written as typed. Pure: no VS Code, so the core tests check it.
 */
import { DEFAULT_PRODUCER_SETTINGS } from '../../core/kafka/producer';
import { NUMBER_FORMATS, parseFormat, type FormatChoice } from '../../core/kafkaFile/definitions';
import type { ProducerBlockSettings } from '../../core/kafkaFile/writer';
import type { ProduceFormValues } from '../../../webview/src/produce/protocol';

type Result = { ok: true; settings: ProducerBlockSettings; notes: string[] } | { ok: false; message: string };

function formatOf(v: ProduceFormValues, role: 'key' | 'value'): FormatChoice | string {
  const name = role === 'key' ? v.keyFormat : v.valueFormat;
  if (name === 'none') return { kind: 'none' };
  if (name === 'avro' || name === 'protobuf' || name === 'jsonschema') {
    const kind = name as 'avro' | 'protobuf' | 'jsonschema';
    const what = { avro: 'Avro', protobuf: 'Protobuf', jsonschema: 'JSON Schema' }[kind];
    const source = role === 'key' ? v.keyAvroSource : v.avroSource;
    const encoding = role === 'key' ? v.keyAvroEncoding : v.avroEncoding;
    const messageType = (role === 'key' ? v.keyAvroMessageType : v.avroMessageType)?.trim() ?? '';
    if (source === 'registry') {
      const subject = (role === 'key' ? v.keyAvroSubject : v.avroSubject).trim();
      if (!subject) return `Pick the registry subject of the ${what} ${role} first.`;
      if (name === 'protobuf' && messageType) return `A .kafka file names a registry Protobuf schema by subject alone (its first message): clear the message type of the ${role} to save it.`;
      return { kind, subject };
    }
    const file = (role === 'key' ? v.keyAvroSchemaFile : v.avroSchemaFile).trim();
    if (!file) return `Choose the schema file of the ${what} ${role} first.`;
    if (encoding === 'confluent') return `A .kafka file writes a schema file's records without the registry's wire format, and registry records as ${name === 'jsonschema' ? 'json-schema' : name}(subject:…): pick the raw encoding or the registry subject for the ${role} to save it.`;
    return name === 'protobuf' ? { kind: 'protobuf', schemaFile: file, ...(messageType ? { messageType } : {}) } : { kind, schemaFile: file };
  }
  if (name === 'string' || name === 'json' || (NUMBER_FORMATS as readonly string[]).includes(name) || name.startsWith('string(')) {
    const parsed = parseFormat(name, true);
    if (typeof parsed !== 'string') return parsed;
  }
  return `The ${role} format "${name}" has no .kafka form yet: pick string, JSON, a number format, Avro, Protobuf or JSON Schema to save the form as a .kafka block.`;
}

/** The block settings the form describes, with notes on settings a .kafka block has no place for. */
export function blockSettingsFromForm(v: ProduceFormValues, name: string): Result {
  if (v.source === 'file') return { ok: false, message: 'The records come from a file: a .kafka block holds one record template. Switch Records to "template" to save it as .kafka.' };
  if (!v.topic.trim()) return { ok: false, message: 'The topic name is empty: enter or pick a topic first.' };
  const keyFormat = formatOf(v, 'key');
  if (typeof keyFormat === 'string') return { ok: false, message: keyFormat };
  const valueFormat = formatOf(v, 'value');
  if (typeof valueFormat === 'string') return { ok: false, message: valueFormat };
  const settings: ProducerBlockSettings = {
    name,
    topic: v.topic.trim(),
    keyFormat: keyFormat.kind === 'none' ? { kind: 'string' } : keyFormat,
    valueFormat,
    headers: v.headers.filter((h) => h.name.trim() !== '').map((h) => [h.name.trim(), h.value]),
    value: valueFormat.kind === 'none' ? '' : v.value,
  };
  if (keyFormat.kind !== 'none') settings.key = v.key;
  if (v.partitionMode === 'any') settings.partition = 'any';
  else if (v.partitionMode === 'key-hash') settings.partition = 'key';
  else if (v.partitionMode === 'explicit') {
    if (!/^\d+$/.test(v.partition.trim())) return { ok: false, message: `"${v.partition}" is not a partition number.` };
    settings.partition = Number(v.partition.trim());
  }
  const d = DEFAULT_PRODUCER_SETTINGS;
  const acks = v.acks === 'all' ? 'all' : (Number(v.acks) as 0 | 1);
  if (acks !== d.acks) settings.acks = acks;
  if (v.idempotent !== d.idempotent) settings.idempotent = v.idempotent;
  if (v.compression !== d.compression) settings.compression = v.compression as ProducerBlockSettings['compression'];
  if (v.sendStyle !== 'synchronous') settings.send = v.sendStyle;
  const count = Number(v.count.trim() || '1');
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) return { ok: false, message: 'Count must be a whole number from 1 to 1000000.' };
  if (count !== 1) settings.count = count;
  if (v.transaction !== 'none') settings.transaction = v.transaction;
  if (v.timestamp.trim()) settings.timestamp = v.timestamp.trim();
  const notes: string[] = [];
  const tuned = (
    [
      ['linger', v.lingerMs, d.lingerMs],
      ['batch size', v.batchSize, d.batchSize],
      ['max in-flight requests', v.maxInFlightRequests, d.maxInFlightRequests],
      ['request timeout', v.requestTimeoutMs, d.requestTimeoutMs],
      ['retries', v.retries, d.retries],
    ] as const
  ).filter(([, typed, def]) => typed.trim() !== String(def));
  if (tuned.length) notes.push(`Not in .kafka files (the defaults apply): ${tuned.map(([n]) => n).join(', ')}.`);
  if (v.replyTopic.trim()) notes.push('Request/reply is not in .kafka files: the block only sends.');
  return { ok: true, settings, notes };
}
