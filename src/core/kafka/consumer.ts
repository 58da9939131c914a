import {
  AssignerProtocol,
  PartitionAssigners,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type PartitionAssigner,
} from 'kafkajs';
import type { KafkaClient } from './client';
import { KafkaWorkbenchError } from './errors';
import { TailBase, tailPartitions } from './tailBase';
// Registers the snappy, lz4 and zstd codecs, so compressed topics can be read.
import './codecs';
import {
  committedOffsets,
  resolveStartOffsets,
  topicPartitions,
  unknownTopic,
  watermarks,
  type PartitionWatermarks,
  type StartPosition,
} from './offsets';

/** The tail's consumer session time-out; a Schema Registry lookup inside a batch gives up well before it (REGISTRY_LOOKUP_TIMEOUT_MS). */
export const CONSUMER_SESSION_TIMEOUT_MS = 10_000;

export type CommitMode = 'automatic' | 'manual' | 'afterDisplay';
export type Isolation = 'read_committed' | 'read_uncommitted';

export interface TailGroup {
  groupId: string;
  /**
   * automatic: the consumer commits what it has delivered every `autoCommitIntervalMs`;
   * manual: only {@link TopicTail.commit} commits; afterDisplay: the caller commits what it has shown
   * (also with {@link TopicTail.commit}).
   */
  commit: CommitMode;
  autoCommitIntervalMs?: number;
}

export interface TailOptions {
  topic: string;
  /** Partitions to read; all when absent or empty. */
  partitions?: number[];
  start: StartPosition;
  /** Absent: no group. Partitions are read directly, nothing is ever committed. */
  group?: TailGroup;
  isolation: Isolation;
}

export interface RawHeader {
  key: string;
  value: Buffer | null;
}

/** Headers as the client library hands them over: repeated keys come as arrays. */
export type RawHeaders = { [key: string]: Buffer | string | (Buffer | string)[] | undefined };

/**
 * One record as fetched, passed on without copying (a million of them go by in seconds). Decode
 * the headers with {@link headersOf}.
 */
export interface RawMessage {
  offset: string;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RawHeaders;
}

/** A fetched record with its partition and decoded header list (for callers that keep few). */
export interface RawRecord {
  partition: number;
  offset: string;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeader[];
}

export function toRawRecords(partition: number, messages: RawMessage[]): RawRecord[] {
  return messages.map((m) => ({ partition, offset: m.offset, timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value, headers: headersOf(m.headers) }));
}

export type TailState =
  | { state: 'starting' }
  | { state: 'live'; assigned: number[] }
  | { state: 'paused'; assigned: number[] }
  /**
   * The group is redistributing its partitions (a member joined, left or died): nothing is read until
   * every member has rejoined, which a slow member can hold up for the rebalance timeout. `assigned`
   * is what this member had before.
   */
  | { state: 'rebalancing'; assigned: number[] }
  /** The cluster went away; kafkajs reconnects and the tail resumes where it was. */
  | { state: 'reconnecting'; message: string }
  | { state: 'stopped'; error?: KafkaWorkbenchError };

export interface TailListener {
  /**
   * One fetched batch of one partition, in offset order. A returned promise holds the next fetch
   * back until it settles (an asynchronous deserializer step), so batches stay in order.
   */
  records(partition: number, messages: RawMessage[]): void | Promise<void>;
  state?(state: TailState): void;
  /** Records deleted (retention, DeleteRecords) before the tail read them: it went on from the earliest kept. */
  skipped?(skip: SkippedRecords): void;
  /** Partitions added to the topic while a tail of all its partitions runs: it reads them too, from their start. */
  partitionsAdded?(partitions: number[]): void;
}

export interface SkippedRecords {
  partition: number;
  /** The offset the tail was to read next, and the first one it got instead. */
  from: string;
  to: string;
  count: string;
}

export interface PartitionProgress extends PartitionWatermarks {
  /** Next offset this tail will read (last delivered + 1), when it has read or been placed. */
  position?: string;
  /** The group's committed offset, when there is a group and it has committed. */
  committed?: string;
  /** Records after the committed offset (or after the position without a group). */
  lag?: string;
}

