import * as assert from 'node:assert/strict';
import { deserializer, decodePreview } from '../../src/core/consume/deserializers';
import { TailBuffer } from '../../src/core/consume/tailBuffer';
import { TailSession, type RowSink, type ViewUpdate } from '../../src/core/consume/tailSession';
import { BufferSearcher } from '../../src/core/consume/search/bufferSearch';
import type { KafkaClient } from '../../src/core/kafka/client';
import { fetchRecord } from '../../src/core/kafka/recordFetch';
import { createTopic, deleteTopic, plainClient, produce, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

class Sink implements RowSink {
  visible = true;
  last: ViewUpdate | undefined;
  view(update: ViewUpdate): void {
    this.last = update;
  }
}

describe('Consume: memory bounded by bytes (byte budget, previews of large records, fetch-back)', function () {
  this.timeout(90_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const topic = uniqueTopic('tail-memory');
  const big = (n: number) => `{"n":${n},"blob":"${String.fromCharCode(97 + (n % 26)).repeat(300_000)}"}`;

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    await createTopic(broker.bootstrap, topic, 1);
    // One record per request: the broker takes at most 1 MB per batch.
    for (let n = 0; n < 30; n++) await produce(broker.bootstrap, topic, [{ key: `k${n}`, value: n % 10 === 9 ? Buffer.concat([Buffer.from([0xff]), Buffer.alloc(200_000, 1)]) : big(n) }]);
  });

  after(async () => {
    await deleteTopic(broker.bootstrap, topic);
    await client.close();
  });

  it('the buffer drops its oldest records to stay under its byte budget, whatever the count cap', () => {
    const buffer = new TailBuffer(1_000, 100_000);
    const value = 'x'.repeat(10_000); // 10 KB of UTF-8 in the arena, plus the slot's overhead
    for (let i = 0; i < 50; i++) buffer.push(0, String(i), 0, null, value, value.length, undefined, undefined, undefined);
    assert.ok(buffer.byteSize <= 100_000, `byteSize ${buffer.byteSize}`);
    assert.equal(buffer.length, 9);
    assert.equal(buffer.get(buffer.firstSeq)?.offset, '41');
    assert.equal(buffer.dropped, 41);
    assert.equal(buffer.get(49)?.value, value);
    // A single record above the whole budget still shows (its text is a bounded preview anyway).
    buffer.push(0, '50', 0, null, 'y'.repeat(200_000), 200_000, undefined, undefined, undefined);
    assert.equal(buffer.length, 1);
  });

  it('the arena gives back every kept key and value exactly across wrap-arounds (null, empty, multi-byte, lone surrogates, larger than the arena)', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % n;
    const pieces = ['a', 'b', 'c', 'é', '€', '𝄞', '\u202e', '\ud800', '"', '\n'];
    const text = (len: number) => Array.from({ length: len }, () => pieces[rnd(pieces.length)]).join('');
    const buffer = new TailBuffer(500, 20_000);
    const pushed: [string | null, string | null][] = [];
    let mostKept = 0;
    for (let i = 0; i < 3_000; i++) {
      const key = rnd(5) === 0 ? null : text(rnd(20));
      const value = rnd(7) === 0 ? null : rnd(50) === 0 ? text(8_000) : text(rnd(600));
      pushed.push([key, value]);
      buffer.push(0, String(i), i, key, value, value?.length ?? 0, undefined, undefined, undefined);
      assert.ok(buffer.byteSize <= 20_000 || buffer.length === 1, `byteSize ${buffer.byteSize} with ${buffer.length} kept`);
      mostKept = Math.max(mostKept, buffer.length);
      if (i % 97 === 0 || i > 2_990) {
        for (const [seq, r] of buffer.range()) assert.deepEqual([r.key, r.value], pushed[seq], `record ${seq} read back after push ${i}`);
      }
    }
    assert.ok(mostKept > 20 && mostKept < 500, `kept at most ${mostKept}`);
    buffer.clear();
    buffer.push(0, '1', 0, 'k', 'v', 1, undefined, undefined, undefined);
    assert.deepEqual([buffer.get(buffer.firstSeq)?.key, buffer.get(buffer.firstSeq)?.value], ['k', 'v']);
  });

  it('a preview decodes only the start of a large value: text cut at a whole character, hex of binary, flagged', () => {
    const euro = Buffer.from('€'.repeat(10)); // 3 bytes each: cut at 10 bytes leaves 3 whole ones
    assert.deepEqual(decodePreview(euro, deserializer('string'), 10), { text: '€€€', truncated: true });
    assert.deepEqual(decodePreview(Buffer.from([0xff, 0xfe, 0, 1]), deserializer('json'), 2)?.error?.includes('hex'), true);
    assert.deepEqual(decodePreview(Buffer.from('{"a":1}'), deserializer('json'), 100), { text: '{\n  "a": 1\n}', truncated: false });
  });

  it('a tail of 300 KB values keeps 64 KB previews flagged truncated inside a 1 MB budget; fetchRecord reads the whole value back', async () => {
    const sink = new Sink();
    const session = await TailSession.start(
      client,
      { topic, start: { kind: 'earliest' }, isolation: 'read_committed', keyFormat: 'string', valueFormat: 'json', capacity: 1000, maxBytes: 1_000_000 },
      sink,
      20,
    );
    try {
      await session.waitForReceived(30, 30_000);
      const buffer = session.buffer;
      assert.ok(buffer.byteSize <= 1_000_000, `byteSize ${buffer.byteSize}`);
      assert.ok(buffer.length >= 5 && buffer.length < 30, `kept ${buffer.length}`);
      const newest = buffer.get(buffer.endSeq - 1)!; // n = 29: binary
      assert.equal(newest.valueTruncated, true);
      assert.equal(newest.valueBytes, 200_001);
      assert.ok(newest.valueError && newest.value!.length <= 64 * 1024 * 2);
      const text = buffer.get(buffer.endSeq - 2)!; // n = 28: JSON, 300 KB
      assert.equal(text.valueTruncated, true);
      assert.equal(text.value!.length, 64 * 1024);
      assert.ok(text.value!.startsWith('{"n":28,'));
      session.flush();
      assert.equal(sink.last?.rows.at(-1)?.truncated, true, 'the row says the record is cut');
      const whole = await fetchRecord(client, topic, 0, text.offset);
      assert.equal(whole.value?.toString('utf8'), big(28));

      // A worker search over the buffer becomes the view's filter.
      const searcher = new BufferSearcher();
      try {
        const found = await searcher.search('key:k28 OR key:k27', session.buffer.range());
        assert.equal(found.status, 'done');
        session.setSearchResult(found.matches);
        session.flush();
        assert.deepEqual(sink.last?.rows.map((r) => r.keyPreview), ['k27', 'k28']);
        assert.deepEqual([...session.matching()].map(([, r]) => r.key), ['k27', 'k28']);
      } finally {
        searcher.dispose();
      }
    } finally {
      await session.stop();
    }
  });
});
