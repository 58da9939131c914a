// Health of a real three-node KRaft cluster: a node killed with SIGKILL shows as an offline broker
// and under-replicated partitions (counted per topic and for the cluster), its restart heals them,
// and what we report agrees with Kafka's own TopicCommand --describe from the same jars.
import * as assert from 'node:assert/strict';
import { residentMemoryMb } from '../../src/core/broker/localCluster';
import { checkClusterHealth, describeQuorum } from '../../src/core/kafka/clusterHealth';
import type { KafkaClient } from '../../src/core/kafka/client';
import { cancelReassignment, electPreferredLeaders, planReplicationFactor, reassignmentProgress, reassignPartitions } from '../../src/core/kafka/reassignment';
import { createTopic, describePartitions } from '../../src/core/kafka/topics';
import { testCluster, type TestCluster } from '../support/testCluster';
import { clusterClient, kafkaDescribe, pollHealth } from '../support/clusterTools';

describe('Cluster health (core, three real brokers)', function () {
  this.timeout(180_000);
  let cluster: TestCluster;
  let client: KafkaClient;

  before(async () => {
    cluster = await testCluster();
    client = await clusterClient(cluster.bootstrap, 'kw-cluster-health');
    await createTopic(client, { name: 'health-rf3', partitions: 6, replicationFactor: 3 }, 3);
  });

  after(async () => {
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
    const rss = await Promise.all(cluster.nodes.map((n) => residentMemoryMb(n.pid)));
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
    assert.equal(health.counts['under-replicated'], 0);
    assert.equal(health.counts.offline, 0);
  });

  it('marks a SIGKILLed broker offline (not missing) and its partitions under-replicated, then heals after the restart', async () => {
    const before = await checkClusterHealth(client);
    const victim = 3;
    await cluster.kill(victim);
    const t0 = Date.now();
    const down = await pollHealth(client, (h) => {
      const t = h.topics.find((x) => x.name === 'health-rf3');
      return h.brokers.some((b) => b.nodeId === victim && !b.online) && (t?.counts['under-replicated'] ?? 0) === 6;
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
    assert.ok(down.counts['under-replicated'] >= 6, 'rolled up on the cluster');
    for (const p of topic.partitions) assert.ok(!p.isr.includes(victim) && p.leader !== victim);
    // Partitions the victim led moved to another replica: not their preferred leader any more.
    const ledBefore = before.topics.find((t) => t.name === 'health-rf3')!.partitions.filter((p) => p.leader === victim).length;
    assert.equal(topic.counts['non-preferred-leader'], ledBefore);
    assert.ok(down.controllerId !== victim, 'the active controller is a live node');
    console.log(`      broker ${victim} seen offline with 6 under-replicated partitions ${seconds.toFixed(1)} s after SIGKILL`);

    await cluster.restart(victim);
    const healed = await pollHealth(client, (h) => h.brokers.every((b) => b.online) && h.topics.find((x) => x.name === 'health-rf3')!.counts['under-replicated'] === 0, 60_000);
    assert.equal(healed.topics.find((x) => x.name === 'health-rf3')!.counts['under-replicated'], 0);
    assert.ok(healed.brokers.every((b) => b.online));
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
  });
});
