// The patched kafkajs against the real broker and third-party clients: what it writes, the broker
// accepts (its CRC check on append, then Kafka's DumpLogSegments --deep-iteration over the segment)
// and kcat reads back byte for byte; what kcat, python3-kafka and the Java client write, the
// patched and the unpatched kafkajs decode into identical records (from the segment files).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { findJava } from '../../src/core/broker/kafkaJars';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import { patched, recordSet, upstream } from '../support/kafkajsInternals';
import { plainClient } from '../support/plainClient';
import { testBroker, testBrokerDir, testClasspath, type BrokerInfo } from '../support/testBroker';

const run = promisify(execFile);

/** The topic's only segment file, as the broker wrote it (record batches exactly as fetched). */
function segment(topic: string): string {
  return path.join(testBrokerDir(), 'kraft-logs', `${topic}-0`, '00000000000000000000.log');
}

/** Decodes the segment with both kafkajs copies and asserts the same records; returns them. */
async function decodeSegmentWithBoth(topic: string) {
  const set = recordSet([readFileSync(segment(topic))]);
  const a = await patched.decodeMessages(patched.newDecoder(Buffer.from(set)));
  const b = await upstream.decodeMessages(upstream.newDecoder(Buffer.from(set)));
  assert.deepStrictEqual(a, b, 'the patched and the unpatched kafkajs decode the same records');
  return a;
}

/** Waits until the segment holds `count` records (the broker has appended them: acks=all below). */
async function recordsIn(topic: string, count: number) {
  const records = await decodeSegmentWithBoth(topic);
  assert.equal(records.length, count);
  return records;
}

describe('kafkajs patches on the real broker', function () {
  this.timeout(180_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  let kafka: Kafka;
  const topics: string[] = [];
  const newTopic = async (name: string) => {
    const topic = `patches-${name}-${randomUUID().slice(0, 8)}`;
    await createTopic(client, { name: topic, partitions: 1, replicationFactor: 1 }, 1);
    topics.push(topic);
    return topic;
  };

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap, 'kafkajs-patches-test');
    kafka = new Kafka({ clientId: 'kafkajs-patches-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await client.withAdmin('delete', (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
    await client.close();
  });

  it('writes batches in every codec that the broker stores, DumpLogSegments validates, and kcat reads back byte for byte', async () => {
    const topic = await newTopic('write');
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }[] = [];
    try {
      for (const compression of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
        const messages = Array.from({ length: 200 }, (_, i) => {
          const key = i % 10 === 0 ? null : randomBytes(i % 17);
          const value = i % 13 === 0 ? null : i === 7 ? randomBytes(70_000) : randomBytes(i % 300);
          const headers: Record<string, string> = i % 3 === 0 ? {} : { trace: `t-${i}`, codec: String(compression) };
          sent.push({ key, value, headers });
          return { key, value, headers };
        });
        await producer.send({ topic, acks: -1, compression, messages });
      }
    } finally {
      await producer.disconnect();
    }

    const stored = await recordsIn(topic, sent.length);
    stored.forEach((r, i) => {
      assert.deepEqual(r.key, sent[i].key, `key of record ${i}`);
      assert.deepEqual(r.value, sent[i].value, `value of record ${i}`);
      assert.deepEqual(Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)])), sent[i].headers, `headers of record ${i}`);
    });

    // kcat, hex-dumped by itself: %K/%S give -1 for null, else the byte count; the bytes follow.
    const { stdout } = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o %K %S\n%k%s\n'], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
    let at = 0;
    for (let i = 0; i < sent.length; i++) {
      const eol = stdout.indexOf(10, at);
      const [offset, keyLength, valueLength] = stdout.subarray(at, eol).toString().split(' ').map(Number);
      at = eol + 1;
      const key = keyLength < 0 ? null : stdout.subarray(at, (at += keyLength));
      const value = valueLength < 0 ? null : stdout.subarray(at, (at += valueLength));
      at += 1; // the newline
      assert.equal(offset, i);
      assert.equal(key?.toString('hex') ?? null, sent[i].key?.toString('hex') ?? null, `kcat's key of record ${i}`);
      assert.equal(value?.toString('hex') ?? null, sent[i].value?.toString('hex') ?? null, `kcat's value of record ${i}`);
    }
    assert.equal(at, stdout.length, 'kcat read nothing more');

    const java = await findJava();
    assert.ok(java, 'Java runs the test broker, so it is here');
    const dump = await run(java.path, ['-Xmx256m', '-cp', (await testClasspath()).join(path.delimiter), 'kafka.tools.DumpLogSegments', '--deep-iteration', '--files', segment(topic)], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    assert.equal((dump.stdout.match(/isvalid: true/gi) ?? []).length, 5, `five valid batches:\n${dump.stdout.slice(0, 2000)}`);
    assert.doesNotMatch(dump.stdout, /isvalid: false/i);
    assert.equal((dump.stdout.match(/\| offset: /g) ?? []).length, sent.length, 'every record listed');
  });

  it('decodes what kcat, python3-kafka and the Java client wrote into the same records as kafkajs 2.2.4', async () => {
    // kcat: keys, headers, each codec.
    const kcatTopic = await newTopic('kcat');
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const lines = Array.from({ length: 50 }, (_, i) => `k${i}\t${codec} value ${i} ${'é'.repeat(i)}`).join('\n');
      await new Promise<void>((resolve, reject) => {
        const child = execFile('kcat', ['-P', '-b', broker.bootstrap, '-t', kcatTopic, '-z', codec, '-K', '\t', '-H', `codec=${codec}`, '-H', 'repeat=1', '-H', 'repeat=2'], (e) => (e ? reject(e) : resolve()));
        child.stdin!.end(lines);
      });
    }
    const fromKcat = await recordsIn(kcatTopic, 250);
    assert.deepEqual((fromKcat[60].headers.repeat as Buffer[]).map(String), ['1', '2']);
    assert.equal(fromKcat[249].value?.toString(), `zstd value 49 ${'é'.repeat(49)}`);

    // python3-kafka: gzip, keys and binary headers.
    const pyTopic = await newTopic('python');
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const script = [
      'import sys',
      'from kafka import KafkaProducer',
      `p = KafkaProducer(bootstrap_servers='${broker.bootstrap}', compression_type='gzip', acks='all')`,
      'for i in range(120):',
      "    p.send(sys.argv[1], key=(b'k%d' % i) if i % 4 else None, value=bytes([i % 256]) * i, headers=[('h', bytes([0, i % 256]))])",
      'p.flush()',
    ].join('\n');
    await run(python, ['-c', script, pyTopic], { timeout: 60_000 });
    const fromPython = await recordsIn(pyTopic, 120);
    assert.deepEqual(fromPython[5].headers.h, Buffer.from([0, 5]));

    // The Java client: Kafka's ProducerPerformance, lz4.
    const javaTopic = await newTopic('java');
    const java = await findJava();
    assert.ok(java);
    await run(
      java.path,
      ['-Xmx256m', '-cp', (await testClasspath()).join(path.delimiter), 'org.apache.kafka.tools.ProducerPerformance', '--topic', javaTopic, '--num-records', '3000', '--record-size', '200', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`, 'acks=all', 'compression.type=lz4', 'linger.ms=5'],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
    );
    const fromJava = await recordsIn(javaTopic, 3000);
    assert.equal(fromJava[2999].offset, '2999');
  });
});
