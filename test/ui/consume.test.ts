// The consume viewer clicked in the real workbench. What is asserted is what is on screen: the rows
// painted inside the grid's viewport, the element that receives a click, the selection the keys move.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createTopic, deleteTopic, produce, records, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import {
  answerQuickInput,
  clickActivityBarItem,
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
import { paintedRows, waitForPainted, waitForViewerState } from './support/consumeGrid';

const XSS_VALUE = `<img src=x onerror="document.body.dataset.pwned='value'"><script>document.body.dataset.pwned='script'</script>`;
const XSS_KEY = `<img src=x onerror="document.body.dataset.pwned='key'">`;
const XSS_HEADER = `<svg onload="document.body.dataset.pwned='header'"></svg>`;
const BIDI_VALUE = 'invoice-\u202Egpj.exe';

async function openTopicsOf(page: Page, connection: string): Promise<void> {
  await clickActivityBarItem(page, 'Kafka');
  if (!(await treeItem(page, 'Topics').isVisible())) await treeItem(page, connection).click();
  await treeItem(page, 'Topics').waitFor({ state: 'visible', timeout: 30_000 });
  const expanded = await treeItem(page, 'Topics').getAttribute('aria-expanded');
  if (expanded !== 'true') await treeItem(page, 'Topics').click();
}

/** One click on the topic's inline "View Records" action. */
async function viewRecords(page: Page, topic: string): Promise<void> {
  const row = treeItem(page, topic);
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.hover();
  await row.locator('.actions .action-label[aria-label="View Records"]').click();
}

