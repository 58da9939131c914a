// A stored secret belongs to the endpoint, mechanism and user it was entered for: an edit that
// changes any of them through the real "Edit Connection" command drops it, so the next Test sends
// nothing to the new endpoint; a rename or an unrelated edit keeps it. Checked against the real
// SASL listener, which accepts only the right password.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestConnectionResult } from '../../src/host/connections/connectionManager';
import type { ConnectionSpec } from '../../src/host/connections/connectionCommands';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const NAME = 'it-secret-scope';

async function test(name: string): Promise<TestConnectionResult> {
  const result = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', name, { quiet: true });
  assert.ok(result, 'testConnection returns a result');
  return result;
}

async function edit(spec: Partial<ConnectionSpec>): Promise<void> {
  await vscode.commands.executeCommand('kafkaWorkbench.editConnection', NAME, { name: NAME, ...spec });
}

describe('Stored secrets follow endpoint changes (real extension host)', function () {
  this.timeout(60_000);
  let broker: BrokerInfo;

  before(async () => {
    broker = await testBroker();
    await vscode.extensions.getExtension('kafka-workbench.kafka-workbench')?.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', NAME, { confirmed: true });
  });

  it('keeps the password for an unrelated edit, drops it when the bootstrap servers or the user change', async () => {
    assert.ok(broker.sasl);
    const { username, password } = broker.sasl.users.plain;
    const port = broker.sasl.bootstrap.split(':')[1];
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', {
      name: NAME,
      bootstrapServers: [broker.sasl.bootstrap],
      sasl: { mechanism: 'plain', username },
      password,
    } satisfies ConnectionSpec);
    assert.ok((await test(NAME)).ok, 'the stored password works');

    await edit({ clientId: 'another-client-id' });
    assert.ok((await test(NAME)).ok, 'an edit that keeps endpoint, mechanism and user keeps the password');

    // Same broker under another host name: a different endpoint as far as the secret is concerned.
    await edit({ bootstrapServers: [`localhost:${port}`] });
    const moved = await test(NAME);
    assert.ok(!moved.ok, 'the old password is not sent to the edited bootstrap list');
    assert.equal(moved.reason, 'authentication-failed', `the broker was reached and refused the missing password: ${moved.message}`);

    await edit({ bootstrapServers: [broker.sasl.bootstrap] });
    assert.ok(!(await test(NAME)).ok, 'moving back does not bring the dropped password back');

    await edit({ password });
    assert.ok((await test(NAME)).ok, 'a password entered again for the endpoint works');

    await edit({ sasl: { mechanism: 'plain', username: `${username}-other` } });
    await edit({ sasl: { mechanism: 'plain', username } });
    assert.ok(!(await test(NAME)).ok, 'a user change dropped the password too');
  });
});
