// The Schema Registry client and wire-format serde against a real Confluent-compatible registry
// (Apicurio Registry in memory, started by scripts/registry/registry.sh), with fastavro fetching
// the schema on its own to decode what we produced.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfluentWireFormat } from '../../src/core/avro/codec';
import { SchemaRegistryClient, SchemaRegistryError } from '../../src/core/avro/registry';
import { parseAvroSchema } from '../../src/core/avro/schema';
import { deserializeAvro, serializeAvro } from '../../src/core/avro/serde';
import { fastavroDecode, fastavroEncode, fastavroPython } from '../fixtures/avro/fastavro';
import { findRepoRoot } from '../support/repoRoot';
import { freePort, schemaRegistry } from '../support/schemaRegistry';

const fixtures = path.join(findRepoRoot(), 'test', 'fixtures', 'avro');
const schemaText = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

describe('Schema Registry (real Apicurio Registry, Confluent API)', function () {
  this.timeout(900_000);
  let registry: SchemaRegistryClient;
  let url: string;
  const topic = `contacts-${randomUUID().slice(0, 8)}`;
  const fax = parseAvroSchema(schemaText('contact-v1-fax.avsc'));
  const email = parseAvroSchema(schemaText('contact-v2-email.avsc'));
  const incompatible = parseAvroSchema(schemaText('contact-v3-incompatible.avsc'));

  before(async () => {
    url = (await schemaRegistry()).url;
    registry = new SchemaRegistryClient({ url, timeoutMs: 15_000 });
  });
  after(() => registry?.dispose());

  it('registers a schema under <topic>-value, gets it back by id, lists the subject and its version', async () => {
    const subject = `${topic}-value`;
    const id = await registry.register(subject, fax.text);
    assert.equal(await registry.register(subject, fax.text), id, 'registering the same schema again returns the same id');
    const byId = await registry.getSchemaById(id);
    assert.deepEqual(JSON.parse(byId.schema).fields, JSON.parse(fax.text).fields);
    assert.ok((await registry.listSubjects()).includes(subject));
    assert.deepEqual(await registry.listVersions(subject), [1]);
    const latest = await registry.getVersion(subject);
    assert.equal(latest.id, id);
    assert.equal(latest.version, 1);
    const found = await registry.lookup(subject, fax.text);
    assert.equal(found?.id, id);
    assert.equal(await registry.lookup(subject, email.text), undefined);
  });

  it('a compatible new version passes the check and registers; an incompatible one is refused with the registry\'s reason', async () => {
    const subject = `${topic}-evolving`;
    await registry.register(subject, fax.text);
    await registry.setCompatibility('BACKWARD', subject);
    assert.equal(await registry.getCompatibility(subject), 'BACKWARD');
    assert.equal((await registry.checkCompatibility(subject, email.text)).compatible, true);
    await registry.register(subject, email.text);
    assert.deepEqual(await registry.listVersions(subject), [1, 2]);
    const check = await registry.checkCompatibility(subject, incompatible.text);
    assert.equal(check.compatible, false);
    await assert.rejects(registry.register(subject, incompatible.text), (err: unknown) => {
      assert.ok(err instanceof SchemaRegistryError);
      assert.equal(err.failure, 'incompatible');
      assert.equal(err.status, 409);
      assert.match(err.message, new RegExp(`refused the schema for subject "${subject}" as incompatible`));
      assert.ok(err.registryMessage && err.message.includes(err.registryMessage), 'the registry\'s own words are quoted');
      return true;
    });
  });

  it('an unknown schema id is a clear 404 naming the id, and the consume side reports it instead of throwing', async () => {
    await assert.rejects(registry.getSchemaById(987654), (err: unknown) => {
      assert.ok(err instanceof SchemaRegistryError);
      assert.equal(err.failure, 'not-found');
      assert.match(err.message, /^Schema id 987654 is not in the Schema Registry at .*: .*\(HTTP 404, error code 40403\)/);
      return true;
    });
    const r = await deserializeAvro(Buffer.from([0, 0, 0x0f, 0x12, 0x06, 2, 0x41]), { registry });
    assert.ok(!r.ok && r.kind === 'registry' && /Schema id 987654 is not in the Schema Registry/.test(r.error));
  });

  it('a registry that is down gives "not reachable ... connection refused", not a stack trace', async () => {
    const down = new SchemaRegistryClient({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 5_000 });
    await assert.rejects(down.listSubjects(), (err: unknown) => {
      assert.ok(err instanceof SchemaRegistryError);
      assert.equal(err.failure, 'unreachable');
      assert.match(err.message, /is not reachable: nothing is listening there \(connection refused\)/);
      return true;
    });
    down.dispose();
  });

  it('produce in wire format registers the schema; fastavro, fetching the schema by id itself, decodes the record', async () => {
    await fastavroPython();
    const json = { name: 'New User', email: { string: 'new@example.com' } };
    const produced = await serializeAvro({ schema: email, json, format: 'confluent', registry, topic });
    assert.equal(produced.subject, `${topic}-value`);
    assert.equal(parseConfluentWireFormat(produced.bytes)?.schemaId, produced.schemaId);
    const { value, schemaId } = await fastavroDecode(produced.bytes, { wire: true, registry: url });
    assert.equal(schemaId, produced.schemaId);
    assert.deepEqual(value, { name: 'New User', email: 'new@example.com' });
  });

  it('consume detects fastavro\'s wire-format records by registry id and reads them with either reader schema', async () => {
    const faxId = await registry.register(`${topic}-fax-records`, fax.text);
    const emailId = await registry.register(`${topic}-email-records`, email.text);
    const faxBytes = await fastavroEncode(JSON.parse(fax.text), { name: 'Old User', faxNumber: { string: '+1 555' } }, { schemaId: faxId });
    const emailBytes = await fastavroEncode(JSON.parse(email.text), { name: 'New User', email: { string: 'n@x.io' } }, { schemaId: emailId });
    const asWritten = await deserializeAvro(faxBytes, { registry });
    assert.ok(asWritten.ok && asWritten.format === 'confluent' && asWritten.schemaId === faxId);
    assert.deepEqual(asWritten.json, { name: 'Old User', faxNumber: { string: '+1 555' } });
    const cases: [Buffer, typeof fax, unknown][] = [
      [faxBytes, email, { name: 'Old User', email: null }],
      [emailBytes, fax, { name: 'New User', faxNumber: null }],
      [emailBytes, email, { name: 'New User', email: { string: 'n@x.io' } }],
    ];
    for (const [bytes, reader, expected] of cases) {
      const r = await deserializeAvro(bytes, { registry, readerSchema: reader });
      assert.ok(r.ok, !r.ok ? r.error : '');
      assert.deepEqual(r.json, expected);
    }
  });

  it('produce with record-name strategies uses the record\'s full name as the subject', async () => {
    const r1 = await serializeAvro({ schema: fax, json: { name: 'A' }, format: 'confluent', registry, topic, strategy: 'TopicRecordNameStrategy' });
    assert.equal(r1.subject, `${topic}-com.example.crm.Contact`);
    const r2 = await serializeAvro({ schema: fax, json: { name: 'A' }, format: 'confluent', registry, topic, strategy: 'RecordNameStrategy', autoRegister: false }).catch((e: Error) => e);
    // RecordNameStrategy's subject is shared across topics: only look it up here, it is not registered.
    assert.ok(r2 instanceof SchemaRegistryError && /not registered under subject "com\.example\.crm\.Contact"/.test(r2.message));
  });
});
