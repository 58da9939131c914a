import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { TestConnectionResult } from '../../src/host/connections/connectionManager';
import { localMavenRepository } from '../support/localMavenRepository';

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
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', 'Local cluster', { confirmed: true });
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

  it('starts three brokers (a KRaft quorum) from the same command, adds a connection to all three, reuses them, and stops every node', async () => {
    type Started = { bootstrap: string; reused: boolean; brokers?: number };
    const started = await vscode.commands.executeCommand<Started>('kafkaWorkbench.startLocalBroker', { brokers: 3 });
    assert.ok(started, 'startLocalBroker returns where the cluster listens');
    assert.equal(started.brokers, 3);
    const servers = started.bootstrap.split(',');
    assert.equal(servers.length, 3, started.bootstrap);
    for (const s of servers) assert.match(s, /^127\.0\.0\.1:\d+$/);
    const saved = config().get<{ name: string; bootstrapServers: string[] }[]>('connections') ?? [];
    assert.deepEqual(saved.find((c) => c.name === 'Local cluster')?.bootstrapServers, servers);
    const ok = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', 'Local cluster', { quiet: true });
    assert.ok(ok?.ok, JSON.stringify(ok));
    assert.deepEqual(ok.summary.brokers.map((b) => b.nodeId).sort(), [1, 2, 3], 'three brokers answer');
    assert.ok(ok.summary.brokers.some((b) => b.isController), 'one of them is the active controller');

    const again = await vscode.commands.executeCommand<Started>('kafkaWorkbench.startLocalBroker', { brokers: 3 });
    assert.deepEqual(again, { bootstrap: started.bootstrap, reused: true, brokers: 3 }, 'a second start reuses the running cluster');

    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.stopLocalBroker'), true);
    const down = await vscode.commands.executeCommand<TestConnectionResult>('kafkaWorkbench.testConnection', 'Local cluster', { quiet: true });
    assert.ok(down && !down.ok, 'the cluster is down');
    const refused = (server: string) =>
      new Promise<boolean>((resolve) => {
        const [host, port] = server.split(':');
        const socket = connect(Number(port), host);
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
    for (const server of servers) assert.ok(await refused(server), `nothing listens on ${server} any more`);
  });
});
