/**
 * Producing records with a delivery report for every one of them. The only producer code that sees
 * kafkajs: the rest of the extension speaks {@link OutgoingRecord} and {@link DeliveryReport}.
 *
 * kafkajs has no record accumulator of its own (one `send` is one request), so this file adds the
 * Java client's: records queue per producer and go out in one request when `batchSize` bytes have
 * gathered or `lingerMs` has passed, with at most `maxInFlightRequests` requests outstanding.
 */
import { randomUUID } from 'node:crypto';
import { CompressionTypes, Partitioners, type Message, type Producer, type RecordMetadata, type Transaction } from 'kafkajs';
import type { KafkaClient } from './client';
// Registers the snappy, lz4 and zstd codecs with kafkajs.
import './codecs';
import { KafkaWorkbenchError } from './errors';

/** Requests one batch may take when kafkajs leaves partitions unanswered (see RecordProducer.sendBatch). */
const UNANSWERED_RESENDS = 3;
const INSTALLED_CODECS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export type Acks = 0 | 1 | 'all';
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerSettings {
  acks: Acks;
  idempotent: boolean;
  maxInFlightRequests: number;
  compression: Compression;
  /** How long a record may wait for others to fill its batch (Java's linger.ms). */
  lingerMs: number;
  /** Bytes of records gathered into one produce request before it is sent (Java's batch.size). */
  batchSize: number;
  /** How long the broker may take to answer one produce request (Java's request.timeout.ms). */
  requestTimeoutMs: number;
  retries: number;
}

export const DEFAULT_PRODUCER_SETTINGS: ProducerSettings = {
  acks: 'all',
  idempotent: false,
  maxInFlightRequests: 5,
  compression: 'none',
  lingerMs: 5,
  batchSize: 16_384,
  requestTimeoutMs: 30_000,
  retries: 5,
};

export interface SettingsProblem {
  field: keyof ProducerSettings;
  message: string;
}

/** Compression codecs this build can really use; the others are explained, never silently dropped. */
export function availableCompressions(): Compression[] {
  return [...INSTALLED_CODECS];
}

/**
 * Settings that contradict each other, each with the reason and the fix. Nothing is changed behind
 * the user's back: the Java client refuses the same combinations.
 */
export function checkProducerSettings(s: ProducerSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const int = (field: keyof ProducerSettings, value: number, min: number, max: number, what: string) => {
    if (!Number.isInteger(value) || value < min || value > max) problems.push({ field, message: `${what} must be a whole number from ${min} to ${max}.` });
  };
  int('maxInFlightRequests', s.maxInFlightRequests, 1, 100, 'Max in-flight requests');
  int('lingerMs', s.lingerMs, 0, 60_000, 'Linger (ms)');
  int('batchSize', s.batchSize, 1, 64 * 1024 * 1024, 'Batch size (bytes)');
  int('requestTimeoutMs', s.requestTimeoutMs, 1, 600_000, 'Request timeout (ms)');
  int('retries', s.retries, 0, 1000, 'Retries');
  if (s.idempotent && s.acks !== 'all') {
    problems.push({
      field: 'acks',
      message: `Idempotence needs acks=all: with acks=${s.acks} the broker does not confirm the write to every in-sync replica, so a retry could not be deduplicated. Set acks to all, or turn idempotence off.`,
    });
  }
  if (s.idempotent && s.maxInFlightRequests > 5) {
    problems.push({
      field: 'maxInFlightRequests',
      message: `Idempotence allows at most 5 in-flight requests per connection (the broker keeps the last 5 batches per producer to deduplicate and order them); ${s.maxInFlightRequests} was asked. Lower it to 5 or less, or turn idempotence off.`,
    });
  }
  if (s.idempotent && s.retries < 1) {
    problems.push({ field: 'retries', message: 'Idempotence needs retries of at least 1: it exists to make retries safe. Raise retries, or turn idempotence off.' });
  }
  if (!availableCompressions().includes(s.compression)) {
    problems.push({
      field: 'compression',
      message: `${s.compression} compression has no codec installed in this build (only ${availableCompressions().join(', ')}). Pick one of those.`,
    });
  }
  return problems;
}

/** Header values by name; a list keeps repeats of one name in order. (kafkajs 2.2.4 throws on a null value.) */
export type OutgoingHeaders = Record<string, Buffer | string | (Buffer | string)[]>;

/** One record ready to go: bytes, and the partition already chosen (see partitioner.ts). */
export interface OutgoingRecord {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: OutgoingHeaders;
  /** CreateTime in ms; now when absent. */
  timestamp?: number;
}

export interface DeliveryError {
  /** Kafka's error name (MESSAGE_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION...) or the client's, e.g. NETWORK_EXCEPTION. */
  name: string;
  message: string;
  /** What to do about it. */
  hint: string;
  /** True when the record may have been written although the answer was lost (at-least-once). */
  mayBeWritten: boolean;
}

