// Runs the extension-host test suite (out/test/extension/index.js) inside a real VS Code: code-server
// serves the workbench, headless Debian Chromium opens it with a payload that loads the extension under
// development and the tests module, and the workbench reports back through window.codeAutomationLog /
// window.codeAutomationExit (the hooks VS Code's own web test runner uses).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { offlineEnv, repoRoot, startCodeServer, workbenchUrl, type CodeServer } from './codeServer';
import type { TestResults } from './reporter';

export const chromiumPath = process.env.KW_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: chromiumPath,
  headless: process.env.KW_HEADED !== '1',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export interface ExtensionHostRunOptions {
  /** Folder holding the extension's package.json; default the repository root. */
  extensionDevelopmentPath?: string;
  /** Folder (or file) of the tests module exporting run(); default out/test/extension. */
  extensionTestsPath?: string;
  /** Folder the workbench opens; default a fresh empty folder. */
  workspaceFolder?: string;
  /** Extra environment for code-server, inherited by the extension host (e.g. KW_TEST_BROKER). */
  env?: NodeJS.ProcessEnv;
  userSettings?: Record<string, unknown>;
  /** Hard limit for the whole run; default 15 min. */
  timeoutMs?: number;
  /** Receives the workbench's log lines; default prints them prefixed with "[vscode]". */
  log?: (line: string) => void;
}

export interface ExtensionHostRunResult {
  /** 0 when run() resolved; 1 when it rejected; 2 when the run never reported (crash, timeout). */
  exitCode: number;
  /** The TestResults JSON the tests module wrote, if it got that far. */
  results?: TestResults;
  /** Why the run ended without the workbench reporting an exit, if it did. */
  error?: string;
}

/** Starts code-server and Chromium, runs the tests module in the extension host, tears both down. */
export async function runExtensionHostTests(opts: ExtensionHostRunOptions = {}): Promise<ExtensionHostRunResult> {
  const extensionDevelopmentPath = resolve(opts.extensionDevelopmentPath ?? repoRoot);
  const extensionTestsPath = resolve(opts.extensionTestsPath ?? join(repoRoot, 'out', 'test', 'extension'));
  const verbose = process.env.KW_VERBOSE === '1';
  const log = opts.log ?? ((line: string) => (verbose || !isChatter(line) ? console.log(`[vscode] ${line}`) : undefined));
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;

  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  const scratch = mkdtempSync(join(repoRoot, '.cache', 'extension-tests-'));
  const workspaceFolder = opts.workspaceFolder ?? join(scratch, 'workspace');
  mkdirSync(workspaceFolder, { recursive: true });
  const resultsFile = join(scratch, 'results.json');

  // code-server's own output is noisy; keep it and show it only when the run goes wrong.
  const serverLog: string[] = [];
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    server = await startCodeServer({
      workspaceFolder,
      userSettings: opts.userSettings,
      env: { ...offlineEnv, ...opts.env, KW_TEST_RESULTS: resultsFile },
      log: (line) => serverLog.push(line),
    });
    browser = await chromium.launch(chromiumLaunchOptions);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (reportExit = r));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
      for (const line of text.join(' ').split('\n')) log(type === 'info' || type === 'log' ? line : `${type}: ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    page.on('pageerror', (error) => log(`page error: ${error.message}`));

    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const serverDied = server.exited.then(() => 'server-exit' as const);

    await page.goto(workbenchUrl(server, { extensionDevelopmentPath, extensionTestsPath }));
    const outcome = await Promise.race([exited, timedOut, serverDied]);
    const results = readResults(resultsFile);
    if (typeof outcome === 'number') return { exitCode: outcome, results };

    const error =
      outcome === 'timeout'
        ? `extension-host tests did not finish within ${Math.round(timeoutMs / 1000)} s`
        : 'code-server exited during the extension-host tests';
    await saveScreenshot(page, 'extension-host-failure').catch(() => undefined);
    return { exitCode: 2, results, error };
  } catch (error) {
    return { exitCode: 2, results: readResults(resultsFile), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    const failed = !existsSync(resultsFile) || readResults(resultsFile)?.failed !== 0;
    if (failed || verbose) for (const line of serverLog) console.log(`[code-server] ${line}`);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Workbench log lines that say nothing about the tests (shown with KW_VERBOSE=1). */
function isChatter(line: string): boolean {
  return /^(Creating a socket|Resolving connection token|Resolved connection token|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|ChatSessionStore)/.test(line);
}

function readResults(file: string): TestResults | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestResults;
  } catch {
    return undefined;
  }
}

async function saveScreenshot(page: import('playwright-core').Page, name: string): Promise<void> {
  const path = join(repoRoot, 'test-results', 'screenshots', `${name}.png`);
  mkdirSync(join(repoRoot, 'test-results', 'screenshots'), { recursive: true });
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
}
