// The .kafka language without VS Code: a corpus written in the syntax Tools for Apache Kafka
// documents parses to the expected blocks; the extras are checked; bad values get a diagnostic at
// their position; random input never throws; templates render with one seed per record.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '../support/repoRoot';
import { checkConsumer, checkProducer, parseDuration, parsePartitions, type ConsumerDefinition, type ProducerDefinition } from '../../src/core/kafkaFile/definitions';
import type { ConsumerBlock, ProducerBlock } from '../../src/core/kafkaFile/model';
import { parseKafkaFile } from '../../src/core/kafkaFile/parser';
import { compileRecordTemplate, renderRecords, setFakerLocale } from '../../src/core/kafkaFile/template';
import '../../src/core/consume/numberDeserializers';
import { deserializer } from '../../src/core/consume/deserializers';
import '../../src/core/produce/numberSerializers';
import { availableFormats, serializerFor } from '../../src/core/produce/serializers';

const DOCUMENTED = [
  '-- Orders for the demo',
  'PRODUCER keyed-order',
  'topic: orders',
  'key: order-42',
  'an order placed',
  '',
  '###',
  '',
  'PRODUCER plain-json',
  'topic: events',
  '{',
  '    "kind": "signup"',
  '}',
  '###',
  'PRODUCER random-person',
  'topic: people',
  'key: dept-{{random.number(5)}}',
  'headers: source=kafka-file, lang=en',
  'key-format: string',
  'value-format: string(base64)',
  'every: 3s',
  'aGVsbG8=',
  '###',
  'CONSUMER billing-readers',
  'topic: orders',
  'from: earliest',
  'partitions: 0,2-3',
  'key-format: long',
  'value-format: none',
  'CONSUMER audit',
  'topic: events',
  'from: 15',
  '',
].join('\n');

function producers(text: string): ProducerBlock[] {
  return parseKafkaFile(text).blocks.filter((b): b is ProducerBlock => b.kind === 'producer');
}

function consumers(text: string): ConsumerBlock[] {
  return parseKafkaFile(text).blocks.filter((b): b is ConsumerBlock => b.kind === 'consumer');
}

