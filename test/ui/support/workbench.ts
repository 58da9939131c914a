// Helpers for UI tests that click the real VS Code workbench (code-server + headless Chromium) with
// the extension loaded as a development extension. UI tests are plain-Node mocha files
// (test/ui/*.test.ts); a typical one:
//
//   let wb: Workbench;
//   before(async () => { wb = await openWorkbench(); });
//   after(async () => { await wb?.close(); });
//   it('...', async () => { await runCommand(wb.page, 'Kafka: Add Connection'); ... });
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { offlineEnv, repoRoot, startCodeServer, workbenchUrl, type CodeServer } from '../../runner/codeServer';
import { chromiumLaunchOptions } from '../../runner/extensionHost';

export interface OpenWorkbenchOptions {
  /** Folder to open; default a fresh empty folder (removed on close). */
  workspaceFolder?: string;
  /** Extension folder loaded as a development extension; default the repository root. */
  extensionDevelopmentPath?: string;
  userSettings?: Record<string, unknown>;
  /** Extra environment for code-server and so the extension host (KW_TEST_BROKER is passed on by default). */
  env?: NodeJS.ProcessEnv;
  viewport?: { width: number; height: number };
  /** Print code-server's log and the workbench's console errors; default when KW_VERBOSE=1. */
  verbose?: boolean;
  /** How long to wait for the workbench and the extension's contributions; default 60 s. */
  readyTimeoutMs?: number;
}

export interface Workbench {
  page: Page;
  browser: Browser;
  server: CodeServer;
  workspaceFolder: string;
  /** Closes the browser and stops code-server. */
  close(): Promise<void>;
}

interface Manifest {
  contributes?: { viewsContainers?: { activitybar?: { title: string }[] } };
}

/**
 * Starts code-server, opens the workbench in Chromium with the extension under development loaded,
 * and resolves once the workbench is laid out and the extension's activity-bar containers (if any)
 * are shown, i.e. its contributions are registered.
 */
export async function openWorkbench(opts: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const verbose = opts.verbose ?? process.env.KW_VERBOSE === '1';
  const extensionDevelopmentPath = resolve(opts.extensionDevelopmentPath ?? repoRoot);
  const timeout = opts.readyTimeoutMs ?? 60_000;
  let scratch: string | undefined;
  let workspaceFolder = opts.workspaceFolder;
  if (!workspaceFolder) {
    mkdirSync(join(repoRoot, '.cache'), { recursive: true });
    scratch = mkdtempSync(join(repoRoot, '.cache', 'ui-workspace-'));
    workspaceFolder = scratch;
  }
  const serverLog: string[] = [];
  const server = await startCodeServer({
    workspaceFolder,
    userSettings: opts.userSettings,
    env: { ...offlineEnv, ...opts.env },
    log: (line) => (verbose ? console.log(`[code-server] ${line}`) : serverLog.push(line)),
  });
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    browser = await chromium.launch(chromiumLaunchOptions);
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    page.on('pageerror', (error) => console.log(`[workbench] page error: ${error.message}`));
    if (verbose) {
      page.on('console', (message) => {
        if (message.type() === 'error') console.log(`[workbench] ${message.text()}`);
      });
    }
    await page.goto(workbenchUrl(server, { extensionDevelopmentPath }));
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require(join(extensionDevelopmentPath, 'package.json')) as Manifest;
    for (const container of manifest.contributes?.viewsContainers?.activitybar ?? []) {
      await activityBarItem(page, container.title).waitFor({ state: 'visible', timeout });
    }
    return { page, browser, server, workspaceFolder, close };
  } catch (error) {
    if (!verbose) for (const line of serverLog) console.log(`[code-server] ${line}`);
    if (browser) {
      const page = browser.contexts()[0]?.pages()[0];
      if (page) await screenshot(page, 'open-workbench-failure').catch(() => undefined);
    }
    await close();
    throw error;
  }
}

