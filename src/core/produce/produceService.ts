/**
 * One "Produce" from the form, the command or a script: checks everything that can be checked
 * before a byte is sent (topic, partition range, JSON, settings, record size), then sends in the
 * chosen style and gives every record exactly one report.
 */
import type { KafkaClient } from '../kafka/client';
import { KafkaWorkbenchError } from '../kafka/errors';
import { partitionForKey, RoundRobin } from '../kafka/partitioner';
import { randomUUID } from 'node:crypto';
import {
  checkProducerSettings,
  listenForReply,
  describeTopicForProduce,
  newTransactionalId,
  RecordProducer,
  recordSize,
  type DeliveryError,
  type DeliveryReport,
  type DeliverySink,
  type OutgoingRecord,
  type OutgoingHeaders,
  type ProducerSettings,
  type ReplyRecord,
  type TopicInfo,
} from '../kafka/producer';
import type { RecordInput } from './recordFile';
import type { LineHeader } from '../consume/jsonLines';
import { compileTemplate, TemplateError, type CompiledTemplate } from './template';
import { SerializationError, serializerFor, type KeyFormat, type Serializer, type ValueFormat } from './serializers';
// Registers the 'avro', 'protobuf' and 'jsonschema' formats with the serializers.
import './avroSerializer';
import './protobufSerializer';
import './jsonSchemaSerializer';

/**
 * 'default' is the Java client's (and Spring's, and librdkafka's consistent_random): the key's
 * murmur2 hash when the record has a key, otherwise spread over the partitions. 'any' spreads even
 * keyed records; 'key-hash' refuses a record without a key.
 */
export type PartitionMode = 'default' | 'any' | 'key-hash' | 'explicit';
export type SendStyle = 'fire-and-forget' | 'synchronous' | 'asynchronous';

export interface ProduceSpec {
  topic: string;
  keyFormat: KeyFormat;
  valueFormat: ValueFormat;
  /** Avro schema text, for an Avro value. */
  schema?: string;
  /** Avro in the Confluent wire format: the registry's id of `schema` (resolved before sending); raw Avro without it. */
  schemaId?: number;
  /** The same two for an Avro key. */
  keySchema?: string;
  keySchemaId?: number;
  /** Key, value and header values are templates ({{i}}, {{uuid}}...) rendered for each record. */
  key?: string;
  value: string;
  headers?: Record<string, string>;
  /** Number of records rendered from the templates; 1 by default. Ignored when `records` is given. */
  count?: number;
  /** Records loaded from a JSON / JSON Lines file instead of the templates. */
  records?: RecordInput[];
  partitionMode: PartitionMode;
  /** For 'explicit'. */
  partition?: number;
  settings: ProducerSettings;
  sendStyle: SendStyle;
  /** Send all records in one transaction, then commit or abort it. */
  transaction?: 'commit' | 'abort';
  /** Every record's CreateTime, epoch ms as text (see {@link parseRecordTimestamp}); now when absent. */
  timestamp?: string;
}

/**
 * A CreateTime typed by the user: epoch milliseconds, or an ISO-8601 date-time
 * (`2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.123+02:00`; a time without an offset is UTC).
 * Returns the epoch ms as text, or a message saying what is accepted.
 */
export function parseRecordTimestamp(text: string): { ok: true; epochMs: string } | { ok: false; message: string } {
  const t = text.trim();
  const bad = { ok: false as const, message: `"${t}" is not a timestamp: use epoch milliseconds (1714564800000) or ISO-8601 (2024-05-01T12:00:00Z).` };
  if (/^\d{1,15}$/.test(t)) return { ok: true, epochMs: String(Number(t)) };
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(t)) return bad;
  const iso = t.replace(' ', 'T');
  const ms = Date.parse(/T/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? `${iso}Z` : iso);
  return Number.isFinite(ms) && ms >= 0 ? { ok: true, epochMs: String(ms) } : bad;
}

