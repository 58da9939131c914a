// Avro keys and values in the Consume from Offset viewer, in the real extension host: records encoded by
// fastavro (an independent implementation) in the Confluent wire format with schemas registered in a
// real registry, and as raw Avro, read through the command's handle (the viewer's own pipeline).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import type { TailRecord } from '../../src/core/consume/tailRecord';
import type { ConsumeCommandOptions } from '../../src/host/consume/consumeCommand';
import type { ConsumeRequest, ConsumeViewerHandle } from '../../src/host/consume/consumeViewer';
import { produceChoiceFor } from '../../src/host/consume/avroConsume';
import type { ProduceCommandResult } from '../../src/host/produce/produceRunner';
import { kcatKeys } from '../support/produceTools';
import { fastavroDecode, fastavroEncode } from '../fixtures/avro/fastavro';
import { createTopic, deleteTopic, produce, uniqueTopic } from '../support/consumeFixtures';
import { findRepoRoot } from '../support/repoRoot';
import { freePort, schemaRegistry } from '../support/schemaRegistry';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const CONNECTION = 'it-consume-avro';
const DOWN = 'it-consume-avro-registry-down';
const fixture = (name: string) => join(findRepoRoot(), 'test', 'fixtures', 'avro', name);
const schemaText = (name: string) => readFileSync(fixture(name), 'utf8');
const V1 = 'contact-v1-fax.avsc';
const V2 = 'contact-v2-email.avsc';

/** The value the viewer shows, parsed back (it pretty-prints the JSON form: unions as {"branch": v}). */
function shown(r: TailRecord): unknown {
  assert.equal(r.valueError, undefined, `offset ${r.offset} decoded without error (got: ${r.valueError})`);
  return JSON.parse(r.value!);
}

