import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { ConnectionProfile } from '../../src/core/connection/profile';
import { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { DEFAULT_PRODUCER_SETTINGS, RecordProducer, type DeliveryReport, type ProducerSettings } from '../../src/core/kafka/producer';
import { createTopic } from '../../src/core/kafka/topics';
import { parseRecordTimestamp, produce, requestReply, type ProduceSpec, type RecordReport } from '../../src/core/produce/produceService';
import { parseRecordFile } from '../../src/core/produce/recordFile';
import { kcatRead, pythonPartitions, pythonResponder } from '../support/produceTools';
import { testBroker, testClasspath, type BrokerInfo } from '../support/testBroker';

function profile(bootstrap: string): ConnectionProfile {
  return { name: 'produce-test', clientId: 'kafka-workbench-produce-test', bootstrapServers: [bootstrap], sasl: { mechanism: 'none' }, tls: { enabled: false, verifyHostname: true } };
}

function spec(topic: string, over: Partial<ProduceSpec> = {}): ProduceSpec {
  return {
    topic,
    keyFormat: 'string',
    valueFormat: 'string',
    value: 'v',
    partitionMode: 'any',
    settings: { ...DEFAULT_PRODUCER_SETTINGS, lingerMs: 1 },
    sendStyle: 'synchronous',
    ...over,
  };
}

async function rejects(work: Promise<unknown>, reason: string, mentions: RegExp): Promise<KafkaWorkbenchError> {
  try {
    await work;
  } catch (e) {
    assert.ok(e instanceof KafkaWorkbenchError, `expected a KafkaWorkbenchError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    assert.match(e.message, mentions);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('Produce (core) against the real broker', function () {
  this.timeout(120_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  const topics: string[] = [];

  async function newTopic(partitions: number, configEntries?: { name: string; value: string }[]): Promise<string> {
    const name = `produce-${randomUUID().slice(0, 8)}`;
    if (configEntries) {
      await client.withAdmin('create', (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1, configEntries }] }));
    } else {
      await createTopic(client, { name: name, partitions: partitions, replicationFactor: 1 }, 1);
    }
    topics.push(name);
    return name;
  }

  before(async () => {
    broker = await testBroker();
    client = await KafkaClient.create(profile(broker.bootstrap), {}, { timeoutMs: 15_000 });
  });

  after(async () => {
    await client.withAdmin('delete', (admin) => admin.deleteTopics({ topics })).catch(() => undefined);
    await client.close();
  });

  it('key hash puts every key on the partition python3-kafka (Java murmur2) computes, and kcat reads it there', async () => {
    const topic = await newTopic(7);
    const keys = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `order-${i}` : i % 3 === 1 ? randomUUID() : `клиент-${i}-✓`));
    const expected = await pythonPartitions(keys, 7);
    const outcome = await produce(client, spec(topic, { records: keys.map((key) => ({ key, value: `v-${key}` })), partitionMode: 'key-hash', sendStyle: 'asynchronous' }));
    assert.equal(outcome.delivered, 60);
    outcome.reports.forEach((r, i) => assert.equal(r.partition, expected[i], `key ${keys[i]}`));
    const read = await kcatRead(broker.bootstrap, topic);
    assert.equal(read.length, 60);
    for (const rec of read) assert.equal(rec.partition, expected[keys.indexOf(rec.key)], `kcat found ${rec.key} on ${rec.partition}`);
    assert.ok(new Set(expected).size > 3, 'keys spread over partitions');
  });

  it('explicit partition lands there; a partition beyond the count is refused before sending with the valid range', async () => {
    const topic = await newTopic(3);
    const ok = await produce(client, spec(topic, { partitionMode: 'explicit', partition: 2, value: 'to-two', count: 3 }));
    assert.deepEqual(ok.reports.map((r) => [r.status, r.partition]), [['delivered', 2], ['delivered', 2], ['delivered', 2]]);
    await rejects(produce(client, spec(topic, { partitionMode: 'explicit', partition: 3 })), 'invalid-input', /Partition 3 does not exist: topic "produce-.*" has 3 partitions \(valid: 0 to 2\)/);
    const read = await kcatRead(broker.bootstrap, topic);
    assert.deepEqual(read.map((r) => `${r.partition}:${r.value}`), ['2:to-two', '2:to-two', '2:to-two'], 'nothing else was written');
  });

  it('seed 000: on a one-partition topic "any" goes to partition 0 and partition 1 is an error naming "valid: 0"', async () => {
    const topic = await newTopic(1);
    const any = await produce(client, spec(topic, { count: 4 }));
    assert.deepEqual(any.reports.map((r) => r.partition), [0, 0, 0, 0]);
    await rejects(produce(client, spec(topic, { partitionMode: 'explicit', partition: 1 })), 'invalid-input', /has 1 partition \(valid: 0\)/);
  });

  it('"any" spreads records round-robin over every partition', async () => {
    const topic = await newTopic(4);
    const outcome = await produce(client, spec(topic, { count: 12, value: 'rr-{{i}}', sendStyle: 'asynchronous' }));
    const perPartition = [0, 0, 0, 0];
    for (const r of outcome.reports) perPartition[r.partition]++;
    assert.deepEqual(perPartition, [3, 3, 3, 3]);
  });

  it('reports topic, partition, offset, timestamp and latency for every record; the offsets are where kcat finds them', async () => {
    const topic = await newTopic(2);
    const outcome = await produce(client, spec(topic, { count: 50, key: 'k{{i}}', value: 'value {{i}} {{uuid}} {{timestamp}} {{random.int(1,6)}}', headers: { source: 'test', n: '{{i}}' }, sendStyle: 'asynchronous', partitionMode: 'key-hash' }));
    assert.equal(outcome.delivered, 50);
    assert.equal(outcome.failed, 0);
    const read = await kcatRead(broker.bootstrap, topic);
    const where = new Map(read.map((r) => [r.key, r]));
    for (const r of outcome.reports) {
      assert.equal(r.status, 'delivered');
      if (r.status !== 'delivered') continue;
      assert.equal(r.topic, topic);
      assert.ok(r.latencyMs >= 0 && r.latencyMs < 30_000);
      assert.ok(Math.abs(r.timestamp - Date.now()) < 60_000);
      assert.equal(r.timestampType, 'CreateTime');
      const found = where.get(r.key!);
      assert.ok(found, `kcat found ${r.key}`);
      assert.equal(found.partition, r.partition);
      assert.equal(String(found.offset), r.offset);
      assert.equal(found.timestamp, r.timestamp, 'the reported timestamp is the one stored');
      assert.match(found.value, new RegExp(`^value ${r.seq} [0-9a-f-]{36} \\d{13} [1-6]$`));
      assert.equal(found.headers, `source=test,n=${r.seq}`);
    }
  });

  it('acks=0 says honestly there is no offset, and the records still arrive', async () => {
    const topic = await newTopic(1);
    const outcome = await produce(client, spec(topic, { count: 5, settings: { ...DEFAULT_PRODUCER_SETTINGS, acks: 0 }, sendStyle: 'asynchronous' }));
    assert.equal(outcome.unacknowledged, 5);
    for (const r of outcome.reports) {
      assert.equal(r.status, 'unacknowledged');
      assert.equal('offset' in r, false);
    }
    assert.ok(outcome.notes.some((n) => /acks=0.*no offset/.test(n)));
    let read: unknown[] = [];
    for (let i = 0; i < 20 && read.length < 5; i++) {
      read = await kcatRead(broker.bootstrap, topic);
      if (read.length < 5) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(read.length, 5);
  });

  it('an idempotent producer with gzip delivers in order; idempotence with acks=1 or 6 in flight is explained, not changed', async () => {
    const topic = await newTopic(1);
    const settings: ProducerSettings = { ...DEFAULT_PRODUCER_SETTINGS, idempotent: true, acks: 'all', compression: 'gzip', maxInFlightRequests: 5, batchSize: 2000 };
    const outcome = await produce(client, spec(topic, { count: 300, value: '{"n":{{i}},"pad":"{{random.string(40)}}"}', valueFormat: 'json', settings, sendStyle: 'asynchronous' }));
    assert.equal(outcome.delivered, 300);
    const read = await kcatRead(broker.bootstrap, topic);
    assert.deepEqual(read.map((r) => (JSON.parse(r.value) as { n: number }).n), Array.from({ length: 300 }, (_, i) => i));
    assert.deepEqual(read.map((r) => r.offset), Array.from({ length: 300 }, (_, i) => i));
    await rejects(produce(client, spec(topic, { settings: { ...settings, acks: 1 } })), 'invalid-input', /Idempotence needs acks=all/);
    await rejects(produce(client, spec(topic, { settings: { ...settings, maxInFlightRequests: 6 } })), 'invalid-input', /at most 5 in-flight requests/);
  });

  it('a committed transaction is read by read_committed; an aborted one only by read_uncommitted', async () => {
    const topic = await newTopic(2);
    const committed = await produce(client, spec(topic, { count: 4, value: 'committed-{{i}}', transaction: 'commit' }));
    assert.equal(committed.transactionOutcome, 'committed');
    assert.match(committed.transactionalId ?? '', /^kafka-workbench-/);
    const aborted = await produce(client, spec(topic, { count: 3, value: 'aborted-{{i}}', transaction: 'abort', sendStyle: 'asynchronous' }));
    assert.equal(aborted.transactionOutcome, 'aborted');
    assert.equal(aborted.delivered, 3, 'the aborted records were written, then marked aborted');
    const readCommitted = (await kcatRead(broker.bootstrap, topic, 'read_committed')).map((r) => r.value).sort();
    const readUncommitted = (await kcatRead(broker.bootstrap, topic, 'read_uncommitted')).map((r) => r.value).sort();
    assert.deepEqual(readCommitted, ['committed-0', 'committed-1', 'committed-2', 'committed-3']);
    assert.deepEqual(readUncommitted, ['aborted-0', 'aborted-1', 'aborted-2', 'committed-0', 'committed-1', 'committed-2', 'committed-3']);
  });

  it('asynchronous: a callback arrives for every record; fire-and-forget returns before the answers and the records arrive', async () => {
    const topic = await newTopic(3);
    const seen = new Set<number>();
    const outcome = await produce(client, spec(topic, { count: 2000, value: 'async-{{i}}', sendStyle: 'asynchronous' }), { onReport: (r) => seen.add(r.seq) });
    assert.equal(seen.size, 2000);
    assert.equal(outcome.delivered, 2000);

    const fTopic = await newTopic(1);
    const fire = await produce(client, spec(fTopic, { count: 500, value: 'fire-{{i}}', sendStyle: 'fire-and-forget', settings: { ...DEFAULT_PRODUCER_SETTINGS, lingerMs: 50 } }));
    assert.equal(fire.notAwaited, 500);
    assert.ok(fire.reports.every((r) => r.status === 'not-awaited'));
    assert.ok(fire.notes.some((n) => /Fire-and-forget/.test(n)));
    let count = 0;
    for (let i = 0; i < 40 && count < 500; i++) {
      count = (await kcatRead(broker.bootstrap, fTopic)).length;
      if (count < 500) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(count, 500);
  });

  it('refuses an unknown topic without creating it, an empty topic name, and malformed JSON with its line and column', async () => {
    const missing = `missing-${randomUUID().slice(0, 8)}`;
    await rejects(produce(client, spec(missing)), 'unknown-topic', /does not exist.*never created automatically/);
    const names = await client.withAdmin('list', (admin) => admin.listTopics());
    assert.equal(names.includes(missing), false, 'the topic was not auto-created');
    await rejects(produce(client, spec('  ')), 'invalid-input', /topic name is empty/);
    const topic = await newTopic(1);
    await rejects(produce(client, spec(topic, { valueFormat: 'json', value: '{\n  "a": 1,\n  "b": }' })), 'invalid-input', /value is not valid JSON \(line 3, column \d+/);
    await rejects(produce(client, spec(topic, { value: 'x {{nope}}' })), 'invalid-input', /Unknown placeholder \{\{nope\}\}/);
    assert.equal((await kcatRead(broker.bootstrap, topic)).length, 0, 'nothing was sent');
  });

  it("a record above the topic's max.message.bytes is refused before sending; the broker's own MESSAGE_TOO_LARGE is named with what to do", async () => {
    const topic = await newTopic(1, [{ name: 'max.message.bytes', value: '2000' }]);
    await rejects(produce(client, spec(topic, { value: 'x'.repeat(5000) })), 'invalid-input', /accepts at most 2000 \(max\.message\.bytes\)/);
    // Straight to the broker, past the check: the broker refuses it and the report says so.
    const producer = await RecordProducer.open(client, { settings: { ...DEFAULT_PRODUCER_SETTINGS, retries: 2 } }); // MESSAGE_TOO_LARGE is not retried; a new topic's NOT_LEADER is
    const report = await producer.send({ topic, partition: 0, key: null, value: Buffer.alloc(5000, 120) });
    await producer.close();
    assert.equal(report.status, 'failed');
    if (report.status === 'failed') {
      assert.match(report.error.name, /MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/);
      assert.match(report.error.hint, /max\.message\.bytes/);
    }
  });

  it('records from a JSON Lines file and a JSON array keep their keys, values, headers and partitions', async () => {
    const topic = await newTopic(2);
    const lines = parseRecordFile('{"key":"a","value":{"x":1},"headers":{"h":"1"}}\n\n{"key":"b","value":"plain","partition":1}\n"just a value"\n');
    const array = parseRecordFile('[{"key":"c","value":null}, 42]');
    assert.throws(() => parseRecordFile('{"value":1}\n{oops}\n'), /Line 2 is not valid JSON/);
    const outcome = await produce(client, spec(topic, { records: [...lines, ...array], partitionMode: 'explicit', partition: 0 }));
    assert.equal(outcome.delivered, 5);
    const read = await kcatRead(broker.bootstrap, topic);
    const byValue = read.map((r) => `${r.partition}|${r.key}|${r.value}|${r.headers}`).sort();
    assert.deepEqual(byValue, ['0||42|', '0||just a value|', '0|a|{"x":1}|h=1', '0|c||', '1|b|plain|'].sort());
  });

  it('CreateTime from the form (ISO-8601 or epoch ms) and per record from a file: kcat -f %T shows those timestamps; a LogAppendTime topic refuses them, saying why', async () => {
    assert.deepEqual(parseRecordTimestamp('2024-05-01T12:00:00Z'), { ok: true, epochMs: '1714564800000' });
    assert.deepEqual(parseRecordTimestamp('2024-05-01T14:00:00.250+02:00'), { ok: true, epochMs: '1714564800250' });
    assert.equal(parseRecordTimestamp('yesterday').ok, false);
    const topic = await newTopic(1);
    const form = await produce(client, spec(topic, { count: 2, timestamp: '2024-05-01T12:00:00Z' }));
    assert.deepEqual(form.reports.map((r) => r.timestamp), [1714564800000, 1714564800000]);
    // The record-file format's `timestamp` (epoch ms as text, or ISO-8601) travels per record.
    const records = [{ value: 'a', timestamp: '1700000000000' }, { value: 'b', timestamp: '2023-11-14T22:13:21Z' }, { value: 'c' }] as unknown as ProduceSpec['records'];
    const before = Date.now();
    await produce(client, spec(topic, { records }));
    const read = await kcatRead(broker.bootstrap, topic);
    assert.deepEqual(read.slice(0, 4).map((r) => r.timestamp), [1714564800000, 1714564800000, 1700000000000, 1700000001000]);
    assert.ok(read[4].timestamp >= before, 'a record without a timestamp gets the send time');
    const logAppend = await newTopic(1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]);
    await rejects(produce(client, spec(logAppend, { timestamp: '1700000000000' })), 'invalid-input', /uses LogAppendTime \(message\.timestamp\.type\): the broker would replace it/);
    assert.equal((await kcatRead(broker.bootstrap, logAppend)).length, 0, 'nothing sent');
  });

  it('logs stay quiet and honest: no "switched default partitioner" warning, and a transactional, idempotent produce logs no error', async () => {
    const lines: { level: string; line: string }[] = [];
    const capture = (level: string) => (line: string) => lines.push({ level, line });
    const logged = await KafkaClient.create(profile(broker.bootstrap), {}, { timeoutMs: 15_000, logger: { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') } });
    try {
      const topic = await newTopic(2);
      const outcome = await produce(logged, spec(topic, { count: 3, key: 'k{{i}}', partitionMode: 'default', transaction: 'commit', settings: { ...DEFAULT_PRODUCER_SETTINGS, idempotent: true } }));
      assert.equal(outcome.transactionOutcome, 'committed');
    } finally {
      await logged.close();
    }
    const noisy = lines.filter((l) => l.level === 'error' || (l.level === 'warn' && /partitioner/i.test(l.line)));
    assert.deepEqual(noisy, [], 'nothing at error, no partitioner warning');
  });

  it('cancel stops a bulk send; every record is reported delivered or cancelled', async () => {
    const topic = await newTopic(1);
    const controller = new AbortController();
    const reports: RecordReport[] = [];
    const outcome = await produce(client, spec(topic, { count: 200_000, value: 'bulk-{{i}}', sendStyle: 'asynchronous' }), {
      signal: controller.signal,
      onReport: (r) => {
        reports.push(r);
        if (reports.length === 1000) controller.abort();
      },
    });
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.notSent, outcome.failed, 'only unsent records failed');
    assert.equal(outcome.delivered + outcome.failed, 200_000);
    assert.equal(reports.length, 200_000);
    assert.ok(outcome.failed > 0 && outcome.delivered >= 1000);
    assert.ok(reports.filter((r) => r.status === 'failed').every((r) => r.status === 'failed' && r.error.name === 'CANCELLED'));
    assert.equal((await kcatRead(broker.bootstrap, topic)).length, outcome.delivered);
  });

  it('request/reply: the reply with the same correlation id comes back from an independent responder; none within the timeout is said plainly', async () => {
    const requests = await newTopic(1);
    const replies = await newTopic(2);
    await produce(client, spec(replies, { value: 'an older reply that must be skipped', headers: { kafka_correlationId: 'old' } }));
    const responder = pythonResponder(broker.bootstrap, requests);
    const { outcome, reply } = await requestReply(client, spec(requests, { value: 'ping' }), { replyTopic: replies, timeoutMs: 30_000 });
    await responder;
    assert.equal(outcome.delivered, 1);
    assert.equal(reply.ok, true, reply.ok ? '' : reply.message);
    if (reply.ok) {
      assert.equal(reply.reply.value, 'pong: ping');
      assert.equal(reply.reply.headers.kafka_correlationId, reply.correlationId);
    }
    const silent = await requestReply(client, spec(requests, { value: 'anyone?' }), { replyTopic: replies, timeoutMs: 1500 });
    assert.equal(silent.reply.ok, false);
    if (!silent.reply.ok) assert.match(silent.reply.message, /No reply on "produce-.*" with kafka_correlationId=.* within 1500 ms/);
  });

  for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
    it(`${codec} compression (no native build) is written as ${codec} batches and read back by kcat`, async () => {
      const topic = await newTopic(1);
      const outcome = await produce(
        client,
        spec(topic, { count: 200, value: `${codec} record {{i}} ${'a'.repeat(40)}`, sendStyle: 'asynchronous', settings: { ...DEFAULT_PRODUCER_SETTINGS, compression: codec } }),
      );
      assert.equal(outcome.delivered, 200, JSON.stringify(outcome.reports[0]));
      const read = await kcatRead(broker.bootstrap, topic);
      assert.deepEqual(read.map((r) => r.value), Array.from({ length: 200 }, (_, i) => `${codec} record ${i} ${'a'.repeat(40)}`));
      // Kafka's own log dump says how the batches on disk are compressed.
      const dump = await dumpLogSegment(broker, topic);
      assert.match(dump, new RegExp(`compresscodec: ${codec}`, 'i'));
    });
  }

  it('keeps per-partition order with 5 requests in flight and gzip (kafkajs encodes requests asynchronously)', async () => {
    const topic = await newTopic(3);
    // Idempotent, so a request retried after a time-out on a loaded machine cannot write a record
    // twice (acks=1 without idempotence may, as Kafka documents): the count stays exact.
    const settings: ProducerSettings = { ...DEFAULT_PRODUCER_SETTINGS, acks: 'all', idempotent: true, compression: 'gzip', maxInFlightRequests: 5, batchSize: 2000, lingerMs: 0 };
    const outcome = await produce(client, spec(topic, { count: 3000, key: 'k{{random.int(1,50)}}', value: '{{i}}', partitionMode: 'key-hash', settings, sendStyle: 'asynchronous' }));
    assert.equal(outcome.delivered, 3000);
    const read = await kcatRead(broker.bootstrap, topic);
    assert.equal(read.length, 3000);
    for (let p = 0; p < 3; p++) {
      const seqs = read.filter((r) => r.partition === p).map((r) => Number(r.value));
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `partition ${p} is in send order`);
    }
    for (const r of outcome.reports) if (r.status === 'delivered') assert.equal(read.find((x) => x.value === String(r.seq))?.offset, Number(r.offset));
  });

  it('RecordProducer keeps per-partition order with one request per partition in flight and gives exactly one report per record', async () => {
    // Several requests of one partition in flight reordered under load (kafkajs' path before the
    // socket is not ordered), so a partition never has more than one, whatever the settings.
    const base: ProducerSettings = { ...DEFAULT_PRODUCER_SETTINGS, acks: 1, maxInFlightRequests: 5, compression: 'none', retries: 0 };

    const topic = await newTopic(3);
    const total = 3000;
    // ~7 records per request, so each partition has many requests, the three partitions' in flight together.
    // Retries on: a topic just created can answer NOT_LEADER_FOR_PARTITION until its leader took
    // over (a retry then cannot reorder: one request per partition is in flight). Idempotent, so
    // such a retry cannot write twice either: kafkajs retries a whole request when one of its
    // partitions failed, and without idempotence the others' records would be written again.
    const producer = await RecordProducer.open(client, { settings: { ...base, acks: 'all', idempotent: true, retries: 5, batchSize: 1200, lingerMs: 0 } });
    const reports = new Array<number>(total).fill(0);
    const offsets = new Array<string>(total);
    const partitions = new Array<number>(total);
    let failed = 0;
    let firstFailure = '';
    const sink = {
      report(r: DeliveryReport, seq: number, expectedPartition: number) {
        reports[seq]++;
        partitions[seq] = r.partition;
        if (r.status === 'delivered' && r.partition === expectedPartition) offsets[seq] = r.offset;
        else if (failed++ === 0) firstFailure = `record ${seq}: ${JSON.stringify(r)}`;
      },
    };
    for (let seq = 0; seq < total; seq++) {
      const partition = seq % 3;
      producer.enqueue({ topic, partition, key: null, value: Buffer.from(`${seq}`.padStart(90, '0')) }, sink, seq, partition);
      if (producer.saturated) await producer.waitForCapacity();
    }
    await producer.flush();
    assert.equal(producer.peakPartitionInFlight, 1, 'one request of a partition in flight at a time');
    assert.ok(producer.requestsSent >= 300, `${producer.requestsSent} requests of ~7 records: each partition had many`);
    await producer.close();
    assert.equal(failed, 0, `${failed} records not delivered to their partition; the first: ${firstFailure}`);
    assert.deepEqual(reports.filter((n) => n !== 1), [], 'exactly one report per record');

    const read = await kcatRead(broker.bootstrap, topic);
    assert.equal(read.length, total, 'every record written once');
    for (let p = 0; p < 3; p++) {
      const seqs = read.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset).map((r) => Number(r.value));
      assert.equal(seqs.length, total / 3);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `partition ${p} holds its records in send order`);
    }
    // Each report names the offset where the record really is.
    for (const r of read) {
      const seq = Number(r.value);
      assert.equal(partitions[seq], r.partition);
      assert.equal(offsets[seq], String(r.offset), `record ${seq}`);
    }
  });
});

/** Kafka's DumpLogSegments over partition 0's first segment of a topic on the test broker. */
async function dumpLogSegment(broker: BrokerInfo, topic: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const config = await readFile(broker.files.config, 'utf8');
  const logDir = /^log\.dirs=(.*)$/m.exec(config)?.[1]?.split(',')[0];
  assert.ok(logDir, 'log.dirs in server.properties');
  const { stdout } = await promisify(execFile)(
    'java',
    ['-cp', (await testClasspath()).join(':'), 'kafka.tools.DumpLogSegments', '--files', `${logDir}/${topic}-0/00000000000000000000.log`],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}
