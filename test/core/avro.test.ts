// Avro core without a registry: schemas and their errors, JSON values and their errors, logical
// types, raw and wire-format encoding, schema evolution (seed 004) and bytes that are not Avro.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  AvroDecodeError,
  decodeAvro,
  encodeAvroJson,
  encodeConfluentWireFormat,
  parseConfluentWireFormat,
  SchemaEvolutionError,
} from '../../src/core/avro/codec';
import { avroValueFromJson, avroValueToJson, AvroValueError, checkAvroJsonText } from '../../src/core/avro/json';
import { subjectName } from '../../src/core/avro/registry';
import { AvroSchemaError, parseAvroSchema, type AvroSchema } from '../../src/core/avro/schema';
import { deserializeAvro, serializeAvro } from '../../src/core/avro/serde';
import { findRepoRoot } from '../support/repoRoot';

const fixtures = path.join(findRepoRoot(), 'test', 'fixtures', 'avro');
const fixtureText = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const fixture = (name: string) => parseAvroSchema(fixtureText(name), name);

const ORDER_JSON = {
  id: '123e4567-e89b-12d3-a456-426614174000',
  placedAt: '2024-05-01T12:30:45.123Z',
  deliveryDate: '2024-05-03',
  total: '12345678.90',
  discount: { 'com.example.shop.Money': '-1.500' },
  status: 'PAID',
  quantity: 3,
  weightKg: 1.25,
  tags: ['gift', 'fragile'],
  attributes: { priority: 2, lane: -7 },
  checksum: '\u0000\u00ff\u0010A',
  customer: { name: 'Ada', address: { street: '1 Main St', zip: 12345 } },
  note: { string: 'leave at the door' },
};

function roundTrip(schema: AvroSchema, json: unknown): unknown {
  return avroValueToJson(schema, decodeAvro(schema, encodeAvroJson(schema, json)));
}

describe('Avro schemas (.avsc)', () => {
  it('parses a record with nested records, unions, enums, maps and logical types and names it', () => {
    const order = fixture('order.avsc');
    assert.equal(order.name, 'com.example.shop.Order');
    assert.equal(order.type.typeName, 'record');
  });

  it('an unknown type name is reported with its line, column and JSON path', () => {
    assert.throws(
      () => parseAvroSchema(fixtureText('invalid-unknown-type.avsc'), 'invalid-unknown-type.avsc'),
      (err: unknown) => {
        assert.ok(err instanceof AvroSchemaError);
        assert.match(err.reason, /undefined type name: strng/);
        assert.equal(err.path, 'fields[1].type');
        assert.deepEqual([err.position?.line, err.position?.column], [6, 33]);
        assert.match(err.message, /invalid-unknown-type\.avsc line 6, column 33/);
        return true;
      },
    );
  });

  it('a JSON syntax error is reported at the offending character', () => {
    assert.throws(
      () => parseAvroSchema(fixtureText('invalid-json.avsc')),
      (err: unknown) => {
        assert.ok(err instanceof AvroSchemaError);
        assert.match(err.reason, /not valid JSON: unexpected "\\"", expected "," or "}"/);
        assert.deepEqual([err.position?.line, err.position?.column], [6, 24]);
        return true;
      },
    );
  });

  it('structural errors name the node: a record without a name, a bad default, an enum without symbols', () => {
    const cases: [string, RegExp, string][] = [
      ['{"type": "record", "fields": []}', /missing name/, ''],
      ['{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}', /invalid default|incompatible field default/i, 'fields[0]'],
      ['{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E"}}]}', /symbols/, 'fields[0].type'],
      ['{"type":"record","name":"R","fields":[{"name":"u","type":["null","null"]}]}', /duplicate|ambiguous/i, ''],
    ];
    for (const [text, reason, where] of cases) {
      assert.throws(
        () => parseAvroSchema(text),
        (err: unknown) => {
          assert.ok(err instanceof AvroSchemaError, text);
          assert.match(err.reason, reason, text);
          if (where) assert.equal(err.path, where, text);
          assert.ok(err.position, `a position for ${text}`);
          return true;
        },
      );
    }
  });
});

