import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deserializer } from '../../src/core/consume/deserializers';
import { parseExactJson, prettyJson, ExactNumber } from '../../src/core/consume/exactJson';
import { exportRecords, RecordSelection } from '../../src/core/consume/export';
import { parseRecordLine, toRecordLine } from '../../src/core/consume/jsonLines';
import { hasBidiControls, visibleText } from '../../src/core/consume/visibleText';
import type { KafkaClient } from '../../src/core/kafka/client';
import { KafkaWorkbenchError } from '../../src/core/kafka/errors';
import { DEFAULT_PRODUCER_SETTINGS } from '../../src/core/kafka/producer';
import { fetchRecord } from '../../src/core/kafka/recordFetch';
import { produce as produceRecords } from '../../src/core/produce/produceService';
import { parseRecordFile } from '../../src/core/produce/recordFile';
import { createTopic, deleteTopic, plainClient, produce, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const run = promisify(execFile);

/** kcat's view of a topic, as raw bytes: key and value with their lengths, timestamp, headers. */
async function kcatBytes(bootstrap: string, topic: string): Promise<Buffer> {
  const { stdout } = await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', 'K%K:%k|V%S:%s|T%T|H%h\n'], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout;
}

const BIG = '{"id":9007199254740993,"n":[1.50,-0,1e400],"s":"caf\\u00e9"}';

describe('Record lines: lossless export → Produce → identical records (kcat), exact JSON, record fetch-back', function () {
  this.timeout(90_000);
  let broker: BrokerInfo;
  let client: KafkaClient;
  let dir: string;
  const source = uniqueTopic('lines-src');
  const copy = uniqueTopic('lines-copy');

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap);
    dir = await mkdtemp(join(tmpdir(), 'kw-lines-'));
    await createTopic(broker.bootstrap, source, 1);
    await createTopic(broker.bootstrap, copy, 1);
    await produce(broker.bootstrap, source, [
      { key: Buffer.from([0x00, 0xff, 0x80, 0x0a]), value: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a, 0xc3]), timestamp: '1700000000123' },
      { key: 'big', value: BIG, timestamp: '1700000001000', headers: { trace: ['a', 'b'], bin: Buffer.from([0xff, 0x00]), empty: '' } },
      { key: null, value: null, timestamp: '1700000002000' },
      { key: 'line\nbreak', value: 'text with "quotes" and \u202e bidi', timestamp: '1700000003000', headers: { 'h=1': 'x,y' } },
    ]);
  });

  after(async () => {
    await Promise.all([deleteTopic(broker.bootstrap, source), deleteTopic(broker.bootstrap, copy)]);
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports record by record, produces the file into a new topic, and kcat shows the same keys, values, headers and timestamps byte for byte', async () => {
    const file = join(dir, 'export.jsonl');
    const progress: number[] = [];
    const result = await exportRecords(client, { topic: source, file, onProgress: (p) => progress.push(p.written), progressIntervalMs: 0 });
    assert.equal(result.written, 4);
    assert.equal(progress.at(-1), 4);
    const text = await readFile(file, 'utf8');
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 4);
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(first.keyEncoding, 'base64');
    assert.equal(first.valueEncoding, 'base64');
    assert.equal(first.timestamp, '2023-11-14T22:13:20.123Z');
    const second = JSON.parse(lines[1]) as { value: string; headers: unknown[] };
    assert.equal(second.value, BIG, 'the value is kept as written, big integer included');
    assert.deepEqual(second.headers, [
      { key: 'trace', value: 'a' },
      { key: 'trace', value: 'b' },
      { key: 'bin', value: '/wA=', encoding: 'base64' },
      { key: 'empty', value: '' },
    ]);

    const records = parseRecordFile(text);
    const outcome = await produceRecords(client, {
      topic: copy,
      keyFormat: 'string',
      valueFormat: 'json', // ignored for record lines: their bytes are sent as they are
      value: '',
      records,
      partitionMode: 'any',
      settings: { ...DEFAULT_PRODUCER_SETTINGS, lingerMs: 1 },
      sendStyle: 'synchronous',
    });
    assert.equal(outcome.delivered, 4);
    const [a, b] = await Promise.all([kcatBytes(broker.bootstrap, source), kcatBytes(broker.bootstrap, copy)]);
    assert.ok(a.includes(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a, 0xc3])), 'kcat shows the binary value');
    assert.ok(a.includes(Buffer.from('9007199254740993')));
    assert.equal(b.toString('hex'), a.toString('hex'), 'same bytes, headers and timestamps in the copy');
  });

  it('the Produce loader still reads the older forms (headers as an object, a JSON value, empty header list) with big integers exact', () => {
    const records = parseRecordFile('{"key":"a","value":{"id":9007199254740993},"headers":{"h":"1"}}\n{"value":"x","headers":[]}\n[1]\n');
    assert.equal(records[0].value, '{"id":9007199254740993}');
    assert.deepEqual(records[0].headers, { h: '1' });
    assert.equal(records[1].value, 'x');
    assert.deepEqual(records[1].headerList, []);
    assert.equal(records[2].value, '[1]');
    assert.throws(() => parseRecordFile('{"value":"x","valueEncoding":"base64"}'), /says base64 but is not base64/);
    assert.throws(() => parseRecordFile('{"value":"x","headers":[{"value":"v"}]}'), /header 1 must be an object/);
    assert.throws(() => parseRecordFile('{"value":"x","headers":[],"timestamp":"yesterday"}'), /epoch milliseconds .* or ISO-8601/);
    // The record's partition is information unless asked for.
    const line = '{"topic":"t","partition":3,"offset":"7","key":null,"value":"v","headers":[]}';
    assert.equal(parseRecordFile(line)[0].partition, undefined);
    assert.equal(parseRecordFile(line, { keepPartitions: true })[0].partition, 3);
  });

  it('a record line round-trips in memory: null header, binary, timestamp as epoch ms or ISO', () => {
    const r = { topic: 't', partition: 0, offset: '5', timestamp: 1, key: null, value: Buffer.from([0xff]), headers: [{ key: 'n', value: null }, { key: 'n', value: Buffer.from('x') }] };
    const back = parseRecordLine(toRecordLine(r));
    assert.deepEqual(back, r);
    assert.equal(parseRecordLine('{"value":"v","timestamp":1700000000000}').timestamp, 1700000000000);
    assert.equal(parseRecordLine('{"value":"v","timestamp":"1700000000000"}').timestamp, 1700000000000);
  });

  it('the JSON deserializer and the exact parser keep 9007199254740993 (and every number token) as written', () => {
    const shown = deserializer('json').decode(Buffer.from(BIG));
    assert.match(shown, /"id": 9007199254740993,/);
    assert.match(shown, /1\.50/);
    assert.match(shown, /1e400/);
    assert.equal(prettyJson('{"a":[],"b":{},"c":[1,{"d":null}]}'), '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    {\n      "d": null\n    }\n  ]\n}');
    const parsed = parseExactJson(BIG) as { id: ExactNumber; s: string };
    assert.ok(parsed.id instanceof ExactNumber);
    assert.equal(parsed.id.text, '9007199254740993');
    assert.equal(parsed.s, 'café');
    assert.throws(() => prettyJson('{"a":'), SyntaxError);
  });

  it('bidi controls in record text are made visible and counted', () => {
    assert.deepEqual(visibleText('invoice\u202Efdp.exe'), { text: 'invoice⟨U+202E⟩fdp.exe', bidiControls: 1 });
    assert.equal(hasBidiControls('plain'), false);
    assert.equal(hasBidiControls('a\u2066b'), true);
    assert.equal(hasBidiControls('a\u2066b'), true, 'no state kept between calls');
  });

  it('fetchRecord reads one record back whole by partition and offset, and says why when it cannot', async () => {
    const r = await fetchRecord(client, source, 0, '1');
    assert.equal(r.value?.toString('utf8'), BIG);
    assert.deepEqual(
      r.headers.map((h) => [h.key, h.value?.toString('hex')]),
      [
        ['trace', Buffer.from('a').toString('hex')],
        ['trace', Buffer.from('b').toString('hex')],
        ['bin', 'ff00'],
        ['empty', ''],
      ],
    );
    await assert.rejects(fetchRecord(client, source, 0, '99'), (e: unknown) => e instanceof KafkaWorkbenchError && /has no offset 99 yet: its next record gets 4/.test(e.message));
    await assert.rejects(fetchRecord(client, source, 5, '0'), /has no partition 5/);
    await assert.rejects(fetchRecord(client, 'no-such-topic-xyz', 0, '0'), /does not exist/);
  });

  it('exports only a selection (the buffer\'s matching records), and a cancelled export leaves no partial file', async () => {
    const selection = new RecordSelection();
    selection.add(0, '1');
    selection.add(0, '3');
    const file = join(dir, 'selection.jsonl');
    const result = await exportRecords(client, { topic: source, ranges: selection.ranges(), include: selection.include, file });
    assert.equal(result.written, 2);
    assert.deepEqual((await readFile(file, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { offset: string }).offset), ['1', '3']);
    const controller = new AbortController();
    controller.abort();
    const cancelled = await exportRecords(client, { topic: source, file: join(dir, 'cancelled.jsonl'), signal: controller.signal });
    assert.equal(cancelled.cancelled, true);
    await assert.rejects(stat(join(dir, 'cancelled.jsonl')));
  });
});
