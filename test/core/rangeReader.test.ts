import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaClient } from '../../src/core/kafka/client';
import type { Isolation, RawMessage } from '../../src/core/kafka/consumer';
import { RangeReader, resolveRanges } from '../../src/core/kafka/rangeReader';
import { kcatProduceFile, writeLines } from '../support/bulkTopic';
import { createTopic, deleteTopic, plainClient, rawKafka, uniqueTopic } from '../support/consumeFixtures';
import { kcatRead } from '../support/produceTools';
import { testBroker, type BrokerInfo } from '../support/testBroker';

/**
 * The range reader reaches into kafkajs 2.2.4 (its cluster factory, broker request path and Fetch
 * v11 layout) and decodes record batches itself: these tests fail first if an upgrade moves them.
 */
describe('Range reader (assign-style reads, lean Fetch decoder): compressed batches, transactions', function () {
  this.timeout(60_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  let dir: string;
  const topics: string[] = [];

  async function readAll(topic: string, isolation: Isolation): Promise<{ partition: number; m: RawMessage }[]> {
    const reader = await RangeReader.open(client, topic, isolation);
    const out: { partition: number; m: RawMessage }[] = [];
    try {
      await reader.read({ ranges: await resolveRanges(client, topic, undefined, { kind: 'earliest' }, { kind: 'latest' }), maxBytesPerPartition: 4096 }, { records: (partition, ms) => void out.push(...ms.map((m) => ({ partition, m }))) });
    } finally {
      await reader.close();
    }
    return out;
  }

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    dir = await mkdtemp(join(tmpdir(), 'kw-range-'));
  });

  after(async () => {
    await Promise.all(topics.map((t) => deleteTopic(broker.bootstrap, t)));
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`reads ${codec} batches written by kcat exactly as kcat reads them (small fetches cut batches short)`, async () => {
      const topic = uniqueTopic(`range-${codec}`);
      topics.push(topic);
      await createTopic(broker.bootstrap, topic, 2);
      const file = join(dir, `${codec}.txt`);
      await writeLines(file, 3000, 60, (n) => `${codec} record ${n} é`);
      await kcatProduceFile(broker.bootstrap, topic, file, ['-z', codec, '-K', ':']);
      const ours = await readAll(topic, 'read_committed');
      const theirs = await kcatRead(broker.bootstrap, topic);
      const key = (p: number, o: string) => `${p}:${o}`;
      const ourMap = new Map(ours.map(({ partition, m }) => [key(partition, m.offset), `${m.value?.toString('utf8')}|${Number(m.timestamp)}`]));
      assert.equal(ours.length, 3000);
      for (const r of theirs) assert.equal(ourMap.get(key(r.partition, String(r.offset))), `${r.value}|${r.timestamp}`);
    });
  }

  it('read_committed leaves out aborted records and transaction markers; read_uncommitted has both kinds of records and no markers', async () => {
    const topic = uniqueTopic('range-tx');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, 1);
    const kafka = rawKafka(broker.bootstrap);
    const producer = kafka.producer({ transactionalId: `range-tx-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'c1', headers: { h: ['1', '2'] } }, { value: 'c2' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'a1' }] });
      await aborted.abort();
      const again = await producer.transaction();
      await again.send({ topic, messages: [{ value: 'c3' }] });
      await again.commit();
    } finally {
      await producer.disconnect();
    }
    const rc = await readAll(topic, 'read_committed');
    assert.deepEqual(rc.map(({ m }) => m.value?.toString()), ['c1', 'c2', 'c3']);
    assert.deepEqual(rc[0].m.headers, { h: [Buffer.from('1'), Buffer.from('2')] });
    const ru = await readAll(topic, 'read_uncommitted');
    assert.deepEqual(ru.map(({ m }) => m.value?.toString()), ['c1', 'c2', 'a1', 'c3']);
  });
});