describe('Avro values typed as JSON', () => {
  const order = fixture('order.avsc');

  it('converts a complete order and fills a missing field that has a default', () => {
    const { discount: _d, ...withoutDiscount } = ORDER_JSON;
    const r = avroValueFromJson(order, withoutDiscount);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.equal((r.value as { discount: unknown }).discount, null);
  });

  it('names every mismatch by field path with the expected type and the value found', () => {
    const bad = {
      ...ORDER_JSON,
      quantity: 2.5,
      status: 'LOST',
      tags: ['ok', 7],
      attributes: { a: 'x' },
      customer: { name: 'Ada', address: { street: '1 Main St', zip: '12a' } },
      note: 'bare string',
      total: '1.234',
      extra: true,
    };
    const r = avroValueFromJson(order, bad);
    assert.ok(!r.ok);
    const byPath = new Map(r.problems.map((p) => [p.path, p]));
    assert.deepEqual([...byPath.keys()].sort(), ['attributes.a', 'customer.address.zip', 'extra', 'note', 'quantity', 'status', 'tags[1]', 'total'].sort());
    const zip = byPath.get('customer.address.zip')!;
    assert.equal(zip.expected, 'int');
    assert.equal(zip.found, '"12a"');
    assert.equal(zip.message, 'customer.address.zip: expected int, found "12a"');
    assert.match(byPath.get('status')!.expected, /enum com\.example\.shop\.Status \(one of "NEW", "PAID", "SHIPPED"\)/);
    assert.match(byPath.get('note')!.message, /write it as \{"string": "bare string"\}/);
    assert.match(byPath.get('total')!.message, /decimal\(10,2\).*more than 2 digits after the point/);
    assert.match(byPath.get('extra')!.message, /unknown field/);
  });

  it('a missing required field is reported as missing, with its type', () => {
    const { quantity: _q, ...rest } = ORDER_JSON;
    const r = avroValueFromJson(order, rest);
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].path, 'quantity');
    assert.equal(r.problems[0].found, '(missing)');
    assert.match(r.problems[0].message, /quantity: expected int, found \(missing\) \(a required field/);
  });

  it('checks text as typed: syntax errors and field errors carry line and column', () => {
    const syntax = checkAvroJsonText(order, '{\n  "id": "x",\n  "quantity": 3,,\n}');
    assert.ok(!syntax.ok);
    assert.deepEqual([syntax.problems[0].position?.line, syntax.problems[0].position?.column], [3, 17]);
    const text = JSON.stringify({ ...ORDER_JSON, customer: { name: 'Ada', address: { street: 'x', zip: 'nope' } } }, null, 2);
    const r = checkAvroJsonText(order, text);
    assert.ok(!r.ok);
    const zipLine = text.split('\n').findIndex((l) => l.includes('"zip"')) + 1;
    assert.equal(r.problems[0].path, 'customer.address.zip');
    assert.equal(r.problems[0].position?.line, zipLine);
  });

  it('encoding an invalid value throws AvroValueError with the same problems', () => {
    assert.throws(() => encodeAvroJson(order, { ...ORDER_JSON, quantity: 'three' }), (err: unknown) => err instanceof AvroValueError && /quantity: expected int/.test(err.message));
  });
});

