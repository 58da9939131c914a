// The produce path's Avro serializer (the synchronous seam) and the wire format's schema id, against
// the real registry; encoded bytes are read back by fastavro, an independent implementation.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SchemaRegistryClient, SchemaRegistryError } from '../../src/core/avro/registry';
import { parseAvroSchema } from '../../src/core/avro/schema';
import { resolveWireSchemaId } from '../../src/core/produce/avroSerializer';
import { availableFormats, SerializationError, serializerFor } from '../../src/core/produce/serializers';
import { fastavroDecode } from '../fixtures/avro/fastavro';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';

const fixtures = path.join(findRepoRoot(), 'test', 'fixtures', 'avro');
const schemaText = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

describe('Avro serializer for produce', function () {
  this.timeout(600_000);

  it('registers the avro format; raw bytes without a schema id, the wire format with one, both read by fastavro', async () => {
    assert.ok(availableFormats().includes('avro'));
    const text = schemaText('contact-v1-fax.avsc');
    const value = '{"name": "Ada", "faxNumber": {"string": "+1 555"}}';
    const raw = serializerFor('avro', { schema: text }).serialize(value)!;
    assert.deepEqual((await fastavroDecode(raw, { schema: JSON.parse(text) })).value, { name: 'Ada', faxNumber: '+1 555' });
    const wire = serializerFor('avro', { schema: text, schemaId: 258 }).serialize(value)!;
    assert.deepEqual([...wire.subarray(0, 5)], [0, 0, 0, 1, 2]);
    assert.deepEqual(wire.subarray(5), raw);
  });

  it('a value that does not match names every field path, the expected type, the value found and where it is in the text', () => {
    const ser = serializerFor('avro', { schema: schemaText('contact-v1-fax.avsc') });
    assert.throws(
      () => ser.serialize('{\n  "name": 7,\n  "faxNumber": "+1 555"\n}'),
      (e: unknown) =>
        e instanceof SerializationError &&
        /^Not valid for the Avro schema com\.example\.crm\.Contact: 2 problems: /.test(e.message) &&
        /name: expected string, found 7 \(line 2, column 11\)/.test(e.message) &&
        /faxNumber: expected union \["null", "string"\] written as null or \{"string": \.\.\.\}, found "\+1 555" \(write it as \{"string": "\+1 555"\}\) \(line 3, column 16\)/.test(e.message),
    );
    assert.throws(() => ser.serialize('{"name": '), /Not valid for the Avro schema .*not valid JSON/);
  });

  it('without a schema, or with an invalid one, the serializer says what to fix', () => {
    assert.throws(() => serializerFor('avro', {}), /Avro needs a schema/);
    assert.throws(() => serializerFor('avro', { schema: schemaText('invalid-unknown-type.avsc') }), /Invalid Avro schema.*strng/);
  });

  it('the wire format id: registered under the strategy\'s subject, or only looked up, which names the subject when missing', async () => {
    const registry = new SchemaRegistryClient({ url: (await schemaRegistry()).url, timeoutMs: 15_000 });
    try {
      const topic = `core-avro-${randomUUID().slice(0, 8)}`;
      const schema = parseAvroSchema(schemaText('contact-v1-fax.avsc'));
      await assert.rejects(
        resolveWireSchemaId({ registry, schema, topic, autoRegister: false }),
        (e: unknown) => e instanceof SchemaRegistryError && e.message.includes(`not registered under subject "${topic}-value"`),
      );
      const registered = await resolveWireSchemaId({ registry, schema, topic, strategy: 'TopicRecordNameStrategy' });
      assert.equal(registered.subject, `${topic}-com.example.crm.Contact`);
      const found = await resolveWireSchemaId({ registry, schema, topic, strategy: 'TopicRecordNameStrategy', autoRegister: false });
      assert.deepEqual(found, { ...registered, registered: false });
    } finally {
      registry.dispose();
    }
  });
});
