// The kafkajs patches (patches/*.patch) change how kafkajs encodes and decodes, never what: every
// case here runs the same input through the patched kafkajs and through an unpatched copy of the
// same version (kafkajs-upstream) and asserts identical bytes, identical records, or the same error.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { atFixedTime, patched, recordBatchesOf, recordSet, upstream, type DecodedRecord, type KafkajsInternals, type ProduceRequestArgs, type WireMessage } from '../support/kafkajsInternals';

const NOW = 1_700_000_000_123;

/** Each copy gets its own deep copy of the input, so neither can see what the other did to it. */
function cloneArgs(args: ProduceRequestArgs): ProduceRequestArgs {
  const copy = (v: unknown): unknown =>
    Buffer.isBuffer(v) ? Buffer.from(v) : Array.isArray(v) ? v.map(copy) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) : v;
  return copy(args) as ProduceRequestArgs;
}

type Outcome = { bytes: Buffer } | { error: string };

async function encode(lib: KafkajsInternals, args: ProduceRequestArgs): Promise<Outcome> {
  try {
    return await atFixedTime(NOW, async () => {
      const request = lib.produceRequest(cloneArgs(args));
      const payload = (await request.encode()).buffer;
      const frame = (await lib.frame({ correlationId: 42, clientId: 'kafka-workbench', request: { apiKey: 0, apiVersion: 7, encode: request.encode } })).buffer;
      assert.ok(frame.subarray(frame.length - payload.length).equals(payload), `${lib.name}: the frame ends with the payload`);
      return { bytes: Buffer.from(frame) };
    });
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

function assertSameOutcome(a: Outcome, b: Outcome): void {
  if ('error' in b) {
    assert.deepEqual(a, b, 'the patched kafkajs fails as kafkajs 2.2.4 does');
    return;
  }
  assert.ok('bytes' in a, `kafkajs 2.2.4 encoded it, the patched copy threw ${'error' in a ? a.error : ''}`);
  if (!a.bytes.equals(b.bytes)) {
    const at = a.bytes.findIndex((byte, i) => byte !== b.bytes[i]);
    assert.fail(`bytes differ (patched ${a.bytes.length} B, upstream ${b.bytes.length} B), first at ${at}`);
  }
}

// Arbitraries: what producers really send, and the corners.
const bytes = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 1, arbitrary: fc.constant('') },
);
const nullable = fc.oneof({ weight: 5, arbitrary: bytes }, { weight: 1, arbitrary: fc.constant(null) });
/** Values past a 512-byte encoder and varints of 2-3 bytes, now and then up to 150 KB. */
const large = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 128, max: 20_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 150_000 }) }).map((n) => Buffer.alloc(n, n & 0xff));
const headerValue = fc.oneof({ weight: 30, arbitrary: bytes }, { weight: 1, arbitrary: fc.constant(null) });
const headers = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 4 })), { maxKeys: 20 });
/** Timestamps as kafkajs takes them (decimal strings): near now, far apart, and past 2^53. */
const timestamp = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }).map(String),
  fc.integer({ min: 0, max: 2 ** 40 }).map(String),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 62n }).map(String),
  // As RecordProducer hands them over: numbers (kafkajs only sorts, subtracts and writes them).
  fc.integer({ min: 0, max: 1_800_000_000_000 }) as fc.Arbitrary<unknown> as fc.Arbitrary<string>,
);
const message: fc.Arbitrary<WireMessage> = fc.record({ key: fc.option(nullable, { nil: undefined }), value: nullable, headers: fc.option(headers, { nil: undefined }), timestamp: fc.option(timestamp, { nil: undefined }) }, { requiredKeys: ['value'] });
const largeMessage = fc.record({ key: nullable, value: large, headers: fc.option(headers, { nil: undefined }) });
/** Records of every kind mixed; a few large ones; or one small record repeated, as a real producer sends them. */
const messages = (max: number) =>
  fc.oneof(
    fc.array(message, { maxLength: max }),
    fc.array(fc.oneof({ weight: 5, arbitrary: message }, { weight: 1, arbitrary: largeMessage }), { maxLength: 4 }),
    fc.tuple(message.filter((m) => !m.value || m.value.length < 200), fc.integer({ min: 0, max })).map(([m, n]) => Array.from({ length: n }, () => m)),
    // One send time for the whole batch (patch 007's case), now and then one record stamped apart.
    fc
      .tuple(fc.array(message, { minLength: 1, maxLength: max }), timestamp, timestamp, fc.boolean())
      .map(([ms, t, other, apart]) => ms.map((m, i) => ({ ...m, timestamp: apart && i === ms.length - 1 ? other : t }))),
  );

