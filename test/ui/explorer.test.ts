// The topic explorer clicked in the real workbench: create a topic through the command and its
// inputs, see it with its partitions, see a consumer group's lag, delete the topic from its
// context menu and see it go.
import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { deleteGroup, resetGroupOffsets } from '../../src/core/kafka/groups';
import { createTopic, deleteTopic } from '../../src/core/kafka/topics';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { answerQuickInput, clickActivityBarItem, openWorkbench, quickInput, runCommand, runContextMenuItem, screenshot, treeItem, type Workbench, collapseSideBarView } from './support/workbench';
import { plainClient } from '../support/plainClient';

describe('Topic explorer (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  let admin: KafkaClient;
  const suffix = `${Date.now()}`;
  const topic = `ui-created-${suffix}`;
  const lagTopic = `ui-lag-${suffix}`;
  const group = `ui-group-${suffix}`;

  before(async () => {
    broker = await testBroker();
    admin = await plainClient(broker.bootstrap, 'ui-setup', 10_000);
    // A group with committed offsets behind the end of a topic: lag to show.
    await createTopic(admin, { name: lagTopic, partitions: 1, replicationFactor: 1 }, 1);
    const producer = admin.kafkajs.producer();
    await producer.connect();
    await producer.send({ topic: lagTopic, messages: Array.from({ length: 9 }, (_, i) => ({ value: `v${i}` })) });
    await producer.disconnect();
    await resetGroupOffsets(admin, group, lagTopic, { to: 'offset', offset: '2' });
    wb = await openWorkbench({ userSettings: { 'kafkaWorkbench.connections': [{ name: 'UI broker', bootstrapServers: [broker.bootstrap] }] } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) await screenshot(wb.page, 'explorer-failure');
  });

  after(async () => {
    await wb?.close();
    await deleteGroup(admin, group).catch(() => undefined);
    await deleteTopic(admin, lagTopic).catch(() => undefined);
    await deleteTopic(admin, topic).catch(() => undefined);
    await admin.close();
  });

  it('creates a topic from the command palette, shows its partitions and a group\'s lag, and deletes it from the context menu', async () => {
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    // The shared broker has many topics: give the Clusters view the side bar's height.
    await collapseSideBarView(page, 'Delivery Reports');
    await treeItem(page, 'UI broker').click();
    await treeItem(page, 'Topics').waitFor({ state: 'visible', timeout: 30_000 });

    await runCommand(page, 'Kafka: Create Topic…');
    // Each step waits for its own title: the widget is reused, and its value is set as it shows.
    const step = async (title: string, text: string) => {
      await quickInput(page).locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible' });
      await answerQuickInput(page, text);
    };
    await step('(1/4): name', topic);
    await step('(2/4): partitions', '4');
    await step('(3/4): replication factor', '1');
    await quickInput(page).locator('.quick-input-title', { hasText: '(4/4)' }).waitFor({ state: 'visible' });
    await quickInput(page).locator('.quick-input-box input').press('Enter'); // no extra configs
    await quickInput(page).waitFor({ state: 'hidden' });

    await treeItem(page, 'Topics').click();
    const topicRow = treeItem(page, topic);
    await topicRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await topicRow.innerText(), /4 partitions · RF 1/);
    await topicRow.click();
    await treeItem(page, 'Partitions').click();
    for (const p of ['0', '1', '2', '3']) {
      const row = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: `leader 1 · offsets 0–0` }).filter({ has: page.locator('.label-name').getByText(p, { exact: true }) });
      await row.first().waitFor({ state: 'visible', timeout: 20_000 });
    }

    // Collapse the topics so the groups are on screen (the tree only renders visible rows).
    await treeItem(page, 'Topics').click();
    await treeItem(page, 'Consumer Groups').click();
    const groupRow = treeItem(page, group);
    await groupRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await groupRow.innerText(), /lag 7 · Empty/);
    await groupRow.click();
    await treeItem(page, 'Offsets').click();
    const lagRow = treeItem(page, `${lagTopic} / 0`);
    await lagRow.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await lagRow.innerText(), /committed 2 · latest 9 · lag 7/);
    console.log(`expanded tree: ${await screenshot(page, 'explorer-expanded-tree')}`);

    await treeItem(page, 'Consumer Groups').click();
    await treeItem(page, 'Topics').click();
    const confirm = quickInput(page).locator('.quick-input-title', { hasText: `Delete topic "${topic}"` });
    await runContextMenuItem(page, topicRow, 'Delete Topic…', () => confirm.isVisible());
    await answerQuickInput(page, topic);
    await topicRow.waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(page, 'explorer-topic-deleted');
  });
});
