import * as vscode from 'vscode';
import { brokersDown, summaryLine } from './connectionHealth';
import type { ConnectionManager } from './connectionManager';

/**
 * Shows the active connection and its state; clicking it picks, connects or manages a connection.
 * A connected cluster that stops answering, loses a broker or has unhealthy partitions says so
 * here within one health check (a few seconds), with the warning or error background.
 */
export function createConnectionStatusBar(manager: ConnectionManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('kafkaWorkbench.connection', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Kafka Connection';
  item.command = 'kafkaWorkbench.selectConnection';
  const update = (): void => {
    const active = manager.activeConnection();
    const failed = manager.profiles().find((p) => manager.status(p.name).state === 'failed');
    const connecting = manager.profiles().find((p) => manager.status(p.name).state === 'connecting');
    item.backgroundColor = undefined;
    if (connecting) {
      item.text = `$(loading~spin) Kafka: ${connecting.name}`;
      item.tooltip = `Connecting to ${connecting.name}…`;
    } else if (active) {
      const health = manager.health.get(active);
      const summary = health ? summaryLine(health) : undefined;
      if (health && !health.reachable) {
        item.text = `$(error) Kafka: ${active} · unreachable`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      } else if (health?.health && (brokersDown(health.health).length > 0 || health.health.counts.offline > 0 || health.health.counts['under-min-isr'] > 0 || health.health.counts['under-replicated'] > 0)) {
        const down = brokersDown(health.health).length;
        const h = health.health;
        item.text = `$(warning) Kafka: ${active} · ${down ? `${down} broker${down === 1 ? '' : 's'} down` : `${h.counts.offline + h.counts['under-min-isr'] + h.counts['under-replicated']} partition issue(s)`}`;
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      } else {
        item.text = `$(plug) Kafka: ${active}`;
      }
      item.tooltip = `${active}: ${summary ?? 'connected'}. Click to manage connections.`;
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
  return vscode.Disposable.from(item, manager.onDidChange(update), manager.health.onDidChange(update));
}
