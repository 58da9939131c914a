import { Kafka, logLevel } from 'kafkajs';

/** The topics a newcomer finds in the sandbox, with a few records each. */
export const DEMO_TOPICS: { name: string; partitions: number; records: number }[] = [
  { name: 'orders', partitions: 3, records: 30 },
  { name: 'payments', partitions: 1, records: 10 },
  { name: 'clicks', partitions: 6, records: 60 },
];

/** Creates the demo topics (when missing) and fills each with keyed JSON records. Idempotent for topics. */
export async function createDemoData(bootstrap: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'kafka-workbench-demo', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await producer.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = DEMO_TOPICS.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: -1 })), // the brokers' default: 1 on one node, 3 on a cluster
        waitForLeaders: true,
      });
    }
    for (const topic of missing) {
      await producer.send({
        topic: topic.name,
        acks: -1,
        messages: Array.from({ length: topic.records }, (_, i) => ({
          key: `${topic.name.slice(0, -1)}-${i % 7}`,
          value: JSON.stringify({ id: i, topic: topic.name, amount: Math.round(((i * 37) % 1000) * 1.5) / 10, at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }),
          headers: { source: 'kafka-workbench-sandbox' },
        })),
      });
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}
