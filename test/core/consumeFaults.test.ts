// Broker stop and restart during a tail, on a broker of its own (the shared test broker stays up).
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalBroker, stopBrokerInDir, type RunningBroker } from '../../src/core/broker/localBroker';
import type { KafkaClient } from '../../src/core/kafka/client';
import { type Tail, toRawRecords, type RawRecord, type TailState } from '../../src/core/kafka/consumer';
import { startTail } from '../../src/core/kafka/tail';
import { createTopic, plainClient, produce, records, until } from '../support/consumeFixtures';
import { testClasspath } from '../support/testBroker';

describe('Consume: broker stopped and restarted during a tail', function () {
  this.timeout(240_000);
  let dir: string;
  let broker: RunningBroker | undefined;
  let client: KafkaClient | undefined;
  let tail: Tail | undefined;

  before(async () => {
    dir = await fsp.mkdtemp(path.join(tmpdir(), 'kw-consume-restart-'));
  });

  after(async () => {
    await tail?.stop();
    await client?.close();
    await stopBrokerInDir(dir);
    await fsp.rm(dir, { recursive: true, force: true });
  });

  for (const mode of ['no group', 'group with manual commits'] as const) {
    it(`${mode}: the tail shows the outage, reconnects, and resumes at the right offset (no gap, no repeat)`, async () => {
      const classpath = await testClasspath();
      broker = await startLocalBroker({ dataDir: dir, classpath });
      const topic = mode === 'no group' ? 'restart-direct' : 'restart-group';
      await createTopic(broker.bootstrap, topic, 2);
      await produce(broker.bootstrap, topic, records(2, 25));
      client = await plainClient(broker.bootstrap, 5000);
      const seen: RawRecord[] = [];
      const states: TailState[] = [];
      tail = await startTail(
        client,
        {
          topic,
          start: { kind: 'earliest' },
          isolation: 'read_committed',
          ...(mode === 'no group' ? {} : { group: { groupId: `${topic}-viewer`, commit: 'manual' as const } }),
        },
        { records: (p, m) => void seen.push(...toRawRecords(p, m)), state: (s) => states.push(s) },
      );
      await until('the first 50 records', () => seen.length >= 50, 30_000);

      await broker.stop();
      const stopped = Date.now();
      // Within seconds, not when kafkajs gives up retrying (its CRASH, 60 s and more under load).
      await until('the tail reports the outage', () => tail!.state.state === 'reconnecting', 30_000, 200);
      console.log(`      ${mode}: "reconnecting" ${Date.now() - stopped} ms after the broker stopped`);
      const outage = states.find((s) => s.state === 'reconnecting');
      assert.ok(outage && outage.state === 'reconnecting' && outage.message.length > 0);

      broker = await startLocalBroker({ dataDir: dir, classpath });
      await produce(broker.bootstrap, topic, records(2, 25).map((m) => ({ ...m, value: `after-${String(m.value)}` })));
      await until('all 100 records', () => seen.length >= 100, 90_000, 200);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(tail.state.state, 'live');
      for (const p of [0, 1]) {
        const offsets = seen.filter((r) => r.partition === p).map((r) => Number(r.offset));
        assert.deepEqual(offsets, Array.from({ length: 50 }, (_, i) => i), `partition ${p}: every offset once, in order`);
      }
      await tail.stop();
      tail = undefined;
      await client.close();
      client = undefined;
      await broker.stop();
      broker = undefined;
    });
  }
});
