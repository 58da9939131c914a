// A .kafka file in the real workbench: its CodeLenses are painted above the blocks, the connection
// lens on the first line, a click on "Produce record" sends (kcat reads it) and paints the delivery
// report as a lens; screenshots at 1400x900 and in a narrow split.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { KafkaClient } from '../../src/core/kafka/client';
import { createTopic } from '../../src/core/kafka/topics';
import { kcatRead } from '../support/produceTools';
import { plainClient } from '../support/plainClient';
import { findRepoRoot } from '../support/repoRoot';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { inViewport, openForm, setEditor, setField } from './support/produceForm';
import { openWorkbench, quickInput, quickPickItem, runCommand, screenshot, webviewFrame, type Workbench } from './support/workbench';

const CONNECTION = 'ui-kafka-file';

function codeLens(page: Page, text: string | RegExp, group = 0): Locator {
  return page.locator('.editor-group-container').nth(group).locator('.codelens-decoration a', { hasText: text }).first();
}

/** The editor's text area: the group's editor without the minimap, which paints over the right edge. */
async function textArea(outer: Locator): Promise<{ x: number; y: number; width: number; height: number } | null> {
  const b = await outer.boundingBox();
  const minimap = await outer.locator('.minimap').first().boundingBox().catch(() => null);
  return b && minimap && minimap.x > b.x ? { ...b, width: minimap.x - b.x } : b;
}

