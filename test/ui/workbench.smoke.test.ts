// Proves the UI rig: a real VS Code workbench opens in headless Chromium with the extension under
// development loaded, and can be driven through the keyboard and mouse.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  activityBarItem,
  openWorkbench,
  quickInput,
  quickPickItem,
  screenshot,
  type Workbench,
} from './support/workbench';

describe('workbench rig (UI)', function () {
  this.timeout(120_000);
  let wb: Workbench | undefined;

  before(async () => {
    wb = await openWorkbench();
  });

  after(async () => {
    await wb?.close();
  });

  it("shows the workbench with the extension's activity bar entry", async () => {
    const { page } = wb!;
    assert.ok(await page.locator('.monaco-workbench .part.activitybar').isVisible());
    assert.ok(await activityBarItem(page, 'Kafka').isVisible(), 'no "Kafka" entry in the activity bar');
  });

  it("lists the extension's commands in the command palette", async () => {
    const { page } = wb!;
    await page.keyboard.press('F1');
    const input = quickInput(page).locator('.quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Kafka: Add Connection');
    await quickPickItem(page, 'Kafka: Add Connection').waitFor({ state: 'visible' });
    const path = await screenshot(page, 'workbench-smoke-command-palette');
    assert.ok(existsSync(path));
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden' });
  });
});