interface ReportBase {
  topic: string;
  partition: number;
  /** Time from handing the record to the producer until its answer (or failure), in ms. */
  latencyMs: number;
  /** CreateTime given to the record, in ms. */
  timestamp: number;
}

/**
 * What happened to one record.
 * - delivered: the broker acknowledged it (offset and, for LogAppendTime topics, the broker's timestamp);
 * - unacknowledged: acks=0, written to the socket; the broker answers nothing, so there is no offset;
 * - not-awaited: fire-and-forget, handed to the producer and not followed up;
 * - failed: with the error and what to do.
 */
export type DeliveryReport =
  | (ReportBase & { status: 'delivered'; offset: string; timestampType: 'CreateTime' | 'LogAppendTime' })
  | (ReportBase & { status: 'unacknowledged' })
  | (ReportBase & { status: 'not-awaited' })
  | (ReportBase & { status: 'failed'; error: DeliveryError });

const HINTS: Record<string, string> = {
  MESSAGE_TOO_LARGE: "Make the record smaller, or raise the topic's max.message.bytes (and the broker's message.max.bytes).",
  RECORD_LIST_TOO_LARGE: "Lower the batch size below the topic's max.message.bytes, or raise max.message.bytes.",
  UNKNOWN_TOPIC_OR_PARTITION: 'Check the topic name and partition; create the topic first (it is never auto-created).',
  NOT_LEADER_FOR_PARTITION: 'The partition leader moved; send again (more retries make this transparent).',
  NOT_LEADER_OR_FOLLOWER: 'The partition leader moved; send again (more retries make this transparent).',
  LEADER_NOT_AVAILABLE: 'The partition has no leader right now (a broker is down or electing); wait and send again.',
  NOT_ENOUGH_REPLICAS: "Fewer in-sync replicas than the topic's min.insync.replicas: bring brokers back, or use acks=1.",
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'Written to the leader but not enough replicas confirmed: it may be duplicated if sent again.',
  REQUEST_TIMED_OUT: 'The broker did not confirm in time: raise the request timeout, or check the broker and its replicas.',
  INVALID_REQUIRED_ACKS: 'Use acks 0, 1 or all.',
  TOPIC_AUTHORIZATION_FAILED: 'This user may not write to the topic: ask for a WRITE ACL on it.',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'This user may not use the transactional id: ask for a WRITE ACL on it.',
  CLUSTER_AUTHORIZATION_FAILED: 'This user may not use idempotence (IDEMPOTENT_WRITE on the cluster): ask for the ACL or turn idempotence off.',
  CORRUPT_MESSAGE: 'The broker rejected the record as corrupt; send it again.',
  INVALID_RECORD: 'The broker refused the record (for example a compacted topic needs a key): check the topic configuration.',
  UNSUPPORTED_COMPRESSION_TYPE: 'The broker or topic does not accept this compression: pick another codec.',
  INVALID_TIMESTAMP: "The record's timestamp is outside the topic's allowed range (message.timestamp.difference.max.ms).",
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'The idempotent producer lost track of its sequence; close the form and send again.',
  INVALID_PRODUCER_EPOCH: 'Another producer with the same transactional id took over (fenced): start a new transaction.',
  PRODUCER_FENCED: 'Another producer with the same transactional id took over (fenced): start a new transaction.',
  CONCURRENT_TRANSACTIONS: 'A previous transaction with this id is still completing; wait a moment and retry.',
  INVALID_TXN_STATE: 'The transaction is in a state that does not allow this; abort it and start again.',
  POLICY_VIOLATION: 'A broker policy refused the request; check the topic settings.',
};

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: number | string;
  retriable?: boolean;
  originalError?: unknown;
  errors?: unknown[];
  cause?: unknown;
}

function chainOf(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && out.length < 10) {
    const e = current as ErrorLike;
    out.push(e);
    current = e.originalError ?? (Array.isArray(e.errors) ? e.errors[0] : undefined) ?? (e.cause instanceof Error ? e.cause : undefined);
  }
  return out;
}

/**
 * The partitions a failed kafkajs send did write: kafkajs patch 008 (settle-before-retry) keeps
 * the answers of the brokers that answered on the error, which its retrier wraps.
 */
function producedBeforeFailure(error: unknown): RecordMetadata[] {
  for (const e of chainOf(error)) {
    const written = (e as { producedBeforeFailure?: unknown }).producedBeforeFailure;
    if (Array.isArray(written)) return written as RecordMetadata[];
  }
  return [];
}

const NETWORK = /ECONNREFUSED|ECONNRESET|EPIPE|Connection|socket|closed|timed? ?out/i;

/** Kafka's error name when `e` is the broker's answer (NOT_ENOUGH_REPLICAS...), not the client's. */
function protocolType(e: ErrorLike): string | undefined {
  return typeof e.type === 'string' && /^[A-Z_]+$/.test(e.type) && e.type !== 'UNKNOWN' ? e.type : undefined;
}

