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
  let opened: Page | undefined;
  const close = async (): Promise<void> => {
    if (opened) openPages.delete(opened);
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
    opened = page;
    openPages.add(page);
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

/** The workbench pages open now, for the screenshot taken when a test fails. */
const openPages = new Set<Page>();

// A root hook (this module is loaded by every UI test file): a failed test leaves a screenshot of
// each open workbench, named after it, so a failure in CI or here shows what was on screen.
afterEach(async function () {
  if (this.currentTest?.state !== 'failed') return;
  const name = `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
  for (const page of openPages) {
    await screenshot(page, name).catch(() => undefined);
  }
});

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
  const opened = (timeout: number) =>
    input
      .waitFor({ state: 'visible', timeout })
      .then(() => true)
      .catch(() => false);
  await page.keyboard.press('F1');
  if (!(await opened(3_000))) {
    // Whatever held the focus (a webview's frame, a read-only editor) let F1 go: give the focus
    // back to the workbench itself and press it again.
    await page.keyboard.press('Escape');
    await page.locator('body').evaluate((body) => (body.ownerDocument.activeElement as unknown as { blur?: () => void } | null)?.blur?.());
    await page.keyboard.press('F1');
  }
  if (!(await opened(3_000))) {
    // The command center's search box (not its Back and Forward buttons, which may be disabled).
    await page.locator('.command-center .command-center-center').first().click();
    await input.waitFor({ state: 'visible', timeout: 10_000 });
  }
  await input.fill(`>${title}`);
  await quickPickItem(page, title).first().click();
}

/**
 * Runs the context-menu entry `label` of a tree row. The menu sometimes ignores a click that lands
 * right after it opened (a hover can sit on it) and stays open: then the entry is focused by
 * hovering and run with Enter at once. If the menu closed and `ran()` does not turn true, the row is
 * right-clicked again.
 */
export async function runContextMenuItem(page: Page, row: Locator, label: string, ran: () => Promise<boolean>): Promise<void> {
  const item = page.locator('.context-view .action-label').filter({ hasText: label }).first();
  for (let attempt = 1; attempt <= 4; attempt++) {
    // A click the menu took late (it closed after the wait below) may have run the entry already.
    if (attempt > 1) {
      await page.waitForTimeout(300);
      if (await ran()) return;
    }
    if (!(await item.isVisible())) {
      await row.click({ button: 'right' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.click();
    } else {
      await item.hover({ timeout: 2_000 }).catch(() => undefined);
      await page.keyboard.press('Enter');
    }
    // An entry that runs closes the menu; a click the menu ignored leaves it open: then go
    // straight to the next attempt (hover and Enter) instead of waiting for a command that never ran.
    const closed = await item.waitFor({ state: 'hidden', timeout: 1_000 }).then(
      () => true,
      () => false,
    );
    if (!closed) continue;
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
  // VS Code may set the box's initial value just after it shows (an input box opened from a quick
  // pick reuses the same element): fill again until the text stays, or Enter accepts that value.
  for (let i = 0; ; i++) {
    await input.fill(text);
    await page.waitForTimeout(100);
    if ((await input.inputValue()) === text || i === 20) break;
  }
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

/**
 * Posts a message into the real webview host exactly as the webview's acquireVsCodeApi().postMessage
 * does: through the function VS Code's outer webview frame exposes to the inner one (which deletes its
 * own `window.parent` after binding it, so the call is made in the outer frame). For tests of what
 * the host does with a forged or wrong-shaped message.
 */
export async function postRawToWebview(page: Page, message: unknown): Promise<void> {
  const outer = page.locator('iframe.webview[src*="extensionId=kafka-workbench.kafka-workbench"]').filter({ visible: true }).first().contentFrame();
  await outer.locator('body').evaluate((_body, m) => {
    (globalThis as unknown as { __vscode_post_message__(channel: string, data: unknown): void }).__vscode_post_message__('onmessage', { message: m });
  }, message);
}
