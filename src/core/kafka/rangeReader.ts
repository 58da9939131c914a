/**
 * Reads fixed offset ranges of chosen partitions straight from the partition leaders
 * ("assign-style"): no consumer group, so nothing to join, commit or delete, and the first bytes
 * arrive after one round trip. Used by topic search, the lossless export and the record fetch-back.
 *
 * kafkajs 2.2.4 (pinned in package.json) has no public assign API; its consumer always joins a
 * group, which costs a rebalance (3 s on brokers with the default group.initial.rebalance.delay.ms)
 * for every record the details view reads back. So this file uses kafkajs' own cluster object (the
 * one its consumer uses: metadata, leaders, connections, SASL/TLS) and its Fetch request, reached
 * through the factory the Kafka instance keeps under a private symbol. test/core/rangeReader.test.ts
 * fails first if a kafkajs upgrade moves it.
 */
import type { Kafka } from 'kafkajs';
import type { KafkaClient } from './client';
import { kafkaErrorType } from './client';
// Registers the snappy, lz4 and zstd codecs, so compressed topics can be read.
import './codecs';
import type { Isolation, RawMessage } from './consumer';
import { KafkaWorkbenchError } from './errors';
import { decodeFetchV11, type FetchedPartition } from './fastFetch';
import { topicPartitions, unknownTopic, watermarks } from './offsets';

/** What this file needs of kafkajs' internal cluster and broker objects. */
export interface KjsBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: KjsPartitionData[] }[] }>;
}
interface KjsProtocolRequest {
  request: { apiVersion: number };
  response: { decode(raw: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}
interface KjsBrokerInternals {
  lookupRequest(apiKey: number, definition: unknown): (args: object) => KjsProtocolRequest;
}
/** kafkajs' decoder and the lean one (fastFetch.ts) give the same shape. */
export type KjsPartitionData = FetchedPartition;
export interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(node: { nodeId: string }): Promise<KjsBroker>;
}
type AbortFilter = (args: { messages: KjsPartitionData['messages']; abortedTransactions?: KjsPartitionData['abortedTransactions'] }) => KjsPartitionData['messages'];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const FetchRequests = require('kafkajs/src/protocol/requests/fetch') as unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const apiKeys = require('kafkajs/src/protocol/requests/apiKeys') as { Fetch: number };

/**
 * Fetch through the broker's own connection (SASL, TLS, correlation, timeouts), decoding a v11
 * response with the lean decoder (fastFetch.ts) and anything else with kafkajs' decoder.
 */
export async function leanFetch(broker: KjsBroker, args: Parameters<KjsBroker['fetch']>[0], prefilter?: Buffer): Promise<Awaited<ReturnType<KjsBroker['fetch']>>> {
  const internals = broker as unknown as KjsBrokerInternals & Record<symbol, (r: KjsProtocolRequest) => Promise<unknown>>;
  const send = Object.getOwnPropertySymbols(Object.getPrototypeOf(broker) as object)
    .filter((sym) => sym.description === 'private:Broker:sendRequest')
    .map((sym) => internals[sym])[0];
  if (typeof internals.lookupRequest !== 'function' || typeof send !== 'function') return broker.fetch(args);
  const protocol = internals.lookupRequest(apiKeys.Fetch, FetchRequests)({ ...args, rackId: '' });
  if (protocol.request.apiVersion !== 11) return broker.fetch(args);
  const { decode, parse } = protocol.response;
  const lean: KjsProtocolRequest = {
    ...protocol,
    response: {
      decode: async (raw: Buffer) => (await decodeFetchV11(raw, prefilter)) ?? decode(raw),
      parse,
    },
  };
  return (await send.call(broker, lean)) as Awaited<ReturnType<KjsBroker['fetch']>>;
}

// The consumer's own filter of aborted transactions (read_committed); only called when the
// broker lists aborted transactions in the response.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const filterAborted = require('kafkajs/src/consumer/filterAbortedMessages') as AbortFilter;

/** a < b for offsets as decimal strings (no sign, no leading zeros), without BigInt or Long per record. */
export function offsetBefore(a: string, b: string): boolean {
  return a.length !== b.length ? a.length < b.length : a < b;
}

/** Where reading a partition goes on after a fetch from `fetched`: past its last record, or to the broker's next offset. */
export function positionAfter(fetched: string, pd: KjsPartitionData): string {
  let position = fetched;
  const raw = pd.messages;
  if (raw.length > 0) {
    const last = raw[raw.length - 1].offset;
    if (!offsetBefore(last, position)) position = (BigInt(last) + 1n).toString();
  }
  if (pd.nextOffset !== undefined && offsetBefore(position, pd.nextOffset)) position = pd.nextOffset;
  return position;
}

/**
 * The records of a fetch from `fetched` that a reader hands on: aborted transactions dropped (the
 * broker lists them only for read_committed), none before `fetched` (a compressed batch can start
 * before it) or at or after `end` (a range's end can fall inside a batch), no control records.
 */
export function deliverable(pd: KjsPartitionData, fetched: string, end?: string): RawMessage[] {
  let messages = pd.abortedTransactions?.length ? filterAborted({ messages: pd.messages, abortedTransactions: pd.abortedTransactions }) : pd.messages;
  let lo = 0;
  while (lo < messages.length && offsetBefore(messages[lo].offset, fetched)) lo++;
  let hi = messages.length;
  if (end !== undefined) while (hi > lo && !offsetBefore(messages[hi - 1].offset, end)) hi--;
  if (lo > 0 || hi < messages.length) messages = messages.slice(lo, hi);
  if (messages.some((m) => m.isControlRecord)) messages = messages.filter((m) => !m.isControlRecord);
  return messages;
}

export function internalCluster(kafka: Kafka, isolation: Isolation): KjsCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const create = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
  if (typeof create !== 'function') {
    throw new KafkaWorkbenchError('This build of kafkajs cannot read partitions directly (its internal cluster factory moved): topic search and record fetch need kafkajs 2.2.4.', 'other');
  }
  return (create as (o: object) => KjsCluster)({
    metadataMaxAge: 300_000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    isolationLevel: isolation === 'read_committed' ? 1 : 0,
  });
}

