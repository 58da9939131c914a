/**
 * The "no group" tail: reads the chosen partitions straight from their leaders, as the range reader
 * does (kafkajs' own cluster object and Fetch request, the lean decoder of fastFetch.ts), for as long
 * as it runs. Nothing joins a group, so a viewer shows records after one round trip instead of a
 * group join, leaves nothing on the cluster, and decodes ~2× faster than kafkajs' consumer (which
 * always joins a group: kafkajs 2.2.4 has no assign API). A tail with a group uses
 * {@link TopicTail} (consumer.ts).
 *
 * What the consumer did for the viewer, this does itself:
 * - one fetch always in flight while the listener works on the previous one (long-polled, 250 ms);
 * - leader moves and outages: the fetch is retried with fresh metadata, forever, with backoff; the
 *   state says "reconnecting" with the cause once a retry failed, and "live" again when a fetch works;
 *   positions are kept, so nothing is lost or repeated;
 * - records deleted ahead of the tail (retention, DeleteRecords): it goes on from the earliest kept
 *   offset and says how many it missed ({@link TailListener.skipped});
 * - partitions added to the topic (a tail of every partition): read from their start;
 * - the topic deleted: stops with the reason.
 */
import type { KafkaClient } from './client';
import { kafkaErrorType } from './client';
import type { PartitionProgress, RawMessage, Tail, TailListener, TailOptions } from './consumer';
import { KafkaWorkbenchError } from './errors';
import { resolveStartOffsets, topicPartitions, unknownTopic, watermarks } from './offsets';
import { TailBase, tailPartitions } from './tailBase';
import { deliverable, internalCluster, leanFetch, offsetBefore, positionAfter, type KjsCluster, type KjsPartitionData } from './rangeReader';

/** Bytes asked per partition per fetch (kafkajs' consumer default too). */
const MAX_BYTES_PER_PARTITION = 1024 * 1024;
/** How long the broker holds a fetch that finds nothing new (the live tail's latency). */
const MAX_WAIT_MS = 250;
/** How often the topic's partitions are checked (added ones, a deleted topic). */
const TOPIC_CHECK_MS = 5_000;

type Round = { data: KjsPartitionData[] } | { error: unknown };

export class DirectTail extends TailBase implements Tail {
  readonly groupId = '';
  readonly throwaway = true;
  private cluster: KjsCluster | undefined;
  private paused = false;
  private wake: (() => void) | undefined;

  private constructor(client: KafkaClient, options: TailOptions, partitions: number[], initial: Map<number, string | undefined>, listener: TailListener) {
    super(client, options, partitions, initial, listener);
    for (const [p, o] of initial) if (o !== undefined) this.next.set(p, o);
  }

  /** Validates the options against the cluster (topic, partitions, start offsets), then starts reading. */
  static async start(client: KafkaClient, options: TailOptions, listener: TailListener): Promise<DirectTail> {
    if (options.group) throw new KafkaWorkbenchError('A tail with a consumer group reads through the group.', 'other');
    if (options.start.kind === 'committed') {
      throw new KafkaWorkbenchError('"Committed offset" needs a consumer group: choose a group, or another start position.', 'invalid-input');
    }
    const partitions = await tailPartitions(client, options);
    const initial = await resolveStartOffsets(client, options.topic, partitions, options.start);
    const tail = new DirectTail(client, options, partitions, initial, listener);
    await tail.open();
    return tail;
  }

  private async open(): Promise<void> {
    const cluster = internalCluster(this.client.kafkajs, this.options.isolation);
    this.cluster = cluster;
    this.untrack = this.client.track(() => this.stop());
    try {
      await cluster.connect();
      await cluster.addTargetTopic(this.options.topic);
    } catch (e) {
      await this.stop();
      throw this.explain(e);
    }
    this.setState(this.paused ? { state: 'paused', assigned: this.partitions } : { state: 'live', assigned: this.partitions });
    this.watchTimer = setInterval(() => void this.checkTopic(), TOPIC_CHECK_MS);
    void this.run().catch((e: unknown) => this.stop(this.explain(e)));
  }

  assignedPartitions(): number[] {
    return [...this.partitions];
  }

