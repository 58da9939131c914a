// Topics and records for the consume tests, made with kafkajs directly (the produce feature is
// another issue). Every helper talks to the real broker.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { KafkaClient } from '../../src/core/kafka/client';
import { plainClient as sharedPlainClient } from './plainClient';

export function rawKafka(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'kw-consume-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = rawKafka(bootstrap).admin();
  await admin.connect();
  try {
    // retention.ms -1: several tests write records stamped in 2024, and the broker's retention check
    // (every 5 min) deletes records older than 7 days, even in the active segment: a timeline or
    // search that ran after it found nothing in ranges it had just counted.
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] }], waitForLeaders: true });
    // KRaft: metadata can lag the create; wait until every partition has a leader and offsets answer.
    for (let i = 0; i < 50; i++) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        if (offsets.length === partitions) return;
      } catch {
        // not there yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = rawKafka(bootstrap).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    // The controller answers before the broker has applied the deletion: until then the broker
    // still serves the topic's records. Deleted means the broker no longer lists it.
    const deadline = Date.now() + 30_000;
    while ((await admin.listTopics()).includes(topic) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await admin.disconnect();
  }
}

/** Sends messages per partition; returns when the broker acknowledged them all. */
export async function produce(bootstrap: string, topic: string, messages: Message[]): Promise<void> {
  const producer = rawKafka(bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 10_000) await producer.send({ topic, messages: messages.slice(i, i + 10_000), acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

/** `count` records per partition, value `p<partition>-<n>`, key `k<n>`. */
export function records(partitions: number, count: number, timestamp?: (n: number) => number): Message[] {
  const out: Message[] = [];
  for (let p = 0; p < partitions; p++) {
    for (let n = 0; n < count; n++) {
      out.push({ partition: p, key: `k${n}`, value: `p${p}-${n}`, ...(timestamp ? { timestamp: String(timestamp(n)) } : {}) });
    }
  }
  return out;
}

/** The consume tests' plaintext client (the shared helper, with their client id and timeout). */
export function plainClient(bootstrap: string, timeoutMs = 8000): Promise<KafkaClient> {
  return sharedPlainClient(bootstrap, 'kw-consume-test', timeoutMs);
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, stepMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
