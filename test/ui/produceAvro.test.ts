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
import { choose, openForm, openSection, reportRow, setEditor, setField, viewerFrame } from './support/produceForm';
import { clickActivityBarItem, openWorkbench, pickQuickItem, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';
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
    const form = await openForm(page);
    await setField(form, 'topic', topic);
    for (const [select, label] of Object.entries(formats)) await choose(form, select, label);
    await form.locator(`button#${browse}`).click();
    await pickQuickItem(page, file);
    const schemaField = form.locator(`input#${field}`);
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

    await setEditor(form, 'value', '{"name": "Ada {{i}}", "faxNumber": "+1 555"}');
    await form.locator('#valueCheck', { hasText: 'faxNumber: expected union ["null", "string"]' }).waitFor({ timeout: 20_000 });
    const check = await form.locator('#valueCheck').innerText();
    assert.match(check, /does not match com\.example\.crm\.Contact \(schemas\/contact\.avsc\): faxNumber: expected union .* found "\+1 555"/);
    // The squiggle sits on the faxNumber value, where the check found it.
    await form.locator('#value .cm-lintRange-error', { hasText: '"+1 555"' }).waitFor({ timeout: 10_000 });
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: /faxNumber: expected union/ }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await kcatValues(broker.bootstrap, topic), [], 'nothing was sent');

    // Field names of the schema are offered as completions inside the object.
    await setEditor(form, 'value', '{"name": "Ada {{i}}", ');
    await form.locator('#value .cm-content').press('End');
    await form.locator('#value .cm-content').press('Control+Space');
    await form.locator('.cm-tooltip-autocomplete li', { hasText: 'faxNumber' }).waitFor({ timeout: 10_000 });
    await form.locator('#value .cm-content').press('Escape');

    await setEditor(form, 'value', '{"name": "Ada {{i}}", "faxNumber": {"string": "+1 555"}}');
    await form.locator('#valueCheck', { hasText: 'Record 0 (templates rendered) matches com.example.crm.Contact' }).waitFor({ timeout: 20_000 });
    await openSection(form, 'records');
    await setField(form, 'count', '2');
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '2 delivered' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'produce-form-avro-delivered');
    const values = await kcatValues(broker.bootstrap, topic);
    const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as unknown;
    const decoded = await Promise.all(values.map(async (bytes) => (await fastavroDecode(bytes, { schema })).value));
    assert.deepEqual(decoded, [
      { name: 'Ada 0', faxNumber: '+1 555' },
      { name: 'Ada 1', faxNumber: '+1 555' },
    ]);

    // "Open in viewer" from the report: the viewer decodes the value with the schema it was sent with.
    await clickActivityBarItem(page, 'Kafka');
    await reportRow(page, `${topic} [0] @ 1`).click();
    const viewer = await viewerFrame(page);
    const value = viewer.locator('.row:not([hidden]) .c-value').first();
    await value.waitFor({ timeout: 30_000 });
    assert.match(await value.innerText(), /"name":\s*"Ada 1"/);
    assert.match(await value.innerText(), /"faxNumber":\s*\{?\s*("string":\s*)?"\+1 555"/);
    await screenshot(page, 'produce-avro-open-in-viewer');
    await runCommand(page, 'View: Close All Editor Groups');
  });

  it('an Avro key in the form: its own schema picker and check as you type; the key is sent as Avro and fastavro reads it', async () => {
    const { form, topic } = await openFormWithSchema('ui-avro-key', { valueFormat: 'String', keyFormat: 'Avro' }, 'browseKeySchema', 'keyAvroSchemaFile', 'schemas/order-key.avsc');

    await setEditor(form, 'key', '{"id": "k1", "region": "north"}');
    await form.locator('#keyCheck', { hasText: 'region: expected int, found "north"' }).waitFor({ timeout: 20_000 });
    await setEditor(form, 'key', '{"id": "k1", "region": 7}');
    await form.locator('#keyCheck', { hasText: 'The key matches com.example.shop.OrderKey' }).waitFor({ timeout: 20_000 });
    await setEditor(form, 'value', 'plain');
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });
    const [key] = await kcatKeys(broker.bootstrap, topic);
    assert.deepEqual((await fastavroDecode(key, { schema: JSON.parse(readFileSync(KEY_SCHEMA, 'utf8')) as unknown })).value, { id: 'k1', region: 7 });
  });

  it('"Produce with this Schema" opens the form with Avro, the file, and a value that already matches it', async () => {
    const { page } = wb!;
    await runCommand(page, 'Kafka: Produce with this Schema…');
    await pickQuickItem(page, 'schemas/contact.avsc');
    const form = webviewFrame(page);
    await form.locator('#valueCheck', { hasText: 'The value matches com.example.crm.Contact (schemas/contact.avsc)' }).waitFor({ timeout: 20_000 });
    assert.equal(await form.locator('select#valueFormat').inputValue(), 'avro');
    assert.deepEqual(JSON.parse(await form.locator('#value .cm-content').innerText()), { name: '', faxNumber: null });
    await screenshot(page, 'produce-form-avro-from-schema');
  });
});
