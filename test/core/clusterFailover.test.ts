// Producing and consuming on a real three-node cluster while a broker is down (SIGKILL):
// - acks=all on a topic with replication factor 3 and min.insync.replicas 2 still delivers;
// - a topic with replication factor 2 and min.insync.replicas 2 that lost one of its brokers refuses
//   the write with NOT_ENOUGH_REPLICAS and a message that says what it means and what to do;
// - a tail reading across the leader change gets every record, none lost, none twice.
import * as assert from 'node:assert/strict';
import { checkClusterHealth } from '../../src/core/kafka/clusterHealth';
import type { KafkaClient } from '../../src/core/kafka/client';
import { TopicTail } from '../../src/core/kafka/consumer';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { createTopic, describePartitions, setTopicConfig } from '../../src/core/kafka/topics';
import { produce, type ProduceOutcome } from '../../src/core/produce/produceService';
import { testCluster, type TestCluster } from '../support/testCluster';
import { clusterClient, pollHealth } from '../support/clusterTools';

function send(client: KafkaClient, topic: string, from: number, count: number, partition?: number): Promise<ProduceOutcome> {
  return produce(client, {
    topic,
    keyFormat: 'none',
    valueFormat: 'string',
    value: '',
    records: Array.from({ length: count }, (_, i) => ({ value: `seq-${from + i}` })),
    partitionMode: partition === undefined ? 'any' : 'explicit',
    partition,
    settings: { ...DEFAULT_PRODUCER_SETTINGS, acks: 'all', idempotent: true, maxInFlightRequests: 1, retries: 5, requestTimeoutMs: 8000 },
    sendStyle: 'asynchronous',
  });
}

describe('Produce and consume under broker failure (core, three real brokers)', function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  let client: KafkaClient;

  before(async () => {
    cluster = await testCluster();
    client = await clusterClient(cluster.bootstrap, 'kw-cluster-failover', 15_000);
    await createTopic(client, { name: 'fo-rf3', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }, 3);
    // Three partitions of two replicas each: every broker holds two of them.
    await createTopic(client, { name: 'fo-rf2', partitions: 3, replicationFactor: 2, configs: { 'min.insync.replicas': '2' } }, 3);
  });

  after(async () => {
    for (const id of [1, 2, 3]) if (cluster && !cluster.isUp(id)) await cluster.restart(id);
    await client?.close();
  });

  it('delivers acks=all on RF 3 with a broker down, refuses RF 2 / min ISR 2 with NOT_ENOUGH_REPLICAS, and a tail loses nothing across the leader change', async () => {
    // The victim leads the RF 3 topic, so the tail has to follow a leader change.
    const [rf3] = await describePartitions(client, 'fo-rf3');
    const victim = rf3.leader;
    const hit = (await describePartitions(client, 'fo-rf2')).find((p) => p.replicas.includes(victim))!;
    const received: string[] = [];
    const tail = await TopicTail.start(client, { topic: 'fo-rf3', start: { kind: 'earliest' }, isolation: 'read_uncommitted' }, {
      records: (_p, messages) => void received.push(...messages.map((m) => m.value?.toString() ?? '')),
    });
    try {
      const first = await send(client, 'fo-rf3', 0, 200);
      assert.equal(first.reports.filter((r) => r.status === 'delivered').length, 200);

      await cluster.kill(victim);
      // Wait for the controller to fence the broker and shrink the ISRs (broker.session.timeout.ms).
      await pollHealth(client, (h) => h.brokers.some((b) => b.nodeId === victim && !b.online) && h.topics.find((t) => t.name === 'fo-rf2')?.partitions[hit.partition].issues.includes('under-min-isr') === true &&
          h.topics.find((t) => t.name === 'fo-rf3')?.partitions[0].leader !== victim, 30_000);

      const during = await send(client, 'fo-rf3', 200, 200);
      const delivered = during.reports.filter((r) => r.status === 'delivered').length;
      assert.equal(delivered, 200, `with broker ${victim} down: ${JSON.stringify(during.reports.find((r) => r.status !== 'delivered'))}`);

      const refused = await send(client, 'fo-rf2', 0, 1, hit.partition);
      const report = refused.reports[0];
      assert.equal(report.status, 'failed');
      assert.ok(report.status === 'failed');
      assert.equal(report.error.name, 'NOT_ENOUGH_REPLICAS');
      assert.match(`${report.error.message} ${report.error.hint}`, /min\.insync\.replicas/);
      assert.match(report.error.hint, /bring brokers back|acks=1/);
      const health = await checkClusterHealth(client);
      const t = health.topics.find((x) => x.name === 'fo-rf2')!;
      assert.deepEqual(t.partitions[hit.partition].issues.slice(0, 1), ['under-min-isr']);
      console.log(`      broker ${victim} down: RF 3 ${delivered}/200 delivered; RF 2 refused with ${report.error.name}: ${report.error.hint}`);

      await cluster.restart(victim);
      const after = await send(client, 'fo-rf3', 400, 100);
      assert.equal(after.reports.filter((r) => r.status === 'delivered').length, 100);

      const deadline = Date.now() + 60_000;
      while (received.length < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const expected = Array.from({ length: 500 }, (_, i) => `seq-${i}`);
      assert.equal(new Set(received).size, received.length, 'no record read twice');
      assert.deepEqual(received, expected, 'every record, in order, across the leader change and restart');
      console.log(`      tail read ${received.length}/500 records across the failover, none lost or duplicated`);
    } finally {
      await tail.stop();
    }
  });

  it('keeps min.insync.replicas editable: lowering it to 1 lets the RF 2 topic accept writes again', async () => {
    await setTopicConfig(client, 'fo-rf2', 'min.insync.replicas', '1');
    const ok = await send(client, 'fo-rf2', 1, 5, 0);
    assert.equal(ok.reports.filter((r) => r.status === 'delivered').length, 5);
  });
});