/** Whether a failure of one request leaves its records possibly written: the answer, not the write, was lost. */
function ambiguous(e: ErrorLike): boolean {
  const type = protocolType(e);
  if (type) return type === 'REQUEST_TIMED_OUT' || type === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
  return NETWORK.test(`${e.name ?? ''} ${e.message ?? ''}`);
}

/**
 * The failures of every attempt of a send that kafkajs retried: kafkajs patch 010
 * (attempt-failures) keeps them on the last attempt's error.
 */
function attemptFailures(error: unknown): ErrorLike[] {
  for (const e of chainOf(error)) {
    const failures = (e as { attemptFailures?: unknown }).attemptFailures;
    if (Array.isArray(failures)) return failures as ErrorLike[];
  }
  return [];
}

/** Turns a failed send into Kafka's error name, the message, and what to do. */
export function explainDeliveryError(error: unknown, client?: KafkaClient): DeliveryError {
  if (error instanceof KafkaWorkbenchError) {
    return { name: error.detail?.match(/^[A-Z_]+$/) ? error.detail : error.reason.toUpperCase().replace(/-/g, '_'), message: error.message, hint: '', mayBeWritten: false };
  }
  const last = explainLastAttempt(error, client);
  // The last attempt can say "not written" (NOT_ENOUGH_REPLICAS once the ISR shrank) after an
  // earlier one wrote the batch and lost the answer (REQUEST_TIMED_OUT): the record may be written.
  const earlier = last.mayBeWritten ? undefined : attemptFailures(error).find(ambiguous);
  if (!earlier) return last;
  const what = earlier.type ?? earlier.name ?? 'a lost answer';
  return {
    ...last,
    message: `${last.message} An earlier attempt failed with ${what}, after which the broker may have written the record.`,
    hint: `${last.hint} Check the topic before sending it again: it may already be there.`,
    mayBeWritten: true,
  };
}

function explainLastAttempt(error: unknown, client?: KafkaClient): DeliveryError {
  const chain = chainOf(error);
  const protocol = chain.find((e) => protocolType(e) !== undefined);
  if (protocol?.type) {
    const type = protocol.type;
    return {
      name: type,
      message: `The broker refused the record: ${type} (${protocol.message ?? ''}).`,
      hint: HINTS[type] ?? (protocol.retriable ? 'A temporary condition: send again.' : 'See the log for details.'),
      mayBeWritten: ambiguous(protocol),
    };
  }
  const explained = client ? client.explain(error) : undefined;
  const last = chain[chain.length - 1];
  const network = NETWORK.test(chain.map((e) => `${e.name ?? ''} ${e.message ?? ''}`).join(' '));
  const name = explained?.reason === 'timeout' || /timeout/i.test(last?.name ?? '') ? 'REQUEST_TIMED_OUT' : network ? 'NETWORK_EXCEPTION' : (last?.name ?? 'UNKNOWN_ERROR');
  return {
    name,
    message: explained?.message ?? `Sending failed: ${last?.message ?? String(error)}.`,
    hint: network
      ? 'The broker could not be reached while sending: start it (or check the network) and send again. The record may or may not have been written.'
      : 'See the log for details.',
    mayBeWritten: network,
  };
}

export interface TopicInfo {
  name: string;
  partitions: number;
  /** The topic's max.message.bytes: the largest record batch the broker accepts. */
  maxMessageBytes: number;
  /** The topic's message.timestamp.type: with LogAppendTime the broker replaces every CreateTime. */
  timestampType: 'CreateTime' | 'LogAppendTime';
}

/** Partition count and size limit of a topic; fails with reason 'unknown-topic' when it does not exist. */
export async function describeTopicForProduce(client: KafkaClient, topic: string): Promise<TopicInfo> {
  if (!topic.trim()) throw new KafkaWorkbenchError('The topic name is empty: enter or pick a topic.', 'invalid-input');
  return client.withAdmin(`describe topic ${topic}`, async (admin) => {
    const names = await admin.listTopics();
    if (!names.includes(topic)) {
      throw new KafkaWorkbenchError(
        `Topic "${topic}" does not exist on this cluster. Create it first (the form offers to); it is never created automatically.`,
        'unknown-topic',
      );
    }
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = meta.topics[0]?.partitions.length ?? 0;
    let maxMessageBytes = 1_048_588;
    let timestampType: TopicInfo['timestampType'] = 'CreateTime';
    try {
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['max.message.bytes', 'message.timestamp.type'] }] });
      const entries = configs.resources[0]?.configEntries ?? [];
      const entry = entries.find((c) => c.configName === 'max.message.bytes');
      if (entry && Number(entry.configValue) > 0) maxMessageBytes = Number(entry.configValue);
      if (entries.find((c) => c.configName === 'message.timestamp.type')?.configValue === 'LogAppendTime') timestampType = 'LogAppendTime';
    } catch {
      // Without DescribeConfigs rights the broker's defaults are assumed; the broker still enforces the real ones.
    }
    return { name: topic, partitions, maxMessageBytes, timestampType };
  });
}

