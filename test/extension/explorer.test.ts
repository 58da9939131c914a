import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describePartitions, topicConfigs } from '../../src/core/kafka/topics';
import { testBroker, type BrokerInfo } from '../support/testBroker';
import { plainClient } from '../support/plainClient';

describe('Explorer commands in the real extension host', function () {
  this.timeout(60_000);
  let broker: BrokerInfo;
  const connectionName = 'it-explorer';
  const topic = `it-explorer-${Date.now()}`;

  before(async () => {
    broker = await testBroker();
    await vscode.commands.executeCommand('kafkaWorkbench.addConnection', { name: connectionName, bootstrapServers: [broker.bootstrap] });
    await vscode.commands.executeCommand('kafkaWorkbench.connect', connectionName);
  });

  after(async () => {
    await vscode.commands.executeCommand('kafkaWorkbench.deleteTopic', { connectionName, topic }, { confirmed: topic });
    await vscode.commands.executeCommand('kafkaWorkbench.removeConnection', connectionName, { confirmed: true });
    await vscode.commands.executeCommand('kafkaWorkbench.clearFilter');
  });

  it('creates a topic, adds partitions to it, edits a config, and refuses a wrong delete confirmation', async () => {
    const created = await vscode.commands.executeCommand('kafkaWorkbench.createTopic', { connectionName }, { name: topic, partitions: 2, replicationFactor: 1 });
    assert.equal(created, topic);
    // Invoked as from a tree node: { connectionName, topic: { name } }.
    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.addPartitions', { connectionName, topic: { name: topic } }, 3), 3);
    assert.equal(
      await vscode.commands.executeCommand('kafkaWorkbench.editTopicConfig', { connectionName, topic, name: 'retention.ms', value: '3600000' }),
      true,
    );
    const check = await plainClient(broker.bootstrap, 'check', 10_000);
    try {
      assert.equal((await describePartitions(check, topic)).length, 3);
      assert.equal((await topicConfigs(check, topic)).find((c) => c.name === 'retention.ms')?.value, '3600000');
    } finally {
      await check.close();
    }
    // A wrong typed name deletes nothing.
    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.deleteTopic', { connectionName, topic }, { confirmed: 'not-it' }), false);
    // The same topic twice: the second create fails with a notification and returns nothing.
    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.createTopic', { connectionName }, { name: topic, partitions: 1, replicationFactor: 1 }), undefined);
  });

  it('sets and clears the topic/group filter', async () => {
    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.filter', 'orders-*'), 'orders-*');
    await vscode.commands.executeCommand('kafkaWorkbench.clearFilter');
    assert.equal(await vscode.commands.executeCommand('kafkaWorkbench.filter', ''), undefined);
  });
});
