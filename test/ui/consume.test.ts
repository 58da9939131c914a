// The consume viewer clicked in the real workbench: right-click a topic, choose where to start,
// watch records arrive live, commit, and check that a record full of HTML and script stays text.
import * as assert from 'node:assert/strict';
import { createTopic, deleteTopic, produce, records, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { answerQuickInput, clickActivityBarItem, openWorkbench, pickQuickItem, quickInput, runCommand, screenshot, treeItem, webviewFrame, type Workbench, runContextMenuItem } from './support/workbench';

const XSS_VALUE = `<img src=x onerror="document.body.dataset.pwned='value'"><script>document.body.dataset.pwned='script'</script>`;
const XSS_KEY = `<img src=x onerror="document.body.dataset.pwned='key'">`;
const XSS_HEADER = `<svg onload="document.body.dataset.pwned='header'"></svg>`;

describe('Consume viewer (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  // Named to sort first: the shared broker holds other tests' topics, and the tree renders only visible rows.
  const topic = uniqueTopic('a-ui-consume');
  const xssTopic = uniqueTopic('ui-xss');
  const bigTopic = uniqueTopic('ui-big');
  const CAP = 20_000;

  before(async () => {
    broker = await testBroker();
    await createTopic(broker.bootstrap, topic, 2);
    await produce(broker.bootstrap, topic, records(2, 10));
    await createTopic(broker.bootstrap, xssTopic, 1);
    await produce(broker.bootstrap, xssTopic, [{ key: XSS_KEY, value: XSS_VALUE, headers: { 'x-html': XSS_HEADER } }]);
    await createTopic(broker.bootstrap, bigTopic, 1);
    await produce(broker.bootstrap, bigTopic, records(1, 30_000));
    wb = await openWorkbench({
      userSettings: {
        'kafkaWorkbench.connections': [{ name: 'UI broker', bootstrapServers: [broker.bootstrap] }],
        'kafkaWorkbench.consume.maxRecords': CAP,
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) await screenshot(wb.page, 'consume-failure');
  });

  after(async () => {
    await wb?.close();
    await deleteTopic(broker.bootstrap, topic);
    await deleteTopic(broker.bootstrap, xssTopic);
    await deleteTopic(broker.bootstrap, bigTopic);
  });

  it('right-click a topic → Consume from Offset…, records arrive live, Commit shows the committed offsets', async () => {
    const { page } = wb!;
    await clickActivityBarItem(page, 'Kafka');
    await treeItem(page, 'UI broker').click();
    await treeItem(page, 'Topics').waitFor({ state: 'visible', timeout: 30_000 });
    await treeItem(page, 'Topics').click();
    const row = treeItem(page, topic);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await runContextMenuItem(page, row, 'Consume from Offset…', () => quickInput(page).isVisible());
    await quickInput(page).waitFor({ state: 'visible', timeout: 30_000 });

    // Partitions (all, preselected), start, group, commit mode, isolation, deserializers.
    await quickInput(page).locator('.quick-input-box input').press('Enter');
    await pickQuickItem(page, 'Earliest');
    await pickQuickItem(page, `kafka-workbench-${topic}`);
    await pickQuickItem(page, 'Manual');
    await pickQuickItem(page, 'read_committed');
    await pickQuickItem(page, 'String (UTF-8)');
    await pickQuickItem(page, 'String (UTF-8)');

    const frame = webviewFrame(page);
    const rows = frame.locator('.row:not([hidden])');
    await rows.nth(19).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await rows.count(), 20);
    await frame.locator('#state', { hasText: 'live' }).waitFor({ timeout: 15_000 });
    const first = await rows.first().locator('span').allInnerTexts();
    assert.deepEqual([first[0], first[1], first[3], first[4], first[5]], [first[0], '0', 'k0', `p${first[0]}-0`, '0']);

    // Live: records produced now show up without doing anything.
    await produce(broker.bootstrap, topic, [{ partition: 1, key: 'live-key', value: 'arrived-live' }]);
    await frame.locator('.row .c-value', { hasText: 'arrived-live' }).waitFor({ timeout: 15_000 });
    await frame.locator('#counts', { hasText: '21 received' }).waitFor({ timeout: 5_000 });

    await frame.locator('#commit').click();
    await frame.locator('#notice', { hasText: 'Committed: partition 0 → 10, partition 1 → 11' }).waitFor({ timeout: 15_000 });
    const p1 = frame.locator('#partitions tr[data-partition="1"] td');
    await frame.locator('#partitions', { hasText: 'last commit confirmed at' }).waitFor({ timeout: 10_000 });
    assert.deepEqual((await p1.allInnerTexts()).map((t) => t.trim()), ['1', '0', '11', '11', '11', '0']);

    // Details of a selected record.
    await frame.locator('.row .c-value', { hasText: 'arrived-live' }).click();
    await frame.locator('#detail-value', { hasText: 'arrived-live' }).waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('#detail-meta').innerText(), new RegExp(`${topic} · partition 1 · offset 10`));
    await screenshot(page, 'consume-viewer-live-commit');
  });

  it('a record whose key, value and header are HTML with script stays text: nothing in it runs', async () => {
    const { page } = wb!;
    // Closing the first viewer (its panel) stops its consumer; its webview then cannot be mistaken for this one.
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Kafka: Consume from Offset…');
    await answerQuickInput(page, xssTopic);
    await pickQuickItem(page, 'Earliest');
    await pickQuickItem(page, 'No group');
    await pickQuickItem(page, 'read_uncommitted');
    await pickQuickItem(page, 'String (UTF-8)');
    await pickQuickItem(page, 'String (UTF-8)');

    const frame = webviewFrame(page);
    const value = frame.locator('.row:not([hidden]) .c-value').first();
    await value.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await value.innerText(), XSS_VALUE, 'the value is shown as its literal text');
    assert.equal(await frame.locator('.row:not([hidden]) .c-key').first().innerText(), XSS_KEY);
    await value.click();
    await frame.locator('#detail-value').waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('#detail-value').innerText(), XSS_VALUE);
    assert.equal(await frame.locator('#detail-headers li').first().innerText(), `x-html: ${XSS_HEADER}`);
    // Give any handler a chance to fire, then prove none did and no element came from the record.
    await page.waitForTimeout(1000);
    const evidence = await frame.locator('body').evaluate((body) => ({
      pwned: body.getAttribute('data-pwned'),
      imgs: body.querySelectorAll('img').length,
      svgs: body.querySelectorAll('svg').length,
      scripts: [...body.querySelectorAll('script')].filter((s) => !s.src).length,
    }));
    assert.deepEqual(evidence, { pwned: null, imgs: 0, svgs: 0, scripts: 0 });
    await screenshot(page, 'consume-viewer-xss-inert');
  });

  it('30,000 records with a cap of 20,000: the viewer says 10,000 left, keeps a few dozen rows in the DOM, scrolls to the oldest kept; pause, resume, clear, stop', async () => {
    const { page } = wb!;
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Kafka: Consume from Offset…');
    await answerQuickInput(page, bigTopic);
    await pickQuickItem(page, 'Earliest');
    await pickQuickItem(page, 'No group');
    await pickQuickItem(page, 'read_committed');
    await pickQuickItem(page, 'String (UTF-8)');
    await pickQuickItem(page, 'String (UTF-8)');

    const frame = webviewFrame(page);
    await frame.locator('#counts', { hasText: '30,000 received · 20,000 shown · 20,000 buffered' }).waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('#evicted').innerText(), '10,000 older records left the buffer (it keeps the newest 20,000).');
    const rows = frame.locator('.row:not([hidden])');
    await frame.locator('.row:not([hidden]) .c-offset', { hasText: /^29999$/ }).waitFor({ timeout: 10_000 });
    assert.ok((await rows.count()) < 100, `only the rows in view are in the DOM (${await rows.count()})`);

    // Scroll to the top: the oldest record still kept is offset 10000.
    await frame.locator('#viewport').evaluate((e) => (e.scrollTop = 0));
    await frame.locator('.row:not([hidden]) .c-offset', { hasText: /^10000$/ }).waitFor({ timeout: 10_000 });
    // And to the middle.
    await frame.locator('#viewport').evaluate((e) => (e.scrollTop = 10_000 * 22));
    await frame.locator('.row:not([hidden]) .c-offset', { hasText: /^20000$/ }).waitFor({ timeout: 10_000 });
    assert.ok((await rows.count()) < 100);
    await screenshot(page, 'consume-viewer-virtualized');

    await frame.locator('#pause').click();
    await frame.locator('#state', { hasText: 'paused' }).waitFor({ timeout: 10_000 });
    await produce(broker.bootstrap, bigTopic, records(1, 10));
    await page.waitForTimeout(1500);
    assert.match(await frame.locator('#counts').innerText(), /^30,000 received/, 'nothing is read while paused');
    await frame.locator('#pause').click();
    await frame.locator('#state', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    await frame.locator('#counts', { hasText: '30,010 received' }).waitFor({ timeout: 15_000 });

    await frame.locator('#clear').click();
    await frame.locator('#counts', { hasText: '30,010 received · 0 shown · 0 buffered' }).waitFor({ timeout: 10_000 });
    assert.equal(await rows.count(), 0);
    await frame.locator('#stop').click();
    await frame.locator('#state', { hasText: 'stopped' }).waitFor({ timeout: 15_000 });
  });
});
