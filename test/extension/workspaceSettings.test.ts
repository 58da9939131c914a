// A cloned repository's .vscode/settings.json must not choose what the extension runs or downloads.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Workspace settings cannot pick the local broker binary or its jars', function () {
  this.timeout(60_000);
  const config = () => vscode.workspace.getConfiguration('kafkaWorkbench');

  it('ignores localBroker.javaHome, mavenRepository and port from .vscode/settings.json while honouring window settings there', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workbench opens a folder');
    const file = path.join(folder.uri.fsPath, '.vscode', 'settings.json');
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const before = config().get<number>('connectionTimeoutSeconds');
    await fsp.writeFile(
      file,
      JSON.stringify({
        'kafkaWorkbench.localBroker.javaHome': '/tmp/evil-java',
        'kafkaWorkbench.localBroker.mavenRepository': 'file:///tmp/evil-repo',
        'kafkaWorkbench.localBroker.port': 1234,
        'kafkaWorkbench.connectionTimeoutSeconds': 11,
      }),
    );
    try {
      // The window-scoped value proves VS Code read the file.
      await until(() => config().get<number>('connectionTimeoutSeconds') === 11, 'the workspace settings file is read');
      assert.notEqual(config().get('localBroker.javaHome'), '/tmp/evil-java');
      assert.notEqual(config().get('localBroker.mavenRepository'), 'file:///tmp/evil-repo');
      assert.notEqual(config().get('localBroker.port'), 1234);
      assert.equal(config().inspect('localBroker.javaHome')?.workspaceValue, undefined, 'javaHome has no workspace value at all');
    } finally {
      await fsp.rm(file, { force: true });
      await until(() => config().get<number>('connectionTimeoutSeconds') === before, 'the workspace settings are gone');
    }
  });

  it('declares Restricted Mode and virtual-workspace support to VS Code, naming the launch settings as restricted', () => {
    const ext = vscode.extensions.getExtension('kafka-workbench.kafka-workbench');
    assert.ok(ext?.isActive, 'the extension is loaded and active in this host');
    const capabilities = (ext.packageJSON as { capabilities?: Record<string, { supported?: unknown; restrictedConfigurations?: string[] }> }).capabilities;
    assert.equal(capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.deepEqual(
      [...(capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [])].sort(),
      ['kafkaWorkbench.localBroker.javaHome', 'kafkaWorkbench.localBroker.mavenRepository', 'kafkaWorkbench.localBroker.port'],
    );
    assert.equal(capabilities?.virtualWorkspaces?.supported, 'limited');
    const properties = (ext.packageJSON as { contributes: { configuration: { properties: Record<string, { scope?: string }> } } }).contributes.configuration.properties;
    for (const key of ['javaHome', 'mavenRepository', 'port']) {
      const scope: string | undefined = properties[`kafkaWorkbench.localBroker.${key}`]?.scope;
      assert.equal(scope, 'application', `localBroker.${key} is a user (application) setting only`);
    }
  });
});