  private explain(e: unknown): KafkaWorkbenchError {
    if (e instanceof KafkaWorkbenchError) return e;
    if (kafkaErrorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION') return unknownTopic(this.options.topic);
    return this.client.explain(e);
  }

  private async run(): Promise<void> {
    let failures = 0;
    let pending: Promise<Round> | undefined;
    while (!this.stopping) {
      if (this.paused) {
        // A fetch sent before the pause is dropped unread: positions move only with delivered records.
        pending = undefined;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const round = await (pending ?? this.fetchRound());
      pending = undefined;
      if (this.stopping || this.paused) continue;
      if ('error' in round) {
        failures++;
        await this.recover(round.error, failures);
        continue;
      }
      failures = 0;
      if (this.current.state === 'reconnecting') this.setState({ state: 'live', assigned: this.partitions });
      // Positions advance before the listener runs, so the next fetch is on its way meanwhile.
      const work: [number, RawMessage[]][] = [];
      for (const pd of round.data) {
        const fetched = this.next.get(pd.partition);
        if (fetched === undefined) continue;
        this.next.set(pd.partition, positionAfter(fetched, pd));
        const messages = deliverable(pd, fetched);
        if (messages.length > 0) work.push([pd.partition, messages]);
      }
      pending = this.fetchRound();
      for (const [partition, messages] of work) {
        if (this.stopping) break;
        await this.listener.records(partition, messages);
      }
    }
  }

  /** One fetch from every leader of the tail's partitions; never rejects (a failure is returned). */
  private async fetchRound(): Promise<Round> {
    const cluster = this.cluster!;
    const { topic, isolation } = this.options;
    try {
      const partitions = this.partitions.filter((p) => this.next.has(p));
      const byLeader = cluster.findLeaderForPartitions(topic, partitions);
      const responses = await Promise.all(
        Object.entries(byLeader).map(async ([leader, ps]) => {
          const broker = await cluster.findBroker({ nodeId: leader });
          const response = await leanFetch(broker, {
            replicaId: -1,
            isolationLevel: isolation === 'read_committed' ? 1 : 0,
            maxWaitTime: MAX_WAIT_MS,
            minBytes: 1,
            maxBytes: MAX_BYTES_PER_PARTITION * Math.max(1, ps.length),
            topics: [{ topic, partitions: ps.map((p) => ({ partition: p, fetchOffset: this.next.get(p)!, maxBytes: MAX_BYTES_PER_PARTITION })) }],
          });
          return response.responses.flatMap((r) => r.partitions);
        }),
      );
      // A partition with no known leader (an election under way) is simply not in this round.
      const led = new Set(Object.values(byLeader).flat());
      if (partitions.some((p) => !led.has(p))) await cluster.refreshMetadata().catch(() => undefined);
      return { data: responses.flat() };
    } catch (error) {
      return { error };
    }
  }

  /** After a failed fetch: records deleted ahead of us, a leader moved, the cluster went away, or the topic did. */
  private async recover(e: unknown, failures: number): Promise<void> {
    const type = kafkaErrorType(e) ?? (e as { name?: string }).name;
    if (type === 'OFFSET_OUT_OF_RANGE' || type === 'KafkaJSOffsetOutOfRange') {
      try {
        for (const m of await watermarks(this.client, this.options.topic)) {
          const position = this.next.get(m.partition);
          if (position === undefined) continue;
          if (offsetBefore(position, m.low)) {
            this.next.set(m.partition, m.low);
            this.listener.skipped?.({ partition: m.partition, from: position, to: m.low, count: (BigInt(m.low) - BigInt(position)).toString() });
          } else if (offsetBefore(m.high, position)) {
            // The partition holds less than we had read (truncated after an unclean election): go on from its end.
            this.next.set(m.partition, m.high);
          }
        }
        return;
      } catch {
        // Watermarks could not be read either: handled as an outage below.
      }
    }
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION' && !(await this.topicStillExists())) {
      await this.stop(unknownTopic(this.options.topic));
      return;
    }
    // A single failure is routine (a leader moved); from the second one on, say so.
    if (failures > 1 && !this.stopping && !this.paused) this.setState({ state: 'reconnecting', message: this.explain(e).message });
    await new Promise((r) => setTimeout(r, Math.min(3_000, 100 * 2 ** failures)));
    if (this.stopping) return;
    // Fresh metadata (leaders); after an outage the seed connection is made again.
    await this.cluster!.refreshMetadata().catch(async () => {
      await this.cluster!.connect().catch(() => undefined);
    });
  }

  /** Partitions added to the topic (read from their start by a tail of every partition), or the topic deleted. */
  private async checkTopic(): Promise<void> {
    if (this.stopping) return;
    let now: number[];
    try {
      now = await topicPartitions(this.client, this.options.topic);
    } catch (e) {
      if (e instanceof KafkaWorkbenchError && e.reason === 'unknown-topic' && !this.stopping) await this.stop(unknownTopic(this.options.topic));
      return;
    }
    if (this.options.partitions?.length || this.stopping) return;
    const added = now.filter((p) => !this.partitions.includes(p));
    if (added.length === 0) return;
    await this.cluster!.refreshMetadata().catch(() => undefined);
    for (const p of added) this.next.set(p, '0');
    this.partitions = [...this.partitions, ...added].sort((a, b) => a - b);
    this.listener.partitionsAdded?.(added);
  }

  pause(): void {
    this.paused = true;
    if (this.current.state === 'live') this.setState({ state: 'paused', assigned: this.partitions });
  }

  resume(): void {
    this.paused = false;
    if (this.current.state === 'paused') this.setState({ state: 'live', assigned: this.partitions });
    this.wake?.();
  }

  commit(): Promise<Map<number, string>> {
    return Promise.reject(new KafkaWorkbenchError('This viewer reads without a consumer group, so there is nothing to commit to.', 'invalid-input'));
  }

  async progress(): Promise<PartitionProgress[]> {
    const marks = await watermarks(this.client, this.options.topic);
    return marks
      .filter((m) => this.partitions.includes(m.partition))
      .map((m) => {
        const position = this.next.get(m.partition) ?? this.initial.get(m.partition);
        const lag = position !== undefined ? (BigInt(m.high) - BigInt(position)).toString() : undefined;
        return { ...m, position, committed: undefined, lag };
      });
  }

  /** Ends the fetch loop and closes the connections. */
  protected async release(): Promise<void> {
    this.wake?.();
    await this.cluster?.disconnect().catch(() => undefined);
  }
}
