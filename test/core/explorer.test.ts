import * as assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';
import type { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { deleteGroup, describeGroup, groupOffsets, listGroups, resetGroupOffsets } from '../../src/core/kafka/groups';
import {
  addPartitions,
  collidingTopic,
  createTopic,
  deleteTopic,
  describePartitions,
  listTopicInfos,
  setTopicConfig,
  topicConfigs,
  validateTopicName,
} from '../../src/core/kafka/topics';
import { plainClient } from '../support/plainClient';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const run = promisify(execFile);
const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** Produces `lines` to one partition with kcat (librdkafka), a client nobody here wrote. */
async function kcatProduce(bootstrap: string, topic: string, partition: number, lines: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-P', '-t', topic, '-p', String(partition)]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${stderr}`))));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

/** kcat's answer for the end offset of each partition (-Q with timestamp -1). */
async function kcatLatest(bootstrap: string, topic: string, partitions: number): Promise<Map<number, string>> {
  const args = ['-b', bootstrap, '-Q'];
  for (let p = 0; p < partitions; p++) args.push('-t', `${topic}:${p}:-1`);
  const { stdout } = await run('kcat', args);
  return new Map([...stdout.matchAll(/\[(\d+)\] offset (\d+)/g)].map((m) => [Number(m[1]), m[2]]));
}

/**
 * A python-kafka consumer (a third-party client) that joins `group`, commits the given offsets,
 * prints "ready" and stays a member until its stdin closes.
 */
function pythonGroupMember(bootstrap: string, group: string, topic: string, commits: Record<number, number>): Promise<ChildProcessWithoutNullStreams> {
  const script = `
import sys, time
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata
c = KafkaConsumer(bootstrap_servers=${JSON.stringify(bootstrap)}, group_id=${JSON.stringify(group)}, client_id='py-member',
                  enable_auto_commit=False, auto_offset_reset='earliest', api_version=(2, 5, 0))
c.subscribe([${JSON.stringify(topic)}])
deadline = time.time() + 30
while not c.assignment() and time.time() < deadline:
    c.poll(timeout_ms=500)
commits = ${JSON.stringify(commits)}
c.commit({TopicPartition(${JSON.stringify(topic)}, int(p)): OffsetAndMetadata(o, '') for p, o in commits.items()})
print('ready', flush=True)
sys.stdin.read()
c.close()
`;
  const child = spawn('/usr/bin/python3', ['-c', script]);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`python consumer exited ${code}: ${err}`)));
  });
}

async function stopMember(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.end();
  await exited;
}

