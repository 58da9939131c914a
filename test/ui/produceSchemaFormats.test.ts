// Protobuf and JSON Schema in the Produce Message form, clicked in the real workbench like Avro:
// a workspace .proto and its message chosen in the form, a problem named by field path as you type
// (with the squiggle on it), sent raw and decoded back from kcat's bytes; a JSON Schema from a
// registry subject of the real Apicurio registry, sent in the Confluent wire format with its id.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import { SchemaRegistryClient } from '../../src/core/avro/registry';
import { decodeProtoToJson } from '../../src/core/protobuf/json';
import { messageType, parseProtoSchema } from '../../src/core/protobuf/schema';
import { kcatValues } from '../support/produceTools';
import { findRepoRoot } from '../support/repoRoot';
import { schemaRegistry } from '../support/schemaRegistry';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { plainClient } from '../support/plainClient';
import { choose, inViewport, openForm, reportRow, setEditor, setField, viewerFrame } from './support/produceForm';
import { clickActivityBarItem, openWorkbench, pickQuickItem, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';

const FIXTURES = join(findRepoRoot(), 'test', 'fixtures');

describe('Produce Protobuf and JSON Schema values in the form (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  let admin: KafkaClient;
  let registry: SchemaRegistryClient;
  let workspace: string;
  const topics: string[] = [];

  async function newTopic(prefix: string): Promise<string> {
    const topic = `${prefix}-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 1, replicationFactor: 1 }, 1);
    topics.push(topic);
    return topic;
  }

  before(async () => {
    const [b, r] = await Promise.all([testBroker(), schemaRegistry()]);
    broker = b;
    registry = new SchemaRegistryClient({ url: r.url, timeoutMs: 15_000 });
    admin = await plainClient(broker.bootstrap, 'ui-produce-schema-formats-admin', 15_000);
    workspace = mkdtempSync(join(findRepoRoot(), '.cache', 'ui-workspace-schema-formats-'));
    // acme/order.proto imports "acme/common.proto": resolved from the workspace folder.
    cpSync(join(FIXTURES, 'protobuf', 'acme'), join(workspace, 'acme'), { recursive: true });
    mkdirSync(join(workspace, 'schemas'));
    wb = await openWorkbench({
      workspaceFolder: workspace,
      userSettings: { 'kafkaWorkbench.connections': [{ name: 'ui-produce-schemas', bootstrapServers: [broker.bootstrap], schemaRegistry: { url: r.url } }] },
    });
  });

  after(async () => {
    await wb?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    registry?.dispose();
    await admin?.withAdmin('delete', (a) => a.deleteTopics({ topics })).catch(() => undefined);
    await admin?.close();
  });

  it('Protobuf from a workspace .proto: the message chosen in the form, a wrong field named by path with its squiggle, sent raw and decoded back', async () => {
    const { page } = wb!;
    const topic = await newTopic('ui-proto');
    const form = await openForm(page);
    await setField(form, 'topic', topic);
    await choose(form, 'keyFormat', 'No key');
    await choose(form, 'valueFormat', 'Protobuf');
    assert.match(await form.locator('select#avroSource option:checked').innerText(), /\.proto file/);
    await form.locator('button#browseSchema').click();
    await pickQuickItem(page, 'acme/order.proto');
    const schemaField = form.locator('input#avroSchemaFile');
    for (let i = 0; i < 100 && (await schemaField.inputValue()) === ''; i++) await page.waitForTimeout(100);
    assert.equal(await schemaField.inputValue(), 'acme/order.proto');

    // Two messages in the file: the form asks which one, beside the message chooser.
    await form.locator('#avroMessageType-error', { hasText: 'declares acme.orders.Audit, acme.orders.Order' }).waitFor({ timeout: 20_000 });
    const messageInput = form.locator('input#avroMessageType');
    await messageInput.click();
    await messageInput.press('ArrowDown');
    await form.locator('#avroMessageType-list li[data-value="acme.orders.Order"]').click();
    assert.equal(await messageInput.inputValue(), 'acme.orders.Order');

    await setEditor(form, 'value', '{"orderId": "o-{{i}}", "lines": [{"sku": "A-1", "qty": "many"}], "status": "PLACED"}');
    await form.locator('#valueCheck', { hasText: 'lines[0].qty: expected int32' }).waitFor({ timeout: 20_000 });
    assert.match(await form.locator('#valueCheck').innerText(), /does not match acme\.orders\.Order \(acme\/order\.proto\)/);
    await form.locator('#value .cm-lintRange-error', { hasText: '"many"' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'produce-form-protobuf-1400x900');
    await inViewport(page, 'the message chooser', messageInput);

    await setEditor(form, 'value', '{"orderId": "o-{{i}}", "lines": [{"sku": "A-1", "qty": 3}], "status": "PLACED", "createdAt": "2026-12-02T01:02:03Z"}');
    await form.locator('#valueCheck', { hasText: 'Record 0 (templates rendered) matches acme.orders.Order' }).waitFor({ timeout: 20_000 });
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });

    const [bytes] = await kcatValues(broker.bootstrap, topic);
    const read = (p: string) => readFileSync(join(FIXTURES, 'protobuf', p), 'utf8');
    const schema = parseProtoSchema('acme/order.proto', read('acme/order.proto'), (imp) => read(imp));
    assert.deepEqual(decodeProtoToJson(messageType(schema, 'acme.orders.Order'), bytes), {
      orderId: 'o-0',
      lines: [{ sku: 'A-1', qty: 3 }],
      status: 'PLACED',
      createdAt: '2026-12-02T01:02:03Z',
    });

    // "Open in viewer" from the report decodes it with the .proto and message it was sent with;
    // "Produce similar" there opens the form with Protobuf, the file, the message and the value.
    await clickActivityBarItem(page, 'Kafka');
    await reportRow(page, `${topic} [0] @ 0`).click();
    const viewer = await viewerFrame(page);
    const row = viewer.locator('.row:not([hidden])', { has: viewer.locator('.c-value', { hasText: 'o-0' }) }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await viewer.locator('#produce-similar').click();
    const similar = webviewFrame(page);
    await similar.locator('#valueCheck', { hasText: 'The value matches acme.orders.Order (acme/order.proto)' }).waitFor({ timeout: 30_000 });
    assert.equal(await similar.locator('select#valueFormat').inputValue(), 'protobuf');
    assert.equal(await similar.locator('input#avroMessageType').inputValue(), 'acme.orders.Order');
    await similar.locator('button#send').click();
    await similar.locator('#status', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });
    const again = await kcatValues(broker.bootstrap, topic);
    assert.equal(again.length, 2);
    assert.deepEqual(again[1], bytes, 'the similar record has the same bytes');

    // The same form in a narrow editor group: the schema row wraps, the chooser stays on screen.
    await runCommand(page, 'View: Split Editor Right');
    await runCommand(page, 'View: Split Editor Right');
    await page.waitForTimeout(300);
    await screenshot(page, 'produce-form-protobuf-narrow');
    await runCommand(page, 'View: Close All Editor Groups');
  });

  it('JSON Schema from a registry subject: a violation named by its path, then sent in the Confluent wire format with the subject\'s id', async () => {
    const { page } = wb!;
    const topic = await newTopic('ui-jsonschema');
    const subject = `${topic}-value`;
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { id: { type: 'integer', minimum: 1 }, name: { type: 'string' } },
      required: ['id', 'name'],
      additionalProperties: false,
    };
    const schemaId = await registry.register(subject, JSON.stringify(schema), 'JSON');
    const form = await openForm(page);
    await setField(form, 'topic', topic);
    await choose(form, 'keyFormat', 'No key');
    await choose(form, 'valueFormat', 'JSON Schema');
    await choose(form, 'avroSource', 'Schema: registry subject');
    await setField(form, 'avroSubject', subject);
    await choose(form, 'avroEncoding', 'Confluent wire format');
    await setEditor(form, 'value', '{"id": 0, "name": "Ada"}');
    await form.locator('#valueCheck', { hasText: '/id: must be >= 1' }).waitFor({ timeout: 20_000 });
    await form.locator('#value .cm-lintRange-error', { hasText: '0' }).waitFor({ timeout: 10_000 });
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '/id: must be >= 1' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await kcatValues(broker.bootstrap, topic), [], 'nothing was sent');

    await setEditor(form, 'value', '{"id": 7, "name": "Ada"}');
    await form.locator('#valueCheck', { hasText: 'The value matches' }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'produce-form-jsonschema-registry');
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });
    const [bytes] = await kcatValues(broker.bootstrap, topic);
    assert.equal(bytes[0], 0, 'magic byte');
    assert.equal(bytes.readUInt32BE(1), schemaId, 'the subject\'s schema id');
    assert.deepEqual(JSON.parse(bytes.subarray(5).toString('utf8')), { id: 7, name: 'Ada' });
    await runCommand(page, 'View: Close All Editor Groups');
  });
});