function escapeRegExp(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/** The quick input widget (command palette, quick picks, input boxes). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/** The row of the visible quick pick whose label is exactly `label`. */
export function quickPickItem(page: Page, label: string): Locator {
  return quickInput(page)
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name').getByText(escapeRegExp(label)) });
}

/**
 * Runs a command from the command palette by its full title, e.g. 'Kafka: Add Connection'. F1 can
 * be swallowed while a webview holds the focus, so the title bar's command center is the fallback.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = quickInput(page).locator('.quick-input-box input');
  const opened = () =>
    input
      .waitFor({ state: 'visible', timeout: 4_000 })
      .then(() => true)
      .catch(() => false);
  await page.keyboard.press('F1');
  if (!(await opened())) {
    await page.locator('.command-center .action-label, .command-center-center').first().click();
    await input.waitFor({ state: 'visible' });
  }
  await input.fill(`>${title}`);
  await quickPickItem(page, title).first().click();
}

/**
 * Runs the context-menu entry `label` of a tree row. The menu sometimes ignores a click that lands
 * right after it opened (a hover can sit on it), so when `ran()` does not turn true the entry is
 * focused by hovering and run with Enter, and if the menu closed, the row is right-clicked again.
 */
export async function runContextMenuItem(page: Page, row: Locator, label: string, ran: () => Promise<boolean>): Promise<void> {
  const item = page.locator('.context-view .action-label').filter({ hasText: label }).first();
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (!(await item.isVisible())) {
      await row.click({ button: 'right' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.click();
    } else {
      await item.hover({ timeout: 2_000 }).catch(() => undefined);
      await page.keyboard.press('Enter');
    }
    for (let i = 0; i < 25; i++) {
      if (await ran()) return;
      await page.waitForTimeout(200);
    }
  }
  throw new Error(`the context menu entry "${label}" did not run`);
}

/** Types `text` into the open quick input (input box or quick pick filter) and presses Enter. */
export async function answerQuickInput(page: Page, text: string): Promise<void> {
  const input = quickInput(page).locator('.quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await input.press('Enter');
}

/** Picks the item labelled exactly `label` in the open quick pick. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  await quickInput(page).waitFor({ state: 'visible' });
  await quickPickItem(page, label).first().click();
}

/** The open quick input's prompt or validation message text. */
export async function quickInputMessage(page: Page): Promise<string> {
  return (await quickInput(page).locator('.quick-input-message').innerText()).trim();
}

/** Waits until the quick input has closed (the flow accepted or was cancelled). */
export async function waitForQuickInputClosed(page: Page): Promise<void> {
  await quickInput(page).waitFor({ state: 'hidden' });
}

/** The activity bar entry whose accessible label starts with `title`, e.g. 'Kafka'. */
export function activityBarItem(page: Page, title: string): Locator {
  return page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title.replace(/"/g, '\\"')}"]`).first();
}

/** Opens the view container `title` in the side bar (clicking an open one would close it: skipped). */
export async function clickActivityBarItem(page: Page, title: string): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ state: 'visible' });
  const parent = item.locator('xpath=..');
  const open = (await parent.getAttribute('class'))?.split(/\s+/).includes('checked') ?? false;
  if (!open) await item.click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible' });
}

/** A tree row in the side bar whose label is exactly `label`. */
export function treeItem(page: Page, label: string): Locator {
  return page
    .locator('.part.sidebar .monaco-list-row')
    .filter({ has: page.locator('.label-name').getByText(escapeRegExp(label)) })
    .first();
}

/** Notification toasts whose message contains `text`. */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
}

/**
 * The content of a visible webview of the extension. VS Code nests each webview in two iframes:
 * an outer `iframe.webview` (host document) and the inner `#active-frame` holding the extension's HTML.
 */
export function webviewFrame(
  page: Page,
  opts: { extensionId?: string; index?: number } = {},
): FrameLocator {
  const extensionId = opts.extensionId ?? 'kafka-workbench.kafka-workbench';
  return page
    .locator(`iframe.webview[src*="extensionId=${extensionId}"]`)
    .filter({ visible: true })
    .nth(opts.index ?? 0)
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
}

/** Saves a screenshot to test-results/screenshots/NAME.png and prints its absolute path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
  return path;
}

/** Types into a text field of our webview forms (a toolkit `vscode-text-field` with that id). */
export async function fillField(form: FrameLocator, field: string, value: string): Promise<void> {
  await form.locator(`vscode-text-field#${field} input`).fill(value);
}

/** Picks the option labelled `label` in a toolkit dropdown of our webview forms. */
export async function chooseOption(form: FrameLocator, dropdown: string, label: string): Promise<void> {
  await form.locator(`vscode-dropdown#${dropdown}`).click();
  await form.locator(`vscode-dropdown#${dropdown} vscode-option`, { hasText: label }).first().click();
}

/**
 * Collapses or expands a view of the side bar by its header (as a user clicks it): collapsing the
 * Kafka container's Delivery Reports view gives the Clusters view the height it takes otherwise.
 */
export async function setSideBarViewExpanded(page: Page, title: string, expanded: boolean): Promise<void> {
  const header = page.locator('.part.sidebar .pane-header', { hasText: title }).first();
  await header.waitFor({ state: 'visible' });
  if (((await header.getAttribute('aria-expanded')) !== 'false') !== expanded) await header.click();
}

export function collapseSideBarView(page: Page, title: string): Promise<void> {
  return setSideBarViewExpanded(page, title, false);
}