/** A live read of one topic: {@link TopicTail} (through a consumer group) or DirectTail (directTail.ts, no group). */
export interface Tail {
  /** The group read through; empty for a tail without one. */
  readonly groupId: string;
  /** True when no group of the user's is involved (nothing can be committed). */
  readonly throwaway: boolean;
  readonly state: TailState;
  /** Partitions read; grows when partitions are added to the topic of a tail of every partition. */
  partitions: number[];
  /** Next offset per partition: last delivered + 1. */
  positions(): Map<number, string>;
  assignedPartitions(): number[];
  pause(): void;
  resume(): void;
  commit(upTo?: { partition: number; offset: string }[]): Promise<Map<number, string>>;
  progress(): Promise<PartitionProgress[]>;
  stop(error?: KafkaWorkbenchError): Promise<void>;
}

const ASSIGNER_NAME = 'KafkaWorkbenchAssigner';

/**
 * Hands each partition to one member that asked for it (round robin). Every member announces the
 * partitions it wants in its metadata, so viewers that chose different partitions can share a group.
 */
function workbenchAssigner(wanted: number[] | undefined): PartitionAssigner {
  return ({ cluster }) => ({
    name: ASSIGNER_NAME,
    version: 1,
    protocol({ topics }) {
      const userData = Buffer.from(JSON.stringify({ partitions: wanted ?? null }));
      return { name: ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData }) };
    },
    async assign({ members, topics }) {
      const decoded = members
        .map((m) => {
          const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          let want: number[] | null = null;
          try {
            want = (JSON.parse(meta?.userData.toString() || '{}') as { partitions?: number[] | null }).partitions ?? null;
          } catch {
            want = null;
          }
          return { memberId: m.memberId, topics: meta?.topics ?? [], want };
        })
        .sort((a, b) => a.memberId.localeCompare(b.memberId));
      const assignment = new Map<string, Record<string, number[]>>(decoded.map((m) => [m.memberId, {}]));
      for (const topic of topics) {
        const partitions = cluster
          .findTopicPartitionMetadata(topic)
          .map((p) => p.partitionId)
          .sort((a, b) => a - b);
        let turn = 0;
        for (const partition of partitions) {
          const candidates = decoded.filter((m) => m.topics.includes(topic) && (m.want === null || m.want.includes(partition)));
          if (candidates.length === 0) continue;
          const member = candidates[turn++ % candidates.length];
          const mine = assignment.get(member.memberId)!;
          (mine[topic] ??= []).push(partition);
        }
      }
      return decoded.map((m) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: assignment.get(m.memberId)!, userData: Buffer.alloc(0) }),
      }));
    },
  });
}

const NO_HEADERS: RawHeader[] = [];

/** The header list of a record; a shared empty list when it has none. */
export function headersOf(headers: RawHeaders | IHeaders | undefined): RawHeader[] {
  if (!headers) return NO_HEADERS;
  let out: RawHeader[] | undefined;
  for (const [key, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) (out ??= []).push({ key, value: v === undefined || v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v) });
  }
  return out ?? NO_HEADERS;
}

function isUnknownTopic(e: unknown): boolean {
  let current: unknown = e;
  for (let i = 0; i < 6 && current && typeof current === 'object'; i++) {
    const c = current as { type?: string; message?: string; originalError?: unknown; cause?: unknown };
    if (/UNKNOWN_TOPIC|does not host this topic/i.test(`${c.type ?? ''} ${c.message ?? ''}`)) return true;
    current = c.originalError ?? c.cause;
  }
  return false;
}

/**
 * A live read of one topic through a consumer group (a tail without one is a DirectTail: see
 * {@link startTail}). The tail tracks its own position per partition and seeks back to it
 * whenever the group is (re)joined, so a broker restart resumes exactly where it left off.
 */
export class TopicTail extends TailBase implements Tail {
  private consumer: Consumer | undefined;
  private assigned: number[] = [];
  private paused = false;
  private checking = false;

  readonly groupId: string;
  readonly throwaway = false;

  private constructor(client: KafkaClient, options: TailOptions, partitions: number[], initial: Map<number, string | undefined>, listener: TailListener) {
    super(client, options, partitions, initial, listener);
    this.groupId = options.group?.groupId ?? '';
  }

  /** Validates the options against the cluster (topic, partitions, start offsets), then starts reading. */
  static async start(client: KafkaClient, options: TailOptions, listener: TailListener): Promise<TopicTail> {
    const partitions = await tailPartitions(client, options);
    if (!options.group) throw new KafkaWorkbenchError('A tail without a consumer group reads the partitions directly (startTail).', 'other');
    if (!options.group.groupId.trim()) throw new KafkaWorkbenchError('The group id is empty.', 'invalid-input');
    const initial = await resolveStartOffsets(client, options.topic, partitions, options.start);
    const tail = new TopicTail(client, options, partitions, initial, listener);
    await tail.run();
    return tail;
  }

