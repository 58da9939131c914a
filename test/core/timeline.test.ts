import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { timeSpan, topicTimeline } from '../../src/core/kafka/timeline';
import { createTopic, deleteTopic, plainClient, produce, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const T0 = Date.UTC(2024, 0, 1); // records at known CreateTimes
const MINUTE = 60_000;

describe('Timeline: record counts per time bucket from offsets-for-times (no record read)', function () {
  this.timeout(60_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const topic = uniqueTopic('timeline');

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    await createTopic(broker.bootstrap, topic, 2);
    // Minute m gets m + 1 records in partition 0 and 2 in partition 1, for m = 0..9.
    const messages = [];
    for (let m = 0; m < 10; m++) {
      for (let i = 0; i <= m; i++) messages.push({ partition: 0, value: `p0-${m}-${i}`, timestamp: String(T0 + m * MINUTE + i * 1000) });
      for (let i = 0; i < 2; i++) messages.push({ partition: 1, value: `p1-${m}-${i}`, timestamp: String(T0 + m * MINUTE + 30_000 + i) });
    }
    await produce(broker.bootstrap, topic, messages);
  });

  after(async () => {
    await deleteTopic(broker.bootstrap, topic);
    await client.close();
  });

  it('counts each one-minute bucket exactly, per partition, and says where each bucket starts', async () => {
    const t = await topicTimeline(client, { topic, from: T0, to: T0 + 10 * MINUTE, buckets: 10 });
    assert.deepEqual(
      t.buckets.map((b) => b.perPartition),
      Array.from({ length: 10 }, (_, m) => [m + 1, 2]),
    );
    assert.deepEqual(t.buckets.map((b) => b.count), Array.from({ length: 10 }, (_, m) => m + 3));
    assert.equal(t.total, 55 + 20);
    assert.equal(t.lookups, 11, 'one lookup per boundary');
    assert.deepEqual(t.buckets[3].startOffsets, ['6', '6']);
    assert.equal(t.before, 0);
    assert.equal(t.after, 0);
  });

  it('chosen partitions, a range inside the data (records before and after it counted apart), and the span found by binary search', async () => {
    const t = await topicTimeline(client, { topic, partitions: [1], from: T0 + 2 * MINUTE, to: T0 + 4 * MINUTE, buckets: 4 });
    assert.deepEqual(t.partitions, [1]);
    assert.deepEqual(t.buckets.map((b) => b.count), [0, 2, 0, 2]);
    assert.equal(t.before, 4);
    assert.equal(t.after, 12);
    const span = await timeSpan(client, topic);
    assert.deepEqual(span, { first: T0, last: T0 + 9 * MINUTE + 30_001 });
    const whole = await topicTimeline(client, { topic, buckets: 5 });
    assert.equal(whole.from, T0);
    assert.equal(whole.total, 75);
  });

  it('bad ranges, partitions and topics get clear messages', async () => {
    await assert.rejects(topicTimeline(client, { topic, from: T0, to: T0 - 1 }), /ends before it starts/);
    await assert.rejects(topicTimeline(client, { topic, partitions: [7] }), /has no partition 7/);
    await assert.rejects(topicTimeline(client, { topic, buckets: 0 }), /from 1 to 1,000/);
    await assert.rejects(topicTimeline(client, { topic: 'no-such-topic-timeline' }), (e: unknown) => e instanceof KafkaWorkbenchError && /does not exist/.test(e.message));
  });
});
