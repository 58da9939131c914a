// Failover under load on a real three-node cluster (the shared one of testCluster.ts): the broker
// that leads part of a topic AND coordinates its consumer group is SIGKILLed in the middle of an
// idempotent bulk send, while a group reads the topic.
// - produce: every record gets a report, none is lost or written twice, and each partition keeps
//   the order the records were sent in (read back and checked by the sequence number in each value;
//   every delivered offset is the one the record really has);
// - consume: the group keeps at-least-once across the failover: a member reading through it, then
//   a second member resuming from the group's commits, see every produced offset between them.
// One kill/restart cycle for both, to keep the layer short; clusterHealth.test.ts covers health,
// NOT_ENOUGH_REPLICAS and the tail across a restart.
import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { type RawMessage, type TailState } from '../../src/core/kafka/consumer';
import { startTail } from '../../src/core/kafka/tail';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { createTopic, describePartitions } from '../../src/core/kafka/topics';
import { watermarks } from '../../src/core/kafka/offsets';
import { produce, type ProduceOutcome } from '../../src/core/produce/produceService';
import { clusterClient } from '../support/clusterTools';
import { until } from '../support/consumeFixtures';
import { testCluster, type TestCluster } from '../support/testCluster';

const TOTAL = 20_000;
const KILL_AFTER = 2_000;
/** Member A of the group stops here (after the failover: one idempotent request at a time waits it out). */
const A_STOPS_AFTER = 12_000;

/** Reads a topic from the start (no group) until `count` records came; per partition, in offset order. */
async function readAll(client: KafkaClient, topic: string, count: number): Promise<Map<number, { offset: string; value: string }[]>> {
  const out = new Map<number, { offset: string; value: string }[]>();
  let n = 0;
  const tail = await startTail(client, { topic, start: { kind: 'earliest' }, isolation: 'read_uncommitted' }, {
    records: (p, messages) => {
      let list = out.get(p);
      if (!list) out.set(p, (list = []));
      for (const m of messages) list.push({ offset: m.offset, value: m.value?.toString() ?? '' });
      n += messages.length;
    },
  });
  try {
    await until(`${count} records were read back (have ${n})`, () => n >= count, 60_000);
  } finally {
    await tail.stop();
  }
  return out;
}

