// Protobuf and JSON Schema records against the real registry (Apicurio, Confluent API), checked
// both ways with Confluent's own Python serializers (confluent-kafka; .proto compiled by protoc
// from grpcio-tools): bytes we write decode with theirs, bytes they write decode with ours.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectFormat } from '../../src/core/avro/detectFormat';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import { parseAvroSchema } from '../../src/core/avro/schema';
import { deserializeAvro, serializeAvro } from '../../src/core/avro/serde';
import { avroDeserializer } from '../../src/core/consume/avroDeserializer';
import { decode } from '../../src/core/consume/deserializers';
import { jsonSchemaDeserializer } from '../../src/core/consume/jsonSchemaDeserializer';
import { protobufDeserializer } from '../../src/core/consume/protobufDeserializer';
import { compileJsonSchema } from '../../src/core/jsonschema/schema';
import { resolveJsonSchemaId } from '../../src/core/jsonschema/serde';
import { jsonSchemaSerializer } from '../../src/core/produce/jsonSchemaSerializer';
import { protobufSerializer } from '../../src/core/produce/protobufSerializer';
import { messageType, parseProtoSchema } from '../../src/core/protobuf/schema';
import { bundleOf, resolveProtoSchemaId } from '../../src/core/protobuf/serde';
import { parseProtobufWireFormat } from '../../src/core/protobuf/wire';
import { autoDeserializer } from '../../src/host/consume/autoFormat';
import { confluent, confluentPython } from '../fixtures/confluent/confluentPython';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';

const protoDir = path.join(findRepoRoot(), 'test', 'fixtures', 'protobuf');
const jsonDir = path.join(findRepoRoot(), 'test', 'fixtures', 'jsonschema');
const readProto = (imp: string) => {
  try {
    return readFileSync(path.join(protoDir, imp), 'utf8');
  } catch {
    return undefined;
  }
};
const orderSchema = () => parseProtoSchema('acme/order.proto', readProto('acme/order.proto')!, readProto);
const jsonBundle = (file: string) => ({ file, files: { [file]: readFileSync(path.join(jsonDir, file), 'utf8'), 'address.schema.json': readFileSync(path.join(jsonDir, 'address.schema.json'), 'utf8') } });

/** A nested message, a oneof, repeated and map fields, an enum, a Timestamp, an import, int64, proto3 optional. */
const ORDER = {
  orderId: 'o-1',
  total: { currency: 'EUR', units: '12345678901' },
  createdAt: '2024-05-01T12:00:00.250Z',
  // One entry: map order on the wire is unspecified, and the bodies are compared byte for byte.
  tags: { channel: 'web' },
  lines: [
    { sku: 'A-1', qty: 2 },
    { sku: 'B-2', qty: 1 },
  ],
  status: 'SHIPPED',
  iban: 'DE89370400440532013000',
  discount: 0,
};

