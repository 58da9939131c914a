/**
 * Between the Produce form (strings as typed) and the core's ProduceSpec: defaults, pre-filling
 * from a tree node or "Produce similar", and field-by-field errors.
 */
import { readFile } from 'node:fs/promises';
import { checkProducerSettings, DEFAULT_PRODUCER_SETTINGS, type Acks, type Compression, type ProducerSettings } from '../../core/kafka/producer';
import { parseRecordTimestamp, type ProduceSpec } from '../../core/produce/produceService';
import { parseRecordFile, RecordFileError } from '../../core/produce/recordFile';
import type { FieldErrors, ProduceFormValues } from '../../../webview/src/produce/protocol';
import { topicTargetOf } from '../explorer/targets';
import { setAvroChoiceInForm, type AvroValueChoice } from './avroValue';
import type { JsonSchemaValueChoice, ProtobufValueChoice } from './schemaFormatValue';
import { setSchemaChoiceInForm } from './schemaFormatForm';

/** What "Produce similar" and scripts pass to kafkaWorkbench.produceMessage to pre-fill the form. */
export interface ProducePrefill {
  connectionName: string;
  topic: string;
  partition?: number;
  key?: string | null;
  value?: string | null;
  /** A record of names to values; a list of { key, value } is accepted too. */
  headers?: Record<string, string> | { key: string; value: string | null }[];
  /** The key or value is Avro in the JSON form, produced with this schema and encoding. */
  keyAvro?: AvroValueChoice;
  valueAvro?: AvroValueChoice;
  /** The same for Protobuf and JSON Schema keys and values. */
  keyProtobuf?: ProtobufValueChoice;
  valueProtobuf?: ProtobufValueChoice;
  keyJsonSchema?: JsonSchemaValueChoice;
  valueJsonSchema?: JsonSchemaValueChoice;
}

export function defaultFormValues(connection = ''): ProduceFormValues {
  const s = DEFAULT_PRODUCER_SETTINGS;
  return {
    connection,
    topic: '',
    keyFormat: 'string',
    key: '',
    valueFormat: 'string',
    value: '',
    avroSource: 'file',
    avroSchemaFile: '',
    avroSubject: '',
    avroEncoding: 'raw',
    avroStrategy: 'TopicNameStrategy',
    avroAutoRegister: true,
    avroMessageType: '',
    keyAvroSource: 'file',
    keyAvroSchemaFile: '',
    keyAvroSubject: '',
    keyAvroEncoding: 'raw',
    keyAvroStrategy: 'TopicNameStrategy',
    keyAvroAutoRegister: true,
    keyAvroMessageType: '',
    headers: [],
    partitionMode: 'default',
    partition: '0',
    source: 'template',
    count: '1',
    recordsFile: '',
    sendStyle: 'synchronous',
    transaction: 'none',
    acks: s.acks === 'all' ? 'all' : s.acks === 1 ? '1' : '0',
    idempotent: s.idempotent,
    maxInFlightRequests: String(s.maxInFlightRequests),
    compression: s.compression,
    lingerMs: String(s.lingerMs),
    batchSize: String(s.batchSize),
    requestTimeoutMs: String(s.requestTimeoutMs),
    retries: String(s.retries),
    replyTopic: '',
    replyTimeoutMs: '10000',
    timestamp: '',
  };
}

/** Form values for a command argument: nothing, a tree node, a TopicTarget, or a {@link ProducePrefill}. */
export function formValuesFor(arg: unknown, fallbackConnection: string): ProduceFormValues {
  const target = topicTargetOf(arg);
  const values = defaultFormValues(target?.connectionName ?? fallbackConnection);
  if (!target) return values;
  values.topic = target.topic;
  if (target.partition !== undefined) {
    values.partitionMode = 'explicit';
    values.partition = String(target.partition);
  }
  const p = arg as Partial<ProducePrefill>;
  if (p.key === null) values.keyFormat = 'none';
  else if (typeof p.key === 'string') {
    values.key = p.key;
    values.keyFormat = p.keyAvro ? 'avro' : p.keyProtobuf ? 'protobuf' : p.keyJsonSchema ? 'jsonschema' : looksLikeJson(p.key) ? 'json' : 'string';
    if (p.keyAvro) setAvroChoiceInForm(values, 'key', p.keyAvro);
    else if (p.keyProtobuf) setSchemaChoiceInForm(values, 'key', p.keyProtobuf);
    else if (p.keyJsonSchema) setSchemaChoiceInForm(values, 'key', p.keyJsonSchema);
  }
  if (p.value === null) values.valueFormat = 'none';
  else if (typeof p.value === 'string') {
    values.value = p.value;
    values.valueFormat = p.valueAvro ? 'avro' : p.valueProtobuf ? 'protobuf' : p.valueJsonSchema ? 'jsonschema' : looksLikeJson(p.value) ? 'json' : 'string';
    if (p.valueAvro) setAvroChoiceInForm(values, 'value', p.valueAvro);
    else if (p.valueProtobuf) setSchemaChoiceInForm(values, 'value', p.valueProtobuf);
    else if (p.valueJsonSchema) setSchemaChoiceInForm(values, 'value', p.valueJsonSchema);
  }
  values.headers = headerRowsOf(p.headers);
  return values;
}

