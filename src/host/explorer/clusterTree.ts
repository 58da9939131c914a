import * as vscode from 'vscode';
import type { ClusterBroker, KafkaClient } from '../../core/kafka/client';
import {
  describeGroups,
  groupOffsets,
  listGroups,
  type GroupDescription,
  type GroupMember,
  type GroupOffsets,
  type PartitionLag,
} from '../../core/kafka/groups';
import {
  brokerConfigs,
  brokerRacks,
  describePartitions,
  listTopicInfos,
  topicConfigs,
  type ConfigEntry,
  type PartitionInfo,
  type TopicInfo,
} from '../../core/kafka/topics';
import type { SchemaRegistryClient, SchemaType } from '../../core/avro/registry';
import { schemaUri } from '../avro/schemaDocuments';
import { ISSUE_LABEL, describeCounts, partitionIssues, type IssueCounts, type PartitionIssue, type TopicHealth } from '../../core/kafka/clusterHealth';
import { brokersDown, summaryLine } from '../connections/connectionHealth';
import type { ConnectionManager } from '../connections/connectionManager';
import { settings } from '../settings';
import { matchesFilter } from './filter';
import { GroupWatcher } from './groupWatch';


export const CLUSTER_VIEW_ID = 'kafkaWorkbench.clusters';

/** A node of the tree. Commands on tree items receive these; topicTargetOf() reads topic ones. */
export type ExplorerNode =
  | { kind: 'connection'; connectionName: string }
  | { kind: 'brokers'; connectionName: string }
  | { kind: 'broker'; connectionName: string; broker: ClusterBroker; rack: string | undefined; online?: boolean }
  | { kind: 'topics'; connectionName: string }
  | { kind: 'topic'; connectionName: string; topic: TopicInfo }
  | { kind: 'partitions'; connectionName: string; topicName: string; count: number }
  | { kind: 'partition'; connectionName: string; topicName: string; partition: PartitionInfo }
  | { kind: 'topicConfigs'; connectionName: string; topicName: string }
  | { kind: 'config'; connectionName: string; owner: { type: 'topic'; topic: string } | { type: 'broker'; nodeId: number }; entry: ConfigEntry }
  | { kind: 'groups'; connectionName: string }
  | { kind: 'group'; connectionName: string; groupId: string; description: GroupDescription; offsets: GroupOffsets }
  | { kind: 'members'; connectionName: string; groupId: string; members: GroupMember[] }
  | { kind: 'member'; connectionName: string; groupId: string; member: GroupMember }
  | { kind: 'groupOffsets'; connectionName: string; groupId: string; offsets: GroupOffsets }
  | { kind: 'lag'; connectionName: string; groupId: string; lag: PartitionLag }
  | { kind: 'registry'; connectionName: string; url: string }
  | { kind: 'subject'; connectionName: string; subject: string; schemaType?: SchemaType }
  | { kind: 'schemaVersion'; connectionName: string; subject: string; version: number; schemaType?: SchemaType }
  | { kind: 'message'; connectionName: string; label: string; detail?: string; error: boolean };

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function plural(n: number | string, word: string): string {
  return `${n} ${word}${String(n) === '1' ? '' : 's'}`;
}

/** Colours for health marks: theme colours only, the ones the Problems view uses. */
const WARNING = new vscode.ThemeColor('problemsWarningIcon.foreground');
const ERROR = new vscode.ThemeColor('problemsErrorIcon.foreground');

function serious(counts: IssueCounts): boolean {
  return counts.offline > 0 || counts['under-min-isr'] > 0;
}

function anyIssue(counts: IssueCounts): boolean {
  return Object.values(counts).some((n) => n > 0);
}

const ISSUE_HELP: Record<PartitionIssue, string> = {
  offline: 'no replica leads it: reads and writes fail until a replica comes back',
  'under-min-isr': 'fewer in-sync replicas than min.insync.replicas: acks=all writes fail with NOT_ENOUGH_REPLICAS',
  'under-replicated': 'some replicas are not in sync (a broker down or lagging)',
  'non-preferred-leader': 'led by a replica other than the first (preferred) one: run "Elect Preferred Leaders" to rebalance',
};