/** Bytes one record takes in a record batch, near enough to compare with max.message.bytes. */
export function recordSize(r: Pick<OutgoingRecord, 'key' | 'value' | 'headers'>): number {
  let size = 70 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  if (!r.headers) return size;
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) size += Buffer.byteLength(k) + (typeof one === 'string' ? Buffer.byteLength(one) : one.length) + 4;
  }
  return size;
}

/**
 * Records waiting or in flight, as parallel arrays rather than an object per record: a bulk send
 * keeps thousands of them alive across garbage collections, and every extra object per record is
 * one more to copy and promote. Appended to only; a request takes a range of it by reference.
 */
/** Records per slab, and how many emptied slabs a producer keeps for reuse (~45 KB each). */
const SLAB_RECORDS = 1024;
const MAX_SPARE_SLABS = 32;

class Slab {
  /** Records appended so far (the arrays may be longer: they are allocated ahead). */
  count = 0;
  /** Records whose request has been answered and fanned out. */
  settled = 0;
  /** Full and every record taken by a request: once every one is settled it can be reused. */
  retired = false;
  records: OutgoingRecord[];
  sinks: DeliverySink[];
  contexts: unknown[];
  sizes: Int32Array;
  /** When each was handed over (performance.now()), for its latency. */
  times: Float64Array;
  tags: Float64Array;

  /** Allocated once, then reused: a bulk send fills and empties the same few slabs. */
  constructor(private capacity: number) {
    this.records = new Array<OutgoingRecord>(capacity);
    this.sinks = new Array<DeliverySink>(capacity);
    this.contexts = new Array<unknown>(capacity);
    this.sizes = new Int32Array(capacity);
    this.times = new Float64Array(capacity);
    this.tags = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  push(record: OutgoingRecord, size: number, time: number, sink: DeliverySink, tag: number, context: unknown): void {
    const i = this.count++;
    this.records[i] = record;
    this.sinks[i] = sink;
    this.contexts[i] = context;
    this.sizes[i] = size;
    this.times[i] = time;
    this.tags[i] = tag;
  }

  /** Empties it for reuse, dropping its references to records, sinks and contexts. */
  reset(): this {
    this.records.fill(undefined as unknown as OutgoingRecord, 0, this.count);
    this.sinks.fill(undefined as unknown as DeliverySink, 0, this.count);
    this.contexts.fill(undefined, 0, this.count);
    this.count = 0;
    this.settled = 0;
    this.retired = false;
    return this;
  }
}

interface PartitionQueue {
  topic: string;
  partition: number;
  /** Its records in order, in fixed-size slabs; the last one is being filled. */
  slabs: Slab[];
  /** Index in `slabs[0]` of the first record not yet sent. */
  head: number;
  /** Requests of this partition handed to kafkajs and not yet answered. */
  inFlight: number;
}

/** Part of a partition's share of a request: records `from` to `to` (exclusive) of `slab`, in order. */
interface Segment {
  queue: PartitionQueue;
  slab: Slab;
  from: number;
  to: number;
  /** Records of the same partition in this request before this segment (offset = base + skip + n). */
  skip: number;
}

/**
 * Receives the reports of many records: one object for a whole bulk send instead of a closure
 * per record. `tag` and `context` are what the sender passed to {@link RecordProducer.enqueue}.
 */
export interface DeliverySink<C = unknown> {
  report(report: DeliveryReport, tag: number, context: C): void;
  /**
   * Optional, for senders that only count most outcomes: when present, a record the broker took
   * (or, with acks=0, that was written) is reported here instead, without building a report
   * object; failures always go to {@link report}. Still exactly one call per record.
   */
  succeeded?(status: 'delivered' | 'unacknowledged', tag: number, context: C): void;
}

/** Adapts a one-record callback to a sink (for {@link RecordProducer.send} and single sends). */
const CALLBACK_SINK: DeliverySink<(report: DeliveryReport) => void> = { report: (report, _tag, done) => done(report) };

const COMPRESSION: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export interface ProducerOptions {
  settings: ProducerSettings;
  /** Makes this a transactional producer (idempotent, one request in flight, acks=all). */
  transactionalId?: string;
}

/**
 * A connected producer of one connection, tracked by its {@link KafkaClient} so disconnecting
 * closes it. Every record handed to {@link send} resolves to exactly one {@link DeliveryReport};
 * the promise never rejects.
 */
export class RecordProducer {
  /** One queue per partition, as in the Java client's accumulator. */
  private readonly partitions = new Map<string, PartitionQueue[]>();
  private readonly queues: PartitionQueue[] = [];
  private queuedBytes = 0;
  private queuedCount = 0;
  private rotate = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  /** The most requests one partition had outstanding at once (one: the order guarantee, asserted by the tests). */
  peakPartitionInFlight = 0;
  /** Produce requests handed to kafkajs, and the records in them (records per request = batching achieved). */
  requestsSent = 0;
  recordsSent = 0;
  private readonly drainWaiters: (() => void)[] = [];
  private transaction: Transaction | undefined;
  private closed = false;
  private readonly untrack: () => void;
  /**
   * Set when an idempotent send failed after the broker may have written it: kafkajs has handed its
   * sequence numbers back, so the next batch of the same size would look like a duplicate of the
   * written one and be dropped by the broker (answered with the first batch's offsets). The next
   * request goes out under a new producer id instead, as the Java client resets its producer id.
   */
  private renewProducerId = false;
  private constructor(
    private readonly client: KafkaClient,
    private producer: Producer,
    private readonly newProducer: () => Producer,
    readonly settings: ProducerSettings,
    readonly transactionalId: string | undefined,
  ) {
    this.untrack = client.track(() => this.close());
  }

