import { kafkaErrorType, type KafkaClient } from './client';
import { KafkaWorkbenchError } from './errors';

/** Where a tail starts. Offsets are decimal strings (Kafka offsets are 64-bit). */
export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** One offset for every chosen partition, or one per partition. */
  | { kind: 'offset'; offset: string | Record<number, string> }
  /** The first offset whose timestamp is at or after this time (ms since the epoch). */
  | { kind: 'timestamp'; timestamp: number }
  /** The group's committed offsets; partitions without one start at `fallback` (default earliest). */
  | { kind: 'committed'; fallback?: 'earliest' | 'latest' };

export interface PartitionWatermarks {
  partition: number;
  /** Earliest offset still kept. */
  low: string;
  /** Offset the next record will get (the high watermark). */
  high: string;
}

/** Fails with a clear message when the topic does not exist (auto-creation never happens here). */
export async function topicPartitions(client: KafkaClient, topic: string): Promise<number[]> {
  return client.withAdmin(`read the partitions of ${topic}`, async (admin) => {
    const names = await admin.listTopics();
    if (!names.includes(topic)) throw unknownTopic(topic);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b);
  });
}

export function unknownTopic(topic: string): KafkaWorkbenchError {
  return new KafkaWorkbenchError(
    `Topic "${topic}" does not exist on this cluster (it may have been deleted): refresh the Clusters view and pick an existing topic.`,
    'unknown-topic',
  );
}

export async function watermarks(client: KafkaClient, topic: string): Promise<PartitionWatermarks[]> {
  return client.withAdmin(
    `read the offsets of ${topic}`,
    async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
    },
    (e) => (/UNKNOWN_TOPIC|does not host this topic/i.test(`${kafkaErrorType(e) ?? ''} ${(e as Error).message}`) ? unknownTopic(topic) : e),
  );
}

/** The group's committed offset per partition; partitions without a commit are absent. */
export async function committedOffsets(client: KafkaClient, groupId: string, topic: string): Promise<Map<number, string>> {
  return client.withAdmin(`read the committed offsets of group ${groupId}`, async (admin) => {
    const result = await admin.fetchOffsets({ groupId, topics: [topic] });
    const out = new Map<number, string>();
    for (const p of result.find((t) => t.topic === topic)?.partitions ?? []) if (Number(p.offset) >= 0) out.set(p.partition, p.offset);
    return out;
  });
}

export async function groupExists(client: KafkaClient, groupId: string): Promise<boolean> {
  return client.withAdmin('list consumer groups', async (admin) => (await admin.listGroups()).groups.some((g) => g.groupId === groupId));
}

function parseOffset(text: string, where: string): bigint {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) throw new KafkaWorkbenchError(`"${text}" is not an offset (${where}): enter a whole number, 0 or more.`, 'invalid-input');
  const n = BigInt(t);
  if (n < 0n) throw new KafkaWorkbenchError(`Offset ${t} is negative (${where}): offsets start at 0. Use "earliest" or "latest" instead of -2/-1.`, 'invalid-input');
  return n;
}

/**
 * The offset each chosen partition starts at, checked against its watermarks; undefined for a
 * partition means "the group's committed offset". Throws a message that says what to pick instead.
 */
export async function resolveStartOffsets(
  client: KafkaClient,
  topic: string,
  partitions: number[],
  start: StartPosition,
): Promise<Map<number, string | undefined>> {
  const marks = new Map((await watermarks(client, topic)).map((w) => [w.partition, w]));
  for (const p of partitions) {
    if (!marks.has(p)) {
      throw new KafkaWorkbenchError(`Topic "${topic}" has no partition ${p}: it has ${marks.size} (0–${marks.size - 1}).`, 'invalid-input');
    }
  }
  const out = new Map<number, string | undefined>();
  switch (start.kind) {
    case 'earliest':
      for (const p of partitions) out.set(p, marks.get(p)!.low);
      break;
    case 'latest':
      for (const p of partitions) out.set(p, marks.get(p)!.high);
      break;
    case 'committed':
      for (const p of partitions) out.set(p, undefined);
      break;
    case 'offset':
      for (const p of partitions) {
        const text = typeof start.offset === 'string' ? start.offset : start.offset[p];
        if (text === undefined) throw new KafkaWorkbenchError(`No start offset given for partition ${p} of "${topic}".`, 'invalid-input');
        const where = `partition ${p} of "${topic}"`;
        const n = parseOffset(text, where);
        const { low, high } = marks.get(p)!;
        if (n > BigInt(high)) {
          throw new KafkaWorkbenchError(
            `Offset ${n} is beyond the latest offset of ${where}: its next record will get offset ${high}. Pick an offset from ${low} to ${high}.`,
            'invalid-input',
          );
        }
        if (n < BigInt(low)) {
          throw new KafkaWorkbenchError(
            `Offset ${n} is below the earliest offset still kept in ${where} (${low}): older records were deleted (retention). Pick an offset from ${low} to ${high}.`,
            'invalid-input',
          );
        }
        out.set(p, n.toString());
      }
      break;
    case 'timestamp': {
      if (!Number.isFinite(start.timestamp)) throw new KafkaWorkbenchError('The start time is not a valid date.', 'invalid-input');
      const byTime = await client.withAdmin(`find offsets of ${topic} by time`, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, start.timestamp));
      const found = new Map(byTime.map((o) => [o.partition, o.offset]));
      // -1: no record at or after that time yet, so the partition starts at its end.
      for (const p of partitions) {
        const o = found.get(p);
        out.set(p, o === undefined || Number(o) < 0 ? marks.get(p)!.high : o);
      }
      break;
    }
  }
  return out;
}

/** Names of the cluster's topics, internal ones (starting with "__") last. */
export async function topicNames(client: KafkaClient): Promise<string[]> {
  const names = await client.withAdmin('list topics', (admin) => admin.listTopics());
  return names.sort((a, b) => Number(a.startsWith('__')) - Number(b.startsWith('__')) || a.localeCompare(b));
}