describe('Consume Avro values in the real extension host', function () {
  this.timeout(300_000);
  let broker: BrokerInfo;
  let direct: SchemaRegistryClient;
  const topics: string[] = [];
  const handles: ConsumeViewerHandle[] = [];

  async function consume(connectionName: string, topic: string, count: number, extra: Partial<ConsumeCommandOptions> = {}): Promise<TailRecord[]> {
    const handle = await vscode.commands.executeCommand<ConsumeViewerHandle | undefined>('kafkaWorkbench.consumeFromOffset', {
      connectionName,
      topic,
      start: { kind: 'earliest' },
      valueFormat: 'avro',
      ...extra,
    });
    assert.ok(handle, 'consumeFromOffset returns a handle');
    handles.push(handle);
    await handle.waitForReceived(count, 30_000);
    const records = handle.records();
    assert.equal(handle.stats().received, count, 'every record counted');
    assert.equal(records.length, count, 'no record dropped');
    return records;
  }

  async function topicWith(values: Buffer[], keys: Buffer[] = []): Promise<string> {
    const topic = uniqueTopic('it-consume-avro');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, 1);
    await produce(broker.bootstrap, topic, values.map((value, i) => ({ value, key: keys[i] ?? null })));
    return topic;
  }

  /** The key the viewer shows, parsed back. */
  function shownKey(r: TailRecord): unknown {
    assert.equal(r.keyError, undefined, `offset ${r.offset}: key decoded without error (got: ${r.keyError})`);
    return JSON.parse(r.key!);
  }

  /** Registers the fixture under a fresh subject; returns its id. One at a time: Apicurio's in-memory store times out on concurrent writes. */
  async function register(name: string): Promise<number> {
    return direct.register(uniqueTopic(`it-consume-avro-${name.replace('.avsc', '')}`), schemaText(name));
  }

  const fax = { name: 'Ada', faxNumber: { string: '+1 555 0100' } };
  const KEY = 'order-key.avsc';
  const email = { name: 'Grace', email: { string: 'grace@example.com' } };

  before(async () => {
    const [b, registry] = await Promise.all([testBroker(), schemaRegistry()]);
    broker = b;
    direct = new SchemaRegistryClient({ url: registry.url, timeoutMs: 15_000 });
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: CONNECTION, bootstrapServers: [broker.bootstrap], schemaRegistry: { url: registry.url } });
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', {
      name: DOWN,
      bootstrapServers: [broker.bootstrap],
      schemaRegistry: { url: `http://127.0.0.1:${await freePort()}` },
    });
  });

  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  after(async () => {
    direct?.dispose();
    for (const t of topics) await deleteTopic(broker.bootstrap, t);
    for (const c of [CONNECTION, DOWN]) await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', c, { confirmed: true });
  });

  it('wire-format records encoded by fastavro are decoded with the writer schema fetched from the registry by id; a non-Avro record and an unknown schema id among them are shown raw with the reason, in order, not dropped', async () => {
    const v1 = await register(V1);
    const v2 = await register(V2);
    const topic = await topicWith([
      await fastavroEncode(JSON.parse(schemaText(V1)), fax, { schemaId: v1 }),
      Buffer.from('plain text, not Avro'),
      await fastavroEncode(JSON.parse(schemaText(V2)), email, { schemaId: v2 }),
      await fastavroEncode(JSON.parse(schemaText(V1)), fax, { schemaId: 987_654 }),
      await fastavroEncode(JSON.parse(schemaText(V1)), { name: 'Linus', faxNumber: null }, { schemaId: v1 }),
    ]);
    const records = await consume(CONNECTION, topic, 5);
    assert.deepEqual(records.map((r) => r.offset), ['0', '1', '2', '3', '4']);
    assert.deepEqual(shown(records[0]), fax);
    assert.deepEqual(shown(records[2]), email);
    assert.deepEqual(shown(records[4]), { name: 'Linus', faxNumber: null });
    assert.equal(records[1].value, Buffer.from('plain text, not Avro').toString('hex'), 'the non-Avro record is shown as hex');
    assert.match(records[1].valueError ?? '', /^Avro: No writer schema/);
    assert.match(records[3].valueError ?? '', /^Avro: .*987654/, 'the unknown id is named');
  });

  it('raw Avro encoded by fastavro is decoded with a workspace .avsc as the writer schema', async () => {
    const topic = await topicWith([await fastavroEncode(JSON.parse(schemaText(V1)), fax), await fastavroEncode(JSON.parse(schemaText(V1)), { name: 'Linus', faxNumber: null })]);
    const records = await consume(CONNECTION, topic, 2, { avro: { writerSchemaFile: fixture(V1) } });
    assert.deepEqual(records.map(shown), [fax, { name: 'Linus', faxNumber: null }]);
  });

  it('seed 004: records written with the faxNumber schema and with the email schema are read with either reader schema (removed fields disappear, added ones take their default); an incompatible reader gives the reason', async () => {
    const v1 = await register(V1);
    const v2 = await register(V2);
    const topic = await topicWith([
      await fastavroEncode(JSON.parse(schemaText(V1)), fax, { schemaId: v1 }),
      await fastavroEncode(JSON.parse(schemaText(V2)), email, { schemaId: v2 }),
    ]);
    const asEmail = await consume(CONNECTION, topic, 2, { avro: { readerSchemaFile: fixture(V2) } });
    assert.deepEqual(asEmail.map(shown), [{ name: 'Ada', email: null }, email]);
    const asFax = await consume(CONNECTION, topic, 2, { avro: { readerSchemaFile: fixture(V1) } });
    assert.deepEqual(asFax.map(shown), [fax, { name: 'Grace', faxNumber: null }]);
    const incompatible = await consume(CONNECTION, topic, 2, { avro: { readerSchemaFile: fixture('contact-v3-incompatible.avsc') } });
    for (const r of incompatible) assert.match(r.valueError ?? '', /^Avro: .*phone/, `the reason names the field without a default (got: ${r.valueError})`);
  });

  it('Avro keys: wire-format keys encoded by fastavro are decoded through the registry and raw ones with a workspace .avsc; a non-Avro key read as Avro is shown raw with the reason, its value still decoded', async () => {
    const keyId = await register(KEY);
    const keySchema = JSON.parse(schemaText(KEY)) as unknown;
    const v1 = await register(V1);
    const value = await fastavroEncode(JSON.parse(schemaText(V1)), fax, { schemaId: v1 });
    const wireTopic = await topicWith(
      [value, value, value],
      [await fastavroEncode(keySchema, { id: 'k0', region: 1 }, { schemaId: keyId }), Buffer.from('plain key'), await fastavroEncode(keySchema, { id: 'k2', region: 3 }, { schemaId: keyId })],
    );
    const wire = await consume(CONNECTION, wireTopic, 3, { keyFormat: 'avro' });
    assert.deepEqual(shownKey(wire[0]), { id: 'k0', region: 1 });
    assert.deepEqual(shownKey(wire[2]), { id: 'k2', region: 3 });
    assert.equal(wire[1].key, Buffer.from('plain key').toString('hex'), 'the non-Avro key is shown as hex');
    assert.match(wire[1].keyError ?? '', /^Avro: No writer schema/);
    assert.deepEqual(wire.map(shown), [fax, fax, fax], 'the values decode whatever the keys');

    const rawTopic = await topicWith([Buffer.from('v0')], [await fastavroEncode(keySchema, { id: 'raw', region: 9 })]);
    const raw = await consume(CONNECTION, rawTopic, 1, { keyFormat: 'avro', keyAvro: { writerSchemaFile: fixture(KEY) }, valueFormat: 'string' });
    assert.deepEqual(shownKey(raw[0]), { id: 'raw', region: 9 });
    assert.equal(raw[0].value, 'v0');
  });

  it('"Produce similar" of records read as Avro: the shown key and value, produced with the viewer\'s schema sources, are the same records again for fastavro', async () => {
    const keyId = await register(KEY);
    const keySchema = JSON.parse(schemaText(KEY)) as unknown;
    const topic = await topicWith([await fastavroEncode(JSON.parse(schemaText(V1)), fax)], [await fastavroEncode(keySchema, { id: 'k0', region: 1 }, { schemaId: keyId })]);
    await direct.register(`${topic}-key`, schemaText(KEY));
    const options = { connectionName: CONNECTION, topic, start: { kind: 'earliest' }, keyFormat: 'avro', valueFormat: 'avro', avro: { writerSchemaFile: fixture(V1) }, capacity: 10 } as const;
    const [record] = await consume(CONNECTION, topic, 1, options);
    const request = { ...options, isolation: 'read_committed' } as ConsumeRequest;
    const keyAvro = produceChoiceFor(request, 'key');
    const valueAvro = produceChoiceFor(request, 'value');
    assert.deepEqual(keyAvro, { subject: `${topic}-key`, encoding: 'confluent' }, 'wire-format keys go back through the registry subject');
    assert.deepEqual(valueAvro, { schemaFile: fixture(V1), encoding: 'raw' }, 'raw values go back raw with the same writer file');
    const sent = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', {
      connectionName: CONNECTION,
      send: true,
      topic,
      keyFormat: 'avro',
      key: record.key,
      keyAvro,
      valueFormat: 'avro',
      value: record.value,
      avro: valueAvro,
    });
    assert.equal(sent?.ok, true, JSON.stringify(sent));
    const again = await consume(CONNECTION, topic, 2, options);
    assert.deepEqual(shownKey(again[1]), { id: 'k0', region: 1 });
    assert.deepEqual(shown(again[1]), fax);
    const keys = await kcatKeys(broker.bootstrap, topic);
    assert.deepEqual((await fastavroDecode(keys[1], { wire: true, registry: direct.url })).value, { id: 'k0', region: 1 });
  });

  it('a registry that is down: wire-format records are shown raw with the registry failure, and every record is counted', async () => {
    const topic = await topicWith([await fastavroEncode(JSON.parse(schemaText(V1)), fax, { schemaId: 1 }), await fastavroEncode(JSON.parse(schemaText(V1)), fax, { schemaId: 1 })]);
    const records = await consume(DOWN, topic, 2);
    for (const r of records) {
      assert.match(r.value ?? '', /^[0-9a-f]+$/);
      assert.match(r.valueError ?? '', /^Avro: Schema Registry at .* is not reachable: nothing is listening there/, `the registry failure is the reason (got: ${r.valueError})`);
    }
  });
});