  /** Connects a producer; refuses contradictory settings with the reason. */
  static async open(client: KafkaClient, options: ProducerOptions): Promise<RecordProducer> {
    const settings = options.transactionalId ? { ...options.settings, idempotent: true, acks: 'all' as const, maxInFlightRequests: 1 } : options.settings;
    const problems = checkProducerSettings(settings);
    if (problems.length > 0) throw new KafkaWorkbenchError(problems.map((p) => p.message).join(' '), 'invalid-input');
    const newProducer = () => client.kafkajs.producer({
      allowAutoTopicCreation: false,
      // Every record arrives with its partition chosen (partitioner.ts), so kafkajs' partitioner
      // never runs; naming one explicitly stops its "switched default partitioner" warning.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: settings.idempotent,
      maxInFlightRequests: settings.maxInFlightRequests,
      transactionalId: options.transactionalId,
      transactionTimeout: 60_000,
      retry: { retries: settings.retries, initialRetryTime: 250, maxRetryTime: 2000 },
    });
    const producer = newProducer();
    try {
      await producer.connect();
    } catch (e) {
      await producer.disconnect().catch(() => undefined);
      throw client.explain(e);
    }
    return new RecordProducer(client, producer, newProducer, settings, options.transactionalId);
  }

  /** Requests this class keeps outstanding, over all partitions. */
  private get concurrency(): number {
    return this.settings.idempotent ? 1 : this.settings.maxInFlightRequests;
  }

  /** Slabs whose records are all answered, kept for the next ones (a bulk send then allocates none). */
  private readonly spareSlabs: Slab[] = [];

  /** A spare slab if there is one, else a new one. */
  private newSlab(): Slab {
    return this.spareSlabs.pop() ?? new Slab(SLAB_RECORDS);
  }

  private settle(g: Segment): void {
    const slab = g.slab;
    slab.settled += g.to - g.from;
    if (slab.retired && slab.settled === slab.count && this.spareSlabs.length < MAX_SPARE_SLABS) this.spareSlabs.push(slab.reset());
  }

  private queueOf(topic: string, partition: number): PartitionQueue {
    let list = this.partitions.get(topic);
    if (!list) this.partitions.set(topic, (list = []));
    let q = list[partition];
    if (!q) {
      q = { topic, partition, slabs: [], head: 0, inFlight: 0 };
      list[partition] = q;
      this.queues.push(q);
    }
    return q;
  }

  /** Hands one record to the producer; resolves with its report once the broker answered (or it failed). */
  send(record: OutgoingRecord): Promise<DeliveryReport> {
    return new Promise((resolve) => this.enqueue(record, CALLBACK_SINK, 0, resolve));
  }

  /**
   * Like {@link send} for bulk senders: no promise and no closure per record. `sink.report(report,
   * tag, context)` is called exactly once for this record, from the loop that fans out its
   * request's answer.
   */
  enqueue<C>(record: OutgoingRecord, sink: DeliverySink<C>, tag: number, context: C): void {
    // Without an explicit timestamp the record gets its batch's send time (see sendBatch).
    if (this.closed) {
      sink.report(failedReport(record, Date.now(), 0, { name: 'PRODUCER_CLOSED', message: 'The producer was closed (disconnected) before this record was sent.', hint: 'Connect again and resend.', mayBeWritten: false }), tag, context);
      return;
    }
    const size = recordSize(record);
    const q = this.queueOf(record.topic, record.partition);
    let slab = q.slabs[q.slabs.length - 1];
    if (!slab || slab.full) q.slabs.push((slab = this.newSlab()));
    slab.push(record, size, this.clock(), sink as DeliverySink, tag, context);
    this.queuedBytes += size;
    this.queuedCount++;
    if (this.queuedBytes >= this.settings.batchSize) this.flushSoon(true);
    else if (this.timer === undefined) this.flushSoon(false);
  }

