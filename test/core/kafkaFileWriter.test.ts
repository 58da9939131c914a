// "Save as .kafka" without VS Code: the block writer round-trips through the parser (random
// settings, random literal text full of what the format cannot hold as it is), a consumed record
// written as a block sends the same bytes again, and the produce form maps to the block it describes.
import * as assert from 'node:assert/strict';
import { checkProducer, type FormatChoice, type ProducerDefinition } from '../../src/core/kafkaFile/definitions';
import { blockSettingsForRecord } from '../../src/core/kafkaFile/fromRecord';
import type { ProducerBlock } from '../../src/core/kafkaFile/model';
import { parseKafkaFile } from '../../src/core/kafkaFile/parser';
import { compileRecordTemplate, renderRecords, type RecordTemplates } from '../../src/core/kafkaFile/template';
import { appendBlock, literalTemplate, settingsOfDefinition, writeProducerBlock, type ProducerBlockSettings } from '../../src/core/kafkaFile/writer';
import '../../src/core/produce/numberSerializers';
import { serializerFor } from '../../src/core/produce/serializers';
import { blockSettingsFromForm } from '../../src/host/kafkaFile/fromForm';
import type { ProduceFormValues } from '../../webview/src/produce/protocol';

/** The form's defaults (produceForm.ts has them too, but it needs VS Code). */
function defaultFormValues(connection: string): ProduceFormValues {
  const avro = { SchemaFile: '', Subject: '', Source: 'file', Encoding: 'raw', Strategy: 'TopicNameStrategy', AutoRegister: true } as const;
  return {
    connection, topic: '', keyFormat: 'string', key: '', valueFormat: 'string', value: '',
    avroSource: avro.Source, avroSchemaFile: '', avroSubject: '', avroEncoding: avro.Encoding, avroStrategy: avro.Strategy, avroAutoRegister: true,
    keyAvroSource: avro.Source, keyAvroSchemaFile: '', keyAvroSubject: '', keyAvroEncoding: avro.Encoding, keyAvroStrategy: avro.Strategy, keyAvroAutoRegister: true,
    avroMessageType: '', keyAvroMessageType: '',
    headers: [], partitionMode: 'default', partition: '0', source: 'template', count: '1', recordsFile: '', sendStyle: 'synchronous', transaction: 'none',
    acks: 'all', idempotent: false, maxInFlightRequests: '5', compression: 'none', lingerMs: '5', batchSize: '16384', requestTimeoutMs: '30000', retries: '5',
    replyTopic: '', replyTimeoutMs: '10000', timestamp: '',
  };
}

let seed = 11;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
}
function pick<T>(list: readonly T[]): T {
  return list[rnd(list.length)];
}

// Literal pieces full of what the file format would misread; placeholders that render the same for one seed.
const LITERALS = [' ', '  ', '\n', '\r\n', '\r', '\t', '{{', '}}', '{', '}', ',', '=', ':', '###', '## ', 'topic: x', 'key: y', '--', '-- c', 'PRODUCER p', 'CONSUMER g', 'x', 'hello world', '{"a": 1}', 'a{', '{ ', '{,', '{\r', 'é𝄞', '\u0000', '$text', '"'];
const PLACEHOLDERS = ['{{i}}', '{{number.int(5)}}', '{{string.uuid}}', '{{person.firstName}}', '{{number.int({"min": 1, "max": 9})}}', '{{$i}}', '{{random.int(1,9)}}'];

function randomSource(maxParts: number, placeholders = true): string {
  let out = '';
  for (let k = rnd(maxParts + 1); k > 0; k--) {
    // A literal "{" right before a placeholder would open it (a template, not text): not a valid source.
    if (placeholders && rnd(4) === 0 && !out.endsWith('{')) out += pick(PLACEHOLDERS);
    else out += literalTemplate(pick(LITERALS));
  }
  return out;
}

const FORMATS: FormatChoice[] = [{ kind: 'string' }, { kind: 'json' }, { kind: 'long' }, { kind: 'string', encoding: 'base64' }, { kind: 'avro', schemaFile: 'schemas/x.avsc' }, { kind: 'avro', subject: 'orders-value' }];