describe('Avro logical types', () => {
  const order = fixture('order.avsc');

  it('uuid, timestamp-millis, date, decimal over bytes and over fixed round-trip through Avro binary', () => {
    assert.deepEqual(roundTrip(order, ORDER_JSON), ORDER_JSON);
  });

  it('a timestamp typed as epoch milliseconds reads back as the same instant in ISO-8601', () => {
    const out = roundTrip(order, { ...ORDER_JSON, placedAt: 1714566645123 }) as { placedAt: string };
    assert.equal(out.placedAt, '2024-05-01T12:30:45.123Z');
  });

  it('decimals keep every digit and their sign at the edges of their precision', () => {
    for (const total of ['0.00', '-0.01', '99999999.99', '-99999999.99', '1', '-128.00', '127.99', '32768.00']) {
      const expected = total.includes('.') ? total : `${total}.00`;
      assert.equal((roundTrip(order, { ...ORDER_JSON, total }) as { total: string }).total, expected, total);
    }
    const r = avroValueFromJson(order, { ...ORDER_JSON, total: '100000000.00' });
    assert.ok(!r.ok && /more than 10 significant digits/.test(r.problems[0].message));
  });

  it('a decimal is encoded as Java BigDecimal would: minimal two\'s-complement bytes of the unscaled value', () => {
    const dec = parseAvroSchema('{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}');
    // -1.28 -> unscaled -128 -> 0x80; 1.28 -> 128 -> 0x00 0x80; bytes are length-prefixed (zigzag varint).
    assert.equal(encodeAvroJson(dec, '-1.28').toString('hex'), '0280');
    assert.equal(encodeAvroJson(dec, '1.28').toString('hex'), '040080');
  });

  it('an invalid date, uuid or timestamp is reported with what is wrong', () => {
    const r = avroValueFromJson(order, { ...ORDER_JSON, deliveryDate: '2024-02-30', id: 'nope', placedAt: '2024-05-01 12:00' });
    assert.ok(!r.ok);
    assert.deepEqual(r.problems.map((p) => p.path).sort(), ['deliveryDate', 'id', 'placedAt']);
    assert.match(r.problems.find((p) => p.path === 'placedAt')!.message, /with a zone/);
  });
});

describe('Avro binary and the Confluent wire format', () => {
  const v1 = fixture('contact-v1-fax.avsc');

  it('wire format is magic byte 0, the schema id as 4 bytes big-endian, then the Avro body', () => {
    const body = encodeAvroJson(v1, { name: 'Ada', faxNumber: { string: '+1 555' } });
    const wire = encodeConfluentWireFormat(258, body);
    assert.equal(wire.subarray(0, 5).toString('hex'), '0000000102');
    assert.deepEqual(parseConfluentWireFormat(wire), { schemaId: 258, body });
    assert.equal(parseConfluentWireFormat(Buffer.from('{"a":1}')), undefined);
    assert.equal(parseConfluentWireFormat(Buffer.from([0, 0, 1])), undefined);
  });

  it('deserializeAvro detects the wire format and decodes the body with the chosen writer schema', async () => {
    const body = encodeAvroJson(v1, { name: 'Ada', faxNumber: null });
    const r = await deserializeAvro(encodeConfluentWireFormat(7, body), { writerSchema: v1 });
    assert.ok(r.ok);
    assert.equal(r.format, 'confluent');
    assert.equal(r.schemaId, 7);
    assert.deepEqual(r.json, { name: 'Ada', faxNumber: null });
    const raw = await deserializeAvro(body, { writerSchema: v1 });
    assert.ok(raw.ok && raw.format === 'raw');
  });

  it('serializeAvro raw gives the plain Avro body; confluent without a registry says what is missing', async () => {
    const r = await serializeAvro({ schema: v1, json: { name: 'Ada' }, format: 'raw' });
    assert.deepEqual(avroValueToJson(v1, decodeAvro(v1, r.bytes)), { name: 'Ada', faxNumber: null });
    await assert.rejects(serializeAvro({ schema: v1, json: { name: 'Ada' }, format: 'confluent', topic: 't' }), /needs a Schema Registry/);
  });

  it('subject names follow the topic, record and topic-record strategies', () => {
    assert.equal(subjectName('TopicNameStrategy', 'orders', false), 'orders-value');
    assert.equal(subjectName('TopicNameStrategy', 'orders', true), 'orders-key');
    assert.equal(subjectName('RecordNameStrategy', 'orders', false, 'com.x.Order'), 'com.x.Order');
    assert.equal(subjectName('TopicRecordNameStrategy', 'orders', false, 'com.x.Order'), 'orders-com.x.Order');
    assert.throws(() => subjectName('RecordNameStrategy', 'orders', false, undefined), /needs a named schema/);
  });
});

