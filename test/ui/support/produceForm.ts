// Driving the Produce Message form and the Delivery Reports view in the real workbench.
import * as assert from 'node:assert/strict';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { runCommand, webviewFrame } from './workbench';

/** The form's own controls are native inputs and selects; the key and value are CodeMirror editors. */
export async function setField(form: FrameLocator, id: string, value: string): Promise<void> {
  await form.locator(`input#${id}`).fill(value);
}
export async function choose(form: FrameLocator, id: string, label: string | RegExp): Promise<void> {
  const select = form.locator(`select#${id}`);
  const options = await select.locator('option').allInnerTexts();
  const match = options.find((o) => (typeof label === 'string' ? o.startsWith(label) : label.test(o)));
  assert.ok(match, `no option ${String(label)} in #${id}: ${options.join(' | ')}`);
  await select.selectOption({ label: match });
}
export async function setEditor(form: FrameLocator, id: 'key' | 'value', text: string): Promise<void> {
  const content = form.locator(`#${id} .cm-content`);
  await content.click();
  await content.press('ControlOrMeta+a');
  if (text === '') await content.press('Delete');
  else await content.fill(text);
}
/** Opens a collapsible section of the form (`records`, `delivery`, `settings`…); one already open stays open. */
export async function openSection(form: FrameLocator, id: string): Promise<void> {
  const head = form.locator(`#section-${id} .section-head`);
  if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
}
export async function openForm(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Kafka: Produce Message…');
  const form = webviewFrame(page);
  await form.locator('h2', { hasText: 'Produce Message' }).waitFor({ timeout: 30_000 });
  return form;
}
export async function inViewport(page: Page, what: string, locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  const view = page.viewportSize()!;
  assert.ok(box, `${what} is drawn`);
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height, `${what} inside the ${view.width}x${view.height} viewport: ${JSON.stringify(box)}`);
}
/** The Delivery Reports view's rows (the view sits under Clusters in the Kafka container). */
export function reportRow(page: Page, text: string | RegExp): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Delivery Reports' }) }).locator('.monaco-list-row', { hasText: text }).first();
}


/** The record viewer's webview (opened beside or over the form): the frame that has its record rows. */
export async function viewerFrame(page: Page): Promise<FrameLocator> {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (let i = 0; i < 3; i++) {
      const frame = webviewFrame(page, { index: i });
      if (await frame.locator('#viewport, .row').first().isVisible().catch(() => false)) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error('the record viewer did not open');
}
