// Protobuf and JSON Schema through the commands scripts use, in the real extension host with the
// real broker and registry: produce (.proto with an import, wire format; JSON Schema with $ref),
// consume them back through the viewer's pipeline, refusals before sending, registering a .proto
// with its import as a reference, and the diff of two registered versions.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import type { ConsumeViewerHandle } from '../../src/host/consume/consumeViewer';
import type { ProduceCommandResult } from '../../src/host/produce/produceRunner';
import { confluent } from '../fixtures/confluent/confluentPython';
import { createTopic, deleteTopic, uniqueTopic } from '../support/consumeFixtures';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const CONNECTION = 'it-schema-formats';
const fixtures = join(findRepoRoot(), 'test', 'fixtures');
const ORDER = { orderId: 'o-7', total: { currency: 'USD', units: '995' }, createdAt: '2024-05-01T12:00:00Z', lines: [{ sku: 'A', qty: 3 }], status: 'PLACED', cardToken: 'tok' };
const CUSTOMER = { id: 1, name: 'Ada', address: { street: 'Main 1', zip: '12345' } };

describe('Protobuf and JSON Schema through the produce and consume commands (real extension host)', function () {
  this.timeout(300_000);
  let broker: BrokerInfo;
  let direct: SchemaRegistryClient;
  let registryUrl: string;
  const topics: string[] = [];
  const handles: ConsumeViewerHandle[] = [];

  before(async () => {
    const [b, registry] = await Promise.all([testBroker(), schemaRegistry()]);
    broker = b;
    registryUrl = registry.url;
    direct = new SchemaRegistryClient({ url: registry.url, timeoutMs: 15_000 });
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: CONNECTION, bootstrapServers: [broker.bootstrap], schemaRegistry: { url: registry.url } });
  });
  after(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
    direct?.dispose();
    for (const t of topics) await deleteTopic(broker.bootstrap, t);
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', CONNECTION, { confirmed: true });
  });

  async function topic(): Promise<string> {
    const t = uniqueTopic('it-schema-formats');
    topics.push(t);
    await createTopic(broker.bootstrap, t, 1);
    return t;
  }

  it('produces Protobuf (wire format, import registered as a reference) and JSON Schema records, refuses ones that do not match, and the viewer decodes them by the registry', async () => {
    const pbTopic = await topic();
    const protobuf = { schemaFile: join(fixtures, 'protobuf', 'acme', 'order.proto'), messageType: 'acme.orders.Order', encoding: 'confluent' as const };
    const sent = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic: pbTopic, send: true, valueFormat: 'protobuf', protobuf, value: JSON.stringify(ORDER) });
    assert.equal(sent.ok, true, 'ok' in sent && !sent.ok ? sent.message : '');
    const refused = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic: pbTopic, send: true, valueFormat: 'protobuf', protobuf, value: '{"orderId": 1, "lines": [{"qty": "many"}]}' });
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.message : '', /orderId: expected string.*lines\[0\]\.qty: expected int32/);
    const latest = await direct.getVersion(`${pbTopic}-value`);
    assert.equal(latest.schemaType, 'PROTOBUF');
    assert.deepEqual(latest.references?.map((r) => r.name), ['acme/common.proto']);

    const jsTopic = await topic();
    const jsonSchema = { schemaFile: join(fixtures, 'jsonschema', 'customer.schema.json'), encoding: 'confluent' as const };
    const jsSent = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic: jsTopic, send: true, valueFormat: 'jsonschema', jsonSchema, value: JSON.stringify(CUSTOMER) });
    assert.equal(jsSent.ok, true, 'ok' in jsSent && !jsSent.ok ? jsSent.message : '');
    const jsRefused = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic: jsTopic, send: true, valueFormat: 'jsonschema', jsonSchema, value: '{"id": 0, "name": "Bo", "address": {"street": "x", "zip": "1"}}' });
    assert.equal(jsRefused.ok, false);
    assert.match(!jsRefused.ok ? jsRefused.message : '', /\/id: must be >= 1.*\/address\/zip: must match pattern/);

    const pbView = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic: pbTopic, start: { kind: 'earliest' }, valueFormat: 'protobuf' });
    handles.push(pbView);
    await pbView.waitForReceived(1, 30_000);
    const [pbRecord] = pbView.records();
    assert.equal(pbRecord.valueError, undefined);
    assert.deepEqual(JSON.parse(pbRecord.value!), ORDER);

    // The same broker through Confluent's client: it reads our record and decodes it with its
    // ProtobufDeserializer; what its ProtobufSerializer writes through its Producer, our viewer decodes.
    const pyTopic = await topic();
    const proto = { protoDir: join(fixtures, 'protobuf'), file: 'acme/order.proto', message: 'acme.orders.Order' };
    const [read, theirs] = await confluent(registryUrl, [
      { op: 'consume', bootstrap: broker.bootstrap, topic: pbTopic, count: 1, ...proto },
      { op: 'pb-serialize', ...proto, json: ORDER, topic: pyTopic, refPrefix: `${pyTopic}/`, bootstrap: broker.bootstrap },
    ]);
    assert.deepEqual(read.decoded, [ORDER], read.fatal);
    assert.ok(theirs.hex, theirs.fatal);
    const pyView = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic: pyTopic, start: { kind: 'earliest' }, valueFormat: 'protobuf' });
    handles.push(pyView);
    await pyView.waitForReceived(1, 30_000);
    assert.deepEqual(JSON.parse(pyView.records()[0].value!), ORDER, pyView.records()[0].valueError);

    const jsView = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic: jsTopic, start: { kind: 'earliest' }, valueFormat: 'jsonschema' });
    handles.push(jsView);
    await jsView.waitForReceived(1, 30_000);
    assert.deepEqual(JSON.parse(jsView.records()[0].value!), CUSTOMER);
  });

  it('raw Protobuf is produced and read back with a workspace .proto and message', async () => {
    const t = await topic();
    const protobuf = { schemaFile: join(fixtures, 'protobuf', 'acme', 'order.proto'), messageType: 'acme.orders.Order' };
    const sent = await vscode.commands.executeCommand<ProduceCommandResult>('kafkaWorkbench.produceMessage', { connectionName: CONNECTION, topic: t, send: true, valueFormat: 'protobuf', protobuf, value: JSON.stringify(ORDER), count: 2 });
    assert.equal(sent.ok, true, 'ok' in sent && !sent.ok ? sent.message : '');
    const view = await vscode.commands.executeCommand<ConsumeViewerHandle>('kafkaWorkbench.consumeFromOffset', { connectionName: CONNECTION, topic: t, start: { kind: 'earliest' }, valueFormat: 'protobuf', protobuf });
    handles.push(view);
    await view.waitForReceived(2, 30_000);
    assert.deepEqual(view.records().map((r) => JSON.parse(r.value!)), [ORDER, ORDER]);
  });

  it('registers a .proto with its import as a reference (compatibility checked first), and opens two JSON Schema versions in the diff editor', async () => {
    const subject = uniqueTopic('it-proto-register');
    const r = await vscode.commands.executeCommand<{ subject: string; id: number }>('kafkaWorkbench.registerSchema', { connectionName: CONNECTION, subject, file: join(fixtures, 'protobuf', 'acme', 'order.proto') });
    assert.equal(r.subject, subject);
    assert.deepEqual((await direct.getSchemaById(r.id)).references?.map((x) => x.name), ['acme/common.proto']);

    const diffSubject = uniqueTopic('it-json-diff');
    const base = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'string' } } };
    await direct.register(diffSubject, JSON.stringify(base), 'JSON');
    await direct.register(diffSubject, JSON.stringify({ ...base, properties: { ...base.properties, b: { type: 'integer' } } }), 'JSON');
    const diff = await vscode.commands.executeCommand<{ left: string; right: string }>('kafkaWorkbench.diffSchemaVersions', { connectionName: CONNECTION, subject: diffSubject, left: 1, right: 2 });
    assert.match(diff.left, /v1\.json$/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    const right = await vscode.workspace.openTextDocument(vscode.Uri.parse(diff.right));
    assert.match(right.getText(), /"b"/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a .proto that does not parse gets a diagnostic at the line and column of the fault', async () => {
    const uri = vscode.Uri.file(join(fixtures, 'protobuf', 'broken.proto'));
    const diagnostics = new Promise<vscode.Diagnostic[]>((resolve) => {
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.toString() === uri.toString())) return;
        sub.dispose();
        resolve(vscode.languages.getDiagnostics(uri));
      });
    });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const [d] = await diagnostics;
    assert.equal(d.source, 'Protobuf');
    assert.match(d.message, /illegal token 'int32', ';' expected/);
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [4, 2, 7]);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
