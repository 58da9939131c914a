// The consume viewer's Avro deserializer against the real test registry: its asynchronous step
// fetches the schemas a batch names before the batch is decoded synchronously.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeAvroJson, encodeConfluentWireFormat } from '../../src/core/avro/codec';
import { SchemaRegistryClient, type RegistrySchema } from '../../src/core/avro/registry';
import { parseAvroSchema } from '../../src/core/avro/schema';
import { avroDeserializer } from '../../src/core/consume/avroDeserializer';
import { decodeText } from '../../src/core/consume/deserializers';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';

const fixtureText = (name: string) => readFileSync(path.join(findRepoRoot(), 'test', 'fixtures', 'avro', name), 'utf8');

/** The real client, counting the ids it is asked for. */
class CountingRegistry extends SchemaRegistryClient {
  readonly asked: number[] = [];
  override getSchemaById(id: number): Promise<RegistrySchema> {
    this.asked.push(id);
    return super.getSchemaById(id);
  }
}

describe('Consume: Avro deserializer (registry lookups before a batch is decoded)', function () {
  this.timeout(600_000);
  let url: string;

  before(async () => {
    url = (await schemaRegistry()).url;
  });

  it('fetches each schema id a batch names once, decodes after the step, and asks again next batch for an id that was missing (a miss is not remembered)', async () => {
    const registry = new CountingRegistry({ url, timeoutMs: 15_000 });
    try {
      const schema = parseAvroSchema(fixtureText('contact-v1-fax.avsc'));
      const id = await registry.register(`core-consume-avro-${randomUUID().slice(0, 8)}`, schema.text);
      const record = encodeConfluentWireFormat(id, encodeAvroJson(schema, { name: 'Ada', faxNumber: { string: '+1' } }));
      const unknown = encodeConfluentWireFormat(987_655, encodeAvroJson(schema, { name: 'Ada', faxNumber: null }));
      const avro = avroDeserializer({ registry });
      registry.asked.length = 0;

      await avro.prepare!([record, record, null, unknown]);
      assert.deepEqual(registry.asked.sort(), [id, 987_655].sort());
      assert.deepEqual(JSON.parse(avro.decode(record)), { name: 'Ada', faxNumber: { string: '+1' } });
      const missing = decodeText(unknown, avro);
      assert.ok(missing !== null && typeof missing !== 'string');
      assert.equal(missing.hex, unknown.toString('hex'));
      assert.match(missing.error, /^Avro: .*987655/);

      registry.asked.length = 0;
      await avro.prepare!([record, unknown]);
      assert.deepEqual(registry.asked, [987_655], 'the found schema is kept; the missing one is asked again');
      assert.equal(avro.prepare!([record, Buffer.from('not avro')]), undefined, 'nothing to fetch: no asynchronous step');
    } finally {
      registry.dispose();
    }
  });
});
