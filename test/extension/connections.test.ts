import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ClusterSummary } from '../../src/core/kafka/client';
import type { TestConnectionResult } from '../../src/host/connections/connectionManager';
import type { ConnectionSpec } from '../../src/host/connections/connectionCommands';
import { openedSince, socketsTo } from '../support/sockets';
import { testBroker, type BrokerInfo } from '../support/testBroker';

const EXTENSION_ID = 'kafka-workbench.kafka-workbench';

function savedConnections(): unknown[] {
  return vscode.workspace.getConfiguration('kafkaWorkbench').get<unknown[]>('connections') ?? [];
}

async function add(spec: ConnectionSpec): Promise<void> {
  const name = await vscode.commands.executeCommand<string>('kafkaWorkbench.addConnection', spec);
  assert.equal(name, spec.name, 'addConnection returns the saved name');
}

async function remove(name: string): Promise<void> {
  await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', name, { confirmed: true });
}

async function test(name: string): Promise<TestConnectionResult> {
  const result = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', name, { quiet: true });
  assert.ok(result, 'testConnection returns a result');
  return result;
}

describe('Connections in the real extension host', function () {
  this.timeout(60_000);
  let broker: BrokerInfo;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    broker = await testBroker();
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    process.on('unhandledRejection', onUnhandled);
  });

  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  afterEach(async () => {
    for (const name of ['it-plain', 'it-scram', 'it-tls', 'it-bad', 'it-renamed']) await remove(name);
  });

  it('adds a connection to settings and Test Connection reports cluster id, controller, brokers and round trip', async () => {
    await add({ name: 'it-plain', bootstrapServers: [broker.bootstrap] });
    assert.ok(savedConnections().some((c) => (c as { name: string }).name === 'it-plain'));
    const result = await test('it-plain');
    assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
    assert.equal(result.summary.clusterId, broker.clusterId);
    assert.equal(result.summary.brokers.length, 1);
    assert.equal(result.summary.controllerId, result.summary.brokers[0].nodeId);
    assert.equal(typeof result.summary.roundTripMs, 'number');
  });

  it('keeps the SASL password in SecretStorage only, and authenticates with it', async () => {
    assert.ok(broker.sasl);
    const { username, password } = broker.sasl.users.scram512;
    await add({ name: 'it-scram', bootstrapServers: [broker.sasl.bootstrap], sasl: { mechanism: 'scram-sha-512', username }, password });
    const settingsText = JSON.stringify(vscode.workspace.getConfiguration('kafkaWorkbench'));
    assert.ok(settingsText.includes('it-scram'));
    assert.ok(!settingsText.includes(password), 'the password is not in settings');
    const ok = await test('it-scram');
    assert.ok(ok.ok, JSON.stringify(ok));

    await vscode.commands.executeCommand('kafkaWorkbench.editConnection', 'it-scram', { name: 'it-scram', password: 'not-the-password' });
    const bad = await test('it-scram');
    assert.ok(!bad.ok);
    assert.equal(bad.reason, 'authentication-failed');
    assert.match(bad.message, /user name or password/);
    assert.ok(bad.elapsedMs < 13_000, `bounded by the 10 s default: ${bad.elapsedMs} ms`);
  });

  it('a renamed connection keeps its stored password', async () => {
    assert.ok(broker.sasl);
    const { username, password } = broker.sasl.users.plain;
    await add({ name: 'it-scram', bootstrapServers: [broker.sasl.bootstrap], sasl: { mechanism: 'plain', username }, password });
    await vscode.commands.executeCommand('kafkaWorkbench.editConnection', 'it-scram', { name: 'it-renamed' });
    const result = await test('it-renamed');
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('connects over TLS with a CA file', async () => {
    assert.ok(broker.tls);
    await add({ name: 'it-tls', bootstrapServers: [broker.tls.bootstrap], tls: { enabled: true, caFile: broker.tls.caFile, verifyHostname: true } });
    const result = await test('it-tls');
    assert.ok(result.ok, JSON.stringify(result));
  });

  it('refuses an empty bootstrap list with a message saying what to enter', async () => {
    const name = await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: 'it-bad', bootstrapServers: [] });
    assert.equal(name, undefined, 'nothing is saved');
    assert.ok(!savedConnections().some((c) => (c as { name: string }).name === 'it-bad'));
    const result = await vscode.commands.executeCommand<TestConnectionResult>(
      'kafkaWorkbench.testConnection',
      { profile: { name: 'it-bad', bootstrapServers: [] } },
      { quiet: true },
    );
    assert.ok(result && !result.ok);
    assert.equal(result.reason, 'invalid-input');
    assert.match(result.message, /bootstrap server list is empty/);
  });

  it('a broker that is not there fails with "connection refused" in bounded time, and Connect leaves no client behind', async () => {
    await add({ name: 'it-bad', bootstrapServers: ['127.0.0.1:1'] });
    const result = await test('it-bad');
    assert.ok(!result.ok);
    assert.equal(result.reason, 'connection-refused');
    assert.match(result.message, /Nothing is listening at 127\.0\.0\.1:1/);
    assert.ok(result.elapsedMs < 13_000);
    const summary = await vscode.commands.executeCommand<ClusterSummary | undefined>('kafkaWorkbench.connect', 'it-bad');
    assert.equal(summary, undefined, 'a failed connect resolves to nothing; the error went to a notification');
  });

  it('Connect opens sockets to the broker and Disconnect closes all of them', async () => {
    const port = Number(broker.bootstrap.split(':')[1]);
    const before = await socketsTo(port);
    await add({ name: 'it-plain', bootstrapServers: [broker.bootstrap] });
    const summary = await vscode.commands.executeCommand<ClusterSummary>('kafkaWorkbench.connect', 'it-plain');
    assert.equal(summary?.clusterId, broker.clusterId);
    assert.ok((await openedSince(port, before, 0)).length > 0, 'the connection holds a socket');
    await vscode.commands.executeCommand('kafkaWorkbench.disconnect', 'it-plain');
    // Sockets of earlier tests may close meanwhile; only the ones opened since matter.
    assert.deepEqual(await openedSince(port, before), [], 'every socket the connection opened is closed');
  });

  it('left no unhandled promise rejection in the extension host after all the failures above', async () => {
    // Late socket errors from abandoned connects would surface within a second or two.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.deepEqual(unhandled.map(String), []);
  });
});