describe('Failover under load (core, three real brokers)', function () {
  this.timeout(240_000);
  let cluster: TestCluster;
  let client: KafkaClient;
  let victim = -1;
  const topic = 'fo-bulk';
  const groupId = 'fo-bulk-group';

  before(async () => {
    cluster = await testCluster();
    client = await clusterClient(cluster.bootstrap, 'kw-cluster-failover');
    await createTopic(client, { name: topic, partitions: 6, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }, 3);
    // Brokers learn of a new topic one by one: wait until reading it works.
    await until('the new topic can be read', async () => {
      try {
        await readAll(client, topic, 0);
        return true;
      } catch {
        return false;
      }
    }, 30_000);
  });

  after(async () => {
    // The next file expects three nodes up.
    if (cluster && victim > 0 && !cluster.isUp(victim)) await cluster.restart(victim);
    await client?.close();
  });

  it('idempotent bulk send with the leader SIGKILLed mid-way: every record reported, none lost or duplicated, order per partition kept; a group sees every offset (at-least-once)', async () => {
    // Member A of the group reads while the records go out, committing automatically.
    const seenByA = new Map<number, Set<string>>();
    const states: TailState['state'][] = [];
    const note = (seen: Map<number, Set<string>>) => (p: number, messages: RawMessage[]) => {
      let s = seen.get(p);
      if (!s) seen.set(p, (s = new Set()));
      for (const m of messages) s.add(m.offset);
    };
    const memberA = await startTail(
      client,
      { topic, start: { kind: 'committed', fallback: 'earliest' }, group: { groupId, commit: 'automatic', autoCommitIntervalMs: 500 }, isolation: 'read_uncommitted' },
      { records: note(seenByA), state: (s) => void states.push(s.state) },
    );
    await until('member A has its partitions', () => memberA.assignedPartitions().length === 6, 30_000);

    // The victim coordinates the group (it leads __consumer_offsets, one partition here) and leads
    // some of the topic's partitions, so both the producer and the group must fail over.
    victim = (await describePartitions(client, '__consumer_offsets'))[0].leader;
    const led = (await describePartitions(client, topic)).filter((p) => p.leader === victim).map((p) => p.partition);
    assert.ok(led.length > 0, `broker ${victim} leads some partition of ${topic}`);

    let delivered = 0;
    let killedAt = 0;
    let aStopped: Promise<void> | undefined;
    const t0 = Date.now();
    const outcome: ProduceOutcome = await produce(
      client,
      {
        topic,
        keyFormat: 'none',
        valueFormat: 'string',
        value: '{{i}}',
        count: TOTAL,
        partitionMode: 'any',
        // The defaults a user gets with idempotence on, and enough retries to outlast a leader
        // election (the cluster notices a dead broker after broker.session.timeout.ms, 6 s here).
        settings: { ...DEFAULT_PRODUCER_SETTINGS, acks: 'all', idempotent: true, retries: 10 },
        sendStyle: 'asynchronous',
      },
      {
        keepReports: TOTAL,
        onReport: (r) => {
          if (r.status !== 'delivered') return;
          if (++delivered === KILL_AFTER) {
            killedAt = Date.now();
            void cluster.kill(victim);
          } else if (delivered === A_STOPS_AFTER) {
            aStopped = memberA.stop();
          }
        },
      },
    );
    const sendSeconds = (Date.now() - t0) / 1000;
    assert.ok(killedAt > 0, 'the broker was killed during the send');
    const slowest = Math.max(...outcome.reports.map((r) => r.latencyMs));
    console.log(
      `      broker ${victim} (group coordinator, leader of partitions ${led.join(',')}) SIGKILLed after ${KILL_AFTER} deliveries: ` +
        `${outcome.delivered} delivered, ${outcome.failed} failed of ${outcome.total} in ${sendSeconds.toFixed(1)} s (slowest report ${(slowest / 1000).toFixed(1)} s)`,
    );
    assert.equal(outcome.reports.length, TOTAL, 'every record has a report');
    assert.equal(outcome.failed, 0, JSON.stringify(outcome.reports.find((r) => r.status === 'failed')));
    assert.equal(outcome.delivered, TOTAL);

    // Read back: each value is its sequence number. Every one exactly once, at the offset its report
    // gave, and increasing within each partition (the order they were sent in).
    const back = await readAll(client, topic, TOTAL);
    // Copies first: a record written twice is named with both places before any report is checked.
    const places = new Map<number, string[]>();
    for (const [partition, list] of back) for (const { offset, value } of list) places.set(Number(value), [...(places.get(Number(value)) ?? []), `${partition}@${offset}`]);
    const copies = [...places].filter(([, at]) => at.length > 1);
    assert.deepEqual(copies.slice(0, 5), [], `${copies.length} records written more than once (sequence, places)`);
    const seen = new Set<number>();
    let readCount = 0;
    for (const [partition, list] of back) {
      let previous = -1;
      for (const { offset, value } of list) {
        const seq = Number(value);
        assert.ok(!seen.has(seq), `record ${seq} written twice (again at ${partition}@${offset})`);
        seen.add(seq);
        assert.ok(seq > previous, `partition ${partition} out of order: ${seq} after ${previous} at offset ${offset}`);
        previous = seq;
        const report = outcome.reports[seq];
        assert.ok(report.status === 'delivered' && report.partition === partition && report.offset === offset, `report of ${seq}: ${JSON.stringify(report)}, read at ${partition}@${offset}`);
        readCount++;
      }
    }
    assert.equal(readCount, TOTAL, 'no record more than sent');
    assert.equal(seen.size, TOTAL, 'no record lost');
    const marks = await watermarks(client, topic);
    assert.equal(marks.reduce((n, m) => n + Number(m.high) - Number(m.low), 0), TOTAL, 'nothing else in the log');

    // The group: A read through the failover and stopped while records still came; B resumes from
    // A's commits. Together they saw every offset the topic holds (some maybe twice: at-least-once).
    await aStopped;
    const readByA = [...seenByA.values()].reduce((n, s) => n + s.size, 0);
    const seenByB = new Map<number, Set<string>>();
    const memberB = await startTail(
      client,
      { topic, start: { kind: 'committed', fallback: 'earliest' }, group: { groupId, commit: 'manual' }, isolation: 'read_uncommitted' },
      { records: note(seenByB) },
    );
    try {
      const missing = () =>
        marks.flatMap((m) => {
          const out: string[] = [];
          for (let o = Number(m.low); o < Number(m.high); o++) {
            const key = String(o);
            if (!seenByA.get(m.partition)?.has(key) && !seenByB.get(m.partition)?.has(key)) out.push(`${m.partition}@${o}`);
          }
          return out;
        });
      await until('A and B together saw every offset', () => missing().length === 0, 60_000).catch(() => undefined);
      assert.deepEqual(missing().slice(0, 10), [], 'every produced offset was seen by the group');
      const readByB = [...seenByB.values()].reduce((n, s) => n + s.size, 0);
      assert.ok(readByB > 0 && readByA < TOTAL, `B had records left to read (A read ${readByA})`);
      console.log(`      group across the failover: member A read ${readByA} (states ${states.join(' → ')}) and stopped, member B resumed from the commits and read ${readByB} (${readByA + readByB - TOTAL} read twice); 0 of ${TOTAL} offsets missed`);
    } finally {
      await memberB.stop();
    }
  });
});
