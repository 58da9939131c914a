// Hardening seen from the real workbench. Forged messages posted into the real webview hosts of the
// Produce Message form and the consume viewer, as a script running inside either webview could post
// them: each one of the wrong shape is logged and dropped, a records file the form's picker did not
// choose is not read, and nothing happens (no topic created, no record sent, the viewer keeps
// running) while the real messages posted after them are still answered. The Kafka tree's
// tooltips are plain text: Markdown in a name shows as typed and fetches nothing. And the lifecycle:
// closing the produce panel mid-run aborts it with nothing posted after; reloading the window
// (deactivation) closes the viewers, whose consumers leave their groups at once.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameLocator, Page } from 'playwright-core';
import type { ProduceFormValues } from '../../webview/src/produce/protocol';
import { createTopic, deleteTopic, produce, records, uniqueTopic } from '../support/consumeFixtures';
import { extensionLogText } from '../support/extensionLogs';
import { CONSUMER_SESSION_TIMEOUT_MS } from '../../src/core/kafka/consumer';
import { listTopicInfos } from '../../src/core/kafka/topics';
import { plainClient } from '../support/plainClient';
import { kcatRead } from '../support/produceTools';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { openForm } from './support/produceForm';
import { clickActivityBarItem, openWorkbench, postRawToWebview, runCommand, screenshot, treeItem, webviewFrame, type Workbench } from './support/workbench';
import { waitForViewerState } from './support/consumeGrid';

const CONNECTION = 'ui-guard';

function formValues(topic: string, over: Partial<ProduceFormValues>): ProduceFormValues {
  const avro = { Source: 'file', SchemaFile: '', Subject: '', Encoding: 'raw', Strategy: 'TopicNameStrategy', AutoRegister: false } as const;
  return {
    connection: CONNECTION, topic, keyFormat: 'none', key: '', valueFormat: 'string', value: 'x',
    avroSource: avro.Source, avroSchemaFile: '', avroSubject: '', avroEncoding: avro.Encoding, avroStrategy: avro.Strategy, avroAutoRegister: false,
    keyAvroSource: avro.Source, keyAvroSchemaFile: '', keyAvroSubject: '', keyAvroEncoding: avro.Encoding, keyAvroStrategy: avro.Strategy, keyAvroAutoRegister: false,
    avroMessageType: '', keyAvroMessageType: '',
    headers: [], partitionMode: 'default', partition: '', source: 'template', count: '1', recordsFile: '',
    sendStyle: 'synchronous', transaction: 'none', acks: 'all', idempotent: true, maxInFlightRequests: '5', compression: 'none',
    lingerMs: '5', batchSize: '16384', requestTimeoutMs: '30000', retries: '5', replyTopic: '', replyTimeoutMs: '10000', timestamp: '',
    ...over,
  };
}

/** Polls the extension's log file until every pattern is in it (the log service writes asynchronously). */
async function waitForLog(wb: Workbench, patterns: (string | RegExp)[]): Promise<string> {
  const deadline = Date.now() + 15_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await extensionLogText(wb.server.userDataDir).catch(() => '');
    if (patterns.every((p) => (typeof p === 'string' ? text.includes(p) : p.test(text)))) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
  const missing = patterns.filter((p) => !(typeof p === 'string' ? text.includes(p) : p.test(text)));
  throw new Error(`not in the log: ${missing.join(' | ')}\n--- log tail ---\n${text.slice(-3000)}`);
}

async function viewRecords(page: Page, topic: string): Promise<FrameLocator> {
  await clickActivityBarItem(page, 'Kafka');
  if (!(await treeItem(page, 'Topics').isVisible())) await treeItem(page, CONNECTION).click();
  await treeItem(page, 'Topics').waitFor({ state: 'visible', timeout: 30_000 });
  if ((await treeItem(page, 'Topics').getAttribute('aria-expanded')) !== 'true') await treeItem(page, 'Topics').click();
  const row = treeItem(page, topic);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const viewer = webviewFrame(page);
  // Under load a click can land while the tree re-renders the row: click again if no viewer opened.
  for (let attempt = 0; ; attempt++) {
    await row.hover();
    await row.locator('.actions .action-label[aria-label="View Records"]').click();
    const opened = await viewer.locator('#state').waitFor({ timeout: 10_000 }).then(() => true, () => false);
    if (opened || attempt === 2) return viewer;
  }
}