describe('.kafka files: parser', () => {
  it('parses the documented syntax into blocks: names, properties, values up to ###, comments skipped, a consumer ended by the next block', () => {
    const parsed = parseKafkaFile(DOCUMENTED);
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(
      parsed.blocks.map((b) => [b.kind, b.label, b.headerLine, b.endLine]),
      [
        ['producer', 'keyed-order', 1, 5],
        ['producer', 'plain-json', 8, 12],
        ['producer', 'random-person', 14, 21],
        ['consumer', 'billing-readers', 23, 28],
        ['consumer', 'audit', 29, 32],
      ],
    );
    const [keyed, json, random] = producers(DOCUMENTED);
    assert.deepEqual(keyed.properties.map((p) => [p.name, p.value]), [['topic', 'orders'], ['key', 'order-42']]);
    assert.equal(keyed.value, 'an order placed');
    assert.equal(json.value, '{\n    "kind": "signup"\n}');
    assert.deepEqual(json.valueRange, { start: { line: 10, character: 0 }, end: { line: 12, character: 1 } });
    assert.equal(random.value, 'aGVsbG8=');
    const def = checkProducer(random);
    assert.deepEqual(def.diagnostics, []);
    assert.equal(def.definition?.everyMs, 3000);
    assert.deepEqual(def.definition?.valueFormat, { kind: 'string', encoding: 'base64' });
    assert.deepEqual(def.definition?.templates.headers.map(([k, t]) => [k, t.source]), [['source', 'kafka-file'], ['lang', 'en']]);
    const [billing, audit] = consumers(DOCUMENTED).map((c) => checkConsumer(c).definition as ConsumerDefinition);
    assert.deepEqual(billing, { groupId: 'billing-readers', topic: 'orders', start: { kind: 'earliest' }, partitions: [0, 2, 3], keyFormat: { kind: 'long' }, valueFormat: { kind: 'none' } });
    assert.deepEqual(audit.start, { kind: 'offset', offset: '15' });
  });

  it('reads the extras: partition, acks, idempotent, compression, send, count, transaction; consumer from time/committed, isolation, commit; avro formats', () => {
    const text = [
      'PRODUCER extras',
      'topic: t',
      'key: k-{{i}}',
      'partition: key',
      'acks: all',
      'idempotent: true',
      'compression: zstd',
      'send: async',
      'count: 5',
      'transaction: commit',
      'key-format: avro(schemas/key.avsc)',
      'value-format: avro(subject:orders-value)',
      '{"id": {{i}}}',
      '###',
      'CONSUMER g1',
      'topic: t',
      'from: 2024-05-01T12:00:00Z',
      'isolation: read_uncommitted',
      'commit: manual',
      'CONSUMER g2',
      'topic: t',
      'from: committed',
    ].join('\n');
    const p = checkProducer(producers(text)[0]);
    assert.deepEqual(p.diagnostics, []);
    const d = p.definition as ProducerDefinition;
    assert.deepEqual(
      { partition: d.partition, acks: d.acks, idempotent: d.idempotent, compression: d.compression, send: d.send, count: d.count, transaction: d.transaction, keyFormat: d.keyFormat, valueFormat: d.valueFormat },
      { partition: 'key', acks: 'all', idempotent: true, compression: 'zstd', send: 'asynchronous', count: 5, transaction: 'commit', keyFormat: { kind: 'avro', schemaFile: 'schemas/key.avsc' }, valueFormat: { kind: 'avro', subject: 'orders-value' } },
    );
    const [g1, g2] = consumers(text).map((c) => checkConsumer(c).definition as ConsumerDefinition);
    assert.deepEqual(g1, { groupId: 'g1', topic: 't', start: { kind: 'timestamp', timestamp: Date.parse('2024-05-01T12:00:00Z') }, isolation: 'read_uncommitted', commit: 'manual', keyFormat: { kind: 'string' }, valueFormat: { kind: 'string' } });
    assert.deepEqual(g2.start, { kind: 'committed' });
  });

  it('puts each bad value, unknown property and bad template at its own position, and refuses to run that block', () => {
    const text = [
      'PRODUCER bad', // 0
      'topic: t',
      'every: soon', // 2
      'acks: 2', // 3
      'key: {{person.nope}}', // 4
      '{"n": {{number.int(5)}}, "x": {{nosuch.thing}}}', // 5
      '###',
      'CONSUMER g', // 7
      'topik: t', // 8
      'topic: t',
      'partitions: 3-1', // 10
      'just text', // 11
    ].join('\n');
    const parsed = parseKafkaFile(text);
    const p = checkProducer(parsed.blocks[0] as ProducerBlock);
    assert.equal(p.definition, undefined);
    const at = (d: { range: { start: { line: number; character: number } }; message: string }) => [d.range.start.line, d.range.start.character, d.message.slice(0, 28)];
    assert.deepEqual(p.diagnostics.map(at), [
      [4, 5, '{{person.nope}}: faker\'s per'],
      [5, 30, '{{nosuch.thing}}: faker has '],
      [2, 7, '"soon" is not an interval: w'],
      [3, 6, '"2" is not a valid acks: use'],
    ]);
    const c = checkConsumer(parsed.blocks[1] as ConsumerBlock);
    assert.deepEqual(parsed.diagnostics.map(at), [
      [8, 0, 'Unknown consumer property "t'],
      [11, 0, 'Expected "property: value" i'],
    ]);
    assert.match(parsed.diagnostics[0].message, /did you mean "topic"/);
    assert.deepEqual(c.diagnostics.map(at), [[10, 12, '"3-1" is not a partition lis']]);
  });

  it('warns where a producer value swallows a misspelt property or the next block (a missing ###), as the original would send them', () => {
    const parsed = parseKafkaFile(['PRODUCER a', 'topic: t', 'kee: 1', 'value', 'PRODUCER b', 'topic: u', 'x'].join('\n'));
    assert.equal(parsed.blocks.length, 1);
    assert.deepEqual(parsed.diagnostics.map((d) => [d.range.start.line, d.severity]), [[2, 'warning'], [4, 'warning']]);
    assert.match(parsed.diagnostics[0].message, /did you mean "key"/);
    assert.match(parsed.diagnostics[1].message, /###/);
  });

  it('never throws on random input, and every line outside a block or broken inside one is covered by a diagnostic', () => {
    const pieces = ['PRODUCER', 'CONSUMER', '###', '--', 'topic:', 'key:', '{{', '}}', 'every: 1x', 'from:', ':', '\r', '\n', ' ', 'x', '{"a":1}', '\u0000', '𝄞', 'partitions: 0-', 'value-format: avro(', '{{number.int(', 'headers: =', 'count: -1'];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let k = rnd(40); k > 0; k--) text += pieces[rnd(pieces.length)] + (rnd(3) === 0 ? '\n' : '');
      const parsed = parseKafkaFile(text);
      for (const b of parsed.blocks) {
        const checked = b.kind === 'producer' ? checkProducer(b) : checkConsumer(b);
        // A block that cannot run always says why.
        if (!checked.definition) assert.ok(checked.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(text));
      }
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        const inBlock = parsed.blocks.some((b) => i >= b.headerLine && i <= b.endLine);
        const t = line.replace(/\r$/, '');
        if (!inBlock && t.trim() !== '' && !t.trimStart().startsWith('--') && !t.startsWith('###')) {
          assert.ok(parsed.diagnostics.some((d) => d.range.start.line === i), `line ${i} of ${JSON.stringify(text)} has a diagnostic`);
        }
      });
    }
  });

  it('the sandbox sample (scripts/samples/demo.kafka) has no problem and every block can run', () => {
    const parsed = parseKafkaFile(readFileSync(join(findRepoRoot(), 'scripts', 'samples', 'demo.kafka'), 'utf8'));
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(parsed.blocks.length, 4);
    for (const b of parsed.blocks) {
      const checked = b.kind === 'producer' ? checkProducer(b) : checkConsumer(b);
      assert.deepEqual(checked.diagnostics, [], b.label);
      assert.ok(checked.definition, b.label);
    }
    const [order] = renderRecords((checkProducer(parsed.blocks[0] as ProducerBlock).definition as ProducerDefinition).templates, 1);
    assert.equal(typeof JSON.parse(order.value).total, 'number');
  });

  it('takes a CreateTime from timestamp: (ISO-8601 or epoch ms) and puts a bad one at its position', () => {
    const [iso, epoch, bad] = producers(
      ['PRODUCER a', 'topic: t', 'timestamp: 2024-05-01T12:00:00Z', 'v', '###', 'PRODUCER b', 'topic: t', 'timestamp: 1714564800000', 'v', '###', 'PRODUCER c', 'topic: t', 'timestamp: yesterday', 'v', '###'].join('\n'),
    );
    assert.equal((checkProducer(iso).definition as ProducerDefinition).timestamp, '2024-05-01T12:00:00Z');
    assert.equal((checkProducer(epoch).definition as ProducerDefinition).timestamp, '1714564800000');
    const failed = checkProducer(bad);
    assert.equal(failed.definition, undefined, 'a block with a bad timestamp does not run');
    const problem = failed.diagnostics.find((d) => d.severity === 'error');
    assert.ok(problem && /"yesterday" is not a timestamp/.test(problem.message), JSON.stringify(failed.diagnostics));
    assert.equal(problem.range.start.line, 12);
  });

  it('parses durations and partition lists', () => {
    assert.deepEqual(['3s', '5m', '1h', '500ms', '2.5s', 'soon', '3'].map(parseDuration), [3000, 300_000, 3_600_000, 500, 2500, undefined, undefined]);
    assert.deepEqual(['0', '0,1,2', '0-2', '0,2-3', '2,0,2', '0-', 'a'].map(parsePartitions), [[0], [0, 1, 2], [0, 1, 2], [0, 2, 3], [0, 2], undefined, undefined]);
  });
});