  /**
   * The hand-over time for latencies: read once per 256 records handed over in one go (a clock
   * read per record costs as much as the rest of the hand-over), and afresh on every new turn of
   * the event loop, so a latency is off by at most the time of 256 hand-overs (well under 1 ms).
   */
  private clock(): number {
    if (this.stampUses > 0) {
      this.stampUses--;
      return this.stamp;
    }
    this.stamp = performance.now();
    this.stampUses = 255;
    if (!this.stampResetQueued) {
      this.stampResetQueued = true;
      queueMicrotask(this.resetStamp);
    }
    return this.stamp;
  }

  private stamp = 0;
  private stampUses = 0;
  private stampResetQueued = false;
  private readonly resetStamp = (): void => {
    this.stampResetQueued = false;
    this.stampUses = 0;
  };

  /** True when another record would only wait: a full batch is queued and cannot go out yet. */
  get saturated(): boolean {
    return this.queuedBytes >= 2 * this.settings.batchSize || (this.inFlight >= this.concurrency && this.queuedBytes >= this.settings.batchSize);
  }

  /** Resolves when a request slot frees up (for bulk senders that must not queue without bound). */
  waitForCapacity(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  /** Sends whatever is queued now and resolves when every record handed over so far has its report. */
  async flush(): Promise<void> {
    this.flushSoon(true);
    if (this.queuedCount === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private flushSoon(now: boolean): void {
    if (now || this.settings.lingerMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.settings.lingerMs === 0 && !now) {
        // Still gather the records handed over in the same tick into one request.
        this.timer = setTimeout(() => this.pump(), 0);
        return;
      }
      this.pump();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.settings.lingerMs);
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queuedCount > 0 && this.inFlight < this.concurrency) {
      const limit = this.settings.batchSize;
      const segments: Segment[] = [];
      let bytes = 0;
      let count = 0;
      const n = this.queues.length;
      for (let k = 0; k < n && bytes < limit; k++) {
        const q = this.queues[(this.rotate + k) % n];
        const first = q.slabs[0];
        // One request per partition in flight: a partition's requests are written in the order sent
        // (several could be reordered on kafkajs' way to the socket, and by retries).
        if (!first || q.head === first.count || q.inFlight > 0) continue;
        if (count > 0 && bytes + first.sizes[q.head] > limit) continue; // does not fit this request
        if (++q.inFlight > this.peakPartitionInFlight) this.peakPartitionInFlight = q.inFlight;
        let skip = 0;
        let more = true;
        while (more) {
          const slab = q.slabs[0];
          const from = q.head;
          let i = from;
          while (i < slab.count && (count === 0 || bytes + slab.sizes[i] <= limit)) {
            bytes += slab.sizes[i++];
            count++;
          }
          segments.push({ queue: q, slab, from, to: i, skip });
          skip += i - from;
          q.head = i;
          // A full slab entirely taken leaves the queue (its requests keep their ranges of it);
          // the request goes on into the next one if there is room.
          more = false;
          if (i === slab.count && slab.full) {
            slab.retired = true;
            q.slabs.shift();
            q.head = 0;
            more = q.slabs.length > 0 && q.slabs[0].count > 0 && bytes + q.slabs[0].sizes[0] <= limit;
          }
        }
      }
      if (count === 0) break; // every partition with records has its requests out
      this.rotate = (this.rotate + 1) % n;
      this.queuedBytes -= bytes;
      this.queuedCount -= count;
      this.inFlight++;
      this.requestsSent++;
      this.recordsSent += count;
      void this.sendBatch(segments).finally(() => {
        for (const g of segments) {
          if (g.skip === 0) g.queue.inFlight--;
          this.settle(g);
        }
        this.inFlight--;
        this.afterRequest();
      });
    }
  }

  private afterRequest(): void {
    this.resume();
  }

  /** After a request or a turn: send what is due, wake senders waiting for room or for the end. */
  private resume(): void {
    if (this.queuedCount > 0) {
      if (this.queuedBytes >= this.settings.batchSize || this.drainWaiters.length > 0) this.pump();
      else this.flushSoon(false);
    }
    while (this.slotWaiters.length > 0 && !this.saturated) this.slotWaiters.shift()!();
    if (this.queuedCount === 0 && this.inFlight === 0) for (const w of this.drainWaiters.splice(0)) w();
  }

  /**
   * kafkajs answers without a partition it found no leader for in its metadata (it skips it), and
   * upstream 2.2.4 also skipped a partition whose leader moved, between retries, to a broker that
   * had answered for other partitions (patch 009 sends it). Records that come back with no answer
   * go out again here, as they were: with idempotence their sequence numbers were handed back, so
   * the broker still drops a copy it already has, and the partition stays busy meanwhile, so
   * nothing overtakes them.
   */
  private async sendBatch(segments: Segment[]): Promise<void> {
    let pending = segments;
    // Only an idempotent producer resends: the broker then drops a copy it already has. Without
    // idempotence an unanswered record may have been written, so it is reported (mayBeWritten)
    // rather than risk a duplicate.
    const resends = this.settings.idempotent ? UNANSWERED_RESENDS : 1;
    for (let pass = 1; pending.length > 0; pass++) pending = await this.sendOnce(pending, pass < resends);
  }

  /** One request for `segments`; reports every record, except unanswered partitions' when `resend` (returned instead). */
  private async sendOnce(segments: Segment[], resend: boolean): Promise<Segment[]> {
    // The records themselves are kafkajs' messages (it reads key, value, partition, headers and
    // timestamp): no object per record. Records without their own timestamp get the batch's send
    // time: the CreateTime the broker stores and the report shows (one value for the batch is
    // also what kafkajs sorts cheapest). kafkajs keeps each partition's records in order, so the
    // n-th record of a segment has offset baseOffset + skip + n.
    const now = Date.now();
    const topics: { topic: string; messages: OutgoingRecord[] }[] = [];
    for (const g of segments) {
      const records = g.slab.records;
      let zero = false;
      for (let i = g.from; i < g.to; i++) {
        const r = records[i];
        if (r.timestamp === undefined) r.timestamp = now;
        else if (r.timestamp === 0) zero = true;
      }
      let part = records.slice(g.from, g.to);
      // kafkajs replaces a falsy timestamp with its clock: CreateTime 0 goes as the text "0".
      if (zero) part = part.map((r) => (r.timestamp === 0 ? ({ ...r, timestamp: '0' } as unknown as OutgoingRecord) : r));
      const t = topics.find((x) => x.topic === g.queue.topic);
      if (!t) topics.push({ topic: g.queue.topic, messages: part });
      else t.messages = t.messages.concat(part);
    }
    const acks = this.settings.acks === 'all' ? -1 : this.settings.acks;
    const request = {
      // kafkajs types a timestamp as a string; it only sorts and subtracts them, and writes the
      // first and largest with Long.fromValue, so numbers give the same bytes.
      topicMessages: topics.map((x) => ({ topic: x.topic, messages: x.messages as unknown as Message[] })),
      acks,
      timeout: this.settings.requestTimeoutMs,
      compression: COMPRESSION[this.settings.compression],
    };
    let metadata: RecordMetadata[] = [];
    let failure: DeliveryError | undefined;
    let sent = false;
    try {
      if (this.renewProducerId) await this.withNewProducerId();
      sent = true;
      const sender = this.transaction ?? this.producer;
      metadata = await sender.sendBatch(request);
    } catch (e) {
      failure = explainDeliveryError(e, this.client);
      // No new producer id (the cluster is unreachable): the records did not leave.
      if (!sent) failure = { ...failure, mayBeWritten: false };
      // A request to several brokers can fail on one after others wrote: those partitions are delivered.
      metadata = producedBeforeFailure(e);
    }
    if (sent && failure?.mayBeWritten && this.settings.idempotent && !this.transactionalId) this.renewProducerId = true;
    const done = performance.now();
    const unanswered: Segment[] = [];
    // The answer per partition, parsed once per request, then fanned out to its records.
    for (const g of segments) {
      const { records, times, sinks, tags, contexts } = g.slab;
      const { topic, partition } = g.queue;
      const answer = acks === 0 ? undefined : metadata.find((x) => x.topicName === topic && x.partition === partition);
      const baseOffset = answer?.baseOffset;
      if (baseOffset === undefined && !failure && acks !== 0 && resend) {
        unanswered.push(g);
        continue;
      }
      if (baseOffset === undefined && (failure || acks === 0)) {
        for (let i = g.from; i < g.to; i++) {
          const r = records[i];
          const sink = sinks[i];
          if (failure) sink.report(failedReport(r, r.timestamp ?? now, done - times[i], failure), tags[i], contexts[i]);
          else if (sink.succeeded) sink.succeeded('unacknowledged', tags[i], contexts[i]);
          else sink.report({ status: 'unacknowledged', topic, partition, timestamp: r.timestamp ?? now, latencyMs: round(done - times[i]) }, tags[i], contexts[i]);
        }
        continue;
      }
      if (baseOffset === undefined) {
        const error: DeliveryError = { name: 'NO_RESPONSE', message: 'The broker answered without this partition.', hint: 'Send again.', mayBeWritten: true };
        for (let i = g.from; i < g.to; i++) sinks[i].report(failedReport(records[i], records[i].timestamp ?? now, done - times[i], error), tags[i], contexts[i]);
        continue;
      }
      const base = Number(baseOffset) + g.skip;
      const exact = Number.isSafeInteger(base + (g.to - g.from)) ? undefined : BigInt(baseOffset) + BigInt(g.skip);
      const logAppendTime = answer?.logAppendTime;
      const logAppend = logAppendTime !== undefined && logAppendTime !== '-1' ? Number(logAppendTime) : undefined;
      const timestampType = logAppend !== undefined ? 'LogAppendTime' : 'CreateTime';
      for (let i = g.from; i < g.to; i++) {
        const sink = sinks[i];
        if (sink.succeeded) {
          sink.succeeded('delivered', tags[i], contexts[i]);
          continue;
        }
        const n = i - g.from;
        sink.report(
          {
            status: 'delivered',
            topic,
            partition,
            offset: exact === undefined ? String(base + n) : (exact + BigInt(n)).toString(),
            timestamp: logAppend ?? records[i].timestamp ?? now,
            timestampType,
            latencyMs: round(done - times[i]),
          },
          tags[i],
          contexts[i],
        );
      }
    }
    return unanswered;
  }

  /** Replaces the kafkajs producer by a new one, which asks the cluster for a new producer id. */
  private async withNewProducerId(): Promise<void> {
    const next = this.newProducer();
    try {
      await next.connect();
    } catch (e) {
      await next.disconnect().catch(() => undefined);
      throw e;
    }
    const old = this.producer;
    this.producer = next;
    this.renewProducerId = false;
    await old.disconnect().catch(() => undefined);
  }

  /** Starts a transaction: records sent until {@link commit}/{@link abort} are atomic. */
  async beginTransaction(): Promise<void> {
    if (!this.transactionalId) throw new KafkaWorkbenchError('This producer has no transactional id.', 'invalid-input');
    if (this.transaction) throw new KafkaWorkbenchError('A transaction is already open: commit or abort it first.', 'invalid-input');
    try {
      this.transaction = await this.producer.transaction();
    } catch (e) {
      throw this.transactionError('begin the transaction', e);
    }
  }

  /** Flushes, then commits (or aborts) the open transaction. */
  async endTransaction(outcome: 'commit' | 'abort'): Promise<void> {
    const txn = this.transaction;
    if (!txn) throw new KafkaWorkbenchError('No transaction is open.', 'invalid-input');
    await this.flush();
    try {
      if (outcome === 'commit') await txn.commit();
      else await txn.abort();
    } catch (e) {
      throw this.transactionError(`${outcome} the transaction`, e);
    } finally {
      this.transaction = undefined;
    }
  }

  private transactionError(what: string, e: unknown): KafkaWorkbenchError {
    const d = explainDeliveryError(e, this.client);
    return new KafkaWorkbenchError(`Could not ${what} (${this.transactionalId}): ${d.name}. ${d.hint}`, 'other', d.message);
  }

  /** Sends what is queued, waits for the reports, disconnects. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queuedCount > 0 || this.inFlight > 0) await this.flush();
    this.closed = true;
    this.untrack();
    if (this.transaction) await this.transaction.abort().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function failedReport(record: OutgoingRecord, timestamp: number, latencyMs: number, error: DeliveryError): DeliveryReport {
  return { status: 'failed', topic: record.topic, partition: record.partition, timestamp, latencyMs: round(latencyMs), error };
}

/** A fresh transactional id, shown to the user so the transaction can be found in broker logs. */
export function newTransactionalId(): string {
  return `kafka-workbench-${randomUUID()}`;
}

export interface ReplyRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface ReplyListener {
  /** Resolves with the first record on the reply topic whose correlation header matches, or undefined at the timeout. */
  reply: Promise<ReplyRecord | undefined>;
  close(): Promise<void>;
}

/**
 * Listens on `replyTopic` from its current end for a record whose `headerName` equals
 * `correlationId`. Start it before sending the request, so a fast reply cannot be missed.
 */
export async function listenForReply(
  client: KafkaClient,
  options: { replyTopic: string; correlationId: string; timeoutMs: number; headerName: string },
): Promise<ReplyListener> {
  const { replyTopic, correlationId, timeoutMs, headerName } = options;
  await describeTopicForProduce(client, replyTopic);
  const ends = await client.withAdmin(`read the end of ${replyTopic}`, (admin) => admin.fetchTopicOffsets(replyTopic));
  const groupId = `kafka-workbench-reply-${randomUUID()}`;
  const consumer = client.kafkajs.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    untrack();
    await consumer.disconnect().catch(() => undefined);
    await client.withAdmin('delete the reply group', (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  };
  const untrack = client.track(close);
  let settle: (r: ReplyRecord | undefined) => void = () => undefined;
  const reply = new Promise<ReplyRecord | undefined>((resolve) => (settle = resolve));
  const timer = setTimeout(() => settle(undefined), timeoutMs);
  void reply.finally(() => {
    clearTimeout(timer);
    void close();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: replyTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          const one = Array.isArray(v) ? v[0] : v;
          headers[k] = one === undefined ? '' : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
        }
        if (headers[headerName] === correlationId) {
          settle({ partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? null, headers });
        }
      },
    });
    // Only what arrives after now can be the reply: skip what the topic already holds.
    for (const p of ends) consumer.seek({ topic: replyTopic, partition: p.partition, offset: p.offset });
  } catch (e) {
    settle(undefined);
    await close();
    throw client.explain(e);
  }
  return { reply, close };
}
