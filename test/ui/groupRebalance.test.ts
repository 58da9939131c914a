// A viewer reading with a consumer group while other members come and go (members started by this
// test against the real broker): the tree's Members level follows without a refresh click, and the
// viewer says "rebalancing" while a slow member holds its group's rebalance up.
import * as assert from 'node:assert/strict';
import type { KafkaClient } from '../../src/core/kafka/client';
import { TopicTail } from '../../src/core/kafka/consumer';
import { deleteGroup } from '../../src/core/kafka/groups';
import { createTopic, deleteTopic, plainClient, produce, records, uniqueTopic } from '../support/consumeFixtures';
import { testBroker } from '../support/testBroker';
import { waitForViewerState } from './support/consumeGrid';
import {
  answerQuickInput,
  clickActivityBarItem,
  collapseSideBarView,
  openWorkbench,
  pickQuickItem,
  quickInput,
  runCommand,
  runContextMenuItem,
  screenshot,
  treeItem,
  webviewFrame,
  type Workbench,
} from './support/workbench';

describe('Consumer group rebalances in the tree and the viewer (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let bootstrap: string;
  let client: KafkaClient;
  const topic = uniqueTopic('ui-rebalance');
  const groupId = `kafka-workbench-${topic}`;
  const others: TopicTail[] = [];

  before(async () => {
    bootstrap = (await testBroker()).bootstrap;
    await createTopic(bootstrap, topic, 2);
    await produce(bootstrap, topic, records(2, 10));
    client = await plainClient(bootstrap, 10_000);
    wb = await openWorkbench({ userSettings: { 'kafkaWorkbench.connections': [{ name: 'UI groups', bootstrapServers: [bootstrap] }] } });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) await screenshot(wb.page, 'group-rebalance-failure');
  });

  after(async () => {
    for (const t of others) await t.stop();
    await wb?.close();
    await deleteGroup(client, groupId).catch(() => undefined);
    await deleteTopic(bootstrap, topic).catch(() => undefined);
    await client?.close();
  });

  /** Another member of the viewer's group; `hold` keeps its first batch (and so its heartbeats) waiting. */
  const member = async (hold?: Promise<void>): Promise<TopicTail> => {
    let held = false;
    const tail = await TopicTail.start(
      client,
      { topic, start: { kind: 'committed', fallback: 'earliest' }, group: { groupId, commit: 'manual' }, isolation: 'read_uncommitted' },
      { records: () => (hold && !held ? ((held = true), hold) : undefined) },
    );
    others.push(tail);
    return tail;
  };

  it('lists members joining and leaving without a refresh, and the viewer says "rebalancing" while a slow member holds the group up', async () => {
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    await collapseSideBarView(page, 'Delivery Reports');
    // The shared broker has many topics and groups: narrow the tree to this test's.
    await runCommand(page, 'Kafka: Filter Topics and Groups…');
    await answerQuickInput(page, topic);
    await treeItem(page, 'UI groups').click();
    await treeItem(page, 'Topics').click();
    const topicRow = treeItem(page, topic);
    await topicRow.waitFor({ state: 'visible', timeout: 30_000 });

    // The viewer joins the group "kafka-workbench-<topic>" with manual commits.
    await runContextMenuItem(page, topicRow, 'Consume from Offset…', () => quickInput(page).isVisible());
    await pickQuickItem(page, 'Earliest');
    await quickInput(page).locator('.quick-input-box input').press('Enter');
    await pickQuickItem(page, `Manual commit in ${groupId}`);
    await pickQuickItem(page, 'read_uncommitted');
    await pickQuickItem(page, 'String (UTF-8)');
    const frame = webviewFrame(page);
    await waitForViewerState(frame, 'live', 30_000);

    await treeItem(page, 'Topics').click();
    await treeItem(page, 'Consumer Groups').click();
    const rows = page.locator('.part.sidebar .monaco-list-row');
    const groupRow = treeItem(page, groupId);
    await groupRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await groupRow.innerText(), /1 member/);
    await groupRow.click();
    await treeItem(page, 'Members').click();
    const memberRows = rows.filter({ hasText: new RegExp(`${topic.replace(/[-]/g, '\\-')}\\[`) });
    await memberRows.first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await memberRows.count(), 1);

    // A second member joins: it appears in the tree on its own (the level is re-described every 3 s).
    let release: () => void = () => undefined;
    const hold = new Promise<void>((r) => (release = r));
    // Released within the 10 s session timeout whatever happens, so the slow member is not thrown out.
    const safety = setTimeout(() => release(), 8_000);
    const slow = await member(hold);
    const joinedAt = Date.now();
    await groupRow.filter({ hasText: /2 members/ }).waitFor({ state: 'visible', timeout: 20_000 });
    await rows.filter({ hasText: /Members\s*2/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
    console.log(`      second member in the tree ${((Date.now() - joinedAt) / 1000).toFixed(1)} s after it joined`);

    // A third joins while the second sits on a batch: the group cannot finish rebalancing until the
    // slow one comes back, and the viewer says so.
    await until(() => slow.assignedPartitions().length > 0, 15_000);
    // Its start resolves only once the group has rebalanced: awaited at the end.
    const joining = member();
    await waitForViewerState(frame, 'rebalancing', 10_000);
    const outage = frame.locator('#outage');
    assert.match(await outage.innerText(), new RegExp(`Group "${groupId}" is rebalancing`));
    const box = await outage.boundingBox();
    assert.ok(box && box.height > 0 && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height, `the rebalancing line is on screen: ${JSON.stringify(box)}`);
    console.log(`viewer rebalancing: ${await screenshot(page, 'group-rebalancing-1400x900')}`);
    await page.setViewportSize({ width: 760, height: 900 });
    console.log(`viewer rebalancing, narrow: ${await screenshot(page, 'group-rebalancing-narrow')}`);
    await page.setViewportSize({ width: 1400, height: 900 });
    release();
    clearTimeout(safety);
    const third = await joining;
    await waitForViewerState(frame, 'live', 20_000);
    assert.equal(await outage.innerText(), '');

    // Both leave: the tree is back to the viewer alone.
    await third.stop();
    await slow.stop();
    await groupRow.filter({ hasText: /1 member/ }).filter({ hasNotText: /members/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await rows.filter({ hasText: /Members\s*1/ }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await treeItem(page, 'kw-consume-test').waitFor({ state: 'detached', timeout: 10_000 });
    await treeItem(page, 'kafka-workbench').waitFor({ state: 'visible' });
    console.log(`members back to one: ${await screenshot(page, 'group-members-tree')}`);
    await runCommand(page, 'Kafka: Clear Filter');
  });
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