function editorTabs(page: Page): Promise<string[]> {
  return page.locator('.tabs-container .tab .label-name').allInnerTexts();
}

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
    await produce(broker.bootstrap, topic, [
      ...records(2, 10),
      { partition: 0, key: 'json', value: '{"customer":{"id":9007199254740993},"items":[1,2]}' },
      { partition: 0, key: 'bidi', value: BIDI_VALUE },
    ]);
    await createTopic(broker.bootstrap, xssTopic, 1);
    await produce(broker.bootstrap, xssTopic, [{ key: XSS_KEY, value: XSS_VALUE, headers: { 'x-html': XSS_HEADER, 'x-bin': Buffer.from([0xff, 0x00, 0xfe]) } }]);
    await createTopic(broker.bootstrap, bigTopic, 1);
    await produce(broker.bootstrap, bigTopic, records(1, 30_000));
    wb = await openWorkbench({
      userSettings: {
        'kafkaWorkbench.connections': [{ name: 'UI broker', bootstrapServers: [broker.bootstrap] }],
        'kafkaWorkbench.consume.maxRecords': CAP,
        'kafkaWorkbench.consume.timeZone': 'utc',
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

  it('one click on a topic shows its newest records filling the editor; the newest row receives the click; arrows move the selection; the search paints only matches', async () => {
    const { page } = wb!;
    await openTopicsOf(page, 'UI broker');
    await viewRecords(page, topic);
    const frame = webviewFrame(page);
    // With the side bar open the details go below the table (the editor is under 1200 px wide).
    await waitForPainted(frame, 'a screenful of records', (rows) => rows.length >= 15);
    await frame.locator('.main.below').waitFor();
    await screenshot(page, 'consume-viewer-sidebar-1400x900');
    // Without it they go beside, and every record fits.
    await runCommand(page, 'View: Close Primary Side Bar');
    await frame.locator('.main.right').waitFor();
    const all = await waitForPainted(frame, 'all 22 records painted', (rows) => rows.length === 22);
    assert.deepEqual(all.filter((r) => r.partition === '1').map((r) => r.value), Array.from({ length: 10 }, (_, i) => `p1-${i}`));
    await waitForViewerState(frame, 'live', 15_000);
    // A big integer stays exact and the bidi override is shown, not obeyed.
    assert.ok(all.some((r) => r.value === '{"customer":{"id":9007199254740993},"items":[1,2]}'));
    assert.ok(all.some((r) => r.value === 'invoice-⟨U+202E⟩gpj.exe'), 'U+202E is shown as ⟨U+202E⟩');

    // The grid fills the editor: its viewport reaches the bottom of the webview and spans its width.
    const layout = await frame.locator('body').evaluate((body) => {
      const doc = body.ownerDocument;
      const v = doc.getElementById('viewport')!.getBoundingClientRect();
      const toolbar = doc.querySelector('.toolbar')!.getBoundingClientRect();
      const win = doc.defaultView!;
      return { bottom: v.bottom, height: win.innerHeight, width: win.innerWidth, gridWidth: doc.querySelector('.grid')!.getBoundingClientRect().width, toolbarHeight: toolbar.height };
    });
    assert.ok(layout.height - layout.bottom < 4, `the grid reaches the bottom (${JSON.stringify(layout)})`);
    assert.ok(layout.toolbarHeight < 36, `the toolbar is one line (${layout.toolbarHeight}px)`);
    assert.ok(layout.gridWidth > layout.width * 0.5, 'the table takes most of the width');

    // Live: a record produced now is painted at the bottom, and it is what a click there hits.
    await produce(broker.bootstrap, topic, [{ partition: 1, key: 'live-key', value: 'arrived-live' }]);
    await waitForPainted(frame, 'the live record at the bottom', (rows) => rows.at(-1)?.value === 'arrived-live');
    const newest = frame.locator('.row', { has: frame.locator('.c-value', { hasText: 'arrived-live' }) });
    const hit = await newest.evaluate((row) => {
      const b = row.getBoundingClientRect();
      const at = row.ownerDocument.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      return at !== null && row.contains(at);
    });
    assert.ok(hit, 'the newest row is the element at its own centre (nothing drawn over it)');
    // Details name the format auto-detect found, not "auto".
    await frame.locator('.row', { has: frame.locator('.c-value', { hasText: '"customer"' }) }).click();
    await frame.locator('#detail-value-label', { hasText: 'Value (JSON)' }).waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('#detail-key-label').innerText(), 'Key (UTF-8)');
    await newest.click();
    await frame.locator('#detail-value', { hasText: 'arrived-live' }).waitFor({ timeout: 10_000 });
    await frame.locator('#detail-value-label', { hasText: 'Value (UTF-8)' }).waitFor({ timeout: 10_000 });
    assert.match(await frame.locator('#detail-meta').innerText(), new RegExp(`${topic} · partition 1 · offset 10 · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} UTC`));

    // Keyboard: ArrowUp selects the row above and shows it; Enter keeps it open.
    await page.keyboard.press('ArrowUp');
    const selectedValue = () => frame.locator('.row[aria-selected="true"] .c-value').innerText();
    assert.equal(await selectedValue(), all.at(-1)!.value);
    await frame.locator('#detail-value', { hasText: all.at(-1)!.value.slice(0, 8) }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('ArrowUp');
    assert.equal(await selectedValue(), all.at(-2)!.value);
    await page.keyboard.press('Enter');
    await screenshot(page, 'consume-viewer-1400x900');

    // The search paints exactly the matching rows (nothing hidden stays drawn).
    await page.keyboard.press('Control+f');
    assert.equal(await frame.locator('#search').evaluate((e) => e === e.ownerDocument.activeElement), true, 'Ctrl+F focuses the search');
    await page.keyboard.type('p1-');
    const matching = await waitForPainted(frame, 'only p1- rows', (rows) => rows.length === 10 && rows.every((r) => r.value.startsWith('p1-')));
    assert.deepEqual(matching.map((r) => r.offset), Array.from({ length: 10 }, (_, i) => String(i)));
    await frame.locator('#counts', { hasText: '10 shown' }).waitFor({ timeout: 5_000 });
    // The key filter in the folding filter bar narrows further.
    await frame.locator('#toggle-filters').click();
    await frame.locator('#f-key').fill('k7');
    await waitForPainted(frame, 'only p1-7', (rows) => rows.length === 1 && rows[0].value === 'p1-7');
    await frame.locator('#f-reset').click();
    await waitForPainted(frame, 'all rows back', (rows) => rows.length === 23);
  });

  it('a toolbar change restarts the tail in place; a second viewer of the topic is titled apart; the narrow split keeps the grid usable', async () => {
    const { page } = wb!;
    const frame = webviewFrame(page);
    await frame.locator('#toggle-source').click();
    await frame.locator('#s-value').selectOption('hex');
    // Restarted: the same newest records, now read as hex.
    await waitForPainted(frame, 'hex values', (rows) => rows.length === 23 && rows.some((r) => r.value === Buffer.from('p1-0').toString('hex')));
    await frame.locator('#notice', { hasText: 'Restarted' }).waitFor({ timeout: 10_000 });
    await frame.locator('#toggle-source').click();

    // Sorting by a column header (a snapshot), then back to arrival order.
    await frame.locator('.grid-head .h-offset').click();
    await frame.locator('.grid-head .h-offset[aria-sort="ascending"]').waitFor();
    const sorted = await waitForPainted(frame, 'sorted by offset', (rows) => rows.length === 23 && rows[0].offset === '0' && rows[1].offset === '0');
    assert.deepEqual(sorted.slice(0, 4).map((r) => r.offset), ['0', '0', '1', '1']);
    await frame.locator('.grid-head .h-offset').click();
    await frame.locator('.grid-head .h-offset').click();
    await frame.locator('.grid-head .h-offset[aria-sort="none"]').waitFor();

    // Select a record and open its value in an editor beside: the viewer is now half the width.
    await frame.locator('.row').first().click();
    await frame.locator('#open-editor').click();
    await page.locator('.part.editor .editor-group-container').nth(1).waitFor({ timeout: 10_000 });
    // Details go below when narrow: the grid shows fewer rows, still the newest, still whole rows.
    const narrow = await waitForPainted(frame, 'rows painted in the narrow split', (rows) => rows.length >= 8 && rows.length < 23);
    assert.ok(narrow.every((r) => /^[0-9a-f]+$/.test(r.value)));
    assert.ok(await page.locator('.tabs-container .tab .label-name', { hasText: 'partition-' }).first().isVisible(), 'the value opened in a read-only editor beside');
    const toolbarHeight = await frame.locator('.toolbar').evaluate((e) => e.getBoundingClientRect().height);
    assert.ok(toolbarHeight < 36, `the toolbar stays one line when narrow (${toolbarHeight}px)`);
    // The grid does not scroll sideways: less needed columns hide, the others shrink with an ellipsis.
    const sideways = await frame.locator('#viewport').evaluate((v) => ({ scrollWidth: v.scrollWidth, clientWidth: v.clientWidth, headers: v.ownerDocument.querySelector('.grid-head .h-headers')!.getBoundingClientRect().width }));
    assert.ok(sideways.scrollWidth <= sideways.clientWidth, `no sideways scrolling in the narrow split: ${JSON.stringify(sideways)}`);
    assert.equal(sideways.headers, 0, 'the header-count column is hidden when narrow');
    const offsetCell = frame.locator('.row .c-offset').last();
    const cellBox = (await offsetCell.boundingBox())!;
    const viewportBox = (await frame.locator('#viewport').boundingBox())!;
    assert.ok(cellBox.x >= viewportBox.x && cellBox.x + cellBox.width <= viewportBox.x + viewportBox.width, 'the offset column is painted inside the grid');
    await screenshot(page, 'consume-viewer-narrow-split');
    // A very narrow split (the window 760 px wide): the timestamp hides too (the details show it);
    // key and value stay painted and the grid still does not scroll sideways.
    await page.setViewportSize({ width: 760, height: 900 });
    try {
      const veryNarrow = await frame.locator('#viewport').evaluate(async (v) => {
        await new Promise((r) => setTimeout(r, 300)); // the grid re-fits on its resize observer
        const doc = v.ownerDocument;
        const width = (sel: string) => doc.querySelector(sel)!.getBoundingClientRect().width;
        return { gridWidth: v.clientWidth, scrollWidth: v.scrollWidth, timestamp: width('.grid-head .h-timestamp'), key: width('.grid-head .h-key'), value: width('.grid-head .h-value') };
      });
      assert.ok(veryNarrow.gridWidth < 420, `the grid is very narrow here: ${JSON.stringify(veryNarrow)}`);
      assert.ok(veryNarrow.scrollWidth <= veryNarrow.gridWidth, `no sideways scrolling at ${veryNarrow.gridWidth} px: ${JSON.stringify(veryNarrow)}`);
      assert.equal(veryNarrow.timestamp, 0, 'the timestamp column hides when very narrow');
      assert.ok(veryNarrow.key >= 60 && veryNarrow.value >= 80, `key and value stay: ${JSON.stringify(veryNarrow)}`);
      await waitForPainted(frame, 'rows painted in the very narrow split', (rows) => rows.length >= 8 && rows.every((r) => /^[0-9a-f]+$/.test(r.value)));
      // The toolbar stays one line with every visible button inside it; the rest are in "More Actions…".
      const toolbar = await frame.locator('.toolbar').evaluate((t) => {
        const box = t.getBoundingClientRect();
        const shown = [...t.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().width > 0);
        return { height: box.height, right: box.right, outside: shown.filter((b) => b.getBoundingClientRect().right > box.right + 0.5).map((b) => b.id) };
      });
      assert.ok(toolbar.height < 36, `one line: ${JSON.stringify(toolbar)}`);
      assert.deepEqual(toolbar.outside, [], 'no toolbar button is cut off');
      await screenshot(page, 'consume-viewer-very-narrow-split');
      const more = frame.locator('#toolbar-more');
      await more.click();
      const menu = frame.locator('#toolbar-more-menu');
      await menu.waitFor({ state: 'visible', timeout: 5_000 });
      const items = await menu.locator('[role^="menuitem"]').allInnerTexts();
      assert.ok(items.some((t) => /^Export/.test(t)), `Export is in the menu: ${items.join(' | ')}`);
      await screenshot(page, 'consume-viewer-very-narrow-more-actions');
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
      assert.equal(await more.evaluate((b) => b === b.ownerDocument.activeElement), true, 'Escape gives the focus back to the menu button');
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }

    await runCommand(page, 'View: Focus First Editor Group');
    await openTopicsOf(page, 'UI broker');
    await viewRecords(page, topic);
    await page.locator('.tabs-container .tab .label-name', { hasText: `Consume: ${topic} (2)` }).first().waitFor({ timeout: 15_000 });
    const tabs = await editorTabs(page);
    assert.ok(tabs.includes(`Consume: ${topic}`) && tabs.includes(`Consume: ${topic} (2)`), `two viewers titled apart: ${tabs.join(', ')}`);
  });

  it('Consume from Offset… is one multi-step input (step counter); records arrive live; Commit shows the committed offsets', async () => {
    const { page } = wb!;
    await runCommand(page, 'View: Close All Editors');
    await openTopicsOf(page, 'UI broker');
    const row = treeItem(page, topic);
    await runContextMenuItem(page, row, 'Consume from Offset…', () => quickInput(page).isVisible());
    await quickInput(page).waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await quickInput(page).innerText(), /1\/5/, 'a step counter');
    await pickQuickItem(page, 'Earliest');
    // Partitions (all, preselected), group and commit mode, isolation, formats.
    await quickInput(page).locator('.quick-input-box input').press('Enter');
    await pickQuickItem(page, `Manual commit in kafka-workbench-${topic}`);
    await pickQuickItem(page, 'read_committed');
    await pickQuickItem(page, 'String (UTF-8)');

    const frame = webviewFrame(page);
    await frame.locator('#counts', { hasText: '23 received · 23 shown' }).waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; counts: ${await frame.locator('#counts').innerText()}`);
    });
    await waitForPainted(frame, 'a screenful', (rows) => rows.length >= 15);
    await waitForViewerState(frame, 'live', 15_000);

    await frame.locator('#commit').click();
    await frame.locator('#notice', { hasText: 'Committed: partition 0 → 12, partition 1 → 11' }).waitFor({ timeout: 15_000 });
    await frame.locator('#toggle-partitions').click();
    const p1 = frame.locator('#partitions tr[data-partition="1"] td');
    await frame.locator('#partitions', { hasText: 'last commit confirmed at' }).waitFor({ timeout: 10_000 });
    assert.deepEqual((await p1.allInnerTexts()).map((t) => t.trim()), ['1', '0', '11', '11', '11', '0']);
    await frame.locator('#toggle-partitions').click();

    // The flow remembers: the next time starts with "Start as last time".
    await runCommand(page, 'View: Close All Editors');
    await runContextMenuItem(page, row, 'Consume from Offset…', () => quickInput(page).isVisible());
    await pickQuickItem(page, 'Start as last time');
    await waitForPainted(webviewFrame(page), 'records again', (rows) => rows.length > 0);
  });

  it('a record whose key, value and header are HTML with script stays text: nothing in it runs; a binary header is marked', async () => {
    const { page } = wb!;
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Kafka: Consume from Offset…');
    await answerQuickInput(page, xssTopic);
    await pickQuickItem(page, 'Earliest');
    await pickQuickItem(page, 'No group');
    await pickQuickItem(page, 'read_uncommitted');
    await pickQuickItem(page, 'String (UTF-8)');

    const frame = webviewFrame(page);
    const [painted] = await waitForPainted(frame, 'the XSS record', (rows) => rows.length === 1);
    assert.equal(painted.value, XSS_VALUE, 'the value is shown as its literal text');
    assert.equal(painted.key, XSS_KEY);
    await frame.locator('.row .c-value').first().click();
    await frame.locator('#detail-value').waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('#detail-value').innerText(), XSS_VALUE);
    const headers = await frame.locator('#detail-headers tr').allInnerTexts();
    assert.deepEqual(
      headers.map((h) => h.replace(/\s+/g, ' ').trim()),
      [`x-html ${XSS_HEADER}`, 'x-bin binary, hex ff00fe'],
    );
    // Give any handler a chance to fire, then prove none did and no element came from the record.
    await page.waitForTimeout(1000);
    const evidence = await frame.locator('body').evaluate((body) => ({
      pwned: body.getAttribute('data-pwned'),
      imgs: body.querySelectorAll('img').length,
      svgs: body.querySelectorAll('svg').length,
      scripts: [...body.querySelectorAll('script')].filter((s) => !s.src).length,
    }));
    assert.deepEqual(evidence, { pwned: null, imgs: 0, svgs: 0, scripts: 0 });
  });

  it('30,000 records with a cap of 20,000: only the rows in view are in the DOM; scrolled up it stays put and says "N new"; pause, resume, clear, stop', async () => {
    const { page } = wb!;
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Kafka: Consume from Offset…');
    await answerQuickInput(page, bigTopic);
    await pickQuickItem(page, 'Earliest');
    await pickQuickItem(page, 'No group');
    await pickQuickItem(page, 'read_committed');
    await pickQuickItem(page, 'String (UTF-8)');

    const frame = webviewFrame(page);
    await frame.locator('#counts', { hasText: '30,000 received · 20,000 shown · 20,000 buffered' }).waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('#evicted').getAttribute('title'), '10,000 older records left the buffer (it keeps the newest 20,000).');
    await waitForPainted(frame, 'the newest row at the bottom', (rows) => rows.at(-1)?.offset === '29999');
    const inDom = () => frame.locator('.row').count();
    assert.ok((await inDom()) < 100, `only the rows in view are in the DOM (${await inDom()})`);

    // Scroll to the top: the oldest record still kept is offset 10000, and the view stays there while records arrive.
    await frame.locator('#viewport').evaluate((e) => (e.scrollTop = 0));
    await waitForPainted(frame, 'the oldest kept row on top', (rows) => rows[0]?.offset === '10000');
    await produce(broker.bootstrap, bigTopic, records(1, 5));
    await frame.locator('#new-records', { hasText: '5 new' }).waitFor({ timeout: 15_000 });
    const stayed = await paintedRows(frame);
    assert.equal(stayed[0].offset, '10005', 'the same records stay in view (the 5 oldest left the capped buffer)');
    await frame.locator('#new-records').click();
    await waitForPainted(frame, 'back at the newest', (rows) => rows.at(-1)?.offset === '30004');
    assert.ok((await inDom()) < 100);

    await frame.locator('#pause').click();
    await waitForViewerState(frame, 'paused', 10_000);
    await produce(broker.bootstrap, bigTopic, records(1, 10));
    await page.waitForTimeout(1500);
    assert.match(await frame.locator('#counts').innerText(), /^30,005 received/, 'nothing is read while paused');
    await frame.locator('#pause').click();
    await waitForViewerState(frame, 'live', 10_000);
    await frame.locator('#counts', { hasText: '30,015 received' }).waitFor({ timeout: 15_000 });

    await frame.locator('#clear').click();
    await frame.locator('#counts', { hasText: '30,015 received · 0 shown · 0 buffered' }).waitFor({ timeout: 10_000 });
    assert.equal(await inDom(), 0);
    await frame.locator('#stop').click();
    await waitForViewerState(frame, 'stopped', 15_000);

    // Search topic… scans Kafka, not the buffer: offset 1234 left the buffer long ago.
    await frame.locator('#search-topic').click();
    await answerQuickInput(page, 'value:/^p0-1234$/');
    await pickQuickItem(page, 'Whole topic');
    const match = quickInput(page).locator('.monaco-list-row', { hasText: 'partition 0 · offset 1234' });
    await match.waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-title', { hasText: 'done: 1 matches in 30,015 records' }).waitFor({ timeout: 30_000 });
    // The match is the active item (a title tooltip may cover it): Enter opens it.
    await quickInput(page).locator('.quick-input-box input').press('Enter');
    // Opened in the grid: the tail restarted at that record, which is selected.
    await frame.locator('.row[aria-selected="true"] .c-value', { hasText: /^p0-1234$/ }).waitFor({ timeout: 20_000 });
    const [top] = await paintedRows(frame);
    assert.equal(top.offset, '1234');
    await screenshot(page, 'consume-viewer-topic-search-opened');
  });
});