/** A report with the record's place in the run and what it carried, for the delivery log. */
export type RecordReport = DeliveryReport & { seq: number; key: string | null; value: string | null };

export interface ProduceProgress {
  total: number;
  handedOver: number;
  delivered: number;
  failed: number;
  /** Reports per second since the start. */
  recordsPerSecond: number;
  elapsedMs: number;
}

export interface ProduceOutcome {
  topic: string;
  sendStyle: SendStyle;
  total: number;
  delivered: number;
  /** acks=0 records: sent, with no answer from the broker. */
  unacknowledged: number;
  /** Fire-and-forget records: handed over and not followed. */
  notAwaited: number;
  failed: number;
  /** Of the failed: records never handed to the producer (cancelled, or stopped after the broker went away). */
  notSent: number;
  cancelled: boolean;
  elapsedMs: number;
  /** Records the producer sent and got an answer for, per second (unsent ones do not count). */
  recordsPerSecond: number;
  /** The first `keepReports` reports, in record order. */
  reports: RecordReport[];
  transactionalId?: string;
  transactionOutcome?: 'committed' | 'aborted';
  /** Things the user should know that are not errors (e.g. a capped batch size). */
  notes: string[];
  /** Produce requests sent, and the most one partition had in flight at once (batching and pipelining achieved). */
  requests?: number;
  peakPartitionInFlight?: number;
}

export interface ProduceHooks {
  onReport?(report: RecordReport): void;
  onProgress?(progress: ProduceProgress): void;
  /** Fire-and-forget: a failure nobody waited for, logged so it is not lost without trace. */
  onUnawaitedFailure?(report: RecordReport): void;
  signal?: AbortSignal;
  /** How many reports the outcome keeps (default 10,000); the hooks see all of them. */
  keepReports?: number;
  progressIntervalMs?: number;
}

interface RecordSource {
  total: number;
  /**
   * Record i's texts. A record file's timestamp is epoch ms; the form's is text (ISO-8601 or epoch
   * ms). The object may be reused by the next call (templates fill one in place, a bulk send of
   * millions allocating nothing for it): copy what must outlive the record's hand-over.
   */
  at(i: number): Omit<RecordInput, 'key' | 'timestamp'> & { key: string | null; timestamp?: string | number };
}

export interface PreparedProduce {
  spec: ProduceSpec;
  topic: TopicInfo;
  total: number;
  notes: string[];
  /** Where the first record goes: shown in the form before sending. */
  firstPartition: number | 'any';
}

function templateSource(spec: ProduceSpec, compile: (s: string) => CompiledTemplate): RecordSource {
  const key = spec.keyFormat === 'none' || spec.key === undefined ? undefined : compile(spec.key);
  const value = spec.valueFormat === 'none' ? undefined : compile(spec.value);
  const headers = Object.entries(spec.headers ?? {}).map(([k, v]) => [k, compile(v)] as const);
  const total = spec.count ?? 1;
  const constantHeaders = headers.every(([, t]) => t.constant) ? Object.fromEntries(headers.map(([k, t]) => [k, t.source])) : undefined;
  const scratch: ReturnType<RecordSource['at']> = { key: null, value: null, headers: undefined, timestamp: spec.timestamp };
  return {
    total,
    at: (i) => {
      scratch.key = key ? key.render(i) : null;
      scratch.value = value ? value.render(i) : null;
      scratch.headers = headers.length === 0 ? undefined : (constantHeaders ?? Object.fromEntries(headers.map(([k, t]) => [k, t.render(i)])));
      return scratch;
    },
  };
}

function sourceOf(spec: ProduceSpec): RecordSource {
  if (spec.records) {
    const records = spec.records;
    // A file record's own `timestamp` wins over the form's.
    return { total: records.length, at: (i) => ({ ...records[i], key: records[i].key ?? null, timestamp: records[i].timestamp ?? spec.timestamp }) };
  }
  return templateSource(spec, (s) => {
    try {
      return compileTemplate(s);
    } catch (e) {
      if (e instanceof TemplateError) throw new KafkaWorkbenchError(e.message, 'invalid-input');
      throw e;
    }
  });
}

