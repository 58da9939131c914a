// Proves the test rig itself: these tests run inside a real VS Code extension host, with the
// extension under development loaded, and the runner's environment reaching the host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'kafka-workbench.kafka-workbench';

describe('test rig', () => {
  it('runs inside a real VS Code extension host on Node', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    assert.ok(process.versions.node, 'process.versions.node is set');
    assert.equal(typeof vscode.commands.executeCommand, 'function');
  });

  it('loads the extension under development and activates it', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    assert.equal(extension.packageJSON.name, 'kafka-workbench');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('opens a workspace folder', () => {
    assert.ok(vscode.workspace.workspaceFolders?.length, 'no workspace folder is open');
  });

  it("receives the runner's environment (results file path)", () => {
    assert.ok(process.env.KW_TEST_RESULTS, 'KW_TEST_RESULTS is not set in the extension host');
  });
});
