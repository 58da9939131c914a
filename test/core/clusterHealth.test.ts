// A real three-node KRaft cluster, one node killed with SIGKILL and restarted (one cycle for all of
// this, to keep the layer short):
// - health: the node shows as an offline broker, partitions under-replicated / under min ISR /
//   not on their preferred leader, counted per topic and for the cluster; the restart heals them;
//   what we report agrees with Kafka's own TopicCommand --describe from the same jars;
// - produce: acks=all on replication factor 3 / min.insync.replicas 2 still delivers; a partition of
//   a replication-factor-2 / min ISR 2 topic that lost a replica refuses with NOT_ENOUGH_REPLICAS
//   and a message saying what it means and what to do;
// - consume: a tail reading across the leader change and the restart gets every record once, in order;
// - actions: preferred leader election afterwards, and a replication-factor change by reassignment.
import * as assert from 'node:assert/strict';
import { residentMemoryMb } from '../../src/core/broker/localCluster';
import { checkClusterHealth, describeQuorum } from '../../src/core/kafka/clusterHealth';
import type { KafkaClient } from '../../src/core/kafka/client';
import { cancelReassignment, electPreferredLeaders, parseAssignments, planReplicationFactor, reassignmentProgress, reassignPartitions } from '../../src/core/kafka/reassignment';
import { startTail } from '../../src/core/kafka/tail';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { createTopic, describePartitions, setTopicConfig } from '../../src/core/kafka/topics';
import { produce, type ProduceOutcome } from '../../src/core/produce/produceService';
import { testCluster, type TestCluster } from '../support/testCluster';
import { clusterClient, kafkaDescribe, pollHealth } from '../support/clusterTools';

/** acks=all, idempotent: `count` records `seq-<from>`, `seq-<from+1>`... to the topic (or one partition). */
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

const delivered = (o: ProduceOutcome): number => o.reports.filter((r) => r.status === 'delivered').length;

