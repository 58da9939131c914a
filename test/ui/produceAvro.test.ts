// Avro keys and values in the Produce Message form, clicked in the real workbench: pick a workspace .avsc,
// see a mismatch named by field path as you type, send, and read the record back with kcat and
// fastavro. "Produce with this Schema" opens the form with Avro selected and a matching value.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import { fastavroDecode } from '../fixtures/avro/fastavro';
import { kcatKeys, kcatValues } from '../support/produceTools';
import { findRepoRoot } from '../support/repoRoot';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { openWorkbench, pickQuickItem, runCommand, screenshot, webviewFrame, type Workbench, fillField, chooseOption } from './support/workbench';
import { plainClient } from '../support/plainClient';

const SCHEMA = join(findRepoRoot(), 'test', 'fixtures', 'avro', 'contact-v1-fax.avsc');
const KEY_SCHEMA = join(findRepoRoot(), 'test', 'fixtures', 'avro', 'order-key.avsc');

describe('Produce Avro values in the form (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  let admin: KafkaClient;
  let workspace: string;
  const topics: string[] = [];

  /**
   * A new topic, the Produce Message form on it with the given formats (in that order), and the
   * schema file picked with the browse button `browse` until the field `field` shows it.
   */
  async function openFormWithSchema(prefix: string, formats: Record<string, string>, browse: string, field: string, file: string) {
    const topic = `${prefix}-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 1, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    await runCommand(page, 'Kafka: Produce Message');
    const form = webviewFrame(page);
    await form.locator('h2', { hasText: 'Produce Message' }).waitFor({ timeout: 30_000 });
    await fillField(form, 'topic', topic);
    for (const [dropdown, label] of Object.entries(formats)) await chooseOption(form, dropdown, label);
    await form.locator(`vscode-button#${browse}`).click();
    await pickQuickItem(page, file);
    const schemaField = form.locator(`vscode-text-field#${field} input`);
    for (let i = 0; i < 100 && (await schemaField.inputValue()) === ''; i++) await page.waitForTimeout(100);
    assert.equal(await schemaField.inputValue(), file);
    return { page, form, topic };
  }

  before(async () => {
    broker = await testBroker();
    admin = await plainClient(broker.bootstrap, 'ui-produce-avro-admin', 15_000);
    workspace = mkdtempSync(join(findRepoRoot(), '.cache', 'ui-workspace-avro-'));
    mkdirSync(join(workspace, 'schemas'));
    copyFileSync(SCHEMA, join(workspace, 'schemas', 'contact.avsc'));
    copyFileSync(KEY_SCHEMA, join(workspace, 'schemas', 'order-key.avsc'));
    wb = await openWorkbench({ workspaceFolder: workspace, userSettings: { 'kafkaWorkbench.connections': [{ name: 'ui-produce-avro', bootstrapServers: [broker.bootstrap] }] } });
  });

  after(async () => {
    await wb?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    await admin?.withAdmin('delete', (a) => a.deleteTopics({ topics })).catch(() => undefined);
    await admin?.close();
  });

  it('Avro with a workspace .avsc picked in the form: a mismatch is named by field path as you type and refused; the fixed value is sent and fastavro reads it', async () => {
    const { page, form, topic } = await openFormWithSchema('ui-avro', { keyFormat: 'No key', valueFormat: 'Avro' }, 'browseSchema', 'avroSchemaFile', 'schemas/contact.avsc');

    const textarea = form.locator('vscode-text-area#value textarea');
    await textarea.fill('{"name": "Ada {{i}}", "faxNumber": "+1 555"}');
    await form.locator('#valueCheck', { hasText: 'faxNumber: expected union ["null", "string"]' }).waitFor({ timeout: 20_000 });
    const check = await form.locator('#valueCheck').innerText();
    assert.match(check, /does not match com\.example\.crm\.Contact \(schemas\/contact\.avsc\): faxNumber: expected union .* found "\+1 555"/);
    await form.locator('vscode-button#send').click();
    await form.locator('#status', { hasText: /faxNumber: expected union/ }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await kcatValues(broker.bootstrap, topic), [], 'nothing was sent');

    await textarea.fill('{"name": "Ada {{i}}", "faxNumber": {"string": "+1 555"}}');
    await form.locator('#valueCheck', { hasText: 'Record 0 (templates rendered) matches com.example.crm.Contact' }).waitFor({ timeout: 20_000 });
    await fillField(form, 'count', '2');
    await form.locator('vscode-button#send').click();
    await form.locator('#summary', { hasText: '2 delivered' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'produce-form-avro-delivered');
    const values = await kcatValues(broker.bootstrap, topic);
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as unknown;
    const decoded = await Promise.all(values.map(async (bytes) => (await fastavroDecode(bytes, { schema })).value));
    assert.deepEqual(decoded, [
      { name: 'Ada 0', faxNumber: '+1 555' },
      { name: 'Ada 1', faxNumber: '+1 555' },
    ]);
  });

  it('an Avro key in the form: its own schema picker and check as you type; the key is sent as Avro and fastavro reads it', async () => {
    const { form, topic } = await openFormWithSchema('ui-avro-key', { valueFormat: 'String', keyFormat: 'Avro' }, 'browseKeySchema', 'keyAvroSchemaFile', 'schemas/order-key.avsc');

    await fillField(form, 'key', '{"id": "k1", "region": "north"}');
    await form.locator('#keyCheck', { hasText: 'region: expected int, found "north"' }).waitFor({ timeout: 20_000 });
    await fillField(form, 'key', '{"id": "k1", "region": 7}');
    await form.locator('#keyCheck', { hasText: 'The key matches com.example.shop.OrderKey' }).waitFor({ timeout: 20_000 });
    await form.locator('vscode-text-area#value textarea').fill('plain');
    await form.locator('vscode-button#send').click();
    await form.locator('#summary', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });
    const [key] = await kcatKeys(broker.bootstrap, topic);
    assert.deepEqual((await fastavroDecode(key, { schema: JSON.parse(readFileSync(KEY_SCHEMA, 'utf8')) as unknown })).value, { id: 'k1', region: 7 });
  });

  it('"Produce with this Schema" opens the form with Avro, the file, and a value that already matches it', async () => {
    const { page } = wb!;
    await runCommand(page, 'Kafka: Produce with this Schema…');
    await pickQuickItem(page, 'schemas/contact.avsc');
    const form = webviewFrame(page);
    await form.locator('#valueCheck', { hasText: 'The value matches com.example.crm.Contact (schemas/contact.avsc)' }).waitFor({ timeout: 20_000 });
    assert.equal(await form.locator('vscode-dropdown#valueFormat').getAttribute('current-value'), 'avro');
    assert.deepEqual(JSON.parse(await form.locator('vscode-text-area#value textarea').inputValue()), { name: '', faxNumber: null });
    await screenshot(page, 'produce-form-avro-from-schema');
  });
});
