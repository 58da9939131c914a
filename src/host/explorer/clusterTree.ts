import * as vscode from 'vscode';
import type { ClusterBroker, GroupSummary, TopicSummary } from '../../core/kafka/client';
import type { ConnectionManager } from '../connections/connectionManager';

export const CLUSTER_VIEW_ID = 'kafkaWorkbench.clusters';

type Node =
  | { kind: 'connection'; connectionName: string }
  | { kind: 'brokers'; connectionName: string }
  | { kind: 'broker'; connectionName: string; broker: ClusterBroker }
  | { kind: 'topics'; connectionName: string }
  | { kind: 'topic'; connectionName: string; topic: TopicSummary }
  | { kind: 'groups'; connectionName: string }
  | { kind: 'group'; connectionName: string; group: GroupSummary }
  | { kind: 'message'; connectionName: string; label: string; detail?: string; error: boolean };

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The "Clusters" tree: one root per saved connection. Expanding a connection connects it; its
 * children load lazily, and failures show up as tree items with a retry rather than pop-ups.
 */
export class ClusterTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager) {
    this.subscription = manager.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const status = this.manager.status(node.connectionName);
        const profile = this.manager.store.get(node.connectionName);
        const item = new vscode.TreeItem(node.connectionName, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `connection:${node.connectionName}`;
        item.contextValue = `connection-${status.state}`;
        item.description = status.state === 'connected' ? `connected · ${status.summary.brokers.length} broker(s)` : status.state;
        item.iconPath = new vscode.ThemeIcon(
          status.state === 'connected' ? 'plug' : status.state === 'failed' ? 'error' : status.state === 'connecting' ? 'loading~spin' : 'debug-disconnect',
        );
        const auth = profile?.sasl.mechanism === 'none' ? 'no SASL' : `SASL ${profile?.sasl.mechanism.toUpperCase()} as ${profile?.sasl.username}`;
        item.tooltip = new vscode.MarkdownString(
          `**${node.connectionName}**\n\n${profile?.bootstrapServers.join(', ') ?? ''}\n\n${auth}, TLS ${profile?.tls.enabled ? 'on' : 'off'}` +
            (status.state === 'connected' ? `\n\ncluster \`${status.summary.clusterId}\`` : '') +
            (status.state === 'failed' ? `\n\n${status.message}` : ''),
        );
        return item;
      }
      case 'brokers':
        return this.folder(node, 'Brokers', 'server-environment');
      case 'topics':
        return this.folder(node, 'Topics', 'list-unordered');
      case 'groups':
        return this.folder(node, 'Consumer Groups', 'organization');
      case 'broker': {
        const { broker } = node;
        const item = new vscode.TreeItem(`${broker.nodeId}`, vscode.TreeItemCollapsibleState.None);
        item.description = `${broker.host}:${broker.port}${broker.isController ? ' · controller' : ''}`;
        item.iconPath = new vscode.ThemeIcon(broker.isController ? 'star-full' : 'server');
        item.contextValue = 'broker';
        return item;
      }
      case 'topic': {
        const item = new vscode.TreeItem(node.topic.name, vscode.TreeItemCollapsibleState.None);
        item.id = `topic:${node.connectionName}:${node.topic.name}`;
        item.description = `${node.topic.partitions} partition${node.topic.partitions === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        item.contextValue = 'topic';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.group.groupId, vscode.TreeItemCollapsibleState.None);
        item.description = node.group.protocolType;
        item.iconPath = new vscode.ThemeIcon('group-by-ref-type');
        item.contextValue = 'group';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.tooltip = node.detail ?? node.label;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        item.contextValue = node.error ? 'error' : 'message';
        if (node.error) {
          item.description = 'click to retry';
          item.command = { command: 'kafkaWorkbench.connect', title: 'Retry', arguments: [node.connectionName] };
        }
        return item;
      }
    }
  }

  private folder(node: Node, label: string, icon: string): vscode.TreeItem {
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `${node.kind}:${node.connectionName}`;
    item.iconPath = new vscode.ThemeIcon(icon);
    item.contextValue = node.kind;
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.manager.profiles().map((p) => ({ kind: 'connection', connectionName: p.name }));
    const name = node.connectionName;
    try {
      switch (node.kind) {
        case 'connection': {
          const status = this.manager.status(name);
          // A failed connection is retried only on request (the error item), never by a refresh.
          if (status.state === 'failed') {
            return [{ kind: 'message', connectionName: name, label: status.message, detail: status.message, error: true }];
          }
          if (status.state !== 'connected') {
            await vscode.window.withProgress({ location: { viewId: CLUSTER_VIEW_ID } }, () => this.manager.connect(name));
          }
          return [
            { kind: 'brokers', connectionName: name },
            { kind: 'topics', connectionName: name },
            { kind: 'groups', connectionName: name },
          ];
        }
        case 'brokers': {
          const status = this.manager.status(name);
          const brokers = status.state === 'connected' ? status.summary.brokers : [];
          return brokers.map((broker) => ({ kind: 'broker', connectionName: name, broker }));
        }
        case 'topics': {
          const topics = (await this.liveClient(name).listTopics()).filter((t) => !t.internal);
          if (topics.length === 0) return [{ kind: 'message', connectionName: name, label: 'No topics yet', error: false }];
          return topics.map((topic) => ({ kind: 'topic', connectionName: name, topic }));
        }
        case 'groups': {
          const groups = await this.liveClient(name).listGroups();
          if (groups.length === 0) return [{ kind: 'message', connectionName: name, label: 'No consumer groups', error: false }];
          return groups.map((group) => ({ kind: 'group', connectionName: name, group }));
        }
        default:
          return [];
      }
    } catch (e) {
      return [{ kind: 'message', connectionName: name, label: errorMessage(e), detail: errorMessage(e), error: true }];
    }
  }

  private liveClient(name: string) {
    const client = this.manager.client(name);
    if (!client) throw new Error(`"${name}" is not connected: expand it or run "Kafka: Connect".`);
    return client;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
