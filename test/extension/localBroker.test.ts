import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { KAFKA_JARS, jarFileName, jarRepositoryPath } from '../../src/core/broker/kafkaJars';
import type { TestConnectionResult } from '../../src/host/connections/connectionManager';
import { testClasspath, testJarsDir } from '../support/testBroker';

/**
 * A file:// Maven repository made of links to the jars the test rig already fetched, so the
 * extension's own download-and-verify path runs without reaching the network.
 */
async function localMavenRepository(): Promise<string> {
  await testClasspath();
  const repo = mkdtempSync(join(tmpdir(), 'kw-maven-'));
  for (const jar of KAFKA_JARS.jars) {
    const target = join(repo, jarRepositoryPath(jar));
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(testJarsDir(), jarFileName(jar)), target);
  }
  return repo;
}

describe('Start/Stop Local Broker in the real extension host', function () {
  this.timeout(240_000);
  const config = () => vscode.workspace.getConfiguration('kafkaWorkbench');
  let repo: string;

  before(async () => {
    repo = await localMavenRepository();
    await config().update('localBroker.mavenRepository', pathToFileURL(repo).href, vscode.ConfigurationTarget.Global);
    await config().update('localBroker.port', 0, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.commands.executeCommand('kafkaWorkbench.stopLocalBroker');
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', 'Local broker', { confirmed: true });
    await config().update('localBroker.mavenRepository', undefined, vscode.ConfigurationTarget.Global);
    await config().update('localBroker.port', undefined, vscode.ConfigurationTarget.Global);
    rmSync(repo, { recursive: true, force: true });
  });

  it('downloads and verifies the jars, starts a broker, adds a working connection, and stops it again', async () => {
    const started = await vscode.commands.executeCommand<{ bootstrap: string; reused: boolean }>('kafkaWorkbench.startLocalBroker', { brokers: 1 });
    assert.ok(started, 'startLocalBroker returns where the broker listens');
    assert.match(started.bootstrap, /^127\.0\.0\.1:\d+$/);
    const saved = config().get<{ name: string; bootstrapServers: string[] }[]>('connections') ?? [];
    assert.deepEqual(saved.find((c) => c.name === 'Local broker')?.bootstrapServers, [started.bootstrap]);
    const ok = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', 'Local broker', { quiet: true });
    assert.ok(ok?.ok, JSON.stringify(ok));

    const again = await vscode.commands.executeCommand<{ bootstrap: string; reused: boolean }>('kafkaWorkbench.startLocalBroker', { brokers: 1 });
    assert.deepEqual(again, { bootstrap: started.bootstrap, reused: true }, 'a second start reuses the running broker');

    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.stopLocalBroker'), true);
    const down = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', 'Local broker', { quiet: true });
    assert.ok(down && !down.ok);
    assert.equal(down.reason, 'connection-refused');
  });
});