const EMPTY = Buffer.alloc(0);

/**
 * An ordered header list in kafkajs' shape (one key, its values in order). Repeats of a name stay
 * in order; names interleaved with others (a, b, a) are grouped by first appearance (a, a, b):
 * kafkajs writes headers name by name.
 */
function headerObject(list: readonly LineHeader[]): OutgoingHeaders {
  const out: OutgoingHeaders = {};
  for (const h of list) {
    // kafkajs 2.2.4 cannot write a null header value (its size computation calls
    // Buffer.byteLength(null) and throws), so a null header is sent as an empty value.
    const value = h.value ?? EMPTY;
    const prev = out[h.key];
    if (prev === undefined) out[h.key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[h.key] = [prev, value];
  }
  return out;
}

function partitionRangeText(topic: TopicInfo): string {
  return topic.partitions === 1 ? 'valid: 0' : `valid: 0 to ${topic.partitions - 1}`;
}

/** Turns one record's text into bytes and a partition, or says why it cannot be sent. */
class RecordBuilder {
  private readonly keySer: Serializer;
  private readonly valueSer: Serializer;
  private readonly rr = new RoundRobin();

  constructor(
    private readonly spec: ProduceSpec,
    private readonly topic: TopicInfo,
  ) {
    this.keySer = serializerFor(spec.keyFormat, { schema: spec.keySchema, schemaId: spec.keySchemaId });
    this.valueSer = serializerFor(spec.valueFormat, { schema: spec.schema, schemaId: spec.schemaId });
  }

  // The same text (a constant template) is serialized once; kafkajs only reads the buffers.
  private lastKey: [string, Buffer | null] | undefined;
  private lastValue: [string, Buffer | null] | undefined;

  build(input: ReturnType<RecordSource['at']>, seq: number): OutgoingRecord | DeliveryError {
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      // Record lines carry exact bytes: sent as they are, not through the serializer.
      if (input.keyBytes !== undefined) key = input.keyBytes;
      else if (input.key === null) key = null;
      else if (this.lastKey?.[0] === input.key) key = this.lastKey[1];
      else this.lastKey = [input.key, (key = this.keySer.serialize(input.key))];
      if (input.valueBytes !== undefined) value = input.valueBytes;
      else if (input.value === null) value = null;
      else if (this.lastValue?.[0] === input.value) value = this.lastValue[1];
      else this.lastValue = [input.value, (value = this.valueSer.serialize(input.value))];
    } catch (e) {
      if (e instanceof SerializationError) {
        const which = input.key !== null && e.message && this.keyFails(input.key) ? 'key' : 'value';
        return { name: 'SERIALIZATION_ERROR', message: `Record ${seq}: the ${which} is ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`, hint: `Fix the ${which} (or pick the string format).`, mayBeWritten: false };
      }
      throw e;
    }
    const partition = this.partitionOf(key, input.partition);
    if (typeof partition !== 'number') return partition;
    let timestamp: number | undefined;
    if (input.timestamp !== undefined) {
      if (this.topic.timestampType === 'LogAppendTime') {
        return {
          name: 'TIMESTAMP_IGNORED',
          message: `Record ${seq} has a timestamp, but topic "${this.topic.name}" uses LogAppendTime (message.timestamp.type): the broker would replace it with its own clock. Not sent.`,
          hint: 'Remove the timestamp, or set the topic\'s message.timestamp.type to CreateTime.',
          mayBeWritten: false,
        };
      }
      const parsed = parseRecordTimestamp(String(input.timestamp));
      if (!parsed.ok) return { name: 'INVALID_TIMESTAMP', message: `Record ${seq}: ${parsed.message} Not sent.`, hint: 'Fix the timestamp.', mayBeWritten: false };
      timestamp = Number(parsed.epochMs);
    }
    const record: OutgoingRecord = { topic: this.topic.name, partition, key, value, headers: input.headerList ? headerObject(input.headerList) : input.headers, timestamp };
    const size = recordSize(record);
    if (size > this.topic.maxMessageBytes) {
      return {
        name: 'MESSAGE_TOO_LARGE',
        message: `Record ${seq} is about ${size} bytes; topic "${this.topic.name}" accepts at most ${this.topic.maxMessageBytes} (max.message.bytes). Not sent.`,
        hint: "Make the record smaller, or raise the topic's max.message.bytes.",
        mayBeWritten: false,
      };
    }
    return record;
  }

  private keyFails(key: string): boolean {
    try {
      this.keySer.serialize(key);
      return false;
    } catch {
      return true;
    }
  }

  private partitionOf(key: Buffer | null, fromFile: number | undefined): number | DeliveryError {
    const n = this.topic.partitions;
    const explicit = fromFile ?? (this.spec.partitionMode === 'explicit' ? this.spec.partition : undefined);
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < 0 || explicit >= n) {
        return {
          name: 'PARTITION_OUT_OF_RANGE',
          message: `Partition ${explicit} does not exist: topic "${this.topic.name}" has ${n} partition${n === 1 ? '' : 's'} (${partitionRangeText(this.topic)}). Not sent.`,
          hint: `Pick a partition in the range, or "any".`,
          mayBeWritten: false,
        };
      }
      return explicit;
    }
    if (this.spec.partitionMode === 'default' && key !== null) return partitionForKey(key, n);
    if (this.spec.partitionMode === 'key-hash') {
      if (key === null) {
        return { name: 'KEY_REQUIRED', message: 'Partition by key hash needs a key; this record has none. Not sent.', hint: 'Enter a key, or choose partition "any".', mayBeWritten: false };
      }
      return partitionForKey(key, n);
    }
    return this.rr.pick(n);
  }
}

