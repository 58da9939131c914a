// Faults and bad input while a topic is viewed (#9): records deleted ahead of the tail, a partition
// added, a 20 MB record, 10,000 headers. Each is said or shown, and the tail goes on.
import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import type { SkippedRecords } from '../../src/core/kafka/consumer';
import { TailSession, type RowSink, type ViewUpdate } from '../../src/core/consume/tailSession';
import { createTopic, deleteTopic, plainClient, produce, rawKafka, uniqueTopic, until } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

class Sink implements RowSink {
  visible = true;
  last: ViewUpdate | undefined;
  skips: SkippedRecords[] = [];
  added: number[][] = [];
  view(update: ViewUpdate): void {
    this.last = update;
  }
  skipped(skip: SkippedRecords): void {
    this.skips.push(skip);
  }
  partitionsAdded(partitions: number[]): void {
    this.added.push(partitions);
  }
}

describe('Consume: faults and bad input while viewed (retention, new partitions, huge records)', function () {
  this.timeout(90_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const topics: string[] = [];
  const sessions: TailSession[] = [];

  async function newTopic(partitions: number): Promise<string> {
    const topic = uniqueTopic('consume-bad');
    await createTopic(broker.bootstrap, topic, partitions);
    topics.push(topic);
    return topic;
  }

  async function tail(topic: string, sink: Sink): Promise<TailSession> {
    const session = await TailSession.start(client, { topic, start: { kind: 'earliest' }, isolation: 'read_committed', keyFormat: 'string', valueFormat: 'string', capacity: 1000 }, sink, 20);
    sessions.push(session);
    return session;
  }

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
  });

  after(async () => {
    await Promise.all(sessions.map((s) => s.stop()));
    for (const t of topics) await deleteTopic(broker.bootstrap, t);
    await client.close();
  });

  it('records deleted ahead of the tail (retention) are counted and said, and the tail goes on from the earliest kept', async () => {
    const topic = await newTopic(1);
    await produce(broker.bootstrap, topic, Array.from({ length: 5 }, (_, i) => ({ value: `r${i}` })));
    const sink = new Sink();
    const session = await tail(topic, sink);
    await session.waitForReceived(5, 20_000);
    session.pause();
    await produce(broker.bootstrap, topic, Array.from({ length: 10 }, (_, i) => ({ value: `r${i + 5}` })));
    // What retention does, now: offsets 5–11 are gone before the paused tail read them.
    const admin = rawKafka(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '12' }] });
    } finally {
      await admin.disconnect();
    }
    session.resume();
    await session.waitForReceived(8, 20_000);
    await until('the skip reported', () => sink.skips.length > 0);
    assert.deepEqual(sink.skips, [{ partition: 0, from: '5', to: '12', count: '7' }]);
    assert.deepEqual([...session.buffer.range()].map(([, r]) => r.offset), ['0', '1', '2', '3', '4', '12', '13', '14']);
  });

  it('a partition added while viewed is read too, from its start, and said', async () => {
    const topic = await newTopic(1);
    await produce(broker.bootstrap, topic, [{ partition: 0, value: 'p0' }]);
    const sink = new Sink();
    const session = await tail(topic, sink);
    await session.waitForReceived(1, 20_000);
    const admin = rawKafka(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] });
    } finally {
      await admin.disconnect();
    }
    await until('partition 1 in metadata', async () => (await client.withAdmin('offsets', (a) => a.fetchTopicOffsets(topic))).length === 2, 20_000);
    await produce(broker.bootstrap, topic, [{ partition: 1, value: 'p1-first' }, { partition: 1, value: 'p1-second' }]);
    // The consumer reads metadata every 10 s: the new partition is assigned and read within that.
    await session.waitForReceived(3, 40_000);
    assert.deepEqual(sink.added, [[1]]);
    assert.deepEqual(
      [...session.buffer.range()].filter(([, r]) => r.partition === 1).map(([, r]) => r.value),
      ['p1-first', 'p1-second'],
    );
    assert.deepEqual(session.topicTail.partitions, [0, 1]);
  });

  it('a 20 MB record and one with 10,000 headers arrive as rows (the big one as a preview), and the records after them too', async () => {
    const topic = uniqueTopic('consume-bad-big');
    const admin = rawKafka(broker.bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(25 * 1024 * 1024) }] }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    topics.push(topic);
    const headers = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`h${i}`, `v${i}`]));
    await produce(broker.bootstrap, topic, [{ key: 'big', value: Buffer.alloc(20 * 1024 * 1024, 'x') }]);
    await produce(broker.bootstrap, topic, [{ key: 'headers', value: 'many headers', headers }]);
    await produce(broker.bootstrap, topic, [{ key: 'after', value: 'still here' }]);
    const sink = new Sink();
    const session = await tail(topic, sink);
    await session.waitForReceived(3, 30_000);
    const [big, many, after] = [...session.buffer.range()].map(([, r]) => r);
    assert.equal(big.valueBytes, 20 * 1024 * 1024);
    assert.equal(big.valueTruncated, true, 'kept as a preview');
    assert.ok(big.value!.length <= 64 * 1024, `preview of ${big.value!.length} characters`);
    assert.equal(many.headers.length, 10_000);
    assert.deepEqual(many.headers[9_999], { key: 'h9999', value: 'v9999' });
    assert.equal(after.value, 'still here');
    session.flush();
    assert.deepEqual(sink.last?.rows.map((r) => r.headerCount), [0, 10_000, 0]);
  });
});
