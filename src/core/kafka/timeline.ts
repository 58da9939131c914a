/**
 * A topic's timeline: how many records fall in each time bucket, from offsets-for-times at the
 * bucket boundaries (ListOffsets by timestamp), so it costs O(buckets) requests (each answers every
 * partition) and reads no record. The count between two boundaries is the difference of the first
 * offsets at or after them, which is exact when timestamps grow with offsets (CreateTime from
 * well-behaved producers, or LogAppendTime) and approximate otherwise; transaction markers and
 * compacted records count as offsets too.
 */
import type { KafkaClient } from './client';
import { KafkaWorkbenchError } from './errors';
import { unknownTopic, watermarks, type PartitionWatermarks } from './offsets';

export interface TimelineOptions {
  topic: string;
  /** Partitions to count; all when absent or empty. */
  partitions?: number[];
  /** Range in ms since the epoch; absent: from the first record's time / to the last one's (found by {@link timeSpan}). */
  from?: number;
  to?: number;
  /** Number of buckets (default 60, at most 1,000). */
  buckets?: number;
  signal?: AbortSignal;
}

export interface TimelineBucket {
  /** Start (inclusive) and end (exclusive), ms since the epoch. */
  start: number;
  end: number;
  count: number;
  /** Counts per chosen partition, in the order of {@link Timeline.partitions}. */
  perPartition: number[];
  /** First offset at or after `start` per partition (where a viewer started at this bucket begins). */
  startOffsets: string[];
}

export interface Timeline {
  topic: string;
  partitions: number[];
  from: number;
  to: number;
  bucketMs: number;
  buckets: TimelineBucket[];
  /** Records in [from, to). */
  total: number;
  /** Records before `from` and at or after `to` (still kept by the topic). */
  before: number;
  after: number;
  /** ListOffsets lookups made (each covers every partition). */
  lookups: number;
}

/** The first offset at or after `t` per partition (the high watermark when there is none), as BigInt. */
async function offsetsAt(client: KafkaClient, topic: string, t: number): Promise<Map<number, bigint>> {
  const found = await client.withAdmin(
    `find offsets of ${topic} by time`,
    (admin) => admin.fetchTopicOffsetsByTimestamp(topic, Math.max(0, Math.floor(t))),
    (e) => (/UNKNOWN_TOPIC|does not host this topic/i.test(String((e as Error).message)) ? unknownTopic(topic) : e),
  );
  return new Map(found.map((o) => [o.partition, BigInt(o.offset)]));
}

function chosen(marks: PartitionWatermarks[], topic: string, partitions: number[] | undefined): PartitionWatermarks[] {
  if (!partitions?.length) return marks;
  return [...new Set(partitions)].sort((a, b) => a - b).map((p) => {
    const m = marks.find((x) => x.partition === p);
    if (!m) throw new KafkaWorkbenchError(`Topic "${topic}" has no partition ${p}: it has ${marks.length} (0–${marks.length - 1}).`, 'invalid-input');
    return m;
  });
}

/** Latest time a binary search looks at: a year from now (producers with skewed clocks). */
const horizon = () => Date.now() + 365 * 24 * 3600 * 1000;

/**
 * The time of the first and the last record of the chosen partitions (ms), found by binary search
 * over offsets-for-times (about 2 × 42 lookups, no record read); undefined when they hold none.
 */
export async function timeSpan(client: KafkaClient, topic: string, partitions?: number[], signal?: AbortSignal): Promise<{ first: number; last: number } | undefined> {
  const marks = chosen(await watermarks(client, topic), topic, partitions);
  const nonEmpty = marks.filter((m) => BigInt(m.high) > BigInt(m.low));
  if (nonEmpty.length === 0) return undefined;
  // Smallest t for which `test(t)` holds, in (lo, hi]; test is monotonic in t.
  const search = async (test: (at: Map<number, bigint>) => boolean): Promise<number> => {
    let lo = -1;
    let hi = horizon();
    while (hi - lo > 1) {
      if (signal?.aborted) throw new KafkaWorkbenchError('Cancelled.', 'other');
      const mid = Math.floor((lo + hi) / 2);
      if (test(await offsetsAt(client, topic, mid))) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  // Some partition has a record before t  ⇔  its first offset at or after t is past its low mark.
  const afterFirst = await search((at) => nonEmpty.some((m) => (at.get(m.partition) ?? BigInt(m.low)) > BigInt(m.low)));
  // No partition has a record at or after t  ⇔  every one answers its high watermark.
  const afterLast = await search((at) => nonEmpty.every((m) => (at.get(m.partition) ?? BigInt(m.high)) >= BigInt(m.high)));
  return { first: afterFirst - 1, last: afterLast - 1 };
}

/** Record counts per time bucket (see the file comment for how, and how exact). */
export async function topicTimeline(client: KafkaClient, options: TimelineOptions): Promise<Timeline> {
  const { topic } = options;
  const bucketCount = options.buckets ?? 60;
  if (!Number.isInteger(bucketCount) || bucketCount < 1 || bucketCount > 1_000) {
    throw new KafkaWorkbenchError(`The number of buckets must be a whole number from 1 to 1,000 (got ${bucketCount}).`, 'invalid-input');
  }
  const marks = chosen(await watermarks(client, topic), topic, options.partitions);
  let { from, to } = options;
  if (from === undefined || to === undefined) {
    const span = await timeSpan(client, topic, options.partitions, options.signal);
    const now = Date.now();
    from ??= span?.first ?? now - 3600_000;
    to ??= span ? span.last + 1 : now;
  }
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new KafkaWorkbenchError('The timeline range is not a valid date.', 'invalid-input');
  if (to <= from) throw new KafkaWorkbenchError('The timeline range ends before it starts: pick an end after the start.', 'invalid-input');
  const bucketMs = Math.max(1, Math.ceil((to - from) / bucketCount));
  const boundaries: number[] = [];
  for (let i = 0; i <= bucketCount; i++) boundaries.push(Math.min(to, from + i * bucketMs));
  const at: Map<number, bigint>[] = [];
  // A few lookups at a time: enough to overlap round trips without flooding the broker.
  for (let i = 0; i < boundaries.length; i += 8) {
    if (options.signal?.aborted) throw new KafkaWorkbenchError('Cancelled.', 'other');
    at.push(...(await Promise.all(boundaries.slice(i, i + 8).map((t) => offsetsAt(client, topic, t)))));
  }
  const offset = (i: number, m: PartitionWatermarks) => {
    const o = at[i].get(m.partition) ?? BigInt(m.high);
    return o < BigInt(m.low) ? BigInt(m.low) : o;
  };
  const buckets: TimelineBucket[] = [];
  let total = 0;
  for (let i = 0; i < bucketCount; i++) {
    const perPartition = marks.map((m) => {
      const d = offset(i + 1, m) - offset(i, m);
      return d > 0n ? Number(d) : 0;
    });
    const count = perPartition.reduce((a, b) => a + b, 0);
    total += count;
    buckets.push({ start: boundaries[i], end: boundaries[i + 1], count, perPartition, startOffsets: marks.map((m) => offset(i, m).toString()) });
  }
  const before = marks.reduce((n, m) => n + Number(offset(0, m) - BigInt(m.low)), 0);
  const after = marks.reduce((n, m) => n + Number(BigInt(m.high) - offset(bucketCount, m)), 0);
  return { topic, partitions: marks.map((m) => m.partition), from, to, bucketMs, buckets, total, before, after, lookups: boundaries.length };
}
