// The consume viewer's timeline strip and a runaway search, clicked in the real workbench. What is
// asserted is what is on screen: the chart's painted canvas inside the viewport, the tooltip, the
// rows the grid paints after a brush restarted the tail, the palette answering while a regex runs.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { createTopic, deleteTopic, produce, uniqueTopic } from '../support/consumeFixtures';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { answerQuickInput, openWorkbench, pickQuickItem, quickInput, quickPickItem, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';
import { paintedRows, waitForPainted } from './support/consumeGrid';

const T0 = Date.UTC(2024, 0, 1, 12); // 12:00 UTC
const MINUTE = 60_000;

/** Opens a viewer of `topic` from its earliest record, no group, as text, through "Consume from Offset…". */
async function consumeEarliest(page: Page, topic: string): Promise<FrameLocator> {
  await runCommand(page, 'Kafka: Consume from Offset…');
  await answerQuickInput(page, topic);
  await pickQuickItem(page, 'Earliest');
  await pickQuickItem(page, 'No group');
  await pickQuickItem(page, 'read_committed');
  await pickQuickItem(page, 'String (UTF-8)');
  return webviewFrame(page);
}

describe('Consume viewer: timeline and a runaway search (UI)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  const topic = uniqueTopic('ui-timeline');
  const evilTopic = uniqueTopic('ui-redos');

  before(async () => {
    broker = await testBroker();
    // Ten bursts a minute apart (12:00, 12:01, … 12:09 UTC), three records each: offsets 3m, 3m+1, 3m+2.
    await createTopic(broker.bootstrap, topic, 1);
    const messages = [];
    for (let m = 0; m < 10; m++) for (let i = 0; i < 3; i++) messages.push({ key: `m${m}`, value: `minute-${m}-${i}`, timestamp: String(T0 + m * MINUTE + i * 100) });
    await produce(broker.bootstrap, topic, messages);
    await createTopic(broker.bootstrap, evilTopic, 1);
    await produce(broker.bootstrap, evilTopic, [{ key: 'plain', value: 'hello' }, { key: 'evil', value: `${'a'.repeat(30_000)}!` }]);
    wb = await openWorkbench({
      viewport: { width: 1400, height: 900 },
      userSettings: {
        'kafkaWorkbench.connections': [{ name: 'UI broker', bootstrapServers: [broker.bootstrap] }],
        'kafkaWorkbench.consume.timeZone': 'utc',
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) await screenshot(wb.page, 'consume-timeline-failure');
  });

  after(async () => {
    await wb?.close();
    await deleteTopic(broker.bootstrap, topic);
    await deleteTopic(broker.bootstrap, evilTopic);
  });

  it('the timeline paints the topic’s bursts, tells a bucket’s range and count, and a brush restarts the tail from the range’s start', async () => {
    const { page } = wb!;
    const frame = await consumeEarliest(page, topic);
    await waitForPainted(frame, 'a screenful of records', (rows) => rows.length >= 10);
    await runCommand(page, 'View: Close Primary Side Bar');
    await waitForPainted(frame, 'all 30 records', (rows) => rows.length === 30);

    // Opened from its toolbar button; the keys act on the chart, which has the focus.
    await frame.locator('#toggle-timeline').click();
    await frame.locator('#timeline-summary', { hasText: '30 records' }).waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('#toggle-timeline').getAttribute('aria-pressed'), 'true');
    assert.match((await frame.locator('#timeline-chart').getAttribute('aria-label')) ?? '', /Drag across it/);
    const painted = await frame.locator('#timeline-chart canvas').evaluate((el) => {
      const canvas = el as typeof el & { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
      const b = canvas.getBoundingClientRect();
      const win = canvas.ownerDocument.defaultView!;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: win.innerWidth, height: win.innerHeight, inked };
    });
    assert.ok(painted.left >= 0 && painted.top >= 0 && painted.right <= painted.width && painted.bottom <= painted.height, `the chart is inside the viewport: ${JSON.stringify(painted)}`);
    assert.ok(painted.right - painted.left > painted.width * 0.9, `the chart fills the width: ${JSON.stringify(painted)}`);
    assert.ok(painted.inked > 500, `the canvas is painted (${painted.inked} pixels inked)`);

    // A pixel of the plot for a time: the x scale spans exactly the timeline's range.
    const over = (await frame.locator('#timeline-chart .u-over').boundingBox())!;
    const from = Number(await frame.locator('#timeline-chart').getAttribute('data-from'));
    const to = Number(await frame.locator('#timeline-chart').getAttribute('data-to'));
    assert.equal(from, T0, 'the range starts at the first record');
    const x = (t: number) => over.x + ((t - from) / (to - from)) * over.width;
    const y = over.y + over.height / 2;

    // The bucket under the mouse: its range and count. The burst at 12:04 is three records.
    await page.mouse.move(x(T0 + 4 * MINUTE + 50), y);
    const tip = frame.locator('#timeline-tip');
    await tip.waitFor({ state: 'visible', timeout: 5_000 });
    assert.match(await tip.innerText(), /^2024-01-01 12:0\d:\d\d\.\d{3} UTC – 2024-01-01 12:0\d:\d\d\.\d{3} UTC: 3 records$/);
    await screenshot(page, 'consume-viewer-timeline-1400x900');

    // Drag from 12:05:30 to 12:07:30: the tail restarts from the first record at or after the
    // picked bucket's start, the 12:06 burst (offset 18); what the grid paints starts there.
    await page.mouse.move(x(T0 + 5.5 * MINUTE), y);
    await page.mouse.down();
    await page.mouse.move(x(T0 + 6.5 * MINUTE), y, { steps: 5 });
    await page.mouse.move(x(T0 + 7.5 * MINUTE), y, { steps: 5 });
    await page.mouse.up();
    await frame.locator('#notice', { hasText: 'Restarted from 2024-01-01T12:05' }).waitFor({ timeout: 20_000 });
    const rows = await waitForPainted(frame, 'the records from 12:06 on', (r) => r.length === 12 && r[0].offset === '18');
    assert.equal(rows[0].timestamp, '2024-01-01 12:06:00.000 UTC');
    assert.deepEqual(rows.map((r) => r.value).slice(0, 3), ['minute-6-0', 'minute-6-1', 'minute-6-2']);
    assert.equal(await frame.locator('#s-start').inputValue(), 'timestamp', 'the source bar says where the tail starts now');

    // Keyboard: Escape on the chart closes the strip and gives the focus back to its button.
    await frame.locator('#timeline-chart').focus();
    await page.keyboard.press('Escape');
    await frame.locator('#timeline').waitFor({ state: 'hidden' });
    assert.equal(await frame.locator('#toggle-timeline').evaluate((e) => e === e.ownerDocument.activeElement), true);
    assert.equal(await frame.locator('#toggle-timeline').getAttribute('aria-pressed'), 'false');
  });

  it('keyboard on the timeline: arrows pick a bucket, Enter with "search" asks for the search only, over that bucket’s range; the narrow split keeps the strip and the grid in view; records arriving are counted again without a click', async () => {
    const { page } = wb!;
    const frame = webviewFrame(page);
    await page.keyboard.press('Enter'); // the focused toggle button opens the strip again
    await frame.locator('#timeline-summary', { hasText: '30 records' }).waitFor({ timeout: 20_000 });
    await frame.locator('#timeline-brush').selectOption('search');
    await frame.locator('#timeline-chart').focus();
    await page.keyboard.press('Home');
    await frame.locator('#timeline-tip', { hasText: '2024-01-01 12:00:00.000 UTC – ' }).waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
    // One step (the range is the bucket's), titled with it.
    await quickInput(page).waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await quickInput(page).locator('.quick-input-title').innerText(), /Search topic .* from 2024-01-01T12:00:00\.000Z to 2024-01-01T12:00:0\d\.\d{3}Z/);
    await answerQuickInput(page, 'minute');
    await quickInput(page).locator('.monaco-list-row', { hasText: 'partition 0 · offset 2' }).waitFor({ timeout: 20_000 });
    await page.locator('.quick-input-title', { hasText: 'done: 3 matches in 3 records' }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('Escape');

    // Three more records inside the last burst's minute, while the strip stays open.
    await produce(broker.bootstrap, topic, [0, 1, 2].map((i) => ({ key: 'late', value: `late-${i}`, timestamp: String(T0 + 9 * MINUTE + 500 + i * 100) })));

    // The narrow split: the value opened in an editor beside; the strip and the grid fit its width.
    await frame.locator('#timeline-brush').selectOption('start');
    await frame.locator('.row').first().click();
    await frame.locator('#open-editor').click();
    await page.locator('.part.editor .editor-group-container').nth(1).waitFor({ timeout: 10_000 });
    await frame.locator('.main.below').waitFor({ timeout: 10_000 });
    const fit = await frame.locator('body').evaluate((body) => {
      const doc = body.ownerDocument;
      const chart = doc.querySelector('#timeline-chart canvas')!.getBoundingClientRect();
      const viewport = doc.getElementById('viewport')!;
      return { width: doc.defaultView!.innerWidth, chartRight: chart.right, chartWidth: chart.width, scrollWidth: viewport.scrollWidth, clientWidth: viewport.clientWidth };
    });
    assert.ok(fit.chartRight <= fit.width && fit.chartWidth > fit.width * 0.85, `the chart follows the narrower width: ${JSON.stringify(fit)}`);
    assert.ok(fit.scrollWidth <= fit.clientWidth, `the grid does not scroll sideways: ${JSON.stringify(fit)}`);
    assert.ok((await paintedRows(frame)).length >= 5);
    await screenshot(page, 'consume-viewer-timeline-narrow-split');
    // Counted again without a click: the open strip recounts (every 10 s) once records arrived.
    await frame.locator('#timeline-summary', { hasText: '33 records' }).waitFor({ timeout: 30_000 });
  });

  it('(a+)+$ against 30 KB of "a"s: the workbench answers a command within 2 s while it runs, the search box reports the time-out, and the grid keeps working', async () => {
    const { page } = wb!;
    await runCommand(page, 'View: Close All Editors');
    const frame = await consumeEarliest(page, evilTopic);
    await waitForPainted(frame, 'both records', (rows) => rows.length === 2);
    await frame.locator('#regex').click();
    await frame.locator('#search').fill('(a+)+$');
    await frame.locator('#search').press('Enter');
    // A command that runs in the extension host and answers with its input box: the host is not
    // blocked. Timed from the pick in the palette to the host's answer on screen.
    await page.locator('.command-center-center').first().click();
    const paletteInput = quickInput(page).locator('.quick-input-box input');
    await paletteInput.fill('>Kafka: Filter Topics and Groups…');
    const item = quickPickItem(page, 'Kafka: Filter Topics and Groups…').first();
    await item.waitFor();
    const started = Date.now();
    await item.click();
    await page.locator('.quick-input-title', { hasText: 'Filter topics and consumer groups' }).waitFor({ timeout: 5_000 });
    const roundTrip = Date.now() - started;
    const stillRunning = (await frame.locator('#notice[data-kind="error"]').count()) === 0;
    await page.keyboard.press('Escape');
    assert.ok(roundTrip < 2_000, `a command palette round trip while the regex runs took ${roundTrip} ms`);
    assert.ok(stillRunning, 'the round trip was made while the search ran (its time-out not reported yet)');
    console.log(`palette round trip while (a+)+$ runs: ${roundTrip} ms`);
    await frame.locator('#notice[data-kind="error"]', { hasText: /stopped after 5000 ms/ }).waitFor({ timeout: 15_000 });
    assert.equal(await frame.locator('#search').getAttribute('aria-invalid'), 'true');
    // The grid still answers: a plain search paints the matching row.
    await frame.locator('#regex').click();
    await frame.locator('#search').fill('hello');
    await waitForPainted(frame, 'the plain match', (rows) => rows.length === 1 && rows[0].value === 'hello');

    // A regex that does not compile and a JSON path that does not parse: said on the notice line, the rows stay.
    await frame.locator('#regex').click();
    await frame.locator('#search').fill('(unclosed');
    await frame.locator('#notice[data-kind="error"]', { hasText: /Invalid regular expression.*Fix the pattern/ }).waitFor({ timeout: 5_000 });
    assert.equal(await frame.locator('#search').getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await paintedRows(frame)).map((r) => r.value), ['hello']);
    await frame.locator('#regex').click();
    await frame.locator('#search').fill('$.customer.id ==');
    await frame.locator('#notice[data-kind="error"]', { hasText: /A value is missing after the comparison/ }).waitFor({ timeout: 5_000 });
    await frame.locator('#search').fill('');
    await waitForPainted(frame, 'every row back', (rows) => rows.length === 2);
  });
});
