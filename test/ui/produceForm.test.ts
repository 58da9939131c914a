// The Produce Message form, clicked in the real workbench: fill it, send, read the delivery report,
// and read the record back with kcat. An unknown topic is offered for creation, never auto-created.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import { kcatRead } from '../support/produceTools';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { clickActivityBarItem, openWorkbench, runCommand, runContextMenuItem, screenshot, treeItem, webviewFrame, type Workbench, fillField, chooseOption } from './support/workbench';
import { plainClient } from '../support/plainClient';

describe('Produce Message form (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  let admin: KafkaClient;
  const topics: string[] = [];

  before(async () => {
    broker = await testBroker();
    admin = await plainClient(broker.bootstrap, 'ui-produce-admin', 15_000);
    wb = await openWorkbench({ userSettings: { 'kafkaWorkbench.connections': [{ name: 'ui-produce', bootstrapServers: [broker.bootstrap] }] } });
  });

  after(async () => {
    await wb?.close();
    await admin.withAdmin('delete', (a) => a.deleteTopics({ topics })).catch(() => undefined);
    await admin.close();
  });

  it('command palette → fill the form → send: the delivery report shows partition and offset, and kcat reads the same key, value and headers', async () => {
    const topic = `ui-produce-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 3, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    await runCommand(page, 'Kafka: Produce Message');
    const form = webviewFrame(page);
    await form.locator('h2', { hasText: 'Produce Message' }).waitFor({ timeout: 30_000 });
    await fillField(form, 'topic', topic);
    await fillField(form, 'key', 'order-42');
    await form.locator('vscode-text-area#value textarea').fill('{"item": "book", "qty": 2}');
    await chooseOption(form, 'valueFormat', 'JSON');
    await form.locator('#valueCheck', { hasText: 'Valid JSON.' }).waitFor();
    await form.locator('vscode-button#addHeader').click();
    await fillField(form, 'header-name-0', 'trace-id');
    await fillField(form, 'header-value-0', 'abc-123');
    await chooseOption(form, 'partitionMode', 'By key hash');
    // The preview says where the key goes before anything is sent (murmur2: order-42 → 0 of 3).
    await form.locator('#partitionPreview', { hasText: 'Key "order-42" → partition' }).waitFor({ timeout: 20_000 });
    const previewText = await form.locator('#partitionPreview').innerText();
    const previewPartition = Number(/partition (\d+) of 3/.exec(previewText)?.[1]);
    await form.locator('vscode-button#send').click();
    const row = form.locator('#deliveryLog .report[data-status="delivered"]').first();
    await row.waitFor({ timeout: 30_000 });
    const text = await row.locator('.report-head').innerText();
    const m = /delivered: (\S+) \[(\d+)\] offset (\d+)/.exec(text);
    assert.ok(m, `report text: ${text}`);
    assert.equal(m[1], topic);
    assert.equal(Number(m[2]), previewPartition, 'the record went where the preview said');
    await form.locator('#summary', { hasText: '1 delivered' }).waitFor();
    await screenshot(page, 'produce-form-delivered');
    const read = await kcatRead(broker.bootstrap, topic);
    assert.deepEqual(
      read.map(({ timestamp: _t, ...r }) => r),
      [{ partition: Number(m[2]), offset: Number(m[3]), key: 'order-42', value: '{"item": "book", "qty": 2}', headers: 'trace-id=abc-123' }],
    );
  });

  it('refuses malformed JSON and a partition out of range in the form; offers an unknown topic for creation, then sends to it', async () => {
    const { page } = wb!;
    const form = webviewFrame(page);
    const topic = `ui-new-${randomUUID().slice(0, 8)}`;
    await fillField(form, 'topic', topic);
    await form.locator('vscode-text-area#value textarea').fill('{"broken": ');
    await form.locator('#valueCheck', { hasText: 'Not valid JSON' }).waitFor();
    await form.locator('vscode-button#send').click();
    await form.locator('#status', { hasText: 'does not exist' }).waitFor({ timeout: 20_000 });
    await form.locator('#createTopicBox').waitFor({ state: 'visible' });
    assert.equal((await admin.withAdmin('list', (a) => a.listTopics())).includes(topic), false, 'not auto-created');
    await fillField(form, 'createPartitions', '2');
    await form.locator('vscode-button#createTopic').click();
    await form.locator('#status', { hasText: `Created topic "${topic}" with 2 partition(s)` }).waitFor({ timeout: 20_000 });
    topics.push(topic);
    await form.locator('vscode-button#send').click();
    await form.locator('#status', { hasText: /value is not valid JSON/ }).waitFor({ timeout: 20_000 });
    await form.locator('vscode-text-area#value textarea').fill('{"fixed": true}');
    await chooseOption(form, 'partitionMode', 'Explicit number');
    await fillField(form, 'partition', '2');
    await form.locator('#partitionPreview', { hasText: 'Partition 2 does not exist' }).waitFor({ timeout: 20_000 });
    await form.locator('vscode-button#send').click();
    await form.locator('#status', { hasText: /Partition 2 does not exist: topic ".*" has 2 partitions \(valid: 0 to 1\)/ }).waitFor({ timeout: 20_000 });
    await fillField(form, 'partition', '1');
    await form.locator('vscode-button#send').click();
    await form.locator('#deliveryLog .report[data-status="delivered"]', { hasText: `${topic} [1] offset 0` }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'produce-form-created-topic');
    assert.deepEqual((await kcatRead(broker.bootstrap, topic)).map((r) => `${r.partition}:${r.value}`), ['1:{"fixed": true}']);
  });

  it('"Produce Message" on a partition in the tree pre-fills the form with the topic and that partition', async () => {
    const topic = `ui-tree-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 3, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    await treeItem(page, 'ui-produce').click();
    await treeItem(page, 'Topics').waitFor({ state: 'visible', timeout: 30_000 });
    await treeItem(page, 'Topics').click();
    const topicRow = treeItem(page, topic);
    await topicRow.waitFor({ state: 'visible', timeout: 30_000 });
    await topicRow.click();
    await treeItem(page, 'Partitions').click();
    const partitionRow = page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name').getByText('2', { exact: true }) }).first();
    await partitionRow.waitFor({ state: 'visible', timeout: 30_000 });
    const form = webviewFrame(page);
    const prefilled = form.locator('#partitionPreview', { hasText: 'Partition 2 of 3.' });
    await runContextMenuItem(page, partitionRow, 'Produce Message', () => prefilled.isVisible().catch(() => false));
    await form.locator('#partitionPreview', { hasText: 'Partition 2 of 3.' }).waitFor({ timeout: 30_000 });
    assert.equal(await form.locator('vscode-text-field#topic input').inputValue(), topic);
    await form.locator('vscode-text-area#value textarea').fill('from the tree');
    await form.locator('vscode-button#send').click();
    await form.locator('#deliveryLog .report[data-status="delivered"]', { hasText: `${topic} [2] offset 0` }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'produce-from-tree');
    assert.deepEqual((await kcatRead(broker.bootstrap, topic)).map((r) => `${r.partition}:${r.value}`), ['2:from the tree']);
  });

  it('a bulk send shows progress with records/s and stops on Cancel; the delivery log filters by status', async () => {
    const topic = `ui-bulk-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 2, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    await runCommand(page, 'Kafka: Produce Message');
    const form = webviewFrame(page);
    // The panel is reused from the test before, and the command re-initialises it as it reveals it:
    // fields filled before that land are reset, and the send is refused. So fill and send until the
    // run is really going (its Cancel button shows); stale progress text proves nothing.
    const cancel = form.locator('vscode-button#cancelRun');
    for (let attempt = 1; ; attempt++) {
      await fillField(form, 'topic', topic);
      await chooseOption(form, 'partitionMode', 'Any');
      await fillField(form, 'key', 'user-{{random.int(1,1000)}}');
      await form.locator('vscode-text-area#value textarea').fill('{"n": {{i}}, "id": "{{uuid}}"}');
      await fillField(form, 'count', '3000000');
      await chooseOption(form, 'sendStyle', 'Asynchronous');
      await form.locator('vscode-button#send').click();
      const running = await cancel.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
      if (running) break;
      assert.ok(attempt < 3, 'the bulk send did not start');
    }
    await form.locator('#progress', { hasText: /records\/s/ }).waitFor({ timeout: 30_000 });
    await form.locator('vscode-button#cancelRun').click();
    await form.locator('#summary', { hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    const summary = await form.locator('#summary').innerText();
    const m = /3000000 record\(s\) to \S+: (\d+) delivered, (\d+) failed \((\d+) of them not sent\)/.exec(summary);
    assert.ok(m, summary);
    assert.equal(Number(m[1]) + Number(m[2]), 3_000_000, 'every record is counted: delivered or not sent');
    assert.ok(Number(m[3]) > 0 && Number(m[3]) === Number(m[2]), 'the cancel left records unsent, and nothing else failed');
    assert.match(await form.locator('#status').innerText(), new RegExp(`Cancelled: ${m[3]} record\\(s\\) not sent`));
    await chooseOption(form, 'logFilter', 'Failed');
    const failedRow = form.locator('#deliveryLog .report[data-status="failed"]').first();
    await failedRow.waitFor();
    assert.match(await failedRow.innerText(), /CANCELLED/);
    assert.equal(await form.locator('#deliveryLog .report[data-status="delivered"]:visible').count(), 0, 'delivered rows are filtered out');
    await screenshot(page, 'produce-bulk-cancelled');
    const written = (await kcatRead(broker.bootstrap, topic)).length;
    assert.equal(written, Number(m[1]), 'kcat reads exactly the delivered records');
  });
});
