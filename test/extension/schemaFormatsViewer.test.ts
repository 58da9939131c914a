// The viewer's Auto-detect with all three registry formats, in the real extension host with the
// real broker and Apicurio registry: one topic holding a Protobuf wire-format record, a JSON Schema
// one, and a JSON Schema one that breaks its schema (shown raw beside its reason, never dropped);
// then export and import keep those records byte for byte; and `.kafka` files produce and consume
// with protobuf(file.proto:Message) and json-schema(subject:name).
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import * as vscode from 'vscode';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import { encodeJsonSchemaWireFormat } from '../../src/core/jsonschema/serde';
import { parseRecordFile } from '../../src/core/produce/recordFile';
import type { ConsumeViewerHandle } from '../../src/host/consume/consumeViewer';
import type { ProduceCommandResult } from '../../src/host/produce/produceRunner';
import { createTopic, deleteTopic, produce, rawKafka, uniqueTopic } from '../support/consumeFixtures';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const CONNECTION = 'it-schema-formats-viewer';
const fixtures = join(findRepoRoot(), 'test', 'fixtures');
const ORDER = { orderId: 'o-9', lines: [{ sku: 'A', qty: 2 }], status: 'SHIPPED' };
const SCHEMA = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] };

/** Every value of the topic as bytes, in offset order (one partition). */
async function valuesOf(bootstrap: string, topic: string, count: number): Promise<Buffer[]> {
  const consumer = rawKafka(bootstrap).consumer({ groupId: `it-bytes-${topic}` });
  const out: Buffer[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          out.push(message.value ?? Buffer.alloc(0));
          if (out.length >= count) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

describe('Viewer Auto-detect: Avro, Protobuf and JSON Schema by schema id (real extension host)', function () {
  this.timeout(180_000);
  let broker: BrokerInfo;
  let direct: SchemaRegistryClient;
  const topics: string[] = [];
  const handles: ConsumeViewerHandle[] = [];

  before(async () => {
    const [b, registry] = await Promise.all([testBroker(), schemaRegistry()]);
    broker = b;
    direct = new SchemaRegistryClient({ url: registry.url, timeoutMs: 15_000 });
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: CONNECTION, bootstrapServers: [broker.bootstrap], schemaRegistry: { url: registry.url } });
  });
  after(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    direct?.dispose();
    for (const t of topics) await deleteTopic(broker.bootstrap, t);
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', CONNECTION, { confirmed: true });
  });

  it('decodes Protobuf and JSON Schema records by the registry type of their id, shows a violation beside its record, and export/import keep the bytes', async () => {
    const topic = uniqueTopic('it-auto-formats');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, 1);
    const protobuf = { schemaFile: join(fixtures, 'protobuf', 'acme', 'order.proto'), messageType: 'acme.orders.Order', encoding: 'confluent' as const };
    const sent = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic, send: true, valueFormat: 'protobuf', protobuf, value: JSON.stringify(ORDER) });
    assert.equal(sent.ok, true, 'ok' in sent && !sent.ok ? sent.message : '');
    // A JSON Schema under another subject of the same topic (another producer's), valid and not.
    const jsonId = await direct.register(`${topic}-events`, JSON.stringify(SCHEMA), 'JSON');
    await produce(broker.bootstrap, topic, [{ value: encodeJsonSchemaWireFormat(jsonId, '{"id":5}') }, { value: encodeJsonSchemaWireFormat(jsonId, '{"id":0}') }]);

    const view = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic, start: { kind: 'earliest' }, valueFormat: 'auto' });
    handles.push(view);
    await view.waitForReceived(3, 30_000);
    const [pb, good, bad] = view.records();
    assert.equal(pb.valueError, undefined);
    assert.deepEqual(JSON.parse(pb.value!), ORDER);
    assert.equal(good.valueError, undefined);
    assert.deepEqual(JSON.parse(good.value!), { id: 5 });
    assert.match(bad.valueError ?? '', new RegExp(`schema id ${jsonId} \\(JSON Schema\\): violates its schema.*/id: must be >= 1`));
    assert.equal(bad.value, encodeJsonSchemaWireFormat(jsonId, '{"id":0}').toString('hex'), 'the record is kept, shown as its bytes');

    // Export writes the exact bytes; a record file sends them again as they are.
    const dir = mkdtempSync(join(tmpdir(), 'kw-auto-export-'));
    try {
      const file = join(dir, 'out.jsonl');
      assert.equal(await view.exportJsonLines(file), 3);
      const original = await valuesOf(broker.bootstrap, topic, 3);
      const copy = uniqueTopic('it-auto-formats-copy');
      topics.push(copy);
      await createTopic(broker.bootstrap, copy, 1);
      const records = parseRecordFile(readFileSync(file, 'utf8'));
      const imported = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic: copy, send: true, records });
      assert.equal(imported.ok, true, 'ok' in imported && !imported.ok ? imported.message : '');
      assert.deepEqual(await valuesOf(broker.bootstrap, copy, 3), original);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('schema ids in record headers (Apicurio contentId): Avro and JSON Schema bodies without the prefix decode; a globalId header and a violation are reasons beside their records', async () => {
    const topic = uniqueTopic('it-header-ids');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, 1);
    const avroSchema = { type: 'record', name: 'Ping', namespace: 'it.headers', fields: [{ name: 'n', type: 'int' }] };
    const avroId = await direct.register(`${topic}-avro`, JSON.stringify(avroSchema));
    const jsonId = await direct.register(`${topic}-json`, JSON.stringify(SCHEMA), 'JSON');
    const long = (n: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt(n));
      return b;
    };
    await produce(broker.bootstrap, topic, [
      { value: avro.Type.forSchema(avroSchema as avro.Schema).toBuffer({ n: 42 }), headers: { 'apicurio.value.contentId': long(avroId) } },
      { value: Buffer.from('{"id":8}'), headers: { 'apicurio.value.contentId': long(jsonId) } },
      { value: Buffer.from('{"id":-1}'), headers: { 'apicurio.value.contentId': long(jsonId) } },
      { value: Buffer.from('{"id":9}'), headers: { 'apicurio.value.globalId': long(77) } },
    ]);
    const view = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic, start: { kind: 'earliest' }, valueFormat: 'auto' });
    handles.push(view);
    await view.waitForReceived(4, 30_000);
    const [a, j, bad, global] = view.records();
    assert.equal(a.valueError, undefined);
    assert.deepEqual(JSON.parse(a.value!), { n: 42 });
    assert.deepEqual(JSON.parse(j.value!), { id: 8 });
    assert.match(bad.valueError ?? '', new RegExp(`schema id ${jsonId} from header apicurio\\.value\\.contentId \\(JSON Schema\\): violates its schema.*/id: must be >= 1`));
    assert.equal(bad.value, Buffer.from('{"id":-1}').toString('hex'), 'shown as its own bytes, without the prefix');
    assert.match(global.valueError ?? '', /apicurio\.value\.globalId names Apicurio global id 77/);
  });

  it('.kafka files: protobuf(/file.proto:Message) and json-schema(subject:name) produce, and a CONSUMER reads them back decoded', async () => {
    const topic = uniqueTopic('it-kfile-schemas');
    topics.push(topic);
    await createTopic(broker.bootstrap, topic, 1);
    await direct.register(`${topic}-json`, JSON.stringify(SCHEMA), 'JSON');
    const dir = mkdtempSync(join(tmpdir(), 'kw-kfile-schemas-'));
    try {
      cpSync(join(fixtures, 'protobuf', 'acme'), join(dir, 'acme'), { recursive: true });
      const file = join(dir, 'schemas.kafka');
      const text = [
        'PRODUCER orders',
        `topic: ${topic}`,
        'value-format: protobuf(/acme/order.proto:acme.orders.Order)',
        '{"orderId": "k-{{i}}", "status": "PLACED"}',
        '###',
        'PRODUCER events',
        `topic: ${topic}`,
        `value-format: json-schema(subject:${topic}-json)`,
        '{"id": 3}',
        '###',
        `CONSUMER kfile-${topic}`,
        `topic: ${topic}`,
        'from: earliest',
        'value-format: protobuf(/acme/order.proto:acme.orders.Order)',
      ].join('\n');
      writeFileSync(file, text);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('kafkaWorkbench.kafkaFile.selectConnection', doc.uri, CONNECTION);
      const lenses = async (line: number, title: RegExp) => {
        const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
        const found = all.find((l) => l.range.start.line === line && l.command && title.test(l.command.title));
        assert.ok(found, `a lens ${title} on line ${line}: ${all.map((l) => `${l.range.start.line}:${l.command?.title}`).join(' | ')}`);
        return vscode.commands.executeCommand<unknown>(found.command!.command, ...(found.command!.arguments ?? []));
      };
      const orders = (await lenses(0, /Produce record$/)) as ProduceCommandResult;
      assert.equal(orders.ok, true, JSON.stringify(orders).slice(0, 400));
      const events = (await lenses(5, /Produce record$/)) as ProduceCommandResult;
      assert.equal(events.ok, true, JSON.stringify(events).slice(0, 400));
      const handle = (await lenses(10, /Start consumer/)) as ConsumeViewerHandle;
      handles.push(handle);
      await handle.waitForReceived(2, 30_000);
      const [order, event] = handle.records();
      assert.deepEqual(JSON.parse(order.value!), { orderId: 'k-0', status: 'PLACED' });
      // The JSON Schema record is wire format of another type: the Protobuf reader says so, beside it.
      assert.match(event.valueError ?? '', /JSON/);
      const bytes = await valuesOf(broker.bootstrap, topic, 2);
      assert.equal(bytes[1][0], 0, 'json-schema(subject:…) writes the wire format');
      assert.deepEqual(JSON.parse(bytes[1].subarray(5).toString('utf8')), { id: 3 });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