describe('Cluster health and failover (core, three real brokers)', function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  let client: KafkaClient;

  before(async () => {
    cluster = await testCluster();
    client = await clusterClient(cluster.bootstrap, 'kw-cluster-health');
    await createTopic(client, { name: 'health-rf3', partitions: 6, replicationFactor: 3 }, 3);
    await createTopic(client, { name: 'fo-rf3', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }, 3);
    // Three partitions of two replicas each: every broker holds two of them.
    await createTopic(client, { name: 'fo-rf2', partitions: 3, replicationFactor: 2, configs: { 'min.insync.replicas': '2' } }, 3);
  });

  after(async () => {
    for (const id of [1, 2, 3]) if (cluster && !cluster.isUp(id)) await cluster.restart(id);
    await client?.close();
  });

  it('starts three nodes with one cluster id and a three-voter controller quorum, within about 2 GB', async () => {
    const summary = await client.describeCluster();
    assert.deepEqual(summary.brokers.map((b) => b.nodeId), [1, 2, 3]);
    assert.equal(summary.clusterId, cluster.clusterId);
    const quorum = await describeQuorum(client);
    assert.ok(quorum, 'DescribeQuorum answered');
    assert.deepEqual(quorum.voters.map((v) => v.replicaId).sort(), [1, 2, 3]);
    assert.ok([1, 2, 3].includes(quorum.leaderId), `active controller ${quorum.leaderId}`);
    const rss = await Promise.all([1, 2, 3].map((id) => residentMemoryMb(cluster.pid(id))));
    const total = rss.reduce<number>((a, b) => a + (b ?? 0), 0);
    console.log(`      cluster ready in ${cluster.startSeconds.toFixed(1)} s; RSS per node ${rss.join(', ')} MiB, ${total} MiB in all`);
    assert.ok(total < 2048, `three nodes use ${total} MiB`);
  });

  it('reports leader, replicas and ISR exactly as Kafka\'s TopicCommand --describe does', async () => {
    const health = await checkClusterHealth(client);
    const ours = health.topics.find((t) => t.name === 'health-rf3');
    assert.ok(ours);
    assert.equal(ours.minIsr, 2);
    assert.equal(ours.uncleanLeaderElection, false);
    const theirs = await kafkaDescribe(cluster.bootstrap, 'health-rf3');
    assert.equal(theirs.size, 6);
    for (const p of ours.partitions) {
      const t = theirs.get(p.partition);
      assert.deepEqual({ leader: p.leader, replicas: p.replicas, isr: [...p.isr].sort() }, { leader: t?.leader, replicas: t?.replicas, isr: [...(t?.isr ?? [])].sort() });
    }
    // The whole cluster settles healthy: replicas of the failover test (same cluster, a broker
    // killed and restarted) may still be catching up for a few seconds.
    let now = health;
    for (const until = Date.now() + 60_000; now.counts['under-replicated'] > 0 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 1_000));
      now = await checkClusterHealth(client);
    }
    assert.equal(now.counts['under-replicated'], 0, `under-replicated: ${JSON.stringify(now.topics.filter((t) => t.counts['under-replicated'] > 0).map((t) => t.name))}`);
    assert.equal(now.counts.offline, 0);
  });

  it('with a broker SIGKILLed: marks it offline and its partitions, still delivers acks=all on RF 3, refuses RF 2 / min ISR 2 with NOT_ENOUGH_REPLICAS, and a tail loses nothing; the restart heals it', async () => {
    const before = await checkClusterHealth(client);
    // The victim leads the one-partition RF 3 topic, so the tail has to follow a leader change.
    const victim = (await describePartitions(client, 'fo-rf3'))[0].leader;
    const hit = (await describePartitions(client, 'fo-rf2')).find((p) => p.replicas.includes(victim))!;
    const received: string[] = [];
    const tail = await startTail(client, { topic: 'fo-rf3', start: { kind: 'earliest' }, isolation: 'read_uncommitted' }, {
      records: (_p, messages) => void received.push(...messages.map((m) => m.value?.toString() ?? '')),
    });
    try {
      assert.equal(delivered(await send(client, 'fo-rf3', 0, 200)), 200);

      await cluster.kill(victim);
      const t0 = Date.now();
      const down = await pollHealth(client, (h) => {
        const t = h.topics.find((x) => x.name === 'health-rf3');
        const rf2 = h.topics.find((x) => x.name === 'fo-rf2');
        return h.brokers.some((b) => b.nodeId === victim && !b.online) && (t?.counts['under-replicated'] ?? 0) === 6 &&
          rf2?.partitions[hit.partition].issues.includes('under-min-isr') === true;
      }, 30_000);
      const seconds = (Date.now() - t0) / 1000;
      const broker = down.brokers.find((b) => b.nodeId === victim);
      assert.ok(broker, 'the killed broker is still listed');
      assert.equal(broker.online, false);
      assert.equal(down.brokers.filter((b) => b.online).length, 2);
      const topic = down.topics.find((t) => t.name === 'health-rf3')!;
      assert.equal(topic.counts['under-replicated'], 6, `under-replicated after ${seconds} s: ${JSON.stringify(topic.partitions)}`);
      assert.equal(topic.counts['under-min-isr'], 0, 'two of three in sync meets min.insync.replicas=2');
      assert.equal(topic.counts.offline, 0);
      assert.ok(down.counts['under-replicated'] >= 6 + 1 + 2, 'rolled up on the cluster');
      assert.ok(down.counts['under-min-isr'] >= 2, 'both RF 2 partitions on the victim are under min ISR');
      for (const p of topic.partitions) assert.ok(!p.isr.includes(victim) && p.leader !== victim);
      // Partitions the victim led moved to another replica: not their preferred leader any more.
      const ledBefore = before.topics.find((t) => t.name === 'health-rf3')!.partitions.filter((p) => p.leader === victim).length;
      assert.equal(topic.counts['non-preferred-leader'], ledBefore);
      assert.ok(down.controllerId !== victim, 'the active controller is a live node');
      console.log(`      broker ${victim} seen offline with 6 under-replicated partitions ${seconds.toFixed(1)} s after SIGKILL`);

      const during = await send(client, 'fo-rf3', 200, 200);
      assert.equal(delivered(during), 200, `with broker ${victim} down: ${JSON.stringify(during.reports.find((r) => r.status !== 'delivered'))}`);
      const report = (await send(client, 'fo-rf2', 0, 1, hit.partition)).reports[0];
      assert.ok(report.status === 'failed', JSON.stringify(report));
      assert.equal(report.error.name, 'NOT_ENOUGH_REPLICAS');
      assert.match(`${report.error.message} ${report.error.hint}`, /min\.insync\.replicas/);
      assert.match(report.error.hint, /bring brokers back|acks=1/);
      console.log(`      broker ${victim} down: RF 3 ${delivered(during)}/200 delivered; RF 2 refused with ${report.error.name}: ${report.error.hint}`);

      await cluster.restart(victim);
      assert.equal(delivered(await send(client, 'fo-rf3', 400, 100)), 100);
      const healed = await pollHealth(client, (h) => h.brokers.every((b) => b.online) && h.counts['under-replicated'] === 0, 60_000);
      assert.equal(healed.counts['under-replicated'], 0);
      assert.equal(healed.counts['under-min-isr'], 0);
      assert.ok(healed.brokers.every((b) => b.online));

      const deadline = Date.now() + 60_000;
      while (received.length < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(new Set(received).size, received.length, 'no record read twice');
      assert.deepEqual(received, Array.from({ length: 500 }, (_, i) => `seq-${i}`), 'every record, in order, across the leader change and restart');
      console.log(`      tail read ${received.length}/500 records across the failover, none lost or duplicated`);
    } finally {
      await tail.stop();
    }
  });

  it('keeps min.insync.replicas editable: lowered to 1, an RF 2 topic accepts acks=all with one replica', async () => {
    await setTopicConfig(client, 'fo-rf2', 'min.insync.replicas', '1');
    // Each broker applies a topic config change on its own time: wait until the one asked says so.
    const health = await pollHealth(client, (h) => h.topics.find((t) => t.name === 'fo-rf2')?.minIsr === 1, 30_000);
    assert.equal(health.topics.find((t) => t.name === 'fo-rf2')?.minIsr, 1);
    assert.equal(delivered(await send(client, 'fo-rf2', 1, 5, 0)), 5);
  });

  it('elects the preferred leaders again after the failover (ElectLeaders), leaving no partition on a non-preferred leader', async () => {
    const before = (await checkClusterHealth(client)).topics.find((t) => t.name === 'health-rf3')!;
    const outcome = await electPreferredLeaders(client, 'health-rf3');
    assert.deepEqual(outcome.failed, []);
    assert.equal(outcome.elected.length + outcome.alreadyPreferred.length, 6);
    assert.equal(outcome.elected.length, before.counts['non-preferred-leader']);
    const after = await pollHealth(client, (h) => h.topics.find((t) => t.name === 'health-rf3')!.counts['non-preferred-leader'] === 0, 15_000);
    const topic = after.topics.find((t) => t.name === 'health-rf3')!;
    assert.equal(topic.counts['non-preferred-leader'], 0);
    for (const p of topic.partitions) assert.equal(p.leader, p.replicas[0]);
    const theirs = await kafkaDescribe(cluster.bootstrap, 'health-rf3');
    for (const p of topic.partitions) assert.equal(theirs.get(p.partition)?.leader, p.replicas[0]);
    console.log(`      preferred leader election moved ${outcome.elected.length} partition(s) back, ${outcome.alreadyPreferred.length} were already preferred`);
  });

  it('raises a topic\'s replication factor from 1 to 3 by reassignment, follows it to the end, and Kafka agrees', async () => {
    await createTopic(client, { name: 'reassign-rf', partitions: 3, replicationFactor: 1 }, 3);
    const current = await describePartitions(client, 'reassign-rf');
    const plan = planReplicationFactor(current, 3, [1, 2, 3]);
    for (const [i, p] of plan.entries()) assert.equal(p.replicas[0], current[i].replicas[0], 'the preferred leader stays');
    await reassignPartitions(client, 'reassign-rf', plan, [1, 2, 3]);
    const deadline = Date.now() + 30_000;
    while ((await reassignmentProgress(client, 'reassign-rf')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(await reassignmentProgress(client, 'reassign-rf'), []);
    const theirs = await kafkaDescribe(cluster.bootstrap, 'reassign-rf');
    for (const p of plan) assert.deepEqual(theirs.get(p.partition)?.replicas, p.replicas);
    // Nothing left to cancel: cancelling is a no-op, not an error.
    await cancelReassignment(client, 'reassign-rf');
    await assert.rejects(reassignPartitions(client, 'reassign-rf', [{ partition: 0, replicas: [1, 9] }], [1, 2, 3]), /distinct broker ids.*unknown: 9/);
    assert.deepEqual(parseAssignments('0:1,2,3; 1:2,3,1'), [{ partition: 0, replicas: [1, 2, 3] }, { partition: 1, replicas: [2, 3, 1] }]);
    assert.match(String(parseAssignments('0=1,2')), /not partition:replicas/);
    assert.deepEqual(planReplicationFactor([{ partition: 0, replicas: [2, 3, 1] }], 2, [1, 2, 3]), [{ partition: 0, replicas: [2, 3] }]);
  });
});