/** A long lens whose start (the partition@offset and latency) must be readable. */
/** A lens's box; the lenses are re-rendered when the connection state changes, so it is asked again until painted. */
async function boxOf(inner: Locator): Promise<{ x: number; y: number; width: number; height: number } | null> {
  for (let i = 0; i < 50; i++) {
    const box = await inner.boundingBox({ timeout: 5_000 }).catch(() => null);
    if (box && box.width > 0) return box;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

async function assertStartsInside(inner: Locator, outer: Locator, what: string): Promise<void> {
  const a = await boxOf(inner);
  const b = await textArea(outer);
  assert.ok(a && b, `${what} is painted`);
  assert.ok(a.x >= b.x && a.x + Math.min(a.width, 120) <= b.x + b.width, `${what} starts inside its editor: ${JSON.stringify(a)} in ${JSON.stringify(b)}`);
}

async function assertInside(inner: Locator, outer: Locator, what: string): Promise<void> {
  const a = await boxOf(inner);
  const b = await textArea(outer);
  assert.ok(a && b, `${what} is painted`);
  assert.ok(a.width > 0 && a.height > 0, `${what} has a size`);
  assert.ok(a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width + 1 && a.y + a.height <= b.y + b.height + 1, `${what} lies inside its editor: ${JSON.stringify(a)} in ${JSON.stringify(b)}`);
}

describe('.kafka files in the workbench (UI)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let broker: BrokerInfo;
  let admin: KafkaClient;
  let workspace: string;
  const id = randomUUID().slice(0, 8);
  const topics = ['orders', 'clicks', 'payments'].map((t) => `ui-kfile-${t}-${id}`);

  before(async () => {
    broker = await testBroker();
    admin = await plainClient(broker.bootstrap, 'ui-kafka-file-admin', 15_000);
    for (const name of topics) await createTopic(admin, { name, partitions: 3, replicationFactor: 1 }, 1);
    workspace = mkdtempSync(join(findRepoRoot(), '.cache', 'ui-workspace-kafka-file-'));
    const sample = readFileSync(join(findRepoRoot(), 'scripts', 'samples', 'demo.kafka'), 'utf8').replace(/^topic: (orders|clicks|payments)$/gm, (_, t: string) => `topic: ui-kfile-${t}-${id}`);
    writeFileSync(join(workspace, 'demo.kafka'), sample);
    wb = await openWorkbench({ workspaceFolder: workspace, userSettings: { 'kafkaWorkbench.connections': [{ name: CONNECTION, bootstrapServers: [broker.bootstrap] }] } });
  });

  after(async () => {
    await wb?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    await admin?.withAdmin('delete', (a) => a.deleteTopics({ topics })).catch(() => undefined);
    await admin?.close();
  });

  it('paints the connection and run lenses, produces on a click (kcat reads it), shows the report lens; fits a narrow split', async () => {
    const { page } = wb!;
    await page.keyboard.press('Control+P');
    await quickInput(page).locator('.quick-input-box input').fill('demo.kafka');
    await quickPickItem(page, 'demo.kafka').first().click();
    const editor = page.locator('.editor-group-container').first().locator('.monaco-editor').first();
    const connection = codeLens(page, CONNECTION);
    await connection.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (e) => {
      await screenshot(page, 'kafka-file-no-lens');
      throw e;
    });
    const produce = codeLens(page, /Produce record$/);
    await produce.waitFor({ state: 'visible' });
    await assertInside(connection, editor, 'the connection lens');
    await assertInside(produce, editor, 'the "Produce record" lens');
    await codeLens(page, 'Start scheduled producer').waitFor({ state: 'visible' });
    await codeLens(page, 'Start consumer').waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);

    // The element under the lens's centre is the lens: nothing covers it.
    type Dom = { document: { elementFromPoint(x: number, y: number): { textContent: string | null } | null } };
    let hit = '';
    for (let i = 0; i < 20 && !/Produce record/.test(hit); i++) {
      const box = (await boxOf(produce))!;
      hit = await page.evaluate(([x, y]) => (globalThis as unknown as Dom).document.elementFromPoint(x, y)?.textContent ?? '', [box.x + box.width / 2, box.y + box.height / 2]);
    }
    assert.match(hit, /Produce record/);
    await produce.click();
    const report = codeLens(page, /\d@\d+ · \d+ ms · delivered \(partition@offset\)/);
    await report.waitFor({ state: 'visible', timeout: 30_000 });
    await assertInside(report, editor, 'the delivery report lens');
    const read = await kcatRead(broker.bootstrap, topics[0]);
    assert.equal(read.length, 1);
    assert.match(read[0].key, /^customer-\d+$/);
    assert.match(JSON.parse(read[0].value).email, /@/);
    await screenshot(page, 'kafka-file-1400x900');

    await runCommand(page, 'View: Split Editor Right');
    const right = page.locator('.editor-group-container').nth(1);
    await right.waitFor({ state: 'visible' });
    await runCommand(page, 'View: Split Editor Right');
    const narrow = page.locator('.editor-group-container').nth(2);
    const narrowLens = codeLens(page, /Produce record$/, 2);
    await narrowLens.waitFor({ state: 'visible', timeout: 30_000 });
    const narrowBox = (await narrow.boundingBox())!;
    assert.ok(narrowBox.width < 500, `the split is narrow (${narrowBox.width}px)`);
    await assertInside(codeLens(page, CONNECTION, 2), narrow, 'the connection lens in the narrow split');
    await assertStartsInside(codeLens(page, /delivered/, 2), narrow, 'the delivery report lens in the narrow split (its own row)');
    await screenshot(page, 'kafka-file-narrow-split');
  });

  it('Save as .kafka: the viewer\'s record button and the form\'s title-bar button add PRODUCER blocks to the picked file; the saved block runs from its lens', async () => {
    const { page } = wb!;
    await runCommand(page, 'View: Close All Editor Groups');
    await page.keyboard.press('Control+P');
    await quickInput(page).locator('.quick-input-box input').fill('demo.kafka');
    await quickPickItem(page, 'demo.kafka').first().click();
    await codeLens(page, /Produce record$/).waitFor({ state: 'visible', timeout: 60_000 });
    await codeLens(page, /Produce record$/).click();
    await codeLens(page, /delivered \(partition@offset\)/).waitFor({ state: 'visible', timeout: 30_000 });

    // From the viewer: Start consumer (the file's CONSUMER block), pick a record, "Save as .kafka producer…".
    await codeLens(page, 'Start consumer').click();
    const viewer = webviewFrame(page);
    await viewer.locator('.row .c-value').first().click();
    const saveRecord = viewer.locator('button#save-kafka');
    await saveRecord.waitFor({ state: 'visible', timeout: 30_000 });
    await inViewport(page, 'the Save as .kafka record button', saveRecord);
    await screenshot(page, 'kafka-file-save-from-viewer');
    await saveRecord.click();
    await quickInput(page).locator('.quick-input-title', { hasText: 'Save as .kafka' }).waitFor({ timeout: 20_000 });
    await quickPickItem(page, 'demo.kafka').first().click();
    // The file is shown with the new block and its lenses.
    const fromRecord = page.locator('.view-lines', { hasText: `PRODUCER ui-kfile-orders-${id}-` }).first();
    await fromRecord.waitFor({ state: 'visible', timeout: 30_000 });
    await runCommand(page, 'View: Close All Editor Groups');

    // From the form: topic and value typed, then the title bar's "Save as .kafka…".
    const form = await openForm(page);
    await setField(form, 'topic', topics[1]);
    await setEditor(form, 'value', '{"from": "the form", "n": {{i}}}');
    const saveForm = form.locator('#saveAsKafka');
    await inViewport(page, 'the form\'s Save as .kafka button', saveForm);
    const [titleBox, buttonBox] = [await form.locator('.titlebar').boundingBox(), await saveForm.boundingBox()];
    assert.ok(titleBox && buttonBox && buttonBox.y >= titleBox.y && buttonBox.y + buttonBox.height <= titleBox.y + titleBox.height + 1, 'the button sits in the one-line title bar');
    await saveForm.click();
    await quickPickItem(page, 'demo.kafka').first().click();
    await page.locator('.view-lines', { hasText: `PRODUCER ui-kfile-clicks-${id}` }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The file opens beside the form, which says what it added.
    await form.locator('#status', { hasText: /Added PRODUCER/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'kafka-file-save-from-form');
    await runCommand(page, 'View: Close All Editor Groups');

    // The saved form block runs from its lens, and its report shows beside it.
    await page.keyboard.press('Control+P');
    await quickInput(page).locator('.quick-input-box input').fill('demo.kafka');
    await quickPickItem(page, 'demo.kafka').first().click();
    await codeLens(page, /Produce record$/).waitFor({ state: 'visible', timeout: 30_000 });
    // To the end of the file, where the saved blocks are.
    await page.locator('.editor-group-container').first().locator('.view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.locator('.view-lines', { hasText: `PRODUCER ui-kfile-clicks-${id}` }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The form's block is the last one of the file: its lens is the lowest one painted.
    const runLenses = page.locator('.codelens-decoration a', { hasText: /Produce record$/ }).filter({ visible: true });
    // The lenses of the lines scrolled into view render a moment after the scroll.
    await runLenses.first().waitFor({ state: 'visible', timeout: 30_000 });
    const boxes = await Promise.all((await runLenses.all()).map(async (l) => ({ l, y: (await l.boundingBox())?.y ?? -1 })));
    const lowest = boxes.sort((a, b) => b.y - a.y)[0];
    assert.ok(lowest && lowest.y >= 0, 'a "Produce record" lens is painted at the end of the file');
    await lowest.l.click();
    // Its report, beside it (the first block's report is scrolled out of view above).
    const report = page.locator('.codelens-decoration a', { hasText: /delivered \(partition@offset\)/ }).filter({ visible: true }).first();
    await report.waitFor({ state: 'visible', timeout: 30_000 });
    await assertInside(report, page.locator('.editor-group-container').first().locator('.monaco-editor').first(), 'the saved block\'s report');
    const read = await kcatRead(broker.bootstrap, topics[1]);
    assert.deepEqual(read.map((r) => r.value), ['{"from": "the form", "n": 0}']);
    await screenshot(page, 'kafka-file-saved-blocks-1400x900');
    await runCommand(page, 'View: Split Editor Right');
    await runCommand(page, 'View: Split Editor Right');
    await codeLens(page, /delivered/, 2).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'kafka-file-saved-blocks-narrow-split');
  });
});
