import * as vscode from 'vscode';
import { registerAvscDiagnostics } from './avro/avscDiagnostics';
import { registerRegistryCommands } from './avro/registryCommands';
import { registerConnectionCommands } from './connections/connectionCommands';
import { registerConnectionSharing } from './connections/connectionSharing';
import { registerConsumeCommands } from './consume/consumeCommand';
import { closeConsumeViewers } from './consume/consumeViewer';
import { ConnectionManager } from './connections/connectionManager';
import { ConnectionStore } from './connections/connectionStore';
import { createConnectionStatusBar } from './connections/statusBar';
import { CLUSTER_VIEW_ID, ClusterTreeProvider } from './explorer/clusterTree';
import { registerExplorerCommands } from './explorer/explorerCommands';
import { registerKafkaFile } from './kafkaFile/kafkaFileFeature';
import { leaveLocalBrokers, registerLocalBrokerCommands } from './localBroker/localBrokerCommands';
import { disposeLog, log } from './log';
import { ProducePanel } from './produce/producePanel';
import { registerProduceCommands } from './produce/produceCommands';
import { settings } from './settings';

/** Activation only wires things up: no network I/O happens until the user connects. */
export function activate(context: vscode.ExtensionContext): void {
  const manager = new ConnectionManager(new ConnectionStore(context.secrets));
  const tree = new ClusterTreeProvider(manager);
  context.subscriptions.push(
    log(),
    manager,
    tree,
    vscode.window.createTreeView(CLUSTER_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    createConnectionStatusBar(manager),
    ...registerConnectionCommands(context.extensionUri, manager),
    ...registerConnectionSharing(context, manager),
    ...registerLocalBrokerCommands(context, manager),
    ...registerProduceCommands(context.extensionUri, manager),
    ...registerExplorerCommands(manager, tree),
    ...registerConsumeCommands(context, manager),
    ...registerRegistryCommands(manager),
    registerAvscDiagnostics(),
    ...registerKafkaFile(context, manager),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${settings.section}.connections`)) void manager.reconcile();
    }),
  );
  log().info(`Kafka Workbench ${String(context.extension.packageJSON.version)} activated`);
}

/**
 * VS Code awaits this (not the disposables): viewers leave their consumer groups now rather than
 * after the session time-out, the produce panel aborts its runs, and this window gives up the local
 * broker (stopping it only when no other window uses it).
 */
export async function deactivate(): Promise<void> {
  ProducePanel.close();
  await Promise.allSettled([closeConsumeViewers(), leaveLocalBrokers()]);
  disposeLog();
}