function randomSettings(): ProducerBlockSettings {
  const s: ProducerBlockSettings = {
    name: pick(['', 'orders', 'new order', 'p-1']),
    topic: pick(['orders', 'a.b_c-1']),
    keyFormat: pick(FORMATS),
    valueFormat: rnd(8) === 0 ? { kind: 'none' } : pick(FORMATS),
    headers: [],
    value: '',
  };
  if (s.valueFormat.kind !== 'none') s.value = randomSource(8);
  if (rnd(3) > 0) s.key = randomSource(4);
  for (let h = rnd(4); h > 0; h--) s.headers.push([pick(['source', 'trace-id', 'x']), randomSource(3)]);
  if (rnd(2)) s.partition = pick(s.key !== undefined ? (['any', 'key', 3] as const) : (['any', 0] as const));
  const strict = rnd(3) === 0;
  if (strict) {
    s.acks = 'all';
    s.transaction = pick(['commit', 'abort'] as const);
    s.idempotent = true;
    s.send = pick(['synchronous', 'asynchronous'] as const);
  } else {
    if (rnd(2)) s.acks = pick([0, 1, 'all'] as const);
    if (rnd(2)) s.send = pick(['synchronous', 'asynchronous', 'fire-and-forget'] as const);
  }
  if (rnd(2)) s.compression = pick(['gzip', 'zstd', 'none'] as const);
  if (rnd(2)) s.count = 1 + rnd(50);
  if (rnd(3) === 0) s.timestamp = pick(['2024-05-01T12:00:00Z', '1714564800000']);
  if (rnd(3) === 0) s.everyMs = pick([100, 1500, 3000, 60_000, 3_600_000]);
  return s;
}

function templatesOf(s: ProducerBlockSettings): RecordTemplates {
  const compile = (src: string) => {
    const c = compileRecordTemplate(src);
    assert.ok(c.template, `${JSON.stringify(src)}: ${JSON.stringify(c.problems)}`);
    return c.template;
  };
  return { key: s.key === undefined ? undefined : compile(s.key), value: compile(s.value), headers: s.headers.map(([n, v]) => [n, compile(v)]) };
}

function readBack(text: string): ProducerDefinition {
  const parsed = parseKafkaFile(text);
  assert.deepEqual(parsed.diagnostics, [], text);
  assert.equal(parsed.blocks.length, 1, text);
  const checked = checkProducer(parsed.blocks[0] as ProducerBlock);
  assert.deepEqual(checked.diagnostics.filter((d) => d.severity === 'error'), [], text);
  assert.ok(checked.definition, text);
  return checked.definition;
}