export interface OffsetRange {
  /** First offset to read. */
  from: string;
  /** Offset to stop before (exclusive). */
  to: string;
}

export interface RangeReadOptions {
  topic: string;
  ranges: Map<number, OffsetRange>;
  isolation: Isolation;
  signal?: AbortSignal;
  /**
   * Bytes every record the sink wants contains (a search's required text, UTF-8): batches without
   * them are not decoded, and reach the sink only as a count ({@link RangeReadSink.skipped}).
   */
  prefilter?: Buffer;
  /** Bytes asked per partition per fetch (default 1 MiB: smaller rounds die young in the GC; a bigger record is still returned whole). */
  maxBytesPerPartition?: number;
}

export interface PartitionPosition {
  partition: number;
  /** Next offset to read. */
  position: string;
  from: string;
  to: string;
  done: boolean;
  /** Records deleted by retention ahead of the reader (it jumped to the earliest kept offset). */
  skipped: string;
}

export interface RangeReadSink {
  /** Records of one partition, in offset order, all inside the range. Returning a promise holds the reader. */
  records(partition: number, messages: RawMessage[]): void | Promise<void>;
  /** How many records of the range the prefilter let go without decoding them. */
  skipped?(partition: number, count: number): void | Promise<void>;
}

export interface RangeReadResult {
  positions: PartitionPosition[];
  cancelled: boolean;
}

type Round = { data: KjsPartitionData[] } | { error: unknown };

const RETRIABLE = /^(NOT_LEADER_FOR_PARTITION|NOT_LEADER_OR_FOLLOWER|LEADER_NOT_AVAILABLE|UNKNOWN_TOPIC_OR_PARTITION|REQUEST_TIMED_OUT|KAFKA_STORAGE_ERROR|FENCED_LEADER_EPOCH|UNKNOWN_LEADER_EPOCH)$/;

/**
 * An open connection for reading ranges of one topic. Tracked by the client, so closing the
 * connection closes it; {@link close} it when done.
 */
export class RangeReader {
  private untrack: (() => void) | undefined;
  private closed = false;
  private state = new Map<number, PartitionPosition>();

  private constructor(
    private readonly client: KafkaClient,
    private readonly cluster: KjsCluster,
    readonly topic: string,
    readonly isolation: Isolation,
  ) {}

  static async open(client: KafkaClient, topic: string, isolation: Isolation): Promise<RangeReader> {
    await topicPartitions(client, topic); // a clear message for a topic that does not exist
    const cluster = internalCluster(client.kafkajs, isolation);
    const reader = new RangeReader(client, cluster, topic, isolation);
    reader.untrack = client.track(() => reader.close());
    try {
      await cluster.connect();
      await cluster.addTargetTopic(topic);
    } catch (e) {
      await reader.close();
      throw reader.explain(e);
    }
    return reader;
  }