  assignedPartitions(): number[] {
    return [...this.assigned];
  }

  private async run(): Promise<void> {
    const { topic, group, isolation } = this.options;
    const autoCommit = group?.commit === 'automatic';
    const wanted = this.partitions;
    const everyPartition = !this.options.partitions?.length;
    const consumer = this.client.kafkajs.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: isolation === 'read_uncommitted',
      sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 250,
      // Metadata is read again this often: a partition added to the topic is noticed (and, for a
      // tail of every partition, read) within seconds rather than kafkajs' default five minutes.
      metadataMaxAge: 10_000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3_000 },
      partitionAssigners:
        group && everyPartition ? [workbenchAssigner(undefined), PartitionAssigners.roundRobin] : [workbenchAssigner(everyPartition ? undefined : wanted)],
    });
    this.consumer = consumer;
    this.untrack = this.client.track(() => this.stop());

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      const added = everyPartition ? this.assigned.filter((p) => !this.partitions.includes(p)) : [];
      if (added.length) {
        this.partitions = [...this.partitions, ...added].sort((a, b) => a - b);
        // A new partition has no position yet: read from its start, so none of its records is missed.
        for (const p of added) if (!this.initial.has(p)) this.initial.set(p, '0');
        this.listener.partitionsAdded?.(added);
      }
      for (const partition of this.assigned) {
        // Where we were (after a reconnect or rebalance), else the chosen start; undefined: the group's commit.
        const offset = this.next.get(partition) ?? this.initial.get(partition);
        if (offset !== undefined) consumer.seek({ topic, partition, offset });
      }
      if (this.paused) consumer.pause([{ topic }]);
      this.setState(this.paused ? { state: 'paused', assigned: this.assigned } : { state: 'live', assigned: this.assigned });
    });
    // kafkajs says so when a heartbeat, fetch or commit is answered REBALANCE_IN_PROGRESS, just
    // before it rejoins; GROUP_JOIN above ends it.
    consumer.on(consumer.events.REBALANCING, () => {
      if (!this.stopping) this.setState({ state: 'rebalancing', assigned: this.assigned });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopping) return;
      void this.onCrash(payload.error, payload.restart);
    });
    // A fetch answered: the outage the watch below reported is over, records or not.
    consumer.on(consumer.events.FETCH, () => {
      if (this.current.state === 'reconnecting' && !this.stopping) this.setState({ state: this.paused ? 'paused' : 'live', assigned: this.assigned });
    });

    try {
      await consumer.connect();
      const fallback = this.options.start.kind === 'committed' ? (this.options.start.fallback ?? 'earliest') : 'earliest';
      await consumer.subscribe({ topics: [topic], fromBeginning: fallback === 'earliest' });
      await consumer.run({
        autoCommit,
        autoCommitInterval: autoCommit ? (group?.autoCommitIntervalMs ?? 5_000) : null,
        eachBatchAutoResolve: true,
        eachBatch: async (payload) => this.onBatch(payload),
      });
    } catch (e) {
      await this.stop();
      throw this.explain(e);
    }
    this.watchTimer = setInterval(() => void this.checkTopic(), 5_000);
  }

  private onBatch({ batch, isRunning, isStale }: EachBatchPayload): void | Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const expected = this.next.get(batch.partition);
    if (expected !== undefined && BigInt(batch.firstOffset()!) > BigInt(expected)) void this.checkSkipped(batch.partition, expected, batch.firstOffset()!);
    this.next.set(batch.partition, (BigInt(batch.lastOffset()) + 1n).toString());
    if (this.current.state === 'reconnecting' || this.current.state === 'starting') this.setState({ state: 'live', assigned: this.assigned });
    return this.listener.records(batch.partition, batch.messages);
  }

  /**
   * A gap between batches is routine (transaction markers, compaction) unless the records were
   * deleted: then the partition's earliest kept offset is past where the tail was, and kafkajs has
   * reset it to that earliest one (offset out of range). Said, never skipped silently.
   */
  private async checkSkipped(partition: number, expected: string, got: string): Promise<void> {
    try {
      const low = (await watermarks(this.client, this.options.topic)).find((m) => m.partition === partition)?.low;
      if (low === undefined || BigInt(low) <= BigInt(expected) || this.stopping) return;
      const to = BigInt(got) < BigInt(low) ? got : low;
      this.listener.skipped?.({ partition, from: expected, to, count: (BigInt(to) - BigInt(expected)).toString() });
    } catch {
      // The watermarks could not be read (an outage): the gap stays unexplained rather than guessed.
    }
  }

  private explain(e: unknown): KafkaWorkbenchError {
    if (isUnknownTopic(e)) return unknownTopic(this.options.topic);
    if (/INCONSISTENT_GROUP_PROTOCOL|inconsistent group protocol/i.test(`${(e as { type?: string }).type ?? ''} ${(e as Error).message}`)) {
      return new KafkaWorkbenchError(
        `Group "${this.groupId}" is in use by consumers with another partition assignment strategy, so this viewer cannot join it: use another group, or no group.`,
        'invalid-input',
      );
    }
    return this.client.explain(e);
  }

  private async onCrash(error: Error, restart: boolean): Promise<void> {
    const explained = this.explain(error);
    // Said at once: the topic check below waits for the cluster, which may be what is down.
    if (restart) this.setState({ state: 'reconnecting', message: explained.message });
    if (!(await this.topicStillExists())) {
      await this.stop(unknownTopic(this.options.topic));
      return;
    }
    if (!restart) await this.stop(explained);
  }

  /**
   * Every 5 s. kafkajs keeps retrying a deleted topic quietly; this notices and stops the tail with
   * the reason. It also notices an outage: kafkajs retries a lost broker for tens of seconds before
   * it gives up (its CRASH event), and said nothing meanwhile, so the viewer kept saying "live".
   */
  private async checkTopic(): Promise<void> {
    if (this.stopping || this.checking) return;
    this.checking = true;
    try {
      await topicPartitions(this.client, this.options.topic);
    } catch (e) {
      if (this.stopping) return;
      if (e instanceof KafkaWorkbenchError && e.reason === 'unknown-topic') await this.stop(e);
      else if (this.current.state === 'live' || this.current.state === 'rebalancing') this.setState({ state: 'reconnecting', message: this.explain(e).message });
    } finally {
      this.checking = false;
    }
  }

  pause(): void {
    this.paused = true;
    this.consumer?.pause([{ topic: this.options.topic }]);
    if (this.current.state === 'live') this.setState({ state: 'paused', assigned: this.assigned });
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume([{ topic: this.options.topic }]);
    if (this.current.state === 'paused') this.setState({ state: 'live', assigned: this.assigned });
  }

  /**
   * Commits offsets to the group and returns what the broker then holds. Default: everything
   * delivered so far (the last record shown). `upTo`: commit through that record of its partition.
   */
  async commit(upTo?: { partition: number; offset: string }[]): Promise<Map<number, string>> {
    const consumer = this.consumer;
    if (!consumer || this.stopping) throw new KafkaWorkbenchError('The viewer has stopped: nothing can be committed any more.', 'other');
    const offsets = upTo
      ? upTo.map((r) => ({ topic: this.options.topic, partition: r.partition, offset: (BigInt(r.offset) + 1n).toString() }))
      : [...this.next].map(([partition, offset]) => ({ topic: this.options.topic, partition, offset }));
    if (offsets.length > 0) {
      try {
        await consumer.commitOffsets(offsets);
      } catch (e) {
        throw this.explain(e);
      }
    }
    return committedOffsets(this.client, this.groupId, this.options.topic);
  }

  /** Watermarks, position, committed offset and lag of every chosen partition. */
  async progress(): Promise<PartitionProgress[]> {
    const [marks, committed] = await Promise.all([
      watermarks(this.client, this.options.topic),
      committedOffsets(this.client, this.groupId, this.options.topic),
    ]);
    return marks
      .filter((m) => this.partitions.includes(m.partition))
      .map((m) => {
        const position = this.next.get(m.partition) ?? (this.assigned.includes(m.partition) ? this.initial.get(m.partition) : undefined);
        const c = committed.get(m.partition);
        const lag = c !== undefined ? (BigInt(m.high) - BigInt(c)).toString() : undefined;
        return { ...m, position, committed: c, lag };
      });
  }

  /** Leaves the group. */
  protected async release(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