function item(label: string, collapsible: boolean, id: string | undefined, icon: string, contextValue: string): vscode.TreeItem {
  const treeItem = new vscode.TreeItem(label, collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  treeItem.id = id;
  treeItem.iconPath = new vscode.ThemeIcon(icon);
  treeItem.contextValue = contextValue;
  return treeItem;
}

/**
 * The "Clusters" tree: one root per saved connection. Expanding a connection connects it; every
 * level loads when expanded, and loading failures appear as tree items with a retry, not pop-ups.
 */
export class ClusterTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private filterText: string | undefined;
  private autoRefresh: NodeJS.Timeout | undefined;
  private readonly groupWatcher: GroupWatcher;

  constructor(private readonly manager: ConnectionManager) {
    // Members come and go and groups rebalance on their own: an expanded Consumer Groups level follows.
    this.groupWatcher = new GroupWatcher(manager, (c) => this.describeListedGroups(c));
    this.disposables.push(
      this.groupWatcher,
      this.groupWatcher.onDidChange(() => this.refresh()),
      manager.onDidChange(() => this.refresh()),
      manager.health.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${settings.section}.explorer`)) {
          this.scheduleAutoRefresh();
          this.refresh();
        }
      }),
    );
    this.scheduleAutoRefresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The current topic/group filter (substring, or a glob with * and ?), or undefined. */
  get filter(): string | undefined {
    return this.filterText;
  }

  setFilter(text: string | undefined): void {
    this.filterText = text?.trim() || undefined;
    void vscode.commands.executeCommand('setContext', 'kafkaWorkbench.filterActive', this.filterText !== undefined);
    this.refresh();
  }

  private scheduleAutoRefresh(): void {
    clearInterval(this.autoRefresh);
    this.autoRefresh = undefined;
    const seconds = settings.autoRefreshSeconds();
    if (seconds > 0) {
      this.autoRefresh = setInterval(() => {
        if (this.manager.profiles().some((p) => this.manager.status(p.name).state === 'connected')) this.refresh();
      }, seconds * 1000);
    }
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const c = node.connectionName;
    switch (node.kind) {
      case 'connection':
        return this.connectionItem(c);
      case 'brokers': {
        const t = item('Brokers', true, `brokers:${c}`, 'server-environment', 'brokers');
        const h = this.manager.health.get(c)?.health;
        if (h) {
          const down = brokersDown(h).length;
          t.description = `${h.brokers.length - down}/${h.brokers.length} up${h.controllerId !== null ? ` · controller ${h.controllerId}` : ''}`;
          if (down) t.iconPath = new vscode.ThemeIcon('server-environment', ERROR);
        }
        return t;
      }
      case 'topics': {
        const t = item('Topics', true, `topics:${c}`, 'list-unordered', 'topics');
        if (this.filterText) t.description = `filter: ${this.filterText}`;
        return t;
      }
      case 'groups': {
        const t = item('Consumer Groups', true, `groups:${c}`, 'organization', 'groups');
        if (this.filterText) t.description = `filter: ${this.filterText}`;
        return t;
      }
      case 'broker': {
        const { broker } = node;
        const offline = node.online === false;
        const t = item(`${broker.nodeId}`, true, `broker:${c}:${broker.nodeId}`, broker.isController ? 'star-full' : 'server', offline ? 'broker-offline' : 'broker');
        if (offline) t.iconPath = new vscode.ThemeIcon('debug-disconnect', ERROR);
        t.description = `${offline ? 'offline · ' : ''}${broker.host}:${broker.port}${broker.isController ? ' · controller' : ''}${node.rack ? ` · rack ${node.rack}` : ''}`;
        t.tooltip = offline
          ? `Broker ${broker.nodeId} (last seen at ${broker.host}:${broker.port}) is offline: it left the cluster's metadata or stopped answering. Its replicas are out of sync until it returns.`
          : `Broker ${broker.nodeId} at ${broker.host}:${broker.port}${broker.isController ? ', the active controller' : ''}\nrack: ${node.rack ?? 'none set'}\nExpand for its configs.`;
        return t;
      }
      case 'topic': {
        const { topic } = node;
        const t = item(topic.name, true, `topic:${c}:${topic.name}`, topic.internal ? 'lock' : 'symbol-event', 'topic');
        const th = this.topicHealth(c, topic.name);
        // min.insync.replicas matters once there is replication: it decides when acks=all fails.
        const minIsr = th?.minIsr !== undefined && topic.replicationFactor > 1 ? ` · min ISR ${th.minIsr}` : '';
        const issues = th ? describeCounts(th.counts) : '';
        t.description = `${issues ? `${issues} · ` : ''}${plural(topic.partitions, 'partition')} · RF ${topic.replicationFactor}${minIsr}`;
        if (th && anyIssue(th.counts)) t.iconPath = new vscode.ThemeIcon(topic.internal ? 'lock' : 'symbol-event', serious(th.counts) ? ERROR : WARNING);
        t.tooltip =
          `${topic.name}\n${plural(topic.partitions, 'partition')}, replication factor ${topic.replicationFactor}${topic.internal ? '\nInternal topic, used by Kafka itself' : ''}` +
          (th?.minIsr !== undefined ? `\nmin.insync.replicas ${th.minIsr}: acks=all writes need ${th.minIsr} in-sync replica(s)` : '') +
          (th?.uncleanLeaderElection !== undefined ? `\nunclean.leader.election.enable ${th.uncleanLeaderElection}${th.uncleanLeaderElection ? ': an out-of-sync replica may lead, losing records' : ': an offline partition waits for an in-sync replica'}` : '') +
          (issues ? `\nPartitions: ${issues}` : '');
        return t;
      }
      case 'partitions': {
        const t = item('Partitions', true, `partitions:${c}:${node.topicName}`, 'layers', 'partitions');
        t.description = `${node.count}`;
        return t;
      }
      case 'partition': {
        const p = node.partition;
        const t = item(`${p.partition}`, false, `partition:${c}:${node.topicName}:${p.partition}`, 'symbol-number', 'partition');
        const th = this.topicHealth(c, node.topicName);
        const issues = partitionIssues(p, th?.minIsr);
        const marks = issues.map((i) => ISSUE_LABEL[i]).join(' · ');
        if (issues.length) t.iconPath = new vscode.ThemeIcon('symbol-number', issues.includes('offline') || issues.includes('under-min-isr') ? ERROR : WARNING);
        const replicated = p.replicas.length > 1 ? ` · ISR ${p.isr.join(',')} of ${p.replicas.join(',')}` : '';
        t.description = `${marks ? `${marks} · ` : ''}leader ${p.leader < 0 ? 'none' : p.leader}${replicated} · offsets ${p.earliest}–${p.latest} · ${plural(p.records, 'record')}`;
        // Plain text, never Markdown: topic names come from the broker, and a Markdown tooltip built
        // from them could render links or fetch remote images.
        t.tooltip = [
          `${node.topicName} partition ${p.partition}`,
          `leader: ${p.leader}`,
          `replicas: ${p.replicas.join(', ')}`,
          `in-sync replicas: ${p.isr.join(', ')}`,
          ...(p.offlineReplicas.length ? [`offline replicas: ${p.offlineReplicas.join(', ')}`] : []),
          ...(th?.minIsr !== undefined ? [`min.insync.replicas: ${th.minIsr}`] : []),
          ...issues.map((i) => `${ISSUE_LABEL[i]}: ${ISSUE_HELP[i]}`),
          `earliest offset (low watermark): ${p.earliest}`,
          `latest offset (high watermark): ${p.latest}`,
          `records: ${p.records}`,
        ].join('\n');
        return t;
      }
      case 'topicConfigs':
        return item('Configs', true, `topicConfigs:${c}:${node.topicName}`, 'settings-gear', 'topicConfigs');
      case 'config': {
        const { entry } = node;
        const owner = node.owner.type === 'topic' ? `topic:${node.owner.topic}` : `broker:${node.owner.nodeId}`;
        const editable = node.owner.type === 'topic' && !entry.readOnly && !entry.sensitive;
        const t = item(entry.name, false, `config:${c}:${owner}:${entry.name}`, entry.isDefault ? 'circle-outline' : 'circle-filled', editable ? 'topicConfig' : 'config');
        const value = entry.sensitive ? '(sensitive, hidden)' : entry.value ?? '(none)';
        t.description = entry.isDefault ? value : `${value} · ${entry.source === 'topic' ? 'set on topic' : entry.source.replace(/-/g, ' ')}`;
        t.tooltip = `${entry.name} = ${value}\n${entry.isDefault ? 'Default value' : `Differs from the default (source: ${entry.source})`}${entry.readOnly ? '\nRead-only' : ''}`;
        return t;
      }
      case 'group': {
        const { description, offsets } = node;
        const t = item(node.groupId, true, `group:${c}:${node.groupId}`, 'group-by-ref-type', 'group');
        const rebalancing = /Rebalance/.test(description.state);
        t.description = `lag ${offsets.totalLag} · ${rebalancing ? 'rebalancing' : description.state}${description.members.length ? ` · ${plural(description.members.length, 'member')}` : ''}`;
        if (rebalancing) t.iconPath = new vscode.ThemeIcon('sync~spin');
        t.tooltip = `${node.groupId}\nstate ${description.state}, protocol ${description.protocol || '(none)'} (${description.protocolType || 'n/a'})\n${plural(description.members.length, 'member')}, total lag ${offsets.totalLag}`;
        return t;
      }
      case 'members': {
        const t = item('Members', true, `members:${c}:${node.groupId}`, 'person', 'members');
        t.description = `${node.members.length}`;
        return t;
      }
      case 'member': {
        const m = node.member;
        const t = item(m.clientId || m.memberId, false, `member:${c}:${node.groupId}:${m.memberId}`, 'person', 'member');
        const assigned = m.assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ');
        t.description = `${m.clientHost}${assigned ? ` · ${assigned}` : ''}`;
        t.tooltip = `member ${m.memberId}\nclient ${m.clientId} on ${m.clientHost}\nassigned: ${assigned || 'nothing'}`;
        return t;
      }
      case 'groupOffsets': {
        const t = item('Offsets', true, `groupOffsets:${c}:${node.groupId}`, 'list-ordered', 'groupOffsets');
        t.description = `total lag ${node.offsets.totalLag}`;
        return t;
      }
      case 'lag': {
        const l = node.lag;
        const t = item(`${l.topic} / ${l.partition}`, false, `lag:${c}:${node.groupId}:${l.topic}:${l.partition}`, 'dash', 'partitionLag');
        t.description = `committed ${l.committed ?? '—'} · latest ${l.latest} · lag ${l.lag ?? '—'}`;
        return t;
      }
      case 'registry': {
        const t = item('Schema Registry', true, `registry:${c}`, 'symbol-structure', 'registry');
        t.description = node.url;
        return t;
      }
      case 'subject': {
        const t = item(node.subject, true, `subject:${c}:${node.subject}`, 'symbol-class', 'subject');
        // The schema type of the latest version: AVRO, PROTOBUF or JSON.
        if (node.schemaType) t.description = node.schemaType;
        return t;
      }
      case 'schemaVersion': {
        const t = item(`version ${node.version}`, false, `schemaVersion:${c}:${node.subject}:${node.version}`, 'file-code', 'schemaVersion');
        const ext = node.schemaType === 'PROTOBUF' ? 'proto' : node.schemaType === 'JSON' ? 'json' : 'avsc';
        t.command = { command: 'vscode.open', title: 'Open Schema', arguments: [schemaUri(c, node.subject, node.version, ext)] };
        return t;
      }
      case 'message': {
        const t = item(node.label, false, undefined, node.error ? 'error' : 'info', node.error ? 'error' : 'message');
        t.tooltip = node.detail ?? node.label;
        if (node.error) {
          t.description = 'click to retry';
          t.command = { command: 'kafkaWorkbench.retry', title: 'Retry', arguments: [node.connectionName] };
        }
        return t;
      }
    }
  }

  private connectionItem(name: string): vscode.TreeItem {
    const status = this.manager.status(name);
    const profile = this.manager.store.get(name);
    const icon = { connected: 'plug', failed: 'error', connecting: 'loading~spin', disconnected: 'debug-disconnect' }[status.state];
    const t = item(name, true, `connection:${name}`, icon, `connection-${status.state}`);
    t.description = status.state === 'connected' ? `connected · ${plural(status.summary.brokers.length, 'broker')}` : status.state;
    const health = status.state === 'connected' ? this.manager.health.get(name) : undefined;
    if (health && !health.reachable) {
      t.iconPath = new vscode.ThemeIcon('error', ERROR);
      t.description = 'unreachable · no broker answers';
    } else if (health?.health) {
      const h = health.health;
      const down = brokersDown(h).length;
      const counts = describeCounts(h.counts);
      // What is wrong comes first: a narrow sidebar cuts the end of the description off.
      t.description = down || counts ? [down ? `${h.brokers.length - down}/${h.brokers.length} brokers up` : '', counts].filter(Boolean).join(' · ') : `connected · ${plural(h.brokers.length, 'broker')}`;
      if (down || anyIssue(h.counts)) t.iconPath = new vscode.ThemeIcon(down || serious(h.counts) ? 'error' : 'warning', down || serious(h.counts) ? ERROR : WARNING);
    }
    const auth = profile?.sasl.mechanism === 'none' ? 'no SASL' : `SASL ${profile?.sasl.mechanism.toUpperCase()} as ${profile?.sasl.username}`;
    // Plain text: the failure message and the cluster id come from the network.
    t.tooltip =
      `${name}\n${profile?.bootstrapServers.join(', ') ?? ''}\n${auth}, TLS ${profile?.tls.enabled ? 'on' : 'off'}` +
      (status.state === 'connected' ? `\ncluster ${status.summary.clusterId}` : '') +
      (health ? `\n${summaryLine(health)}` : '') +
      (status.state === 'failed' ? `\n${status.message}` : '');
    return t;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.manager.profiles().map((p) => ({ kind: 'connection', connectionName: p.name }));
    const name = node.connectionName;
    try {
      return await this.children(node);
    } catch (e) {
      return [{ kind: 'message', connectionName: name, label: errorMessage(e), detail: errorMessage(e), error: true }];
    }
  }

  private async children(node: ExplorerNode): Promise<ExplorerNode[]> {
    const c = node.connectionName;
    const empty = (label: string): ExplorerNode[] => [{ kind: 'message', connectionName: c, label, error: false }];
    switch (node.kind) {
      case 'connection': {
        const status = this.manager.status(c);
        // A failed connection is retried only on request (the error item), never by a refresh.
        if (status.state === 'failed') return [{ kind: 'message', connectionName: c, label: status.message, detail: status.message, error: true }];
        if (status.state !== 'connected') {
          await vscode.window.withProgress({ location: { viewId: CLUSTER_VIEW_ID } }, () => this.manager.connect(c));
        }
        const registry = this.manager.store.get(c)?.schemaRegistry;
        return [
          { kind: 'brokers', connectionName: c },
          { kind: 'topics', connectionName: c },
          { kind: 'groups', connectionName: c },
          ...(registry ? [{ kind: 'registry' as const, connectionName: c, url: registry.url }] : []),
        ];
      }
      case 'brokers': {
        const client = this.client(c);
        // The health check lists brokers seen before that are gone now, marked offline.
        const state = await this.manager.health.checkNow(c);
        const brokers = state?.health?.brokers ?? (await client.describeCluster()).brokers.map((b) => ({ ...b, online: true }));
        const racks = await brokerRacks(client, brokers.filter((b) => b.online).map((b) => b.nodeId)).catch(() => new Map<number, string>());
        return brokers.map((broker) => ({
          kind: 'broker',
          connectionName: c,
          broker: { nodeId: broker.nodeId, host: broker.host, port: broker.port, isController: broker.isController },
          rack: racks.get(broker.nodeId),
          online: broker.online,
        }));
      }
      case 'broker': {
        if (node.online === false) return empty(`Broker ${node.broker.nodeId} is offline: its configs cannot be read`);
        const entries = await brokerConfigs(this.client(c), node.broker.nodeId);
        return entries.map((entry) => ({ kind: 'config', connectionName: c, owner: { type: 'broker', nodeId: node.broker.nodeId }, entry }));
      }
      case 'topics': {
        // On a replicated cluster, topic rows show min ISR and health marks: have one check done
        // before the first listing (a single broker has nothing to wait for).
        const status = this.manager.status(c);
        if (!this.manager.health.get(c) && status.state === 'connected' && status.summary.brokers.length > 1) await this.manager.health.checkNow(c);
        const showInternal = settings.showInternalTopics();
        const all = await listTopicInfos(this.client(c));
        const topics = all.filter((t) => (showInternal || !t.internal) && matchesFilter(t.name, this.filterText));
        if (topics.length === 0) {
          return empty(all.length === 0 ? 'No topics yet' : this.filterText ? `No topic matches "${this.filterText}"` : 'Only internal topics (hidden)');
        }
        return topics.map((topic) => ({ kind: 'topic', connectionName: c, topic }));
      }
      case 'topic':
        return [
          { kind: 'partitions', connectionName: c, topicName: node.topic.name, count: node.topic.partitions },
          { kind: 'topicConfigs', connectionName: c, topicName: node.topic.name },
        ];
      case 'partitions': {
        const partitions = await describePartitions(this.client(c), node.topicName);
        return partitions.map((partition) => ({ kind: 'partition', connectionName: c, topicName: node.topicName, partition }));
      }
      case 'topicConfigs': {
        const entries = await topicConfigs(this.client(c), node.topicName);
        return entries.map((entry) => ({ kind: 'config', connectionName: c, owner: { type: 'topic', topic: node.topicName }, entry }));
      }
      case 'groups': {
        const client = this.client(c);
        const described = await this.describeListedGroups(c);
        this.groupWatcher.listed(c, described);
        if (described.length === 0) return empty(this.filterText ? `No group matches "${this.filterText}"` : 'No consumer groups');
        return Promise.all(
          described.map(async (description) => ({
            kind: 'group' as const,
            connectionName: c,
            groupId: description.groupId,
            description,
            offsets: await groupOffsets(client, description.groupId),
          })),
        );
      }
      case 'group':
        return [
          { kind: 'members', connectionName: c, groupId: node.groupId, members: node.description.members },
          { kind: 'groupOffsets', connectionName: c, groupId: node.groupId, offsets: node.offsets },
        ];
      case 'members':
        if (node.members.length === 0) return empty('No members (the group is empty)');
        return node.members.map((member) => ({ kind: 'member', connectionName: c, groupId: node.groupId, member }));
      case 'groupOffsets':
        if (node.offsets.partitions.length === 0) return empty('No committed offsets');
        return node.offsets.partitions.map((lag) => ({ kind: 'lag', connectionName: c, groupId: node.groupId, lag }));
      case 'registry': {
        const subjects = (await this.registry(c).then((r) => r.listSubjects())).filter((subject) => matchesFilter(subject, this.filterText));
        if (subjects.length === 0) return empty(this.filterText ? `No subject matches "${this.filterText}"` : 'No subjects registered');
        // One request per subject for its type (the first 500), 8 at a time; a failure leaves the type out.
        const registry = await this.registry(c);
        const sorted = subjects.sort();
        const types: (SchemaType | undefined)[] = [];
        let next = 0;
        const worker = async () => {
          while (next < Math.min(sorted.length, 500)) {
            const i = next++;
            types[i] = await registry.getVersion(sorted[i], 'latest').then((v) => v.schemaType, () => undefined);
          }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        return sorted.map((subject, i) => ({ kind: 'subject', connectionName: c, subject, schemaType: types[i] }));
      }
      case 'subject': {
        const versions = await this.registry(c).then((r) => r.listVersions(node.subject));
        return versions
          .sort((a, b) => b - a)
          .map((version) => ({ kind: 'schemaVersion', connectionName: c, subject: node.subject, version, schemaType: node.schemaType }));
      }
      default:
        return [];
    }
  }

  /** The groups the Consumer Groups level lists (filtered), described in one request per coordinator. */
  private async describeListedGroups(c: string): Promise<GroupDescription[]> {
    const client = this.client(c);
    const ids = (await listGroups(client)).filter((g) => matchesFilter(g.groupId, this.filterText)).map((g) => g.groupId);
    return describeGroups(client, ids);
  }

  private async registry(name: string): Promise<SchemaRegistryClient> {
    const registry = await this.manager.registry(name);
    if (!registry) throw new Error(`"${name}" has no Schema Registry: add its URL with "Kafka: Edit Connection".`);
    return registry;
  }

  /** Per-topic health by name, indexed once per check (thousands of topic items look it up). */
  private readonly topicIndex = new WeakMap<object, Map<string, TopicHealth>>();

  private topicHealth(connection: string, topic: string): TopicHealth | undefined {
    const health = this.manager.health.get(connection)?.health;
    if (!health) return undefined;
    let index = this.topicIndex.get(health);
    if (!index) {
      index = new Map(health.topics.map((t) => [t.name, t]));
      this.topicIndex.set(health, index);
    }
    return index.get(topic);
  }

  private client(name: string): KafkaClient {
    const client = this.manager.client(name);
    if (!client) throw new Error(`"${name}" is not connected: expand it or run "Kafka: Connect".`);
    return client;
  }

  dispose(): void {
    clearInterval(this.autoRefresh);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