describe('Schema evolution (seed 004: faxNumber -> email)', () => {
  const fax = fixture('contact-v1-fax.avsc');
  const email = fixture('contact-v2-email.avsc');
  const faxRecord = encodeAvroJson(fax, { name: 'Old User', faxNumber: { string: '+1 555 0100' } });
  const emailRecord = encodeAvroJson(email, { name: 'New User', email: { string: 'new@example.com' } });
  const read = (writer: AvroSchema, bytes: Buffer, reader: AvroSchema) => avroValueToJson(reader, decodeAvro(writer, bytes, reader));

  it('the fax-number reader reads both: old records keep their fax number, new ones get null', () => {
    assert.deepEqual(read(fax, faxRecord, fax), { name: 'Old User', faxNumber: { string: '+1 555 0100' } });
    assert.deepEqual(read(email, emailRecord, fax), { name: 'New User', faxNumber: null });
  });

  it('the email reader reads both: old records get a null email and lose the fax number, new ones keep the email', () => {
    assert.deepEqual(read(fax, faxRecord, email), { name: 'Old User', email: null });
    assert.deepEqual(read(email, emailRecord, email), { name: 'New User', email: { string: 'new@example.com' } });
  });

  it('through deserializeAvro with a reader schema, as the consume viewer will call it', async () => {
    const r = await deserializeAvro(faxRecord, { writerSchema: fax, readerSchema: email });
    assert.ok(r.ok);
    assert.deepEqual(r.json, { name: 'Old User', email: null });
  });

  it('an incompatible reader is reported with the reason, naming the field without a default', async () => {
    const phone = fixture('contact-v3-incompatible.avsc');
    assert.throws(() => decodeAvro(fax, faxRecord, phone), (err: unknown) => {
      assert.ok(err instanceof SchemaEvolutionError);
      assert.match(err.message, /field "phone" of com\.example\.crm\.Contact is not in the writer schema and has no default/);
      return true;
    });
    const r = await deserializeAvro(faxRecord, { writerSchema: fax, readerSchema: phone });
    assert.ok(!r.ok && r.kind === 'schema-evolution');
    const intReader = parseAvroSchema('{"type":"record","name":"Contact","namespace":"com.example.crm","fields":[{"name":"name","type":"int"}]}');
    assert.throws(() => decodeAvro(fax, faxRecord, intReader), /"string" cannot be read as "int"|cannot be read as/);
  });
});

describe('Bytes that are not Avro', () => {
  const fax = fixture('contact-v1-fax.avsc');

  it('JSON text read as Avro fails with a clear reason and the first bytes, and the viewer gets ok: false', async () => {
    const json = Buffer.from('{"name":"Ada","faxNumber":null}');
    assert.throws(() => decodeAvro(fax, json), (err: unknown) => {
      assert.ok(err instanceof AvroDecodeError);
      assert.match(err.message, /^Not Avro written with "com\.example\.crm\.Contact": (the data ends before the value does|bytes are left over after the value|.+) \(31 bytes starting 7b226e616d65223a\)/);
      return true;
    });
    const r = await deserializeAvro(json, { writerSchema: fax });
    assert.ok(!r.ok);
    assert.equal(r.kind, 'not-avro');
  });

  it('a truncated record and one with trailing bytes are told apart', () => {
    const good = encodeAvroJson(fax, { name: 'Ada', faxNumber: { string: '12345' } });
    assert.throws(() => decodeAvro(fax, good.subarray(0, good.length - 2)), /the data ends before the value does/);
    assert.throws(() => decodeAvro(fax, Buffer.concat([good, Buffer.from([1, 2])])), /bytes are left over after the value/);
  });

  it('without a writer schema or registry, the viewer is told what to configure', async () => {
    const r = await deserializeAvro(Buffer.from('hello'), {});
    assert.ok(!r.ok && r.kind === 'no-schema' && /choose an \.avsc/.test(r.error));
  });
});
