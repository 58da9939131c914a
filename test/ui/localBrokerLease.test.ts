// Two real extension hosts sharing one local broker: two tabs on the same code-server are two VS Code
// windows, each with an extension host process of its own. Window A starts the broker, window B
// finds it running and uses it; closing A must leave the broker to B, and closing B, the last user,
// must stop it. Checked with real processes: the broker's pid, its port answering kcat, the lease
// files (named by extension host pid) in the broker's data folder.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { isAlive, readBrokerInfo } from '../../src/core/broker/localBroker';
import { repoRoot, workbenchUrl } from '../runner/codeServer';
import { localMavenRepository } from '../support/localMavenRepository';
import { activityBarItem, notification, openWorkbench, pickQuickItem, runCommand, screenshot, type Workbench } from './support/workbench';

const exec = promisify(execFile);

/** Polls `check` every 200 ms until it is true; fails with `what` after `timeoutMs`. */
async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** kcat -L: the broker answers a metadata request on its port. */
async function kcatMetadata(bootstrap: string): Promise<string> {
  const { stdout } = await exec('kcat', ['-b', bootstrap, '-L', '-m', '10'], { timeout: 15_000 });
  return stdout;
}

describe('Local broker shared by two windows (UI, two real extension hosts)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let repo: string;
  let pageB: Page | undefined;
  let brokerPid: number | undefined;

  /** The broker's data folder in the extension's global storage of this code-server. */
  const dataDir = () => join(wb!.server.userDataDir, 'User', 'globalStorage', 'kafka-workbench.kafka-workbench', 'local-broker');
  /** Extension host pids holding a lease on the broker. */
  const leases = (): number[] => {
    const dir = join(dataDir(), 'leases');
    return existsSync(dir) ? readdirSync(dir).map(Number).sort((a, b) => a - b) : [];
  };

  const startFrom = async (page: Page, message: RegExp): Promise<void> => {
    await runCommand(page, 'Kafka: Start Local Broker');
    await pickQuickItem(page, 'One broker');
    await notification(page, message).first().waitFor({ state: 'visible', timeout: 60_000 });
  };

  before(async () => {
    repo = await localMavenRepository();
    wb = await openWorkbench({
      userSettings: {
        'kafkaWorkbench.localBroker.mavenRepository': pathToFileURL(repo).href,
        'kafkaWorkbench.localBroker.port': 0,
      },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      for (const page of wb.browser.contexts().flatMap((c) => c.pages())) await screenshot(page, 'local-broker-lease-failure').catch(() => undefined);
      // The windows' logs (the extension's output channel among them) outlive the server's folder.
      const logs = join(repoRoot, 'test-results', 'local-broker-lease-logs');
      cpSync(join(wb.server.userDataDir, 'logs'), logs, { recursive: true });
      console.log(`logs: ${logs}`);
    }
  });

  after(async () => {
    // The broker runs detached from code-server's process group: whatever happened, it goes.
    if (brokerPid !== undefined && isAlive(brokerPid)) process.kill(brokerPid, 'SIGKILL');
    await wb?.close();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('closing the window that started the broker leaves it to the other window; closing the last window stops it', async () => {
    const pageA = wb!.page;
    await startFrom(pageA, /Local Kafka broker running at/);
    const info = await readBrokerInfo(dataDir());
    assert.ok(info, `broker.json in ${dataDir()}`);
    brokerPid = info.pid;
    assert.ok(isAlive(brokerPid), 'the broker process runs');
    const [hostA] = leases();
    assert.deepEqual(leases(), [hostA], 'window A holds one lease');
    assert.ok(isAlive(hostA), `window A's extension host (pid ${hostA}) is a live process`);

    // Window B: a second tab on the same server, so a second extension host.
    pageB = await wb!.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await pageB.goto(workbenchUrl(wb!.server, { extensionDevelopmentPath: repoRoot }));
    // The extension's contributions are registered once its activity-bar entry shows.
    await activityBarItem(pageB, 'Kafka').waitFor({ state: 'visible', timeout: 60_000 });
    await startFrom(pageB, /already running at/);
    const holders = leases();
    assert.equal(holders.length, 2, `two windows hold a lease: ${holders.join(', ')}`);
    const hostB = holders.find((pid) => pid !== hostA)!;
    assert.ok(isAlive(hostB) && hostB !== hostA, 'window B has an extension host process of its own');
    console.log(`broker pid ${brokerPid} at ${info.bootstrap}; extension hosts A ${hostA}, B ${hostB}`);

    // Window A closes: its extension host deactivates and gives up its lease; the broker stays for B.
    await pageA.close({ runBeforeUnload: true });
    await waitUntil(`window A's lease is given up`, () => !leases().includes(hostA));
    assert.deepEqual(leases(), [hostB]);
    await waitUntil(`window A's extension host process has exited`, () => !isAlive(hostA));
    assert.ok(isAlive(brokerPid), 'the broker still runs after window A closed');
    assert.match(await kcatMetadata(info.bootstrap), /1 brokers:/, 'the broker still answers on its port');

    // Window B, the last user, closes: the broker process ends.
    await pageB.close({ runBeforeUnload: true });
    await waitUntil(`the broker process has exited after the last window closed`, () => !isAlive(brokerPid!)).catch((e: Error) => {
      throw new Error(`${e.message} (leases: [${leases().join(', ')}], extension host B alive: ${isAlive(hostB)})`);
    });
    assert.deepEqual(leases(), [], 'no lease is left');
    await waitUntil(`window B's extension host process has exited`, () => !isAlive(hostB));
    await assert.rejects(kcatMetadata(info.bootstrap), 'nothing answers on the port any more');
  });
});