async function rejectsWith(work: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof KafkaWorkbenchError, `not a KafkaWorkbenchError: ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('Topic explorer core against the real broker', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;
  let client: KafkaClient;

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap, 'explorer-test', 10_000);
  });

  after(async () => {
    await client.close();
  });

  it('checks topic names against Kafka\'s rules, and spots "." / "_" collisions', () => {
    assert.equal(validateTopicName('orders.v1_x-2'), undefined);
    assert.match(validateTopicName('') ?? '', /Enter a topic name/);
    assert.match(validateTopicName('..') ?? '', /not allowed/);
    assert.match(validateTopicName('a'.repeat(250)) ?? '', /at most 249/);
    assert.match(validateTopicName('bad name/é') ?? '', /remove: {2}\/ é|remove:.*\//);
    assert.equal(collidingTopic('orders_v1', ['orders.v1', 'other']), 'orders.v1');
    assert.equal(collidingTopic('orders_v2', ['orders.v1']), undefined);
  });

  it('creates a topic with partitions and configs; its configs mark what differs from the default', async () => {
    const name = unique('explorer-create');
    await createTopic(client, { name, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '123456' } }, 1);
    const info = (await listTopicInfos(client)).find((t) => t.name === name);
    assert.deepEqual(info, { name, partitions: 3, replicationFactor: 1, internal: false });
    const configs = await topicConfigs(client, name);
    const retention = configs.find((c) => c.name === 'retention.ms');
    assert.deepEqual([retention?.value, retention?.isDefault, retention?.source], ['123456', false, 'topic']);
    const cleanup = configs.find((c) => c.name === 'cleanup.policy');
    assert.deepEqual([cleanup?.value, cleanup?.isDefault], ['delete', true]);
    await deleteTopic(client, name);
  });

  it('refuses an existing name, an illegal name, and a replication factor above the broker count, with clear messages', async () => {
    const name = unique('explorer-dup');
    await createTopic(client, { name, partitions: 1, replicationFactor: 1 }, 1);
    await rejectsWith(createTopic(client, { name, partitions: 1, replicationFactor: 1 }, 1), /already exists/);
    await rejectsWith(createTopic(client, { name: 'has space', partitions: 1, replicationFactor: 1 }, 1), /only contain letters/);
    await rejectsWith(createTopic(client, { name: unique('rf'), partitions: 1, replicationFactor: 3 }, 1), /Replication factor 3 is not possible with 1 broker/);
    const dotted = unique('explorer.dots');
    await createTopic(client, { name: dotted, partitions: 1, replicationFactor: 1 }, 1);
    await rejectsWith(createTopic(client, { name: dotted.replace('.', '_'), partitions: 1, replicationFactor: 1 }, 1), /would collide with "explorer\.dots/);
    await deleteTopic(client, dotted);
    await deleteTopic(client, name);
  });

  it('shows per-partition earliest/latest offsets and record counts equal to what kcat reports', async () => {
    const name = unique('explorer-offsets');
    await createTopic(client, { name, partitions: 3, replicationFactor: 1 }, 1);
    await kcatProduce(broker.bootstrap, name, 0, ['a', 'b', 'c', 'd', 'e']);
    await kcatProduce(broker.bootstrap, name, 2, ['x', 'y']);
    const partitions = await describePartitions(client, name);
    const kcat = await kcatLatest(broker.bootstrap, name, 3);
    assert.deepEqual(
      partitions.map((p) => [p.partition, p.earliest, p.latest, p.records]),
      [
        [0, '0', '5', '5'],
        [1, '0', '0', '0'],
        [2, '0', '2', '2'],
      ],
    );
    for (const p of partitions) {
      assert.equal(p.latest, kcat.get(p.partition), `partition ${p.partition}: kcat says ${kcat.get(p.partition)}`);
      assert.equal(p.leader, 1);
      assert.deepEqual(p.replicas, [1]);
      assert.deepEqual(p.isr, [1]);
    }
    await deleteTopic(client, name);
  });

  it('adds partitions only upward', async () => {
    const name = unique('explorer-partitions');
    await createTopic(client, { name, partitions: 2, replicationFactor: 1 }, 1);
    await rejectsWith(addPartitions(client, name, 2), /has 2 partition\(s\); the new count must be larger/);
    await rejectsWith(addPartitions(client, name, 1), /only be added/);
    await addPartitions(client, name, 5);
    assert.equal((await describePartitions(client, name)).length, 5);
    await deleteTopic(client, name);
  });

  it('edits a config after the broker validated it, keeping the other overrides; a bad value changes nothing', async () => {
    const name = unique('explorer-config');
    await createTopic(client, { name, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '600000' } }, 1);
    await setTopicConfig(client, name, 'max.message.bytes', '2000000');
    // Read back at once, and edited again at once: a broker that still described the old overrides
    // showed the old value, and the second edit (which sends every override) undid the first.
    let configs = await topicConfigs(client, name);
    assert.equal(configs.find((c) => c.name === 'max.message.bytes')?.value, '2000000');
    await setTopicConfig(client, name, 'retention.ms', '700000');
    configs = await topicConfigs(client, name);
    assert.equal(configs.find((c) => c.name === 'max.message.bytes')?.value, '2000000', 'the first edit survives the second');
    assert.equal(configs.find((c) => c.name === 'retention.ms')?.value, '700000');
    await setTopicConfig(client, name, 'retention.ms', '600000');
    configs = await topicConfigs(client, name);
    assert.equal(configs.find((c) => c.name === 'retention.ms')?.value, '600000', 'the other override survives');
    await rejectsWith(setTopicConfig(client, name, 'cleanup.policy', 'bogus'), /broker refused.*cleanup.policy|Invalid value bogus/i);
    configs = await topicConfigs(client, name);
    assert.equal(configs.find((c) => c.name === 'cleanup.policy')?.value, 'delete');
    assert.equal(configs.find((c) => c.name === 'max.message.bytes')?.value, '2000000');
    await setTopicConfig(client, name, 'max.message.bytes', null);
    assert.equal((await topicConfigs(client, name)).find((c) => c.name === 'max.message.bytes')?.isDefault, true);
    await deleteTopic(client, name);
  });

  it('a topic this client looked at and someone else deleted does not break later calls about other topics', async () => {
    const gone = unique('explorer-gone');
    const kept = unique('explorer-kept');
    await createTopic(client, { name: gone, partitions: 1, replicationFactor: 1 }, 1);
    await createTopic(client, { name: kept, partitions: 2, replicationFactor: 1 }, 1);
    await describePartitions(client, gone);
    const other = await plainClient(broker.bootstrap, 'explorer-other', 10_000);
    try {
      await deleteTopic(other, gone);
    } finally {
      await other.close();
    }
    assert.equal((await describePartitions(client, kept)).length, 2);
    await rejectsWith(describePartitions(client, gone), /does not exist/);
    await deleteTopic(client, kept);
  });

  it('deleting a topic someone else just deleted says so', async () => {
    const name = unique('explorer-delete');
    await createTopic(client, { name, partitions: 1, replicationFactor: 1 }, 1);
    await deleteTopic(client, name);
    await rejectsWith(deleteTopic(client, name), /does not exist \(any more\)/);
    await rejectsWith(describePartitions(client, name), /does not exist/);
  });

  it('shows a group\'s members and lag = latest − committed; refuses a reset while it has members; resets to earliest once empty', async () => {
    const topic = unique('explorer-lag');
    const group = unique('explorer-group');
    await createTopic(client, { name: topic, partitions: 2, replicationFactor: 1 }, 1);
    await kcatProduce(broker.bootstrap, topic, 0, Array.from({ length: 10 }, (_, i) => `m${i}`));
    await kcatProduce(broker.bootstrap, topic, 1, Array.from({ length: 4 }, (_, i) => `n${i}`));
    const member = await pythonGroupMember(broker.bootstrap, group, topic, { 0: 7, 1: 1 });
    try {
      assert.ok((await listGroups(client)).some((g) => g.groupId === group));
      const description = await describeGroup(client, group);
      assert.equal(description.state, 'Stable');
      assert.equal(description.protocolType, 'consumer');
      assert.equal(description.members.length, 1);
      assert.equal(description.members[0].clientId, 'py-member');
      assert.deepEqual(description.members[0].assignment, [{ topic, partitions: [0, 1] }]);
      const offsets = await groupOffsets(client, group);
      assert.deepEqual(
        offsets.partitions.map((p) => [p.partition, p.committed, p.latest, p.lag]),
        [
          [0, '7', '10', '3'],
          [1, '1', '4', '3'],
        ],
      );
      assert.equal(offsets.totalLag, '6');
      await rejectsWith(resetGroupOffsets(client, group, topic, { to: 'earliest' }), /1 member\(s\): py-member .*stop those consumers first/);
    } finally {
      await stopMember(member);
    }
    // The group empties once the member's LeaveGroup lands.
    for (let i = 0; i < 20 && (await describeGroup(client, group)).members.length > 0; i++) await new Promise((r) => setTimeout(r, 500));
    const reset = await resetGroupOffsets(client, group, topic, { to: 'earliest' });
    assert.deepEqual(reset, [
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
    ]);
    const after = await groupOffsets(client, group);
    assert.deepEqual(after.partitions.map((p) => [p.committed, p.lag]), [['0', '10'], ['0', '4']]);
    await rejectsWith(resetGroupOffsets(client, group, topic, { to: 'offset', offset: '99' }, [1]), /Offset 99 is outside partition 1 .* 0 to 4/);
    await resetGroupOffsets(client, group, topic, { to: 'offset', offset: '2' }, [1]);
    assert.equal((await groupOffsets(client, group)).partitions.find((p) => p.partition === 1)?.committed, '2');
    await deleteGroup(client, group);
    assert.ok(!(await listGroups(client)).some((g) => g.groupId === group));
    await deleteTopic(client, topic);
  });
});
