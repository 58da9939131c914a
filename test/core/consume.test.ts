import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { toRawRecords, type RawRecord, type Tail, type TailOptions, type TailState } from '../../src/core/kafka/consumer';
import { startTail } from '../../src/core/kafka/tail';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { committedOffsets } from '../../src/core/kafka/offsets';
import { createTopic, deleteTopic, plainClient, produce, rawKafka, records, uniqueTopic, until } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

/** A tail that collects what it receives. */
interface Collected {
  tail: Tail;
  seen: RawRecord[];
  states: TailState[];
}

async function collect(client: KafkaClient, options: TailOptions): Promise<Collected> {
  const seen: RawRecord[] = [];
  const states: TailState[] = [];
  const tail = await startTail(client, options, { records: (p, m) => void seen.push(...toRawRecords(p, m)), state: (s) => states.push(s) });
  return { tail, seen, states };
}

function byPartition(seen: RawRecord[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of seen) {
    const list = out.get(r.partition) ?? [];
    list.push(r.offset);
    out.set(r.partition, list);
  }
  return out;
}

async function expectRefused(work: Promise<unknown>, reason: string, message: RegExp): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof KafkaWorkbenchError, `expected KafkaWorkbenchError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('Consume: start positions, partitions and validation (no group: DirectTail)', function () {
  this.timeout(90_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const topic = uniqueTopic('consume-start');
  const T0 = Date.UTC(2024, 0, 1);
  const tails: Tail[] = [];

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    await createTopic(broker.bootstrap, topic, 2);
    // Records 0–4 of each partition at T0, 5–9 one hour later.
    await produce(broker.bootstrap, topic, records(2, 10, (n) => T0 + (n < 5 ? 0 : 3_600_000)));
  });

  afterEach(async () => {
    await Promise.all(tails.splice(0).map((t) => t.stop()));
  });

  after(async () => {
    await deleteTopic(broker.bootstrap, topic);
    await client.close();
  });

  async function tailFrom(options: Partial<TailOptions>): Promise<Collected> {
    const c = await collect(client, { topic, start: { kind: 'earliest' }, isolation: 'read_committed', ...options });
    tails.push(c.tail);
    return c;
  }

  it('earliest reads every partition from offset 0 in order', async () => {
    const c = await tailFrom({ start: { kind: 'earliest' } });
    await until('20 records', () => c.seen.length >= 20);
    const parts = byPartition(c.seen);
    for (const p of [0, 1]) assert.deepEqual(parts.get(p), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('latest skips what is there and shows only records produced after the start', async () => {
    const c = await tailFrom({ start: { kind: 'latest' } });
    await until('assignment', () => c.tail.state.state === 'live');
    await produce(broker.bootstrap, topic, [{ partition: 1, value: 'after-latest' }]);
    await until('the new record', () => c.seen.length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(c.seen.length, 1);
    assert.equal(c.seen[0].value?.toString(), 'after-latest');
    assert.equal(c.seen[0].offset, '10');
  });

  it('a specific offset per partition starts exactly there', async () => {
    const c = await tailFrom({ start: { kind: 'offset', offset: { 0: '7', 1: '3' } } });
    await until('records from both partitions', () => byPartition(c.seen).get(0)?.length === 3 && (byPartition(c.seen).get(1)?.length ?? 0) >= 7);
    assert.equal(byPartition(c.seen).get(0)?.[0], '7');
    assert.equal(byPartition(c.seen).get(1)?.[0], '3');
  });

  it('a timestamp starts at the first record at or after that time in each partition', async () => {
    const c = await tailFrom({ start: { kind: 'timestamp', timestamp: T0 + 1_000 } });
    await until('records from both partitions', () => (byPartition(c.seen).get(0)?.length ?? 0) >= 5 && (byPartition(c.seen).get(1)?.length ?? 0) >= 5);
    assert.equal(byPartition(c.seen).get(0)?.[0], '5');
    assert.equal(byPartition(c.seen).get(1)?.[0], '5');
    assert.ok(c.seen.every((r) => r.timestamp >= T0 + 1_000));
  });

  it("the group's committed offset: partition 0 resumes at its commit, partition 1 (never committed) at the earliest", async () => {
    const groupId = uniqueTopic('g-committed');
    await client.withAdmin('set offsets', (admin) => admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '4' }] }));
    const c = await tailFrom({ start: { kind: 'committed' }, group: { groupId, commit: 'manual' } });
    await until('records', () => (byPartition(c.seen).get(0)?.length ?? 0) >= 6 && (byPartition(c.seen).get(1)?.length ?? 0) >= 10);
    assert.equal(byPartition(c.seen).get(0)?.[0], '4');
    assert.equal(byPartition(c.seen).get(1)?.[0], '0');
  });

  it('chosen partitions: only partition 1 is read', async () => {
    const c = await tailFrom({ partitions: [1] });
    await until('partition 1', () => c.seen.length >= 10);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual([...byPartition(c.seen).keys()], [1]);
    assert.deepEqual(c.tail.assignedPartitions(), [1]);
  });

  it('refuses a negative offset, an offset past the end, one below the earliest kept, a missing partition and an unknown topic, with what to pick', async () => {
    await expectRefused(startTail(client, { topic, start: { kind: 'offset', offset: '-1' }, isolation: 'read_committed' }, { records() {} }), 'invalid-input', /negative/);
    await expectRefused(
      startTail(client, { topic, start: { kind: 'offset', offset: '500' }, isolation: 'read_committed' }, { records() {} }),
      'invalid-input',
      /Offset 500 is beyond the latest offset of partition 0 .*Pick an offset from 0 to 10/,
    );
    const trimmed = uniqueTopic('consume-trimmed');
    await createTopic(broker.bootstrap, trimmed, 1);
    try {
      await produce(broker.bootstrap, trimmed, records(1, 10));
      const admin = rawKafka(broker.bootstrap).admin();
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [trimmed] });
      await admin.deleteTopicRecords({ topic: trimmed, partitions: [{ partition: 0, offset: '6' }] }).finally(() => admin.disconnect());
      await expectRefused(
        startTail(client, { topic: trimmed, start: { kind: 'offset', offset: '2' }, isolation: 'read_committed' }, { records() {} }),
        'invalid-input',
        /below the earliest offset still kept .*\(6\).*Pick an offset from 6 to 10/,
      );
    } finally {
      await deleteTopic(broker.bootstrap, trimmed);
    }
    await expectRefused(
      startTail(client, { topic, partitions: [5], start: { kind: 'earliest' }, isolation: 'read_committed' }, { records() {} }),
      'invalid-input',
      /has no partition 5/,
    );
    await expectRefused(
      startTail(client, { topic: 'no-such-topic-here', start: { kind: 'earliest' }, isolation: 'read_committed' }, { records() {} }),
      'unknown-topic',
      /does not exist/,
    );
  });
});

describe('Consume: groups and commit modes (TopicTail; no group: DirectTail)', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const tails: Tail[] = [];
  const topics: string[] = [];

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
  });

  afterEach(async () => {
    await Promise.all(tails.splice(0).map((t) => t.stop()));
    await Promise.all(topics.splice(0).map((t) => deleteTopic(broker.bootstrap, t)));
  });

  after(async () => {
    await client.close();
  });

  async function topicWith(partitions: number, perPartition: number): Promise<string> {
    const topic = uniqueTopic('consume-commit');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, partitions);
    if (perPartition > 0) await produce(broker.bootstrap, topic, records(partitions, perPartition));
    return topic;
  }

  async function start(options: TailOptions): Promise<Collected> {
    const c = await collect(client, options);
    tails.push(c.tail);
    return c;
  }

  it('no group: no group is joined or created on the cluster, and commit is refused with the reason', async () => {
    const topic = await topicWith(2, 5);
    const groupsBefore = new Set((await client.withAdmin('list', (a) => a.listGroups())).groups.map((g) => g.groupId));
    const c = await start({ topic, start: { kind: 'earliest' }, isolation: 'read_committed' });
    assert.equal(c.tail.groupId, '');
    await until('10 records', () => c.seen.length >= 10);
    const groupsNow = (await client.withAdmin('list', (a) => a.listGroups())).groups.map((g) => g.groupId);
    assert.deepEqual(groupsNow.filter((g) => !groupsBefore.has(g)), [], 'no group appeared while the tail read');
    await expectRefused(c.tail.commit(), 'invalid-input', /without a consumer group/);
    const progress = await c.tail.progress();
    assert.deepEqual(progress.map((p) => [p.partition, p.position, p.lag]), [[0, '5', '0'], [1, '5', '0']], 'position and lag per partition');
    await c.tail.stop();
  });

  it('automatic: the consumer commits what it delivered within the interval', async () => {
    const topic = await topicWith(2, 5);
    const groupId = uniqueTopic('g-auto');
    const c = await start({ topic, start: { kind: 'earliest' }, group: { groupId, commit: 'automatic', autoCommitIntervalMs: 300 }, isolation: 'read_committed' });
    await until('10 records', () => c.seen.length >= 10);
    await until('commits at the end of both partitions', async () => {
      const committed = await committedOffsets(client, groupId, topic);
      return committed.get(0) === '5' && committed.get(1) === '5';
    });
  });

  it('manual: nothing is committed until Commit; Commit commits the last record shown; a selected record commits through it', async () => {
    const topic = await topicWith(2, 5);
    const groupId = uniqueTopic('g-manual');
    const c = await start({ topic, start: { kind: 'earliest' }, group: { groupId, commit: 'manual' }, isolation: 'read_committed' });
    await until('10 records', () => c.seen.length >= 10);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await committedOffsets(client, groupId, topic)).size, 0, 'manual mode commits nothing by itself');
    const selected = await c.tail.commit([{ partition: 1, offset: '2' }]);
    assert.equal(selected.get(1), '3', 'commit through offset 2 stores 3 (the next to read)');
    assert.equal(selected.has(0), false);
    const all = await c.tail.commit();
    assert.deepEqual([...all].sort(), [
      [0, '5'],
      [1, '5'],
    ]);
    assert.deepEqual(await committedOffsets(client, groupId, topic), all, 'the broker holds what commit() returned');
  });

  it('after display: only what the viewer reported as shown gets committed', async () => {
    const topic = await topicWith(1, 10);
    const groupId = uniqueTopic('g-display');
    const c = await start({ topic, start: { kind: 'earliest' }, group: { groupId, commit: 'afterDisplay' }, isolation: 'read_committed' });
    await until('10 records', () => c.seen.length >= 10);
    assert.equal((await committedOffsets(client, groupId, topic)).size, 0);
    // The viewer has shown records up to offset 6.
    const committed = await c.tail.commit([{ partition: 0, offset: '6' }]);
    assert.equal(committed.get(0), '7');
  });

  it('read_committed hides an aborted transaction that read_uncommitted shows', async () => {
    const topic = await topicWith(1, 0);
    const producer = rawKafka(broker.bootstrap).producer({ transactionalId: uniqueTopic('tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committedTx = await producer.transaction();
      await committedTx.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
      await committedTx.commit();
      const abortedTx = await producer.transaction();
      await abortedTx.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }, { value: 'a3' }] });
      await abortedTx.abort();
      const lastTx = await producer.transaction();
      await lastTx.send({ topic, messages: [{ value: 'c3' }] });
      await lastTx.commit();
    } finally {
      await producer.disconnect();
    }
    const committedView = await start({ topic, start: { kind: 'earliest' }, isolation: 'read_committed' });
    const uncommittedView = await start({ topic, start: { kind: 'earliest' }, isolation: 'read_uncommitted' });
    await until('c3 in both', () => [committedView, uncommittedView].every((c) => c.seen.some((r) => r.value?.toString() === 'c3')));
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(committedView.seen.map((r) => r.value?.toString()), ['c1', 'c2', 'c3']);
    assert.deepEqual(uncommittedView.seen.map((r) => r.value?.toString()), ['c1', 'c2', 'a1', 'a2', 'a3', 'c3']);
  });

  it('same group: two tails split the partitions (a queue); different groups: each gets every record (publish/subscribe)', async () => {
    const topic = await topicWith(4, 0);
    const groupId = uniqueTopic('g-queue');
    const a = await start({ topic, start: { kind: 'latest' }, group: { groupId, commit: 'manual' }, isolation: 'read_committed' });
    const b = await start({ topic, start: { kind: 'latest' }, group: { groupId, commit: 'manual' }, isolation: 'read_committed' });
    const other = await start({ topic, start: { kind: 'latest' }, group: { groupId: `${groupId}-other`, commit: 'manual' }, isolation: 'read_committed' });
    await until('a balanced split', () => {
      const pa = a.tail.assignedPartitions();
      const pb = b.tail.assignedPartitions();
      return pa.length === 2 && pb.length === 2 && new Set([...pa, ...pb]).size === 4;
    }, 30_000);
    await until('the other group owns all four', () => other.tail.assignedPartitions().length === 4);
    await produce(broker.bootstrap, topic, records(4, 10));
    await until('40 records split between a and b, and 40 in the other group', () => a.seen.length + b.seen.length >= 40 && other.seen.length >= 40);
    await new Promise((r) => setTimeout(r, 500));
    const key = (r: RawRecord) => `${r.partition}:${r.offset}`;
    const inA = new Set(a.seen.map(key));
    const inB = new Set(b.seen.map(key));
    assert.equal(inA.size + inB.size, 40, 'each record went to exactly one member of the group');
    assert.ok([...inA].every((k) => !inB.has(k)));
    assert.ok(inA.size > 0 && inB.size > 0, 'both members received records');
    assert.equal(new Set(other.seen.map(key)).size, 40, 'the other group received every record');
  });

  it('at-least-once with manual commits: after a consumer restart, records after the last commit come again and none are missed', async () => {
    const topic = await topicWith(1, 30);
    const groupId = uniqueTopic('g-alo');
    const first = await start({ topic, start: { kind: 'committed' }, group: { groupId, commit: 'manual' }, isolation: 'read_committed' });
    await until('30 records', () => first.seen.length >= 30);
    await first.tail.commit([{ partition: 0, offset: '19' }]);
    // The viewer "crashes" after showing 30 records but committing only 20.
    await first.tail.stop();
    await produce(broker.bootstrap, topic, records(1, 10));
    const second = await start({ topic, start: { kind: 'committed' }, group: { groupId, commit: 'manual' }, isolation: 'read_committed' });
    await until('the rest', () => second.seen.some((r) => r.offset === '39'));
    const produced = Array.from({ length: 40 }, (_, i) => String(i));
    const seenFirst = first.seen.map((r) => r.offset);
    const seenSecond = second.seen.map((r) => r.offset);
    assert.equal(seenSecond[0], '20', 'the restarted consumer resumes at the committed offset');
    assert.deepEqual(
      [...new Set([...seenFirst, ...seenSecond])].sort((x, y) => Number(x) - Number(y)),
      produced,
      'every produced offset was seen (none missed)',
    );
    const again = seenSecond.filter((o) => seenFirst.includes(o));
    assert.deepEqual(again, Array.from({ length: 10 }, (_, i) => String(20 + i)), 'exactly the uncommitted records came again');
  });

  it('a group used by another member with a different assignment strategy: the tail stops with a clear message, no hang', async () => {
    const topic = await topicWith(2, 2);
    const groupId = uniqueTopic('g-foreign');
    // Another application in the group, with kafkajs' round-robin strategy only.
    const foreign = rawKafka(broker.bootstrap).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await foreign.connect();
    await foreign.subscribe({ topics: [topic], fromBeginning: true });
    let joined = false;
    foreign.on(foreign.events.GROUP_JOIN, () => (joined = true));
    await foreign.run({ eachMessage: async () => undefined });
    try {
      await until('the other member joined', () => joined);
      // Chosen partitions need this viewer's own strategy, which the other member does not speak.
      const c = await start({ topic, partitions: [0], start: { kind: 'earliest' }, group: { groupId, commit: 'manual' }, isolation: 'read_committed' });
      await until('stopped', () => c.tail.state.state === 'stopped', 30_000);
      const last = c.tail.state;
      assert.ok(last.state === 'stopped' && last.error);
      assert.match(last.error.message, new RegExp(`Group "${groupId}" is in use by consumers with another partition assignment strategy`));
    } finally {
      await foreign.disconnect();
    }
  });

  it('a topic deleted while tailing stops the tail with a message that says so', async () => {
    const topic = await topicWith(1, 3);
    const c = await start({ topic, start: { kind: 'earliest' }, isolation: 'read_committed' });
    await until('3 records', () => c.seen.length >= 3);
    await deleteTopic(broker.bootstrap, topic);
    await until('stopped', () => c.tail.state.state === 'stopped', 30_000);
    const last = c.tail.state;
    assert.ok(last.state === 'stopped' && last.error, 'stopped with an error');
    assert.equal(last.error.reason, 'unknown-topic');
    assert.match(last.error.message, /does not exist .*deleted/);
  });
});
