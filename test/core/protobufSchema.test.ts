// Protobuf schemas and values without a registry: parse errors at line and column, missing
// imports and types, the message-index table in protoc's order, the wire format's index array,
// and the canonical JSON mapping of well-known types.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectFormat } from '../../src/core/avro/detectFormat';
import { decodeProtoToJson, encodeProtoJson } from '../../src/core/protobuf/json';
import { messageIndexTable } from '../../src/core/protobuf/messageIndexes';
import { messageType, parseProtoSchema, ProtoSchemaError, typeAtIndexes } from '../../src/core/protobuf/schema';
import { encodeMessageIndexes, encodeProtobufWireFormat, parseProtobufWireFormat } from '../../src/core/protobuf/wire';
import { findRepoRoot } from '../support/repoRoot';

const dir = path.join(findRepoRoot(), 'test', 'fixtures', 'protobuf');

describe('Protobuf schemas, wire format and JSON mapping (no registry)', () => {
  it('a .proto that does not parse names the file, line and column; a missing import and an unknown type say what to do', () => {
    assert.throws(
      () => parseProtoSchema('broken.proto', readFileSync(path.join(dir, 'broken.proto'), 'utf8')),
      (e: ProtoSchemaError) => e instanceof ProtoSchemaError && e.line === 5 && e.column === 3 && /broken\.proto: illegal token 'int32'/.test(e.message),
    );
    assert.throws(() => parseProtoSchema('m.proto', 'syntax = "proto3";\nimport "nope.proto";\nmessage A {}'), /import "nope.proto" was not found\. Put it in the workspace/);
    assert.throws(() => parseProtoSchema('m.proto', 'syntax = "proto3";\nmessage A { Missing b = 1; }'), /no such Type or Enum 'Missing'/);
  });

  it('message indexes count nested messages and map entries in source order, as protoc does; [0] is the single byte 0', () => {
    const table = messageIndexTable('message A { map<string, int32> m_x = 1; message B { message C {} } } // message Z {}\nmessage D { oneof o { string s = 1; } message E {} }');
    assert.deepEqual(Object.fromEntries(table), { A: [0], 'A.MXEntry': [0, 0], 'A.B': [0, 1], 'A.B.C': [0, 1, 0], D: [1], 'D.E': [1, 0] });
    assert.deepEqual([...encodeMessageIndexes([0])], [0]);
    assert.deepEqual([...encodeMessageIndexes([1, 1])], [4, 2, 2]);
    const wire = encodeProtobufWireFormat(300, [2, 0, 70], Buffer.from([8, 1]));
    assert.deepEqual(parseProtobufWireFormat(wire), { schemaId: 300, indexes: [2, 0, 70], body: Buffer.from([8, 1]) });
    assert.throws(() => parseProtobufWireFormat(Buffer.from([0, 0, 0, 0, 1, 6, 2])), /cut short/);
    const schema = parseProtoSchema('acme/order.proto', readFileSync(path.join(dir, 'acme', 'order.proto'), 'utf8'), (imp) => readFileSync(path.join(dir, imp), 'utf8'));
    assert.equal(typeAtIndexes(schema, [1, 1]).fullName, '.acme.orders.Order.Line');
    assert.throws(() => typeAtIndexes(schema, [1, 0]), /map entry/);
    assert.throws(() => typeAtIndexes(schema, [7]), /out of range/);
  });

  it('well-known types in their JSON forms both ways (Timestamp, Duration, wrappers, Struct, FieldMask)', () => {
    const schema = parseProtoSchema(
      'w.proto',
      `syntax = "proto3";
import "google/protobuf/timestamp.proto"; import "google/protobuf/duration.proto"; import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto"; import "google/protobuf/field_mask.proto";
message W { google.protobuf.Timestamp t = 1; google.protobuf.Duration d = 2; google.protobuf.Int64Value big = 3;
  google.protobuf.StringValue s = 4; google.protobuf.Struct meta = 5; google.protobuf.FieldMask mask = 6; bytes raw = 7; uint64 u = 8; }`,
    );
    const w = messageType(schema, 'W');
    const json = { t: '2024-02-29T23:59:59.123456Z', d: '-1.500s', big: '9007199254740993', s: '', meta: { a: [1, 'x', null, { b: true }] }, mask: 'orderId,total.units', raw: 'AAEC/w==', u: '18446744073709551615' };
    const back = decodeProtoToJson(w, encodeProtoJson(w, json));
    assert.deepEqual(back, { ...json, d: '-1.500s' });
    assert.throws(() => encodeProtoJson(w, { t: 'yesterday', u: -1, raw: '%%' }), /t: expected a Timestamp.*u: -1 is out of range for uint64.*raw: expected bytes as base64/);
  });

  it('detectFormat without a registry: JSON, text, binary, null, and a wire-format header it cannot resolve', async () => {
    assert.deepEqual(await detectFormat(Buffer.from('{"a": 1}')), { kind: 'json' });
    assert.deepEqual(await detectFormat(Buffer.from('hello\tworld')), { kind: 'text' });
    assert.deepEqual(await detectFormat(Buffer.from([0x0a, 0x01, 0x61])), { kind: 'binary' });
    assert.deepEqual(await detectFormat(null), { kind: 'null' });
    const wire = await detectFormat(encodeProtobufWireFormat(42, [0], Buffer.from([8, 1])));
    assert.equal(wire.kind === 'wire-unknown' && wire.schemaId, 42);
  });
});
