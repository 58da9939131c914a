// The "Done when" scenario of the sandbox: a saved connection to a real broker with demo topics;
// a user opens the Kafka view, expands the connection and its topics, and sees them.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEMO_TOPICS, createDemoData } from '../../scripts/demoData';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { clickActivityBarItem, openWorkbench, screenshot, treeItem, type Workbench, collapseSideBarView } from './support/workbench';

describe('Kafka view (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;

  before(async () => {
    broker = await testBroker();
    await createDemoData(broker.bootstrap);
    wb = await openWorkbench({
      userSettings: {
        'kafkaWorkbench.connections': [
          { name: 'Sandbox broker', bootstrapServers: [broker.bootstrap] },
          { name: 'Nothing here', bootstrapServers: ['127.0.0.1:1'] },
        ],
      },
    });
  });

  after(async () => {
    await wb?.close();
  });

  it('lists the demo topics with their partition counts under the saved connection, and the status bar shows it', async () => {
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    // The shared broker has many topics: give the Clusters view the side bar's height.
    await collapseSideBarView(page, 'Delivery Reports');
    await treeItem(page, 'Sandbox broker').click();
    const topics = treeItem(page, 'Topics');
    await topics.waitFor({ state: 'visible', timeout: 30_000 });
    await topics.click();
    for (const topic of DEMO_TOPICS) {
      const row = treeItem(page, topic.name);
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await row.innerText();
      assert.match(text, new RegExp(`${topic.partitions} partitions?`), `row for ${topic.name}: ${text}`);
    }
    await treeItem(page, 'Brokers').click();
    const brokerRow = treeItem(page, '1');
    await brokerRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await brokerRow.innerText(), new RegExp(`${broker.bootstrap.replace(/\./g, '\\.')}.*controller`));
    const status = page.locator('.part.statusbar').getByText('Kafka: Sandbox broker');
    await status.waitFor({ state: 'visible', timeout: 10_000 });
    const path = await screenshot(page, 'kafka-view-demo-topics');
    assert.ok(existsSync(path));
  });

  it('a connection to a port nobody listens on shows the cause as a tree item with a retry, not an endless spinner', async () => {
    const { page } = wb!;
    // The first connection's topics fill the view (the shared broker has many): collapse them, as a
    // user would, so the second connection's row is on screen to click.
    await treeItem(page, 'Sandbox broker').hover();
    await page.locator('.part.sidebar .pane-header .action-label[aria-label="Collapse All"]').first().click();
    const started = Date.now();
    await treeItem(page, 'Nothing here').click();
    const error = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: 'Nothing is listening at 127.0.0.1:1' });
    await error.waitFor({ state: 'visible', timeout: 20_000 });
    assert.ok(Date.now() - started < 15_000, 'the failure shows within the connection timeout');
    assert.match(await error.innerText(), /click to retry/);
    await screenshot(page, 'kafka-view-connection-refused');
  });
});
