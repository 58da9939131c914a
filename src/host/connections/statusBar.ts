import * as vscode from 'vscode';
import type { ConnectionManager } from './connectionManager';

/** Shows the active connection and its state; clicking it picks, connects or manages a connection. */
export function createConnectionStatusBar(manager: ConnectionManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('kafkaWorkbench.connection', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Kafka Connection';
  item.command = 'kafkaWorkbench.selectConnection';
  const update = (): void => {
    const active = manager.activeConnection();
    const failed = manager.profiles().find((p) => manager.status(p.name).state === 'failed');
    const connecting = manager.profiles().find((p) => manager.status(p.name).state === 'connecting');
    if (connecting) {
      item.text = `$(loading~spin) Kafka: ${connecting.name}`;
      item.tooltip = `Connecting to ${connecting.name}…`;
    } else if (active) {
      item.text = `$(plug) Kafka: ${active}`;
      item.tooltip = `Connected to ${active}. Click to manage connections.`;
    } else if (failed) {
      const status = manager.status(failed.name);
      item.text = `$(error) Kafka: ${failed.name}`;
      item.tooltip = status.state === 'failed' ? status.message : undefined;
    } else {
      item.text = '$(debug-disconnect) Kafka: not connected';
      item.tooltip = 'Click to connect to a Kafka cluster';
    }
    item.show();
  };
  update();
  const subscription = manager.onDidChange(update);
  return vscode.Disposable.from(item, subscription);
}
