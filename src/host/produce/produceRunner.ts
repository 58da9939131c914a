/**
 * The produce path without the UI: "Kafka: Produce Message" with a full spec sends and returns
 * every delivery report, so scripts and tests can drive it.
 */
import type { KafkaClient } from '../../core/kafka/client';
import { KafkaWorkbenchError, type FailureCause } from '../../core/kafka/errors';
import { DEFAULT_PRODUCER_SETTINGS, type ProducerSettings } from '../../core/kafka/producer';
import { produce, requestReply, type PartitionMode, type ProduceSpec, type ProduceOutcome, type RecordReport, type ReplyOutcome, type SendStyle } from '../../core/produce/produceService';
import type { RecordInput } from '../../core/produce/recordFile';
import type { KeyFormat, ValueFormat } from '../../core/produce/serializers';
import type { ConnectionManager } from '../connections/connectionManager';
import { showError } from '../commands';
import { log } from '../log';
import { withAvroSchemas, type AvroValueChoice } from './avroValue';
import type { DeliveryReportStore } from './deliveryReports';
import { withSchemaFormats, type SchemaFormatChoices } from './schemaFormatValue';

/**
 * A produce given in full: the command sends it without opening the form. Protobuf and JSON Schema
 * keys and values take `protobuf`/`keyProtobuf` and `jsonSchema`/`keyJsonSchema` (schemaFormatValue.ts).
 */
export interface ProduceCommandSpec extends SchemaFormatChoices {
  connectionName: string;
  topic: string;
  /** Marks the argument as a full spec to send now (otherwise it only pre-fills the form). */
  send: true;
  key?: string | null;
  value?: string | null;
  headers?: Record<string, string>;
  keyFormat?: KeyFormat;
  valueFormat?: ValueFormat;
  /** With valueFormat 'avro': the schema (an .avsc file or a registry subject) and the encoding. */
  avro?: AvroValueChoice;
  /** With keyFormat 'avro': the same for the key (subject `<topic>-key` with TopicNameStrategy). */
  keyAvro?: AvroValueChoice;
  partition?: number;
  partitionMode?: PartitionMode;
  count?: number;
  records?: RecordInput[];
  settings?: Partial<ProducerSettings>;
  sendStyle?: SendStyle;
  transaction?: 'commit' | 'abort';
  replyTopic?: string;
  replyTimeoutMs?: number;
  /** Every record's CreateTime: epoch ms or ISO-8601 (a record file's own timestamps win). */
  timestamp?: string;
}

/** What the command returns: the outcome with every report, or why nothing was sent. */
export type ProduceCommandResult =
  | (ProduceOutcome & { ok: true; reply?: ReplyOutcome })
  | { ok: false; reason: FailureCause | 'other'; message: string };

export function isProduceCommandSpec(arg: unknown): arg is ProduceCommandSpec {
  return Boolean(arg && typeof arg === 'object' && (arg as { send?: unknown }).send === true);
}

/** The live client of a connection, connecting first when needed. */
export async function connectedClient(manager: ConnectionManager, connection: string): Promise<KafkaClient> {
  const existing = manager.client(connection);
  if (existing) return existing;
  await manager.connect(connection);
  const client = manager.client(connection);
  if (!client) throw new Error(`Could not connect to "${connection}".`);
  return client;
}

export function describeOutcome(o: ProduceOutcome): string {
  const parts = [`${o.total} record(s) to "${o.topic}" (${o.sendStyle})`, `${o.delivered} delivered`];
  if (o.unacknowledged) parts.push(`${o.unacknowledged} sent with acks=0 (no offset)`);
  if (o.notAwaited) parts.push(`${o.notAwaited} handed over, not awaited (fire-and-forget)`);
  parts.push(`${o.failed} failed${o.notSent ? ` (${o.notSent} not sent)` : ''}`);
  if (o.cancelled) parts.push('cancelled');
  parts.push(`${o.recordsPerSecond} records/s`);
  if (o.transactionalId) parts.push(`transaction ${o.transactionalId} ${o.transactionOutcome ?? ''}`);
  return `produce: ${parts.join(', ')}`;
}

export function logUnawaitedFailure(r: RecordReport): void {
  if (r.status === 'failed') log().warn(`fire-and-forget record ${r.seq} to ${r.topic}[${r.partition}] failed: ${r.error.name}: ${r.error.message} ${r.error.hint}`);
}

/**
 * Sends a full spec. A problem found before sending (unknown topic, bad partition, bad JSON...)
 * comes back as `{ ok: false, message }` and is also shown, so scripts can branch on it.
 */
export async function runProduceSpec(manager: ConnectionManager, s: ProduceCommandSpec, reports?: DeliveryReportStore): Promise<ProduceCommandResult> {
  try {
    return await sendSpec(manager, s, reports);
  } catch (e) {
    if (!(e instanceof KafkaWorkbenchError)) throw e;
    void showError(e, 'Produce Message');
    return { ok: false, reason: e.reason, message: e.message };
  }
}

async function sendSpec(manager: ConnectionManager, s: ProduceCommandSpec, reports?: DeliveryReportStore): Promise<ProduceCommandResult> {
  const client = await connectedClient(manager, s.connectionName);
  const plain: ProduceSpec = {
    topic: s.topic,
    // A key given (or records from a file carrying keys) is a string key unless a format is named.
    keyFormat: s.keyFormat ?? ((s.key !== undefined && s.key !== null) || s.records?.some((r) => r.key !== undefined && r.key !== null) ? 'string' : 'none'),
    valueFormat: s.valueFormat ?? (s.value === null ? 'none' : 'string'),
    key: s.key ?? undefined,
    value: s.value ?? '',
    headers: s.headers,
    count: s.count,
    records: s.records,
    partitionMode: s.partitionMode ?? (s.partition !== undefined ? 'explicit' : 'default'),
    partition: s.partition,
    settings: { ...DEFAULT_PRODUCER_SETTINGS, ...s.settings },
    sendStyle: s.sendStyle ?? 'synchronous',
    transaction: s.transaction,
    timestamp: s.timestamp,
  };
  const withAvro = await withAvroSchemas(manager, client, s.connectionName, plain, { key: s.keyAvro, value: s.avro });
  const spec = await withSchemaFormats(manager, client, s.connectionName, withAvro, s);
  // Scripted sends are reported in the Delivery Reports view too, with the formats they used.
  const run = reports?.startRun({ connection: s.connectionName, keyFormat: plain.keyFormat, valueFormat: plain.valueFormat, keyAvro: s.keyAvro, avro: s.avro, transactional: s.transaction !== undefined });
  const hooks = { onUnawaitedFailure: logUnawaitedFailure, onReport: run && ((r: RecordReport) => reports?.add(run, r)) };
  const finish = (outcome: ProduceOutcome) => {
    log().info(describeOutcome(outcome));
    if (run) {
      run.with.transactionalId = outcome.transactionalId;
      reports?.endRun(run, outcome.transactionOutcome);
    }
  };
  try {
    if (s.replyTopic) {
      const { outcome, reply } = await requestReply(client, spec, { replyTopic: s.replyTopic, timeoutMs: s.replyTimeoutMs ?? 10_000 }, hooks);
      finish(outcome);
      return { ...outcome, ok: true, reply };
    }
    const outcome = await produce(client, spec, hooks);
    finish(outcome);
    return { ...outcome, ok: true };
  } catch (e) {
    if (run) reports?.endRun(run);
    throw e;
  }
}
