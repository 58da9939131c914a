// The benchmarks' data topics: reused from an earlier run when they hold exactly the records wanted.
import { Kafka, logLevel } from 'kafkajs';

/**
 * True when `topic` already holds exactly `records` records (the data of an earlier run, reused);
 * otherwise the topic is deleted if it exists, for the caller to create and fill again.
 */
export async function benchTopicReady(bootstrap: string, topic: string, records: number): Promise<boolean> {
  const admin = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return false;
    const offsets = await admin.fetchTopicOffsets(topic);
    if (offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0) === records) return true;
    await admin.deleteTopics({ topics: [topic] });
    await new Promise((r) => setTimeout(r, 2000));
    return false;
  } finally {
    await admin.disconnect();
  }
}