describe('.kafka files: Save as .kafka (block writer)', () => {
  it('parse(write(x)) == x for 600 random producers: same settings, same template sources where no escape was needed, the same records rendered', () => {
    for (let round = 0; round < 600; round++) {
      const x = randomSettings();
      const { text, problems } = writeProducerBlock(x);
      assert.deepEqual(problems, []);
      const def = readBack(text);
      const y = settingsOfDefinition(def);
      const plain = (s: ProducerBlockSettings) => ({ ...s, key: undefined, headers: s.headers.map(([n]) => n), value: undefined });
      assert.deepEqual(plain(y), plain(x), text);
      // What is sent: the same text for key, each header and value, record by record.
      assert.deepEqual(renderRecords(def.templates, 3, { seed: round }), renderRecords(templatesOf(x), 3, { seed: round }), text);
      const simple = (src: string | undefined) => src === undefined || !/[\s{},=:#\-"PC]|^$/.test(src.replace(/\{\{(i|\$i)\}\}/g, ''));
      if (simple(x.key) && simple(x.value) && x.headers.every(([, v]) => simple(v))) {
        assert.equal(y.key, x.key);
        assert.equal(y.value, x.value);
      }
    }
  });

  it('writes the plain cases as a person would (no escapes), and escapes only what the format would misread', () => {
    const { text } = writeProducerBlock({ name: 'order', topic: 'orders', key: 'k-{{i}}', headers: [['source', 'demo']], value: '{"n": {{i}}}', keyFormat: { kind: 'string' }, valueFormat: { kind: 'json' }, partition: 'key', count: 3 });
    assert.equal(text, ['PRODUCER order', 'topic: orders', 'key: k-{{i}}', 'headers: source=demo', 'value-format: json', 'partition: key', 'count: 3', '{"n": {{i}}}', '', '###', ''].join('\n'));
    const odd = writeProducerBlock({ name: 'odd', topic: 't', headers: [['h', 'a,b']], value: literalTemplate(' topic: x\n###\n{{ }}\n'), keyFormat: { kind: 'string' }, valueFormat: { kind: 'string' } });
    assert.equal(odd.text, ['PRODUCER odd', 'topic: t', 'headers: h=a{{$text(",")}}b', '{{$text(" ")}}topic: x', '{{$text("#")}}##', '{{$text("{{")}} }}{{$text("\\n")}}', '', '###', ''].join('\n'));
    assert.deepEqual(renderRecords(readBack(odd.text).templates, 1, { seed: 1 })[0], { value: ' topic: x\n###\n{{ }}\n', headers: { h: 'a,b' } });
    const bad = writeProducerBlock({ name: 'b', topic: 't', headers: [['a=b', 'x'], ['ok', 'y']], value: 'v', keyFormat: { kind: 'string' }, valueFormat: { kind: 'string' } });
    assert.equal(bad.problems.length, 1);
    assert.match(bad.problems[0], /"a=b" is left out/);
    assert.match(bad.text, /^headers: ok=y$/m);
  });

  it('appends a block after the last one, closing an open producer with ###', () => {
    const block = writeProducerBlock({ name: 'b', topic: 't', headers: [], value: 'v', keyFormat: { kind: 'string' }, valueFormat: { kind: 'string' } }).text;
    for (const before of ['', 'PRODUCER a\ntopic: t\nx\n###\n', 'PRODUCER a\ntopic: t\nx', 'CONSUMER g\ntopic: t\n\n\n', '-- only a comment\n']) {
      const parsed = parseKafkaFile(appendBlock(before, block));
      assert.deepEqual(parsed.diagnostics, [], before);
      assert.equal(parsed.blocks[parsed.blocks.length - 1].label, 'b');
      assert.equal(parsed.blocks.length, before.includes('PRODUCER') || before.includes('CONSUMER') ? 2 : 1);
    }
  });

  it('a consumed record becomes a block that sends the same bytes: key, value (null too), headers; base64 where the shown text would not give them back', () => {
    const serialize = (f: FormatChoice, text: string) => {
      const name = f.kind === 'string' && f.encoding ? `string(${f.encoding})` : f.kind;
      return serializerFor(name).serialize(text);
    };
    const long = Buffer.alloc(8);
    long.writeBigInt64BE(-42n);
    const cases: { viewerFormat: string; bytes: Buffer | null; decoded?: string }[] = [
      { viewerFormat: 'string', bytes: Buffer.from('plain {{x}} text\r\n###\n') },
      { viewerFormat: 'json', bytes: Buffer.from('{ "a": [1, 2] }\n') },
      { viewerFormat: 'json', bytes: Buffer.from('not json') },
      { viewerFormat: 'string', bytes: Buffer.from([0xff, 0x00, 0xc3]) },
      { viewerFormat: 'hex', bytes: Buffer.from([1, 2, 3]) },
      { viewerFormat: 'base64', bytes: Buffer.from([250, 251]) },
      { viewerFormat: 'long', bytes: long, decoded: '-42' },
      { viewerFormat: 'long', bytes: Buffer.from([1, 2]), decoded: undefined },
      { viewerFormat: 'protobuf', bytes: Buffer.from([0x08, 0x96, 0x01]), decoded: '{"a":150}' },
      { viewerFormat: 'string', bytes: null },
      { viewerFormat: 'string', bytes: Buffer.alloc(0) },
    ];
    for (const k of cases) {
      for (const v of cases) {
        const { settings, notes } = blockSettingsForRecord({ name: 'r', topic: 't', partition: 2, key: k, value: v, headers: [{ key: 'h', value: Buffer.from('a, b = c') }, { key: 'bin', value: Buffer.from([0xff]) }] });
        const def = readBack(writeProducerBlock(settings).text);
        const [r] = renderRecords(def.templates, 1, { seed: 1 });
        const keyBytes = def.templates.key === undefined ? null : serialize(def.keyFormat, r.key ?? '');
        const valueBytes = def.valueFormat.kind === 'none' ? null : serialize(def.valueFormat, r.value);
        assert.deepEqual(keyBytes, k.bytes, `key ${k.viewerFormat} ${JSON.stringify(def.keyFormat)}`);
        assert.deepEqual(valueBytes, v.bytes, `value ${v.viewerFormat} ${JSON.stringify(def.valueFormat)}`);
        assert.deepEqual(r.headers, { h: 'a, b = c' });
        assert.equal(def.partition, 2);
        assert.ok(notes.some((n) => /"bin" is left out/.test(n)));
      }
    }
    const json = blockSettingsForRecord({ name: 'r', topic: 't', key: { viewerFormat: 'string', bytes: null }, value: { viewerFormat: 'json', bytes: Buffer.from('{"a":1}') }, headers: [] });
    assert.deepEqual([json.settings.valueFormat, json.settings.value, json.settings.key], [{ kind: 'json' }, '{"a":1}', undefined]);
  });

  it('the produce form maps to the block it describes; what a block cannot hold is named, what it cannot express refused', () => {
    const v = { ...defaultFormValues('local'), topic: 'orders', key: 'k-{{i}}', value: '{"n": {{random.int(1,9)}}}', valueFormat: 'json', headers: [{ name: 'src', value: 'form' }, { name: ' ', value: 'dropped' }] };
    Object.assign(v, { partitionMode: 'explicit', partition: '1', count: '5', acks: '1', compression: 'gzip', sendStyle: 'asynchronous', timestamp: '2024-05-01T12:00:00Z', lingerMs: '50' });
    const out = blockSettingsFromForm(v, 'orders');
    assert.ok(out.ok);
    const def = readBack(writeProducerBlock(out.settings).text);
    assert.deepEqual(settingsOfDefinition(def), {
      name: 'orders',
      topic: 'orders',
      key: 'k-{{i}}',
      headers: [['src', 'form']],
      value: '{"n": {{random.int(1,9)}}}',
      keyFormat: { kind: 'string' },
      valueFormat: { kind: 'json' },
      partition: 1,
      acks: 1,
      compression: 'gzip',
      send: 'asynchronous',
      count: 5,
      timestamp: '2024-05-01T12:00:00Z',
    });
    assert.deepEqual(out.notes, ['Not in .kafka files (the defaults apply): linger.']);
    const tombstone = blockSettingsFromForm({ ...defaultFormValues('local'), topic: 't', keyFormat: 'none', valueFormat: 'none' }, 't');
    assert.ok(tombstone.ok);
    const tdef = readBack(writeProducerBlock(tombstone.settings).text);
    assert.deepEqual([tdef.templates.key, tdef.valueFormat], [undefined, { kind: 'none' }]);
    const refused = [
      { ...defaultFormValues('local'), topic: 't', source: 'file' as const },
      { ...defaultFormValues('local'), topic: 't', valueFormat: 'protobuf' },
      { ...defaultFormValues('local'), topic: 't', valueFormat: 'avro', avroSchemaFile: 'x.avsc', avroEncoding: 'confluent' as const },
      { ...defaultFormValues('local'), topic: '' },
    ].map((f) => blockSettingsFromForm(f, 'n'));
    for (const r of refused) assert.equal(r.ok, false);
    assert.match((refused[1] as { message: string }).message, /Choose the schema file of the Protobuf value/);
    // Protobuf and JSON Schema blocks: the file with its message, or the registry subject.
    const proto = blockSettingsFromForm({ ...defaultFormValues('local'), topic: 't', valueFormat: 'protobuf', avroSchemaFile: 'schemas/order.proto', avroMessageType: 'shop.Order' }, 'p');
    assert.ok(proto.ok);
    assert.deepEqual(readBack(writeProducerBlock(proto.settings).text).valueFormat, { kind: 'protobuf', schemaFile: 'schemas/order.proto', messageType: 'shop.Order' });
    const js = blockSettingsFromForm({ ...defaultFormValues('local'), topic: 't', valueFormat: 'jsonschema', avroSource: 'registry', avroSubject: 't-value' }, 'j');
    assert.ok(js.ok);
    assert.deepEqual(readBack(writeProducerBlock(js.settings).text).valueFormat, { kind: 'jsonschema', subject: 't-value' });
  });
});