describe('Hardening (UI): webview messages checked at the host, plain-text tree tooltips', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  // Named to sort first in the tree, which renders only the rows in view.
  const topic = uniqueTopic('a-ui-guard');
  const forged = uniqueTopic('ui-guard-forged');

  // A server that counts what a rendered Markdown image would fetch.
  let pixel: http.Server;
  let pixelUrl = '';
  const pixelRequests: string[] = [];

  before(async () => {
    broker = await testBroker();
    await createTopic(broker.bootstrap, topic, 1);
    await produce(broker.bootstrap, topic, records(1, 5));
    pixel = http.createServer((req, res) => {
      pixelRequests.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => pixel.listen(0, '127.0.0.1', resolve));
    pixelUrl = `http://127.0.0.1:${(pixel.address() as AddressInfo).port}/pixel.png`;
    wb = await openWorkbench({
      userSettings: {
        'kafkaWorkbench.connections': [
          { name: CONNECTION, bootstrapServers: [broker.bootstrap] },
          // Sorts after ui-guard; never connected (nothing listens on port 1).
          { name: `z **bold** ![pixel](${pixelUrl})`, bootstrapServers: ['127.0.0.1:1'] },
        ],
      },
    });
  });

  after(async () => {
    await wb?.close();
    await deleteTopic(broker.bootstrap, topic);
    await new Promise((r) => pixel?.close(r));
  });

  it('a Markdown image in a connection name shows as typed in its tooltip, and nothing is fetched', async () => {
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    const row = treeItem(page, `z **bold** ![pixel](${pixelUrl})`);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ visible: true }).filter({ hasText: '127.0.0.1:1' });
    await hover.first().waitFor({ timeout: 15_000 });
    const text = await hover.first().innerText();
    assert.ok(text.includes(`z **bold** ![pixel](${pixelUrl})`), `the name shows as typed: ${text}`);
    assert.equal(await hover.first().locator('img, strong, b').count(), 0, 'no Markdown rendered');
    await screenshot(page, 'tree-tooltip-plain-text');
    await page.mouse.move(700, 600);
    assert.deepEqual(pixelRequests, [], 'nothing fetched the image');
  });

  it('the produce form host drops wrong-shaped messages and reads no file its picker did not choose; the consume viewer host drops a forged commit and stop', async () => {
    const { page } = wb!;
    const form = await openForm(page);
    // Wrong shapes: an extra field smuggling a path, a number where the protocol has text, an unknown type.
    await postRawToWebview(page, { type: 'pickFile', requestId: 900, path: '/etc/passwd' });
    await postRawToWebview(page, { type: 'createTopic', requestId: 901, connection: CONNECTION, topic: forged, partitions: 3 });
    await postRawToWebview(page, { type: 'readFile', path: '/etc/shadow' });
    // The right shape, but a records file the host never handed to the form: refused by field, nothing read.
    await postRawToWebview(page, { type: 'send', requestId: 902, values: formValues(topic, { source: 'file', recordsFile: '/etc/passwd' }) });
    const status = form.locator('#status');
    await status.filter({ hasText: 'Choose the records file with the folder button' }).waitFor({ timeout: 20_000 });
    const box = await status.boundingBox();
    assert.ok(box && box.width > 50 && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height, `the refusal is painted in view: ${JSON.stringify(box)}`);
    await screenshot(page, 'produce-form-forged-path');
    await waitForLog(wb!, [
      'dropped a message from the produce form webview: message.path is not part of the message',
      'dropped a message from the produce form webview: message.partitions should be a string, not a number',
      'dropped a message from the produce form webview: unknown message type "readFile"',
      'produce form: refused a send naming a file the form did not choose (recordsFile)',
    ]);
    assert.equal((await kcatRead(broker.bootstrap, topic)).length, 5, 'nothing was sent to the topic');
    const admin = await plainClient(broker.bootstrap, 'ui-guard-admin', 15_000);
    try {
      assert.ok(!(await listTopicInfos(admin)).some((t) => t.name === forged), 'no topic was created');
    } finally {
      await admin.close();
    }
    await runCommand(page, 'View: Close All Editors');

    const viewer = await viewRecords(page, topic);
    await waitForViewerState(viewer, 'live', 30_000);
    await postRawToWebview(page, { type: 'stop', now: true });
    await postRawToWebview(page, { type: 'commit', upTo: { partition: 0, offset: '3; DROP' } });
    await postRawToWebview(page, { type: 'window', from: 'all', size: 1e9, follow: true });
    // A real message after the forged ones is handled: the tail pauses, so the host got this far and
    // the forged stop did not stop it.
    await postRawToWebview(page, { type: 'pause' });
    await waitForViewerState(viewer, 'paused', 20_000);
    assert.equal(await viewer.locator('#notice').innerText(), '', 'no notice: nothing was committed or stopped');
    await screenshot(page, 'consume-viewer-forged-dropped');
    await waitForLog(wb!, [
      'dropped a message from the consume viewer webview: message.now is not part of the message',
      'dropped a message from the consume viewer webview: message.upTo.offset should be an offset (digits)',
      'dropped a message from the consume viewer webview: message.from should be a number >= 0',
    ]);
  });

  it('closing the produce panel mid-run aborts the run and posts nothing after; deactivation closes the viewer and its consumer leaves the group at once', async () => {
    const { page } = wb!;
    const admin = await plainClient(broker.bootstrap, 'ui-guard-lifecycle', 15_000);
    try {
      await createTopic(broker.bootstrap, forged, 1);
      await runCommand(page, 'View: Close All Editors');
      const form = await openForm(page);
      await postRawToWebview(page, { type: 'send', requestId: 903, values: formValues(forged, { count: '30000', sendStyle: 'synchronous' }) });
      await form.locator('#status', { hasText: /Sending|records\/s/ }).waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
        await screenshot(page, 'produce-form-long-run-failure');
        throw e;
      });
      await runCommand(page, 'View: Close All Editors');
      // The run stops with the panel: the topic stops growing, well short of the 30,000 records.
      let count = -1;
      for (let settled = 0; settled < 3; ) {
        await new Promise((r) => setTimeout(r, 1_000));
        const now = (await kcatRead(broker.bootstrap, forged)).length;
        settled = now === count ? settled + 1 : 0;
        count = now;
      }
      assert.ok(count < 30_000, `the run stopped at ${count} records when its panel closed`);
      const log = await extensionLogText(wb!.server.userDataDir);
      assert.ok(!/produce panel:|Webview is disposed/.test(log), `nothing was posted to the closed panel:\n${log.slice(-2000)}`);

      // The viewer of the previous test is still open (paused). One click reads without a group;
      // a group typed into its source bar restarts it as a member of that group.
      const viewer = await viewRecords(page, topic);
      await waitForViewerState(viewer, /live|paused/, 30_000);
      const viewerGroup = uniqueTopic('ui-guard-viewer-group');
      const members = async () => {
        const { groups } = await admin.withAdmin('describe', (a) => a.describeGroups([viewerGroup]));
        return groups[0]?.members.length ?? 0;
      };
      assert.equal(await members(), 0, 'the one-click viewer joined no group');
      if (!(await viewer.locator('#s-group').isVisible())) await viewer.locator('#toggle-source').click();
      await viewer.locator('#s-group').fill(viewerGroup);
      await viewer.locator('#s-group').press('Enter');
      await viewer.locator('#s-group').blur();
      for (const joinedBy = Date.now() + 30_000; (await members()) === 0; ) {
        assert.ok(Date.now() < joinedBy, `the viewer joined ${viewerGroup} after its source bar named it`);
        await new Promise((r) => setTimeout(r, 250));
      }
      await runCommand(page, 'Developer: Reload Window');
      // Without deactivation the member would stay until the 10 s session time-out.
      const started = Date.now();
      while ((await members()) > 0) {
        assert.ok(Date.now() - started < 7_000, `the viewer's consumer left its group within 7 s (session time-out ${CONSUMER_SESSION_TIMEOUT_MS / 1000} s)`);
        await new Promise((r) => setTimeout(r, 200));
      }
      console.log(`the viewer's consumer left its group ${Date.now() - started} ms after the reload was asked`);
    } finally {
      await admin.close();
      await deleteTopic(broker.bootstrap, forged);
    }
  });
});