const produceArgs = (maxMessages: number): fc.Arbitrary<ProduceRequestArgs> =>
  fc
    .record({
      acks: fc.constantFrom(-1, 0, 1),
      timeout: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      compression: fc.constantFrom(0, 1, 2, 3, 4),
      idempotent: fc.option(fc.record({ transactionalId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }), producerId: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), producerEpoch: fc.integer({ min: 0, max: 32767 }) }), { nil: undefined }),
      topicData: fc.array(
        fc.record({
          topic: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
          partitions: fc.array(fc.record({ partition: fc.integer({ min: 0, max: 1000 }), firstSequence: fc.option(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { nil: undefined }), messages: messages(maxMessages) }), { minLength: 1, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    })
    .map(({ idempotent, ...rest }) => ({ ...rest, ...(idempotent ?? {}) }));

/** Decodes a record set with one copy; errors become values to compare. */
async function decode(lib: KafkajsInternals, set: Buffer, fetchedOffset: string): Promise<{ records: DecodedRecord[]; kept: DecodedRecord[] } | { error: string }> {
  try {
    const records = await lib.decodeMessages(lib.newDecoder(Buffer.from(set)));
    const kept = lib.batch('t', fetchedOffset, { partition: 0, highWatermark: '0', messages: records }).messages;
    return { records, kept };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** fc.assert, with the report cut short: counterexamples hold buffers of up to 150 KB. */
async function check<Ts>(property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts> = {}): Promise<void> {
  try {
    // A sync property's assert returns nothing; awaiting that is harmless.
    await fc.assert(property as fc.IAsyncProperty<Ts>, { endOnFailure: true, ...params });
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
    throw new Error(`${text.slice(0, 300)} … ${text.slice(-1500)}${cause ? `\ncause: ${cause.slice(0, 1500)}` : ''}`);
  }
}

describe('kafkajs patches: byte-identical to kafkajs 2.2.4', function () {
  this.timeout(120_000);

  it('groups messages per partition in the same order', async () => {
    await check(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 300 }), (partitions) => {
        const messages = partitions.map((partition, i) => ({ partition, i }));
        const args = { topic: 't', partitionMetadata: [{}], messages, partitioner: ({ message }: { message: { partition: number } }) => message.partition };
        assert.deepEqual(patched.groupMessagesPerPartition(args), upstream.groupMessagesPerPartition(args));
      }),
    );
  });

  it('computes the same CRC32C for every length and alignment', async () => {
    await check(fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(7), (data, skip) => {
      const buffer = Buffer.from(data).subarray(Math.min(skip, data.length));
      assert.equal(patched.crc32C(buffer), upstream.crc32C(buffer));
    }), { numRuns: 500 });
    assert.equal(patched.crc32C(Buffer.from('123456789')), 0xe3069283, 'the CRC-32C check value');
  });

  it('encodes produce requests to the same bytes (keys, values, 0-20 headers with repeats and nulls, timestamps past 2^53, every codec, idempotent and transactional batches)', async () => {
    await check(
      fc.asyncProperty(produceArgs(30), async (args) => {
        assertSameOutcome(await encode(patched, args), await encode(upstream, args));
      }),
      { numRuns: 250 },
    );
  });

  it('encodes large batches (up to 2,000 records) to the same bytes', async () => {
    await check(
      fc.asyncProperty(produceArgs(2000), async (args) => {
        assertSameOutcome(await encode(patched, args), await encode(upstream, args));
      }),
      { numRuns: 6 },
    );
  });

  it('decodes many headers (repeats, "__proto__", "constructor", numeric keys) to the same headers; 10,000 of them in linear time', async () => {
    const setWith = async (count: number) => {
      // fromEntries makes "__proto__" an own key (an assignment would set the prototype instead).
      const headers: Record<string, Buffer | (Buffer | null)[] | null> = Object.fromEntries([
        ...Array.from({ length: count }, (_, i) => [`h${i}`, Buffer.from(`v${i}`)]),
        ...['__proto__', 'constructor', 'toString', '7', '0'].map((key) => [key, [Buffer.from(`${key}-a`), Buffer.from(`${key}-b`)]]),
      ]);
      const args = { acks: 1, timeout: 1000, compression: 0, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', headers }] }] }] } as unknown as ProduceRequestArgs;
      const encoded = await encode(upstream, args);
      assert.ok('bytes' in encoded, 'error' in encoded ? encoded.error : '');
      return recordSet(recordBatchesOf(encoded.bytes.subarray(4 + 2 + 2 + 4 + 2 + 'kafka-workbench'.length)));
    };
    // Upstream is quadratic in the header count: compared at a size it still decodes quickly.
    const small = await setWith(500);
    assert.deepStrictEqual(await decode(patched, small, '0'), await decode(upstream, small, '0'));
    const big = await setWith(10_000);
    const started = performance.now();
    const decoded = await decode(patched, big, '0');
    const took = performance.now() - started;
    assert.ok('records' in decoded && Object.keys(decoded.records[0].headers ?? {}).length === 10_005);
    assert.ok(took < 2_000, `10,000 headers decoded in ${Math.round(took)} ms`);
  });

  it('decodes record sets to the same records (offsets past 2^53, log-append time, control and aborted flags, a truncated tail) and keeps the same ones past the fetched offset', async () => {
    const withRecords = produceArgs(30).filter((a) => a.topicData.every((t) => t.partitions.every((p) => p.messages.every((m) => !m.headers || !Object.values(m.headers).flat().includes(null)))));
    await check(
      fc.asyncProperty(
        withRecords,
        fc.array(fc.record({ firstOffset: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 2n ** 53n - 100n, max: 2n ** 63n - 1n })), flags: fc.constantFrom(0, 0x08, 0x10, 0x20) }), { minLength: 1, maxLength: 6 }),
        fc.nat(40),
        fc.oneof(fc.constant('0'), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String)),
        async (args, edits, truncate, fetchedOffset) => {
          const encoded = await encode(upstream, args);
          // Some inputs kafkajs cannot encode at all (zstd of an empty batch): nothing to decode.
          if (!('bytes' in encoded)) return;
          const request = encoded.bytes.subarray(4 + 2 + 2 + 4 + 2 + 'kafka-workbench'.length);
          const batches = recordBatchesOf(request).map((b, i) => {
            const copy = Buffer.from(b);
            const edit = edits[i % edits.length];
            copy.writeBigInt64BE(edit.firstOffset, 0);
            copy.writeInt16BE(copy.readInt16BE(21) | edit.flags, 21);
            return copy;
          });
          const set = recordSet(batches);
          const cut = set.subarray(0, Math.max(4, set.length - truncate));
          cut.writeInt32BE(cut.length - 4, 0);
          assert.deepStrictEqual(await decode(patched, cut, fetchedOffset), await decode(upstream, cut, fetchedOffset));
        },
      ),
      { numRuns: 150 },
    );
  });
});
