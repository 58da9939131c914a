// Schema-format codec benchmark (a script, not a test): N records of the test Order message
// (nested message, import, Timestamp, map, repeated, enum, oneof) encoded from canonical JSON text
// and decoded back to JSON text by our Protobuf serializer/deserializer (what produce and the
// viewer run per record), beside protobufjs' own fromObject/encode and decode/toObject on the same
// message (no canonical JSON mapping, no checks): the cost of the mapping and the field-path
// checks. Then JSON Schema (ajv) validate+serialize and decode+validate per record.
// Usage: npm run bench:schemas [-- --records 200000]
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeText } from '../../src/core/consume/deserializers';
import { jsonSchemaDeserializer } from '../../src/core/consume/jsonSchemaDeserializer';
import { protobufDeserializer } from '../../src/core/consume/protobufDeserializer';
import { compileJsonSchema } from '../../src/core/jsonschema/schema';
import { jsonSchemaSerializer } from '../../src/core/produce/jsonSchemaSerializer';
import { protobufSerializer } from '../../src/core/produce/protobufSerializer';
import { messageType, parseProtoSchema } from '../../src/core/protobuf/schema';
import { bundleOf } from '../../src/core/protobuf/serde';
import { parseProtobufWireFormat } from '../../src/core/protobuf/wire';
import { findRepoRoot } from '../../test/support/repoRoot';
import { numberArg } from './args';

const N = numberArg('records', 200_000);
const fixtures = path.join(findRepoRoot(), 'test', 'fixtures');
const read = (imp: string) => readFileSync(path.join(fixtures, 'protobuf', imp), 'utf8');

const ORDER = {
  orderId: 'o-1',
  total: { currency: 'EUR', units: '12345678901' },
  createdAt: '2024-05-01T12:00:00.250Z',
  tags: { channel: 'web', campaign: 'spring' },
  lines: [
    { sku: 'A-1', qty: 2 },
    { sku: 'B-2', qty: 1 },
  ],
  status: 'SHIPPED',
  iban: 'DE89370400440532013000',
};
const CUSTOMER = { id: 7, name: 'Ada', email: 'ada@example.com', address: { street: 'Main 1', zip: '12345' }, tags: ['vip'] };

function time(name: string, fn: () => void): void {
  fn(); // warm up the JIT on one pass's worth of shapes
  const start = process.hrtime.bigint();
  for (let n = 0; n < N; n++) fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${name.padEnd(58)} ${Math.round((N / ms) * 1000).toLocaleString('en-US').padStart(12)} records/s`);
}

const schema = parseProtoSchema('acme/order.proto', read('acme/order.proto'), read);
const type = messageType(schema, 'acme.orders.Order');
const text = JSON.stringify(ORDER);
const ser = protobufSerializer({ schema: JSON.stringify(bundleOf(schema, 'acme.orders.Order')), schemaId: 1 });
const bytes = ser.serialize(text)!;
const body = parseProtobufWireFormat(bytes)!.body;
const deser = protobufDeserializer({ local: { schema, type } });
const plainObject = type.toObject(type.decode(body), { longs: String, enums: String });

console.log(`${N.toLocaleString('en-US')} records of the Order message (${bytes.length} bytes in the wire format), Node ${process.version}`);
time('Protobuf encode: ours (JSON text → checked → wire format)', () => ser.serialize(text));
time('Protobuf encode: protobufjs fromObject+encode (reference)', () => type.encode(type.fromObject(plainObject)).finish());
time('Protobuf decode: ours (wire format → canonical JSON text)', () => decodeText(bytes, deser));
time('Protobuf decode: protobufjs decode+toObject (reference)', () => type.toObject(type.decode(body), { longs: String, enums: String }));

const dir = path.join(fixtures, 'jsonschema');
const compiled = compileJsonSchema({ file: 'customer.schema.json', files: { 'customer.schema.json': readFileSync(path.join(dir, 'customer.schema.json'), 'utf8'), 'address.schema.json': readFileSync(path.join(dir, 'address.schema.json'), 'utf8') } });
const jsSer = jsonSchemaSerializer({ schema: JSON.stringify(compiled.bundle), schemaId: 1 });
const jsText = JSON.stringify(CUSTOMER);
const jsBytes = jsSer.serialize(jsText)!;
const jsDeser = jsonSchemaDeserializer({ local: compiled });
time('JSON Schema encode: ours (parse → validate → wire format)', () => jsSer.serialize(jsText));
time('JSON Schema encode: JSON.parse+stringify only (reference)', () => Buffer.from(JSON.stringify(JSON.parse(jsText))));
time('JSON Schema decode: ours (wire format → validated → pretty JSON)', () => decodeText(jsBytes, jsDeser));
