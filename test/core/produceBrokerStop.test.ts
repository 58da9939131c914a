// A broker of its own, stopped in the middle of a bulk send: every record must come back with a
// report (delivered, or failed with a reason), none silently lost, and nothing left unhandled.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalBroker, type RunningBroker } from '../../src/core/broker/localBroker';
import type { KafkaClient } from '../../src/core/kafka/client';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { createTopic } from '../../src/core/kafka/topics';
import { produce, type RecordReport } from '../../src/core/produce/produceService';
import { testClasspath } from '../support/testBroker';
import { plainClient } from '../support/plainClient';

describe('Produce (core) when the broker stops mid bulk send', function () {
  this.timeout(240_000);
  let dir: string;
  let broker: RunningBroker | undefined;
  let client: KafkaClient | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kw-produce-stop-'));
    broker = await startLocalBroker({ dataDir: dir, classpath: await testClasspath() });
    process.on('unhandledRejection', onUnhandled);
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await client?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports every record delivered or failed (none lost), stops soon after, and leaves no unhandled rejection', async () => {
    client = await plainClient(broker!.bootstrap, 'kw-stop', 5000);
    await createTopic(client, { name: 'doomed', partitions: 3, replicationFactor: 1 }, 1);
    const total = 400_000;
    const reports: RecordReport[] = [];
    let stopping: Promise<void> | undefined;
    const started = Date.now();
    const outcome = await produce(
      client,
      {
        topic: 'doomed',
        keyFormat: 'string',
        valueFormat: 'string',
        key: 'k{{i}}',
        value: 'record {{i}} {{random.string(40)}}',
        count: total,
        partitionMode: 'any',
        settings: { ...DEFAULT_PRODUCER_SETTINGS, acks: 1, retries: 2, requestTimeoutMs: 5000 },
        sendStyle: 'asynchronous',
      },
      {
        onReport: (r) => {
          reports.push(r);
          if (reports.length === 5000) stopping = broker!.stop();
        },
      },
    );
    await stopping;
    const elapsed = Date.now() - started;
    assert.ok(stopping, 'the broker was stopped during the send');
    assert.equal(reports.length, total, 'one report per record');
    assert.equal(new Set(reports.map((r) => r.seq)).size, total, 'no record reported twice');
    assert.equal(outcome.delivered + outcome.failed, total);
    assert.ok(outcome.delivered >= 5000, `delivered ${outcome.delivered}`);
    assert.ok(outcome.failed > 0, 'records after the stop failed');
    const names = new Set<string>();
    for (const r of reports) {
      if (r.status === 'failed') {
        names.add(r.error.name);
        assert.ok(r.error.message.length > 0 && r.error.hint.length > 0, 'every failure says what happened and what to do');
      } else assert.equal(r.status, 'delivered');
    }
    for (const name of names) assert.ok(['NETWORK_EXCEPTION', 'REQUEST_TIMED_OUT', 'NOT_SENT'].includes(name), `unexpected failure ${name}`);
    assert.ok(names.has('NOT_SENT'), 'the rest were not sent after the broker went away');
    const offsets = reports.filter((r) => r.status === 'delivered').map((r) => `${r.partition}:${r.status === 'delivered' ? r.offset : ''}`);
    assert.equal(new Set(offsets).size, offsets.length, 'no two delivered records share an offset');
    assert.ok(elapsed < 120_000, `took ${elapsed} ms`);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(unhandled, []);
  });
});
