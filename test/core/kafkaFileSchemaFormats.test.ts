// The `.kafka` file's Protobuf and JSON Schema formats, parsed like avro(...): a file (with the
// Protobuf message after its last colon), or a registry subject; mistakes named with the syntax.
import * as assert from 'node:assert/strict';
import { parseFormat } from '../../src/core/kafkaFile/definitions';

describe('.kafka files: protobuf(...) and json-schema(...) formats', () => {
  it('parses a .proto with or without its message, a subject, a file:/// URI, and JSON Schema files and subjects', () => {
    assert.deepEqual(parseFormat('protobuf(protos/order.proto:acme.orders.Order)', false), { kind: 'protobuf', schemaFile: 'protos/order.proto', messageType: 'acme.orders.Order' });
    assert.deepEqual(parseFormat('protobuf(/order.proto)', false), { kind: 'protobuf', schemaFile: '/order.proto' });
    assert.deepEqual(parseFormat('protobuf(file:///w/order.proto)', true), { kind: 'protobuf', schemaFile: 'file:///w/order.proto' });
    assert.deepEqual(parseFormat('protobuf(subject: orders-value)', false), { kind: 'protobuf', subject: 'orders-value' });
    assert.deepEqual(parseFormat('json-schema(schemas/customer.schema.json)', false), { kind: 'jsonschema', schemaFile: 'schemas/customer.schema.json' });
    assert.deepEqual(parseFormat('json-schema(subject:customers-value)', true), { kind: 'jsonschema', subject: 'customers-value' });
  });

  it('says what a schema format needs when it is empty, and lists the new formats for an unknown one', () => {
    assert.match(parseFormat('protobuf()', false) as string, /protobuf needs a schema: protobuf\(path\/to\/file\.proto:package\.Message\)/);
    assert.match(parseFormat('json-schema', false) as string, /json-schema needs a schema/);
    assert.match(parseFormat('thrift(x)', false) as string, /protobuf\(file\.proto:Message\).*json-schema\(subject:name\)/);
  });
});
