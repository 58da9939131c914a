import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { decode, deserializer, registerDeserializer } from '../../src/core/consume/deserializers';
import { toJsonLines } from '../../src/core/consume/jsonLines';
import type { TailRow } from '../../src/core/consume/tailRecord';
import { TailSession, type RowSink, type ViewUpdate } from '../../src/core/consume/tailSession';
import { createTopic, deleteTopic, plainClient, produce, uniqueTopic, until } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

/** Plays the webview: keeps the last update, counts the calls. */
class RecordingSink implements RowSink {
  visible = true;
  calls = 0;
  last: ViewUpdate | undefined;
  droppedTotal = 0;
  view(update: ViewUpdate): void {
    this.calls++;
    this.droppedTotal += update.dropped;
    this.last = update;
  }
  get count(): number {
    return this.last?.count ?? 0;
  }
  get rows(): TailRow[] {
    return this.last?.rows ?? [];
  }
}

describe('Consume: pipeline (deserialize, capped buffer, batched rows, filters, export)', function () {
  this.timeout(90_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const topic = uniqueTopic('consume-pipeline');
  const sessions: TailSession[] = [];

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    await createTopic(broker.bootstrap, topic, 2);
    const messages = [];
    for (let n = 0; n < 120; n++) {
      messages.push({ partition: n % 2, key: `key-${n}`, value: JSON.stringify({ n, kind: n % 3 === 0 ? 'order' : 'click' }), timestamp: String(1_700_000_000_000 + n * 1000) });
    }
    messages.push({ partition: 0, key: 'broken', value: '{"not json', headers: { trace: 'abc' } });
    messages.push({ partition: 1, key: 'binary', value: Buffer.from([0xff, 0xfe, 0x00, 0x41]) });
    await produce(broker.bootstrap, topic, messages);
  });

  after(async () => {
    await Promise.all(sessions.map((s) => s.stop()));
    await deleteTopic(broker.bootstrap, topic);
    await client.close();
  });

  it('keeps only the newest `capacity` records, says how many left, and updates the view in batches (count + visible page), not one call per record', async () => {
    const sink = new RecordingSink();
    const session = await TailSession.start(
      client,
      { topic, start: { kind: 'earliest' }, isolation: 'read_committed', keyFormat: 'string', valueFormat: 'json', capacity: 50 },
      sink,
      50,
    );
    sessions.push(session);
    await session.waitForReceived(122, 20_000);
    await until('the sink caught up', () => sink.count === 50 && sink.last?.upToSeq === 121 && sink.rows.at(-1)?.seq === 121);
    const stats = session.stats();
    assert.equal(stats.received, 122);
    assert.equal(stats.buffered, 50);
    assert.equal(stats.evicted, 72);
    assert.equal(sink.rows[0].seq, 72, 'following the tail, the page holds the newest 50');
    assert.ok(sink.calls < 20, `the view was updated ${sink.calls} times for 122 records`);
    // A view scrolled to the top asks for rows 0–9 and gets them.
    session.setWindow(0, 10, false);
    session.flush();
    assert.equal(sink.last?.from, 0);
    assert.deepEqual(sink.rows.map((r) => r.seq), Array.from({ length: 10 }, (_, i) => 72 + i));
    await session.stop();
  });

  it('a value that is not JSON, or not UTF-8, is shown raw as hex with the reason, never dropped', async () => {
    const sink = new RecordingSink();
    const session = await TailSession.start(
      client,
      { topic, start: { kind: 'earliest' }, isolation: 'read_committed', keyFormat: 'string', valueFormat: 'json', capacity: 1000 },
      sink,
    );
    sessions.push(session);
    await session.waitForReceived(122, 20_000);
    const all = [...session.buffer.range()].map(([, r]) => r);
    const broken = all.find((r) => r.key === 'broken')!;
    assert.equal(broken.value, Buffer.from('{"not json').toString('hex'));
    assert.match(broken.valueError ?? '', /JSON \(pretty\): not JSON/);
    assert.deepEqual(broken.headers, [{ key: 'trace', value: 'abc' }]);
    const binary = all.find((r) => r.key === 'binary')!;
    assert.equal(binary.value, 'fffe0041');
    assert.match(binary.valueError ?? '', /not valid UTF-8/);
    const pretty = all.find((r) => r.key === 'key-3')!;
    assert.equal(pretty.value, JSON.stringify({ n: 3, kind: 'order' }, null, 2));

    await until('rows sent', () => sink.count === 122);
    session.setWindow(0, 1000, false);
    session.flush();
    assert.ok(sink.rows.find((r) => r.keyPreview === 'broken')?.decodeError);

    // Filters: partition, key, text, regex, time range — and export of what matches.
    session.setFilter({ partitions: [0], text: '"kind": "order"' });
    session.flush();
    assert.equal(sink.last?.reset, true);
    assert.ok(sink.rows.length > 0 && sink.rows.every((r) => r.partition === 0 && r.valuePreview?.includes('order')));
    assert.equal(sink.count, 20, 'n ≡ 0 mod 6 in 0..119');
    session.setFilter({ text: '^\\{\\s+"n": 1\\d,', regex: true });
    session.flush();
    assert.deepEqual(sink.rows.map((r) => r.keyPreview).sort(), Array.from({ length: 10 }, (_, i) => `key-${10 + i}`).sort());
    session.setFilter({ key: 'key-11', fromTime: 1_700_000_000_000 + 11_000, toTime: 1_700_000_000_000 + 11_000 });
    session.flush();
    assert.deepEqual(sink.rows.map((r) => r.keyPreview), ['key-11']);
    assert.throws(() => session.setFilter({ text: '(', regex: true }), /Invalid regular expression/);
    session.setFilter({ key: 'broken' });
    const lines = toJsonLines(topic, [...session.matching()].map(([, r]) => r), session.options).trim().split('\n');
    assert.equal(lines.length, 1);
    const exported = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(exported.topic, topic);
    assert.equal(exported.key, 'broken');
    assert.equal(exported.value, '{"not json', 'a value that failed to decode is exported as its bytes (record line format)');
    session.setFilter({ key: 'key-3' });
    const json = toJsonLines(topic, [...session.matching()].map(([, r]) => r), session.options)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; value: string })
      .find((l) => l.key === 'key-3')!;
    assert.deepEqual(JSON.parse(json.value), { n: 3, kind: 'order' }, 'a JSON value is exported as its JSON text');
  });

  it('rows wait while the view is hidden and are all sent when it shows again', async () => {
    const sink = new RecordingSink();
    sink.visible = false;
    const session = await TailSession.start(
      client,
      { topic, start: { kind: 'earliest' }, isolation: 'read_committed', keyFormat: 'string', valueFormat: 'string', capacity: 1000 },
      sink,
      50,
    );
    sessions.push(session);
    await session.waitForReceived(122, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.calls, 0, 'nothing is posted to a hidden view');
    sink.visible = true;
    await until('all rows', () => sink.count === 122 && sink.last?.reset === true);
  });

  it('deserializers: hex and base64 show bytes; a registered deserializer (the Avro seam) is used by name', () => {
    const bytes = Buffer.from('hi<');
    assert.equal(decode(bytes, deserializer('hex'))?.text, '68693c');
    assert.equal(decode(bytes, deserializer('base64'))?.text, 'aGk8');
    assert.equal(decode(null, deserializer('json')), null);
    registerDeserializer({ name: 'upper-test', label: 'Upper', decode: (b) => b.toString('utf8').toUpperCase() });
    assert.deepEqual(decode(bytes, deserializer('upper-test')), { text: 'HI<', format: 'upper-test' });
    assert.throws(() => deserializer('nope'), /Unknown deserializer "nope"/);
  });
});