describe('.kafka files: templates', () => {
  function templates(key: string, value: string, headers: [string, string][] = []) {
    const k = compileRecordTemplate(key).template!;
    const v = compileRecordTemplate(value).template!;
    return { key: k, value: v, headers: headers.map(([n, t]) => [n, compileRecordTemplate(t).template!] as [string, typeof v]) };
  }

  it('renders faker calls with one seed per record shared by key, headers and value; the form placeholders and $ helpers work too', () => {
    const t = templates('{{person.firstName}}-{{number.int(5)}}', '{{person.firstName}}-{{number.int(5)}} #{{i}} {{$i}} {{uuid}}', [['who', '{{person.firstName}}']]);
    const records = renderRecords(t, 20, { seed: 1234 });
    for (const [i, r] of records.entries()) {
      const [name, n] = r.key!.split('-');
      assert.ok(r.value.startsWith(`${r.key} #${i} ${i} `), `${r.key} / ${r.value}`);
      assert.equal(r.headers?.who, name);
      assert.ok(Number(n) >= 0 && Number(n) <= 5);
      assert.match(r.value, /[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
    assert.ok(new Set(records.map((r) => r.key)).size > 5, 'records differ from each other');
    assert.deepEqual(renderRecords(t, 3, { seed: 1234 }), records.slice(0, 3), 'the same seed gives the same records');
    const now = Date.now();
    const [stamped] = renderRecords(templates('{{$timestamp}}', '{{$date.now}}'), 1);
    assert.ok(Math.abs(Number(stamped.key) - now) < 5000);
    assert.ok(Math.abs(Date.parse(stamped.value) - now) < 5000);
  });

  it('maps the faker.js names the original documented ({{random.number}}, {{name.lastName}}, {{address.country}}, {{random.uuid}})', () => {
    const [r] = renderRecords(templates('{{random.number(5)}}', '{{name.lastName}}|{{address.country}}|{{random.uuid}}|{{internet.email}}'), 1, { seed: 9 });
    assert.ok(Number(r.key) >= 0 && Number(r.key) <= 5);
    const [last, country, uuid, email] = r.value.split('|');
    assert.ok(last.length > 0 && country.length > 0);
    assert.match(uuid, /^[0-9a-f-]{36}$/);
    assert.match(email, /@/);
  });

  it('reports a bad call with its offset and reason', () => {
    const source = 'ok {{string.uuid}} {{number.int({"min": 5, "max": 1})}} {{$nope}} {{random.int(5)}}';
    const { problems } = compileRecordTemplate(source);
    assert.deepEqual(
      problems.map((p) => p.offset),
      ['{{number.int', '{{$nope', '{{random'].map((s) => source.indexOf(s)),
    );
    assert.match(problems[0].message, /Max 1 should be greater than min 5/);
    assert.match(problems[1].message, /Unknown helper/);
    assert.match(problems[2].message, /random\.int takes two numbers/);
  });
});

describe('.kafka files: faker locale', () => {
  it('renders faker data in the locale set (Tools for Apache Kafka\'s fakerjs.locale); an unknown locale is refused with the list and English stays', async () => {
    const { allFakers } = await import('@faker-js/faker');
    const t = { value: compileRecordTemplate('{{location.country}}|{{person.lastName}}').template!, headers: [] };
    const [english] = renderRecords(t, 1, { seed: 5 });
    try {
      assert.equal(setFakerLocale('de'), undefined);
      const [de] = renderRecords(t, 1, { seed: 5 });
      allFakers.de.seed(5);
      const country = allFakers.de.location.country();
      assert.equal(de.value, `${country}|${allFakers.de.person.lastName()}`);
      assert.notEqual(de.value, english.value);
      assert.match(setFakerLocale('xx') ?? '', /no locale "xx".*pt_BR/);
    } finally {
      setFakerLocale('en');
    }
    assert.deepEqual(renderRecords(t, 1, { seed: 5 })[0], english);
  });
});

describe('.kafka files: number and encoded string formats', () => {
  it('writes big-endian bytes like Kafka\'s Java serializers and reads them back; refuses what does not fit', () => {
    const cases: [string, string, string][] = [
      ['integer', '-2', 'fffffffe'],
      ['short', '258', '0102'],
      ['long', '9007199254740993', '0020000000000001'],
      ['double', '1.5', '3ff8000000000000'],
      ['float', '1.5', '3fc00000'],
      ['string(base64)', 'aGVsbG8=', '68656c6c6f'],
      ['string(hex)', 'cafe', 'cafe'],
    ];
    for (const [format, text, hex] of cases) {
      const bytes = serializerFor(format as never).serialize(text)!;
      assert.equal(bytes.toString('hex'), hex, format);
      if (!format.startsWith('string')) assert.equal(deserializer(format).decode(bytes), text, format);
    }
    assert.equal(deserializer('string(base64)').decode(Buffer.from('hello')), 'aGVsbG8=');
    assert.throws(() => serializerFor('integer').serialize('2147483648'), /whole number from/);
    assert.throws(() => serializerFor('short').serialize('1.5'), /whole number/);
    assert.throws(() => serializerFor('long').serialize('12a'), /not a whole number/);
    assert.throws(() => serializerFor('double').serialize('abc'), /not a number/);
    assert.throws(() => deserializer('integer').decode(Buffer.from([1, 2])), /2 bytes, a integer has 4/);
    assert.ok(!availableFormats().some((f) => f === 'double' || f.startsWith('string(')), 'the produce form keeps its own list');
  });
});