  private explain(e: unknown): KafkaWorkbenchError {
    if (e instanceof KafkaWorkbenchError) return e;
    if (kafkaErrorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION') return unknownTopic(this.topic);
    return this.client.explain(e);
  }

  /** Where the current (or last) read is in each partition. */
  positions(): PartitionPosition[] {
    return [...this.state.values()].map((p) => ({ ...p }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.untrack?.();
    await this.cluster.disconnect().catch(() => undefined);
  }

  /**
   * Reads every range to its end (or until cancelled), handing records to the sink in offset order
   * per partition. Leaders are fetched in parallel; the next fetch is on its way while the sink works.
   */
  async read(options: Omit<RangeReadOptions, 'topic' | 'isolation'>, sink: RangeReadSink): Promise<RangeReadResult> {
    const maxBytes = options.maxBytesPerPartition ?? 1024 * 1024;
    const state = new Map<number, PartitionPosition>();
    this.state = state;
    for (const [partition, r] of options.ranges) {
      state.set(partition, { partition, position: r.from, from: r.from, to: r.to, done: !offsetBefore(r.from, r.to), skipped: '0' });
    }
    const active = () => [...state.values()].filter((s) => !s.done).map((s) => s.partition);
    let failures = 0;
    let emptyRounds = 0;
    // One fetch round is always in flight while the sink works on the previous one.
    const { prefilter } = options;
    let next: Promise<Round> | undefined = active().length > 0 ? this.fetchRound(state, active(), maxBytes, prefilter) : undefined;
    while (next) {
      const round = await next;
      next = undefined;
      if (options.signal?.aborted) return { positions: [...state.values()], cancelled: true };
      if (this.closed) throw new KafkaWorkbenchError('The read was stopped: the connection was closed.', 'other');
      if ('error' in round) {
        await this.recover(round.error, state, ++failures);
        if (active().length > 0) next = this.fetchRound(state, active(), maxBytes, prefilter);
        continue;
      }
      failures = 0;
      // Positions advance before the sink runs, so the next fetch can go out at once.
      const work: [number, RawMessage[]][] = [];
      const skippedCounts: [number, number][] = [];
      let anything = false;
      for (const pd of round.data) {
        const s = state.get(pd.partition);
        if (!s || s.done) continue;
        const raw = pd.messages;
        const fetched = s.position;
        s.position = positionAfter(fetched, pd);
        if (raw.length > 0 || s.position !== fetched) anything = true;
        if (pd.skipped) {
          // Records of skipped batches inside [fetched, to): a count for progress (gaps from compaction aside).
          const lo = Number(fetched);
          const hi = Number(s.to) - 1;
          let n = 0;
          for (const b of pd.skipped) n += Math.max(0, Math.min(b.lastOffset, hi) - Math.max(b.baseOffset, lo) + 1);
          if (n > 0) skippedCounts.push([pd.partition, n]);
        }
        const end = s.to;
        const high = pd.lastStableOffset && !pd.lastStableOffset.startsWith('-') ? pd.lastStableOffset : pd.highWatermark;
        // Done at the range's end, or when nothing more can be read (the end was beyond what is
        // readable: records compacted away, an open transaction, or a partition truncated).
        if (!offsetBefore(s.position, end) || (raw.length === 0 && !offsetBefore(s.position, high))) {
          s.done = true;
          if (offsetBefore(end, s.position)) s.position = end;
        }
        const messages = deliverable(pd, fetched, end);
        if (messages.length > 0) work.push([pd.partition, messages]);
      }
      if (!anything && ++emptyRounds > 50) {
        // Leaders answer but nothing moves: say so rather than spin.
        throw new KafkaWorkbenchError(`Reading ${this.topic} makes no progress (partitions ${active().join(', ')} return no records before their end offsets).`, 'other');
      }
      if (anything) emptyRounds = 0;
      if (active().length > 0) next = this.fetchRound(state, active(), maxBytes, prefilter);
      for (const [partition, count] of skippedCounts) await sink.skipped?.(partition, count);
      for (const [partition, messages] of work) {
        await sink.records(partition, messages);
        if (options.signal?.aborted) break;
      }
    }
    return { positions: [...state.values()], cancelled: options.signal?.aborted ?? false };
  }

  /** One fetch from every leader of the active partitions; never rejects (a failure is returned). */
  private async fetchRound(state: Map<number, PartitionPosition>, partitions: number[], maxBytes: number, prefilter?: Buffer): Promise<Round> {
    try {
      const byLeader = this.cluster.findLeaderForPartitions(this.topic, partitions);
      const responses = await Promise.all(
        Object.entries(byLeader).map(async ([leader, ps]) => {
          const broker = await this.cluster.findBroker({ nodeId: leader });
          const response = await leanFetch(broker, {
            replicaId: -1,
            isolationLevel: this.isolation === 'read_committed' ? 1 : 0,
            maxWaitTime: 100,
            minBytes: 1,
            maxBytes: maxBytes * Math.max(1, ps.length),
            topics: [{ topic: this.topic, partitions: ps.map((p) => ({ partition: p, fetchOffset: state.get(p)!.position, maxBytes })) }],
          }, prefilter);
          return response.responses.flatMap((r) => r.partitions);
        }),
      );
      return { data: responses.flat() };
    } catch (error) {
      return { error };
    }
  }

  /** After a failed fetch: retention passed us, a leader moved, or the topic went away. */
  private async recover(e: unknown, state: Map<number, PartitionPosition>, failures: number): Promise<void> {
    const type = kafkaErrorType(e) ?? (e as { name?: string }).name;
    if (type === 'OFFSET_OUT_OF_RANGE' || (e as { name?: string }).name === 'KafkaJSOffsetOutOfRange') {
      // Records were deleted ahead of us (retention): jump to the earliest kept offset and count the gap.
      const marks = await watermarks(this.client, this.topic);
      for (const m of marks) {
        const s = state.get(m.partition);
        if (!s || s.done) continue;
        if (BigInt(s.position) < BigInt(m.low)) {
          s.skipped = (BigInt(s.skipped) + BigInt(m.low) - BigInt(s.position)).toString();
          s.position = m.low;
          if (BigInt(s.position) >= BigInt(s.to)) s.done = true;
        }
      }
      return;
    }
    if (failures > 1 || type === 'UNKNOWN_TOPIC_OR_PARTITION') {
      // The topic may have been deleted while we read it.
      const exists = await topicPartitions(this.client, this.topic).then(
        () => true,
        (err: unknown) => !(err instanceof KafkaWorkbenchError && err.reason === 'unknown-topic'),
      );
      if (!exists) throw unknownTopic(this.topic);
    }
    if (failures > 6 || !type || !RETRIABLE.test(type)) throw this.explain(e);
    await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** failures)));
    await this.cluster.refreshMetadata().catch(() => undefined);
  }
}

