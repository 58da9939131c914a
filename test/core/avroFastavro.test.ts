// Our Avro against an implementation nobody in this project wrote: Python's fastavro decodes what we
// encode (raw and wire format) and we decode what fastavro encodes, for every type in order.avsc.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Type, types } from 'avsc';
import { decodeAvro, encodeAvroJson, encodeConfluentWireFormat } from '../../src/core/avro/codec';
import { avroValueToJson } from '../../src/core/avro/json';
import { parseAvroSchema } from '../../src/core/avro/schema';
import { deserializeAvro } from '../../src/core/avro/serde';
import { fastavroDecode, fastavroEncode, fastavroPython } from '../fixtures/avro/fastavro';
import { findRepoRoot } from '../support/repoRoot';

const fixtures = path.join(findRepoRoot(), 'test', 'fixtures', 'avro');
const schemaText = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

const ORDER_JSON = {
  id: '123e4567-e89b-12d3-a456-426614174000',
  placedAt: '2024-05-01T12:30:45.123Z',
  deliveryDate: '2024-05-03',
  total: '-12345678.90',
  discount: { 'com.example.shop.Money': '1.500' },
  status: 'PAID',
  quantity: -3,
  weightKg: 1.25,
  tags: ['gift', 'fragile'],
  attributes: { priority: 2, lane: -7000000000 },
  checksum: '\u0000\u00ff\u0010A',
  customer: { name: 'Ada Lovelace ✓', address: { street: '1 Main St', zip: 12345 } },
  note: { 'com.example.shop.Customer': { name: 'Bob', address: { street: 'x', zip: 1 } } },
};

/** Our JSON with union wrappers removed, the shape fastavro returns. */
function unwrapUnions(type: Type, json: unknown): unknown {
  if (type.typeName === 'union:wrapped') {
    if (json === null) return null;
    const [key, inner] = Object.entries(json as Record<string, unknown>)[0];
    return unwrapUnions((type as types.WrappedUnionType).types.find((t) => t.branchName === key)!, inner);
  }
  if (type.typeName === 'record') {
    const out: Record<string, unknown> = {};
    for (const f of (type as types.RecordType).fields) out[f.name] = unwrapUnions(f.type, (json as Record<string, unknown>)[f.name]);
    return out;
  }
  if (type.typeName === 'array') return (json as unknown[]).map((v) => unwrapUnions((type as types.ArrayType).itemsType, v));
  if (type.typeName === 'map') {
    return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, unwrapUnions((type as types.MapType).valuesType as Type, v)]));
  }
  return json;
}

describe('Avro cross-check with Python fastavro', function () {
  this.timeout(600_000);
  const order = parseAvroSchema(schemaText('order.avsc'));
  const orderSchema = JSON.parse(schemaText('order.avsc')) as unknown;

  before(async () => {
    await fastavroPython();
  });

  it('fastavro decodes our raw Avro of an order with every type and logical type to the same values', async () => {
    const bytes = encodeAvroJson(order, ORDER_JSON);
    const { value } = await fastavroDecode(bytes, { schema: orderSchema });
    assert.deepEqual(value, unwrapUnions(order.type, ORDER_JSON));
  });

  it('fastavro reads the schema id and body of our Confluent wire format', async () => {
    const wire = encodeConfluentWireFormat(4242, encodeAvroJson(order, ORDER_JSON));
    const { value, schemaId } = await fastavroDecode(wire, { schema: orderSchema, wire: true });
    assert.equal(schemaId, 4242);
    assert.deepEqual(value, unwrapUnions(order.type, ORDER_JSON));
  });

  it('we decode fastavro\'s raw Avro to the JSON we would have typed, byte for byte the same encoding', async () => {
    const bytes = await fastavroEncode(orderSchema, ORDER_JSON);
    assert.deepEqual(avroValueToJson(order, decodeAvro(order, bytes)), ORDER_JSON);
    assert.equal(bytes.toString('hex'), encodeAvroJson(order, ORDER_JSON).toString('hex'));
  });

  it('we detect and decode fastavro\'s wire format, and read fastavro\'s fax-number records with the email reader', async () => {
    const fax = JSON.parse(schemaText('contact-v1-fax.avsc')) as unknown;
    const bytes = await fastavroEncode(fax, { name: 'Old User', faxNumber: { string: '+1 555' } }, { schemaId: 9 });
    const writer = parseAvroSchema(schemaText('contact-v1-fax.avsc'));
    const reader = parseAvroSchema(schemaText('contact-v2-email.avsc'));
    const r = await deserializeAvro(bytes, { writerSchema: writer, readerSchema: reader });
    assert.ok(r.ok, !r.ok ? r.error : '');
    assert.equal(r.format, 'confluent');
    assert.equal(r.schemaId, 9);
    assert.deepEqual(r.json, { name: 'Old User', email: null });
  });

  it('decimals at the edges (zero, ±one unit, byte boundaries) read the same both ways', async () => {
    // Not compared byte for byte: fastavro writes -1.28 as ff80 where Java's BigInteger (and we)
    // write the minimal 80; both are valid two's complement and both sides read either.
    for (const total of ['0.00', '0.01', '-0.01', '1.27', '1.28', '-1.28', '-1.29', '327.67', '327.68', '99999999.99', '-99999999.99']) {
      const json = { ...ORDER_JSON, total, discount: null };
      const theirs = await fastavroEncode(orderSchema, json);
      assert.equal((avroValueToJson(order, decodeAvro(order, theirs)) as { total: string }).total, total, `we read fastavro's ${total}`);
      const { value } = await fastavroDecode(encodeAvroJson(order, json), { schema: orderSchema });
      assert.equal((value as { total: string }).total, total, `fastavro reads our ${total}`);
    }
  });
});
