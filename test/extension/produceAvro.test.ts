// Avro values through "Kafka: Produce Message" with send: true, in the real extension host: raw
// Avro and the Confluent wire format to the real broker, read back by kcat and decoded by fastavro
// (an independent implementation, fetching the schema from the registry itself for the wire format).
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SchemaRegistryClient, SchemaRegistryError } from '../../src/core/avro/registry';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import type { ProduceCommandResult, ProduceCommandSpec } from '../../src/host/produce/produceRunner';
import { formValuesFor } from '../../src/host/produce/produceForm';
import { fastavroDecode } from '../fixtures/avro/fastavro';
import { kcatKeys, kcatValues } from '../support/produceTools';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { plainClient } from '../support/plainClient';

const CONNECTION = 'it-produce-avro';
const fixture = (name: string) => join(findRepoRoot(), 'test', 'fixtures', 'avro', name);
const schemaJson = (name: string): unknown => JSON.parse(readFileSync(fixture(name), 'utf8'));

async function produceCmd(spec: Omit<ProduceCommandSpec, 'connectionName' | 'send'>): Promise<ProduceCommandResult> {
  const result = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, send: true, ...spec });
  assert.ok(result, 'produceMessage returns a result');
  return result;
}

// An order in the JSON form the form takes: a uuid and a template index, a union as {"string": ...},
// a decimal as text, a timestamp as ISO-8601.
const ORDER_TEMPLATE = JSON.stringify({
  id: '00000000-0000-0000-0000-00000000000{{i}}',
  placedAt: '2026-01-02T03:04:05.678Z',
  deliveryDate: '2026-01-09',
  total: '12.34',
  discount: null,
  status: 'PAID',
  quantity: '__I__',
  weightKg: 1.5,
  tags: ['gift'],
  attributes: { shelf: 7 },
  checksum: 'ab',
  customer: { name: 'Ada', address: { street: 'Main St', zip: 12345 } },
  note: { string: 'order {{i}}' },
}).replace('"__I__"', '{{i}}');

/** What fastavro decodes record i to (unions unwrapped, as fastavro returns them). */
function expectedOrder(i: number): unknown {
  return {
    id: `00000000-0000-0000-0000-00000000000${i}`,
    placedAt: '2026-01-02T03:04:05.678Z',
    deliveryDate: '2026-01-09',
    total: '12.34',
    discount: null,
    status: 'PAID',
    quantity: i,
    weightKg: 1.5,
    tags: ['gift'],
    attributes: { shelf: 7 },
    checksum: 'ab',
    customer: { name: 'Ada', address: { street: 'Main St', zip: 12345 } },
    note: `order ${i}`,
  };
}