/** Where a range starts or ends: an offset (one for all, or per partition), a time, or the ends. */
export type RangeBound =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: string | Record<number, string> }
  /** The first record at or after this time (ms since the epoch). */
  | { kind: 'timestamp'; timestamp: number };

/**
 * Turns bounds into offset ranges per partition, clamped to what the partitions hold now. A `to`
 * time is exclusive: records before it. Partitions that do not exist are refused with the valid range.
 */
export async function resolveRanges(client: KafkaClient, topic: string, partitions: number[] | undefined, from: RangeBound, to: RangeBound): Promise<Map<number, OffsetRange>> {
  const marks = await watermarks(client, topic);
  const byPartition = new Map(marks.map((m) => [m.partition, m]));
  const chosen = partitions?.length ? [...new Set(partitions)].sort((a, b) => a - b) : marks.map((m) => m.partition);
  for (const p of chosen) {
    if (!byPartition.has(p)) throw new KafkaWorkbenchError(`Topic "${topic}" has no partition ${p}: it has ${marks.length} (0–${marks.length - 1}).`, 'invalid-input');
  }
  const at = async (bound: RangeBound): Promise<Map<number, bigint>> => {
    const out = new Map<number, bigint>();
    if (bound.kind === 'timestamp') {
      if (!Number.isFinite(bound.timestamp)) throw new KafkaWorkbenchError('The time is not a valid date.', 'invalid-input');
      const byTime = await client.withAdmin(`find offsets of ${topic} by time`, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, bound.timestamp));
      const found = new Map(byTime.map((o) => [o.partition, o.offset]));
      for (const p of chosen) {
        const o = found.get(p);
        out.set(p, o === undefined || BigInt(o) < 0n ? BigInt(byPartition.get(p)!.high) : BigInt(o));
      }
      return out;
    }
    for (const p of chosen) {
      const { low, high } = byPartition.get(p)!;
      if (bound.kind === 'earliest') out.set(p, BigInt(low));
      else if (bound.kind === 'latest') out.set(p, BigInt(high));
      else {
        const text = typeof bound.offset === 'string' ? bound.offset : bound.offset[p];
        if (text === undefined || !/^\s*\d+\s*$/.test(text)) {
          throw new KafkaWorkbenchError(`"${text ?? ''}" is not an offset for partition ${p} of "${topic}": enter a whole number, 0 or more.`, 'invalid-input');
        }
        out.set(p, BigInt(text.trim()));
      }
    }
    return out;
  };
  const [starts, ends] = await Promise.all([at(from), at(to)]);
  const ranges = new Map<number, OffsetRange>();
  for (const p of chosen) {
    const { low, high } = byPartition.get(p)!;
    const clamp = (n: bigint) => (n < BigInt(low) ? BigInt(low) : n > BigInt(high) ? BigInt(high) : n);
    const f = clamp(starts.get(p)!);
    const t = clamp(ends.get(p)!);
    ranges.set(p, { from: f.toString(), to: (t < f ? f : t).toString() });
  }
  return ranges;
}
