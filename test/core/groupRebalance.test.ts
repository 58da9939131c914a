// Rebalances of a viewer's consumer group, seen from the tail (the core event the viewer shows) and
// from the cluster (what the tree lists): a member joining and leaving the real broker's group.
import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { TopicTail, type TailState } from '../../src/core/kafka/consumer';
import { describeGroups, deleteGroup } from '../../src/core/kafka/groups';
import { createTopic, deleteTopic, plainClient, produce, records, uniqueTopic, until } from '../support/consumeFixtures';
import { testBroker } from '../support/testBroker';

describe('Consumer group rebalances (core, real broker)', function () {
  this.timeout(90_000);
  let bootstrap: string;
  let client: KafkaClient;
  const topic = uniqueTopic('rebalance');
  const groupId = `${topic}-group`;
  const tails: TopicTail[] = [];

  before(async () => {
    bootstrap = (await testBroker()).bootstrap;
    await createTopic(bootstrap, topic, 2);
    await produce(bootstrap, topic, records(2, 10));
    client = await plainClient(bootstrap);
  });

  after(async () => {
    for (const t of tails) await t.stop();
    await deleteGroup(client, groupId).catch(() => undefined);
    await deleteTopic(bootstrap, topic).catch(() => undefined);
    await client?.close();
  });

  /** A member of the group; `hold` keeps its first batch (and so its heartbeats) waiting. */
  const member = async (states?: TailState[], hold?: Promise<void>): Promise<TopicTail> => {
    let held = false;
    const tail = await TopicTail.start(
      client,
      { topic, start: { kind: 'committed', fallback: 'earliest' }, group: { groupId, commit: 'manual' }, isolation: 'read_uncommitted' },
      { records: () => (hold && !held ? ((held = true), hold) : undefined), state: (s) => void states?.push(s) },
    );
    tails.push(tail);
    return tail;
  };
  const members = async () => (await describeGroups(client, [groupId]))[0]?.members.length ?? 0;

  const states: TailState[] = [];

  it('says "rebalancing" while a member joins and while it leaves, then "live" with the partitions shared out again', async () => {
    const a = await member(states);
    await until('A holds both partitions', () => a.assignedPartitions().length === 2);
    assert.equal(await members(), 1);

    states.length = 0;
    const b = await member();
    await until('A and B hold one partition each', () => a.assignedPartitions().length === 1 && b.assignedPartitions().length === 1, 30_000);
    const joined = states.map((s) => s.state);
    assert.ok(joined.indexOf('rebalancing') >= 0 && joined.lastIndexOf('live') > joined.indexOf('rebalancing'), `A's states when B joined: ${joined.join(' → ')}`);
    const during = states.find((s) => s.state === 'rebalancing');
    assert.deepEqual(during && 'assigned' in during ? during.assigned : undefined, [0, 1], 'rebalancing names what A held before');
    assert.equal(await members(), 2);

    states.length = 0;
    await b.stop();
    await until('A holds both partitions again', () => a.assignedPartitions().length === 2, 30_000);
    const left = states.map((s) => s.state);
    assert.ok(left.includes('rebalancing') && left[left.length - 1] === 'live', `A's states when B left: ${left.join(' → ')}`);
    assert.equal(await members(), 1);
  });

  it('stays "rebalancing" while a slow member holds the group up, and is "live" again once it returns', async () => {
    for (const t of tails.splice(0)) await t.stop();
    const a = await member([]);
    await until('A holds both partitions', () => a.assignedPartitions().length === 2, 30_000);
    let release: () => void = () => undefined;
    const hold = new Promise<void>((r) => (release = r));
    try {
      const slow = await member(undefined, hold);
      await until('the slow member sits on its batch', () => slow.assignedPartitions().length > 0, 30_000);
      // Its start resolves only once the group has rebalanced: not awaited until the end.
      const third = member();
      await until('A is rebalancing', () => a.state.state === 'rebalancing', 10_000);
      await new Promise((r) => setTimeout(r, 2_000));
      assert.equal(a.state.state, 'rebalancing', 'A still waits for the slow member');
      release();
      await third;
      await until('A is live again', () => a.state.state === 'live', 20_000);
    } finally {
      release();
    }
  });
});