/** Headers as the contract says (a record of names to values), or as a list of {key, value} / {name, value}. */
function headerRowsOf(headers: unknown): { name: string; value: string }[] {
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  if (Array.isArray(headers)) {
    return headers
      .filter((h): h is { key?: unknown; name?: unknown; value?: unknown } => Boolean(h) && typeof h === 'object')
      .map((h) => ({ name: text(h.key ?? h.name), value: text(h.value) }));
  }
  if (headers && typeof headers === 'object') return Object.entries(headers).map(([name, value]) => ({ name, value: text(value) }));
  return [];
}

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function intField(errors: FieldErrors, field: keyof ProduceFormValues, text: string, what: string, min: number): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < min) {
    errors[field] = `${what} must be a whole number${min > 0 ? ` ≥ ${min}` : ' ≥ 0'}.`;
    return NaN;
  }
  return n;
}

const SETTING_FIELDS: Partial<Record<keyof ProducerSettings, keyof ProduceFormValues>> = {
  acks: 'acks',
  idempotent: 'idempotent',
  maxInFlightRequests: 'maxInFlightRequests',
  compression: 'compression',
  lingerMs: 'lingerMs',
  batchSize: 'batchSize',
  requestTimeoutMs: 'requestTimeoutMs',
  retries: 'retries',
};

/** Producer settings from the form, with each problem on its field. */
export function settingsFromForm(v: ProduceFormValues, errors: FieldErrors): ProducerSettings {
  const settings: ProducerSettings = {
    acks: (v.acks === 'all' ? 'all' : Number(v.acks)) as Acks,
    idempotent: v.idempotent,
    maxInFlightRequests: intField(errors, 'maxInFlightRequests', v.maxInFlightRequests, 'Max in-flight requests', 1),
    compression: v.compression as Compression,
    lingerMs: intField(errors, 'lingerMs', v.lingerMs, 'Linger', 0),
    batchSize: intField(errors, 'batchSize', v.batchSize, 'Batch size', 1),
    requestTimeoutMs: intField(errors, 'requestTimeoutMs', v.requestTimeoutMs, 'Request timeout', 1),
    retries: intField(errors, 'retries', v.retries, 'Retries', 0),
  };
  for (const problem of checkProducerSettings(settings)) {
    const field = SETTING_FIELDS[problem.field];
    if (field && !errors[field]) errors[field] = problem.message;
  }
  return settings;
}

export interface FormSpec {
  spec?: ProduceSpec;
  errors: FieldErrors;
  replyTopic?: string;
  replyTimeoutMs?: number;
}

/** The ProduceSpec the form describes, or the errors to show beside its fields. */
export async function specFromForm(v: ProduceFormValues): Promise<FormSpec> {
  const errors: FieldErrors = {};
  if (!v.connection) errors.connection = 'Pick a connection.';
  if (!v.topic.trim()) errors.topic = 'The topic name is empty: enter or pick a topic.';
  const settings = settingsFromForm(v, errors);
  let partition: number | undefined;
  if (v.partitionMode === 'explicit') partition = intField(errors, 'partition', v.partition, 'Partition', 0);
  const headers: Record<string, string> = {};
  for (const h of v.headers) {
    if (!h.name.trim() && !h.value) continue;
    if (!h.name.trim()) errors.headers = 'A header needs a name.';
    else headers[h.name.trim()] = h.value;
  }
  let records: ProduceSpec['records'];
  let count: number | undefined;
  if (v.source === 'file') {
    if (!v.recordsFile.trim()) errors.recordsFile = 'Choose a JSON or JSON Lines file.';
    else {
      try {
        records = parseRecordFile(await readFile(v.recordsFile.trim(), 'utf8'));
      } catch (e) {
        errors.recordsFile = e instanceof RecordFileError ? e.message : `Cannot read ${v.recordsFile}: ${(e as Error).message}`;
      }
    }
  } else {
    count = intField(errors, 'count', v.count, 'Count', 1);
  }
  let replyTopic: string | undefined;
  let replyTimeoutMs: number | undefined;
  if (v.replyTopic.trim()) {
    replyTopic = v.replyTopic.trim();
    replyTimeoutMs = intField(errors, 'replyTimeoutMs', v.replyTimeoutMs, 'Reply timeout', 1);
    if (count !== undefined && count !== 1) errors.count = 'Request/reply sends one record: set the count to 1.';
    if (v.sendStyle === 'fire-and-forget') errors.sendStyle = 'Request/reply waits for the answer: pick synchronous or asynchronous.';
  }
  let timestamp: string | undefined;
  if (v.timestamp.trim()) {
    const parsed = parseRecordTimestamp(v.timestamp);
    if (parsed.ok) timestamp = parsed.epochMs;
    else errors.timestamp = parsed.message;
  }
  if (v.transaction !== 'none' && settings.acks !== 'all') errors.acks = 'A transaction needs acks=all.';
  if (v.transaction !== 'none' && v.sendStyle === 'fire-and-forget') errors.sendStyle = 'A transaction waits for every answer before it commits: pick synchronous or asynchronous.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    replyTopic,
    replyTimeoutMs,
    spec: {
      topic: v.topic.trim(),
      keyFormat: v.keyFormat,
      valueFormat: v.valueFormat,
      key: v.keyFormat === 'none' ? undefined : v.key,
      value: v.value,
      headers: Object.keys(headers).length > 0 ? headers : undefined,
      count,
      records,
      partitionMode: v.partitionMode,
      partition,
      settings,
      sendStyle: v.sendStyle,
      transaction: v.transaction === 'none' ? undefined : v.transaction,
      timestamp,
    },
  };
}