/**
 * Checks a produce before sending anything: topic exists (never auto-created), settings agree, the
 * first record serializes and fits, its partition is in range. Throws a {@link KafkaWorkbenchError}
 * whose message says what to fix.
 */
export async function prepareProduce(client: KafkaClient, spec: ProduceSpec): Promise<PreparedProduce> {
  if (!spec.topic || !spec.topic.trim()) throw new KafkaWorkbenchError('The topic name is empty: enter or pick a topic.', 'invalid-input');
  const problems = checkProducerSettings(spec.settings);
  if (problems.length > 0) throw new KafkaWorkbenchError(problems.map((p) => p.message).join(' '), 'invalid-input');
  if (spec.transaction && (spec.sendStyle === 'fire-and-forget' || spec.settings.acks !== 'all')) {
    throw new KafkaWorkbenchError(
      'A transaction needs acks=all and a send style that waits for the answers (synchronous or asynchronous): it can only commit what the broker confirmed.',
      'invalid-input',
    );
  }
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 100_000_000)) {
    throw new KafkaWorkbenchError(`The record count must be a whole number from 1 to 100,000,000 (got ${spec.count}).`, 'invalid-input');
  }
  if (spec.partitionMode === 'explicit' && spec.partition === undefined) {
    throw new KafkaWorkbenchError('Enter the partition number, or choose "Default" (key hash, otherwise spread).', 'invalid-input');
  }
  const source = sourceOf(spec);
  if (source.total === 0) throw new KafkaWorkbenchError('There are no records to send.', 'invalid-input');
  const topic = await describeTopicForProduce(client, spec.topic.trim());
  let builder: RecordBuilder;
  try {
    builder = new RecordBuilder({ ...spec, topic: topic.name }, topic);
  } catch (e) {
    if (e instanceof SerializationError) throw new KafkaWorkbenchError(e.message, 'invalid-input');
    throw e;
  }
  const first = builder.build(source.at(0), 0);
  if (!('topic' in first)) throw new KafkaWorkbenchError(first.message, 'invalid-input', first.name);
  const notes: string[] = [];
  if (spec.settings.batchSize > topic.maxMessageBytes) {
    notes.push(`Batch size ${spec.settings.batchSize} is above the topic's max.message.bytes (${topic.maxMessageBytes}); batches are capped at ${topic.maxMessageBytes} bytes so the broker accepts them.`);
  }
  if (spec.settings.acks === 0) notes.push('acks=0: the broker answers nothing, so reports have no offset and failures on the broker side go unseen.');
  if (spec.sendStyle === 'fire-and-forget') notes.push('Fire-and-forget: records are handed to the producer and not followed; a delivery failure shows only in the log.');
  return {
    spec: { ...spec, topic: topic.name },
    topic,
    total: source.total,
    notes,
    firstPartition: (spec.partitionMode === 'any' || (spec.partitionMode === 'default' && first.key === null)) && source.at(0).partition === undefined ? 'any' : first.partition,
  };
}