describe("Protobuf and JSON Schema, cross-checked with Confluent's serializers (real registry)", function () {
  this.timeout(900_000);
  let registry: SchemaRegistryClient;
  let url: string;
  const run = randomUUID().slice(0, 8);

  before(async () => {
    // Both started at once: the venv (first run: pip from PyPI) and the registry.
    const [r] = await Promise.all([schemaRegistry(), confluentPython()]);
    url = r.url;
    registry = new SchemaRegistryClient({ url, timeoutMs: 15_000 });
  });
  after(() => registry?.dispose());

  it('Protobuf: our wire-format records (imports registered as references, message indexes) decode with ProtobufDeserializer, and theirs with ours', async () => {
    const schema = orderSchema();
    const order = messageType(schema, 'acme.orders.Order');
    const line = messageType(schema, 'acme.orders.Order.Line');
    const topic = `pb-ours-${run}`;
    const { schemaId, references } = await resolveProtoSchemaId({ registry, schema, type: order, topic });
    assert.deepEqual(references.map((r) => [r.name, r.subject]), [['acme/common.proto', 'acme/common.proto']]);
    const registered = await registry.getSchemaById(schemaId);
    assert.equal(registered.schemaType, 'PROTOBUF');
    assert.deepEqual(registered.references?.map((r) => r.name), ['acme/common.proto']);

    const bundle = JSON.stringify(bundleOf(schema, 'acme.orders.Order'));
    const ours = protobufSerializer({ schema: bundle, schemaId }).serialize(JSON.stringify(ORDER))!;
    const wire = parseProtobufWireFormat(ours)!;
    assert.equal(wire.schemaId, schemaId);
    assert.deepEqual(wire.indexes, [1], 'Order is the second message of the file');
    const lineBytes = protobufSerializer({ schema: JSON.stringify(bundleOf(schema, 'acme.orders.Order.Line')), schemaId }).serialize('{"sku":"Z","qty":7}')!;
    assert.deepEqual(parseProtobufWireFormat(lineBytes)!.indexes, [1, 1], 'Line comes after the map entry TagsEntry, as protoc numbers it');
    assert.equal(line.name, 'Line');

    const pyTopic = `pb-theirs-${run}`;
    const [theirOrder, theirLine, pyWritten] = await confluent(url, [
      { op: 'pb-deserialize', protoDir, file: 'acme/order.proto', message: 'acme.orders.Order', hex: ours.toString('hex'), topic },
      { op: 'pb-deserialize', protoDir, file: 'acme/order.proto', message: 'acme.orders.Order.Line', hex: lineBytes.toString('hex'), topic },
      { op: 'pb-serialize', protoDir, file: 'acme/order.proto', message: 'acme.orders.Order', json: ORDER, topic: pyTopic, refPrefix: `py-${run}/` },
    ]);
    assert.deepEqual(theirOrder.json, ORDER, theirOrder.fatal);
    assert.deepEqual(theirLine.json, { sku: 'Z', qty: 7 }, theirLine.fatal);

    // Theirs, decoded by ours: Python registered a base64 FileDescriptorProto with a reference.
    assert.ok(pyWritten.hex, pyWritten.fatal);
    const theirBytes = Buffer.from(pyWritten.hex, 'hex');
    const theirWire = parseProtobufWireFormat(theirBytes)!;
    assert.deepEqual(theirWire.indexes, [1]);
    assert.deepEqual(theirBytes.subarray(theirBytes.length - wire.body.length), wire.body, 'the same protobuf body byte for byte');
    const deser = protobufDeserializer({ registry });
    await deser.prepare?.([theirBytes, ours]);
    assert.deepEqual(JSON.parse(decode(theirBytes, deser)!.text), ORDER);
    assert.deepEqual(JSON.parse(decode(ours, deser)!.text), ORDER);
    assert.deepEqual(await detectFormat(theirBytes, registry), { kind: 'wire', schemaId: theirWire.schemaId, schemaType: 'PROTOBUF', deserializer: 'protobuf' });
  });

  it('Protobuf bad input: field-path errors before sending, an index out of range, another type\'s id, a raw record — each a reason, never dropped', async () => {
    const schema = orderSchema();
    const ser = protobufSerializer({ schema: JSON.stringify(bundleOf(schema, 'acme.orders.Order')) });
    assert.throws(() => ser.serialize('{"orderId": 5, "lines": [{"sku": "a", "qty": "x"}], "status": "LOST", "nope": 1}'), (e: Error) => {
      assert.match(e.message, /orderId: expected string, found 5/);
      assert.match(e.message, /lines\[0\]\.qty: expected int32/);
      assert.match(e.message, /status: expected one of STATUS_UNSPECIFIED, PLACED, SHIPPED/);
      assert.match(e.message, /has no field "nope"/);
      return true;
    });
    assert.throws(() => ser.serialize('{"cardToken": "t", "iban": "i"}'), /only one field of oneof "payment"/);
    assert.throws(() => ser.serialize('{"orderId": "a",}'), /line 1, column 17/);
    assert.throws(() => protobufSerializer({ schema: JSON.stringify({ ...bundleOf(schema, 'acme.orders.Nope') }) }), /no message type "acme.orders.Nope".*acme.orders.Audit, acme.orders.Order/);

    const { schemaId } = await resolveProtoSchemaId({ registry, schema, type: messageType(schema, 'acme.orders.Order'), topic: `pb-bad-${run}` });
    const deser = protobufDeserializer({ registry });
    const outOfRange = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from([2, 18]), Buffer.from('0a0161', 'hex')]);
    outOfRange.writeUInt32BE(schemaId, 1);
    const jsonId = await registry.register(`js-other-${run}`, '{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}', 'JSON');
    const otherType = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0]), Buffer.from('0a0161', 'hex')]);
    otherType.writeUInt32BE(jsonId, 1);
    const raw = Buffer.from(protobufSerializer({ schema: JSON.stringify(bundleOf(schema, 'acme.orders.Order')) }).serialize('{"orderId":"raw"}')!);
    await deser.prepare?.([outOfRange, otherType, raw]);
    const a = decode(outOfRange, deser)!;
    assert.equal(a.format, 'raw');
    assert.match(a.error!, /Message index \[9\] is out of range/);
    assert.equal(a.text, outOfRange.toString('hex'), 'the record is kept, shown as hex');
    assert.match(decode(otherType, deser)!.error!, /is a JSON Schema, not Protobuf/);
    assert.match(decode(raw, deser)!.error!, /no \.proto message was chosen|No Protobuf schema/);
    const local = protobufDeserializer({ local: { schema, type: messageType(schema, 'acme.orders.Order') } });
    assert.deepEqual(JSON.parse(decode(raw, local)!.text), { orderId: 'raw' });
  });

  it('JSON Schema with $ref: our records decode with JSONDeserializer, JSONSerializer\'s with ours; violations refused on produce and shown on consume', async () => {
    const schema = compileJsonSchema(jsonBundle('customer.schema.json'));
    const topic = `js-${run}`;
    const { schemaId, references } = await resolveJsonSchemaId({ registry, schema, topic });
    assert.deepEqual(references.map((r) => r.name), ['address.schema.json']);
    const customer = { id: 7, name: 'Ada', email: 'ada@example.com', address: { street: 'Main 1', zip: '12345' }, tags: ['vip'] };
    const ser = jsonSchemaSerializer({ schema: JSON.stringify(schema.bundle), schemaId });
    const ours = ser.serialize(JSON.stringify(customer))!;
    assert.throws(() => ser.serialize('{"id": 0, "name": "", "address": {"street": "x", "zip": "12"}, "extra": 1}'), (e: Error) => {
      assert.match(e.message, /\/id: must be >= 1/);
      assert.match(e.message, /\/address\/zip: must match pattern/);
      assert.match(e.message, /has a property "extra"/);
      return true;
    });
    const bad = Buffer.concat([ours.subarray(0, 5), Buffer.from('{"id":"seven","name":"Bo"}')]);
    const [theirs, theirRead, theirRefusal] = await confluent(url, [
      { op: 'json-serialize', json: customer, topic },
      { op: 'json-deserialize', hex: ours.toString('hex'), topic },
      { op: 'json-deserialize', hex: bad.toString('hex'), topic },
    ]);
    assert.ok(theirs.hex, theirs.fatal);
    assert.deepEqual(JSON.parse(Buffer.from(theirs.hex, 'hex').subarray(5).toString()), customer);
    assert.equal(Buffer.from(theirs.hex, 'hex').readUInt32BE(1), schemaId);
    assert.deepEqual(theirRead.json, customer, theirRead.fatal);
    assert.ok(theirRefusal.error, 'Confluent refuses the violating record too');

    const deser = jsonSchemaDeserializer({ registry });
    const theirBytes = Buffer.from(theirs.hex, 'hex');
    await deser.prepare?.([theirBytes, bad]);
    assert.deepEqual(JSON.parse(decode(theirBytes, deser)!.text), customer);
    const shown = decode(bad, deser)!;
    assert.match(shown.error!, /violates its schema \d+: \/id: must be integer/);
    assert.match(shown.error!, /"id":"seven"/, 'the value is shown with the violation');
    assert.equal((await detectFormat(theirBytes, registry)).kind, 'wire');
  });

  it("Avro beside them: our wire-format record decodes with Confluent's AvroDeserializer, its AvroSerializer's with ours", async () => {
    const schema = parseAvroSchema(readFileSync(path.join(findRepoRoot(), 'test', 'fixtures', 'avro', 'contact-v1-fax.avsc'), 'utf8'));
    const topic = `avro-${run}`;
    const value = { name: 'Ada', faxNumber: { string: '+1 555 0100' } };
    const ours = await serializeAvro({ schema, json: value, format: 'confluent', registry, topic });
    const [theirRead, theirs] = await confluent(url, [
      { op: 'avro-deserialize', hex: ours.bytes.toString('hex'), topic },
      { op: 'avro-serialize', value: { name: 'Grace', faxNumber: null }, topic },
    ]);
    assert.deepEqual(theirRead.json, { name: 'Ada', faxNumber: '+1 555 0100' }, theirRead.fatal);
    assert.ok(theirs.hex, theirs.fatal);
    const back = await deserializeAvro(Buffer.from(theirs.hex, 'hex'), { registry });
    assert.deepEqual(back.ok && back.json, { name: 'Grace', faxNumber: null });
    assert.equal(back.ok && back.schemaId, ours.schemaId);
  });

  it('Auto-detect (the one-click viewer) names what it found: Avro, Protobuf and JSON Schema by the registry type of the id, then JSON, UTF-8; binary is a reason', async () => {
    const avro = await serializeAvro({
      schema: parseAvroSchema(readFileSync(path.join(findRepoRoot(), 'test', 'fixtures', 'avro', 'contact-v1-fax.avsc'), 'utf8')),
      json: { name: 'Ada', faxNumber: null },
      format: 'confluent',
      registry,
      topic: `auto-avro-${run}`,
    });
    const proto = orderSchema();
    const { schemaId: protoId } = await resolveProtoSchemaId({ registry, schema: proto, type: messageType(proto, 'acme.orders.Order'), topic: `auto-pb-${run}` });
    const pb = protobufSerializer({ schema: JSON.stringify(bundleOf(proto, 'acme.orders.Order')), schemaId: protoId }).serialize(JSON.stringify(ORDER))!;
    const js = compileJsonSchema(jsonBundle('customer.schema.json'));
    const { schemaId: jsId } = await resolveJsonSchemaId({ registry, schema: js, topic: `auto-js-${run}` });
    const json = jsonSchemaSerializer({ schema: JSON.stringify(js.bundle), schemaId: jsId }).serialize(JSON.stringify({ id: 1, name: 'Ada', address: { street: 'Main 1', zip: '12345' } }))!;
    const auto = autoDeserializer({ registry, byFormat: { avro: avroDeserializer({ registry }), protobuf: protobufDeserializer({ registry }), jsonschema: jsonSchemaDeserializer({ registry }) } });
    const plainJson = Buffer.from('{"n": 9007199254740993}');
    const text = Buffer.from('hello');
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x01]);
    const batch = [avro.bytes, Buffer.from(pb), Buffer.from(json), plainJson, text, binary];
    await auto.prepare?.(batch);
    assert.deepEqual(batch.slice(0, 5).map((b) => auto.detect(b)), ['Avro', 'Protobuf', 'JSON Schema', 'JSON', 'UTF-8']);
    assert.equal(JSON.parse(decode(avro.bytes, auto)!.text).name, 'Ada');
    assert.equal(decode(plainJson, auto)!.text, '{"n": 9007199254740993}', 'JSON kept as written: the big integer exact');
    assert.throws(() => auto.detect(binary), /binary \(not UTF-8 text\)/);
  });

  it('JSON Schema 2020-12 (prefixItems) and a schema the meta-schema refuses', () => {
    const event = compileJsonSchema({ file: 'e.json', files: { 'e.json': readFileSync(path.join(jsonDir, 'event-2020.schema.json'), 'utf8') } });
    assert.equal(event.draft, '2020-12');
    assert.deepEqual(event.validate({ kind: 'click', at: '2024-05-01T12:00:00Z', path: ['a', 1] }), []);
    assert.match(JSON.stringify(event.validate({ kind: 'tap', at: 'yesterday', path: ['a', 'b', 3] })), /\/kind.*\/at.*must match format.*\/path/);
    assert.throws(() => compileJsonSchema({ file: 'i.json', files: { 'i.json': readFileSync(path.join(jsonDir, 'invalid.schema.json'), 'utf8') } }), /not a valid JSON Schema/);
    assert.throws(() => compileJsonSchema({ file: 'x.json', files: { 'x.json': '{\n  "type": "object",,\n}' } }), /line 2, column 20/);
  });
});