describe('Produce Avro values through the command in the real extension host', function () {
  this.timeout(300_000);
  let broker: BrokerInfo;
  let admin: KafkaClient;
  let registryUrl: string;
  let direct: SchemaRegistryClient;
  const topics: string[] = [];

  async function newTopic(): Promise<string> {
    const name = `it-avro-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: name, partitions: 1, replicationFactor: 1 }, 1);
    topics.push(name);
    return name;
  }

  before(async () => {
    const [b, registry] = await Promise.all([testBroker(), schemaRegistry()]);
    broker = b;
    registryUrl = registry.url;
    direct = new SchemaRegistryClient({ url: registryUrl, timeoutMs: 15_000 });
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: CONNECTION, bootstrapServers: [broker.bootstrap], schemaRegistry: { url: registryUrl } });
    admin = await plainClient(broker.bootstrap, 'it-produce-avro-admin', 15_000);
  });

  after(async () => {
    direct?.dispose();
    await admin?.withAdmin('delete', (a) => a.deleteTopics({ topics })).catch(() => undefined);
    await admin?.close();
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', CONNECTION, { confirmed: true });
  });

  it('raw Avro from a workspace .avsc with {{i}} templates: each record encoded on its own, and fastavro decodes them to the same values', async () => {
    const topic = await newTopic();
    const result = await produceCmd({ topic, valueFormat: 'avro', value: ORDER_TEMPLATE, count: 3, avro: { schemaFile: fixture('order.avsc') } });
    assert.equal(result.ok, true, JSON.stringify(result));
    if (!result.ok) return;
    assert.equal(result.delivered, 3);
    const values = await kcatValues(broker.bootstrap, topic);
    assert.equal(values.length, 3);
    for (const [i, bytes] of values.entries()) {
      const decoded = await fastavroDecode(bytes, { schema: schemaJson('order.avsc') });
      assert.deepEqual(decoded.value, expectedOrder(i));
    }
  });

  it('Confluent wire format: the schema is registered under <topic>-value, and fastavro, fetching it from the registry by the record\'s id, decodes the value', async () => {
    const topic = await newTopic();
    const result = await produceCmd({ topic, valueFormat: 'avro', value: ORDER_TEMPLATE, count: 2, avro: { schemaFile: fixture('order.avsc'), encoding: 'confluent' } });
    assert.equal(result.ok, true, JSON.stringify(result));
    const registered = await direct.getVersion(`${topic}-value`, 'latest');
    const values = await kcatValues(broker.bootstrap, topic);
    assert.equal(values.length, 2);
    for (const [i, bytes] of values.entries()) {
      assert.equal(bytes[0], 0, 'magic byte');
      const decoded = await fastavroDecode(bytes, { wire: true, registry: registryUrl });
      assert.equal(decoded.schemaId, registered.id);
      assert.deepEqual(decoded.value, expectedOrder(i));
    }
  });

  it('wire format with a registry subject as the schema source uses that version\'s id, and RecordNameStrategy registers under the record\'s full name', async () => {
    const source = await newTopic();
    const subject = `${source}-value`;
    const id = await direct.register(subject, readFileSync(fixture('contact-v1-fax.avsc'), 'utf8'));
    const topic = await newTopic();
    const bySubject = await produceCmd({ topic, valueFormat: 'avro', value: '{"name": "Ada", "faxNumber": {"string": "+1 555"}}', avro: { subject, encoding: 'confluent' } });
    assert.equal(bySubject.ok, true, JSON.stringify(bySubject));
    const [bytes] = await kcatValues(broker.bootstrap, topic);
    const decoded = await fastavroDecode(bytes, { wire: true, registry: registryUrl });
    assert.equal(decoded.schemaId, id);
    assert.deepEqual(decoded.value, { name: 'Ada', faxNumber: '+1 555' });

    // A record name of its own so the subject is fresh for this run.
    const renamed = readFileSync(fixture('contact-v1-fax.avsc'), 'utf8').replace('"Contact"', `"Contact${randomUUID().slice(0, 8)}"`);
    const file = join(mkdtempSync(join(tmpdir(), 'kw-produce-avro-')), 'contact.avsc');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(renamed));
    const fullName = `com.example.crm.${/"(Contact\w+)"/.exec(renamed)?.[1]}`;
    const byRecord = await produceCmd({ topic, valueFormat: 'avro', value: '{"name": "Bo"}', avro: { schemaFile: file, encoding: 'confluent', strategy: 'RecordNameStrategy' } });
    assert.equal(byRecord.ok, true, JSON.stringify(byRecord));
    const version = await direct.getVersion(fullName, 'latest');
    const second = (await kcatValues(broker.bootstrap, topic))[1];
    assert.equal(second.readUInt32BE(1), version.id);
  });

  it('an Avro key and an Avro value in the wire format: the key schema is registered under <topic>-key, the value schema under <topic>-value, and fastavro decodes both from the registry', async () => {
    const topic = await newTopic();
    const result = await produceCmd({
      topic,
      keyFormat: 'avro',
      key: '{"id": "order-{{i}}", "region": {{i}}}',
      keyAvro: { schemaFile: fixture('order-key.avsc'), encoding: 'confluent' },
      valueFormat: 'avro',
      value: ORDER_TEMPLATE,
      avro: { schemaFile: fixture('order.avsc'), encoding: 'confluent' },
      count: 2,
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    const keySubject = await direct.getVersion(`${topic}-key`, 'latest');
    const valueSubject = await direct.getVersion(`${topic}-value`, 'latest');
    assert.match(keySubject.schema, /OrderKey/, 'the key subject holds the key schema');
    const [keys, values] = await Promise.all([kcatKeys(broker.bootstrap, topic), kcatValues(broker.bootstrap, topic)]);
    assert.equal(keys.length, 2);
    for (const [i, bytes] of keys.entries()) {
      assert.equal(bytes[0], 0, 'magic byte of the key');
      const key = await fastavroDecode(bytes, { wire: true, registry: registryUrl });
      assert.equal(key.schemaId, keySubject.id);
      assert.deepEqual(key.value, { id: `order-${i}`, region: i });
      const value = await fastavroDecode(values[i], { wire: true, registry: registryUrl });
      assert.equal(value.schemaId, valueSubject.id);
      assert.deepEqual(value.value, expectedOrder(i));
    }
  });

  it('a raw Avro key with a string value: fastavro decodes the key with the .avsc; a key that does not match its schema is refused as the key, and nothing is sent', async () => {
    const topic = await newTopic();
    const ok = await produceCmd({ topic, keyFormat: 'avro', key: '{"id": "k1", "region": 7}', keyAvro: { schemaFile: fixture('order-key.avsc') }, value: 'plain' });
    assert.equal(ok.ok, true, JSON.stringify(ok));
    const [key] = await kcatKeys(broker.bootstrap, topic);
    assert.deepEqual((await fastavroDecode(key, { schema: schemaJson('order-key.avsc') })).value, { id: 'k1', region: 7 });
    assert.deepEqual((await kcatValues(broker.bootstrap, topic)).map(String), ['plain']);

    const other = await newTopic();
    const bad = await produceCmd({ topic: other, keyFormat: 'avro', key: '{"id": "k1", "region": "north"}', keyAvro: { schemaFile: fixture('order-key.avsc'), encoding: 'confluent' }, value: 'plain' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.message, /the key is not valid for the Avro schema .*OrderKey: region: expected int, found "north"/);
    assert.deepEqual(await kcatValues(broker.bootstrap, other), []);
    assert.ok(!(await direct.listSubjects()).includes(`${other}-key`), 'no key schema was registered for a refused key');
  });

  it('"Produce similar" with Avro key and value pre-fills the form with Avro and the same schema sources', () => {
    const values = formValuesFor(
      {
        connectionName: CONNECTION,
        topic: 't',
        key: '{"id": "k1", "region": 7}',
        value: '{"name": "Ada"}',
        keyAvro: { schemaFile: 'schemas/key.avsc', encoding: 'raw' },
        valueAvro: { subject: 't-value', encoding: 'confluent' },
      },
      CONNECTION,
    );
    assert.equal(values.keyFormat, 'avro');
    assert.equal(values.keyAvroSource, 'file');
    assert.equal(values.keyAvroSchemaFile, 'schemas/key.avsc');
    assert.equal(values.keyAvroEncoding, 'raw');
    assert.equal(values.valueFormat, 'avro');
    assert.equal(values.avroSource, 'registry');
    assert.equal(values.avroSubject, 't-value');
    assert.equal(values.avroEncoding, 'confluent');
  });

  it('a value that does not match the schema is refused with the field path, the expected type and the value found; nothing is sent or registered', async () => {
    const topic = await newTopic();
    const bad = ORDER_TEMPLATE.replace('"zip":12345', '"zip":"12a"');
    assert.notEqual(bad, ORDER_TEMPLATE);
    const result = await produceCmd({ topic, valueFormat: 'avro', value: bad, avro: { schemaFile: fixture('order.avsc'), encoding: 'confluent' } });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.message, /customer\.address\.zip: expected int, found "12a"/);
    assert.match(result.message, /line 1, column \d+/);
    assert.deepEqual(await kcatValues(broker.bootstrap, topic), []);
    assert.ok(!(await direct.listSubjects()).includes(`${topic}-value`), 'no schema was registered for a refused value');
  });

  it('a schema the registry refuses as incompatible (409) is reported in the registry\'s own words, and nothing is sent', async () => {
    const topic = await newTopic();
    const subject = `${topic}-value`;
    await direct.register(subject, readFileSync(fixture('contact-v1-fax.avsc'), 'utf8'));
    await direct.setCompatibility('BACKWARD', subject);
    const incompatible = readFileSync(fixture('contact-v3-incompatible.avsc'), 'utf8');
    let registryWords = '';
    try {
      await direct.register(subject, incompatible);
    } catch (e) {
      assert.ok(e instanceof SchemaRegistryError && e.failure === 'incompatible', String(e));
      registryWords = e.registryMessage ?? '';
    }
    assert.ok(registryWords, 'the registry refuses v3 with a message');
    const result = await produceCmd({ topic, valueFormat: 'avro', value: '{"name": "Ada", "phone": "+1 555"}', avro: { schemaFile: fixture('contact-v3-incompatible.avsc'), encoding: 'confluent' } });
    assert.equal(result.ok, false, JSON.stringify(result));
    if (result.ok) return;
    assert.match(result.message, new RegExp(`refused the schema for subject "${subject}" as incompatible`));
    assert.ok(result.message.includes(registryWords), `${result.message} quotes ${registryWords}`);
    assert.deepEqual(await kcatValues(broker.bootstrap, topic), []);
  });

  it('an invalid .avsc, and the wire format without a registry, are refused with what to fix', async () => {
    const topic = await newTopic();
    const invalid = await produceCmd({ topic, valueFormat: 'avro', value: '{}', avro: { schemaFile: fixture('invalid-unknown-type.avsc') } });
    assert.equal(invalid.ok, false);
    if (!invalid.ok) assert.match(invalid.message, /Invalid Avro schema in .*invalid-unknown-type\.avsc/);
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: `${CONNECTION}-noreg`, bootstrapServers: [broker.bootstrap] });
    try {
      const result = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', {
        connectionName: `${CONNECTION}-noreg`,
        send: true,
        topic,
        valueFormat: 'avro',
        value: '{"name": "Ada"}',
        avro: { schemaFile: fixture('contact-v1-fax.avsc'), encoding: 'confluent' },
      });
      assert.equal(result?.ok, false);
      if (result && !result.ok) assert.match(result.message, /needs a Schema Registry/);
    } finally {
      await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', `${CONNECTION}-noreg`, { confirmed: true });
    }
    assert.deepEqual(await kcatValues(broker.bootstrap, topic), []);
  });
});
