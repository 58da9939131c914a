// The Produce Message form, clicked in the real workbench: the common case fits one 1400x900 screen
// with Send in view, Ctrl+Enter sends, a JSON mistake is underlined where it is, reports land in the
// Delivery Reports view, and kcat reads back what was sent. An unknown topic is offered for
// creation beside the topic, never auto-created.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import { kcatRead, pythonPartitions } from '../support/produceTools';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { choose, inViewport, openForm, openSection, reportRow, setEditor, setField } from './support/produceForm';
import { clickActivityBarItem, openWorkbench, runCommand, runContextMenuItem, screenshot, treeItem, webviewFrame, type Workbench, collapseSideBarView } from './support/workbench';
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

  it('1400x900: the common-case form and Send fit the screen; topic picked from the combobox, keyed JSON with a header sent with Ctrl+Enter to the Java partition; the report is in Delivery Reports and kcat reads the record', async () => {
    const topic = `ui-produce-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 3, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    const form = await openForm(page);
    // The topic combobox lists the cluster's topics; typing filters, a click picks.
    await form.locator('input#topic').fill(topic.slice(0, 14));
    await form.locator('#topic-list li', { hasText: topic }).click();
    assert.equal(await form.locator('input#topic').inputValue(), topic);
    await setEditor(form, 'key', 'order-42');
    await choose(form, 'valueFormat', 'JSON');
    await setEditor(form, 'value', '{\n  "item": "book",\n  "qty": 2\n}');
    await form.locator('#valueCheck', { hasText: 'Valid JSON.' }).waitFor();
    await form.locator('button#addHeader').click();
    await setField(form, 'header-name-0', 'trace-id');
    await setField(form, 'header-value-0', 'abc-123');
    // Default partitioning says where the key goes as you type: the Java client's choice.
    const [java] = await pythonPartitions(['order-42'], 3);
    await form.locator('#partitionPreview', { hasText: `Key "order-42" → partition ${java} of 3` }).waitFor({ timeout: 20_000 });
    for (const [what, selector] of [
      ['topic', 'input#topic'],
      ['key', '#key .cm-editor'],
      ['value format', 'select#valueFormat'],
      ['value editor', '#value .cm-editor'],
      ['headers', 'table#headers'],
      ['partition', 'select#partitionMode'],
      ['partition preview', '#partitionPreview'],
      ['Send', 'button#send'],
    ] as const) await inViewport(page, what, form.locator(selector));
    await screenshot(page, 'produce-form-1400x900');
    const form0 = await form.locator('.form').evaluate((e) => ({ scroll: e.scrollHeight, client: e.clientHeight }));
    assert.ok(form0.scroll <= form0.client, `the common case needs no scrolling: ${JSON.stringify(form0)}`);
    // Ctrl+Enter from the value editor sends.
    await form.locator('#value .cm-content').press('Control+Enter');
    await form.locator('#status', { hasText: `1 record(s) to ${topic}: 1 delivered` }).waitFor({ timeout: 30_000 });
    const row = reportRow(page, `${topic} [${java}] @ 0`);
    await row.waitFor({ timeout: 20_000 });
    assert.match(await row.innerText(), /delivered · CreateTime/);
    await screenshot(page, 'produce-form-delivered');
    const read = await kcatRead(broker.bootstrap, topic);
    assert.deepEqual(
      read.map(({ timestamp: _t, ...r }) => r),
      [{ partition: java, offset: 0, key: 'order-42', value: '{\n  "item": "book",\n  "qty": 2\n}', headers: 'trace-id=abc-123' }],
    );
  });

  it('a JSON mistake is underlined at its line and column; an unknown topic is offered for creation beside it, a partition out of range is refused, then the record is sent', async () => {
    const { page } = wb!;
    const form = webviewFrame(page);
    const topic = `ui-new-${randomUUID().slice(0, 8)}`;
    await setField(form, 'topic', topic);
    await choose(form, 'valueFormat', 'JSON');
    await setEditor(form, 'value', '{\n  "a": 1,,\n  "b": 2\n}');
    await form.locator('#valueCheck', { hasText: 'line 2, column 10' }).waitFor({ timeout: 20_000 });
    // The squiggle is drawn on the second comma of line 2, where the parser found it.
    const squiggle = form.locator('#value .cm-lintRange-error');
    await squiggle.waitFor();
    assert.equal(await squiggle.innerText(), ',');
    // Measured inside the editor: the squiggle starts where column 10 of line 2 is drawn.
    const offset = await form.locator('#value .cm-line').nth(1).evaluate((line) => {
      const squiggleEl = line.querySelector('.cm-lintRange-error');
      let remaining = 9;
      const doc = line.ownerDocument;
      const walker = doc.createTreeWalker(line, 4 /* NodeFilter.SHOW_TEXT */);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const length = n.textContent?.length ?? 0;
        if (remaining < length) {
          const range = doc.createRange();
          range.setStart(n, remaining);
          range.setEnd(n, remaining + 1);
          return squiggleEl ? Math.abs(squiggleEl.getBoundingClientRect().x - range.getBoundingClientRect().x) : -1;
        }
        remaining -= length;
      }
      return -1;
    });
    assert.ok(offset >= 0 && offset < 1, `the squiggle is on line 2, column 10 (off by ${offset}px)`);
    await screenshot(page, 'produce-form-json-squiggle');
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: 'does not exist' }).waitFor({ timeout: 20_000 });
    await form.locator('#createTopicBox').waitFor({ state: 'visible' });
    await inViewport(page, 'the create offer', form.locator('button#createTopic'));
    assert.equal((await admin.withAdmin('list', (a) => a.listTopics())).includes(topic), false, 'not auto-created');
    await setField(form, 'createPartitions', '2');
    await form.locator('button#createTopic').click();
    await form.locator('#status', { hasText: `Created topic "${topic}" with 2 partition(s)` }).waitFor({ timeout: 20_000 });
    topics.push(topic);
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: /value is not valid JSON/ }).waitFor({ timeout: 20_000 });
    await setEditor(form, 'value', '{"fixed": true}');
    await choose(form, 'partitionMode', 'Explicit');
    await setField(form, 'partition', '2');
    await form.locator('#partitionPreview', { hasText: 'Partition 2 does not exist' }).waitFor({ timeout: 20_000 });
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: /Partition 2 does not exist: topic ".*" has 2 partitions \(valid: 0 to 1\)/ }).waitFor({ timeout: 20_000 });
    await setField(form, 'partition', '1');
    await form.locator('button#send').click();
    // The previous error is gone; the new result stands beside Send.
    await form.locator('#status', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await form.locator('.footer').innerText(), /does not exist/);
    assert.deepEqual((await kcatRead(broker.bootstrap, topic)).map((r) => `${r.partition}:${r.value}`), ['1:{"fixed": true}']);
  });

  it('in a narrow split the form reflows and Send stays visible; sections remember being open', async () => {
    const { page } = wb!;
    const form = webviewFrame(page);
    await openSection(form, 'settings');
    await form.locator('select#acks').waitFor({ state: 'visible' });
    await runCommand(page, 'View: Split Editor Right');
    await runCommand(page, 'Kafka: Produce Message…');
    const narrow = webviewFrame(page);
    await narrow.locator('h2', { hasText: 'Produce Message' }).waitFor({ timeout: 30_000 });
    await inViewport(page, 'Send in the narrow split', narrow.locator('button#send'));
    const width = await narrow.locator('body').evaluate((b) => b.clientWidth);
    await screenshot(page, 'produce-form-narrow-split');
    assert.ok(width < 700, `the split is narrow (${width}px)`);
    assert.equal(await narrow.locator('#section-settings .section-head').getAttribute('aria-expanded'), 'true', 'the open section stayed open');
    await runCommand(page, 'View: Close All Editor Groups');
  });

  it('"Produce Message" on a partition in the tree pre-fills the form with the topic and that partition', async () => {
    const topic = `ui-tree-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 3, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    // The shared broker has many topics and Delivery Reports sits below the tree: give the Clusters
    // view the height while finding the partition, then open the reports again to read the report.
    await collapseSideBarView(page, 'Delivery Reports');
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
    await prefilled.waitFor({ timeout: 30_000 });
    assert.equal(await form.locator('input#topic').inputValue(), topic);
    await setEditor(form, 'value', 'from the tree');
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '1 delivered' }).waitFor({ timeout: 30_000 });
    // The form's "Delivery Reports" button opens the view even when it was collapsed.
    await form.locator('button#showReports').click();
    await reportRow(page, `${topic} [2] @ 0`).waitFor({ timeout: 30_000 });
    await inViewport(page, 'the new report', reportRow(page, `${topic} [2] @ 0`));
    assert.deepEqual((await kcatRead(broker.bootstrap, topic)).map((r) => `${r.partition}:${r.value}`), ['2:from the tree']);
  });

  it('a bulk send shows progress with records/s and stops on Cancel; aborted transactions are reported as aborted, and the filter shows them alone', async () => {
    const topic = `ui-bulk-${randomUUID().slice(0, 8)}`;
    await createTopic(admin, { name: topic, partitions: 2, replicationFactor: 1 }, 1);
    topics.push(topic);
    const { page } = wb!;
    const form = await openForm(page);
    const cancel = form.locator('button#cancelRun');
    // The reused panel re-initialises as the command reveals it: fill and send until the run is going.
    for (let attempt = 1; ; attempt++) {
      await setField(form, 'topic', topic);
      await setEditor(form, 'key', 'user-{{random.int(1,1000)}}');
      await setEditor(form, 'value', '{"n": {{i}}, "id": "{{uuid}}"}');
      // A section head toggles: a second attempt must not close what the first opened.
      await openSection(form, 'records');
      await setField(form, 'count', '3000000');
      await openSection(form, 'delivery');
      await choose(form, 'sendStyle', 'Asynchronous');
      await form.locator('button#send').click();
      const running = await cancel.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
      if (running) break;
      const status = await form.locator('#status').innerText().catch(() => '');
      assert.ok(attempt < 3, `the bulk send did not start: "${status}"`);
      console.log(`      attempt ${attempt}: the bulk send did not start ("${status}"); again`);
    }
    await form.locator('#progress', { hasText: /records\/s/ }).waitFor({ timeout: 30_000 });
    await cancel.click();
    await form.locator('#status', { hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    const summary = await form.locator('#status').innerText();
    const m = /3000000 record\(s\) to \S+: (\d+) delivered, (\d+) failed \((\d+) not sent\)/.exec(summary);
    assert.ok(m, summary);
    assert.equal(Number(m[1]) + Number(m[2]), 3_000_000, 'every record is counted: delivered or not sent');
    assert.ok(Number(m[3]) > 0 && Number(m[3]) === Number(m[2]), 'the cancel left records unsent, and nothing else failed');
    assert.equal((await kcatRead(broker.bootstrap, topic)).length, Number(m[1]), 'kcat reads exactly the delivered records');

    // An aborted transaction: its records were written, but they are not "delivered".
    await setField(form, 'count', '2');
    await choose(form, 'sendStyle', 'Synchronous');
    await choose(form, 'transaction', 'One transaction, then abort');
    await form.locator('button#send').click();
    await form.locator('#status', { hasText: '2 written, then aborted' }).waitFor({ timeout: 30_000 });
    const aborted = reportRow(page, 'written, then aborted — invisible to read_committed consumers');
    await aborted.waitFor({ timeout: 20_000 });
    await runCommand(page, 'Kafka: Filter Delivery Reports by Status…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Aborted transactions' }).click();
    const rows = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Delivery Reports' }) }).locator('.monaco-list-row[aria-level="2"]');
    await page.waitForFunction(() => true);
    for (let i = 0; i < 50 && (await rows.count()) !== 2; i++) await page.waitForTimeout(100);
    assert.equal(await rows.count(), 2, 'the filter shows the two aborted records only');
    for (const text of await rows.allInnerTexts()) assert.match(text, /written, then aborted/);
    await screenshot(page, 'produce-aborted-transaction-reports');
    await runCommand(page, 'Kafka: Filter Delivery Reports by Status…');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'All reports' }).click();
  });

  it('the "Get started" walkthrough lists connecting, producing and viewing, each with its action', async () => {
    const { page } = wb!;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get started with Kafka Workbench' }).first().click();
    for (const step of ['Start a local broker or add a connection', 'Produce a record', 'See it in the viewer']) {
      await page.locator('.getting-started-step', { hasText: step }).first().waitFor({ timeout: 20_000 });
    }
    await page.locator('.getting-started-step', { hasText: 'Produce a record' }).first().click();
    await page.getByRole('button', { name: 'Produce Message…' }).first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'produce-walkthrough');
    // The last test of the file: the workbench closes with it (focus is in the walkthrough's
    // rendered step, where the command palette's key does not reach the workbench).
  });
});