function preview(text: string | null): string | null {
  return text === null ? null : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Runs a prepared produce; resolves when every record has its report (fire-and-forget: when all are handed over). */
export async function runProduce(client: KafkaClient, prepared: PreparedProduce, hooks: ProduceHooks = {}): Promise<ProduceOutcome> {
  const { spec, topic, total } = prepared;
  const keep = hooks.keepReports ?? 10_000;
  const source = sourceOf(spec);
  const builder = new RecordBuilder(spec, topic);
  const settings: ProducerSettings = { ...spec.settings, batchSize: Math.min(spec.settings.batchSize, topic.maxMessageBytes) };
  const transactionalId = spec.transaction ? newTransactionalId() : undefined;
  const producer = await RecordProducer.open(client, { settings, transactionalId });
  const started = performance.now();
  const reports: RecordReport[] = [];
  const counts = { handedOver: 0, delivered: 0, unacknowledged: 0, notAwaited: 0, failed: 0, notSent: 0 };
  let stopReason: DeliveryError | undefined;
  let cancelled = false;

  const progress = (): ProduceProgress => {
    const elapsedMs = performance.now() - started;
    const answered = counts.delivered + counts.unacknowledged + counts.notAwaited + counts.failed - counts.notSent;
    return { total, handedOver: counts.handedOver, delivered: counts.delivered + counts.unacknowledged + counts.notAwaited, failed: counts.failed, recordsPerSecond: elapsedMs > 0 ? Math.round((answered * 1000) / elapsedMs) : 0, elapsedMs: Math.round(elapsedMs) };
  };
  const ticker = hooks.onProgress ? setInterval(() => hooks.onProgress?.(progress()), hooks.progressIntervalMs ?? 250) : undefined;

  const wantsFull = Boolean(hooks.onReport);
  const record = (report: DeliveryReport, seq: number, input: { key: string | null; value: string | null }): void => {
    if (report.status === 'delivered') counts.delivered++;
    else if (report.status === 'unacknowledged') counts.unacknowledged++;
    else if (report.status === 'not-awaited') counts.notAwaited++;
    else {
      counts.failed++;
      if (report.partition === -1) counts.notSent++;
      // The broker is gone: later records would only wait out the same retries. Stop and say so.
      if (report.error.name === 'NETWORK_EXCEPTION' || report.error.name === 'REQUEST_TIMED_OUT') stopReason ??= report.error;
    }
    // Building the full report costs more than sending the record; only when someone reads it.
    if (seq >= keep && !wantsFull) return;
    const full = Object.assign(report, { seq, key: preview(input.key), value: preview(input.value) }) as RecordReport;
    if (seq < keep) reports[seq] = full;
    hooks.onReport?.(full);
  };
  const notSent = (seq: number, input: { key: string | null; value: string | null }, error: DeliveryError) =>
    record({ status: 'failed', topic: topic.name, partition: -1, timestamp: Date.now(), latencyMs: 0, error }, seq, input);

  // A counter rather than a promise per record: a million pending promises cost more than the sends.
  let outstanding = 0;
  let allReported: (() => void) | undefined;
  // One sink for the whole run, fanned out from each request's answer (no closure per record).
  // The record's texts ride along only when a report will show them.
  type Texts = { key: string | null; value: string | null };
  const NO_TEXTS: Texts = { key: null, value: null };
  const asynchronous: DeliverySink<Texts> = {
    report(r, seq, texts) {
      record(r, seq, texts);
      if (--outstanding === 0) allReported?.();
    },
  };
  // Records past `keep` whose report nobody reads: a success is only counted (no report object).
  const counted: DeliverySink<Texts> = {
    report: asynchronous.report,
    succeeded(status) {
      if (status === 'delivered') counts.delivered++;
      else counts.unacknowledged++;
      if (--outstanding === 0) allReported?.();
    },
  };
  const unawaited: DeliverySink<Texts> = {
    report(r, seq, texts) {
      if (r.status === 'failed') hooks.onUnawaitedFailure?.({ ...r, seq, key: preview(texts.key), value: preview(texts.value) });
    },
  };
  let transactionOutcome: ProduceOutcome['transactionOutcome'];
  try {
    if (transactionalId) await producer.beginTransaction();
    for (let seq = 0; seq < total; seq++) {
      const input = source.at(seq);
      if (hooks.signal?.aborted || stopReason) {
        cancelled = Boolean(hooks.signal?.aborted) && !stopReason;
        const error: DeliveryError = stopReason
          ? { name: 'NOT_SENT', message: `Not sent: the run stopped after ${stopReason.name} on an earlier record.`, hint: stopReason.hint, mayBeWritten: false }
          : { name: 'CANCELLED', message: 'Not sent: the run was cancelled.', hint: 'Send again to produce the rest.', mayBeWritten: false };
        // The rest are reported one by one but not rendered: rendering millions of unsent templates
        // would only delay the answer to Cancel.
        const unrendered = { key: null, value: null };
        for (let rest = seq; rest < total; rest++) notSent(rest, rest === seq ? input : unrendered, error);
        break;
      }
      // Let the event loop breathe (timers, UI messages) even when the producer never pushes back.
      if (seq % 2000 === 1999) await new Promise<void>((resolve) => setImmediate(resolve));
      const built = builder.build(input, seq);
      if (!('topic' in built)) {
        notSent(seq, input, built);
        continue;
      }
      counts.handedOver++;
      if (spec.sendStyle === 'synchronous') {
        const sending = producer.send(built);
        await producer.flush();
        record(await sending, seq, input);
      } else if (spec.sendStyle === 'asynchronous') {
        outstanding++;
        if (seq < keep || wantsFull) producer.enqueue(built, asynchronous, seq, { key: input.key, value: input.value });
        else producer.enqueue(built, counted, seq, NO_TEXTS);
        if (producer.saturated) await producer.waitForCapacity();
      } else {
        record({ status: 'not-awaited', topic: built.topic, partition: built.partition, timestamp: built.timestamp ?? Date.now(), latencyMs: 0 }, seq, input);
        producer.enqueue(built, unawaited, seq, { key: input.key, value: input.value });
        if (producer.saturated) await producer.waitForCapacity();
      }
    }
    if (spec.sendStyle === 'fire-and-forget') {
      // Handed over is all fire-and-forget promises; the producer closes once its queue is empty.
      void producer.close();
    } else {
      await producer.flush();
      if (outstanding > 0) await new Promise<void>((resolve) => (allReported = resolve));
      if (transactionalId) {
        const commit = spec.transaction === 'commit' && counts.failed === 0 && !cancelled;
        await producer.endTransaction(commit ? 'commit' : 'abort');
        transactionOutcome = commit ? 'committed' : 'aborted';
        if (spec.transaction === 'commit' && !commit) prepared.notes.push('The transaction was aborted instead of committed because a record failed or the run was cancelled.');
      }
      await producer.close();
    }
  } catch (e) {
    await producer.close().catch(() => undefined);
    throw e;
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const final = progress();
  hooks.onProgress?.(final);
  return {
    topic: topic.name,
    sendStyle: spec.sendStyle,
    total,
    ...counts,
    cancelled,
    elapsedMs: final.elapsedMs,
    recordsPerSecond: final.recordsPerSecond,
    reports,
    transactionalId,
    transactionOutcome,
    notes: prepared.notes,
    requests: producer.requestsSent,
    peakPartitionInFlight: producer.peakPartitionInFlight,
  };
}

/** Prepare and run in one go. */
export async function produce(client: KafkaClient, spec: ProduceSpec, hooks: ProduceHooks = {}): Promise<ProduceOutcome> {
  return runProduce(client, await prepareProduce(client, spec), hooks);
}

/** Where a key goes with the Java partitioner, for the form's preview; undefined without a key. */
export function previewKeyPartition(keyFormat: KeyFormat, key: string, partitions: number): number | undefined {
  if (keyFormat === 'none' || partitions < 1) return undefined;
  try {
    const bytes = serializerFor(keyFormat).serialize(key);
    return bytes ? partitionForKey(bytes, partitions) : undefined;
  } catch {
    return undefined;
  }
}

export const CORRELATION_HEADER = 'kafka_correlationId';
export const REPLY_TOPIC_HEADER = 'kafka_replyTopic';

export type ReplyOutcome =
  | { ok: true; correlationId: string; waitedMs: number; reply: ReplyRecord }
  | { ok: false; correlationId: string; waitedMs: number; message: string };

/**
 * Request/reply (seed 003): sends one record carrying a correlation id and the reply topic in the
 * headers Spring's ReplyingKafkaTemplate uses, then waits for the record on the reply topic that
 * carries the same correlation id.
 */
export async function requestReply(
  client: KafkaClient,
  spec: ProduceSpec,
  options: { replyTopic: string; timeoutMs: number },
  hooks: ProduceHooks = {},
): Promise<{ outcome: ProduceOutcome; reply: ReplyOutcome }> {
  const correlationId = randomUUID();
  const withHeaders: ProduceSpec = { ...spec, count: 1, records: undefined, headers: { ...spec.headers, [CORRELATION_HEADER]: correlationId, [REPLY_TOPIC_HEADER]: options.replyTopic } };
  const prepared = await prepareProduce(client, withHeaders);
  const listener = await listenForReply(client, { replyTopic: options.replyTopic, correlationId, timeoutMs: options.timeoutMs, headerName: CORRELATION_HEADER });
  const started = performance.now();
  let outcome: ProduceOutcome;
  try {
    outcome = await runProduce(client, prepared, hooks);
  } catch (e) {
    await listener.close();
    throw e;
  }
  if (outcome.failed > 0) {
    await listener.close();
    return { outcome, reply: { ok: false, correlationId, waitedMs: 0, message: 'The request was not delivered, so no reply was awaited.' } };
  }
  const reply = await listener.reply;
  const waitedMs = Math.round(performance.now() - started);
  if (!reply) {
    return {
      outcome,
      reply: {
        ok: false,
        correlationId,
        waitedMs,
        message: `No reply on "${options.replyTopic}" with ${CORRELATION_HEADER}=${correlationId} within ${options.timeoutMs} ms. Is a responder consuming "${spec.topic}" and replying to the topic in the ${REPLY_TOPIC_HEADER} header?`,
      },
    };
  }
  return { outcome, reply: { ok: true, correlationId, waitedMs, reply } };
}
